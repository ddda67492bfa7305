"""Readers for daily health-and-pollution series: the NMMAPS ``.rda`` file and daily CSVs.

Both return one row per calendar day (gaps filled with missing values, so that lags are
counted in days) with canonical column names carrying units:

============  ==========================================  =========================
column        meaning                                     from NMMAPS (``chicagoNMMAPS``)
============  ==========================================  =========================
date          calendar day (datetime64)                   ``date``
death         non-accidental deaths [count/day]           ``death``
cvd           cardiovascular deaths [count/day]           ``cvd``
resp          respiratory deaths [count/day]              ``resp``
temp_c        daily mean temperature [degC]               ``temp``
rh_pct        daily mean relative humidity [%]            ``rhum``
dewpoint_c    dew point [degC]                            ``dptp`` (degF, converted)
holiday       public holiday [0/1]                        (none)
pm10_ug_m3    PM10 [ug/m3]                                ``pm10``
o3_ppb        ozone [ppb]                                 ``o3``
pm25_ug_m3, o3_ug_m3, no2_ug_m3, so2_ug_m3 [ug/m3], co_mg_m3 [mg/m3]     (CSV only)
============  ==========================================  =========================

CSV headers may be English or Chinese (aliases below); every problem in the file (missing
columns, unparsable dates, repeated dates, negative counts, text in numeric cells) is reported
at once with file, row and column.

References
----------
Peng RD, Welty LJ (2004). The NMMAPSdata package. R News 4(2):10-14.
Gasparrini A (2011). J Stat Softw 43(8) (the ``chicagoNMMAPS`` data of the R package dlnm).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.errors import InputError, ProblemCollector
from ehrisk.io.tables import Column, Schema, parse_frame, read_raw
from ehrisk.units import f_to_c

OUTCOME_COLUMNS = ("death", "cvd", "resp")
#: pollutant columns a daily CSV may carry: canonical name -> aliases
POLLUTANT_ALIASES = {
    "pm25_ug_m3": ("pm2.5", "pm25", "pm2_5", "PM2.5(ug/m3)", "细颗粒物"),
    "pm10_ug_m3": ("pm10", "PM10(ug/m3)", "可吸入颗粒物"),
    "o3_ug_m3": ("o3", "ozone", "臭氧"),
    "o3_8h_ug_m3": ("o3_8h", "o3-8h", "o38h", "臭氧8小时"),
    "no2_ug_m3": ("no2", "二氧化氮"),
    "so2_ug_m3": ("so2", "二氧化硫"),
    "co_mg_m3": ("co", "一氧化碳"),
}

DAILY_SCHEMA = Schema([
    Column("date", "str", aliases=("日期", "day", "time_date"), description="calendar day"),
    Column("death", "float", required=False, allow_blank=True, min_value=0,
           aliases=("deaths", "total", "nonaccidental", "非意外死亡", "死亡", "总死亡")),
    Column("cvd", "float", required=False, allow_blank=True, min_value=0,
           aliases=("cardiovascular", "心血管", "心血管死亡")),
    Column("resp", "float", required=False, allow_blank=True, min_value=0,
           aliases=("respiratory", "呼吸", "呼吸系统死亡")),
    Column("temp_c", "float", allow_blank=True, min_value=-60, max_value=60,
           aliases=("temp", "temperature", "tmean", "气温", "平均气温", "温度")),
    Column("rh_pct", "float", required=False, allow_blank=True, min_value=0, max_value=100,
           aliases=("rh", "rhum", "humidity", "相对湿度", "湿度")),
    Column("dewpoint_c", "float", required=False, allow_blank=True, min_value=-80, max_value=50,
           aliases=("dewpoint", "dew_point", "dewp", "露点", "露点温度")),
    Column("holiday", "bool", required=False, allow_blank=True, aliases=("节假日", "假日")),
    *(Column(name, "float", required=False, allow_blank=True, min_value=0, aliases=aliases)
      for name, aliases in POLLUTANT_ALIASES.items()),
], name="daily series")

NMMAPS_RENAME = {"temp": "temp_c", "rhum": "rh_pct", "pm10": "pm10_ug_m3", "o3": "o3_ppb"}


def read_daily_series(path: str | Path) -> pd.DataFrame:
    """Read a daily series from an R data file (``.rda``/``.RData``, via pyreadr) or a CSV/XLSX.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    DataFrame
        One row per calendar day from the first to the last date, canonical columns (see the
        module docstring); ``attrs["units"]`` maps each pollutant column to its unit and
        ``attrs["source"]`` names the file.

    Raises
    ------
    InputError
        Listing every problem of the file (file, row, column, reason).
    """
    p = Path(path)
    if p.suffix.lower() in (".rda", ".rdata", ".rds"):
        df = _read_rda(p)
    else:
        df = _read_csv(p)
    return complete_calendar(df, str(path))


def _read_rda(p: Path) -> pd.DataFrame:
    import pyreadr

    fname = str(p)
    if not p.exists():
        raise InputError.single(fname, "file not found")
    try:
        objs = pyreadr.read_r(str(p))
    except Exception as exc:  # pyreadr raises its own error types for broken files
        raise InputError.single(fname, f"cannot read R data file: {exc}") from None
    frames = [v for v in objs.values() if isinstance(v, pd.DataFrame)]
    if not frames:
        raise InputError.single(fname, "no data frame in the R data file")
    raw = frames[0].copy()
    pc = ProblemCollector(fname)
    for need in ("date", "death", "temp"):
        if need not in raw.columns:
            pc.add(f"required column missing; found: {', '.join(map(str, raw.columns))}",
                   column=need)
    pc.raise_if_any()
    df = raw.rename(columns=NMMAPS_RENAME)
    if "dptp" in df.columns:
        df["dewpoint_c"] = f_to_c(df.pop("dptp").to_numpy(float))
    keep = ["date", *[c for c in OUTCOME_COLUMNS if c in df.columns], "temp_c",
            *[c for c in ("rh_pct", "dewpoint_c", "holiday") if c in df.columns],
            *[c for c in ("pm10_ug_m3", "o3_ppb") if c in df.columns]]
    out = df[keep].copy()
    out["date"] = pd.to_datetime(out["date"].astype(str), errors="coerce")
    for c in keep[1:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out.attrs["units"] = {"pm10_ug_m3": "ug/m3", "o3_ppb": "ppb"}
    return _check_dates(out, fname, first_data_row=1)


def _read_csv(p: Path) -> pd.DataFrame:
    fname = str(p)
    raw = read_raw(p)
    df = parse_frame(raw, DAILY_SCHEMA, fname)
    pc = ProblemCollector(fname)
    outcomes = [c for c in OUTCOME_COLUMNS if c in df.columns]
    if not outcomes:
        pc.add("no outcome column: expected at least one of death, cvd, resp "
               "(or 死亡 / 心血管 / 呼吸)")
    pollutants = [c for c in POLLUTANT_ALIASES if c in df.columns]
    if not pollutants:
        pc.add("no pollutant column: expected at least one of "
               + ", ".join(POLLUTANT_ALIASES))
    pc.raise_if_any()
    known = ["date", *outcomes, "temp_c",
             *[c for c in ("rh_pct", "dewpoint_c", "holiday") if c in df.columns], *pollutants]
    out = df[known].copy()
    if "holiday" in out.columns:
        out["holiday"] = out["holiday"].map(lambda v: 1.0 if v is True else 0.0)
    out["date"] = pd.to_datetime(df["date"], errors="coerce")
    out.attrs["units"] = {c: ("mg/m3" if c.endswith("_mg_m3") else "ug/m3") for c in pollutants}
    return _check_dates(out, fname, first_data_row=2, raw_dates=df["date"])


def _check_dates(df: pd.DataFrame, fname: str, first_data_row: int,
                 raw_dates: pd.Series | None = None) -> pd.DataFrame:
    pc = ProblemCollector(fname)
    bad = df.index[df["date"].isna()].tolist()
    for i in bad[:50]:
        shown = raw_dates.iloc[i] if raw_dates is not None else ""
        pc.add(f"not a date: {shown!r} (use YYYY-MM-DD)", row=i + first_data_row, column="date")
    dup = df["date"].duplicated(keep="first") & df["date"].notna()
    for i in df.index[dup].tolist()[:50]:
        pc.add(f"date {df['date'].iloc[i].date()} appears more than once",
               row=i + first_data_row, column="date")
    pc.raise_if_any()
    return df


def complete_calendar(df: pd.DataFrame, source: str = "") -> pd.DataFrame:
    """Sort by date and insert missing days as rows of NaN (lags count calendar days)."""
    units = dict(df.attrs.get("units", {}))
    d = df.sort_values("date").set_index("date")
    full = pd.date_range(d.index.min(), d.index.max(), freq="D")
    out = d.reindex(full).rename_axis("date").reset_index()
    out.attrs["units"] = units
    out.attrs["source"] = source
    out.attrs["n_input_rows"] = len(df)
    return out


def pollutant_columns(data: pd.DataFrame) -> list[str]:
    """Pollutant columns present (those with a unit in ``attrs['units']``)."""
    return [c for c in data.attrs.get("units", {}) if c in data.columns]


def resolve_exposure(data: pd.DataFrame, name: str) -> str:
    """Map a short name (``pm10``, ``o3``, ``pm2.5``) to the pollutant column of ``data``.

    Raises KeyError naming the pollutant columns that exist.
    """
    cols = pollutant_columns(data) or [c for c in data.columns if c not in
                                       ("date", *OUTCOME_COLUMNS, "temp_c", "rh_pct",
                                        "dewpoint_c", "holiday")]
    key = name.strip().lower().replace(".", "").replace("_", "")
    if name in cols:
        return name
    for c in cols:
        if c.split("_")[0].replace(".", "") == key:
            return c
    raise KeyError(f"no pollutant {name!r} in the data; available: {', '.join(cols)}")


def data_summary(data: pd.DataFrame) -> pd.DataFrame:
    """Per-column summary (n, missing, mean, sd, percentiles) for the model card."""
    rows = []
    for c in data.columns:
        if c == "date":
            continue
        v = data[c].to_numpy(float)
        ok = v[np.isfinite(v)]
        rows.append({"variable": c, "unit": data.attrs.get("units", {}).get(c, ""),
                     "n": int(ok.size), "missing": int(v.size - ok.size),
                     "mean": float(ok.mean()) if ok.size else np.nan,
                     "sd": float(ok.std(ddof=1)) if ok.size > 1 else np.nan,
                     "min": float(ok.min()) if ok.size else np.nan,
                     "p25": float(np.quantile(ok, 0.25)) if ok.size else np.nan,
                     "median": float(np.median(ok)) if ok.size else np.nan,
                     "p75": float(np.quantile(ok, 0.75)) if ok.size else np.nan,
                     "max": float(ok.max()) if ok.size else np.nan})
    return pd.DataFrame(rows)
