"""Load the synthetic demo region (:func:`ehrisk.demo.generate`) into the database.

Every table goes through the same validation and upsert as a user's file
(:func:`ehrisk.store.importers.import_frame`), so loading twice changes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from ehrisk.store.importers import import_frame

# demo column -> parameter (CAS or pseudo-id) and unit, as the demo's column names state them
AQ_PARAMETERS = {"pm25_ug_m3": ("X-PM2.5", "ug/m3"), "pm10_ug_m3": ("X-PM10", "ug/m3"),
                 "so2_ug_m3": ("7446-09-5", "ug/m3"), "no2_ug_m3": ("10102-44-0", "ug/m3"),
                 "co_mg_m3": ("630-08-0", "mg/m3"), "o3_ug_m3": ("10028-15-6", "ug/m3")}
VOC_PARAMETERS = {"benzene_ug_m3": ("71-43-2", "ug/m3"), "toluene_ug_m3": ("108-88-3", "ug/m3"),
                  "xylenes_ug_m3": ("1330-20-7", "ug/m3")}
DEMO_REASON = "demo region (synthetic data) loaded by ehrisk db load-demo"


def _wkt(gdf) -> list[str]:
    return [g.wkt for g in gdf.geometry]


def _cell_size_m(grid: pd.DataFrame) -> float:
    xs = np.unique(grid["x_m"].to_numpy())
    return float(np.min(np.diff(xs))) if len(xs) > 1 else float("nan")


def _observations(region, mode: str) -> pd.DataFrame:
    frames = []
    for table, params in ((region.air_quality, AQ_PARAMETERS), (region.voc, VOC_PARAMETERS)):
        long = table.melt(id_vars=["station_id", "time"], value_vars=list(params),
                          var_name="col", value_name="value").dropna(subset=["value"])
        if mode == "daily":
            long["time"] = long["time"].dt.floor("D")
            long = long.groupby(["station_id", "col", "time"], as_index=False)["value"].mean()
        long["parameter"] = long["col"].map(lambda c, p=params: p[c][0])
        long["unit"] = long["col"].map(lambda c, p=params: p[c][1])
        long["time_utc"] = long["time"].map(lambda t: t.isoformat())
        frames.append(long[["station_id", "parameter", "time_utc", "value", "unit"]])
    return pd.concat(frames, ignore_index=True)


def load_demo(session: Session, region, *, observations: str = "daily",
              user: str | None = None) -> list[dict]:
    """Map the demo region's tables into the store, in the caller's transaction.

    Parameters
    ----------
    session : Session
        Open session (one transaction).
    region : ehrisk.demo.DemoRegion
        From :func:`ehrisk.demo.generate`.
    observations : {"daily", "hourly", "none"}
        Monitoring series to load: 24-hour means of the hourly demo series (local days,
        about 45 000 values), every hourly value (about a million; slow), or none.
    user : str or None
        Recorded in the change log (default: the login name).

    Returns
    -------
    list of dict
        One import summary per table.
    """
    if observations not in ("daily", "hourly", "none"):
        raise ValueError(f"observations must be daily, hourly or none, not {observations!r}")
    r = region
    out = []

    def imp(kind, frame):
        out.append(import_frame(session, kind, frame, name=f"demo:{kind}", user=user,
                                reason=DEMO_REASON))

    au = r.admin_units
    imp("admin_units", pd.DataFrame({
        "admin_code": au["admin_code"], "name": au["name_zh"], "name_en": au["name_en"],
        "parent_code": au["district_code"], "population": au["pop_persons"],
        "geom_wkt": _wkt(au)}))
    pk = r.parks
    imp("parks", pd.DataFrame({"park_id": pk["park_id"], "name": pk["name_zh"],
                               "name_en": pk["name_en"], "kind": pk["kind"],
                               "admin_code": pk["admin_code"], "geom_wkt": _wkt(pk)}))
    e = r.enterprises
    imp("enterprises", e[["credit_code", "name_zh", "name_en", "industry_code", "industry_name",
                          "park_id", "address", "admin_code", "lon", "lat", "permit_no",
                          "permit_class", "status", "employees", "contact"]]
        .rename(columns={"name_zh": "name"}))
    imp("stacks", r.stacks[["credit_code", "stack_id", "height_m", "diameter_m",
                            "exit_velocity_m_s", "exit_temp_k", "lon", "lat"]])
    imp("outfalls", r.water_outfalls[["credit_code", "outfall_id", "discharge_type",
                                      "receiving_water", "lon", "lat"]])
    em = r.emissions
    src = np.where(em["stack_id"].fillna("") != "", em["stack_id"].fillna(""),
                   em["outfall_id"].fillna(""))
    imp("emissions", pd.DataFrame({
        "credit_code": em["credit_code"], "source_id": src, "cas": em["cas"],
        "medium": em["medium"], "year": em["year"], "basis": em["basis"],
        "amount_as_given": em["amount_t_yr"], "unit_as_given": "t/a"}))
    imp("storages", r.storages[["credit_code", "cas", "substance_name", "max_quantity_t",
                                "storage_form", "process_units"]])
    rm = r.risk_management.copy()
    imp("risk_management", rm[["credit_code", *[c for c in rm.columns if c != "credit_code"]]])
    rc = r.receptors.copy()
    # a drinking-water source has two nested protection zones: store their union
    areas = {rid: g.union_all().wkt for rid, g in
             r.receptor_areas.geometry.groupby(r.receptor_areas["receptor_id"])}
    rc["geom_wkt"] = rc["receptor_id"].map(areas).fillna("")
    imp("receptors", rc[["receptor_id", "type", "name_zh", "name_en", "admin_code", "lon",
                        "lat", "population", "population_kind", "geom_wkt"]]
        .rename(columns={"name_zh": "name"}))
    g = r.population_grid
    imp("population", pd.DataFrame({"cell_id": g["cell_id"], "lon": g["lon"], "lat": g["lat"],
                                    "pop_persons": g["pop_persons"],
                                    "cell_size_m": _cell_size_m(g),
                                    "admin_code": g["admin_code"]}))
    st = pd.concat([
        r.met_stations.assign(kind="met", park_id=""),
        r.aq_stations.assign(kind="air", park_id=""),
        r.voc_stations.assign(kind="voc"),
    ], ignore_index=True)
    imp("stations", st[["station_id", "kind", "name_zh", "name_en", "park_id", "lon", "lat"]]
        .rename(columns={"name_zh": "name"}))
    if observations != "none":
        imp("observations", _observations(r, observations))
    return out
