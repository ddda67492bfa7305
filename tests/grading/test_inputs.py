"""HJ 941-2018 inputs from inventory tables: the one population method (geodesic, candidate
pairs from the metric CRS), the distance water flag, user flags, missing management."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from ehrisk.geo import to_lonlat, to_metric
from ehrisk.grading import inputs as gi

CRS = "EPSG:32650"       # UTM 50N, central meridian 117 E (scale 0.9996 there)
LON0, LAT0 = 117.0, 39.0
STEP_M = 400.0


def _grid():
    """3 x 3 cells 400 m apart centred on (LON0, LAT0), persons 1..9 row by row (north row
    first): 1 2 3 / 4 5 6 / 7 8 9."""
    x0, y0 = to_metric([LON0], [LAT0], CRS)
    rows = []
    k = 1
    for j in (1, 0, -1):
        for i in (-1, 0, 1):
            rows.append({"cell_id": f"C{k}", "x_m": x0[0] + i * STEP_M,
                         "y_m": y0[0] + j * STEP_M, "pop_persons": float(k)})
            k += 1
    g = pd.DataFrame(rows)
    g["lon"], g["lat"] = to_lonlat(g["x_m"], g["y_m"], CRS)
    return g, x0[0], y0[0]


def _ents(points):
    x = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    lon, lat = to_lonlat(x, y, CRS)
    return pd.DataFrame({"credit_code": [f"E{i}" for i in range(len(points))], "x_m": x,
                         "y_m": y, "lon": lon, "lat": lat})


def test_population_within_3x3_grid_hand_calculation():
    g, x0, y0 = _grid()
    ents = _ents([(x0, y0), (x0 - STEP_M, y0 + STEP_M), (x0 + 5200.0, y0)])
    s = gi.air_sensitivity(ents, g).set_index("credit_code")
    # centre: 500 m holds the centre (5) and the four cells 400 m away (2, 4, 6, 8); the
    # diagonals are 400*sqrt(2) = 566 m away. 5 km holds all nine: 1+...+9 = 45.
    assert s.loc["E0", "pop_500m"] == 5 + 2 + 4 + 6 + 8
    assert s.loc["E0", "pop_5km"] == 45
    # north-west corner cell (1): itself and its two neighbours 400 m away (2, 4).
    assert s.loc["E1", "pop_500m"] == 1 + 2 + 4
    # 5.2 km east of the centre: the east column (3, 6, 9) is 4.8-4.82 km away, the middle
    # column 5.2 km, the west column 5.6 km.
    assert s.loc["E2", "pop_5km"] == 3 + 6 + 9
    assert s.loc["E2", "pop_500m"] == 0


def test_population_within_uses_geodesic_not_projected_distance():
    # A cell 499 m (geodesic) east of the point, seen from a UTM zone three zones away where
    # the projected distance is longer than 500 m: still counted.
    geod = Geod(ellps="WGS84")
    lon1, lat1, _ = geod.fwd(LON0, LAT0, 90.0, 499.0)
    far = "EPSG:32653"   # central meridian 135 E: at 117 E, 39 N the scale factor is
    # 0.9996 / sqrt(1 - (cos 39 sin 18)^2) = 1.030, so 499 m appear as about 514 m
    xy = np.column_stack(to_metric([LON0, lon1], [LAT0, lat1], far))
    assert np.hypot(*(xy[1] - xy[0])) > 500.0
    p = gi.population_within(xy[:1], [[LON0, LAT0]], xy[1:], [[lon1, lat1]], [10.0], 500.0)
    assert p[0] == 10.0


def test_water_flag_by_distance_and_user_override():
    geod = Geod(ellps="WGS84")
    near = geod.fwd(LON0, LAT0, 0.0, 9000.0)[:2]
    far = geod.fwd(LON0, LAT0, 180.0, 11000.0)[:2]
    ents = _ents([(0.0, 0.0)] * 4).assign(credit_code=["A", "B", "C", "D"])
    of = pd.DataFrame({"outfall_id": ["a", "b", "c", "d"], "credit_code": ["A", "B", "C", "D"],
                       "discharge_type": ["direct", "direct", "indirect", "direct"],
                       "receiving_water": ["某河", "某江", "某河", "东海"],
                       "lon": [near[0], far[0], near[0], near[0]],
                       "lat": [near[1], far[1], near[1], near[1]]})
    rec = pd.DataFrame({"receptor_id": ["R"], "type": ["drinking_water_source"],
                        "lon": [LON0], "lat": [LAT0]})
    f = gi.water_flags_by_distance(ents, of, rec).set_index("credit_code")
    # A: direct to a river 9 km away -> flagged; B: 11 km; C: indirect; D: the sea.
    assert f["drinking_water_10km_downstream"].to_dict() == {"A": True, "B": False,
                                                             "C": False, "D": False}
    g, *_ = _grid()
    ents = ents.assign(x_m=g["x_m"].iloc[4], y_m=g["y_m"].iloc[4], lon=g["lon"].iloc[4],
                       lat=g["lat"].iloc[4])
    rm = pd.DataFrame({"credit_code": ["A", "B"], "n_hazardous_process_sets": [1, 2],
                       "drinking_water_10km_downstream": [False, True],
                       "special_area_5km": [None, True]})
    (sto, mg, sens), notes = gi.hj941_inputs(ents, None, rm, of, rec, g)
    sens = sens.set_index("credit_code")
    # the user's flags win where given: A off, B on; C, D keep the distance flag (False)
    assert sens["drinking_water_10km_downstream"].to_dict() == {"A": False, "B": True,
                                                                "C": False, "D": False}
    assert sens["special_area_5km"].to_dict() == {"A": False, "B": True, "C": False,
                                                  "D": False}
    assert notes["no_storages"] and notes["no_management"] == ["C", "D"]
    assert notes["user_flags"] == 3
    assert len(sto) == 0 and list(mg["credit_code"]) == ["A", "B", "C", "D"]
    assert mg.set_index("credit_code")["n_hazardous_process_sets"].to_dict() == {
        "A": 1, "B": 2, "C": 0, "D": 0}


def test_population_within_bad_radius():
    with pytest.raises(ValueError):
        gi.population_within([[0, 0]], [[0, 0]], [[0, 0]], [[0, 0]], [1.0], -1.0)
