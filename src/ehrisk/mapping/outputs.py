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
    from affine import Affine

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
                       dtype="float32", crs=crs,
                       # north-up: x = x0 + col * res, y = y1 - row * res (rasterio's
                       # from_origin warns under affine >= 2.4)
                       transform=Affine(resolution_m, 0.0, x0, 0.0, -resolution_m, y1),
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


def write_npz(path, arrays: dict[str, np.ndarray]) -> str:
    """Named arrays as one compressed ``.npz`` (no pickles)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(p, **arrays)
    return str(p)


def write_json(path, obj, label: str) -> str:
    """JSON (UTF-8, :func:`ehrisk.io.jsonsafe.dumps`) with ``dataset`` = label first."""
    from ehrisk.io.jsonsafe import dumps

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(dumps({"dataset": label, **obj}, indent=2), encoding="utf-8")
    return str(p)


def _geo_or_none(df) -> gpd.GeoDataFrame | None:
    return df if isinstance(df, gpd.GeoDataFrame) and len(df) else None


def write_risk_map(res, out_dir, *, maps: bool = True, doc=None) -> dict[str, Path]:
    """Write a computed risk map (:class:`ehrisk.mapping.compute.RiskMapResult`) under
    ``out_dir``: GeoPackage (cells, zones, admin_summary, park_summary, receptors,
    enterprises), GeoTIFF (one band per metric), GeoJSON (cells, zones; EPSG:4326), CSV tables,
    the metadata JSON, ``enterprise_scenarios.npz`` and (``maps``) one PNG per map and the
    atlas PDF (:func:`ehrisk.mapping.atlas.write_maps`; ``doc`` is its
    :class:`~ehrisk.mapping.atlas.DocInfo`, default: names and year from the result, current
    fonts). Nothing is recomputed. Returns output name -> path."""
    from ehrisk.mapping.scenario_io import FILE_NAME, enterprise_risk_to_arrays

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    label, crs = res.label, res.crs
    cells = res.cells
    table = pd.DataFrame(cells.drop(columns="geometry"))
    ent = res.enterprise_risk
    ent_g = None
    if len(ent) and {"x_m", "y_m"} <= set(ent.columns):
        ent_g = gpd.GeoDataFrame(ent.copy(), geometry=gpd.points_from_xy(ent["x_m"], ent["y_m"]),
                                 crs=crs)
    layers = {"cells": cells, "zones": res.zones, "admin_summary": _geo_or_none(
        res.admin_summary), "park_summary": _geo_or_none(res.park_summary),
        "receptors": _geo_or_none(res.receptors), "enterprises": ent_g}
    paths: dict[str, Path] = {}

    def add(name: str, p: str) -> None:
        paths[name] = Path(p)

    add("risk_map_gpkg", write_geopackage(out / "risk_map.gpkg",
                                       {k: v for k, v in layers.items() if v is not None},
                                       label))
    add("risk_map_tif", write_geotiff(out / "risk_map.tif", table, res.resolution_m, crs, label,
                                 res.basis))
    add("cells_geojson", write_geojson(out / "risk_map_cells.geojson", cells, label, res.basis))
    add("zones_geojson", write_geojson(out / "risk_zones.geojson", res.zones, label, res.basis,
                                       columns=("level", "level_zh", "n_cells", "area_km2",
                                                "pop_persons")))
    add("cells_csv", write_csv(out / "cells.csv", table, label))
    add("enterprise_risk_csv", write_csv(out / "enterprise_risk.csv", ent, label))
    add("admin_summary_csv", write_csv(out / "admin_summary.csv", res.admin_summary, label))
    add("park_summary_csv", write_csv(out / "park_summary.csv", res.park_summary, label))
    add("receptors_csv", write_csv(out / "receptors.csv", res.receptors, label))
    if len(res.blend_stations):
        add("blend_stations_csv", write_csv(out / "blend_stations.csv", res.blend_stations,
                                            label))
    add("enterprise_scenarios_npz", write_npz(out / FILE_NAME,
                                          enterprise_risk_to_arrays(res.scenarios)))
    add("risk_map_metadata_json", write_json(out / "risk_map_metadata.json", res.summary, label))
    if maps:
        from ehrisk.mapping import atlas

        if doc is None:
            yr = res.summary.get("inventory_year")
            doc = atlas.DocInfo(area_zh=label, year=int(yr) if yr else None,
                                synthetic=bool(res.summary.get("synthetic")))
        paths.update(atlas.write_maps(res, out, doc))
    return paths
