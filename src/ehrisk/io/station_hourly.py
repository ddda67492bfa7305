"""The canonical hourly station table: one reader for files and in-memory frames.

One row per station and hour, local time (``Asia/Shanghai`` by default), naive timestamps
marking the start of the hour. Columns of the canonical table (what every function here
returns; the AQI, AQHI, forecast, study and database code all read it):

==================  ==========================================================================
``station_id``      station id (str); headers ``station_id``, ``station``, 站点, 站点编码, 监测点
``time``            start of the hour, local time (datetime64, naive); headers ``time``,
                    ``datetime``, 时间, 监测时间
``pm25_ug_m3`` ...  ``pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3, o3_ug_m3`` [ug/m3] and
                    ``co_mg_m3`` [mg/m3], 1-hour values; a pollutant the file lacks is all-NaN
                    (at least one pollutant column is required)
meteorology         ``temp_c, pres_hpa, dewp_c, rain_mm, wspm_m_s, wd_deg``; optional (the AQI
                    does not use them), required by the forecast (:func:`check_met`,
                    :func:`require_met`); ``rh_pct`` is turned into ``dewp_c`` when no dew
                    point is given (Magnus formula, :func:`ehrisk.units.dewpoint_c_from_rh`)
==================  ==========================================================================

Blank cells are missing values (the daily validity rules of :mod:`ehrisk.air.daily_stats`
handle them); out-of-range values, unreadable times, blank station ids and repeated
station-hours are refused with file (or source), row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.errors import InputError, ProblemCollector
from ehrisk.io.tables import Column, Schema, read_table
from ehrisk.units import dewpoint_c_from_rh

STATION = "station_id"
TIME = "time"
POLLUTANTS = ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3", "o3_ug_m3")
MET = ("temp_c", "pres_hpa", "dewp_c", "rain_mm", "wspm_m_s", "wd_deg")
#: Column order of the canonical table (meteorology only where present).
COLUMNS = (STATION, TIME, *POLLUTANTS, *MET)
LOCAL_TZ = "Asia/Shanghai"


def _num(name, aliases, lo, hi):
    return Column(name, "float", required=False, aliases=aliases, min_value=lo,
                  max_value=hi, allow_blank=True)


# Plausibility bounds of the reader (not reference values): physical or instrument ranges.
SCHEMA = Schema([
    Column(STATION, "str", aliases=("station", "站点", "站点编码", "监测点", "站点名称")),
    Column(TIME, "str", aliases=("datetime", "时间", "监测时间")),
    _num("pm25_ug_m3", ("pm2.5", "pm25", "PM2.5"), 0, 5000),
    _num("pm10_ug_m3", ("pm10",), 0, 5000),
    _num("so2_ug_m3", ("so2",), 0, 5000),
    _num("no2_ug_m3", ("no2",), 0, 5000),
    _num("co_mg_m3", ("co",), 0, 100),
    _num("o3_ug_m3", ("o3",), 0, 5000),
    _num("temp_c", ("temp", "气温"), -60, 60),
    _num("pres_hpa", ("pressure_hpa", "pres", "气压"), 800, 1100),
    _num("dewp_c", ("dewpoint_c", "露点"), -80, 50),
    _num("rh_pct", ("rh", "相对湿度"), 0, 100),
    _num("rain_mm", ("precip_mm", "降水"), 0, 500),
    _num("wspm_m_s", ("wind_speed_m_s", "风速"), 0, 80),
    _num("wd_deg", ("wind_dir_deg", "风向"), 0, 360),
], name="hourly station observations")


def check_met(table: pd.DataFrame) -> list[str]:
    """Meteorology columns the forecast needs that ``table`` lacks (absent or all blank).

    Parameters
    ----------
    table : pandas.DataFrame
        A canonical station table.

    Returns
    -------
    list of str
        Missing columns, e.g. ``["pres_hpa", "dewp_c (or rh_pct)"]``; empty when complete.
    """
    out = []
    for c in MET:
        if c not in table.columns or not pd.to_numeric(table[c], errors="coerce").notna().any():
            out.append("dewp_c (or rh_pct)" if c == "dewp_c" else c)
    return out


def require_met(table: pd.DataFrame, source: str = "hourly station table") -> None:
    """Raise :class:`~ehrisk.errors.InputError` naming every meteorology column the forecast
    needs and ``table`` lacks (see :func:`check_met`)."""
    missing = check_met(table)
    if missing:
        raise InputError.single(source, "the forecast needs hourly meteorology; missing "
                                f"column(s): {', '.join(missing)} (temperature temp_c, "
                                "pressure pres_hpa, dew point dewp_c or humidity rh_pct, "
                                "rain rain_mm, wind speed wspm_m_s, wind direction wd_deg)",
                                column=missing[0].split(" ")[0])


def _rows(df: pd.DataFrame, mask) -> list[int]:
    rows = df.attrs.get("rows")
    idx = np.flatnonzero(np.asarray(mask))
    if rows is not None and len(rows) == len(df):
        return [int(rows[i]) for i in idx]
    return [int(i) + 2 for i in idx]


def _times(values: pd.Series, tz: str) -> pd.Series:
    """Naive local times; aware values (datetimes or strings with an offset) go to ``tz``."""
    if pd.api.types.is_datetime64_any_dtype(values):
        t = pd.Series(pd.to_datetime(values))
        if t.dt.tz is not None:
            t = t.dt.tz_convert(tz).dt.tz_localize(None)
        return t
    s = values.astype(str).str.strip()
    aware = s.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True).to_numpy()
    t = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if (~aware).any():
        t[~aware] = pd.to_datetime(s[~aware], errors="coerce", format="mixed")
    if aware.any():
        u = pd.to_datetime(s[aware], errors="coerce", format="mixed", utc=True)
        t[aware] = u.dt.tz_convert(tz).dt.tz_localize(None)
    return t


def _finish(df: pd.DataFrame, source: str, need_met: bool, tz: str) -> pd.DataFrame:
    pc = ProblemCollector(source)
    have_pol = [c for c in POLLUTANTS if c in df.columns]
    if not have_pol:
        pc.add(f"no pollutant column; give at least one of {', '.join(POLLUTANTS)} "
               f"(found columns: {', '.join(map(str, df.columns))})", column="pm25_ug_m3")
        pc.raise_if_any()
    sid = df[STATION].astype(str).str.strip()
    blank = df[STATION].isna().to_numpy() | sid.isin(["", "nan", "None"]).to_numpy()
    if blank.any():
        pc.add(f"station id is blank in rows {_rows(df, blank)[:10]}", column=STATION)
    t = _times(df[TIME], tz)
    bad = t.isna().to_numpy()
    if bad.any():
        pc.add(f"unreadable time in rows {_rows(df, bad)[:10]} (expected e.g. "
               "2025-01-31 13:00, local time)", column=TIME)
    pc.raise_if_any()
    out = pd.DataFrame({STATION: sid.to_numpy(), TIME: t.dt.floor("h").to_numpy()})
    dup = out.duplicated([STATION, TIME], keep="first").to_numpy()
    if dup.any():
        rows = _rows(df, dup)[:10]
        first = out[dup].iloc[0]
        pc.add(f"station {first[STATION]!r} has the hour {first[TIME]:%Y-%m-%d %H}:00 more than "
               f"once (rows {rows}); give one row per station and hour", column=TIME)
        pc.raise_if_any()
    for c in POLLUTANTS:
        out[c] = (pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
                  if c in df.columns else np.nan)
    met = {c: pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
           for c in (*MET, "rh_pct") if c in df.columns}
    no_dewp = "dewp_c" not in met or not np.isfinite(met["dewp_c"]).any()
    if no_dewp and "rh_pct" in met and "temp_c" in met:
        met["dewp_c"] = np.asarray(dewpoint_c_from_rh(met["temp_c"], met["rh_pct"]), float)
    for c in MET:
        if c in met:
            out[c] = met[c]
    out = out.sort_values([STATION, TIME], kind="stable").reset_index(drop=True)
    if need_met:
        require_met(out, source)
    return out


def read_station_hourly(path: str | Path, need_met: bool = False,
                        tz: str = LOCAL_TZ) -> pd.DataFrame:
    """Read a file of hourly station observations into the canonical table.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8 or GBK) or XLSX; headers as in the module docstring (Chinese accepted).
    need_met : bool
        Require the forecast's meteorology (InputError naming the missing columns).
    tz : str
        Time zone that times with an offset are converted to (then written naive).

    Returns
    -------
    pandas.DataFrame
        The canonical table (module docstring), sorted by station and time.

    Raises
    ------
    ehrisk.errors.InputError
        Every problem of the file, with file, row, column and reason.
    """
    df = read_table(path, SCHEMA)
    return _finish(df, str(path), need_met, tz)


def station_table_from_frame(df: pd.DataFrame, source: str = "station table",
                             need_met: bool = False, tz: str = LOCAL_TZ) -> pd.DataFrame:
    """The canonical table from an in-memory frame (database observations, the demo, an API
    payload), with the same headers, bounds and checks as :func:`read_station_hourly`.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows with headers any of those accepted by :data:`SCHEMA`; times as datetimes
        (aware ones are converted to ``tz``) or strings.
    source : str
        Name of the data in problems (e.g. ``"database observations"``).
    need_met : bool
        Require the forecast's meteorology.
    tz : str
        Local time zone.

    Returns
    -------
    pandas.DataFrame
        The canonical table.

    Raises
    ------
    ehrisk.errors.InputError
        Missing columns, non-numeric or out-of-range values (row = frame row + 2, as a
        spreadsheet user counts), blank ids, unreadable or repeated times.
    """
    pc = ProblemCollector(source)
    rename: dict[str, str] = {}
    for h in df.columns:
        canon = SCHEMA.canonical(str(h))
        if canon is not None:
            if canon in rename.values():
                pc.add(f"column given twice (as {h!r})", column=str(h))
            rename[h] = canon
    frame = df.rename(columns=rename).reset_index(drop=True)
    for c in (STATION, TIME):
        if c not in frame.columns:
            pc.add(f"required column missing (expected {' or '.join(SCHEMA.column(c).headers)}"
                   f"); found columns: {', '.join(map(str, df.columns))}", column=c)
    pc.raise_if_any()
    for col in SCHEMA.columns:
        if col.kind != "float" or col.name not in frame.columns:
            continue
        raw = frame[col.name]
        v = pd.to_numeric(raw, errors="coerce")
        notnum = (v.isna() & raw.notna() & ~raw.astype(str).str.strip().isin(["", "nan"]))
        if notnum.any():
            pc.add(f"not a number in rows {_rows(frame, notnum)[:10]}", column=col.name)
        out = (v < col.min_value) | (v > col.max_value)
        if out.any():
            pc.add(f"outside {col.min_value:g}..{col.max_value:g} in rows "
                   f"{_rows(frame, out)[:10]}", column=col.name)
        frame[col.name] = v
    pc.raise_if_any()
    return _finish(frame, source, need_met, tz)
