"""Risk-map outputs: GeoPackage (cells, zones, area summaries, receptors, enterprises), GeoTIFF
(one band per metric, band descriptions set), GeoJSON for the web (EPSG:4326) and CSV tables.
Every output carries the dataset label (``label``; the demo's is :data:`ehrisk.SYNTHETIC_LABEL`).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

RASTER_METRICS = ("cancer_risk", "hi", "risk_resident", "hi_resident", "risk_worker",
                  "hi_worker", "pop_persons", "level_code")
WEB_COLUMNS = ("cell_id", "level", "cancer_risk", "hi", "pop_persons", "risk_ent1",
               "risk_ent1_share", "risk_sub1", "risk_sub1_share", "hi_ent1", "hi_ent1_share",
               "hi_sub1", "hi_sub1_share")


def write_geopackage(path, layers: dict[str, gpd.GeoDataFrame | pd.DataFrame],
                     label: str) -> str:
    """Write layers to one GeoPackage; each feature gets a ``dataset`` column = ``label``;
    plain tables are written as attribute-only layers."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.exists():
        p.unlink()
    for name, df in layers.items():
        d = df.copy()
        d.insert(0, "dataset", label)
        if not isinstance(d, gpd.GeoDataFrame):
            d = gpd.GeoDataFrame(d, geometry=gpd.GeoSeries([None] * len(d)), crs=None)
        d.to_file(p, layer=name, driver="GPKG", engine="pyogrio")
    return str(p)


def write_geotiff(path, cells: pd.DataFrame, resolution_m: float, crs: str, label: str,
                  basis: str, metrics=RASTER_METRICS) -> str:
    """A float32 GeoTIFF with one band per metric (band description = metric name), NaN where
    no cell; tags ``DATASET`` (label) and ``BASIS`` (modelled / blend).

    Parameters
    ----------
    cells : DataFrame
        ``x_m, y_m`` cell centres [m] of a regular grid and the metric columns.
    resolution_m : float
        [m].
    crs : str
    """
    import rasterio
    from rasterio.transform import from_origin

    x = cells["x_m"].to_numpy(float)
    y = cells["y_m"].to_numpy(float)
    x0, y1 = x.min() - resolution_m / 2, y.max() + resolution_m / 2
    ncol = int(round((x.max() - x.min()) / resolution_m)) + 1
    nrow = int(round((y.max() - y.min()) / resolution_m)) + 1
    ci = np.rint((x - x.min()) / resolution_m).astype(int)
    ri = np.rint((y.max() - y) / resolution_m).astype(int)
    present = [m for m in metrics if m in cells.columns]
    data = np.full((len(present), nrow, ncol), np.nan, dtype="float32")
    for b, m in enumerate(present):
        data[b, ri, ci] = cells[m].to_numpy(float)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(p, "w", driver="GTiff", height=nrow, width=ncol, count=len(present),
                       dtype="float32", crs=crs, transform=from_origin(x0, y1, resolution_m,
                                                                        resolution_m),
                       nodata=np.nan, compress="deflate") as dst:
        dst.write(data)
        for b, m in enumerate(present, start=1):
            dst.set_band_description(b, m)
        dst.update_tags(DATASET=label, BASIS=basis)
    return str(p)


def write_geojson(path, gdf: gpd.GeoDataFrame, label: str, basis: str,
                  columns=WEB_COLUMNS, decimals: int = 6) -> str:
    """GeoJSON in EPSG:4326 for the web map, with ``dataset`` and ``basis`` in a top-level
    ``metadata`` member and on each feature."""
    cols = [c for c in columns if c in gdf.columns]
    g = gdf[cols + ["geometry"]].to_crs("EPSG:4326").copy()
    g.insert(0, "dataset", label)
    data = json.loads(g.to_json(drop_id=True, to_wgs84=False))
    for f in data["features"]:
        f["geometry"] = _round(f["geometry"], decimals)
    data["metadata"] = {"dataset": label, "basis": basis, "crs": "EPSG:4326"}
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(p)


def _round(geom: dict, decimals: int) -> dict:
    def r(c):
        if isinstance(c, (list, tuple)):
            return [r(v) for v in c]
        return round(c, decimals) if isinstance(c, float) else c
    return {"type": geom["type"], "coordinates": r(geom["coordinates"])}


def write_csv(path, df: pd.DataFrame, label: str) -> str:
    """CSV in UTF-8 with BOM (Excel opens Chinese text), first column ``dataset`` = label."""
    d = df.copy()
    if isinstance(d, gpd.GeoDataFrame):
        d = pd.DataFrame(d.drop(columns="geometry"))
    d.insert(0, "dataset", label)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    d.to_csv(p, index=False, encoding="utf-8-sig")
    return str(p)
