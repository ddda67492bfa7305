"""The risk-source database (一库) read into the one :class:`ehrisk.inventory.Inventory`.

Coordinates are stored as lon/lat (WGS84); the metric CRS of the computation is the UTM zone
estimated for the data (:func:`ehrisk.geo.metric_crs_for`).

Emissions: where one source, substance, medium and year has rows from several bases, one basis
is kept, by :data:`BASIS_PRIORITY` (monitoring before permit before census before estimate), so
that nothing is counted twice. Stack ids are unique per enterprise in the store; where two
enterprises use the same id (``DA001``), the inventory's stack ids become
``<credit code>:<id>``. The inventory year is explicit (default: the latest year with emissions
to air); enterprises that have emissions in other years but none in the inventory year are
named in :attr:`Inventory.warnings`.

Population: the grid cells are projected to the metric CRS. When their centres lie on a regular
grid of the stored cell size (within :data:`SNAP_TOLERANCE_FRACTION` of a cell), they are snapped
to it; otherwise (a grid defined in degrees, say) the population is summed onto a regular metric
grid of that cell size (total conserved), which the risk map needs.

Monitoring: air-quality stations (kind ``air``) with hourly observations of the six HJ 633
pollutants become the hourly station table ``air_hourly`` (local time, ``Inventory.timezone``);
VOC stations (kind ``voc``) the fence-line table ``voc_hourly``; a meteorological station (kind
``met``) with hourly observations of :data:`ehrisk.store.importers.MET_PARAMETERS` the
dispersion meteorology (the one with most hours), unless meteorology is given.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import from_wkt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehrisk import units
from ehrisk.geo import metric_crs_for, to_lonlat, to_metric
from ehrisk.inventory import VOC_COLUMNS, Inventory, add_xy
from ehrisk.store import exports
from ehrisk.store import models as m
from ehrisk.store.db import StoreError
from ehrisk.store.importers import MET_PARAMETERS

BASIS_PRIORITY = ("monitoring", "permit", "census", "estimate")
SNAP_TOLERANCE_FRACTION = 0.01   # centres within 1 % of a cell of a regular grid are snapped
ORIGIN_DECIMALS = 2              # grid origin rounded to the centimetre
AIR_PARAMETERS = {"X-PM2.5": "pm25_ug_m3", "X-PM10": "pm10_ug_m3", "7446-09-5": "so2_ug_m3",
                  "10102-44-0": "no2_ug_m3", "630-08-0": "co_mg_m3",
                  "10028-15-6": "o3_ug_m3"}
"""Observation parameter (CAS or pseudo-id, stored in ug/m3) -> hourly station table column."""
AIR_MET_PARAMETERS = {"temp_c": "temp_c", "pressure_hpa": "pres_hpa", "rh_pct": "rh_pct",
                      "precip_mm": "rain_mm", "wind_speed_m_s": "wspm_m_s",
                      "wind_dir_deg": "wd_deg"}
"""Meteorological observation parameter -> hourly station table column (when an air-quality
station also reports weather, or from the met station)."""
STATION_KINDS = {"air": "air_quality", "voc": "voc", "met": "met", "water": "water",
                 "soil": "soil"}


def regular_population_grid(pop: pd.DataFrame, crs: str, cell_size_m: float) -> pd.DataFrame:
    """Population cells on a regular grid of the metric CRS.

    Parameters
    ----------
    pop : DataFrame
        ``cell_id, lon, lat, pop_persons, admin_code`` (cell centres [deg], persons).
    crs : str
        Metric CRS.
    cell_size_m : float
        Cell size [m].

    Returns
    -------
    DataFrame
        ``cell_id, lon, lat, x_m, y_m, pop_persons, admin_code``; the centres snapped to the
        grid, or the population summed onto it (total conserved) when the input is not a
        regular metric grid.
    """
    g = add_xy(pop, crs)
    x, y = g["x_m"].to_numpy(), g["y_m"].to_numpy()
    step = float(cell_size_m)
    kx0 = np.rint((x - x.min()) / step)
    ky0 = np.rint((y - y.min()) / step)
    x0 = round(float(np.median(x - kx0 * step)), ORIGIN_DECIMALS)
    y0 = round(float(np.median(y - ky0 * step)), ORIGIN_DECIMALS)
    kx = np.rint((x - x0) / step)
    ky = np.rint((y - y0) / step)
    resid = max(np.abs(x - (x0 + kx * step)).max(), np.abs(y - (y0 + ky * step)).max())
    if resid <= SNAP_TOLERANCE_FRACTION * step and not pd.Series(
            list(zip(kx, ky, strict=True))).duplicated().any():
        g["x_m"] = x0 + kx * step
        g["y_m"] = y0 + ky * step
        return g[["cell_id", "lon", "lat", "x_m", "y_m", "pop_persons", "admin_code"]]
    agg = pd.DataFrame({"kx": kx.astype(np.int64), "ky": ky.astype(np.int64),
                        "pop_persons": g["pop_persons"].to_numpy(float),
                        "admin_code": g["admin_code"]})
    out = agg.groupby(["ky", "kx"], as_index=False).agg(pop_persons=("pop_persons", "sum"),
                                                        admin_code=("admin_code", "first"))
    out["x_m"] = x0 + out["kx"] * step
    out["y_m"] = y0 + out["ky"] * step
    out["lon"], out["lat"] = to_lonlat(out["x_m"].to_numpy(), out["y_m"].to_numpy(), crs)
    out["cell_id"] = [f"R{a}C{b}" for a, b in zip(out["ky"], out["kx"], strict=True)]
    return out[["cell_id", "lon", "lat", "x_m", "y_m", "pop_persons", "admin_code"]]


def select_basis(emissions: pd.DataFrame, priority=BASIS_PRIORITY) -> pd.DataFrame:
    """One basis per (enterprise, source, substance, medium, year): the first of
    ``priority`` present (so that a permit value and a monitored value are not added)."""
    if emissions.empty:
        return emissions
    rank = {b: i for i, b in enumerate(priority)}
    e = emissions.assign(_r=emissions["basis"].map(rank).fillna(len(priority)))
    keys = ["credit_code", "source_id", "cas", "medium", "year"]
    best = e.groupby(keys, dropna=False)["_r"].transform("min")
    return e[e["_r"] == best].drop(columns="_r").reset_index(drop=True)


def _gdf(df: pd.DataFrame, cols: list[str]) -> gpd.GeoDataFrame | None:
    if df.empty:
        return None
    df = df[df["geom_wkt"].fillna("").astype(str) != ""]
    geom = [from_wkt(w) for w in df["geom_wkt"]]
    return gpd.GeoDataFrame(df[[c for c in cols if c in df.columns]].reset_index(drop=True),
                            geometry=geom, crs="EPSG:4326")


def _observations(session: Session, kind: str, parameters) -> pd.DataFrame:
    q = (select(m.Station.station_id, m.Observation.parameter, m.Observation.time_utc,
                m.Observation.value)
         .join(m.Station, m.Station.id == m.Observation.station_id)
         .where(m.Station.kind == kind, m.Observation.parameter.in_(list(parameters))))
    return pd.DataFrame(session.execute(q).all(),
                        columns=["station_id", "parameter", "time_utc", "value"])


def _local(times, tz: str) -> pd.Series:
    """Stored UTC times -> naive local times of ``tz``."""
    t = pd.DatetimeIndex(pd.to_datetime(times))
    if t.tz is None:
        t = t.tz_localize("UTC")
    return pd.Series(t.tz_convert(tz).tz_localize(None))


def met_from_store(session: Session) -> tuple[pd.DataFrame | None, str | None]:
    """Hourly meteorology of the met station with most hours of wind speed, as the columns of
    :func:`ehrisk.dispersion.met.read_met_csv` (times tz-aware UTC), and its station id; or
    ``(None, None)`` when the store has none."""
    obs = _observations(session, "met", MET_PARAMETERS)
    if obs.empty:
        return None, None
    ws = obs[obs["parameter"] == "wind_speed_m_s"]["station_id"].value_counts()
    if ws.empty:
        return None, None
    sid = str(ws.index[0])
    w = obs[obs["station_id"] == sid].pivot_table(index="time_utc", columns="parameter",
                                                  values="value", aggfunc="mean")
    if "temp_k" not in w.columns and "temp_c" in w.columns:
        w["temp_k"] = units.c_to_k(w["temp_c"].to_numpy(float))
    need = ["wind_dir_deg", "wind_speed_m_s", "temp_k", "cloud_cover_tenths"]
    missing = [c for c in need if c not in w.columns]
    if missing:
        raise StoreError(f"met station {sid} lacks {', '.join(missing)}; import them or give "
                         "the meteorology as a file")
    w = w.dropna(subset=need)
    out = pd.DataFrame({"time": pd.DatetimeIndex(w.index).tz_localize("UTC")})
    for c in (*need, "ceiling_height_m", "mixing_height_m"):
        if c in w.columns:
            out[c] = w[c].to_numpy(float)
    if "ceiling_height_m" not in out.columns:
        out["ceiling_height_m"] = np.nan
    return out, sid


def _air_hourly(session: Session, tz: str) -> pd.DataFrame | None:
    """The hourly station table of the air-quality stations (local times)."""
    obs = _observations(session, "air", [*AIR_PARAMETERS, *AIR_MET_PARAMETERS])
    if obs.empty or not obs["parameter"].isin(list(AIR_PARAMETERS)).any():
        return None
    wide = obs.pivot_table(index=["station_id", "time_utc"], columns="parameter",
                           values="value", aggfunc="mean").reset_index()
    wide = wide.rename(columns={**AIR_PARAMETERS, **AIR_MET_PARAMETERS})
    if "co_mg_m3" in wide.columns:  # stored as ug/m3 like every air concentration
        wide["co_mg_m3"] = units.ug_m3_to_mg_m3(wide["co_mg_m3"].to_numpy(float))
    out = pd.DataFrame({"station_id": wide["station_id"].astype(str),
                        "time": _local(wide["time_utc"], tz)})
    for c in (*AIR_PARAMETERS.values(), *AIR_MET_PARAMETERS.values()):
        if c in wide.columns:
            out[c] = wide[c].to_numpy(float)
        elif c in AIR_PARAMETERS.values():
            out[c] = np.nan
    from ehrisk.io.station_hourly import station_table_from_frame

    return station_table_from_frame(out.sort_values(["station_id", "time"]).reset_index(
        drop=True), source="database observations")


def _voc_hourly(session: Session, tz: str) -> pd.DataFrame | None:
    obs = _observations(session, "voc", VOC_COLUMNS)
    if obs.empty:
        return None
    wide = obs.pivot_table(index=["station_id", "time_utc"], columns="parameter",
                           values="value", aggfunc="mean").rename(
        columns=VOC_COLUMNS).reset_index()
    for c in VOC_COLUMNS.values():
        if c not in wide.columns:
            wide[c] = np.nan
    wide["time"] = _local(wide.pop("time_utc"), tz).to_numpy()
    return wide[["station_id", "time", *VOC_COLUMNS.values()]]


def _problems(session: Session, today: dt.date) -> pd.DataFrame | None:
    q = (select(m.Enterprise.credit_code, m.Problem.problem_id, m.Problem.status,
                m.Problem.deadline, m.Problem.finding)
         .join(m.Enterprise, m.Enterprise.id == m.Problem.enterprise_id))
    p = pd.DataFrame(session.execute(q).all(),
                     columns=["credit_code", "problem_id", "status", "deadline", "finding"])
    if p.empty:
        return None
    late = p["status"].isin(["open", "in_progress"]) & p["deadline"].notna() & (
        p["deadline"].map(lambda d: d is not None and d < today))
    p.loc[late, "status"] = "overdue"
    return p


def _emissions(session: Session, stacks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    dup = stacks["stack_id"].duplicated(keep=False).any()
    em = select_basis(exports.table(session, "emissions"))
    em["source_id"] = em["source_id"].fillna("").astype(str)
    is_air = em["medium"] == "air"
    if dup:
        stacks = stacks.assign(stack_id=stacks["credit_code"] + ":" + stacks["stack_id"])
        em["stack_id"] = np.where(is_air & (em["source_id"] != ""),
                                  em["credit_code"] + ":" + em["source_id"], "")
    else:
        em["stack_id"] = np.where(is_air, em["source_id"], "")
    em["outfall_id"] = np.where(~is_air, em["source_id"], "")
    em["emission_g_s"] = units.t_yr_to_g_s(em["amount_t_yr"].to_numpy(float))
    em = em[["credit_code", "stack_id", "outfall_id", "cas", "medium", "amount_t_yr",
             "emission_g_s", "year", "basis"]]
    return em, stacks


def inventory_from_store(session: Session, year: int | None = None, *,
                         met: pd.DataFrame | None = None, met_source: str | None = None,
                         today: dt.date | None = None, name_zh: str | None = None,
                         name_en: str | None = None, timezone: str = "Asia/Shanghai"
                         ) -> Inventory:
    """Read the database into an :class:`~ehrisk.inventory.Inventory`.

    Parameters
    ----------
    session : Session
    year : int, optional
        Inventory year (default: the latest year with emissions to air, else any emissions).
    met : DataFrame, optional
        Hourly meteorology (columns of :func:`ehrisk.dispersion.met.read_met_csv`); default:
        the store's meteorological station (see :func:`met_from_store`), else none (the risk
        map then reports it did not run).
    met_source : str, optional
        Where ``met`` came from (recorded in ``meta``).
    today : date, optional
        Reference date for overdue problems (default: today, UTC).
    name_zh, name_en : str, optional
        Region name (default: the top admin unit's name, else "风险源数据库").
    timezone : str
        Time zone of the local times of the hourly tables.

    Returns
    -------
    Inventory
    """
    ent = exports.table(session, "enterprises")
    if ent.empty:
        raise StoreError("the database has no enterprises; import them first (ehrisk import "
                         "enterprises ...)")
    pop = exports.table(session, "population")
    located = ent.dropna(subset=["lon", "lat"])
    lons = np.concatenate([located["lon"].to_numpy(float), pop["lon"].to_numpy(float)])
    lats = np.concatenate([located["lat"].to_numpy(float), pop["lat"].to_numpy(float)])
    crs = metric_crs_for(lons, lats)
    ent = add_xy(ent.rename(columns={"name": "name_zh"}), crs)
    grid = None
    if not pop.empty:
        sizes = pop["cell_size_m"].dropna()
        if sizes.empty:
            raise StoreError("the population grid has no cell size (网格边长(m)); re-import it "
                             "with cell_size_m")
        grid = regular_population_grid(pop, crs, float(sizes.median()))
    stacks = add_xy(exports.table(session, "stacks").dropna(subset=["lon", "lat"]), crs)
    em, stacks = _emissions(session, stacks)
    warnings: list[str] = []
    if em.empty:
        em_year = None
    else:
        air_years = em.loc[em["medium"] == "air", "year"]
        years = air_years if len(air_years) else em["year"]
        em_year = int(years.max()) if year is None else int(year)
        if not (em["year"] == em_year).any():
            raise StoreError(f"no emissions for {em_year} in the database (years: "
                             f"{', '.join(map(str, sorted(em['year'].unique())))})")
        have = set(em.loc[em["year"] == em_year, "credit_code"])
        left = sorted(set(em["credit_code"]) - have)
        if left:
            names = ent.set_index("credit_code")["name_zh"].reindex(left).fillna("")
            warnings.append(
                f"{len(left)} enterprise(s) have emissions in other years but none in "
                f"{em_year} and are left out of the inventory year: "
                + ", ".join(f"{c} {n}".strip() for c, n in names.items()))
    if met is None:
        met, sid = met_from_store(session)
        met_source = f"database met station {sid}" if sid else None
    stations = exports.table(session, "stations").rename(columns={"name": "name_zh"})
    if not stations.empty:
        stations["kind"] = stations["kind"].map(STATION_KINDS).fillna(stations["kind"])
        stations = add_xy(stations, crs)
    admin = _gdf(exports.table(session, "admin_units").rename(
        columns={"name": "name_zh", "population": "pop_persons"}),
        ["admin_code", "name_zh", "name_en", "parent_code", "pop_persons"])
    if name_zh is None and admin is not None and len(admin):
        top = admin[admin["parent_code"].isna() | (admin["parent_code"].astype(str) == "")]
        name_zh = str(top["name_zh"].iloc[0]) if len(top) == 1 else None
    meta = {"label": "ehrisk risk-source database" if name_zh is None else
            f"{name_zh} / ehrisk risk-source database",
            "source": "ehrisk risk-source database", "met_source": met_source,
            "population_cell_size_m": None if grid is None else float(
                exports.table(session, "population")["cell_size_m"].median())}
    rec = exports.table(session, "receptors").rename(columns={"name": "name_zh"})
    inv = Inventory(
        name_zh=name_zh or "风险源数据库", name_en=name_en or "risk-source database",
        source="database", metric_crs=crs, synthetic=False, year=em_year, timezone=timezone,
        meta=meta, warnings=warnings, enterprises=ent, stacks=stacks,
        emissions=None if em.empty else em,
        storages=_none_if_empty(exports.table(session, "storages")),
        risk_management=_none_if_empty(exports.table(session, "risk_management")),
        outfalls=_none_if_empty(exports.table(session, "outfalls")),
        receptors=None if rec.empty else add_xy(rec, crs),
        parks=_gdf(exports.table(session, "parks").rename(columns={"name": "name_zh"}),
                   ["park_id", "name_zh", "name_en", "kind", "admin_code"]),
        admin_units=admin, population_grid=grid, meteorology=met,
        stations=None if stations.empty else stations,
        air_hourly=_air_hourly(session, timezone), voc_hourly=_voc_hourly(session, timezone),
        problems=_problems(session, today or m.utcnow().date()))
    return inv.validate()


def _none_if_empty(df: pd.DataFrame) -> pd.DataFrame | None:
    return None if df.empty else df


__all__ = ["BASIS_PRIORITY", "inventory_from_store", "met_from_store",
           "regular_population_grid", "select_basis", "to_metric"]
