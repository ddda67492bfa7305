"""Reader for the Beijing multi-site air-quality data (PRSA format, UCI data set 501).

Each station file ``PRSA_Data_<station>_<start>-<end>.csv`` holds hourly rows with columns
``No, year, month, day, hour, PM2.5, PM10, SO2, NO2, CO, O3, TEMP, PRES, DEWP, RAIN, wd, WSPM,
station`` (Zhang S. et al. 2017, Proc. R. Soc. A 473:20170457; UCI Machine Learning Repository
data set 501). Concentrations are in ug/m3, CO included; ``NA`` marks a missing value.

The reader maps them to canonical names with units (``pm25_ug_m3``, ``co_mg_m3``, ``temp_c``,
``pres_hpa``, ``dewp_c``, ``rain_mm``, ``wd_deg``, ``wspm_m_s``) and the station to
``station_id``, giving the canonical hourly station table of :mod:`ehrisk.io.station_hourly`;
CO is converted to mg/m3 at the
boundary (HJ 633 breakpoints for CO are in mg/m3). All problems of a file are collected and
raised together as :class:`ehrisk.errors.InputError`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.errors import InputError, Problem
from ehrisk.units import compass16_to_deg, ug_m3_to_mg_m3

#: PRSA column -> (canonical name, lower bound, upper bound) for numeric columns.
PRSA_NUMERIC = {
    "PM2.5": ("pm25_ug_m3", 0.0, 5000.0),
    "PM10": ("pm10_ug_m3", 0.0, 5000.0),
    "SO2": ("so2_ug_m3", 0.0, 5000.0),
    "NO2": ("no2_ug_m3", 0.0, 5000.0),
    "CO": ("co_ug_m3", 0.0, 100000.0),
    "O3": ("o3_ug_m3", 0.0, 5000.0),
    "TEMP": ("temp_c", -60.0, 60.0),
    "PRES": ("pres_hpa", 800.0, 1100.0),
    "DEWP": ("dewp_c", -80.0, 50.0),
    "RAIN": ("rain_mm", 0.0, 500.0),
    "WSPM": ("wspm_m_s", 0.0, 80.0),
}
PRSA_TIME = ("year", "month", "day", "hour")
PRSA_REQUIRED = (*PRSA_TIME, *PRSA_NUMERIC, "wd", "station")
POLLUTANT_COLUMNS = ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3",
                     "o3_ug_m3")
MET_COLUMNS = ("temp_c", "pres_hpa", "dewp_c", "rain_mm", "wspm_m_s", "wd_deg")
MAX_PROBLEMS_PER_COLUMN = 20


def read_prsa_file(path: str | Path) -> pd.DataFrame:
    """Read one PRSA station file into canonical hourly columns.

    Parameters
    ----------
    path : str or Path
        A ``PRSA_Data_*.csv`` file.

    Returns
    -------
    DataFrame
        Columns ``station_id, time`` (naive local time, Beijing), the pollutant columns
        ``pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3, co_mg_m3, o3_ug_m3`` [ug/m3; CO mg/m3]
        and the meteorology ``temp_c`` [degC], ``pres_hpa`` [hPa], ``dewp_c`` [degC],
        ``rain_mm`` [mm/h], ``wspm_m_s`` [m/s], ``wd_deg`` [deg, direction the wind blows from].
        Missing values are NaN.

    Raises
    ------
    InputError
        Naming file, row (header = row 1), column and reason for every problem found.
    """
    fname = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputError.single(fname, "file not found")
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError.single(fname, f"not a valid PRSA CSV file: {exc}") from None
    problems: list[Problem] = []
    missing = [c for c in PRSA_REQUIRED if c not in raw.columns]
    if missing:
        raise InputError.single(fname, f"required column(s) missing: {', '.join(missing)}; "
                                f"found: {', '.join(map(str, raw.columns))}")
    if raw.empty:
        raise InputError.single(fname, "the file has a header but no data rows")
    rows = np.arange(len(raw)) + 2
    out = pd.DataFrame(index=raw.index)

    def _num(col: str, lo: float, hi: float, allow_na: bool) -> np.ndarray:
        s = raw[col].str.strip()
        na = s.isin(["", "NA", "NaN", "nan"])
        v = pd.to_numeric(s.where(~na), errors="coerce").to_numpy(dtype=float)
        bad = ~na.to_numpy() & ~np.isfinite(v)
        for i in np.flatnonzero(bad)[:MAX_PROBLEMS_PER_COLUMN]:
            problems.append(Problem(fname, f"not a number: {raw[col].iat[i]!r}", int(rows[i]), col))
        rng = np.isfinite(v) & ((v < lo) | (v > hi))
        for i in np.flatnonzero(rng)[:MAX_PROBLEMS_PER_COLUMN]:
            problems.append(Problem(fname, f"value {v[i]:g} outside the plausible range "
                                    f"[{lo:g}, {hi:g}]", int(rows[i]), col))
        if not allow_na:
            for i in np.flatnonzero(na.to_numpy())[:MAX_PROBLEMS_PER_COLUMN]:
                problems.append(Problem(fname, "value is blank", int(rows[i]), col))
        v[bad | rng] = np.nan
        return v

    t = {c: _num(c, lo, hi, False) for c, (lo, hi) in
         zip(PRSA_TIME, ((1900, 2100), (1, 12), (1, 31), (0, 23)), strict=True)}
    ok = np.all([np.isfinite(t[c]) for c in PRSA_TIME], axis=0)
    time = pd.to_datetime(pd.DataFrame({
        "year": np.where(ok, t["year"], 2000).astype(int),
        "month": np.where(ok, t["month"], 1).astype(int),
        "day": np.where(ok, t["day"], 1).astype(int),
        "hour": np.where(ok, t["hour"], 0).astype(int)}), errors="coerce")
    for i in np.flatnonzero(ok & time.isna().to_numpy())[:MAX_PROBLEMS_PER_COLUMN]:
        problems.append(Problem(fname, "not a valid calendar date", int(rows[i]), "day"))
    for col, (name, lo, hi) in PRSA_NUMERIC.items():
        out[name] = _num(col, lo, hi, True)
    wd = raw["wd"].str.strip().str.upper()
    wd_na = wd.isin(["", "NA", "NAN"])
    try:
        deg = compass16_to_deg(wd.where(~wd_na, "N").to_numpy())
    except KeyError:
        deg = np.full(len(wd), np.nan)
        known = set(("N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW").split())
        for i in np.flatnonzero(~wd_na.to_numpy() & ~wd.isin(known).to_numpy())[
                :MAX_PROBLEMS_PER_COLUMN]:
            problems.append(Problem(fname, f"unknown wind direction {raw['wd'].iat[i]!r}; "
                                    "expected one of the 16 compass points (N, NNE, ...)",
                                    int(rows[i]), "wd"))
    out["wd_deg"] = np.where(wd_na.to_numpy(), np.nan, deg)
    dup = time.duplicated(keep="first") & ok
    for i in np.flatnonzero(dup.to_numpy())[:MAX_PROBLEMS_PER_COLUMN]:
        problems.append(Problem(fname, "hour given twice", int(rows[i]), "hour"))
    stations = raw["station"].str.strip()
    if stations.nunique() > 1:
        problems.append(Problem(fname, "more than one station in the file: "
                                f"{', '.join(sorted(stations.unique())[:5])}", None, "station"))
    if (stations == "").any():
        i = int(np.flatnonzero((stations == "").to_numpy())[0])
        problems.append(Problem(fname, "station name is blank", int(rows[i]), "station"))
    if problems:
        raise InputError(problems)
    out["co_mg_m3"] = ug_m3_to_mg_m3(out.pop("co_ug_m3").to_numpy())
    out.insert(0, "time", time.to_numpy())
    out.insert(0, "station_id", stations.to_numpy())
    return out.sort_values("time").reset_index(drop=True)


def read_prsa_dir(directory: str | Path) -> pd.DataFrame:
    """Read every ``PRSA_Data_*.csv`` station file in ``directory`` (see :func:`read_prsa_file`).

    Problems of all files are collected and raised together. Returns the hourly rows of all
    stations, sorted by station and time.
    """
    d = Path(directory)
    if not d.is_dir():
        raise InputError.single(str(directory), "directory not found")
    files = sorted(d.glob("PRSA_Data_*.csv")) or sorted(d.glob("*.csv"))
    if not files:
        raise InputError.single(str(directory), "no PRSA station files (PRSA_Data_*.csv) found")
    frames, problems = [], []
    for f in files:
        try:
            frames.append(read_prsa_file(f))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["station_id", "time"]).reset_index(drop=True)
