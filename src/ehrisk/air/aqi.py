"""Air Quality Index: HJ 633-2026 (default), HJ 633-2012 and the US EPA AQI (2024).

Every breakpoint, grade, colour, text and rule comes from the packaged tables
``aqi_breakpoints``, ``aqi_grades`` and ``aqi_rules`` (keyed by ``edition``); the code only
implements the arithmetic the standards define:

* IAQI by linear interpolation between breakpoints (HJ 633-2026 eq. (1); HJ 633-2012 eq. (1);
  EPA-454/B-24-002 eq. 1), after rounding (GB/T 8170) or truncating (EPA) the concentration;
* the edge rules above the top breakpoint (fixed IAQI, fall back to another averaging time, or
  cap at the top of the scale);
* AQI = max IAQI; primary pollutant(s), exceeding pollutants, grade, category, colour, health
  effect and advice; the missing-pollutant rule of HJ 633-2026 5.3.

Daily values from hourly data (24-hour means, O3 daily maximum 8-hour average, validity rules of
GB 3095-2012 Table 4 / HJ 663-2013) are formed by :func:`daily_from_hourly`.

Editions: ``"hj633-2026"``, ``"hj633-2012"``, ``"us-epa-2024"``. :func:`aqi_standard_for`
chooses the HJ 633 edition by date.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.refdata import load_table

EDITIONS = ("hj633-2026", "hj633-2012", "us-epa-2024")
ALIASES = {"hj633-2026": "hj633-2026", "hj633-2012": "hj633-2012", "us-epa-2024": "us-epa-2024",
           "us-epa": "us-epa-2024", "epa": "us-epa-2024"}
VALIDITY = "gb3095-2012"

# Indicator -> (pollutant, breakpoint averaging). Indicator names are ehrisk vocabulary.
INDICATORS = {
    "so2_24h": ("SO2", "24h"), "so2_1h": ("SO2", "1h"),
    "no2_24h": ("NO2", "24h"), "no2_1h": ("NO2", "1h"),
    "co_24h": ("CO", "24h"), "co_1h": ("CO", "1h"), "co_8h": ("CO", "8h"),
    "o3_8h": ("O3", "8h"), "o3_1h": ("O3", "1h"),
    "pm10_24h": ("PM10", "24h"), "pm10_1h": ("PM10", "1h"),
    "pm25_24h": ("PM2.5", "24h"), "pm25_1h": ("PM2.5", "1h"),
}
# Data-frame column holding each indicator, per report kind (HJ 633 editions, SI-style units).
DAILY_COLUMNS = {
    "so2_24h": "so2_ug_m3", "no2_24h": "no2_ug_m3", "co_24h": "co_mg_m3",
    "pm10_24h": "pm10_ug_m3", "pm25_24h": "pm25_ug_m3",
    "o3_8h": "o3_8h_ug_m3", "o3_1h": "o3_1h_ug_m3",
}
HOURLY_COLUMNS = {
    "so2_1h": "so2_ug_m3", "no2_1h": "no2_ug_m3", "co_1h": "co_mg_m3",
    "o3_1h": "o3_ug_m3", "o3_8h": "o3_8h_ug_m3",
    "pm10_1h": "pm10_ug_m3", "pm25_1h": "pm25_ug_m3",
    "so2_24h": "so2_24h_ug_m3",
}
# US EPA indicators in the table's native units (ppm / ppb / ug/m3).
EPA_COLUMNS = {
    "o3_8h": "o3_8h_ppm", "o3_1h": "o3_1h_ppm", "pm25_24h": "pm25_ug_m3",
    "pm10_24h": "pm10_ug_m3", "co_8h": "co_8h_ppm", "so2_1h": "so2_1h_ppb",
    "so2_24h": "so2_24h_ppb", "no2_1h": "no2_1h_ppb",
}
# Fallback indicator named by a table row "POLLUTANT:AVERAGING".
_FALLBACK_INDICATOR = {"SO2:24h": "so2_24h", "O3:1h": "o3_1h"}


def _edition(edition: str) -> str:
    key = str(edition).strip().lower()
    if key not in ALIASES:
        raise KeyError(f"unknown AQI standard {edition!r}; known: {', '.join(EDITIONS)}")
    return ALIASES[key]


@cache
def rules(edition: str) -> dict[str, str]:
    """Edition-level rules from table ``aqi_rules`` as ``{rule: value}`` (strings)."""
    ed = edition if edition == VALIDITY else _edition(edition)
    df = load_table("aqi_rules")
    sel = df[df["edition"] == ed]
    return dict(zip(sel["rule"], sel["value"], strict=True))


@cache
def _bp_table() -> pd.DataFrame:
    return load_table("aqi_breakpoints",
                      numeric=["iaqi_lo", "iaqi_hi", "conc_lo", "conc_hi", "conc_decimals",
                               "mw_g_mol"])


def breakpoints(pollutant: str, averaging: str, edition: str = "hj633-2026") -> pd.DataFrame:
    """Breakpoint segments (and the edge-rule row, ``rule`` non-blank) of one indicator.

    Raises KeyError naming what exists if the edition has no such pollutant/averaging.
    """
    ed = _edition(edition)
    df = _bp_table()
    sel = df[(df["edition"] == ed) & (df["pollutant"] == pollutant)
             & (df["averaging"] == averaging)]
    if sel.empty:
        have = df[df["edition"] == ed][["pollutant", "averaging"]].drop_duplicates()
        known = ", ".join(f"{p} {a}" for p, a in have.itertuples(index=False))
        raise KeyError(f"{ed} has no breakpoints for {pollutant} {averaging}; known: {known}")
    return sel.reset_index(drop=True)


def aqi_standard_for(date) -> str:
    """HJ 633 edition in force on ``date``: ``"hj633-2012"`` before 2026-03-01, else 2026.

    Parameters
    ----------
    date : str, datetime.date, datetime.datetime or pandas.Timestamp
        Date of the data [calendar date].

    References
    ----------
    HJ 633-2026 (in force 2026-03-01, replaces HJ 633-2012); dates in table ``aqi_rules``.
    """
    d = pd.Timestamp(date).date() if not isinstance(date, _dt.date) else (
        date.date() if isinstance(date, _dt.datetime) else date)
    start_2026 = _dt.date.fromisoformat(rules("hj633-2026")["effective_from"])
    return "hj633-2026" if d >= start_2026 else "hj633-2012"


def round_gbt8170(x, decimals: int):
    """Round to ``decimals`` per GB/T 8170-2008 (round half to even; 四舍六入五成双) [same unit].

    Values are first snapped to 9 decimals of the scaled value so that binary floating-point
    representation (1.45 stored as 1.4499...) does not decide a tie.
    """
    x = np.asarray(x, dtype=float)
    scale = 10.0 ** np.asarray(decimals, dtype=float)
    return np.rint(np.round(x * scale, 9)) / scale


def truncate(x, decimals: int):
    """Truncate (round toward zero) to ``decimals`` (EPA-454/B-24-002, section IV) [same unit]."""
    x = np.asarray(x, dtype=float)
    scale = 10.0 ** np.asarray(decimals, dtype=float)
    return np.trunc(np.round(x * scale, 9)) / scale


def _round_conc(conc, decimals, method: str):
    if method == "gbt8170":
        return round_gbt8170(conc, decimals)
    if method == "truncate":
        return truncate(conc, decimals)
    return np.asarray(conc, dtype=float)


def _round_index(x, method: str):
    x = np.asarray(x, dtype=float)
    snapped = np.round(x, 9)
    if method == "ceil":
        return np.ceil(snapped)
    if method == "half_up":
        return np.floor(snapped + 0.5)
    raise ValueError(f"unknown index rounding {method!r}")


def iaqi(conc, pollutant: str, averaging: str, edition: str = "hj633-2026", fallback_conc=None,
         rounded: bool = True):
    """Individual AQI (IAQI, 空气质量分指数) of one pollutant, vectorised.

    IAQI_P = (IAQI_Hi - IAQI_Lo) / (BP_Hi - BP_Lo) * (C_P - BP_Lo) + IAQI_Lo, with BP_Lo <= C_P
    <= BP_Hi, after rounding (HJ 633-2026: GB/T 8170) or truncating (EPA) C_P.

    Parameters
    ----------
    conc : array_like
        Concentration [unit of the breakpoint table: ug/m3; CO mg/m3; EPA gases ppm or ppb];
        NaN = missing.
    pollutant : {"SO2", "NO2", "CO", "O3", "PM10", "PM2.5"}
    averaging : {"1h", "8h", "24h"}
        Averaging time of the breakpoint set (HJ 633-2026 hourly PM uses ``"1h"`` rows, which
        repeat the 24h breakpoints per 4.2.4).
    edition : str
        ``"hj633-2026"`` (default), ``"hj633-2012"`` or ``"us-epa-2024"``.
    fallback_conc : array_like, optional
        Concentration for the fallback averaging named by the edge rule (HJ 633-2012: SO2 24h
        for SO2 1h > 800 ug/m3, O3 1h for O3 8h > 800 ug/m3; EPA: O3 1h, SO2 24h) [unit of
        that breakpoint set]. Without it those cases give NaN.
    rounded : bool
        Round the IAQI as the edition says (HJ 633: up to an integer; EPA: nearest integer).

    Returns
    -------
    numpy.ndarray of float
        IAQI [-]; NaN where the concentration is missing or the indicator is undefined there
        (e.g. EPA 1h O3 below 0.125 ppm).

    References
    ----------
    HJ 633-2026, eq. (1), Table 3 and footnotes a-c; HJ 633-2012, eq. (1), Table 1 and notes
    (1)-(3); US EPA EPA-454/B-24-002 (2024), eq. 1 and Table 6.
    """
    ed = _edition(edition)
    c = np.atleast_1d(np.asarray(conc, dtype=float))
    if np.any(c[np.isfinite(c)] < 0):
        raise ValueError(f"negative concentration for {pollutant} {averaging}")
    tab = breakpoints(pollutant, averaging, ed)
    segs = tab[tab["rule"] == ""]
    edge = tab[tab["rule"] != ""]
    rl = rules(ed)
    dec = segs["conc_decimals"].iloc[0]
    cr = _round_conc(c, 0 if np.isnan(dec) else int(dec), rl["conc_rounding"])
    clo, chi = segs["conc_lo"].to_numpy(), segs["conc_hi"].to_numpy()
    ilo, ihi = segs["iaqi_lo"].to_numpy(), segs["iaqi_hi"].to_numpy()
    idx = np.searchsorted(chi, cr, side="left")
    inside = idx < len(chi)
    j = np.minimum(idx, len(chi) - 1)
    out = (ihi[j] - ilo[j]) / (chi[j] - clo[j]) * (cr - clo[j]) + ilo[j]
    out = np.where(inside & (cr >= clo[j]), out, np.nan)
    above = ~inside & np.isfinite(cr)
    if above.any():
        if edge.empty:
            out = np.where(above, float(rl["aqi_max"]), out)
        else:
            row = edge.iloc[0]
            if row["rule"] == "fixed":
                out = np.where(above, row["iaqi_lo"], out)
            elif row["rule"] == "fallback":
                fb_pol, fb_av = row["fallback"].split(":")
                if fallback_conc is None:
                    fb = np.full_like(out, np.nan)
                else:
                    fb = iaqi(np.broadcast_to(np.asarray(fallback_conc, dtype=float), c.shape),
                              fb_pol, fb_av, ed, rounded=False)
                out = np.where(above, fb, out)
            else:
                raise ValueError(f"unknown edge rule {row['rule']!r} in aqi_breakpoints")
    if rounded:
        out = _round_index(out, rl["iaqi_rounding"])
    return out


def indicators(edition: str, report: str) -> list[str]:
    """Indicators of a report kind (``"daily"`` or ``"hourly"``) of an edition (table rules)."""
    ed = _edition(edition)
    if report not in ("daily", "hourly"):
        raise ValueError(f"report must be 'daily' or 'hourly', not {report!r}")
    return rules(ed)[f"{report}_indicators"].split(";")


def _labels(inds: list[str]) -> dict[str, str]:
    pols = [INDICATORS[i][0] for i in inds]
    return {i: (p if pols.count(p) == 1 else f"{p}_{INDICATORS[i][1]}")
            for i, p in zip(inds, pols, strict=True)}


def grades(edition: str = "hj633-2026") -> pd.DataFrame:
    """Grade table of an edition (AQI ranges, categories, colours, texts zh/en, sources)."""
    ed = _edition(edition)
    df = load_table("aqi_grades", numeric=["aqi_low", "aqi_high"])
    return df[df["edition"] == ed].reset_index(drop=True)


def _columns_for(ed: str, report: str) -> dict[str, str]:
    if ed == "us-epa-2024":
        return EPA_COLUMNS
    return DAILY_COLUMNS if report == "daily" else HOURLY_COLUMNS


def aqi_report(df: pd.DataFrame, edition: str = "hj633-2026", report: str = "daily",
               ) -> pd.DataFrame:
    """AQI report per row: IAQI per indicator, AQI, primary and exceeding pollutants, grade.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per station and period. HJ 633 daily columns: ``so2_ug_m3``, ``no2_ug_m3``,
        ``co_mg_m3``, ``pm10_ug_m3``, ``pm25_ug_m3`` (24-hour means) [ug/m3; CO mg/m3],
        ``o3_8h_ug_m3`` (daily max 8-hour mean) and, for 2012, ``o3_1h_ug_m3`` (daily max 1h)
        [ug/m3]. Hourly columns: the 1-hour values under the same names, ``o3_ug_m3`` (1h),
        and for 2012 ``o3_8h_ug_m3`` (8h moving mean) and ``so2_24h_ug_m3`` (for the SO2 edge
        rule). US EPA: ``o3_8h_ppm``, ``o3_1h_ppm``, ``pm25_ug_m3``, ``pm10_ug_m3``,
        ``co_8h_ppm``, ``so2_1h_ppb``, ``so2_24h_ppb``, ``no2_1h_ppb`` (see
        :func:`epa_columns_from_metric`). Missing columns count as missing pollutants. Other
        columns are kept.
    edition : str
        ``"hj633-2026"``, ``"hj633-2012"`` or ``"us-epa-2024"``.
    report : {"daily", "hourly"}
        Daily report (日报) or hourly real-time report (实时报).

    Returns
    -------
    pandas.DataFrame
        Input columns plus ``iaqi_<indicator>``, ``aqi`` (NaN where not available), ``primary``
        (semicolon list, "" when AQI <= 50), ``exceeding`` (IAQI > 100), ``grade``,
        ``grade_en``, ``category_zh``, ``category_en``, ``color``, ``color_hex``,
        ``health_effect_zh/_en``, ``advice_zh/_en``, ``sensitive_groups_zh/_en``, ``edition``,
        ``n_missing``.

    References
    ----------
    HJ 633-2026, 4.2-4.3, 5.1-5.3, Tables 1 and 3; HJ 633-2012, 4-5, Tables 1-2; US EPA
    EPA-454/B-24-002 (2024), section IV.
    """
    ed = _edition(edition)
    inds = indicators(ed, report)
    cols = _columns_for(ed, report)
    rl = rules(ed)
    labels = _labels(inds)
    n = len(df)

    def column(ind):
        name = cols.get(ind)
        if name is None or name not in df.columns:
            return np.full(n, np.nan)
        return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)

    out = df.copy()
    values = {}
    for ind in inds:
        pol, av = INDICATORS[ind]
        fb_ind = None
        tab = breakpoints(pol, av, ed)
        edge = tab[tab["rule"] == "fallback"]
        if not edge.empty:
            fb_ind = _FALLBACK_INDICATOR[edge["fallback"].iloc[0]]
        fb = column(fb_ind) if fb_ind else None
        values[ind] = iaqi(column(ind), pol, av, ed, fallback_conc=fb)
        out[f"iaqi_{ind}"] = values[ind]
    mat = np.column_stack([values[i] for i in inds]) if inds else np.empty((n, 0))
    avail = np.isfinite(mat)
    n_missing = (~avail).sum(axis=1)
    with np.errstate(all="ignore"):
        aqi = np.where(avail.any(axis=1), np.nanmax(np.where(avail, mat, -np.inf), axis=1),
                       np.nan)
    aqi = np.clip(aqi, float(rl["aqi_min"]), float(rl["aqi_max"]))
    if rl.get("missing_publish_above"):
        thr = float(rl["missing_publish_above"])
        aqi = np.where((n_missing > 0) & ~(aqi > thr), np.nan, aqi)
    out["aqi"] = aqi
    out["n_missing"] = n_missing
    prim_thr = float(rl["primary_above_aqi"]) if rl.get("primary_above_aqi") else -np.inf
    exc_thr = float(rl["exceed_above_iaqi"]) if rl.get("exceed_above_iaqi") else np.inf
    capped = np.minimum(mat, float(rl["aqi_max"]))
    primary, exceeding = [], []
    for r in range(n):
        a = aqi[r]
        if np.isfinite(a) and a > prim_thr:
            primary.append(";".join(labels[i] for k, i in enumerate(inds) if capped[r, k] == a))
        else:
            primary.append("")
        exceeding.append(";".join(labels[i] for k, i in enumerate(inds)
                                  if np.isfinite(mat[r, k]) and mat[r, k] > exc_thr))
    out["primary"] = primary
    out["exceeding"] = exceeding
    g = grades(ed)
    lows = g["aqi_low"].to_numpy()
    gi = np.searchsorted(lows, np.nan_to_num(aqi, nan=-1.0), side="right") - 1
    ok = np.isfinite(aqi) & (gi >= 0)
    fields = {"grade": "grade", "grade_en": "grade_en", "category_zh": "category_zh",
              "category_en": "category_en", "color": "color_zh", "color_hex": "color_hex",
              "health_effect_zh": "health_effect_zh", "health_effect_en": "health_effect_en",
              "advice_zh": "advice_zh", "advice_en": "advice_en",
              "sensitive_groups_zh": "sensitive_groups_zh",
              "sensitive_groups_en": "sensitive_groups_en"}
    for name, src in fields.items():
        vals = g[src].to_numpy(dtype=object)
        out[name] = np.where(ok, vals[np.clip(gi, 0, len(g) - 1)], "")
    out["edition"] = ed
    return out


def daily_report(df: pd.DataFrame, edition: str = "hj633-2026") -> pd.DataFrame:
    """Daily AQI report (日报); see :func:`aqi_report` (HJ 633-2026 5.1; HJ 633-2012 5.1)."""
    return aqi_report(df, edition, "daily")


def hourly_report(df: pd.DataFrame, edition: str = "hj633-2026") -> pd.DataFrame:
    """Hourly real-time AQI report (实时报); see :func:`aqi_report` (HJ 633-2026 5.2)."""
    return aqi_report(df, edition, "hourly")


def epa_columns_from_metric(df: pd.DataFrame) -> pd.DataFrame:
    """Add US EPA native-unit columns converted from ug/m3 (CO mg/m3) columns.

    ``so2_ug_m3`` -> ``so2_1h_ppb``, ``so2_24h_ug_m3`` -> ``so2_24h_ppb``, ``no2_ug_m3`` ->
    ``no2_1h_ppb``, ``co_mg_m3`` -> ``co_8h_ppm``, ``o3_8h_ug_m3`` -> ``o3_8h_ppm``,
    ``o3_1h_ug_m3`` or ``o3_ug_m3`` -> ``o3_1h_ppm``; conversion at 25 C and 1 atm with the
    molar masses in table ``aqi_breakpoints``. The averaging times must already be those of
    the EPA indicator (the caller's responsibility).

    Parameters
    ----------
    df : pandas.DataFrame
        Concentrations [ug/m3; CO mg/m3].

    References
    ----------
    US EPA EPA-454/B-24-002 (2024), Table 6 units; ideal-gas conversion in ``ehrisk.units``.
    """
    out = df.copy()
    mw = _bp_table()
    mw = mw[(mw["edition"] == "us-epa-2024") & mw["mw_g_mol"].notna()]
    mw = mw.groupby("pollutant")["mw_g_mol"].first().to_dict()
    spec = [("so2_ug_m3", "so2_1h_ppb", "SO2", 1.0), ("so2_24h_ug_m3", "so2_24h_ppb", "SO2", 1.0),
            ("no2_ug_m3", "no2_1h_ppb", "NO2", 1.0), ("o3_8h_ug_m3", "o3_8h_ppm", "O3", 1e-3),
            ("o3_1h_ug_m3", "o3_1h_ppm", "O3", 1e-3), ("o3_ug_m3", "o3_1h_ppm", "O3", 1e-3)]
    for src, dst, pol, f in spec:
        if src in df.columns and dst not in out.columns:
            out[dst] = units.ug_m3_to_ppb(pd.to_numeric(df[src], errors="coerce"), mw[pol]) * f
    if "co_mg_m3" in df.columns and "co_8h_ppm" not in out.columns:
        ug = units.mg_m3_to_ug_m3(pd.to_numeric(df["co_mg_m3"], errors="coerce"))
        out["co_8h_ppm"] = units.ug_m3_to_ppb(ug, mw["CO"]) * 1e-3
    return out


def daily_from_hourly(df: pd.DataFrame, time_col: str = "time",
                      station_col: str | None = "station_id") -> pd.DataFrame:
    """Daily values from hourly values with the data-validity rules of GB 3095 / HJ 663.

    A thin wrapper of :func:`ehrisk.air.daily_stats.daily_values` (the one implementation,
    also used by the forecast): 24-hour means of ``pm25_ug_m3``, ``pm10_ug_m3``,
    ``so2_ug_m3``, ``no2_ug_m3``, ``co_mg_m3`` (valid with at least 20 hourly values);
    ``o3_8h_ug_m3`` = daily maximum of the 8-hour moving means ending 08:00-24:00 (each valid
    with at least 6 of its 8 hours; the maximum valid with at least 14 valid windows);
    ``o3_1h_ug_m3`` = daily maximum 1-hour value (valid with 20 hours). Thresholds from table
    ``aqi_rules`` (``gb3095-2012``).

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows; ``time_col`` marks the start of the hour (00:00-23:00, local time);
        pollutant columns [ug/m3; CO mg/m3], O3 as ``o3_ug_m3``. Duplicated station-hours
        raise ValueError.
    time_col : str
        Timestamp column.
    station_col : str or None
        Station column (default ``station_id``, the canonical station table; None: a single
        station).

    Returns
    -------
    pandas.DataFrame
        One row per station and day: ``date``, the daily columns above, ``n_hours_<col>`` and
        ``n_windows_o3_8h``.

    References
    ----------
    GB 3095-2012, Table 4 (数据统计的有效性规定); HJ 663-2013 (O3 8-hour moving average and daily
    maximum 8-hour average); HJ 633-2026 5.1 (calendar day).
    """
    from ehrisk.air.daily_stats import daily_values

    return daily_values(df, station_col=station_col, time_col=time_col)


def aqi_daily_reports(hourly: pd.DataFrame, standard: str = "auto",
                      station_col: str = "station_id") -> pd.DataFrame:
    """Daily AQI report (日报) per station and calendar day from the hourly station table.

    Daily values by :func:`daily_from_hourly` (GB 3095 / HJ 663 validity rules), then
    :func:`daily_report` with the HJ 633 edition in force on each day (``standard="auto"``,
    :func:`aqi_standard_for`) or the edition given.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Canonical hourly station table (:mod:`ehrisk.io.station_hourly`): ``station_id``,
        ``time`` (start of hour, local time) and the pollutant columns [ug/m3; CO mg/m3].
    standard : str
        ``"auto"`` (edition by date), ``"hj633-2026"``, ``"hj633-2012"``; ``"us-epa-2024"``
        converts the daily means with :func:`epa_columns_from_metric` (24-hour means stand in
        for the EPA averaging times; for screening only).
    station_col : str
        Station column.

    Returns
    -------
    pandas.DataFrame
        ``station_id, date`` (ISO date string), the daily values, ``n_hours_*`` and the
        :func:`aqi_report` columns (``aqi``, ``primary``, ``grade``, ..., ``edition``), sorted
        by station and date.

    References
    ----------
    HJ 633-2026 5.1 and HJ 633-2012 5.1 (daily report); GB 3095-2012 Table 4; HJ 663-2013.
    """
    daily = daily_from_hourly(hourly, station_col=station_col)
    return _reports_by_edition(daily, standard, "daily", "date")


def aqi_hourly_reports(hourly: pd.DataFrame, standard: str = "auto",
                       station_col: str = "station_id") -> pd.DataFrame:
    """Hourly real-time AQI report (实时报) per station and hour from the hourly station table.

    The 1-hour values, plus the 8-hour O3 and 24-hour SO2 moving means
    (:func:`ehrisk.air.daily_stats.hourly_moving_means`) that HJ 633-2012's hourly report uses;
    edition by date (``"auto"``) or as given.

    Parameters
    ----------
    hourly : pandas.DataFrame
        Canonical hourly station table [ug/m3; CO mg/m3].
    standard : str
        ``"auto"``, ``"hj633-2026"`` or ``"hj633-2012"`` (``"us-epa-2024"`` as in
        :func:`aqi_daily_reports`).
    station_col : str
        Station column.

    Returns
    -------
    pandas.DataFrame
        The input rows with ``o3_8h_ug_m3``, ``so2_24h_ug_m3`` and the :func:`aqi_report`
        columns.

    References
    ----------
    HJ 633-2026 5.2; HJ 633-2012 5.2 (real-time report); GB 3095-2012 Table 4.
    """
    from ehrisk.air.daily_stats import hourly_moving_means

    h = hourly_moving_means(hourly, station_col=station_col)
    h = h.sort_values([station_col, "time"]).reset_index(drop=True)
    return _reports_by_edition(h, standard, "hourly", "time")


def _reports_by_edition(df: pd.DataFrame, standard: str, report: str, date_col: str
                        ) -> pd.DataFrame:
    if df.empty:
        return aqi_report(df, "hj633-2026" if standard == "auto" else standard, report)
    key = str(standard).strip().lower()
    if key == "auto":
        eds = pd.Series([aqi_standard_for(d) for d in pd.to_datetime(df[date_col])],
                        index=df.index)
    else:
        eds = pd.Series(_edition(key), index=df.index)
    parts = []
    for ed, part in df.groupby(eds, sort=False):
        src = epa_columns_from_metric(part) if ed == "us-epa-2024" else part
        parts.append(aqi_report(src, ed, report))
    out = pd.concat(parts).sort_index()
    if date_col == "date":
        out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out.reset_index(drop=True)


def summary(row: pd.Series, edition: str, report: str) -> dict:
    """A JSON-ready summary of one report row: aqi, iaqi by label, primary, grade, texts."""
    ed = _edition(edition)
    inds = indicators(ed, report)
    labels = _labels(inds)

    def num(v):
        return None if not np.isfinite(v) else int(v)

    return {
        "standard": ed, "averaging": report,
        "aqi": num(float(row["aqi"])),
        "iaqi": {labels[i]: num(float(row[f"iaqi_{i}"])) for i in inds},
        "primary": [p for p in str(row["primary"]).split(";") if p],
        "exceeding": [p for p in str(row["exceeding"]).split(";") if p],
        "grade": row["grade"] or None, "category": row["category_zh"] or None,
        "category_en": row["category_en"] or None, "color": row["color"] or None,
        "color_hex": row["color_hex"] or None,
        "health_effect": row["health_effect_zh"] or None,
        "health_effect_en": row["health_effect_en"] or None,
        "advice": row["advice_zh"] or None, "advice_en": row["advice_en"] or None,
        "sensitive_groups": row["sensitive_groups_zh"] or None,
        "sensitive_groups_en": row["sensitive_groups_en"] or None,
    }
