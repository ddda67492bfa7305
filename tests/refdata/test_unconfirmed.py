"""docs/unconfirmed.md is generated from the tables, lists every UNCONFIRMED row once, and the
dated toxicity editions agree with the dataset tables they stand beside."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from ehrisk.refdata import RefdataError, table_names
from ehrisk.refdata.toxicity import toxicity, toxicity_editions
from ehrisk.refdata.unconfirmed import BASELINE, MARK, counts, markdown, unconfirmed_rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "unconfirmed.md"


def test_committed_page_equals_generated():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/unconfirmed.md is out of date; run "
        "`python -m ehrisk.refdata.unconfirmed > docs/unconfirmed.md`")


def _raw_count(name: str) -> tuple[int, int]:
    """Rows and rows whose note says UNCONFIRMED, read with the csv module (independent of
    the package's loader)."""
    path = resources.files("ehrisk.refdata.tables") / f"{name}.csv"
    with path.open("r", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return len(rows), sum(MARK in (r.get("note") or "") for r in rows)


@pytest.mark.parametrize("name", table_names())
def test_counts_and_rows_match_the_csv(name):
    assert counts()[name] == _raw_count(name)
    assert len(unconfirmed_rows(name)) == _raw_count(name)[1]


def test_page_lists_every_unconfirmed_row_once():
    page = markdown()
    for name in table_names():
        n = _raw_count(name)[1]
        if n:
            assert f"### {name} ({n})" in page
    total_now = sum(_raw_count(n)[1] for n in table_names())
    total_before = sum(v[1] for v in BASELINE.values())
    assert total_before == 1222  # counted at commit 2e263fa (issue 10: 1,222 of 1,975 rows)
    assert f"| **total** | {sum(_raw_count(n)[0] for n in table_names())} | 1222 | {total_now} |" \
        in page


def test_edition_defaults_are_the_dataset_values():
    eds = toxicity_editions()
    tox = toxicity("epa-rsl")
    for (cas, param), grp in eds.groupby(["cas", "parameter"]):
        assert grp["default"].sum() == 1, (cas, param)
        default = grp.loc[grp["default"], "value"].iloc[0]
        assert tox.loc[cas, param] == pytest.approx(default), (cas, param)


def test_trichloroethylene_oral_slope_factor_editions():
    # IRIS Trichloroethylene page: 4.6E-2 per mg/kg-day (2011 page, archived 2016-12-25),
    # 5.2E-2 per mg/kg-day (current page, iris.epa.gov/ChemicalLanding/&substance_nmbr=199).
    assert toxicity().loc["79-01-6", "sfo_per_mg_kg_day"] == pytest.approx(4.6e-2)
    cur = toxicity(editions={"79-01-6": "IRIS current"})
    assert cur.loc["79-01-6", "sfo_per_mg_kg_day"] == pytest.approx(5.2e-2)
    # other substances and other parameters are untouched
    assert cur.loc["79-01-6", "rfd_mg_kg_day"] == pytest.approx(5e-4)
    assert cur.loc["71-43-2", "sfo_per_mg_kg_day"] == toxicity().loc["71-43-2", "sfo_per_mg_kg_day"]


def test_formaldehyde_rfc_2024_edition():
    # IRIS 2024 final (Inhalation): RfC 7 ug/m3 = 0.007 mg/m3.
    assert toxicity(editions={"50-00-0": "IRIS 2024"}).loc["50-00-0", "rfc_mg_m3"] == \
        pytest.approx(0.007)


def test_unknown_edition_is_refused_with_the_known_ones():
    with pytest.raises(RefdataError, match="IRIS 2011"):
        toxicity(editions={"79-01-6": "IRIS 1999"})
