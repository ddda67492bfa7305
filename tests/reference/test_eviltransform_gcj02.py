"""GCJ-02 <-> WGS84 against the published test vectors of eviltransform.

Source: googollee/eviltransform, python/test.py (2015), TESTS = [(wgsLat, wgsLng, gcjLat,
gcjLng), ...] for Shanghai, Shenzhen and Beijing.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehrisk.store.coords import gcj02_to_wgs84, wgs84_to_gcj02

TOL_DEG = 1e-7          # about 1 cm
ROUND_TRIP_TOL_DEG = 1e-9

EVILTRANSFORM_TESTS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),      # shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),      # shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),      # beijing
]


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM_TESTS)
def test_forward_matches_eviltransform(wlat, wlon, glat, glon):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert abs(lon - glon) < TOL_DEG and abs(lat - glat) < TOL_DEG


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM_TESTS)
def test_inverse_recovers_wgs84(wlat, wlon, glat, glon):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert abs(lon - wlon) < TOL_DEG and abs(lat - wlat) < TOL_DEG


@given(st.floats(73.5, 135.0), st.floats(4.0, 53.5))
def test_round_trip_inside_china(lon, lat):
    g = wgs84_to_gcj02(lon, lat)
    w = gcj02_to_wgs84(*g)
    assert abs(w[0] - lon) < ROUND_TRIP_TOL_DEG and abs(w[1] - lat) < ROUND_TRIP_TOL_DEG


def test_outside_china_unchanged():
    lon, lat = wgs84_to_gcj02(2.35, 48.85)   # Paris
    assert (float(lon), float(lat)) == (2.35, 48.85)
