"""Coordinates: the study's metric CRS and lon/lat <-> metric transforms (base layer).

The metric CRS of a study is the UTM zone (WGS 84) that geopandas estimates for its data
(:meth:`geopandas.GeoSeries.estimate_utm_crs`, which picks the zone containing the centre of
the data's bounds from the PROJ database). One function here; nothing else picks a zone.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import Transformer

from ehrisk.errors import EhriskError

LONLAT_CRS = "EPSG:4326"


def metric_crs_for(lon_deg, lat_deg) -> str:
    """The UTM zone (WGS 84) for points ``lon_deg, lat_deg`` [deg], as ``"EPSG:326zz"``
    (north) or ``"EPSG:327zz"`` (south).

    Uses :meth:`geopandas.GeoSeries.estimate_utm_crs` (datum WGS 84) on the points' bounds.
    """
    lon = np.atleast_1d(np.asarray(lon_deg, float))
    lat = np.atleast_1d(np.asarray(lat_deg, float))
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        raise EhriskError("no coordinates to choose a metric projection from")
    pts = gpd.GeoSeries(gpd.points_from_xy(lon[ok], lat[ok]), crs=LONLAT_CRS)
    crs = pts.estimate_utm_crs(datum_name="WGS 84")
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_string()


def to_metric(lon_deg, lat_deg, crs: str):
    """lon/lat [deg] (EPSG:4326) -> ``x, y`` [m] in ``crs`` (arrays)."""
    tr = Transformer.from_crs(LONLAT_CRS, crs, always_xy=True)
    x, y = tr.transform(np.asarray(lon_deg, float), np.asarray(lat_deg, float))
    return np.asarray(x, float), np.asarray(y, float)


def to_lonlat(x_m, y_m, crs: str):
    """``x, y`` [m] in ``crs`` -> lon/lat [deg] (EPSG:4326) (arrays)."""
    tr = Transformer.from_crs(crs, LONLAT_CRS, always_xy=True)
    lon, lat = tr.transform(np.asarray(x_m, float), np.asarray(y_m, float))
    return np.asarray(lon, float), np.asarray(lat, float)
