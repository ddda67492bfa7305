"""A whole risk-map run (一图): inventory + meteorology -> long-term field with its
source-receptor matrix -> optional monitoring blend -> per-cell risk -> attribution -> zoning ->
outputs. Called by the study (``run_risk_map``) and by ``ehrisk map run``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ehrisk import SYNTHETIC_LABEL
from ehrisk.mapping import attribution as attr
from ehrisk.mapping import blend as blend_mod
from ehrisk.mapping import outputs, plot, zoning
from ehrisk.mapping.field import ConcentrationField, emission_sources, from_srm
from ehrisk.mapping.risk_map import cell_risk, population_summary

DEMO_VOC_COLUMNS = {"benzene_ug_m3": "71-43-2", "toluene_ug_m3": "108-88-3",
                    "xylenes_ug_m3": "1330-20-7"}


def _noop(*_a, **_k) -> None:
    return None


def population_to_cells(cells: pd.DataFrame, pop_x_m, pop_y_m, pop_persons,
                        pop_resolution_m: float, resolution_m: float) -> np.ndarray:
    """Residents per map cell from a regular population grid [persons], conserving the total.

    Coarser (or equal) map cells sum the population cells whose centres they contain; finer map
    cells share a population cell equally among the map cells whose centres fall in it.
    """
    px = np.asarray(pop_x_m, float)
    py = np.asarray(pop_y_m, float)
    pp = np.asarray(pop_persons, float)
    cx = cells["x_m"].to_numpy(float)
    cy = cells["y_m"].to_numpy(float)
    if resolution_m >= pop_resolution_m:
        x0 = cx.min() - resolution_m / 2
        y0 = cy.min() - resolution_m / 2
        ncol = int(round((cx.max() - cx.min()) / resolution_m)) + 1
        key_cells = (np.rint((cy - cy.min()) / resolution_m).astype(int) * ncol
                     + np.rint((cx - cx.min()) / resolution_m).astype(int))
        ci = np.floor((px - x0) / resolution_m).astype(int)
        ri = np.floor((py - y0) / resolution_m).astype(int)
        keys = ri * ncol + ci
        tot = pd.Series(pp).groupby(keys).sum()
        return pd.Series(key_cells).map(tot).fillna(0.0).to_numpy()
    px0 = px.min()
    py0 = py.min()
    ncol = int(round((px.max() - px0) / pop_resolution_m)) + 1
    pkey = (np.rint((py - py0) / pop_resolution_m).astype(np.int64) * ncol
            + np.rint((px - px0) / pop_resolution_m).astype(np.int64))
    ckey = (np.rint((cy - py0) / pop_resolution_m).astype(np.int64) * ncol
            + np.rint((cx - px0) / pop_resolution_m).astype(np.int64))
    pop_by_key = pd.Series(pp).groupby(pkey).sum()
    count = pd.Series(ckey).value_counts()
    per = pop_by_key / count.reindex(pop_by_key.index)
    return pd.Series(ckey).map(per).fillna(0.0).to_numpy()


def _points(df: pd.DataFrame, crs: str) -> gpd.GeoDataFrame:
    if "x_m" in df.columns and "y_m" in df.columns:
        return gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(df["x_m"], df["y_m"]),
                                crs=crs)
    g = gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                         crs="EPSG:4326")
    return g.to_crs(crs)


def build_field(region, resolution_m: float = 250.0, substances=None, cutoff_m: float = 20_000.0,
                year: int | None = None, progress=None) -> ConcentrationField:
    """Long-term modelled field with its SRM for a region-like object (``stacks, emissions,
    enterprises, meteorology, population_grid``; see :class:`ehrisk.demo.DemoRegion`).

    The STAR table and Turner stability come from the hourly meteorology of the inventory year;
    the mixing height of each stability class is the median of its hours (when given).
    """
    from ehrisk.dispersion import grid, met, srm

    crs = (region.meta or {}).get("crs", {}).get("metric_x_m_y_m", "EPSG:32651")
    src, q, cas = emission_sources(region.stacks, region.emissions, region.enterprises,
                                   cas=substances, year=year)
    yr = int(region.emissions["year"].max()) if year is None else int(year)
    m = met.from_demo(region.meteorology) if "temp_c" in region.meteorology else \
        region.meteorology
    t = pd.to_datetime(m["time"])
    m = m[t.dt.year == yr] if (t.dt.year == yr).any() else m
    lon = float(region.population_grid["lon"].mean())
    lat = float(region.population_grid["lat"].mean())
    stab = met.turner_stability(m, lat, lon)
    star = met.star_table(m, stab)
    mix = None
    if "mixing_height_m" in m.columns:
        from ehrisk.dispersion.coefficients import STABILITY_CLASSES
        s = pd.Series(m["mixing_height_m"].to_numpy(float)).groupby(np.asarray(stab)).median()
        mix = np.array([s.get(c, np.nan) for c in STABILITY_CLASSES], float)
    pg = region.population_grid
    pres = float(np.median(np.diff(np.unique(pg["x_m"]))))
    cells = grid.regular_grid(pg["x_m"].min() - pres / 2, pg["y_m"].min() - pres / 2,
                              pg["x_m"].max() + pres / 2, pg["y_m"].max() + pres / 2,
                              resolution_m).rename(columns={"receptor_id": "cell_id"})
    temp = float(np.nanmean(m["temp_k"])) if "temp_k" in m.columns else 288.15
    mat = srm.build_longterm(src, cells.rename(columns={"cell_id": "receptor_id"}), star,
                             temp_k=temp, mixing_height_m=mix, cutoff_m=cutoff_m,
                             progress=progress)
    fld = from_srm(cells, mat, src[["source_id", "credit_code", "kind"]], q, cas, resolution_m,
                   crs)
    fld.meta.update({"inventory_year": yr, "cutoff_m": cutoff_m, "mode": "long-term (ISCLT)",
                     "met_hours": int(len(m)), "calm_fraction": star["calm_fraction"]})
    return fld


def demo_stations(region, crs: str, year: int) -> pd.DataFrame:
    """Annual means of the demo's VOC fence-line stations as a blend input
    (``station_id, x_m, y_m, cas, conc_ug_m3``)."""
    voc = region.voc
    voc = voc[pd.to_datetime(voc["time"]).dt.year == year]
    st = _points(region.voc_stations, crs)
    rows = []
    for col, cas in DEMO_VOC_COLUMNS.items():
        means = voc.groupby("station_id")[col].mean()
        for sid, v in means.items():
            p = st.loc[st["station_id"] == sid].geometry.iloc[0]
            rows.append({"station_id": sid, "x_m": p.x, "y_m": p.y, "cas": cas,
                         "conc_ug_m3": float(v)})
    return pd.DataFrame(rows)


def run_risk_map(region, out_dir, resolution_m: float = 250.0, substances=None, progress=None,
                 *, blend_method: str | None = "ratio", blend_radius_m: float = 5000.0,
                 cutoff_m: float = 20_000.0, level_rules=None, label: str | None = None,
                 maps: bool = True) -> dict:
    """Run the risk map for a region and write its outputs.

    Parameters
    ----------
    region : DemoRegion or alike
        ``meta, stacks, emissions, enterprises, meteorology, population_grid, parks,
        admin_units, receptors`` and, for the blend, ``voc_stations, voc``.
    out_dir : path
    resolution_m : float
        Cell size [m] (the demo runs well at 500 m, the default 250 m takes ~4x longer).
    substances : list of str, optional
        CAS numbers to map (default: every substance emitted to air with a toxicity value).
    progress : callable(stage: str, done: int, total: int), optional
    blend_method : {"ratio", "residual_idw", "replace_idw", None}
        Monitoring blend with the VOC stations (None: modelled only).
    blend_radius_m : float
        [m].
    cutoff_m : float
        Dispersion cut-off distance [m].
    level_rules : list of zoning.LevelRule, optional
    label : str, optional
        Dataset label (default: the region's ``meta["label"]`` or the synthetic label).
    maps : bool
        Draw PNG/PDF maps.

    Returns
    -------
    dict
        ``outputs`` (paths) and ``summary`` (population, population-weighted risk, cases per
        year, maxima, cells/population/receptors per level, basis, top enterprises, timings).
    """
    prog = progress or _noop
    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = getattr(region, "meta", {}) or {}
    label = label or meta.get("label") or SYNTHETIC_LABEL
    prog("dispersion", 0, 1)
    model = build_field(region, resolution_m, substances, cutoff_m,
                        progress=lambda d, n: prog("dispersion", d, n))
    t_disp = time.perf_counter() - t0
    crs = model.crs
    fld = model
    if blend_method and getattr(region, "voc_stations", None) is not None:
        st = demo_stations(region, crs, model.meta["inventory_year"])
        st = st[st["cas"].isin(model.cas)]
        if len(st):
            fld = blend_mod.blend(model, st, blend_method, blend_radius_m)
    prog("risk", 0, 1)
    cells_poly = zoning.cell_polygons(fld.cells["x_m"], fld.cells["y_m"], fld.resolution_m)
    cgdf = gpd.GeoDataFrame(fld.cells[["cell_id"]].copy(), geometry=cells_poly, crs=crs)
    parks = region.parks.to_crs(crs)
    centres = gpd.GeoDataFrame(geometry=gpd.points_from_xy(fld.cells["x_m"], fld.cells["y_m"]),
                               crs=crs)
    in_park = zoning._assign(centres, parks, "park_id") != ""
    pg = region.population_grid
    pres = float(np.median(np.diff(np.unique(pg["x_m"]))))
    pop = population_to_cells(fld.cells, pg["x_m"], pg["y_m"], pg["pop_persons"], pres,
                              fld.resolution_m)
    cr = cell_risk(fld, pop, in_park)
    table = cr.table
    table["level"] = zoning.classify(table["cancer_risk"], table["hi"], level_rules)
    table["level_code"] = table["level"].map({lv: i for i, lv in enumerate(zoning.LEVELS)})
    prog("attribution", 0, 1)
    at = attr.attribute(model, in_park)
    er = attr.enterprise_risk(model, pop, in_park)
    table = table.merge(at.cells, on="cell_id", how="left")
    cgdf = gpd.GeoDataFrame(table, geometry=cells_poly, crs=crs)
    prog("zoning", 0, 1)
    zones = zoning.dissolve_zones(cgdf)
    rec = zoning.receptor_levels(_points(region.receptors, crs), cgdf)
    admin = region.admin_units.to_crs(crs)
    admin_sum = zoning.summarise_areas(cgdf, admin, "admin_code", rec,
                                       snap_m=fld.resolution_m)
    park_sum = zoning.summarise_areas(cgdf, parks, "park_id", rec)
    ent = _points(region.enterprises, crs)
    ent_tab = er.table.merge(region.enterprises[["credit_code", "name_zh", "name_en",
                                                 "park_id"]], on="credit_code", how="left")
    ent_g = ent[["credit_code", "geometry"]].merge(ent_tab, on="credit_code", how="inner")
    prog("outputs", 0, 1)
    legend = blend_mod.legend_text(fld)
    paths = []
    admin_g = admin[[c for c in admin.columns if c not in ("pop_persons",)]].merge(
        admin_sum, on="admin_code")
    park_g = parks.merge(park_sum, on="park_id")
    paths.append(outputs.write_geopackage(out / "risk_map.gpkg", {
        "cells": cgdf, "zones": zones, "admin_summary": admin_g, "park_summary": park_g,
        "receptors": rec, "enterprises": ent_g}, label))
    paths.append(outputs.write_geotiff(out / "risk_map.tif", table, fld.resolution_m, crs, label,
                                       fld.basis))
    paths.append(outputs.write_geojson(out / "risk_map_cells.geojson", cgdf, label, fld.basis))
    paths.append(outputs.write_geojson(out / "risk_zones.geojson", zones, label, fld.basis,
                                       columns=("level", "level_zh", "n_cells", "area_km2",
                                                "pop_persons")))
    paths.append(outputs.write_csv(out / "cells.csv", table, label))
    paths.append(outputs.write_csv(out / "enterprise_risk.csv", ent_tab, label))
    paths.append(outputs.write_csv(out / "admin_summary.csv", admin_sum, label))
    paths.append(outputs.write_csv(out / "park_summary.csv", park_sum, label))
    paths.append(outputs.write_csv(out / "receptors.csv", rec, label))
    if fld.meta.get("blend"):
        paths.append(outputs.write_csv(out / "blend_stations.csv",
                                       pd.DataFrame(fld.meta["blend"]["stations"]), label))
    if maps:
        for metric, stem, zh, en in (("level", "risk_map_levels", "环境健康风险分区分级",
                                      "Risk zoning"),
                                     ("cancer_risk", "risk_map_cancer", "吸入致癌风险",
                                      "Inhalation cancer risk"),
                                     ("hi", "risk_map_hi", "危害指数", "Hazard index")):
            title = (f"{zh} / {en}" if plot.cjk_font() else en)
            for suffix in ((".png", ".pdf") if metric == "level" else (".png",)):
                fig = plot.risk_map_figure(cgdf, metric=metric, admin=admin, parks=parks,
                                           receptors=rec, enterprises=ent, title=title,
                                           label=label, basis_text=legend)
                paths.append(plot.save_map(fig, out / f"{stem}{suffix}"))
    summary = population_summary(table)
    summary.update({
        "label": label, "basis": fld.basis, "legend": legend,
        "resolution_m": fld.resolution_m, "crs": crs, "n_cells": int(len(table)),
        "n_sources": int(model.srm.shape[1]), "srm_nnz": int(model.srm.nnz),
        "substances_mapped": cr.cas,
        "cells_by_level": {lv: int((table["level"] == lv).sum()) for lv in zoning.LEVELS},
        "pop_by_level": {lv: float(table.loc[table["level"] == lv, "pop_persons"].sum())
                         for lv in zoning.LEVELS},
        "receptors_by_level": rec["level"].value_counts().to_dict(),
        "top_enterprises": ent_tab.head(5)[["credit_code", "name_en",
                                            "max_cancer_risk_contribution",
                                            "max_hi_contribution", "attributable_cases_per_yr",
                                            "top_substance"]].to_dict("records"),
        "model": {k: v for k, v in model.meta.items()},
        "blend": fld.meta.get("blend"),
        "seconds": {"dispersion": round(t_disp, 2),
                    "total": round(time.perf_counter() - t0, 2)},
    })
    meta_path = out / "risk_map_metadata.json"
    meta_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=_json),
                         encoding="utf-8")
    paths.append(str(meta_path))
    return {"outputs": paths, "summary": summary, "enterprise_risk": er}


def _json(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
