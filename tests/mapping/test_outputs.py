"""End-to-end on the demo inventory (coarse grid): the service's result written by its writer;
outputs readable, labelled, consistent."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from ehrisk import SYNTHETIC_LABEL


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from ehrisk.demo.inventory import inventory
    from ehrisk.services import Products, StepContext
    from ehrisk.services.risk_map import RiskMapSettings, run_risk_map, write_risk_map

    region = inventory(20261124)
    out = tmp_path_factory.mktemp("riskmap")
    res = run_risk_map(region, RiskMapSettings(resolution_m=1000.0, cutoff_m=15_000.0),
                       Products(), StepContext())
    paths = write_risk_map(res, region, out)
    return region, out / "risk_map", {"summary": res.summary,
                                      "outputs": [str(p) for p in paths.values()]}


def test_population_conserved(demo_run):
    region, out, res = demo_run
    cells = pd.read_csv(out / "cells.csv")
    assert cells["pop_persons"].sum() == pytest.approx(region.population_grid["pop_persons"].sum())
    assert res["summary"]["population"] == pytest.approx(
        region.population_grid["pop_persons"].sum())
    admin = pd.read_csv(out / "admin_summary.csv")
    assert admin["pop_persons"].sum() == pytest.approx(cells["pop_persons"].sum(), rel=1e-9)


def test_geotiff_round_trip(demo_run):
    import rasterio

    _, out, _ = demo_run
    cells = pd.read_csv(out / "cells.csv")
    with rasterio.open(out / "risk_map.tif") as src:
        names = list(src.descriptions)
        assert "cancer_risk" in names and "hi" in names
        band = src.read(names.index("cancer_risk") + 1)
        assert src.tags()["DATASET"] == SYNTHETIC_LABEL
        rows, cols = rasterio.transform.rowcol(src.transform, cells["x_m"], cells["y_m"])
        np.testing.assert_allclose(band[rows, cols], cells["cancer_risk"], rtol=1e-6)
        assert src.crs.to_epsg() == 32651


def test_geopackage_and_geojson(demo_run):
    import pyogrio

    _, out, _ = demo_run
    layers = {n for n, _ in pyogrio.list_layers(out / "risk_map.gpkg")}
    assert {"cells", "zones", "admin_summary", "park_summary", "receptors",
            "enterprises"} <= layers
    cells = gpd.read_file(out / "risk_map.gpkg", layer="cells")
    assert (cells["dataset"] == SYNTHETIC_LABEL).all()
    assert set(cells["level"]) <= {"low", "medium", "high"}
    zones = gpd.read_file(out / "risk_map.gpkg", layer="zones")
    assert zones["area_km2"].sum() == pytest.approx(cells.geometry.area.sum() / 1e6)
    gj = json.loads((out / "risk_map_cells.geojson").read_text("utf-8"))
    assert gj["metadata"]["dataset"] == SYNTHETIC_LABEL and "ratio" in gj["metadata"]["basis"]
    lon, lat = gj["features"][0]["geometry"]["coordinates"][0][0]
    assert 121 < lon < 123 and 29 < lat < 31
    ent = pd.read_csv(out / "enterprise_risk.csv")
    assert {"credit_code", "max_cancer_risk_contribution", "max_hi_contribution",
            "attributable_cases_per_yr", "top_substance"} <= set(ent.columns)
    assert (ent["attributable_cases_per_yr"] >= 0).all()


# Attribution and cells are the same sum (test_attribution holds the per-cell split to 1e-9).
CASES_REL_TOL = 1e-9


def test_attributable_cases_add_up_to_the_cells():
    """Without the monitoring blend (which rescales cell risk but not the enterprise
    attribution, so no sum relation holds with it), the enterprises' attributable cases add up
    exactly to the residential cells' cases: sum over non-park cells of pop x risk / LT."""
    from ehrisk.demo.inventory import inventory
    from ehrisk.mapping.risk_map import lifetime_yr
    from ehrisk.services import Products, StepContext
    from ehrisk.services.risk_map import RiskMapSettings, run_risk_map

    res = run_risk_map(inventory(20261124),
                       RiskMapSettings(resolution_m=1000.0, cutoff_m=15_000.0, blend="none"),
                       Products(), StepContext())
    cells = res.tables["risk_map/cells"]
    ent = res.tables["risk_map/enterprise_risk"]
    home = cells[~cells["in_park"].astype(bool)]
    expected = float((home["pop_persons"] * home["risk_resident"]).sum()) / lifetime_yr()
    assert expected > 0
    assert ent["attributable_cases_per_yr"].sum() == pytest.approx(expected, rel=CASES_REL_TOL)
    assert home["cases_per_yr"].sum() == pytest.approx(expected, rel=CASES_REL_TOL)


def test_maps_written(demo_run):
    _, out, res = demo_run
    png = out / "risk_map_levels.png"
    assert png.stat().st_size > 50_000 and png.read_bytes()[:4] == b"\x89PNG"
    assert (out / "risk_map_atlas.pdf").read_bytes()[:4] == b"%PDF"
    assert any(p.endswith("risk_map_metadata.json") for p in res["outputs"])
