"""Database -> dispersion -> risk map -> risk codes, checked against the same run made from the
demo region directly (an independent path: the demo's own tables, with positions re-projected
and emission rates converted in this file), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod, Transformer

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


def _geodesic_sensitivity(ent, grid):
    """Population whose cell centre is within 5 km / 500 m (WGS84 geodesic), written out."""
    g = Geod(ellps="WGS84")
    rows = []
    for e in ent.itertuples():
        _, _, d = g.inv(np.full(len(grid), e.lon), np.full(len(grid), e.lat),
                        grid["lon"].to_numpy(), grid["lat"].to_numpy())
        rows.append({"credit_code": e.credit_code,
                     "pop_5km": float(grid["pop_persons"].to_numpy()[d <= 5000.0].sum()),
                     "pop_500m": float(grid["pop_persons"].to_numpy()[d <= 500.0].sum())})
    return pd.DataFrame(rows)


def test_utm_zone_from_centre():
    from ehrisk.store.region import utm_crs

    # zone = floor((lon + 180) / 6) + 1; north 326zz, south 327zz (EPSG WGS 84 / UTM)
    assert utm_crs(121.7, 29.9) == "EPSG:32651"
    assert utm_crs(87.6, 43.8) == "EPSG:32645"      # Urumqi
    assert utm_crs(151.2, -33.9) == "EPSG:32756"    # Sydney


def test_region_in_another_utm_zone(region):
    """Moving the whole region 6 deg west (one UTM zone) and the clock 24 min later (same sun)
    must give the same field in EPSG:32650 as the original in EPSG:32651."""
    import copy

    from ehrisk.mapping.run import build_field
    from ehrisk.store.region import regular_population_grid, utm_crs

    base = _direct_region(region)
    sh = copy.copy(base)
    crs = utm_crs(float(region.population_grid["lon"].mean()) - 6.0,
                  float(region.population_grid["lat"].mean()))
    assert crs == "EPSG:32650"
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    for name in ("enterprises", "stacks"):
        df = getattr(base, name).copy()
        df["lon"] = df["lon"] - 6.0
        df["x_m"], df["y_m"] = tr.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
        setattr(sh, name, df)
    pg = base.population_grid.assign(lon=base.population_grid["lon"] - 6.0)
    sh.population_grid = regular_population_grid(pg, crs, 500.0)
    sh.meteorology = base.meteorology.assign(time=base.meteorology["time"]
                                             + pd.Timedelta(minutes=24))
    sh.meta = {**base.meta, "crs": {"metric_x_m_y_m": crs}}
    f0 = build_field(base, RES_M, ["71-43-2"], CUTOFF_M)
    f1 = build_field(sh, RES_M, ["71-43-2"], CUTOFF_M)
    assert f1.crs == "EPSG:32650" and f0.crs == "EPSG:32651"
    np.testing.assert_allclose(f1.cells["x_m"], f0.cells["x_m"], atol=0.5)
    # the sun's declination moves by 24 min of the year; stability may flip in a rare hour
    np.testing.assert_allclose(f1.conc_ug_m3, f0.conc_ug_m3, rtol=0.02,
                               atol=1e-6 * f0.conc_ug_m3.max())


def test_db_map_and_grade_equal_direct_run(db_url, tmp_path, cli, region):
    from ehrisk.grading import hj941_2018 as hj
    from ehrisk.grading.inputs import demo_inputs, priority_from_screening
    from ehrisk.grading.risk_code import risk_codes
    from ehrisk.mapping.run import run_risk_map
    from ehrisk.mapping.scenario_io import load_enterprise_risk
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
    assert doc["summary"]["crs"] == "EPSG:32651" and doc["risk_map_run_id"] == 1

    direct = _direct_region(region)
    res = run_risk_map(direct, tmp_path / "direct", RES_M, blend_method=None,
                       cutoff_m=CUTOFF_M, maps=False)
    c_db = pd.read_csv(tmp_path / "db" / "cells.csv")
    c_dir = pd.read_csv(tmp_path / "direct" / "cells.csv")
    assert len(c_db) == len(c_dir) == 400
    for col in ("x_m", "y_m", "pop_persons", "cancer_risk", "hi", "cases_per_yr"):
        np.testing.assert_allclose(c_db[col], c_dir[col], rtol=RTOL, atol=1e-300, err_msg=col)
    assert (c_db["level"] == c_dir["level"]).all()
    e_db = pd.read_csv(tmp_path / "db" / "enterprise_risk.csv").set_index("credit_code")
    e_dir = pd.read_csv(tmp_path / "direct" / "enterprise_risk.csv").set_index("credit_code")
    e_db = e_db.loc[e_dir.index]
    for col in ("max_cancer_risk_contribution", "max_hi_contribution",
                "attributable_cases_per_yr"):
        np.testing.assert_allclose(e_db[col], e_dir[col], rtol=RTOL, atol=1e-300)
    assert (e_db["top_substance"].fillna("") == e_dir["top_substance"].fillna("")).all()

    # the what-if state reloads: no reduction = the map's maximum, full stop = 0
    er = load_enterprise_risk(tmp_path / "db" / "enterprise_scenarios.npz")
    top = e_dir.index[0]
    r0, h0 = er.scenario_risk(top, None, 0.0)
    assert r0 == pytest.approx(e_dir.loc[top, "max_cancer_risk_contribution"], rel=RTOL)
    assert er.scenario_risk(top, None, 1.0) == (0.0, 0.0)

    # grading from the database == grading the demo tables with geodesic sensitivity
    code, out, err = cli("grade", "code", "--db", db_url, "--json")
    assert code == 0, err
    g_db = pd.DataFrame(json.loads(out)["codes"]).set_index("credit_code")
    assert json.loads(out)["stored"]["n_rows_added"] == len(g_db)
    sto, mg, sens = demo_inputs(direct)
    ent = direct.enterprises[direct.enterprises["status"] != "closed"]
    sens = _geodesic_sensitivity(ent, direct.population_grid).merge(
        sens.drop(columns=["pop_5km", "pop_500m"]), on="credit_code")
    em = direct.emissions[["credit_code", "cas", "medium", "amount_t_yr"]]
    ref = risk_codes(hj.grade_hj941_2018(sto, mg, sens), res["enterprise_risk"].table,
                     priority_from_screening(em), em, None).set_index("credit_code")
    assert len(ref) == len(g_db) == 144
    assert (g_db.loc[ref.index, "code"] == ref["code"]).all()
    assert (g_db.loc[ref.index, "fired_rules"].fillna("") == ref["fired_rules"].fillna("")).all()

    # same data again: no new history rows
    code, out, _ = cli("grade", "code", "--db", db_url, "--json")
    assert json.loads(out)["stored"]["n_rows_added"] == 0

    # one enterprise's storage changes -> one history row for it
    sto_row = region.storages.iloc[[0]].copy()
    cc = str(sto_row["credit_code"].iloc[0])
    sto_row["max_quantity_t"] = sto_row["max_quantity_t"] * 2.0
    with session_scope(eng) as s:
        import_frame(s, "storages", sto_row[["credit_code", "cas", "substance_name",
                                             "max_quantity_t", "storage_form",
                                             "process_units"]], name="edit", reason="test")
    code, out, _ = cli("grade", "code", "--db", db_url, "--json")
    st = json.loads(out)["stored"]
    assert st["n_rows_added"] == 1
    assert st["changes"][0]["credit_code"] == cc
    assert st["changes"][0]["change"] in ("inputs_changed", "raised", "reasons_changed")

    code, out, _ = cli("enterprise", "show", cc, "--db", db_url, "--json")
    risk = json.loads(out)["risk"]
    assert len(risk["history"]) == 2 and risk["risk_map"]["run_id"] == 1
    assert risk["current"]["code"] == g_db.loc[cc, "code"] or risk["current"]["change"] != \
        "inputs_changed"

    code, out, _ = cli("enterprise", "file", cc, "--db", db_url, "-o", tmp_path / "f.docx",
                       "--json")
    assert code == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(tmp_path / "f.docx").paragraphs)
    zh = {"red": "红码", "yellow": "黄码", "green": "绿码"}[risk["current"]["code"]]
    assert f"当前环境健康风险码：{zh}" in text
    eng.dispose()
