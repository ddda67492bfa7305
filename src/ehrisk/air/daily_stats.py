"""Daily and moving-average statistics of hourly air-quality data with the validity rules of
GB 3095 / HJ 663 (the one implementation; :func:`ehrisk.air.aqi.daily_from_hourly` and
:func:`ehrisk.air.forecast_data.daily_table` both call :func:`daily_values`).

Hours are labelled by their start in local time (``00:00`` = the hour 00:00-01:00, so the
standards' hour-ending labels 1:00..24:00 are ehrisk's 00:00..23:00). Each station's hours are
first placed on a complete hourly grid (missing hours become NaN), so that a rolling window of
8 rows is a window of 8 clock hours.

Rules (thresholds read from table ``aqi_rules``, edition ``gb3095-2012``; the code holds none):

* 24-hour mean (``pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3, co_mg_m3``) of a calendar day:
  valid with at least ``min_hours_24h`` (20) valid hourly values (GB 3095-2012 Table 4,
  数据统计的有效性规定).
* 8-hour moving mean of O3 ending at hour h: mean of hours h-7..h, valid with at least
  ``min_hours_8h`` (6) valid hourly values in the window (GB 3095-2012 Table 4).
* O3 daily maximum 8-hour mean: maximum of the 17 moving means whose windows lie within the
  calendar day (ending 08:00..24:00 in the standards' labels = windows 00-07 .. 16-23 here),
  valid with at least ``min_windows_o3_8h_max`` (14) valid 8-hour means (HJ 663-2013, as
  recorded in table ``aqi_rules``; the clause number there is marked UNCONFIRMED, and HJ 663's
  exception - a day with fewer windows whose maximum already exceeds the limit still counts -
  is not implemented).
* O3 daily maximum 1-hour value (HJ 633-2012 daily report only): valid with at least
  ``min_hours_24h`` hourly values (ehrisk's choice, by analogy with the 24-hour rule; the
  standards' text for it was not available here).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from ehrisk.refdata import load_table

#: Pollutants averaged over the calendar day [ug/m3; CO mg/m3].
MEAN_24H = ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3")
O3 = "o3_ug_m3"
WINDOW_8H = 8
WINDOW_24H = 24
VALIDITY = "gb3095-2012"


@cache
def validity_rules() -> dict[str, int]:
    """Thresholds of the data-validity rules: ``min_hours_24h``, ``min_hours_8h``,
    ``min_windows_o3_8h_max`` [count], from table ``aqi_rules`` (edition ``gb3095-2012``).

    References
    ----------
    GB 3095-2012, Table 4 (数据统计的有效性规定); HJ 663-2013 (O3 daily maximum 8-hour mean).
    """
    df = load_table("aqi_rules")
    sel = df[df["edition"] == VALIDITY]
    rl = dict(zip(sel["rule"], sel["value"], strict=True))
    keys = ("min_hours_24h", "min_hours_8h", "min_windows_o3_8h_max")
    missing = [k for k in keys if k not in rl]
    if missing:
        raise KeyError(f"table aqi_rules lacks {', '.join(missing)} for {VALIDITY}")
    return {k: int(rl[k]) for k in keys}


def _grid(hourly: pd.DataFrame, station_col: str | None, time_col: str,
          columns: list[str]) -> pd.DataFrame:
    """Hourly rows on a complete grid: every hour from 00:00 of each station's first day to
    23:00 of its last day; columns ``station, time, date, hour`` and ``columns`` (float)."""
    if time_col not in hourly.columns:
        raise KeyError(f"hourly data need a {time_col!r} column (the start of each hour, "
                       f"local time)")
    if station_col and station_col not in hourly.columns:
        raise KeyError(f"hourly data need a {station_col!r} column")
    t = pd.to_datetime(hourly[time_col])
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_localize(None)
    t = t.dt.floor("h")
    st = (hourly[station_col].astype(str) if station_col
          else pd.Series("", index=hourly.index))
    data = pd.DataFrame({"station": st.to_numpy(), "time": t.to_numpy()})
    for c in columns:
        data[c] = pd.to_numeric(hourly[c], errors="coerce").to_numpy(dtype=float)
    dup = data.duplicated(["station", "time"])
    if dup.any():
        r = data[dup].iloc[0]
        where = f" at station {r['station']!r}" if station_col else ""
        raise ValueError(f"duplicated hour {r['time']:%Y-%m-%d %H}:00{where}")
    frames = []
    for sid, g in data.groupby("station", sort=True):
        full = pd.date_range(g["time"].min().normalize(),
                             g["time"].max().normalize() + pd.Timedelta(hours=23), freq="h")
        f = g.set_index("time").reindex(full)
        f.index.name = "time"
        f["station"] = sid
        frames.append(f.reset_index())
    if not frames:
        out = pd.DataFrame({"station": [], "time": pd.to_datetime([]), **{c: [] for c in
                                                                           columns}})
    else:
        out = pd.concat(frames, ignore_index=True)
    out["date"] = out["time"].dt.normalize()
    out["hour"] = out["time"].dt.hour
    return out


def _rolling_mean(grid: pd.DataFrame, col: str, window: int, min_valid: int) -> pd.Series:
    """Per-station rolling mean of ``window`` consecutive hours ending at each row, NaN where
    fewer than ``min_valid`` hours are valid (pandas rolling; the grid is complete)."""
    return (grid.groupby("station", sort=False)[col]
            .rolling(window, min_periods=min_valid).mean()
            .reset_index(level=0, drop=True).sort_index())


def daily_values(hourly: pd.DataFrame, station_col: str | None = "station_id",
                 time_col: str = "time") -> pd.DataFrame:
    """Daily pollutant values of each station and calendar day, with the validity rules.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Hourly rows; ``time_col`` is the start of the hour in local time; any of
        ``pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3`` [ug/m3], ``co_mg_m3`` [mg/m3] and
        ``o3_ug_m3`` [ug/m3] (1-hour values). Duplicated station-hours raise ValueError.
    station_col : str or None
        Station column (None: one station).
    time_col : str
        Timestamp column.

    Returns
    -------
    pandas.DataFrame
        One row per station (under ``station_col``) and calendar day from each station's first
        to its last day: ``date``; the 24-hour means present in the input [ug/m3; CO mg/m3]
        (NaN when fewer than 20 valid hours) with ``n_hours_<col>`` [h]; for O3
        ``o3_8h_ug_m3`` (daily maximum 8-hour mean, NaN when fewer than 14 valid 8-hour
        means), ``o3_1h_ug_m3`` (daily maximum 1-hour value, NaN when fewer than 20 valid
        hours), ``n_hours_o3_ug_m3`` [h] and ``n_windows_o3_8h`` [count].

    References
    ----------
    GB 3095-2012, Table 4 (数据统计的有效性规定: 24-hour mean >= 20 hourly values; 8-hour mean
    >= 6 hourly values); HJ 663-2013 (8-hour moving mean, O3 daily maximum 8-hour mean from the
    windows ending 08:00-24:00, >= 14 valid windows); thresholds from table ``aqi_rules``.
    """
    rl = validity_rules()
    cols = [c for c in (*MEAN_24H, O3) if c in hourly.columns]
    grid = _grid(hourly, station_col, time_col, cols)
    keys = ["station", "date"]
    g = grid.groupby(keys, sort=True)
    out = g.size().rename("_n").to_frame().drop(columns="_n")
    for c in cols:
        if c == O3:
            continue
        cnt = g[c].count()
        out[c] = g[c].mean().where(cnt >= rl["min_hours_24h"])
        out[f"n_hours_{c}"] = cnt
    if O3 in cols:
        grid["_o3_8h"] = _rolling_mean(grid, O3, WINDOW_8H, rl["min_hours_8h"])
        inday = grid[grid["hour"] >= WINDOW_8H - 1].groupby(keys, sort=True)["_o3_8h"]
        nwin = inday.count()
        cnt = g[O3].count()
        out["o3_8h_ug_m3"] = inday.max().where(nwin >= rl["min_windows_o3_8h_max"])
        out["o3_1h_ug_m3"] = g[O3].max().where(cnt >= rl["min_hours_24h"])
        out["n_hours_o3_ug_m3"] = cnt
        out["n_windows_o3_8h"] = nwin.reindex(out.index).fillna(0).astype(int)
    out = out.reset_index()
    if station_col:
        out = out.rename(columns={"station": station_col})
    else:
        out = out.drop(columns="station")
    return out


def hourly_moving_means(hourly: pd.DataFrame, station_col: str | None = "station_id",
                        time_col: str = "time") -> pd.DataFrame:
    """The hourly rows with the moving means the HJ 633 hourly report uses.

    Adds ``o3_8h_ug_m3`` (8-hour moving mean of O3 ending at the hour, valid with >= 6 of the 8
    hours) and ``so2_24h_ug_m3`` (24-hour moving mean of SO2 ending at the hour, valid with
    >= 20 of the 24 hours; HJ 633-2012 uses it above the top 1-hour SO2 breakpoint). The
    windows may reach into the previous day. Rows keep their order and other columns.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Hourly rows as for :func:`daily_values`, ``o3_ug_m3`` and/or ``so2_ug_m3`` [ug/m3].
    station_col, time_col : str
        As for :func:`daily_values`.

    Returns
    -------
    pandas.DataFrame

    References
    ----------
    GB 3095-2012, Table 4 (8-hour mean >= 6 hourly values; 24-hour mean >= 20); HJ 633-2012,
    Table 1 note on SO2 above 800 ug/m3; HJ 663-2013 (8-hour moving mean).
    """
    rl = validity_rules()
    spec = [(O3, "o3_8h_ug_m3", WINDOW_8H, rl["min_hours_8h"]),
            ("so2_ug_m3", "so2_24h_ug_m3", WINDOW_24H, rl["min_hours_24h"])]
    spec = [s for s in spec if s[0] in hourly.columns]
    out = hourly.copy()
    if not spec:
        return out
    grid = _grid(hourly, station_col, time_col, [s[0] for s in spec])
    for src, dst, w, mv in spec:
        grid[dst] = _rolling_mean(grid, src, w, mv)
    t = pd.to_datetime(hourly[time_col])
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_localize(None)
    st = (hourly[station_col].astype(str) if station_col
          else pd.Series("", index=hourly.index))
    idx = pd.MultiIndex.from_arrays([st.to_numpy(), t.dt.floor("h").to_numpy()])
    look = grid.set_index(["station", "time"])
    for _src, dst, _w, _mv in spec:
        out[dst] = look[dst].reindex(idx).to_numpy(dtype=float)
    return out


def daily_max_8h_windows(o3_hourly_ug_m3) -> np.ndarray:
    """Convenience for one day: the 17 in-day 8-hour moving means of 24 hourly O3 values
    (windows 00-07 .. 16-23), NaN where fewer than 6 of 8 hours are valid [ug/m3].

    References
    ----------
    GB 3095-2012, Table 4; HJ 663-2013.
    """
    s = pd.Series(np.asarray(o3_hourly_ug_m3, dtype=float))
    if len(s) != 24:
        raise ValueError(f"one day has 24 hourly values, got {len(s)}")
    m = s.rolling(WINDOW_8H, min_periods=validity_rules()["min_hours_8h"]).mean()
    return m.to_numpy()[WINDOW_8H - 1:]
