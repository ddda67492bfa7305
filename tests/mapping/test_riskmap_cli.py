"""``ehrisk map`` commands: zoning of a user table, errors with exit 2, plot, run."""

from __future__ import annotations

import json


def test_zoning_json(cli, tmp_path):
    p = tmp_path / "cells.csv"
    p.write_text("网格编号,致癌风险,危害指数,人口\nA,1e-4,0,10\nB,5e-7,0.1,20\nC,0,0.05,30\n",
                 encoding="utf-8")
    code, out, err = cli("map", "zoning", str(p), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert [c["level"] for c in d["cells"]] == ["high", "medium", "low"]
    assert {r["level"]: r["pop_persons"] for r in d["levels"]} == {"low": 30, "medium": 20,
                                                                    "high": 10}


def test_zoning_bad_file_lists_all_problems(cli, tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("cell_id,cancer_risk,hi\nA,abc,0\nB,-1,x\n", encoding="utf-8")
    code, out, err = cli("map", "zoning", str(p), "--json")
    assert code == 2 and out == ""
    assert "row 2" in err and "row 3" in err and "Traceback" not in err


def test_zoning_user_rules(cli, tmp_path):
    cells = tmp_path / "c.csv"
    cells.write_text("cell_id,cancer_risk,hi\nA,2e-5,0\n", encoding="utf-8")
    rules = tmp_path / "r.csv"
    rules.write_text("metric,level,lower,upper\ncancer_risk,high,1e-5,\n", encoding="utf-8")
    code, out, _ = cli("map", "zoning", str(cells), "--rules", str(rules), "--json")
    assert code == 0 and json.loads(out)["cells"][0]["level"] == "high"
    rules.write_text("metric,level,lower,upper\nrisk,severe,1,0\n", encoding="utf-8")
    code, _, err = cli("map", "zoning", str(cells), "--rules", str(rules))
    assert code == 2 and "level" in err


def test_run_needs_demo_and_valid_options(cli, tmp_path):
    code, _, err = cli("map", "run", "--out", str(tmp_path), "--blend", "magic")
    assert code == 2 and "--demo" in err
    code, _, err = cli("map", "run", "--demo", "--out", str(tmp_path), "--blend", "magic",
                       "--resolution-m", "20")
    assert code == 2 and "--blend" in err and "--resolution-m" in err
    assert "between 50 and 5000" in err and "Traceback" not in err


def test_run_defaults_are_the_settings():
    """The CLI's defaults come from RiskMapSettings (the study's), not a second declaration."""
    import typer.main

    from ehrisk.commands import riskmap
    from ehrisk.services.risk_map import RiskMapSettings

    app = typer.Typer()
    riskmap.register(app)
    cmd = typer.main.get_command(app).commands["map"].commands["run"]
    defaults = {p.name: p.default for p in cmd.params}
    for name in ("resolution_m", "cutoff_m", "blend", "blend_radius_m", "tile_cells"):
        assert defaults[name] == RiskMapSettings.model_fields[name].default
    assert defaults["resolution_m"] == 250.0


def test_run_and_plot(cli, tmp_path):
    out = tmp_path / "m"
    code, so, err = cli("map", "run", "--demo", "--out", str(out), "--resolution-m", "2000",
                        "--no-maps", "--json")
    assert code == 0, err
    d = json.loads(so)
    assert d["summary"]["label"].startswith("SYNTHETIC")
    assert sum(d["summary"]["cells_by_level"].values()) == d["summary"]["n_cells"]
    assert d["summary"]["crs"] == "EPSG:32651" and d["summary"]["resolution_m"] == 2000.0
    # the run is recorded in the default database: its cells come back by extract
    from ehrisk.results import extract, open_run_engine

    cells = extract(open_run_engine(None), d["run_id"], "risk_map/cells")
    assert len(cells) == d["summary"]["n_cells"]
    assert str(out / "risk_map" / "risk_map.gpkg") in d["outputs"]
    code, so, err = cli("map", "plot", str(out / "risk_map" / "risk_map.gpkg"), "--out",
                        str(tmp_path / "hi.png"), "--metric", "hi", "--json")
    assert code == 0, err
    assert (tmp_path / "hi.png").read_bytes()[:4] == b"\x89PNG"
    code, _, err = cli("map", "plot", str(tmp_path / "missing.gpkg"), "--out",
                       str(tmp_path / "x.png"))
    assert code == 2 and "file not found" in err


def test_map_run_needs_demo_or_db(cli, tmp_path):
    code, _out, err = cli("map", "run", "--out", tmp_path / "x", "--json")
    assert code == 2 and "--db" in err and "Traceback" not in err


def test_map_run_empty_db_exits_2(cli, tmp_path):
    db = tmp_path / "d.sqlite"
    code, _out, err = cli("map", "run", "--db", db, "--out", tmp_path / "x", "--json")
    assert code == 2 and "enterprises" in err and "Traceback" not in err
