"""Spatial questions answered by the database: receptors and population within a distance of
a point or enterprise, enterprises inside a park.

On PostgreSQL/PostGIS the database answers them (``ST_DWithin`` and ``ST_Distance`` on
``geography``, i.e. geodesics on the WGS84 ellipsoid; ``ST_Contains`` on the polygon), using
the GiST-indexed generated ``geom`` columns. On SQLite a bounding box is selected in SQL and
the exact test is done in Python: geodesic distances on the WGS84 ellipsoid with
:class:`pyproj.Geod` (Karney's algorithm, as PostGIS uses through PROJ/GeographicLib) and
shapely ``contains`` on lon/lat, so both backends give the same answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Geod
from shapely import from_wkt, points
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ehrisk.store import models as m
from ehrisk.store.db import StoreError, is_postgres
from ehrisk.store.history import get_enterprise

GEOD = Geod(ellps="WGS84")
BBOX_SAFETY = 1.01   # widen the SQL prefilter box by 1 % so that the exact test decides


def _bbox(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    d = radius_m * BBOX_SAFETY
    lons, lats, _ = GEOD.fwd([lon] * 4, [lat] * 4, [0.0, 90.0, 180.0, 270.0], [d] * 4)
    return min(lons), min(lats), max(lons), max(lats)


def distance_m(lon0: float, lat0: float, lon, lat) -> np.ndarray:
    """Geodesic distance on the WGS84 ellipsoid [m] from (lon0, lat0) [deg] to points [deg]."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    _, _, d = GEOD.inv(np.full_like(lon, lon0), np.full_like(lat, lat0), lon, lat)
    return np.asarray(d, dtype=float)


def _near_sqlite(session, model, cols, lon, lat, radius_m) -> pd.DataFrame:
    x0, y0, x1, y1 = _bbox(lon, lat, radius_m)
    q = select(*[getattr(model, c) for c in cols], model.lon, model.lat).where(
        model.lon >= x0, model.lon <= x1, model.lat >= y0, model.lat <= y1)
    df = pd.DataFrame(session.execute(q).all(), columns=[*cols, "lon", "lat"])
    if df.empty:
        return df.assign(distance_m=pd.Series(dtype=float))
    df["distance_m"] = distance_m(lon, lat, df["lon"], df["lat"])
    return df[df["distance_m"] <= radius_m]


def _near_pg(session, table, cols, lon, lat, radius_m) -> pd.DataFrame:
    sql = text(f"SELECT {', '.join(cols)}, lon, lat, "
               "ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
               "::geography) AS distance_m "
               f"FROM {table} WHERE geom IS NOT NULL AND ST_DWithin(geom::geography, "
               "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :r)")
    rows = session.execute(sql, {"lon": lon, "lat": lat, "r": radius_m}).all()
    return pd.DataFrame(rows, columns=[*cols, "lon", "lat", "distance_m"])


def receptors_within(session: Session, lon: float, lat: float, radius_m: float,
                     types: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Receptors whose point lies within ``radius_m`` of (lon, lat), nearest first.

    Parameters
    ----------
    session : Session
    lon, lat : float
        Centre [deg, WGS84].
    radius_m : float
        Radius [m] (geodesic distance on the WGS84 ellipsoid).
    types : tuple of str or None
        Receptor types to keep (``school``, ``hospital``, ...); None keeps all.

    Returns
    -------
    DataFrame
        receptor_id, type, name, population, lon, lat, distance_m [m].
    """
    cols = ["receptor_id", "type", "name", "population"]
    if is_postgres(session):
        df = _near_pg(session, "receptor", cols, lon, lat, radius_m)
    else:
        df = _near_sqlite(session, m.Receptor, cols, lon, lat, radius_m)
    if types:
        df = df[df["type"].isin(types)]
    return df.sort_values(["distance_m", "receptor_id"]).reset_index(drop=True)


def population_within(session: Session, lon: float, lat: float, radius_m: float) -> float:
    """Population [persons] of the grid cells whose centre lies within ``radius_m`` [m] of
    (lon, lat) [deg] (cells are counted whole: a centre-in-circle rule)."""
    if is_postgres(session):
        v = session.execute(text(
            "SELECT COALESCE(SUM(pop_persons), 0) FROM population_cell WHERE ST_DWithin("
            "geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :r)"),
            {"lon": lon, "lat": lat, "r": radius_m}).scalar()
        return float(v)
    df = _near_sqlite(session, m.PopulationCell, ["pop_persons"], lon, lat, radius_m)
    return float(df["pop_persons"].sum()) if len(df) else 0.0


def enterprises_in_park(session: Session, park_id: str) -> list[str]:
    """Credit codes of the enterprises whose location lies inside the park polygon (the
    spatial answer, whatever their ``park_id`` attribute says), sorted."""
    park = session.scalar(select(m.Park).where(m.Park.park_id == park_id))
    if park is None:
        raise StoreError(f"no park {park_id!r} in the database")
    if not park.geom_wkt:
        raise StoreError(f"park {park_id!r} has no boundary polygon")
    if is_postgres(session):
        rows = session.execute(text(
            "SELECT e.credit_code FROM enterprise e JOIN park p ON ST_Contains(p.geom, e.geom) "
            "WHERE p.park_id = :pid ORDER BY e.credit_code"), {"pid": park_id}).all()
        return [r[0] for r in rows]
    poly = from_wkt(park.geom_wkt)
    x0, y0, x1, y1 = poly.bounds
    q = select(m.Enterprise.credit_code, m.Enterprise.lon, m.Enterprise.lat).where(
        m.Enterprise.lon >= x0, m.Enterprise.lon <= x1,
        m.Enterprise.lat >= y0, m.Enterprise.lat <= y1)
    df = pd.DataFrame(session.execute(q).all(), columns=["credit_code", "lon", "lat"])
    if df.empty:
        return []
    inside = poly.contains(points(df["lon"].to_numpy(), df["lat"].to_numpy()))
    return sorted(df.loc[inside, "credit_code"].tolist())


def surroundings(session: Session, code: str, radii_km=(1.0, 3.0, 5.0)) -> dict:
    """Receptors and population around an enterprise for each radius [km]."""
    ent = get_enterprise(session, code)
    if ent.lon is None or ent.lat is None:
        raise StoreError(f"enterprise {code} has no location")
    out = {"credit_code": ent.credit_code, "lon": ent.lon, "lat": ent.lat, "rings": []}
    biggest = receptors_within(session, ent.lon, ent.lat, max(radii_km) * 1000.0)
    for r in radii_km:
        sel = biggest[biggest["distance_m"] <= r * 1000.0]
        out["rings"].append({
            "radius_km": r,
            "population": population_within(session, ent.lon, ent.lat, r * 1000.0),
            "n_receptors": int(len(sel)),
            "by_type": {k: int(v) for k, v in sel["type"].value_counts().sort_index().items()},
        })
    out["receptors"] = biggest.to_dict("records")
    return out
