"""Database -> dispersion -> risk map -> risk codes, checked against the same run made from the
demo region directly (an independent path: the demo's own tables, with positions re-projected
and emission rates converted in this file), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

import ehrisk.demo as demo_mod

RES_M = 2000.0
CUTOFF_M = 5000.0
YEAR = 2025
RTOL = 1e-9          # same inputs, same arithmetic: only summation order may differ
SECONDS_PER_YEAR = 365 * 24 * 3600.0


@pytest.fixture(scope="module")
def region():
    return demo_mod.generate()


def _met_csv(region, path):
    m = region.meteorology
    m = m[m["time"].dt.year == YEAR]
    cols = ["wind_dir_deg", "wind_speed_m_s", "temp_k", "cloud_cover_tenths",
            "ceiling_height_m", "mixing_height_m"]
    out = m[cols].copy()
    out.insert(0, "time", m["time"].map(lambda t: t.isoformat()))
    out.to_csv(path, index=False)
    return path


def _direct_region(region):
    """The demo as the database holds it: lon/lat are stored (6 decimals), so x/y come from
    projecting them; emission rates from t/yr (the demo rounds its g/s to 4 digits)."""
    import copy

    r = copy.copy(region)
    tr = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    for name in ("enterprises", "stacks"):
        df = getattr(r, name).copy()
        df["x_m"], df["y_m"] = tr.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
        setattr(r, name, df)
    em = r.emissions[r.emissions["year"] == YEAR].copy()
    em["emission_g_s"] = em["amount_t_yr"].to_numpy() * 1e6 / SECONDS_PER_YEAR
    r.emissions = em
    return r


def test_utm_zone_from_centre():
    from ehrisk.geo import metric_crs_for

    # zone = floor((lon + 180) / 6) + 1; north 326zz, south 327zz (EPSG WGS 84 / UTM)
    assert metric_crs_for(121.7, 29.9) == "EPSG:32651"
    assert metric_crs_for(87.6, 43.8) == "EPSG:32645"      # Urumqi
    assert metric_crs_for(151.2, -33.9) == "EPSG:32756"    # Sydney


def test_region_in_another_utm_zone(region):
    """Moving the whole region 6 deg west (one UTM zone) and the clock 24 min later (same sun)
    must give the same field in EPSG:32650 as the original in EPSG:32651."""
    from ehrisk.demo.inventory import to_inventory
    from ehrisk.geo import metric_crs_for
    from ehrisk.inventory import add_xy
    from ehrisk.mapping.run import build_field
    from ehrisk.store.inventory import regular_population_grid

    base = to_inventory(_direct_region(region))
    crs = metric_crs_for(float(region.population_grid["lon"].mean()) - 6.0,
                         float(region.population_grid["lat"].mean()))
    assert crs == "EPSG:32650"
    moved = {name: add_xy(getattr(base, name).assign(lon=getattr(base, name)["lon"] - 6.0),
                          crs) for name in ("enterprises", "stacks")}
    pg = base.population_grid.assign(lon=base.population_grid["lon"] - 6.0)
    sh = base.replace(metric_crs=crs, population_grid=regular_population_grid(pg, crs, 500.0),
                      meteorology=base.meteorology.assign(
                          time=base.meteorology["time"] + pd.Timedelta(minutes=24)), **moved)
    f0 = build_field(base, RES_M, ["71-43-2"], CUTOFF_M)
    f1 = build_field(sh, RES_M, ["71-43-2"], CUTOFF_M)
    assert f1.crs == "EPSG:32650" and f0.crs == "EPSG:32651"
    np.testing.assert_allclose(f1.cells["x_m"], f0.cells["x_m"], atol=0.5)
    # the sun's declination moves by 24 min of the year; stability may flip in a rare hour
    np.testing.assert_allclose(f1.conc_ug_m3, f0.conc_ug_m3, rtol=0.02,
                               atol=1e-6 * f0.conc_ug_m3.max())


def test_db_map_and_grade_equal_direct_run(db_url, tmp_path, cli, region):
    """The database path (import, inventory_from_store, CLI map run and grade) gives the same
    map, what-ifs and codes as the services on the demo's own tables."""
    from ehrisk.demo.inventory import to_inventory
    from ehrisk.results import extract, list_runs, load_arrays, open_run_engine
    from ehrisk.services.grading import GradingSettings
    from ehrisk.services.risk_map import RiskMapSettings, enterprise_risk_from_arrays
    from ehrisk.services.runner import run_steps
    from ehrisk.services.screening import ScreeningSettings
    from ehrisk.store import load_demo
    from ehrisk.store.db import open_engine, session_scope
    from ehrisk.store.importers import import_frame

    eng = open_engine(db_url)
    with session_scope(eng) as s:
        load_demo(s, region, observations="none")
    met = _met_csv(region, tmp_path / "met.csv")
    code, out, err = cli("map", "run", "--db", db_url, "--met", met, "--out", tmp_path / "db",
                         "--resolution-m", RES_M, "--cutoff-m", CUTOFF_M, "--blend", "none",
                         "--no-maps", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["summary"]["crs"] == "EPSG:32651"
    map_run = doc["run_id"]

    direct = to_inventory(_direct_region(region))
    _, outs, res = run_steps(direct, {
        "screening": ScreeningSettings(),
        "risk_map": RiskMapSettings(resolution_m=RES_M, cutoff_m=CUTOFF_M, blend="none",
                                    maps=False),
        "grading": GradingSettings()})
    assert [o.status for o in outs] == ["ran", "ran", "ran"]
    reng = open_run_engine(db_url)
    c_db = extract(reng, map_run, "risk_map/cells")
    c_dir = res["risk_map"].tables["risk_map/cells"]
    assert len(c_db) == len(c_dir) == 400
    for col in ("pop_persons", "cancer_risk", "hi", "cases_per_yr"):
        np.testing.assert_allclose(c_db[col], c_dir[col], rtol=RTOL, atol=1e-300, err_msg=col)
    assert (np.asarray(c_db["level"]) == np.asarray(c_dir["level"])).all()
    e_db = extract(reng, map_run, "risk_map/enterprise_risk").set_index("credit_code")
    e_dir = res["risk_map"].tables["risk_map/enterprise_risk"].set_index("credit_code")
    e_db = e_db.loc[e_dir.index]
    for col in ("max_cancer_risk_contribution", "max_hi_contribution",
                "attributable_cases_per_yr"):
        np.testing.assert_allclose(e_db[col], e_dir[col], rtol=RTOL, atol=1e-300)

    # the what-if state reloads from the run: no reduction = the map's maximum, full stop = 0
    er = enterprise_risk_from_arrays(load_arrays(reng, map_run, "risk_map/enterprise_scenarios"))
    top = e_dir.index[0]
    r0, h0 = er.scenario_risk(top, None, 0.0)
    assert r0 == pytest.approx(e_dir.loc[top, "max_cancer_risk_contribution"], rel=RTOL)
    assert er.scenario_risk(top, None, 1.0) == (0.0, 0.0)

    # grading from the database (what-ifs from the map run) == grading the demo's tables
    code, out, err = cli("grade", "code", "--db", db_url, "--run", map_run, "--json")
    assert code == 0, err
    g_db = pd.DataFrame(json.loads(out)["codes"]).set_index("credit_code")
    ref = res["grading"].tables["grading/codes"].set_index("credit_code")
    assert len(ref) == len(g_db) == 144
    assert (g_db.loc[ref.index, "code"] == ref["code"]).all()
    assert (g_db.loc[ref.index, "fired_rules"].fillna("") == ref["fired_rules"].fillna("")).all()
    first = json.loads(out)["stored"]["n_rows_added"]
    assert first == len(g_db)

    # same data again: no new history rows
    code, out, _ = cli("grade", "code", "--db", db_url, "--run", map_run, "--json")
    assert json.loads(out)["stored"]["n_rows_added"] == 0

    # one enterprise's storage changes -> one history row for it
    sto_row = region.storages.iloc[[0]].copy()
    cc = str(sto_row["credit_code"].iloc[0])
    sto_row["max_quantity_t"] = sto_row["max_quantity_t"] * 2.0
    with session_scope(eng) as s:
        import_frame(s, "storages", sto_row[["credit_code", "cas", "substance_name",
                                             "max_quantity_t", "storage_form",
                                             "process_units"]], name="edit", reason="test")
    code, out, _ = cli("grade", "code", "--db", db_url, "--run", map_run, "--json")
    st = json.loads(out)["stored"]
    assert st["n_rows_added"] == 1
    assert st["changes"][0]["credit_code"] == cc
    # Doubling one storage keeps this enterprise at the same Q band, so the same code and
    # rules as the direct grading: the new row records changed inputs, not a new grade.
    ch = st["changes"][0]
    assert ch["change"] == "inputs_changed"
    assert ch["code"] == ch["previous_code"] == ref.loc[cc, "code"]
    assert ch["fired_rules"] == ref.loc[cc, "fired_rules"]
    assert len(list_runs(reng, kind="grade")) == 3

    code, out, _ = cli("enterprise", "show", cc, "--db", db_url, "--json")
    risk = json.loads(out)["risk"]
    assert len(risk["history"]) == 2 and risk["risk_map"]["run_id"] == map_run

    code, out, _ = cli("enterprise", "file", cc, "--db", db_url, "-o", tmp_path / "f.docx",
                       "--json")
    assert code == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(tmp_path / "f.docx").paragraphs)
    assert risk["current"]["code"] == ref.loc[cc, "code"]
    zh = {"red": "红码", "yellow": "黄码", "green": "绿码"}[ref.loc[cc, "code"]]
    assert f"当前环境健康风险码：{zh}" in text
    reng.dispose()
    eng.dispose()
