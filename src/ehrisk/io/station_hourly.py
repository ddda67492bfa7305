"""Hourly station observations in ehrisk's own table format (for forecasts).

One row per station and hour: ``station, time`` (local time), the six pollutants
(``pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3, co_mg_m3, o3_ug_m3``) and the meteorology
the forecast uses (``temp_c, pres_hpa, dewp_c`` - or ``rh_pct``, turned into a dew point -,
``rain_mm, wspm_m_s, wd_deg``). CSV (UTF-8/GBK) or XLSX; Chinese headers accepted. Blank cells
are missing values (the forecast's daily rules handle them); out-of-range values are refused
with file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ehrisk.errors import InputError
from ehrisk.io.tables import Column, Schema, read_table
from ehrisk.units import dewpoint_c_from_rh


def _num(name, aliases, lo, hi, required=True):
    return Column(name, "float", required=required, aliases=aliases, min_value=lo,
                  max_value=hi, allow_blank=True)


SCHEMA = Schema([
    Column("station", "str", aliases=("station_id", "站点", "站点编码", "监测点")),
    Column("time", "str", aliases=("datetime", "时间", "监测时间")),
    _num("pm25_ug_m3", ("pm2.5", "pm25", "PM2.5"), 0, 5000),
    _num("pm10_ug_m3", ("pm10",), 0, 5000),
    _num("so2_ug_m3", ("so2",), 0, 5000),
    _num("no2_ug_m3", ("no2",), 0, 5000),
    _num("co_mg_m3", ("co",), 0, 100),
    _num("o3_ug_m3", ("o3",), 0, 5000),
    _num("temp_c", ("temp", "气温"), -60, 60),
    _num("pres_hpa", ("pressure_hpa", "pres", "气压"), 800, 1100),
    _num("dewp_c", ("dewpoint_c", "露点"), -80, 50, required=False),
    _num("rh_pct", ("rh", "相对湿度"), 0, 100, required=False),
    _num("rain_mm", ("precip_mm", "降水"), 0, 500),
    _num("wspm_m_s", ("wind_speed_m_s", "风速"), 0, 80),
    _num("wd_deg", ("wind_dir_deg", "风向"), 0, 360),
], name="hourly station observations")

COLUMNS = ("station", "time", "pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3",
           "co_mg_m3", "o3_ug_m3", "temp_c", "pres_hpa", "dewp_c", "rain_mm", "wspm_m_s",
           "wd_deg")


def _finish(df: pd.DataFrame, fname: str) -> pd.DataFrame:
    if "dewp_c" not in df.columns or df["dewp_c"].isna().all():
        if "rh_pct" not in df.columns:
            raise InputError.single(fname, "give a dew point (dewp_c) or a relative humidity "
                                    "(rh_pct) column", column="dewp_c")
        df["dewp_c"] = dewpoint_c_from_rh(df["temp_c"], df["rh_pct"])
    t = pd.to_datetime(df["time"].astype(str).str.slice(0, 19), errors="coerce")
    bad = t.isna()
    if bad.any():
        rows = [int(i) + 2 for i in df.index[bad][:10]]
        raise InputError.single(fname, f"unreadable time in rows {rows} (expected e.g. "
                                "2025-01-31 13:00)", column="time")
    df["time"] = t
    return df[list(COLUMNS)].sort_values(["station", "time"]).reset_index(drop=True)


def read_station_hourly(path: str | Path) -> pd.DataFrame:
    """Read one table of hourly station observations (see the module docstring)."""
    df = read_table(path, SCHEMA)
    return _finish(df, str(path))


def from_region(region) -> pd.DataFrame:
    """The same table from a region-like object with ``air_quality`` (station_id, time,
    pollutants) and one met station's ``meteorology`` (``temp_c, pressure_hpa, rh_pct,
    precip_mm, wind_speed_m_s, wind_dir_deg``), e.g. :class:`ehrisk.demo.DemoRegion`."""
    met = region.meteorology
    m = pd.DataFrame({"time": met["time"].astype(str), "temp_c": met["temp_c"],
                      "pres_hpa": met["pressure_hpa"], "rh_pct": met["rh_pct"],
                      "rain_mm": met["precip_mm"], "wspm_m_s": met["wind_speed_m_s"],
                      "wd_deg": met["wind_dir_deg"]})
    aq = region.air_quality.rename(columns={"station_id": "station"}).copy()
    aq["time"] = aq["time"].astype(str)
    df = aq.merge(m, on="time", how="left")
    df["dewp_c"] = float("nan")
    return _finish(df, "region")
