"""The demo region as an :class:`ehrisk.inventory.Inventory` (the one type every step reads).

The generator (:func:`ehrisk.demo.generate`) makes the raw tables that ``ehrisk demo`` writes;
this module maps them onto the inventory's tables once, so that no step has to know it runs on
the demo.
"""

from __future__ import annotations

import pandas as pd

from ehrisk import units
from ehrisk.demo import DemoRegion, generate
from ehrisk.demo._common import METRIC_CRS
from ehrisk.geo import metric_crs_for
from ehrisk.inventory import Inventory, add_xy

AIR_MET = {"temp_c": "temp_c", "pressure_hpa": "pres_hpa", "rh_pct": "rh_pct",
           "precip_mm": "rain_mm", "wind_speed_m_s": "wspm_m_s", "wind_dir_deg": "wd_deg"}
"""Demo meteorology column -> column of the canonical hourly station table."""

DISPERSION_MET = ["time", "wind_dir_deg", "wind_speed_m_s", "temp_k", "cloud_cover_tenths",
                  "ceiling_height_m", "mixing_height_m"]


def _air_hourly(region: DemoRegion) -> pd.DataFrame:
    met = region.meteorology[["time", *AIR_MET]].rename(columns=AIR_MET)
    met["dewp_c"] = units.dewpoint_c_from_rh(met["temp_c"], met["rh_pct"])
    from ehrisk.io.station_hourly import station_table_from_frame

    return station_table_from_frame(region.air_quality.merge(met, on="time", how="left"),
                                    source="demo")


def _health_daily(region: DemoRegion) -> pd.DataFrame:
    met = region.meteorology
    rh = met.groupby(pd.to_datetime(met["time"]).dt.tz_localize(None).dt.normalize())[
        "rh_pct"].mean()
    h = region.health
    dates = pd.to_datetime(h["date"])
    return pd.DataFrame({"date": dates, "death": h["deaths_nonaccidental"],
                         "cvd": h["deaths_cardiovascular"], "resp": h["deaths_respiratory"],
                         "temp_c": h["temp_mean_c"],
                         "rh_pct": dates.map(rh).round(2).to_numpy(),
                         "pm25_ug_m3": h["pm25_ug_m3"]})


def _stations(region: DemoRegion) -> pd.DataFrame:
    aq = region.aq_stations.assign(kind="air_quality")
    voc = region.voc_stations.assign(kind="voc")
    met = region.met_stations.assign(kind="met")
    cols = ["station_id", "name_zh", "name_en", "kind", "lon", "lat"]
    st = pd.concat([aq[cols], voc[[*cols, "park_id"]], met[cols]], ignore_index=True)
    return st


def to_inventory(region: DemoRegion) -> Inventory:
    """Map a generated demo region onto the inventory (synthetic; the latest emission year is
    the inventory year)."""
    crs = metric_crs_for(region.population_grid["lon"], region.population_grid["lat"])
    if crs != METRIC_CRS:  # pragma: no cover - the demo's coast lies in UTM 51N
        raise ValueError(f"demo region projected in {METRIC_CRS}, data suggest {crs}")
    meta = dict(region.meta)
    return Inventory(
        name_zh=meta["name_zh"], name_en=meta["name_en"], source="demo", metric_crs=crs,
        synthetic=True, year=int(region.emissions["year"].max()), timezone=meta["time"][
            "timezone"], meta=meta,
        enterprises=region.enterprises, stacks=region.stacks, emissions=region.emissions,
        storages=region.storages, risk_management=region.risk_management,
        outfalls=region.water_outfalls, receptors=add_xy(region.receptors, crs),
        parks=region.parks, admin_units=region.admin_units,
        population_grid=region.population_grid,
        meteorology=region.meteorology[DISPERSION_MET].copy(),
        stations=add_xy(_stations(region), crs), air_hourly=_air_hourly(region),
        voc_hourly=region.voc, health_daily=_health_daily(region)).validate()


def inventory(seed: int | None = None) -> Inventory:
    """Generate the demo region with ``seed`` (default :data:`ehrisk.demo.DEFAULT_SEED`) and
    return it as an inventory."""
    from ehrisk.demo import DEFAULT_SEED

    return to_inventory(generate(DEFAULT_SEED if seed is None else seed))
