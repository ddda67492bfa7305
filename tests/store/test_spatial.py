"""Spatial questions give the same answers on SQLite and PostGIS.

Expected sets come from an independent spherical calculation: points are placed due north or
due east of the centre at nominal distances d with the spherical formulas
dlat = d / R and dlon = d / (R cos(lat)), R = 6 371 008.8 m (IUGG mean Earth radius). The
ellipsoidal distance differs from the nominal one by well under 1 %, so points placed at
2.9 km and 3.1 km fall unambiguously inside and outside a 3 km circle.
"""

from __future__ import annotations

import math

import pytest

from ehrisk.store import spatial
from ehrisk.store.db import session_scope
from ehrisk.store.importers import import_file

from .conftest import CODES

R_MEAN_M = 6_371_008.8
LON0, LAT0 = 121.70, 29.90
NOMINAL_KM = {"N1": 1.0, "E2": 2.0, "N29": 2.9, "E31": 3.1, "N4": 4.0, "E6": 6.0}


def place(direction: str, d_m: float) -> tuple[float, float]:
    if direction == "N":
        return LON0, LAT0 + math.degrees(d_m / R_MEAN_M)
    return LON0 + math.degrees(d_m / (R_MEAN_M * math.cos(math.radians(LAT0)))), LAT0


@pytest.fixture()
def world(engine, tmp_path):
    rec = ["受体编号,受体类型,名称,经度,纬度,人数"]
    for rid, km in NOMINAL_KM.items():
        lon, lat = place(rid[0], km * 1000.0)
        rec.append(f"{rid},学校,学校{rid},{lon!r},{lat!r},100")
    (tmp_path / "r.csv").write_text("\n".join(rec) + "\n", encoding="utf-8")
    import_file(engine, "receptors", tmp_path / "r.csv")
    pop = ["网格编号,中心经度,中心纬度,人口(人)"]
    for i, (km, n) in enumerate([(0.5, 1), (2.5, 10), (4.5, 100), (5.5, 1000)]):
        lon, lat = place("E" if i % 2 else "N", km * 1000.0)
        pop.append(f"C{i},{lon!r},{lat!r},{n}")
    (tmp_path / "p.csv").write_text("\n".join(pop) + "\n", encoding="utf-8")
    import_file(engine, "population", tmp_path / "p.csv")
    (tmp_path / "park.csv").write_text(
        "园区编号,园区名称,范围(WKT)\n"
        "P1,测试园区,\"POLYGON((121.69 29.89, 121.71 29.89, 121.71 29.91, 121.69 29.91, "
        "121.69 29.89))\"\n", encoding="utf-8")
    import_file(engine, "parks", tmp_path / "park.csv")
    (tmp_path / "e.csv").write_text(
        "统一社会信用代码,企业名称,经度,纬度,所在园区编号\n"
        f"{CODES[0]},园内,{LON0},{LAT0},P1\n"
        f"{CODES[1]},园内边角,121.7099,29.8901,\n"      # inside, attribute blank
        f"{CODES[2]},园外,121.7101,29.90,P1\n",          # outside, attribute says P1
        encoding="utf-8")
    import_file(engine, "enterprises", tmp_path / "e.csv")
    return engine


def test_receptors_within_3km(world):
    with session_scope(world) as s:
        df = spatial.receptors_within(s, LON0, LAT0, 3000.0)
    assert list(df["receptor_id"]) == ["N1", "E2", "N29"]
    for rid, d in zip(df["receptor_id"], df["distance_m"], strict=True):
        assert d == pytest.approx(NOMINAL_KM[rid] * 1000.0, rel=0.01)


def test_population_within(world):
    with session_scope(world) as s:
        assert spatial.population_within(s, LON0, LAT0, 3000.0) == 11
        assert spatial.population_within(s, LON0, LAT0, 5000.0) == 111
        assert spatial.population_within(s, LON0, LAT0, 10.0) == 0


def test_enterprises_in_park_is_spatial(world):
    with session_scope(world) as s:
        assert spatial.enterprises_in_park(s, "P1") == sorted([CODES[0], CODES[1]])


def test_surroundings_rings(world):
    with session_scope(world) as s:
        sur = spatial.surroundings(s, CODES[0], (1.5, 3.0, 5.0))
    assert [r["n_receptors"] for r in sur["rings"]] == [1, 3, 5]
    assert [r["population"] for r in sur["rings"]] == [1, 11, 111]
