"""The published tables shipped in ``tests/data/refdata`` equal the shared transcriptions.

``tests/data/refdata/README.md`` names each table's source and terms. The copies let a clone
run the reference tests without ``../shared``; this test (which needs ``../shared``, so it runs
in CI and fails there if the folder is missing) makes sure a correction made to the shared
transcription reaches the copy.
"""

from __future__ import annotations

import pytest

SHIPPED = ("gb36600_2018_screening_control_values.csv", "hj633_2012_iaqi_breakpoints.csv",
           "hj633_2026_iaqi_breakpoints.csv", "hj633_2026_aqi_grades.csv", "chicagoNMMAPS.rda")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_copy_equals_shared(refdata_dir, shared_dir, name):
    assert (refdata_dir / name).read_bytes() == (shared_dir / "refdata" / name).read_bytes()


def test_every_shipped_table_is_listed_in_the_readme(refdata_dir):
    readme = (refdata_dir / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in refdata_dir.iterdir() if p.name != "README.md")
    assert files == sorted(SHIPPED)
    for name in files:
        assert f"`{name}`" in readme, name
