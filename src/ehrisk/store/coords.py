"""Coordinates: GCJ-02 <-> WGS84 and plausibility checks for imported points.

GCJ-02 (国测局坐标, "Mars coordinates") is the obfuscated datum of Chinese web maps (AMap/Gaode,
Tencent, Google China). Its forward transform (WGS84 -> GCJ-02) is known from open-source
reimplementations; the inverse has no closed form and is solved here by fixed-point iteration.
Constants are read from the packaged table ``store_gcj02``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ehrisk.refdata import load_table

GCJ02_TABLE = "store_gcj02"
CHECKS_TABLE = "store_checks"


@lru_cache(maxsize=1)
def _gcj() -> dict[str, float]:
    df = load_table(GCJ02_TABLE, numeric=["value"])
    return dict(zip(df["key"], df["value"], strict=True))


@lru_cache(maxsize=1)
def checks() -> dict[str, float]:
    """Data-quality limits of the packaged table ``store_checks`` (key -> value)."""
    df = load_table(CHECKS_TABLE, numeric=["value"])
    return dict(zip(df["key"], df["value"], strict=True))


def _series(x, y):
    """The published GCJ-02 distortion series (eviltransform ``transform(x, y)``) [m-like]."""
    pi = np.pi
    d = 20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)
    dlat = d + 20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)
    dlon = d + 20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)
    dlat = dlat + 160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)
    dlon = dlon + 150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)
    dlat = dlat * 2.0 / 3.0 - 100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y \
        + 0.2 * np.sqrt(np.abs(x))
    dlon = dlon * 2.0 / 3.0 + 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y \
        + 0.1 * np.sqrt(np.abs(x))
    return dlon, dlat


def _in_china(lon, lat):
    g = _gcj()
    return ((lon >= g["china_lon_min_deg"]) & (lon <= g["china_lon_max_deg"])
            & (lat >= g["china_lat_min_deg"]) & (lat <= g["china_lat_max_deg"]))


def _offset(lon, lat):
    g = _gcj()
    a, ee = g["semi_major_axis_m"], g["eccentricity_squared"]
    dlon, dlat = _series(lon - g["origin_lon_deg"], lat - g["origin_lat_deg"])
    rad = np.radians(lat)
    magic = 1.0 - ee * np.sin(rad) ** 2
    sq = np.sqrt(magic)
    dlat = dlat * 180.0 / ((a * (1.0 - ee)) / (magic * sq) * np.pi)
    dlon = dlon * 180.0 / (a / sq * np.cos(rad) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon_deg, lat_deg):
    """WGS84 -> GCJ-02.

    Parameters
    ----------
    lon_deg, lat_deg : array_like
        WGS84 longitude and latitude [deg].

    Returns
    -------
    tuple of ndarray
        GCJ-02 longitude and latitude [deg]; points outside the China box are unchanged.

    References
    ----------
    The GCJ-02 forward transform as reimplemented in eviltransform (googollee/eviltransform,
    2015, ``wgs2gcj``); constants in table ``store_gcj02``.
    """
    lon = np.asarray(lon_deg, dtype=float)
    lat = np.asarray(lat_deg, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon_deg, lat_deg, tol_deg: float = 1e-10, max_iter: int = 30):
    """GCJ-02 -> WGS84 by fixed-point iteration on the forward transform.

    Starting from w = g, repeat w <- w - (f(w) - g) until the largest change is below
    ``tol_deg``; the offset varies slowly (its derivative is of order 1e-5), so a few
    iterations reach 1e-10 deg (about 0.01 mm).

    Parameters
    ----------
    lon_deg, lat_deg : array_like
        GCJ-02 longitude and latitude [deg].
    tol_deg : float
        Convergence tolerance [deg].
    max_iter : int
        Iteration limit [-]; raises RuntimeError if not converged.

    Returns
    -------
    tuple of ndarray
        WGS84 longitude and latitude [deg].

    References
    ----------
    eviltransform ``gcj2wgs_exact`` (googollee/eviltransform, 2015) uses the same iteration.
    """
    g_lon = np.asarray(lon_deg, dtype=float)
    g_lat = np.asarray(lat_deg, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = f_lon - g_lon, f_lat - g_lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if max(np.max(np.abs(e_lon), initial=0.0), np.max(np.abs(e_lat), initial=0.0)) \
                < tol_deg:
            return w_lon, w_lat
    raise RuntimeError("GCJ-02 inverse did not converge")


def point_problem(lon: float, lat: float, bbox: tuple[float, float, float, float] | None):
    """Why a point is implausible, or None.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude [deg].
    bbox : tuple (lon_min, lat_min, lon_max, lat_max) or None
        Study area [deg]; None uses the extent of China (table ``store_checks``).
    """
    if not (-180.0 <= lon <= 180.0) or not (-90.0 <= lat <= 90.0):
        if -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0:
            return (f"longitude {lon} / latitude {lat}: latitude and longitude look swapped")
        return f"longitude {lon} / latitude {lat} are not valid degrees"
    c = checks()
    china = (c["china_lon_min_deg"], c["china_lat_min_deg"], c["china_lon_max_deg"],
             c["china_lat_max_deg"])
    box = bbox or china
    where = "the study area" if bbox else "China"

    def inside(x, y, b):
        return b[0] <= x <= b[2] and b[1] <= y <= b[3]

    if inside(lon, lat, box):
        return None
    if inside(lat, lon, box):
        return (f"longitude {lon} / latitude {lat}: latitude and longitude look swapped "
                f"(swapped, the point lies in {where})")
    return (f"point ({lon}, {lat}) lies outside {where} "
            f"(lon {box[0]:.3f}..{box[2]:.3f}, lat {box[1]:.3f}..{box[3]:.3f})")
