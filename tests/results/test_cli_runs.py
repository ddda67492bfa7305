"""``ehrisk runs list|show`` and ``ehrisk extract`` through ``ehrisk.cli.run``."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from ehrisk.results.runs import RunRecorder

CODES = pd.DataFrame({"credit_code": ["91330200MA0000011X", "91330200MA0000022Y"],
                      "企业名称": ["甲化工有限公司", "乙涂料有限公司"],
                      "code": ["red", "green"], "score": [3.5, np.nan],
                      "n_rules": np.array([2, 0], dtype="int64")})


@pytest.fixture()
def recorded(engine, db_url, tmp_path):
    """Two runs: a study (screening ran, grading ran, aqi not run) and a map run."""
    with RunRecorder.start(engine, "study", settings={"grading": {"resolution_m": 250}},
                           provenance={"ehrisk_version": "0.1.0"}, label="测试区") as rec:
        rec.step({"step": "screening", "status": "ran", "seconds": 0.2,
                  "summary": {"n_priority": 4}})
        rec.step({"step": "grading", "status": "ran", "seconds": 1.5,
                  "summary": {"red": 1}})
        rec.step({"step": "air", "status": "not_run", "seconds": 0.0,
                  "reason": "step air needs air_hourly (give [inputs] stations)"})
        rec.add_table("grading/codes", CODES)
        rec.add_table("risk_map/receptors", gpd.GeoDataFrame(
            {"receptor_id": ["R1", "R2"], "名称": ["一小", "二院"]},
            geometry=[Point(121.7, 29.9), Point(121.71, 29.91)], crs="EPSG:4326"))
    with RunRecorder.start(engine, "map", settings={}, provenance={}) as m:
        m.step({"step": "risk_map", "status": "ran", "seconds": 3.0, "summary": {}})
    return {"db": db_url, "study": rec.run_id, "map": m.run_id}


def test_runs_list_json(cli, recorded):
    code, out, err = cli("runs", "list", "--db", recorded["db"], "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [recorded["map"], recorded["study"]]
    study = rows[1]
    assert study["kind"] == "study" and study["status"] == "completed"
    assert study["steps"] == {"ran": 2, "not_run": 1, "failed": 0}
    assert study["label"] == "测试区"
    code, out, _ = cli("runs", "list", "--db", recorded["db"], "--kind", "map", "--json")
    assert [r["id"] for r in json.loads(out)] == [recorded["map"]]


def test_runs_list_and_show_human(cli, recorded):
    code, out, _ = cli("runs", "list", "--db", recorded["db"])
    assert code == 0 and "study" in out and "2 / 1 / 0" in out
    code, out, _ = cli("runs", "show", "latest:study", "--db", recorded["db"])
    assert code == 0
    assert "grading/codes" in out and "air_hourly" in out and "resolution_m" in out


def test_runs_show_json(cli, recorded):
    code, out, err = cli("runs", "show", str(recorded["study"]), "--db", recorded["db"],
                         "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["settings"] == {"grading": {"resolution_m": 250}}
    assert [s["step"] for s in r["steps"]] == ["screening", "grading", "air"]
    assert r["steps"][2]["reason"].startswith("step air needs air_hourly")
    arts = {a["name"]: a for a in r["artefacts"]}
    assert arts["grading/codes"]["rows"] == 2 and arts["grading/codes"]["kind"] == "table"
    code, out, _ = cli("runs", "show", "latest", "--db", recorded["db"], "--json")
    assert json.loads(out)["id"] == recorded["map"]


def test_extract_json_to_stdout(cli, recorded):
    code, out, err = cli("extract", "latest:study", "grading/codes", "--format", "json",
                         "--db", recorded["db"])
    assert code == 0, err
    rows = json.loads(out)
    assert rows == [
        {"credit_code": "91330200MA0000011X", "企业名称": "甲化工有限公司", "code": "red",
         "score": 3.5, "n_rules": 2},
        {"credit_code": "91330200MA0000022Y", "企业名称": "乙涂料有限公司", "code": "green",
         "score": None, "n_rules": 0}]


def test_extract_files(cli, recorded, tmp_path):
    db, rid = recorded["db"], str(recorded["study"])
    code, _, err = cli("extract", rid, "grading/codes", "-o", tmp_path / "c.csv", "--db", db)
    assert code == 0, err
    back = pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig")
    assert back["企业名称"].tolist() == CODES["企业名称"].tolist()
    code, _, err = cli("extract", rid, "grading/codes", "-o", tmp_path / "c.xlsx", "--db", db)
    assert code == 0, err
    assert pd.read_excel(tmp_path / "c.xlsx")["code"].tolist() == ["red", "green"]
    code, _, err = cli("extract", rid, "risk_map/receptors", "--format", "gpkg", "-o",
                       tmp_path / "r.gpkg", "--db", db)
    assert code == 0, err
    g = gpd.read_file(tmp_path / "r.gpkg")
    assert g["名称"].tolist() == ["一小", "二院"] and g.crs.to_epsg() == 4326
    code, out, err = cli("extract", rid, "risk_map/receptors", "--format", "geojson",
                         "--db", db)
    assert code == 0, err
    fc = json.loads(out)
    assert fc["features"][0]["geometry"]["coordinates"] == [121.7, 29.9]
    code, out, _ = cli("extract", rid, "grading/codes", "--format", "csv", "--db", db)
    assert code == 0 and out.splitlines()[0] == "credit_code,企业名称,code,score,n_rules"
    code, out, _ = cli("extract", rid, "risk_map/receptors", "--db", db)
    assert json.loads(out)[0]["geometry"] == "POINT (121.7 29.9)"


@pytest.mark.parametrize("args, message", [
    (["extract", "999", "grading/codes"], "no run 999"),
    (["extract", "latest:forecast", "grading/codes"], "no run of kind 'forecast'"),
    (["extract", "STUDY", "grading/nope"], "unknown extract 'grading/nope'"),
    (["extract", "STUDY", "aqi/daily"], "the air step did not run: step air needs air_hourly"),
    (["extract", "STUDY", "grading/codes", "--format", "gpkg", "-o", "x.gpkg"],
     "has no geometry"),
    (["extract", "STUDY", "grading/codes", "--format", "parquet"], "unknown --format"),
    (["extract", "STUDY", "grading/codes", "--format", "xlsx"], "needs -o"),
    (["extract", "STUDY", "grading/codes", "-o", "x.txt"], "cannot tell the format"),
    (["runs", "show", "nonsense"], "bad run"),
])
def test_errors_exit_2_without_traceback(cli, recorded, tmp_path, args, message):
    args = [str(recorded["study"]) if a == "STUDY" else
            str(tmp_path / a) if a.startswith("x.") else a for a in args]
    code, out, err = cli(*args, "--db", recorded["db"])
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_extract_list(cli):
    code, out, _ = cli("extract", "--list", "--format", "json")
    assert code == 0
    names = {r["name"]: r for r in json.loads(out)}
    assert names["grading/codes"]["title_zh"] == "环境健康风险码"
    code, out, _ = cli("extract", "--list")
    assert code == 0 and "风险码" in out


def test_default_database_goes_to_xdg(cli, tmp_path, monkeypatch):
    """Without --db the embedded default under $XDG_DATA_HOME is used (never the home)."""
    import os
    from pathlib import Path

    monkeypatch.delenv("EHRISK_DATABASE_URL", raising=False)
    code, out, _ = cli("runs", "list", "--json")
    assert code == 0 and json.loads(out) == []
    assert (Path(os.environ["XDG_DATA_HOME"]) / "ehrisk" / "ehrisk.sqlite").is_file()
