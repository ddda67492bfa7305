"""Meteorology for the Gaussian plume: solar elevation, Turner stability classes, calm flags,
the STAR joint frequency table, and readers for a simple CSV and the demo region's series.

Hourly frame columns (units in names): ``time`` (local, tz-aware or naive local),
``wind_dir_deg`` (from, clockwise from north), ``wind_speed_m_s``, ``temp_k``,
``cloud_cover_tenths`` (0-10), ``ceiling_height_m`` (NaN = no ceiling), optional
``mixing_height_m``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.dispersion.coefficients import STABILITY_CLASSES, rows, value
from ehrisk.io.tables import Column, Schema, parse_frame, read_raw


def solar_elevation_deg(time_utc, lat_deg, lon_deg):
    """Solar elevation angle [deg] from the Spencer (1971) declination and equation of time.

    Parameters
    ----------
    time_utc : array_like of datetime64 or DatetimeIndex
        Times in UTC.
    lat_deg, lon_deg : float
        Latitude and longitude [deg] (east positive).

    References
    ----------
    Spencer J.W. 1971, Search 2(5):172 (coefficients: group ``solar_spencer_1971``); hour angle
    from true solar time, elevation = asin(sin phi sin delta + cos phi cos delta cos omega).
    """
    t = pd.DatetimeIndex(time_utc)
    if t.tz is not None:
        t = t.tz_convert("UTC").tz_localize(None)
    doy = t.dayofyear.to_numpy(float)
    hour = (t.hour.to_numpy(float) + t.minute.to_numpy(float) / 60.0
            + t.second.to_numpy(float) / 3600.0)
    g = 2.0 * np.pi * (doy - 1.0 + (hour - 12.0) / 24.0) / 365.0
    df = rows("solar_spencer_1971").set_index("key")["value"]
    d = [df[f"decl_{i}"] for i in range(7)]
    e = [df[f"eot_{i}"] for i in range(5)]
    decl = (d[0] + d[1] * np.cos(g) + d[2] * np.sin(g) + d[3] * np.cos(2 * g)
            + d[4] * np.sin(2 * g) + d[5] * np.cos(3 * g) + d[6] * np.sin(3 * g))
    eot_h = (e[0] + e[1] * np.cos(g) + e[2] * np.sin(g) + e[3] * np.cos(2 * g)
             + e[4] * np.sin(2 * g)) * 12.0 / np.pi
    solar_time_h = hour + lon_deg / 15.0 + eot_h
    omega = np.deg2rad(15.0 * (solar_time_h - 12.0))
    phi = np.deg2rad(lat_deg)
    s = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(omega)
    return np.rad2deg(np.arcsin(np.clip(s, -1.0, 1.0)))


def insolation_class(solar_elevation):
    """Insolation class number 1-4 from solar altitude [deg] (EPA-454/R-99-005 Table 6-5)."""
    df = rows("turner_insolation")
    el = np.asarray(solar_elevation, float)
    out = np.ones(el.shape, dtype=np.int64)
    for r in df.sort_values("value").itertuples():
        out = np.where(el > r.value, int(r.key), out)
    return out


def net_radiation_index(solar_elevation, solar_elevation_prev, solar_elevation_next,
                        cloud_cover_tenths, ceiling_height_m):
    """Turner net radiation index (-2..4).

    Night (one hour before sunset to one hour after sunrise: the sun is below the horizon an
    hour before or an hour after): -2 if total cover <= 4/10, else -1. Overcast (10/10) with
    ceiling < 7000 ft: 0, day or night. Day: insolation class, reduced when cover > 5/10 by 2
    (ceiling < 7000 ft) or 1 (ceiling < 16000 ft), and by a further 1 when cover is 10/10;
    not below 1.

    Parameters
    ----------
    solar_elevation, solar_elevation_prev, solar_elevation_next : array_like
        Solar elevation [deg] at the hour, one hour earlier and one hour later.
    cloud_cover_tenths : array_like
        Total cloud cover [tenths].
    ceiling_height_m : array_like
        Ceiling [m]; NaN = no ceiling (unlimited).

    References
    ----------
    Turner 1964, J. Appl. Meteorol. 3:83-91; EPA-454/R-99-005 (2000), Table 6-6.
    """
    cc = np.asarray(cloud_cover_tenths, float)
    ceil_m = np.nan_to_num(np.asarray(ceiling_height_m, float), nan=np.inf)
    low = ceil_m < units.ft_to_m(value("turner_nri", "low_ceiling_ft"))
    mid = ~low & (ceil_m < units.ft_to_m(value("turner_nri", "mid_ceiling_ft")))
    overcast = cc >= value("turner_nri", "overcast_cloud_tenths")
    night = (np.asarray(solar_elevation_prev) <= 0) | (np.asarray(solar_elevation_next) <= 0) \
        | (np.asarray(solar_elevation) <= 0)
    nri_night = np.where(cc <= value("turner_nri", "night_clear_max_tenths"), -2, -1)
    ins = insolation_class(solar_elevation)
    modify = cc > value("turner_nri", "day_modify_min_tenths")
    sub = np.where(low, 2, np.where(mid, 1, 0)) + np.where(overcast, 1, 0)
    nri_day = np.where(modify, np.maximum(ins - sub, 1), ins)
    nri = np.where(night, nri_night, nri_day)
    return np.where(overcast & low, 0, nri).astype(np.int64)


def turner_class(wind_speed_m_s, nri):
    """Pasquill-Gifford class letters from wind speed and net radiation index (Turner key,
    EPA-454/R-99-005 Table 6-4; wind speed rounded to whole knots; class G merged into F)."""
    kt = np.floor(units.m_s_to_knots(wind_speed_m_s) + 0.5)
    nri = np.asarray(nri)
    out = np.full(np.shape(kt), "", dtype=object)
    for r in rows("turner_key").itertuples():
        m = (kt >= r.a) & (kt <= r.b) & (nri == int(r.key))
        out[m] = r.stability
    return out.astype(str)


def turner_stability(met: pd.DataFrame, lat_deg: float, lon_deg: float) -> np.ndarray:
    """Stability class per hour by the Turner (1964) method from solar elevation, wind speed,
    cloud cover and ceiling (times are converted to UTC; naive times are taken as UTC).

    References
    ----------
    Turner 1964; EPA-454/R-99-005 (2000) Tables 6-4 to 6-6.
    """
    t = pd.DatetimeIndex(met["time"])
    one = pd.Timedelta(hours=1)
    el = solar_elevation_deg(t, lat_deg, lon_deg)
    el_p = solar_elevation_deg(t - one, lat_deg, lon_deg)
    el_n = solar_elevation_deg(t + one, lat_deg, lon_deg)
    nri = net_radiation_index(el, el_p, el_n, met["cloud_cover_tenths"], met["ceiling_height_m"])
    return turner_class(met["wind_speed_m_s"].to_numpy(float), nri)


def calm_flags(wind_speed_m_s) -> np.ndarray:
    """True where the hour is calm (speed below table ``calm/calm_threshold_m_s``)."""
    return np.asarray(wind_speed_m_s, float) < value("calm", "calm_threshold_m_s")


def model_wind_speed(wind_speed_m_s) -> np.ndarray:
    """Wind speed used by the plume: not below ``calm/min_wind_speed_m_s`` (ISC3 sets speeds
    under 1 m/s to 1 m/s)."""
    return np.maximum(np.asarray(wind_speed_m_s, float), value("calm", "min_wind_speed_m_s"))


def speed_class(wind_speed_m_s) -> np.ndarray:
    """STAR speed class index 0..5 (upper bounds from group ``star_speed_class``)."""
    df = rows("star_speed_class").set_index("key")["value"]
    bounds = np.array([df[f"upper_{i}"] for i in range(1, 6)])
    return np.searchsorted(bounds, np.asarray(wind_speed_m_s, float), side="left")


def sector_index(wind_dir_deg, n_sectors: int = 16) -> np.ndarray:
    """Direction sector 0..n-1 (sector 0 centred on north, the direction the wind blows from)."""
    w = 360.0 / n_sectors
    return (np.floor((np.asarray(wind_dir_deg, float) % 360.0 + w / 2) / w) % n_sectors).astype(int)


def star_table(met: pd.DataFrame, stability) -> dict:
    """STAR joint frequency table from hourly data.

    Returns a dict: ``freq`` (16 sectors x 6 speed classes x 6 stability classes, fractions of
    non-calm hours, summing to 1), ``mean_speed_m_s`` (6 x 6, mean model speed per speed and
    stability class; NaN where empty), ``calm_fraction`` (calm hours / all hours), ``hours``.

    References
    ----------
    STAR program (NCDC): joint frequency of 16 directions, 6 speed classes and 6
    Pasquill-Gifford classes; speed class bounds: group ``star_speed_class``.
    """
    ws = met["wind_speed_m_s"].to_numpy(float)
    calm = calm_flags(ws)
    k = np.asarray([STABILITY_CLASSES.index(s) for s in np.asarray(stability)])
    n = int(value("star_speed_class", "n_sectors"))
    j = sector_index(met["wind_dir_deg"].to_numpy(float), n)
    c = speed_class(ws)
    keep = ~calm
    freq = np.zeros((n, 6, 6))
    np.add.at(freq, (j[keep], c[keep], k[keep]), 1.0)
    su = np.zeros((6, 6))
    np.add.at(su, (c[keep], k[keep]), model_wind_speed(ws[keep]))
    cnt = freq.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(cnt > 0, su / cnt, np.nan)
    total = freq.sum()
    return {"freq": freq / total if total else freq, "mean_speed_m_s": mean,
            "calm_fraction": float(calm.mean()) if len(ws) else 0.0, "hours": int(len(ws))}


MET_SCHEMA = Schema([
    Column("time", "str", aliases=("datetime", "时间", "日期时间")),
    Column("wind_dir_deg", "float", aliases=("wd", "wind_dir", "风向"), min_value=0, max_value=360),
    Column("wind_speed_m_s", "float", aliases=("ws", "wind_speed", "风速"), min_value=0, max_value=75),
    Column("temp_k", "float", required=False, aliases=("temperature_k",), min_value=200, max_value=340),
    Column("temp_c", "float", required=False, aliases=("temperature_c", "气温"), min_value=-70,
           max_value=65),
    Column("cloud_cover_tenths", "float", aliases=("cloud", "总云量"), min_value=0, max_value=10),
    Column("ceiling_height_m", "float", required=False, aliases=("ceiling", "云底高"),
           allow_blank=True, min_value=0),
    Column("mixing_height_m", "float", required=False, aliases=("mixing_height", "混合层高度"),
           allow_blank=True, min_value=1),
], name="hourly meteorology")


def read_met_csv(path) -> pd.DataFrame:
    """Read an hourly meteorology CSV/XLSX (columns of :data:`MET_SCHEMA`); every problem of the
    file is reported at once (file, row, column, reason) as :class:`ehrisk.errors.InputError`."""
    from ehrisk.errors import ProblemCollector

    fname = str(path)
    df = parse_frame(read_raw(path), MET_SCHEMA, fname)
    pc = ProblemCollector(fname)
    times = pd.to_datetime(df["time"], errors="coerce")
    for i in np.flatnonzero(times.isna().to_numpy()):
        pc.add(f"not a date-time: {df['time'].iloc[i]!r}", row=int(i) + 2, column="time")
    if "temp_k" not in df.columns and "temp_c" not in df.columns:
        pc.add("need a temperature column (temp_k or temp_c)", column="temp_k")
    pc.raise_if_any()
    out = pd.DataFrame({"time": times, "wind_dir_deg": df["wind_dir_deg"].astype(float),
                        "wind_speed_m_s": df["wind_speed_m_s"].astype(float)})
    out["temp_k"] = (df["temp_k"].astype(float) if "temp_k" in df.columns
                     else pd.Series(units.c_to_k(df["temp_c"].astype(float)), index=df.index))
    out["cloud_cover_tenths"] = df["cloud_cover_tenths"].astype(float)
    out["ceiling_height_m"] = (df["ceiling_height_m"].astype(float)
                               if "ceiling_height_m" in df.columns else np.nan)
    if "mixing_height_m" in df.columns:
        out["mixing_height_m"] = df["mixing_height_m"].astype(float)
    return out
