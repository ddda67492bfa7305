"""``ehrisk screen`` and ``ehrisk forecast run`` are recorded runs: the CLI calls the same
services as the study, the run is in the database (``ehrisk runs list``) and its results are
read back by name (``ehrisk extract``), equal to what the command reported and wrote.

Inputs: a hand-written emissions table (five rows, substances named as users name them) with
an enterprises file and a population grid written here; the forecast uses
``tests/data/region_small/stations_hourly.csv`` (49 days, 2 stations; synthetic, see
``tests/data/region_small/README.md``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data" / "region_small"

EM_CSV = """enterprise,substance,medium,amount,unit
E1,苯,air,12,t/yr
E1,甲苯,air,50000,kg/yr
E2,benzene,air,3,t/yr
E2,镉,water,10,kg/yr
E3,甲醛,air,2,t/yr
"""
ENT_CSV = "enterprise,lon,lat\nE1,120.00,30.00\nE2,120.02,30.01\nE3,120.10,30.05\n"
GRID_CSV = ("lon,lat,population\n120.00,30.00,5000\n120.02,30.01,2000\n120.10,30.05,800\n"
            "120.30,30.20,10000\n")


def _runs(cli, db) -> list[dict]:
    code, out, err = cli("runs", "list", "--db", db, "--json")
    assert code == 0, err
    return json.loads(out)


def _extract(cli, db, run_id, name) -> pd.DataFrame:
    code, out, err = cli("extract", str(run_id), name, "--format", "json", "--db", db)
    assert code == 0, err
    return pd.DataFrame(json.loads(out))


def test_screen_is_a_recorded_run_and_its_extract_is_the_written_list(cli, tmp_path):
    for name, text in (("em.csv", EM_CSV), ("ent.csv", ENT_CSV), ("grid.csv", GRID_CSV)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = tmp_path / "runs.sqlite"
    out = tmp_path / "out"
    code, stdout, stderr = cli("screen", tmp_path / "em.csv", "--enterprises",
                               tmp_path / "ent.csv", "--population", tmp_path / "grid.csv",
                               "--out", out, "--db", db, "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    run_id = doc["run_id"]
    assert {"substances", "tiers", "stability", "weights", "files"} <= set(doc)
    assert "grid" in doc["population_method"]  # the --enterprises coordinates were used
    runs = _runs(cli, db)
    assert [(r["id"], r["kind"], r["status"]) for r in runs] == [(run_id, "screen",
                                                                  "completed")]
    got = _extract(cli, db, run_id, "screening/priority_list")
    written = pd.read_csv(out / "priority_list.csv", encoding="utf-8-sig",
                          dtype={"cas": str})
    assert got["cas"].tolist() == written["cas"].tolist() == [
        s["cas"] for s in doc["substances"]]
    assert got["tier_name"].tolist() == written["tier_name"].tolist()
    assert got["score"].to_numpy(float) == pytest.approx(written["score"].to_numpy(float),
                                                         rel=1e-12, nan_ok=True)
    assert got["population_max"].to_numpy(float) == pytest.approx(
        [s["population_max"] for s in doc["substances"]], nan_ok=True)


def test_screen_population_per_enterprise_and_default_database(cli, tmp_path):
    """The per-enterprise population table is kept (a setting of the service); without --db
    the run goes to the default database (per test: conftest points XDG_DATA_HOME at a tmp
    folder)."""
    (tmp_path / "em.csv").write_text(EM_CSV, encoding="utf-8")
    (tmp_path / "pop.csv").write_text("enterprise,population_5km\nE1,200000\nE2,50000\n"
                                      "E3,1000\n", encoding="utf-8")
    code, stdout, stderr = cli("screen", tmp_path / "em.csv", "--population",
                               tmp_path / "pop.csv", "--json", "--top-n", "3")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["population_method"] == "population_5km per enterprise (given)"
    assert doc["stability"]["top_n"] == 3
    pops = {s["cas"]: s["population_max"] for s in doc["substances"]}
    assert pops["71-43-2"] == pytest.approx(200_000.0)  # max over E1 (200 000) and E2
    code, out, err = cli("runs", "list", "--json")
    assert code == 0, err
    assert [r["kind"] for r in json.loads(out)] == ["screen"]


def test_screen_problems_still_exit_2_naming_the_file(cli, tmp_path):
    (tmp_path / "em.csv").write_text(EM_CSV, encoding="utf-8")
    (tmp_path / "grid.csv").write_text(GRID_CSV, encoding="utf-8")
    code, stdout, stderr = cli("screen", tmp_path / "em.csv", "--population",
                               tmp_path / "grid.csv", "--json")
    stderr = " ".join(stderr.split())
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert "em.csv" in stderr and "'E1' has no lon/lat" in stderr and "--enterprises" in stderr
    code, _, stderr = cli("screen", tmp_path / "em.csv", "--top-n", "0")
    assert code == 2 and "--top-n" in stderr


def test_forecast_run_is_a_recorded_run_with_its_latest_forecast(cli, tmp_path):
    db = tmp_path / "runs.sqlite"
    code, stdout, stderr = cli("forecast", "run", "--observations",
                               DATA / "stations_hourly.csv", "--format", "table", "--days",
                               "2", "--max-iter", "20", "--db", db, "--out", tmp_path / "o",
                               "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    run_id = doc["run_id"]
    # 49 days: too short for the 365-day hold-out, which says so; the forecast is made
    assert doc["evaluation"].startswith("not evaluated")
    fc = pd.DataFrame(doc["forecast"])
    assert sorted(fc["area"].unique()) == ["QH-AQ1", "QH-AQ2", "city"]
    assert fc["lead_days"].tolist() == [1, 2] * 3
    assert (tmp_path / "o" / "forecast" / "forecast.csv").exists()
    runs = _runs(cli, db)
    assert [(r["id"], r["kind"], r["status"]) for r in runs] == [(run_id, "forecast",
                                                                  "completed")]
    got = _extract(cli, db, run_id, "forecast/latest")
    assert got["area"].tolist() == fc["area"].tolist()
    assert got["lead_days"].tolist() == fc["lead_days"].tolist()
    assert (pd.to_datetime(got["target_date"]) == pd.to_datetime(fc["target_date"])).all()
    assert got["aqi"].to_numpy(float) == pytest.approx(fc["aqi"].to_numpy(float))
    assert got["aqhi"].astype(str).tolist() == fc["aqhi"].astype(str).tolist()


def test_screen_and_forecast_share_one_database(cli, tmp_path):
    (tmp_path / "em.csv").write_text(EM_CSV, encoding="utf-8")
    db = tmp_path / "runs.sqlite"
    code, _, err = cli("screen", tmp_path / "em.csv", "--db", db, "--json")
    assert code == 0, err
    code, _, err = cli("forecast", "run", "--observations", DATA / "stations_hourly.csv",
                       "--format", "table", "--days", "1", "--max-iter", "20",
                       "--no-evaluate", "--db", db, "--json")
    assert code == 0, err
    runs = _runs(cli, db)
    assert sorted((r["kind"], r["status"]) for r in runs) == [("forecast", "completed"),
                                                              ("screen", "completed")]
