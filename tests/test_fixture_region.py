"""The small hand-built region tests/data/region_small (清河县（虚构）, not made by ehrisk.demo):
every XLSX filled from ehrisk's own import templates goes into a fresh SQLite database through
the CLI, the counts read back equal the files, the region's other inputs (hourly station
table, dispersion meteorology, daily health series) are read by ehrisk's readers, and the
response model recovers the known PM2.5 effect the daily series was generated with.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ehrisk.cli import run

REGION = Path(__file__).parent / "data" / "region_small"
TRUTH = json.loads((REGION / "truth.json").read_text(encoding="utf-8"))

# (import kind, file) in dependency order: parents before children, stations before data
IMPORTS = [
    ("admin_units", "admin_units.xlsx"),
    ("parks", "parks.xlsx"),
    ("enterprises", "enterprises.xlsx"),
    ("stacks", "stacks.xlsx"),
    ("outfalls", "outfalls.xlsx"),
    ("emissions", "emissions.xlsx"),
    ("storages", "storages.xlsx"),
    ("risk_management", "risk_management.xlsx"),
    ("receptors", "receptors.xlsx"),
    ("population", "population.xlsx"),
    ("stations", "stations.xlsx"),
    ("observations", "observations_air.xlsx"),
    ("observations", "observations_met.xlsx"),
    ("inspections", "inspections.xlsx"),
    ("problems", "problems.xlsx"),
]


def _data_rows(path: Path) -> int:
    """Non-blank rows below the header of the first sheet, counted with openpyxl alone."""
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    n = sum(1 for row in ws.iter_rows(min_row=2, values_only=True)
            if any(v not in (None, "") for v in row))
    wb.close()
    return n


@pytest.fixture(scope="module")
def region_db(region_small):
    """The fixture's database (imported once per session, tests/conftest.py) and the exit
    codes of its imports."""
    _, db, codes = region_small
    return db, codes


def test_files_are_small_and_documented():
    size = sum(p.stat().st_size for p in REGION.iterdir() if p.is_file())
    assert size < 3 * 1024 * 1024
    for name in ("README.md", "make_region.py", "truth.json", "study.toml",
                 "stations_hourly.csv", "met_2025.csv", "health_daily.csv"):
        assert (REGION / name).is_file(), name
    assert "CC0-1.0" in (REGION / "README.md").read_text(encoding="utf-8")
    study = tomllib.loads((REGION / "study.toml").read_text(encoding="utf-8"))
    assert study["study"]["region"] == "files"
    for key in ("stations", "health_daily", "meteorology"):
        assert (REGION / study["inputs"][key]).is_file(), key


def test_credit_codes_valid():
    from ehrisk.store.credit_code import problem

    df = pd.read_excel(REGION / "enterprises.xlsx", sheet_name=0, dtype=str)
    codes = df["统一社会信用代码"].tolist()
    assert len(codes) == 12 and len(set(codes)) == 12
    assert [problem(c) for c in codes] == [None] * 12
    # outside the parks: two enterprises
    assert df["所在园区编号"].isna().sum() == 2


@pytest.mark.parametrize("kind,fname", IMPORTS, ids=[f for _, f in IMPORTS])
def test_import_exit_code(region_db, kind, fname):
    _, codes = region_db
    assert codes[fname] == 0, f"ehrisk import {kind} {fname} exited {codes[fname]}"


def test_counts_read_back(region_db):
    from ehrisk.store.db import open_engine, session_scope
    from ehrisk.store.exports import table

    db, codes = region_db
    assert set(codes.values()) == {0}
    expected: dict[str, int] = {}
    for kind, f in IMPORTS:
        expected[kind] = expected.get(kind, 0) + _data_rows(REGION / f)
    engine = open_engine(str(db), create=False)
    with session_scope(engine) as s:
        got = {kind: len(table(s, kind)) for kind in expected}
        obs = table(s, "observations")
    engine.dispose()
    assert got == expected
    assert expected["enterprises"] == 12 and expected["population"] == 900
    # hourly met for all of 2025 (4 parameters) and 7 weeks of six pollutants at 2 stations
    met = obs[obs["station_id"] == "QH-MET"]
    assert sorted(met["parameter"].unique()) == ["cloud_cover_tenths", "temp_c",
                                                 "wind_dir_deg", "wind_speed_m_s"]
    assert len(met) == 4 * 8760
    air = obs[obs["station_id"] != "QH-MET"]
    assert air["parameter"].nunique() == 6 and set(air["unit"]) == {"ug/m3"}


def test_enterprise_list_json(region_db, capsys):
    db, _ = region_db
    capsys.readouterr()
    assert run(["enterprise", "list", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 12
    capsys.readouterr()
    assert run(["enterprise", "list", "--park", "QHP1", "--db", str(db), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5


def test_met_from_store_full_year(region_db):
    from ehrisk.store.db import open_engine, session_scope

    try:   # the spine (issue 9) moves it from store.region to store.inventory
        from ehrisk.store.inventory import met_from_store
    except ImportError:
        from ehrisk.store.region import met_from_store

    db, _ = region_db
    engine = open_engine(str(db), create=False)
    with session_scope(engine) as s:
        met, sid = met_from_store(s)
    engine.dispose()
    assert sid == "QH-MET" and len(met) == 8760
    assert met["temp_k"].between(250, 320).all()


def test_readers_accept_the_csv_files():
    from ehrisk.dispersion.met import read_met_csv
    from ehrisk.io.nmmaps import read_daily_series
    from ehrisk.io.station_hourly import read_station_hourly

    met = read_met_csv(REGION / "met_2025.csv")
    assert len(met) == 8760 and met["time"].is_monotonic_increasing
    st = read_station_hourly(REGION / "stations_hourly.csv")
    col = "station_id" if "station_id" in st.columns else "station"
    assert sorted(st[col].unique()) == ["QH-AQ1", "QH-AQ2"]
    assert len(st) == 2 * 49 * 24
    daily = read_daily_series(REGION / "health_daily.csv")
    assert len(daily) == 1096 and daily["death"].notna().all()
    assert str(daily["date"].iloc[0].date()) == "2023-01-01"


def test_response_recovers_true_effect(capsys):
    h = TRUTH["health_daily"]
    capsys.readouterr()
    code = run(["response", "fit", "--data", str(REGION / "health_daily.csv"),
                "--outcome", "death", "--exposure", "pm25_ug_m3", "--lag", "0-1", "--json"])
    assert code == 0
    res = json.loads(capsys.readouterr().out)
    est = res["estimates"][0]
    true_er = 100.0 * (math.exp(10.0 * h["beta_per_ug_m3"]) - 1.0)
    assert abs(true_er - h["er_percent_per_10_ug_m3"]) < 1e-3
    assert est["ci_low"] <= true_er <= est["ci_high"]
    assert est["ci_low"] > 0.0                      # the interval excludes no effect
    assert est["ci_high"] - est["ci_low"] < 0.8     # about +-0.3 %/10 ug/m3
    assert res["n_days"] == 1095                    # lag 0-1: the first day has no lag 1
