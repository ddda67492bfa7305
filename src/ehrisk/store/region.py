"""A region read from the risk-source database (一库), shaped like :class:`ehrisk.demo.DemoRegion`
so that the risk map (:func:`ehrisk.mapping.run.run_risk_map`) and enterprise grading
(:mod:`ehrisk.grading`) run on a bureau's own data.

Coordinates are stored as lon/lat (WGS84); the metric CRS of the computation is the UTM zone of
the data's centre (WGS 84 / UTM, chosen with :func:`pyproj.database.query_utm_crs_info`) and is
put in ``meta["crs"]["metric_x_m_y_m"]`` (and ``meta["metric_crs"]``), which the risk map reads.

Emissions: where one source, substance, medium and year has rows from several bases, one basis
is kept, by :data:`BASIS_PRIORITY` (monitoring before permit before census before estimate), so
that nothing is counted twice. Stack ids are unique per enterprise in the store; where two
enterprises use the same id (``DA001``), the region's stack ids become ``<credit code>:<id>``.

Population: the grid cells are projected to the metric CRS. When their centres lie on a regular
grid of the stored cell size (within :data:`SNAP_TOLERANCE_FRACTION` of a cell), they are snapped
to it; otherwise (a grid defined in degrees, say) the population is summed onto a regular metric
grid of that cell size (total conserved), which the risk map needs.

Meteorology: an hourly CSV (:func:`ehrisk.dispersion.met.read_met_csv`) or, when the store has a
meteorological station (kind ``met``) with hourly observations of the parameters
:data:`ehrisk.store.importers.MET_PARAMETERS`, that station's series (the one with most hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info
from shapely import from_wkt
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehrisk import units
from ehrisk.store import exports, spatial
from ehrisk.store import models as m
from ehrisk.store.db import StoreError
from ehrisk.store.importers import MET_PARAMETERS

BASIS_PRIORITY = ("monitoring", "permit", "census", "estimate")
SNAP_TOLERANCE_FRACTION = 0.01   # centres within 1 % of a cell of a regular grid are snapped
ORIGIN_DECIMALS = 2              # grid origin rounded to the centimetre
VOC_COLUMNS = {"71-43-2": "benzene_ug_m3", "108-88-3": "toluene_ug_m3",
               "1330-20-7": "xylenes_ug_m3"}   # as ehrisk.mapping.run.DEMO_VOC_COLUMNS


@dataclass
class StoreRegion:
    """The tables of :class:`ehrisk.demo.DemoRegion` that the risk map and grading use,
    read from the database (lon/lat WGS84, x_m/y_m in ``meta["crs"]["metric_x_m_y_m"]``)."""

    meta: dict
    enterprises: pd.DataFrame
    stacks: pd.DataFrame
    emissions: pd.DataFrame
    storages: pd.DataFrame
    risk_management: pd.DataFrame
    water_outfalls: pd.DataFrame
    receptors: pd.DataFrame
    population_grid: pd.DataFrame
    parks: gpd.GeoDataFrame
    admin_units: gpd.GeoDataFrame
    meteorology: pd.DataFrame | None = None
    voc_stations: pd.DataFrame | None = None
    voc: pd.DataFrame | None = None
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)


def utm_crs(lon_deg: float, lat_deg: float) -> str:
    """The WGS 84 / UTM zone CRS (``"EPSG:326zz"`` north, ``"EPSG:327zz"`` south) containing
    the point (lon_deg, lat_deg) [deg]."""
    info = query_utm_crs_info(datum_name="WGS 84", area_of_interest=AreaOfInterest(
        lon_deg, lat_deg, lon_deg, lat_deg))
    if not info:
        raise StoreError(f"no UTM zone for lon {lon_deg}, lat {lat_deg}")
    zone = int((np.floor((lon_deg + 180.0) / 6.0) % 60) + 1)
    code = 32600 + zone if lat_deg >= 0 else 32700 + zone
    codes = {int(i.code) for i in info}
    return f"EPSG:{code if code in codes else sorted(codes)[0]}"


def _xy(tr: Transformer, df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    if len(df):
        x, y = tr.transform(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
        df["x_m"], df["y_m"] = np.asarray(x, float), np.asarray(y, float)
    else:
        df["x_m"], df["y_m"] = pd.Series(dtype=float), pd.Series(dtype=float)
    return df


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
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    g = _xy(tr, pop)
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
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(
        out["x_m"].to_numpy(), out["y_m"].to_numpy())
    out["lon"], out["lat"] = lon, lat
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
    best = e.groupby(keys)["_r"].transform("min")
    return e[e["_r"] == best].drop(columns="_r").reset_index(drop=True)


def _gdf(df: pd.DataFrame, cols: list[str]) -> gpd.GeoDataFrame:
    df = df[df["geom_wkt"].fillna("").astype(str) != ""]
    geom = [from_wkt(w) for w in df["geom_wkt"]]
    return gpd.GeoDataFrame(df[cols].reset_index(drop=True), geometry=geom, crs="EPSG:4326")


def met_from_store(session: Session) -> tuple[pd.DataFrame | None, str | None]:
    """Hourly meteorology of the met station with most hours of wind speed, as the columns of
    :func:`ehrisk.dispersion.met.read_met_csv` (times tz-aware UTC), and its station id; or
    ``(None, None)`` when the store has none."""
    q = (select(m.Station.station_id, m.Observation.parameter, m.Observation.time_utc,
                m.Observation.value)
         .join(m.Station, m.Station.id == m.Observation.station_id)
         .where(m.Station.kind == "met", m.Observation.parameter.in_(MET_PARAMETERS)))
    obs = pd.DataFrame(session.execute(q).all(),
                       columns=["station_id", "parameter", "time_utc", "value"])
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
                         "--met")
    w = w.dropna(subset=need)
    out = pd.DataFrame({"time": pd.DatetimeIndex(w.index).tz_localize("UTC")})
    for c in (*need, "ceiling_height_m", "mixing_height_m"):
        if c in w.columns:
            out[c] = w[c].to_numpy(float)
    if "ceiling_height_m" not in out.columns:
        out["ceiling_height_m"] = np.nan
    return out, sid


def _voc(session: Session, crs: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    st = pd.DataFrame(session.execute(select(m.Station.id, m.Station.station_id, m.Station.name,
                                             m.Station.name_en, m.Station.park_id,
                                             m.Station.lon, m.Station.lat)
                                      .where(m.Station.kind == "voc")).all(),
                      columns=["id", "station_id", "name_zh", "name_en", "park_id", "lon",
                               "lat"])
    if st.empty:
        return None, None
    q = (select(m.Station.station_id, m.Observation.parameter, m.Observation.time_utc,
                m.Observation.value)
         .join(m.Station, m.Station.id == m.Observation.station_id)
         .where(m.Station.kind == "voc", m.Observation.parameter.in_(list(VOC_COLUMNS))))
    obs = pd.DataFrame(session.execute(q).all(),
                       columns=["station_id", "parameter", "time", "value"])
    if obs.empty:
        return None, None
    wide = obs.pivot_table(index=["station_id", "time"], columns="parameter", values="value",
                           aggfunc="mean").rename(columns=VOC_COLUMNS).reset_index()
    for c in VOC_COLUMNS.values():
        if c not in wide.columns:
            wide[c] = np.nan
    wide["time"] = pd.DatetimeIndex(wide["time"]).tz_localize("UTC")
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    st = _xy(tr, st[st["station_id"].isin(set(wide["station_id"]))].drop(columns="id"))
    return st.reset_index(drop=True), wide


def _problems(session: Session, today: dt.date) -> pd.DataFrame:
    q = (select(m.Enterprise.credit_code, m.Problem.problem_id, m.Problem.status,
                m.Problem.deadline, m.Problem.finding)
         .join(m.Enterprise, m.Enterprise.id == m.Problem.enterprise_id))
    p = pd.DataFrame(session.execute(q).all(),
                     columns=["credit_code", "problem_id", "status", "deadline", "finding"])
    if len(p):
        late = p["status"].isin(["open", "in_progress"]) & p["deadline"].notna() & (
            p["deadline"].map(lambda d: d is not None and d < today))
        p.loc[late, "status"] = "overdue"
    return p


def region_from_store(session: Session, year: int | None = None, *, met: pd.DataFrame | None = None,
                      met_source: str | None = None, today: dt.date | None = None,
                      label: str | None = None) -> StoreRegion:
    """Read the database into a region-like object for the risk map and grading.

    Parameters
    ----------
    session : Session
    year : int, optional
        Inventory year of the emissions (default: the latest year with emissions to air).
    met : DataFrame, optional
        Hourly meteorology (columns of :func:`ehrisk.dispersion.met.read_met_csv`); default:
        the store's meteorological station (see :func:`met_from_store`), else None (the risk
        map then refuses to run; grading does not need it).
    met_source : str, optional
        Where ``met`` came from (recorded in ``meta``).
    today : date, optional
        Reference date for overdue problems (default: today, UTC): an open or in-progress
        problem past its deadline counts as overdue.
    label : str, optional
        Dataset label for outputs (default: "ehrisk risk-source database").

    Returns
    -------
    StoreRegion
    """
    ent = exports.table(session, "enterprises")
    if ent.empty:
        raise StoreError("the database has no enterprises; import them first (ehrisk import "
                         "enterprises ...)")
    pop = exports.table(session, "population")
    if pop.empty:
        raise StoreError("the database has no population grid; import it (ehrisk import "
                         "population ...)")
    located = ent.dropna(subset=["lon", "lat"])
    lons = np.concatenate([located["lon"].to_numpy(float), pop["lon"].to_numpy(float)])
    lats = np.concatenate([located["lat"].to_numpy(float), pop["lat"].to_numpy(float)])
    lon_c = float((lons.min() + lons.max()) / 2)
    lat_c = float((lats.min() + lats.max()) / 2)
    crs = utm_crs(lon_c, lat_c)
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    ent = _xy(tr, ent.rename(columns={"name": "name_zh"}))
    sizes = pop["cell_size_m"].dropna()
    if sizes.empty:
        raise StoreError("the population grid has no cell size (网格边长(m)); re-import it with "
                         "cell_size_m")
    grid = regular_population_grid(pop, crs, float(sizes.median()))
    stacks = _xy(tr, exports.table(session, "stacks").dropna(subset=["lon", "lat"]))
    dup = stacks["stack_id"].duplicated(keep=False).any()
    em = select_basis(exports.table(session, "emissions"))
    em["source_id"] = em["source_id"].fillna("").astype(str)
    is_air = em["medium"] == "air"
    if dup:
        stacks["stack_id"] = stacks["credit_code"] + ":" + stacks["stack_id"]
        em["stack_id"] = np.where(is_air & (em["source_id"] != ""),
                                  em["credit_code"] + ":" + em["source_id"], "")
    else:
        em["stack_id"] = np.where(is_air, em["source_id"], "")
    em["outfall_id"] = np.where(~is_air, em["source_id"], "")
    air_years = em.loc[is_air, "year"]
    if year is None:
        if air_years.empty:
            raise StoreError("the database has no emissions to air")
        year = int(air_years.max())
    if not (em["year"] == int(year)).any():
        raise StoreError(f"no emissions for {year} in the database (years: "
                         f"{', '.join(map(str, sorted(em['year'].unique())))})")
    em = em[em["year"] == int(year)].reset_index(drop=True)
    em["emission_g_s"] = units.t_yr_to_g_s(em["amount_t_yr"].to_numpy(float))
    em = em[["credit_code", "stack_id", "outfall_id", "cas", "medium", "amount_t_yr",
             "emission_g_s", "year", "basis"]]
    rm = exports.table(session, "risk_management")
    rec = exports.table(session, "receptors").rename(columns={"name": "name_zh"})
    parks = exports.table(session, "parks").rename(columns={"name": "name_zh"})
    admin = exports.table(session, "admin_units").rename(columns={"name": "name_zh",
                                                                  "population": "pop_persons"})
    if met is None:
        met, sid = met_from_store(session)
        met_source = f"database met station {sid}" if sid else None
    voc_st, voc = _voc(session, crs)
    meta = {"label": label or "ehrisk risk-source database",
            "source": "ehrisk risk-source database",
            "crs": {"lonlat": "EPSG:4326", "metric_x_m_y_m": crs}, "metric_crs": crs,
            "centre_lon_lat": [lon_c, lat_c], "inventory_year": int(year),
            "population_cell_size_m": float(sizes.median()), "met_source": met_source,
            "n_enterprises": int(len(ent))}
    return StoreRegion(
        meta=meta, enterprises=ent, stacks=stacks, emissions=em,
        storages=exports.table(session, "storages"), risk_management=rm,
        water_outfalls=exports.table(session, "outfalls"), receptors=rec,
        population_grid=grid,
        parks=_gdf(parks, ["park_id", "name_zh", "name_en", "kind", "admin_code"]),
        admin_units=_gdf(admin, ["admin_code", "name_zh", "name_en", "parent_code",
                                 "pop_persons"]),
        meteorology=met, voc_stations=voc_st, voc=voc,
        problems=_problems(session, today or m.utcnow().date()))


def air_sensitivity_from_store(session: Session, enterprises: pd.DataFrame,
                               radius_5km_m: float, radius_500m_m: float) -> pd.DataFrame:
    """Population within the HJ 941-2018 radii of each enterprise, answered by the database
    (:func:`ehrisk.store.spatial.population_within`: PostGIS ``ST_DWithin`` on geography, or
    geodesics on the WGS84 ellipsoid on SQLite; a cell counts when its centre is inside).

    Parameters
    ----------
    enterprises : DataFrame
        ``credit_code, lon, lat`` [deg].
    radius_5km_m, radius_500m_m : float
        Radii [m] (HJ 941-2018 表4, from the table ``hj941_2018_scores``).

    Returns
    -------
    DataFrame
        ``credit_code, pop_5km, pop_500m`` [persons].
    """
    rows = []
    for r in enterprises.itertuples():
        if pd.isna(r.lon) or pd.isna(r.lat):
            p5 = p05 = np.nan
        else:
            p5 = spatial.population_within(session, float(r.lon), float(r.lat), radius_5km_m)
            p05 = spatial.population_within(session, float(r.lon), float(r.lat),
                                            radius_500m_m)
        rows.append({"credit_code": r.credit_code, "pop_5km": p5, "pop_500m": p05})
    return pd.DataFrame(rows, columns=["credit_code", "pop_5km", "pop_500m"])


def hj941_inputs_from_store(session: Session, region: StoreRegion
                            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(storages, management, sensitivity)`` for
    :func:`ehrisk.grading.hj941_2018.grade_hj941_2018` from the database: closed enterprises
    left out; population sensitivity by the database's spatial query; water flags by
    :func:`ehrisk.grading.inputs.demo_water_flags` (drinking-water source within 10 km of a
    direct river outfall, an approximation documented in docs/grading.md).

    Enterprises without a risk-management row are graded with zero process sets and unknown
    measures (reported by the caller).
    """
    from ehrisk import units as u
    from ehrisk.grading.hj941_2018 import e_param
    from ehrisk.grading.inputs import demo_water_flags

    ent = region.enterprises
    ent = ent[ent["status"] != "closed"]
    mg = region.risk_management[region.risk_management["credit_code"].isin(
        ent["credit_code"])].copy()
    for c in ("n_hazardous_process_sets", "n_other_process_sets", "n_tank_farms",
              "n_phase_out_sets"):
        if c in mg.columns:
            mg[c] = pd.to_numeric(mg[c]).fillna(0).astype(int)
    if "process_units" in mg.columns:
        mg = mg.drop(columns="process_units")
    sens = air_sensitivity_from_store(session, ent, u.km_to_m(e_param("radius_5km_km")),
                                      u.km_to_m(e_param("radius_500m_km")))
    sens = sens.merge(demo_water_flags(ent, region.water_outfalls, region.receptors),
                      on="credit_code")
    sto = region.storages[region.storages["credit_code"].isin(ent["credit_code"])][
        ["credit_code", "cas", "max_quantity_t"]]
    return sto.reset_index(drop=True), mg.reset_index(drop=True), sens
