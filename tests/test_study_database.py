"""A study in 'files' mode reads the risk-source database: database -> dispersion -> risk map
-> risk codes, with results and code history written back (integration test)."""

import json

import pytest


@pytest.fixture(scope="module")
def db_and_met(tmp_path_factory):
    from ehrisk import demo
    from ehrisk.cli import run

    d = tmp_path_factory.mktemp("studydb")
    db = d / "bureau.sqlite"
    assert run(["db", "load-demo", "--db", str(db), "--observations", "none"]) == 0
    region = demo.generate()
    m = region.meteorology[region.meteorology["time"].dt.year == 2025]
    cols = ["wind_dir_deg", "wind_speed_m_s", "temp_k", "cloud_cover_tenths",
            "ceiling_height_m", "mixing_height_m"]
    met = m[cols].copy()
    met.insert(0, "time", m["time"].map(lambda t: t.isoformat()))
    met.to_csv(d / "met.csv", index=False)
    return d, db


def _study(d, db):
    f = d / "study.toml"
    f.write_text(f"""
[study]
name = "files mode from the database"
region = "files"
output_dir = "out"

[inputs]
meteorology = "met.csv"

[database]
url = "{db}"

[screening_levels]
enabled = false

[aqi]
enabled = false

[risk_map]
resolution_m = 2000.0
cutoff_m = 5000.0
blend = "none"
maps = false
""", encoding="utf-8")
    return f


def test_files_study_from_database_stores_codes_with_history(db_and_met, capsys):
    from ehrisk.cli import run

    d, db = db_and_met
    f = _study(d, db)
    assert run(["run", str(f), "--json"]) == 0
    prov = json.loads(capsys.readouterr().out)
    steps = {s["step"]: s for s in prov["steps"]}
    for name in ("risk_map", "grading", "enterprise_files", "screening"):
        assert steps[name]["status"] == "ran", steps[name]
    # no hourly station table in this database (observations not loaded): the steps that need
    # it say so
    assert steps["forecast"]["status"] == "not_run" and "air_hourly" in steps["forecast"]["reason"]
    assert prov["inventory"]["tables"]["enterprises"] == 150
    assert prov["inventory"]["source"] == "database"
    codes = steps["grading"]["summary"]["codes"]
    graded = sum(codes.values())
    # first grading of every enterprise adds one history row each
    assert steps["grading"]["summary"]["code_history_rows_added"] == graded
    # unchanged data: a second run records no change
    assert run(["run", str(f), "--json"]) == 0
    prov2 = json.loads(capsys.readouterr().out)
    steps2 = {s["step"]: s for s in prov2["steps"]}
    assert steps2["grading"]["summary"]["code_history_rows_added"] == 0
    assert steps2["grading"]["summary"]["codes"] == codes
    assert prov2["run_id"] == prov["run_id"] + 1
