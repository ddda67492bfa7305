"""The spine on a region that is not the demo (issue 9): the hand-built Qinghe County fixture
(tests/data/region_small, CC0) imported from the XLSX templates through the CLI, then

- ``ehrisk run study.toml`` with every step enabled exits 0, every step ran or says which input
  it lacks, and the response model recovers the fixture's known PM2.5 effect;
- ``ehrisk runs list/show`` and ``ehrisk extract`` read the run back from the database;
- the same results made through the CLI commands (``map run`` then ``grade code``) equal the
  study's, extract for extract.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ehrisk.cli import run

REGION = Path(__file__).parent / "data" / "region_small"
TRUTH = json.loads((REGION / "truth.json").read_text(encoding="utf-8"))
EVERY_STEP = {"screening", "screening_levels", "risk", "aqi", "aqhi", "response", "forecast",
              "risk_map", "grading", "health_impact", "enterprise_files"}

pytestmark = pytest.mark.slow


def _cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def study(region_small):
    """The fixture region imported through ``ehrisk import`` (tests/conftest.py), then the
    study run on it."""
    d, db, codes = region_small
    assert set(codes.values()) == {0}, codes
    code = run(["run", str(d / "study.toml"), "--json"])
    assert code == 0
    record = json.loads((d / "ehrisk-output" / "provenance.json").read_text(encoding="utf-8"))
    return d, db, record


def test_every_step_ran_or_says_why(study):
    _, _, record = study
    steps = {s["step"]: s for s in record["steps"]}
    assert set(steps) == EVERY_STEP
    for s in steps.values():
        assert s["status"] in ("ran", "not_run"), s
        if s["status"] == "not_run":
            assert s["reason"].strip(), s
    # the fixture has no fence-line VOC stations and no concentration file: the risk step
    # names what it lacks; everything else has its inputs
    assert steps["risk"]["status"] == "not_run"
    assert "concentrations" in steps["risk"]["reason"]
    assert {n for n, s in steps.items() if s["status"] == "ran"} == EVERY_STEP - {"risk"}
    # seven weeks of hourly data: the hold-out evaluation says it is too short, the forecast
    # is still made
    fc = steps["forecast"]["summary"]
    assert fc["evaluation"].startswith("not evaluated") and "30 days" in fc["evaluation"]
    assert len(fc["city_aqi"]) == 3
    inv = record["inventory"]
    assert inv["metric_crs"] == "EPSG:32649" and inv["source"] == "database"
    assert inv["year"] == 2025 and inv["synthetic"] is False


def test_response_recovers_known_effect(study):
    _, _, record = study
    s = next(x for x in record["steps"] if x["step"] == "response")["summary"]
    beta = TRUTH["health_daily"]["beta_per_ug_m3"]
    assert beta == 0.0006  # the effect make_region.py drew the deaths with
    true_er = 100.0 * (np.exp(10 * beta) - 1)  # ER% per 10 ug/m3 = 0.602
    assert s["n_days"] == 1095
    assert s["ci_low"] < true_er < s["ci_high"]
    assert s["ci_low"] > 0


def test_runs_and_extracts_from_the_database(study, capsys):
    d, db, record = study
    code, out, err = _cli(capsys, "runs", "list", "--db", db, "--json")
    assert code == 0, err
    runs = json.loads(out)
    mine = next(r for r in runs if r["id"] == record["run_id"])
    assert mine["kind"] == "study" and mine["status"] == "completed"
    assert mine["steps"] == {"ran": 10, "not_run": 1, "failed": 0}
    code, out, err = _cli(capsys, "runs", "show", record["run_id"], "--db", db, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert {s["step"] for s in shown["steps"]} == EVERY_STEP
    assert shown["provenance"]["seed"] == 20250917          # [study] seed of the fixture
    assert all(not str(a.get("relpath") or "").startswith("/") for a in shown["artefacts"])
    code, out, err = _cli(capsys, "extract", record["run_id"], "grading/codes", "--db", db,
                          "--format", "json")
    assert code == 0, err
    codes = json.loads(out)
    assert len(codes) == 12
    assert {c["code"] for c in codes} <= {"red", "yellow", "green"}
    assert all(c["name_zh"] for c in codes)
    # the step that did not run has no extract, and says why
    code, out, err = _cli(capsys, "extract", record["run_id"], "risk/totals", "--db", db)
    assert code == 2 and "concentrations" in err


def test_cli_path_equals_study_path(study, capsys, tmp_path):
    d, db, record = study
    code, out, err = _cli(capsys, "map", "run", "--db", db, "--met", d / "met_2025.csv",
                          "--resolution-m", 500, "--out", tmp_path / "map", "--no-maps",
                          "--json")
    assert code == 0, err
    map_run = json.loads(out)["run_id"]
    code, out, err = _cli(capsys, "grade", "code", "--db", db, "--run", map_run, "--json")
    assert code == 0, err
    from ehrisk.results import extract, list_runs, open_run_engine

    eng = open_run_engine(str(db))
    grade_run = next(r["id"] for r in list_runs(eng, kind="grade"))
    for name, run_id, key in (("risk_map/cells", map_run, "cell_id"),
                              ("risk_map/enterprise_risk", map_run, "credit_code"),
                              ("grading/codes", grade_run, "credit_code"),
                              ("grading/hj941", grade_run, "credit_code")):
        a = pd.DataFrame(extract(eng, record["run_id"], name)).sort_values(key)
        b = pd.DataFrame(extract(eng, run_id, name)).sort_values(key)
        a = a.drop(columns=[c for c in ("geometry",) if c in a.columns]).reset_index(drop=True)
        b = b.drop(columns=[c for c in ("geometry",) if c in b.columns]).reset_index(drop=True)
        assert list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, obj=name)
    eng.dispose()
