"""The risk-map service on an inventory that is not the demo (a tiny hand-built region in UTM
zone 49N), on the demo at a coarse grid, through the recorded runner, and the tile-size
invariance of the source-receptor matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from ehrisk.geo import metric_crs_for, to_lonlat, to_metric
from ehrisk.inventory import Inventory, add_xy
from ehrisk.services import Products, StepContext
from ehrisk.services.risk_map import (
    RiskMapSettings,
    enterprise_risk_from_arrays,
    run_risk_map,
)

LON0, LAT0 = 113.6, 34.7            # Zhengzhou area: UTM 49N (the demo is in 51N)
CRS = "EPSG:32649"
YEAR = 2024
TILE_REL_TOL = 1e-12


def hand_built(with_met: bool = True) -> Inventory:
    """2 enterprises, 2 stacks (+ one fugitive source), a 10 x 10 population grid of 1 km cells,
    5 days of hourly meteorology; nothing from the demo generator."""
    crs = metric_crs_for([LON0], [LAT0])
    ent = pd.DataFrame({"credit_code": ["914101000000000001", "914101000000000002"],
                        "name_zh": ["甲化工", "乙涂装"], "name_en": ["A Chem", "B Coating"],
                        "lon": [LON0 - 0.01, LON0 + 0.02], "lat": [LAT0, LAT0 + 0.015]})
    stacks = pd.DataFrame({"stack_id": ["A-S1", "B-S1"], "credit_code": ent["credit_code"],
                           "height_m": [40.0, 25.0], "diameter_m": [1.2, 0.8],
                           "exit_velocity_m_s": [12.0, 9.0], "exit_temp_k": [420.0, 330.0],
                           "lon": ent["lon"], "lat": ent["lat"]})
    em = pd.DataFrame({"credit_code": [ent.credit_code[0], ent.credit_code[1],
                                       ent.credit_code[1]],
                       "stack_id": ["A-S1", "B-S1", ""], "outfall_id": "",
                       "cas": ["71-43-2", "50-00-0", "108-88-3"], "medium": "air",
                       "emission_g_s": [0.5, 0.2, 0.3], "year": YEAR, "basis": "monitoring"})
    em["amount_t_yr"] = em["emission_g_s"] * 31.536
    x0, y0 = to_metric([LON0], [LAT0], crs)
    xs, ys = np.meshgrid(x0[0] - 4500 + 1000.0 * np.arange(10),
                         y0[0] - 4500 + 1000.0 * np.arange(10))
    lon, lat = to_lonlat(xs.ravel(), ys.ravel(), crs)
    pop = pd.DataFrame({"cell_id": [f"P{i:03d}" for i in range(100)], "lon": lon, "lat": lat,
                        "x_m": xs.ravel(), "y_m": ys.ravel(),
                        "pop_persons": 100.0 + 10.0 * np.arange(100)})
    rng = np.random.default_rng(3)
    n = 5 * 24
    met = pd.DataFrame({"time": pd.date_range(f"{YEAR}-06-01", periods=n, freq="h"),
                        "wind_dir_deg": rng.uniform(0, 360, n),
                        "wind_speed_m_s": rng.uniform(0.5, 8.0, n),
                        "temp_k": rng.uniform(290, 305, n),
                        "cloud_cover_tenths": rng.integers(0, 11, n).astype(float),
                        "ceiling_height_m": rng.uniform(500, 3000, n),
                        "mixing_height_m": rng.uniform(300, 1500, n)})
    return Inventory(name_zh="手工区", name_en="Hand-built", source="files", metric_crs=crs,
                     year=YEAR, enterprises=add_xy(ent, crs), stacks=add_xy(stacks, crs),
                     emissions=em, population_grid=pop,
                     meteorology=met if with_met else None).validate()


def _run(inv, **kw):
    return run_risk_map(inv, RiskMapSettings(**kw), Products(), StepContext())


@pytest.fixture(scope="module")
def small():
    inv = hand_built()
    return inv, _run(inv, resolution_m=500.0, cutoff_m=15_000.0)


def test_runs_on_a_non_demo_inventory_in_its_own_crs(small):
    inv, r = small
    res = r.payload
    assert inv.metric_crs == CRS
    assert res.crs == CRS and res.dataset.attrs["crs"] == CRS
    assert r.tables["risk_map/cells"].crs.to_epsg() == 32649
    ds = res.dataset
    assert ds.sizes["y"] == ds.sizes["x"] == 20
    assert set(ds["substance"].values) == {"71-43-2", "50-00-0", "108-88-3"}
    # population conserved from the 1 km grid onto the 500 m map
    assert float(ds["pop_persons"].sum()) == pytest.approx(inv.population_grid[
        "pop_persons"].sum(), rel=1e-12)
    # the dataset and the cell table hold the same values
    cells = r.tables["risk_map/cells"]
    assert float(ds["cancer_risk"].sum()) == pytest.approx(cells["cancer_risk"].sum(),
                                                           rel=1e-12)
    assert cells["cancer_risk"].max() > 0
    assert not r.summary["synthetic"] and "SYNTHETIC" not in r.summary["label"]
    # no VOC stations, parks, admin units or receptors: said, and their tables are empty
    assert r.summary["blend"] == {"applied": False,
                                  "reason": "the inventory has no VOC stations"}
    assert r.summary["zoning_areas"]["missing"] == ["admin_units", "parks", "receptors"]
    for name in ("admin_summary", "park_summary", "receptors", "blend_stations"):
        assert len(r.tables[f"risk_map/{name}"]) == 0
    ent = r.tables["risk_map/enterprise_risk"]
    assert sorted(ent["credit_code"]) == sorted(inv.enterprises["credit_code"])
    assert {"name_zh", "max_cancer_risk_contribution", "attributable_cases_per_yr",
            "top_substance"} <= set(ent.columns)
    # enterprise A emits benzene only
    a = ent.set_index("credit_code").loc["914101000000000001"]
    assert a["top_substance"] == "71-43-2" and a["max_cancer_risk_contribution"] > 0
    # attributable cases of all enterprises = the map's cases over populated non-park cells
    assert ent["attributable_cases_per_yr"].sum() == pytest.approx(
        cells["cases_per_yr"].sum(), rel=1e-9)


def test_conc_equals_srm_times_emissions(small):
    """Superposition, checked outside the service: C = SRM q for each substance."""
    inv, r = small
    res = r.payload
    fld = res.field
    src = fld.sources.set_index("source_id")
    q = np.zeros(len(src))
    for i, sid in enumerate(src.index):
        if sid == "914101000000000002-FUG":
            q[i] = 0.0
        else:
            q[i] = inv.emissions.loc[inv.emissions["stack_id"] == sid, "emission_g_s"].sum() \
                if sid in set(inv.emissions["stack_id"]) else 0.0
    k = fld.cas.index("71-43-2")
    benzene = np.where(inv.emissions.set_index("stack_id").reindex(src.index)["cas"]
                       == "71-43-2", q, 0.0)
    np.testing.assert_allclose(fld.srm @ benzene, fld.conc_ug_m3[:, k], rtol=1e-12)
    conc = res.dataset["conc_ug_m3"].sel(substance="71-43-2").values
    rows, cols = fld.cells["row"].to_numpy(), fld.cells["col"].to_numpy()
    np.testing.assert_allclose(conc[rows, cols], fld.conc_ug_m3[:, k], rtol=1e-12)


def test_result_does_not_depend_on_tile_size():
    inv = hand_built()
    base = None
    for tile in (3, 8, 32, 10**6):
        res = _run(inv, resolution_m=500.0, cutoff_m=15_000.0, tile_cells=tile).payload
        srm = res.field.srm.toarray()
        risk = res.cells["cancer_risk"].to_numpy()
        assert res.summary["model"]["tile_cells"] == tile
        if base is None:
            base = (srm, risk)
            assert res.summary["model"]["n_tiles"] == 49      # ceil(20 / 3) ** 2
            continue
        assert np.abs(srm - base[0]).max() <= TILE_REL_TOL * np.abs(base[0]).max()
        assert np.abs(risk - base[1]).max() <= TILE_REL_TOL * np.abs(base[1]).max()


def test_scenario_arrays_round_trip(small):
    _, r = small
    er = enterprise_risk_from_arrays(r.arrays["risk_map/enterprise_scenarios"])
    t = r.tables["risk_map/enterprise_risk"].set_index("credit_code")
    top = t["max_cancer_risk_contribution"].idxmax()
    r0, h0 = er.scenario_risk(top, None, 0.0)
    assert r0 == pytest.approx(t.loc[top, "max_cancer_risk_contribution"], rel=1e-12)
    assert h0 == pytest.approx(t.loc[top, "max_hi_contribution"], rel=1e-12)
    assert er.scenario_risk(top, None, 1.0) == (0.0, 0.0)
    a = "914101000000000001"                     # emits benzene only
    ra, _ = er.scenario_risk(a, None, 0.0)
    assert er.scenario_risk(a, "71-43-2", 0.5)[0] == pytest.approx(0.5 * ra, rel=1e-12)


def test_missing_meteorology_is_not_run_with_reason(tmp_path):
    from ehrisk.services.runner import run_one

    run_id, out, res = run_one("risk_map", hand_built(with_met=False),
                               RiskMapSettings(resolution_m=1000.0), engine=None,
                               out_dir=tmp_path, kind="map")
    assert run_id is None and res is None
    assert out.status == "not_run" and "meteorology" in out.reason
    _, out, _ = run_one("risk_map", hand_built(), RiskMapSettings(enabled=False), engine=None)
    assert out.status == "not_run" and "enabled" in out.reason


def test_unknown_substance_is_an_error_naming_it():
    from ehrisk.errors import EhriskError

    with pytest.raises(EhriskError, match="50-32-8"):
        _run(hand_built(), resolution_m=1000.0, substances=["50-32-8"])


@pytest.mark.parametrize("bad, word", [({"resolution_m": 20}, "between 50 and 5000"),
                                        ({"blend": "magic"}, "ratio"),
                                        ({"tile_cells": 0}, "tile_cells"),
                                        ({"nonsense": 1}, "nonsense")])
def test_settings_validation(bad, word):
    with pytest.raises(ValidationError, match=word):
        RiskMapSettings(**bad)


def test_runner_writes_and_records(tmp_path):
    from ehrisk.results import extract, load_arrays, open_run_engine
    from ehrisk.services.runner import run_one

    inv = hand_built()
    eng = open_run_engine(f"sqlite:///{tmp_path / 'runs.sqlite'}")
    run_id, out, res = run_one("risk_map", inv, RiskMapSettings(
        resolution_m=1000.0, cutoff_m=15_000.0, maps=False), engine=eng,
        out_dir=tmp_path / "out", kind="map")
    assert out.status == "ran" and run_id is not None
    folder = tmp_path / "out" / "risk_map"
    assert (folder / "risk_map.gpkg").exists() and (folder / "risk_map.tif").exists()
    assert not (folder / "risk_map_levels.png").exists()
    cells = extract(eng, run_id, "risk_map/cells")
    np.testing.assert_allclose(cells["cancer_risk"].to_numpy(),
                               res.tables["risk_map/cells"]["cancer_risk"].to_numpy(),
                               rtol=1e-15)
    er = enterprise_risk_from_arrays(load_arrays(eng, run_id, "risk_map/enterprise_scenarios"))
    t = res.tables["risk_map/enterprise_risk"].set_index("credit_code")
    code = t.index[0]
    assert er.scenario_risk(code, None, 0.0)[0] == pytest.approx(
        t.loc[code, "max_cancer_risk_contribution"], rel=1e-12)


@pytest.mark.slow
def test_demo_at_2000_m():
    from ehrisk import SYNTHETIC_LABEL
    from ehrisk.demo.inventory import inventory

    inv = inventory()
    r = _run(inv, resolution_m=2000.0, cutoff_m=15_000.0)
    res = r.payload
    assert res.crs == inv.metric_crs == "EPSG:32651"
    assert r.summary["label"] == SYNTHETIC_LABEL and res.dataset.attrs["synthetic"] == 1
    assert r.summary["blend"]["applied"] and "ratio" in res.basis
    assert r.summary["population"] == pytest.approx(inv.population_grid["pop_persons"].sum())
    assert r.tables["risk_map/admin_summary"]["pop_persons"].sum() == pytest.approx(
        r.summary["population"], rel=1e-9)
    assert sum(r.summary["cells_by_level"].values()) == r.summary["n_cells"]
    assert len(r.tables["risk_map/receptors"]) == len(inv.receptors)
