"""The risk map (一图) computed from an :class:`~ehrisk.inventory.Inventory`: long-term field
with its source-receptor matrix (built per tile through one executor seam) -> optional
monitoring blend -> per-cell risk -> attribution -> zoning. Compute only: nothing here writes
a file (the writer is :func:`ehrisk.mapping.outputs.write_risk_map`).

The grid and its CRS come from the inventory (:attr:`Inventory.metric_crs`, never a default);
parks, administrative units and receptors are optional (without them their summaries are
empty, the map still runs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from ehrisk.inventory import Inventory
from ehrisk.mapping import attribution as attr
from ehrisk.mapping import blend as blend_mod
from ehrisk.mapping import zoning
from ehrisk.mapping.field import ConcentrationField, emission_sources, from_srm
from ehrisk.mapping.risk_map import cell_risk, population_summary, toxic_substances

DATASET_VARIABLES = ("cancer_risk", "hi", "risk_resident", "hi_resident", "risk_worker",
                     "hi_worker", "pop_persons", "cases_per_yr")
"""Per-cell variables of :attr:`RiskMapResult.dataset` (besides ``conc_ug_m3`` and
``level_code``)."""


class NoMappableSubstance(ValueError):
    """No substance emitted to air in the inventory year has an inhalation toxicity value."""


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


def grid_resolution_m(population_grid: pd.DataFrame) -> float:
    """Cell size [m] of a regular population grid (median spacing of its column centres)."""
    ux = np.unique(population_grid["x_m"].to_numpy(float))
    if len(ux) < 2:
        raise ValueError("the population grid needs at least two columns of cells")
    return float(np.median(np.diff(ux)))


def points(df: pd.DataFrame, crs: str) -> gpd.GeoDataFrame:
    """Points of a table in ``crs``: from its ``x_m, y_m`` (already in ``crs``) or its
    ``lon, lat`` (EPSG:4326)."""
    if "x_m" in df.columns and "y_m" in df.columns:
        return gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(df["x_m"], df["y_m"]),
                                crs=crs)
    g = gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                         crs="EPSG:4326")
    return g.to_crs(crs)


def localised_times(times, timezone: str) -> pd.DatetimeIndex:
    """Times as time-zone aware: naive (local) times are localised to ``timezone`` (standard
    time where ambiguous), aware ones are kept."""
    t = pd.DatetimeIndex(pd.to_datetime(times))
    if t.tz is None:
        t = t.tz_localize(timezone, ambiguous=np.zeros(len(t), bool),
                          nonexistent="shift_forward")
    return t


def model_field(stacks: pd.DataFrame, emissions: pd.DataFrame, enterprises: pd.DataFrame,
                meteorology: pd.DataFrame, population_grid: pd.DataFrame, *, crs: str,
                year: int | None, resolution_m: float, cutoff_m: float,
                substances: list[str] | None = None, timezone: str = "UTC",
                tile_cells: int | None = None, executor=None,
                progress: Callable[[int, int], None] | None = None) -> ConcentrationField:
    """Long-term modelled field with its unit-emission SRM on a regular grid covering the
    population grid.

    Parameters
    ----------
    stacks, emissions, enterprises : DataFrame
        Inventory tables (``x_m, y_m`` [m] in ``crs``; emissions ``emission_g_s`` [g/s]).
    meteorology : DataFrame
        Hourly ``time, wind_dir_deg, wind_speed_m_s, temp_k, cloud_cover_tenths`` [,
        ``ceiling_height_m, mixing_height_m``]; the hours of ``year`` are used when it has any.
    population_grid : DataFrame
        ``x_m, y_m`` [m] of a regular grid (its extent is the map's).
    crs : str
        Metric CRS of every ``x_m, y_m``.
    year : int or None
        Inventory year (None: the latest year of the emissions).
    resolution_m, cutoff_m : float
        Cell size and dispersion cut-off [m].
    substances : list of str, optional
        CAS numbers (default: every substance emitted to air in ``year``).
    timezone : str
        Zone of naive meteorology times (for the sun's elevation).
    tile_cells : int, optional
        Cells per tile side of the SRM (default :data:`ehrisk.dispersion.srm.DEFAULT_TILE_CELLS`);
        the result does not depend on it.
    executor : object with ``map``, optional
        Executor of the tiles (:func:`ehrisk.dispersion.srm.map_tiles`; default serial).
    progress : callable(done, total), optional

    References
    ----------
    ISC3 User's Guide vol. II (EPA-454/B-95-003b), section 2 (ISCLT); Turner (1964) stability
    (EPA-454/R-99-005, Tables 6-4 to 6-6); STAR joint frequencies.
    """
    from ehrisk.dispersion import grid, met, srm
    from ehrisk.dispersion.coefficients import STABILITY_CLASSES

    src, q, cas = emission_sources(stacks, emissions, enterprises, cas=substances, year=year)
    yr = int(emissions["year"].max()) if year is None else int(year)
    m = meteorology.copy()
    m["time"] = localised_times(m["time"], timezone)
    if "ceiling_height_m" not in m.columns:
        m["ceiling_height_m"] = np.nan
    in_year = (m["time"].dt.year == yr).to_numpy()
    m = m[in_year].reset_index(drop=True) if in_year.any() else m.reset_index(drop=True)
    lon = float(population_grid["lon"].mean())
    lat = float(population_grid["lat"].mean())
    stab = met.turner_stability(m, lat, lon)
    star = met.star_table(m, stab)
    mix = None
    if "mixing_height_m" in m.columns:
        s = pd.Series(m["mixing_height_m"].to_numpy(float)).groupby(np.asarray(stab)).median()
        mix = np.array([s.get(c, np.nan) for c in STABILITY_CLASSES], float)
    pres = grid_resolution_m(population_grid)
    pg = population_grid
    cells = grid.regular_grid(pg["x_m"].min() - pres / 2, pg["y_m"].min() - pres / 2,
                              pg["x_m"].max() + pres / 2, pg["y_m"].max() + pres / 2,
                              resolution_m).rename(columns={"receptor_id": "cell_id"})
    temp = float(np.nanmean(m["temp_k"])) if "temp_k" in m.columns else 288.15
    tc = srm.DEFAULT_TILE_CELLS if tile_cells is None else int(tile_cells)
    tiles = srm.grid_tiles(cells["row"], cells["col"], tc)
    mat = srm.build_longterm_tiled(src, cells.rename(columns={"cell_id": "receptor_id"}), star,
                                   tiles, executor=executor, progress=progress, temp_k=temp,
                                   mixing_height_m=mix, cutoff_m=cutoff_m)
    fld = from_srm(cells, mat, src[["source_id", "credit_code", "kind"]], q, cas, resolution_m,
                   crs)
    fld.meta.update({"inventory_year": yr, "cutoff_m": cutoff_m, "mode": "long-term (ISCLT)",
                     "met_hours": int(len(m)), "calm_fraction": star["calm_fraction"],
                     "tile_cells": tc, "n_tiles": len(tiles)})
    return fld


def voc_station_means(stations: pd.DataFrame, voc_hourly: pd.DataFrame, year: int
                      ) -> tuple[pd.DataFrame, list[str]]:
    """Annual means of fence-line VOC stations as a blend input.

    ``voc_hourly`` columns ``<substance>_ug_m3`` are matched to CAS numbers by name
    (:func:`ehrisk.refdata.chemicals.lookup`). Returns the long table ``station_id, x_m, y_m,
    cas, conc_ug_m3`` of the hours of ``year`` and the columns that name no known substance.
    """
    from ehrisk.refdata.chemicals import lookup

    voc = voc_hourly[pd.to_datetime(voc_hourly["time"]).dt.year == int(year)]
    st = stations.set_index(stations["station_id"].astype(str))
    rows, unknown = [], []
    for col in [c for c in voc.columns if str(c).endswith("_ug_m3")]:
        try:
            cas = str(lookup(str(col)[:-len("_ug_m3")])["cas"])
        except Exception:  # unknown name (UnknownChemicalError) or ambiguous
            unknown.append(str(col))
            continue
        means = pd.to_numeric(voc[col], errors="coerce").groupby(
            voc["station_id"].astype(str)).mean()
        for sid, v in means.items():
            if sid in st.index and np.isfinite(v):
                rows.append({"station_id": sid, "x_m": float(st.at[sid, "x_m"]),
                             "y_m": float(st.at[sid, "y_m"]), "cas": cas,
                             "conc_ug_m3": float(v)})
    return pd.DataFrame(rows, columns=["station_id", "x_m", "y_m", "cas", "conc_ug_m3"]), unknown


@dataclass
class RiskMapResult:
    """A computed risk map.

    Attributes
    ----------
    dataset : xarray.Dataset
        Dims ``y, x`` (cell centres [m] in :attr:`crs`, ``y`` south to north) and ``substance``;
        variables ``conc_ug_m3`` (substance, y, x) of the mapped substances, ``cancer_risk``,
        ``hi``, ``risk_resident``, ``hi_resident``, ``risk_worker``, ``hi_worker``,
        ``pop_persons``, ``cases_per_yr``, ``level_code`` (0 low, 1 medium, 2 high) and
        ``cell_id``; ``attrs``: ``crs``, ``resolution_m``, ``basis``, ``label``, ``synthetic``,
        ``inventory_year``.
    cells : GeoDataFrame
        Cell polygons with level, risk, HI, population and attribution columns.
    zones : GeoDataFrame
        Cells of each level dissolved.
    admin_summary, park_summary : DataFrame
        Per administrative unit / park (GeoDataFrame with the area's polygon when the inventory
        has the areas; empty otherwise).
    receptors : GeoDataFrame
        Sensitive receptors with their cell's level (empty without receptors).
    enterprise_risk : DataFrame
        ``credit_code, name_zh, name_en, park_id, lon, lat, max_cancer_risk_contribution,
        max_hi_contribution, attributable_cases_per_yr, top_substance``.
    blend_stations : DataFrame
        Stations of the monitoring blend (observed, modelled, ratio); empty without a blend.
    scenarios : EnterpriseRisk
        Unit-emission what-if state (:class:`ehrisk.mapping.attribution.EnterpriseRisk`).
    field : ConcentrationField
        The modelled field with its SRM.
    summary : dict
        Population-weighted risk, cells/population per level, top enterprises, basis, timings.
    label : str
        Dataset label written on every output.
    legend : str
        How the concentrations were obtained (zh + en).
    """

    dataset: xr.Dataset
    cells: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    admin_summary: pd.DataFrame
    park_summary: pd.DataFrame
    receptors: gpd.GeoDataFrame
    enterprise_risk: pd.DataFrame
    blend_stations: pd.DataFrame
    scenarios: attr.EnterpriseRisk
    field: ConcentrationField
    summary: dict = field(default_factory=dict)
    label: str = ""
    legend: str = ""

    @property
    def crs(self) -> str:
        """Metric CRS of the grid (also ``dataset.attrs["crs"]``)."""
        return str(self.dataset.attrs["crs"])

    @property
    def resolution_m(self) -> float:
        """Cell size [m]."""
        return float(self.dataset.attrs["resolution_m"])

    @property
    def basis(self) -> str:
        """How the concentrations were obtained (modelled / blend)."""
        return str(self.dataset.attrs["basis"])


def to_dataset(fld: ConcentrationField, table: pd.DataFrame, cas: list[str], *, label: str,
               synthetic: bool) -> xr.Dataset:
    """The per-cell table and the concentrations of ``cas`` as an xarray Dataset on the grid
    (dims ``y, x``; the grid's row/col of each cell from ``fld.cells``)."""
    row = fld.cells["row"].to_numpy(int)
    col = fld.cells["col"].to_numpy(int)
    ny, nx = int(row.max()) + 1, int(col.max()) + 1
    ys = np.full(ny, np.nan)
    xs = np.full(nx, np.nan)
    ys[row] = fld.cells["y_m"].to_numpy(float)
    xs[col] = fld.cells["x_m"].to_numpy(float)

    def grid_of(values, fill=np.nan, dtype=float):
        a = np.full((ny, nx), fill, dtype=dtype)
        a[row, col] = np.asarray(values, dtype)
        return a

    data = {v: (("y", "x"), grid_of(table[v].to_numpy(float)))
            for v in DATASET_VARIABLES if v in table.columns}
    data["level_code"] = (("y", "x"), grid_of(table["level_code"].to_numpy(int), -1, np.int8))
    data["cell_id"] = (("y", "x"), grid_of(table["cell_id"].astype(str).to_numpy(), "",
                                           object))
    sub = fld.subset(cas)
    conc = np.full((len(cas), ny, nx), np.nan)
    for k in range(len(cas)):
        conc[k, row, col] = sub.conc_ug_m3[:, k]
    data["conc_ug_m3"] = (("substance", "y", "x"), conc)
    ds = xr.Dataset(data, coords={"y": ("y", ys, {"units": "m"}),
                                  "x": ("x", xs, {"units": "m"}),
                                  "substance": ("substance", np.asarray(cas, dtype=str))})
    ds.attrs.update({"crs": fld.crs, "resolution_m": float(fld.resolution_m),
                     "basis": fld.basis, "label": label, "synthetic": int(bool(synthetic)),
                     "inventory_year": int(fld.meta.get("inventory_year", -1))})
    return ds


def _empty_points(crs: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"level": pd.Series(dtype=str)}, geometry=gpd.GeoSeries([], crs=crs),
                            crs=crs)


def compute_risk_map(inv: Inventory, *, resolution_m: float = 250.0, cutoff_m: float = 20_000.0,
                     blend: str | None = "ratio", blend_radius_m: float = 5000.0,
                     substances: list[str] | None = None, tile_cells: int | None = None,
                     level_rules: list[zoning.LevelRule] | None = None, executor=None,
                     progress: Callable[[str, int, int], None] | None = None) -> RiskMapResult:
    """Compute the risk map of an inventory (nothing is written).

    Parameters
    ----------
    inv : Inventory
        Needs ``enterprises, stacks, emissions, meteorology, population_grid``; uses
        ``parks, admin_units, receptors`` and the VOC stations (``stations`` of kind ``voc``
        with ``voc_hourly``) when present.
    resolution_m, cutoff_m, blend_radius_m : float
        [m].
    blend : {"ratio", "residual_idw", "replace_idw", None}
        Monitoring blend with the VOC stations (None or "none": modelled only).
    substances : list of str, optional
        CAS numbers to map (default: every substance emitted to air in the inventory year with
        an inhalation toxicity value).
    tile_cells : int, optional
        Cells per tile side of the SRM (results do not depend on it).
    level_rules : list of LevelRule, optional
        Zoning rules (default: rule set ``default``).
    executor : object with ``map``, optional
        Executor of the SRM tiles (default serial).
    progress : callable(stage, done, total), optional

    Returns
    -------
    RiskMapResult

    Raises
    ------
    NoMappableSubstance
        When no substance of the inventory year can be mapped.
    ValueError, KeyError
        Inconsistent inventory data (named in the message).

    References
    ----------
    See :func:`model_field`, :func:`ehrisk.mapping.risk_map.cell_risk`,
    :func:`ehrisk.mapping.attribution.attribute`, :func:`ehrisk.mapping.blend.blend` and
    :func:`ehrisk.mapping.zoning.classify`.
    """
    prog = progress or _noop
    t0 = time.perf_counter()
    crs = inv.metric_crs
    em = inv.emissions
    air = em[em["medium"] == "air"]
    year = inv.year if inv.year is not None else (int(air["year"].max()) if len(air) else None)
    emitted = sorted(air.loc[air["year"] == year, "cas"].astype(str).unique()) if year else []
    if substances:
        missing = [c for c in substances if c not in emitted]
        if missing:
            raise ValueError(f"substances {missing} are not emitted to air in {year}")
        field_cas = list(substances)
    else:
        field_cas = None
    mapped = toxic_substances(list(substances) if substances else emitted)
    if not mapped:
        raise NoMappableSubstance(
            f"no substance emitted to air in {year} has an inhalation toxicity value "
            f"({len(emitted)} emitted)")
    prog("dispersion", 0, 1)
    model = model_field(inv.stacks, em, inv.enterprises, inv.meteorology, inv.population_grid,
                        crs=crs, year=year, resolution_m=resolution_m, cutoff_m=cutoff_m,
                        substances=field_cas, timezone=inv.timezone, tile_cells=tile_cells,
                        executor=executor, progress=lambda d, n: prog("dispersion", d, n))
    t_disp = time.perf_counter() - t0
    fld, blend_info = _blend(inv, model, blend, blend_radius_m)
    prog("risk", 0, 1)
    cells_poly = zoning.cell_polygons(fld.cells["x_m"], fld.cells["y_m"], fld.resolution_m)
    centres = gpd.GeoDataFrame(geometry=gpd.points_from_xy(fld.cells["x_m"], fld.cells["y_m"]),
                               crs=crs)
    parks = inv.parks.to_crs(crs) if inv.has("parks") else None
    admin = inv.admin_units.to_crs(crs) if inv.has("admin_units") else None
    in_park = (zoning._assign(centres, parks, "park_id") != "") if parks is not None else \
        np.zeros(len(centres), bool)
    pg = inv.population_grid
    pop = population_to_cells(fld.cells, pg["x_m"], pg["y_m"], pg["pop_persons"],
                              grid_resolution_m(pg), fld.resolution_m)
    cr = cell_risk(fld, pop, in_park)
    table = cr.table
    used_rules = zoning.rules() if level_rules is None else list(level_rules)
    table["level"] = zoning.classify(table["cancer_risk"], table["hi"], used_rules)
    table["level_code"] = table["level"].map({lv: i for i, lv in enumerate(zoning.LEVELS)})
    prog("attribution", 0, 1)
    at = attr.attribute(model, in_park)
    er = attr.enterprise_risk(model, pop, in_park)
    table = table.merge(at.cells, on="cell_id", how="left")
    cgdf = gpd.GeoDataFrame(table, geometry=cells_poly, crs=crs)
    prog("zoning", 0, 1)
    zones = zoning.dissolve_zones(cgdf)
    rec = (zoning.receptor_levels(points(inv.receptors, crs), cgdf) if inv.has("receptors")
           else _empty_points(crs))
    rec_arg = rec if len(rec) else None
    if admin is not None:
        admin_sum = zoning.summarise_areas(cgdf, admin, "admin_code", rec_arg,
                                           snap_m=fld.resolution_m)
        admin_sum = admin[[c for c in admin.columns if c not in admin_sum.columns
                           or c == "admin_code"]].merge(admin_sum, on="admin_code")
    else:
        admin_sum = pd.DataFrame(columns=["admin_code", "n_cells", "pop_persons"])
    if parks is not None:
        park_sum = zoning.summarise_areas(cgdf, parks, "park_id", rec_arg)
        park_sum = parks[[c for c in parks.columns if c not in park_sum.columns
                          or c == "park_id"]].merge(park_sum, on="park_id")
    else:
        park_sum = pd.DataFrame(columns=["park_id", "n_cells", "pop_persons"])
    ent_cols = [c for c in ("credit_code", "name_zh", "name_en", "park_id", "lon", "lat",
                            "x_m", "y_m") if c in inv.enterprises.columns]
    ent_tab = er.table.merge(inv.enterprises[ent_cols], on="credit_code", how="left")
    ent_tab = ent_tab[[*ent_cols, *[c for c in er.table.columns if c != "credit_code"]]]
    ds = to_dataset(fld, table, cr.cas, label=inv.label, synthetic=inv.synthetic)
    legend = blend_mod.legend_text(fld)
    name_col = "name_en" if "name_en" in ent_tab.columns else "credit_code"
    top_cols = ["credit_code", name_col, "max_cancer_risk_contribution", "max_hi_contribution",
                "attributable_cases_per_yr", "top_substance"]
    summary = population_summary(table)
    summary.update({
        "label": inv.label, "synthetic": bool(inv.synthetic), "basis": fld.basis,
        "legend": legend, "resolution_m": float(fld.resolution_m), "crs": crs,
        "inventory_year": year, "n_cells": int(len(table)), "n_sources": int(model.srm.shape[1]),
        "srm_nnz": int(model.srm.nnz), "substances_mapped": list(cr.cas),
        "cells_by_level": {lv: int((table["level"] == lv).sum()) for lv in zoning.LEVELS},
        "pop_by_level": {lv: float(table.loc[table["level"] == lv, "pop_persons"].sum())
                         for lv in zoning.LEVELS},
        "receptors_by_level": rec["level"].value_counts().to_dict() if len(rec) else {},
        "zoning_areas": {"admin_units": int(len(admin_sum)), "parks": int(len(park_sum)),
                         "receptors": int(len(rec)),
                         "missing": [n for n in ("admin_units", "parks", "receptors")
                                     if not inv.has(n)]},
        "top_enterprises": ent_tab.head(5)[top_cols].to_dict("records"),
        "zoning_rules": [{"metric": r.metric, "level": r.level, "lower": float(r.lower),
                          "upper": float(r.upper) if np.isfinite(r.upper) else None,
                          "source": r.source} for r in used_rules],
        "model": dict(model.meta),
        "blend": blend_info,
        "seconds": {"dispersion": round(t_disp, 2), "total": round(time.perf_counter() - t0, 2)},
    })
    stations = pd.DataFrame(blend_info.get("stations", [])) if blend_info.get("applied") else \
        pd.DataFrame(columns=["station_id", "cas", "observed_ug_m3", "modelled_ug_m3", "ratio",
                              "cell_id"])
    return RiskMapResult(ds, cgdf, zones, admin_sum, park_sum, rec, ent_tab, stations, er,
                         model, summary, inv.label, legend)


def _blend(inv: Inventory, model: ConcentrationField, method: str | None, radius_m: float
           ) -> tuple[ConcentrationField, dict]:
    """The blended field (or the model) and what was done, or why not."""
    if not method or method == "none":
        return model, {"applied": False, "reason": "blend disabled (blend = none)"}
    st = inv.stations_of_kind("voc")
    if not len(st):
        return model, {"applied": False, "reason": "the inventory has no VOC stations"}
    if not inv.has("voc_hourly"):
        return model, {"applied": False,
                       "reason": "the VOC stations have no observations (voc_hourly)"}
    yr = int(model.meta["inventory_year"])
    means, unknown = voc_station_means(st, inv.voc_hourly, yr)
    means = means[means["cas"].isin(model.cas)]
    if not len(means):
        return model, {"applied": False, "unknown_columns": unknown,
                       "reason": f"no VOC observation of {yr} is of a mapped substance"}
    try:
        fld = blend_mod.blend(model, means, method, radius_m)
    except ValueError as exc:
        return model, {"applied": False, "reason": f"blend not applied: {exc}"}
    return fld, {"applied": True, **fld.meta["blend"], "unknown_columns": unknown}
