"""Zoning thresholds at their edges, aggregation counts and dissolved zones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from ehrisk.mapping import zoning

# Default boundaries as documented in zoning_rules.csv (NCP 40 CFR 300.430 1E-06..1E-04;
# RAGS A HI 1; RSL THQ 0.1), written out independently here.
RISK_HIGH, RISK_MED, HI_HIGH, HI_MED = 1e-4, 1e-6, 1.0, 0.1


def test_thresholds_exactly_at_edges():
    risk = [RISK_HIGH, np.nextafter(RISK_HIGH, 0), RISK_MED, np.nextafter(RISK_MED, 0), 0.0,
            0.0, 0.0, 0.0, 0.0, np.nan]
    hi = [0.0, 0.0, 0.0, 0.0, HI_HIGH, np.nextafter(HI_HIGH, 0), HI_MED,
          np.nextafter(HI_MED, 0), 0.0, np.nan]
    got = list(zoning.classify(risk, hi))
    assert got == ["high", "medium", "medium", "low", "high", "medium", "medium", "low", "low",
                   "low"]


def test_higher_of_two_metrics_wins():
    assert list(zoning.classify([2e-6, 2e-4], [1.5, 0.01])) == ["high", "high"]


def test_user_rules_and_errors():
    df = pd.DataFrame({"metric": ["cancer_risk"], "level": ["high"], "lower": [1e-5],
                       "upper": [np.nan]})
    r = zoning.rules_from_frame(df)
    assert list(zoning.classify([1e-5, 9e-6], [0, 0], r)) == ["high", "low"]
    bad = pd.DataFrame({"metric": ["x"], "level": ["extreme"], "lower": [1.0], "upper": [0.5]})
    with pytest.raises(ValueError, match="row 2"):
        zoning.rules_from_frame(bad)
    with pytest.raises(KeyError):
        zoning.rules("nope")


def _cells():
    xs, ys = np.meshgrid(np.arange(4) * 100.0 + 50, np.arange(4) * 100.0 + 50)
    x, y = xs.ravel(), ys.ravel()
    level = np.where(x < 200, "high", np.where(y < 200, "medium", "low"))
    pop = np.arange(16, dtype=float) + 1
    df = pd.DataFrame({"cell_id": [f"C{i}" for i in range(16)], "level": level,
                       "pop_persons": pop, "cancer_risk": pop * 1e-6, "hi": pop / 10,
                       "pop_risk": pop * pop * 1e-6, "cases_per_yr": pop * pop * 1e-6 / 70})
    return gpd.GeoDataFrame(df, geometry=zoning.cell_polygons(x, y, 100.0), crs="EPSG:32651")


def test_dissolve_and_area_summary():
    cells = _cells()
    zones = zoning.dissolve_zones(cells).set_index("level")
    assert zones.loc["high", "area_km2"] == pytest.approx(0.08)  # 8 cells of 0.01 km2
    assert zones.loc["high", "geometry"].equals(shapely.box(0, 0, 200, 400))
    assert zones["pop_persons"].sum() == cells["pop_persons"].sum()
    areas = gpd.GeoDataFrame({"admin_code": ["W", "E"]},
                             geometry=[shapely.box(0, 0, 200, 400), shapely.box(200, 0, 400, 400)],
                             crs="EPSG:32651")
    rec = gpd.GeoDataFrame({"receptor_id": ["R1", "R2", "R3"]},
                           geometry=gpd.points_from_xy([10, 250, 390], [10, 10, 390]),
                           crs="EPSG:32651")
    rec = zoning.receptor_levels(rec, cells)
    assert list(rec["level"]) == ["high", "medium", "low"]
    s = zoning.summarise_areas(cells, areas, "admin_code", rec).set_index("admin_code")
    assert s["pop_persons"].sum() == cells["pop_persons"].sum()  # population conserved
    assert s.loc["W", "cells_high"] == 8 and s.loc["E", "cells_medium"] == 4
    assert s.loc["E", "receptors_medium"] == 1 and s.loc["E", "receptors_low"] == 1
    assert s.loc["W", "receptors_high"] == 1
    assert s.loc["W", "level"] == "high" and s.loc["E", "level"] == "medium"
    w = cells[cells.geometry.centroid.x < 200]
    assert s.loc["W", "pop_weighted_risk"] == pytest.approx(
        (w["pop_persons"] * w["cancer_risk"]).sum() / w["pop_persons"].sum())
