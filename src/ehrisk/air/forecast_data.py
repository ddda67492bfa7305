"""Daily tables and forecast design matrices from hourly station observations.

Hourly rows (one station, one hour; canonical names as produced by :mod:`ehrisk.io.prsa`) are
reduced to one row per station and calendar day: the daily pollutant values the HJ 633 daily
report uses (24-hour means of PM2.5, PM10, SO2, NO2, CO; O3 daily maximum 1-hour value and
daily maximum 8-hour moving average), evening means (the last state a forecaster sees), and
daily and six-hour meteorology. :func:`design_matrix` then joins, for each issue day D and lead
k, the state on day D (and D-1) with the meteorology of the target day D+k (observed
meteorology stands in for a meteorological forecast when evaluating on history).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.air.daily_stats import daily_values

#: Daily pollutant columns [ug/m3; CO mg/m3] in the order of HJ 633 daily report indicators.
DAILY_POLLUTANTS = ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3",
                    "o3_8h_ug_m3", "o3_1h_ug_m3")
MEAN_24H = ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3")
HOURLY_MET = ("temp_c", "pres_hpa", "dewp_c", "rain_mm", "wspm_m_s", "wd_deg")
EVENING_FROM_HOUR = 18
LATE_FROM_HOUR = 21
SEGMENT_H = 6


def _station_column(hourly: pd.DataFrame) -> str:
    for c in ("station_id", "station"):
        if c in hourly.columns:
            return c
    raise KeyError("hourly table lacks a station column (station_id)")


def _check_hourly(hourly: pd.DataFrame) -> str:
    st = _station_column(hourly)
    need = {"time", *MEAN_24H, "o3_ug_m3"}
    missing = sorted(need - set(hourly.columns))
    if missing:
        raise KeyError(f"hourly table lacks column(s) {', '.join(missing)}")
    return st


def wind_components(ws_m_s, wd_deg):
    """Wind vector components from speed and meteorological direction.

    Parameters
    ----------
    ws_m_s : array_like
        Wind speed [m/s].
    wd_deg : array_like
        Direction the wind blows from [deg clockwise from north].

    Returns
    -------
    u_m_s, v_m_s : ndarray
        Eastward and northward components [m/s] (WMO convention: u = -ws sin(wd),
        v = -ws cos(wd)).
    """
    rad = np.deg2rad(np.asarray(wd_deg, dtype=float))
    ws = np.asarray(ws_m_s, dtype=float)
    return -ws * np.sin(rad), -ws * np.cos(rad)


def daily_table(hourly: pd.DataFrame) -> pd.DataFrame:
    """Reduce hourly station rows to one row per station and calendar day.

    Parameters
    ----------
    hourly : DataFrame
        Columns ``station_id`` (the canonical station table; ``station`` also accepted),
        ``time`` and ``pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3`` [ug/m3],
        ``co_mg_m3`` [mg/m3], ``o3_ug_m3`` [ug/m3]; optional meteorology ``temp_c`` [degC],
        ``pres_hpa`` [hPa], ``dewp_c`` [degC], ``rain_mm`` [mm/h], ``wspm_m_s`` [m/s],
        ``wd_deg`` [deg].

    Returns
    -------
    DataFrame
        ``station`` (the forecast's internal name of the station id), ``date``, the daily
        pollutant values of :data:`DAILY_POLLUTANTS` formed by
        :func:`ehrisk.air.daily_stats.daily_values` (the same values as
        :func:`ehrisk.air.aqi.daily_from_hourly`: 24-hour means with >= 20 valid hours, O3
        daily maximum 8-hour mean with >= 14 valid windows of >= 6 hours, O3 daily maximum
        1-hour value), ``n_hours_<pollutant>`` [h], evening means
        ``<pollutant>_ev`` (18-23 h), ``pm25_late_ug_m3`` (21-23 h), ``pm25_max_ug_m3``, and
        meteorology (daily means, extremes, six-hour segment means ``<var>_s0..s3``, wind
        components ``u_m_s, v_m_s``, dew-point depression ``dpd_c``, rain sum ``rain_mm``).

    References
    ----------
    HJ 633-2012, 5.2 (daily report: 24-hour means, O3 daily maximum 1-hour and 8-hour values);
    GB 3095-2012, 3.7-3.10 (definitions of averages) and Table 4 (validity); HJ 663-2013.
    """
    st = _check_hourly(hourly)
    h = hourly.rename(columns={st: "station"}) if st != "station" else hourly
    h = h.sort_values(["station", "time"]).reset_index(drop=True).copy()
    h["station"] = h["station"].astype(str)
    h["time"] = pd.to_datetime(h["time"])
    h["date"] = h["time"].dt.normalize()
    h["hr"] = h["time"].dt.hour
    has_met = all(c in h.columns for c in HOURLY_MET)
    keys = ["station", "date"]
    g = h.groupby(keys, sort=True)
    stats = daily_values(h[["station", "time", *MEAN_24H, "o3_ug_m3"]], station_col="station")
    stats = stats.set_index(keys)
    out = stats[list(DAILY_POLLUTANTS)]
    counts = stats[[f"n_hours_{c}" for c in (*MEAN_24H, "o3_ug_m3")]]
    ev = h[h["hr"] >= EVENING_FROM_HOUR].groupby(keys)[
        ["pm25_ug_m3", "pm10_ug_m3", "no2_ug_m3", "co_mg_m3", "o3_ug_m3"]].mean()
    ev.columns = [c.replace("_ug_m3", "_ev_ug_m3").replace("_mg_m3", "_ev_mg_m3")
                  for c in ev.columns]
    parts = [out, counts, ev]
    parts.append(h[h["hr"] >= LATE_FROM_HOUR].groupby(keys)["pm25_ug_m3"].mean()
                 .rename("pm25_late_ug_m3"))
    parts.append(g["pm25_ug_m3"].max().rename("pm25_max_ug_m3"))
    if has_met:
        u, v = wind_components(h["wspm_m_s"], h["wd_deg"])
        h["u_m_s"], h["v_m_s"] = u, v
        h["seg"] = h["hr"] // SEGMENT_H
        met = ["temp_c", "dewp_c", "pres_hpa", "wspm_m_s", "u_m_s", "v_m_s"]
        hg = h.groupby(keys)
        m = hg[met].mean()
        m["rain_mm"] = hg["rain_mm"].sum(min_count=1)
        m["wspm_max_m_s"] = hg["wspm_m_s"].max()
        m["temp_max_c"] = hg["temp_c"].max()
        m["temp_min_c"] = hg["temp_c"].min()
        m["dpd_c"] = m["temp_c"] - m["dewp_c"]
        seg = h.groupby([*keys, "seg"])[["wspm_m_s", "u_m_s", "v_m_s", "dewp_c", "temp_c",
                                         "rain_mm"]].mean().unstack("seg")
        seg.columns = [f"{a}_s{int(b)}" for a, b in seg.columns]
        parts += [m, seg]
    daily = pd.concat(parts, axis=1)
    daily.index.names = keys
    return daily.reset_index()


def met_columns(daily: pd.DataFrame) -> list[str]:
    """Meteorology columns of a :func:`daily_table` result."""
    base = ("temp_c", "dewp_c", "pres_hpa", "wspm_m_s", "u_m_s", "v_m_s", "rain_mm",
            "wspm_max_m_s", "temp_max_c", "temp_min_c", "dpd_c")
    segs = [c for c in daily.columns if "_s" in c and c.rsplit("_s", 1)[-1].isdigit()]
    return [c for c in base if c in daily.columns] + segs


def complete_calendar(daily: pd.DataFrame) -> pd.DataFrame:
    """Reindex ``daily`` so each station has every calendar day between its first and last
    day (missing days become NaN rows), so that shifts by k rows are shifts by k days."""
    frames = []
    for st, d in daily.groupby("station", sort=True):
        idx = pd.date_range(d["date"].min(), d["date"].max(), freq="D")
        f = d.set_index("date").reindex(idx)
        f.index.name = "date"
        f["station"] = st
        frames.append(f.reset_index())
    return pd.concat(frames, ignore_index=True)


def design_matrix(daily: pd.DataFrame, lead_days: int, aqi_col: str = "aqi"
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features for forecasting day D + ``lead_days`` from what is known on issue day D.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`daily_table` with an observed daily AQI column ``aqi_col`` [-], on a
        complete calendar (:func:`complete_calendar`).
    lead_days : int
        Lead time [d], 1 = next day.

    Returns
    -------
    X : DataFrame
        One row per station and issue day: day-D pollutants (daily, evening, late, maxima)
        and AQI, day D-1 pollutants, city means of day D across stations, day-D meteorology,
        target-day meteorology (``f_`` prefix; observed meteorology stands in for the
        meteorological forecast) and its change from day D, mean wind speed and total rain
        of the days between, calendar of the target day (season as sine/cosine of day of
        year, day of week) and a station code.
    meta : DataFrame
        ``station, issue_date, target_date`` aligned with ``X``.
    """
    if lead_days < 1:
        raise ValueError(f"lead_days must be >= 1, got {lead_days}")
    d = daily.sort_values(["station", "date"]).reset_index(drop=True)
    by = d.groupby("station", sort=False)
    pol = [*DAILY_POLLUTANTS, aqi_col]
    extra = [c for c in ("pm25_ev_ug_m3", "pm10_ev_ug_m3", "no2_ev_ug_m3", "co_ev_mg_m3",
                         "o3_ev_ug_m3", "pm25_late_ug_m3", "pm25_max_ug_m3") if c in d]
    met = met_columns(d)
    cols: dict[str, pd.Series] = {}
    for c in [*pol, *extra]:
        cols[f"d0_{c}"] = d[c]
    for c in pol:
        cols[f"d1_{c}"] = by[c].shift(1)
    city = d.groupby("date")[["pm25_ug_m3", aqi_col, *extra[:1], *extra[5:6]]].transform("mean")
    for c in city.columns:
        cols[f"city_{c}"] = city[c]
    for c in met:
        cols[f"d0_{c}"] = d[c]
        cols[f"f_{c}"] = by[c].shift(-lead_days)
    for c in ("pres_hpa", "dewp_c", "temp_c"):
        if c in d:
            cols[f"chg_{c}"] = cols[f"f_{c}"] - d[c]
    if lead_days > 1 and "wspm_m_s" in d:
        between_ws = sum(by["wspm_m_s"].shift(-k) for k in range(1, lead_days)) / (lead_days - 1)
        between_rain = sum(by["rain_mm"].shift(-k).fillna(0.0) for k in range(1, lead_days))
        cols["between_wspm_m_s"] = between_ws
        cols["between_rain_mm"] = between_rain
    target = d["date"] + pd.Timedelta(days=lead_days)
    doy = target.dt.dayofyear.to_numpy()
    cols["season_sin"] = pd.Series(np.sin(2 * np.pi * doy / 365.25), index=d.index)
    cols["season_cos"] = pd.Series(np.cos(2 * np.pi * doy / 365.25), index=d.index)
    cols["day_of_week"] = target.dt.dayofweek
    cols["station_code"] = d["station"].astype("category").cat.codes
    X = pd.DataFrame(cols)
    meta = pd.DataFrame({"station": d["station"], "issue_date": d["date"],
                         "target_date": target})
    return X, meta


def targets(daily: pd.DataFrame, lead_days: int, columns: list[str]) -> pd.DataFrame:
    """Observed values of ``columns`` on day D + ``lead_days``, aligned with
    :func:`design_matrix` rows (same sort order)."""
    d = daily.sort_values(["station", "date"]).reset_index(drop=True)
    by = d.groupby("station", sort=False)
    return pd.DataFrame({c: by[c].shift(-lead_days) for c in columns})
