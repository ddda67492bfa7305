"""Daily AQI, primary pollutant and grade of daily pollutant tables, for forecasts.

The forecast needs the daily AQI of observed and forecast daily values, keyed by HJ 633
edition. When :mod:`ehrisk.air.aqi` (the project's AQI module) provides ``daily_aqi_frame``,
it is used; otherwise the computation here reads the same packaged tables
(``aqi_breakpoints``, ``aqi_grades``) so that no breakpoint is written in code.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from ehrisk.refdata import RefdataError, load_table

EDITIONS = ("hj633-2012", "hj633-2026")
#: Daily-report indicators per edition: (daily column, pollutant, averaging) — HJ 633-2012
#: 5.2 (seven indicators incl. O3 daily max 1-hour); HJ 633-2026 daily report (six, O3 1-hour
#: dropped; see ../shared/refdata/SOURCES.md).
DAILY_INDICATORS = {
    "hj633-2012": (("so2_ug_m3", "SO2", "24h"), ("no2_ug_m3", "NO2", "24h"),
                   ("pm10_ug_m3", "PM10", "24h"), ("co_mg_m3", "CO", "24h"),
                   ("o3_1h_ug_m3", "O3", "1h"), ("o3_8h_ug_m3", "O3", "8h"),
                   ("pm25_ug_m3", "PM2.5", "24h")),
    "hj633-2026": (("so2_ug_m3", "SO2", "24h"), ("no2_ug_m3", "NO2", "24h"),
                   ("pm10_ug_m3", "PM10", "24h"), ("co_mg_m3", "CO", "24h"),
                   ("o3_8h_ug_m3", "O3", "8h"), ("pm25_ug_m3", "PM2.5", "24h")),
}
PRIMARY_NAMES = {"so2_ug_m3": "SO2", "no2_ug_m3": "NO2", "pm10_ug_m3": "PM10",
                 "co_mg_m3": "CO", "o3_1h_ug_m3": "O3", "o3_8h_ug_m3": "O3",
                 "pm25_ug_m3": "PM2.5"}


def _edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"unknown AQI edition {edition!r}; known: {', '.join(EDITIONS)}")
    return edition


@cache
def _segments(edition: str, pollutant: str, averaging: str):
    t = load_table("aqi_breakpoints", numeric=["iaqi_lo", "iaqi_hi", "conc_lo", "conc_hi"])
    s = t[(t["edition"] == edition) & (t["pollutant"] == pollutant)
          & (t["averaging"] == averaging)].sort_values("conc_lo")
    if s.empty:
        raise RefdataError(f"no AQI breakpoints for {edition} {pollutant} {averaging}")
    seg = s[s["conc_hi"].notna()]
    above = s[s["conc_hi"].isna()]
    fixed = above[above["rule"] == "fixed"]["iaqi_lo"]
    fallback = above[above["rule"] == "fallback"]["fallback"]
    return (seg["conc_lo"].to_numpy(), seg["conc_hi"].to_numpy(), seg["iaqi_lo"].to_numpy(),
            seg["iaqi_hi"].to_numpy(),
            float(fixed.iloc[0]) if len(fixed) else np.nan,
            str(fallback.iloc[0]) if len(fallback) else "")


def iaqi(conc, edition: str, pollutant: str, averaging: str) -> np.ndarray:
    """Individual AQI of one daily indicator, via :func:`ehrisk.air.aqi.iaqi`.

    Parameters
    ----------
    conc : array_like
        Concentration [ug/m3; CO mg/m3] for the averaging time.
    edition : {"hj633-2012", "hj633-2026"}
    pollutant, averaging : str
        As in the ``aqi_breakpoints`` table (e.g. ``"PM2.5", "24h"``).

    Returns
    -------
    ndarray
        IAQI [-], rounded up; NaN where ``conc`` is NaN or where the standard refers to
        another averaging time (handled in :func:`daily_aqi_frame`).

    References
    ----------
    HJ 633-2012 eq. (1) and Table 1; HJ 633-2026 eq. (1) and Table 3.
    """
    from ehrisk.air.aqi import iaqi as _iaqi
    return np.asarray(_iaqi(np.asarray(conc, dtype=float), pollutant, averaging,
                            _edition(edition)), dtype=float)


def _fallback_of(edition: str, pollutant: str, averaging: str) -> str:
    return _segments(edition, pollutant, averaging)[5]


def daily_aqi_frame(daily: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Daily AQI and primary pollutant of daily pollutant values.

    Parameters
    ----------
    daily : DataFrame
        Daily values with the columns of :data:`DAILY_INDICATORS` [ug/m3; CO mg/m3].
    edition : {"hj633-2012", "hj633-2026"}

    Returns
    -------
    DataFrame
        ``aqi`` [-] (maximum IAQI over the available indicators), ``primary_pollutant``
        (pollutant with the largest IAQI where AQI > 50, else ""), and ``iaqi_<column>``.

    References
    ----------
    HJ 633-2012 5.2 and 6 (AQI = max IAQI; primary pollutant where AQI > 50);
    HJ 633-2026 (same rule, six daily indicators).
    """
    ind = DAILY_INDICATORS[_edition(edition)]
    cols = {}
    for col, pol, avg in ind:
        if col not in daily:
            raise KeyError(f"daily table lacks column {col!r} needed for the {edition} AQI")
        v = iaqi(daily[col].to_numpy(dtype=float), edition, pol, avg)
        fb = _fallback_of(edition, pol, avg)
        if fb:
            fpol, favg = fb.split(":")
            fcol = next(c for c, p, a in ind if p == fpol and a == favg)
            over = np.isnan(v) & np.isfinite(daily[col].to_numpy(dtype=float))
            v = np.where(over, iaqi(daily[fcol].to_numpy(dtype=float), edition, fpol, favg), v)
        cols[f"iaqi_{col}"] = v
    iaqi_mat = np.column_stack(list(cols.values()))
    any_ok = np.isfinite(iaqi_mat).any(axis=1)
    aqi = np.full(len(daily), np.nan)
    aqi[any_ok] = np.nanmax(iaqi_mat[any_ok], axis=1)
    arg = np.argmax(np.where(np.isfinite(iaqi_mat), iaqi_mat, -1.0), axis=1)
    names = np.array([PRIMARY_NAMES[c] for c, _, _ in ind], dtype=object)
    grades = grade_table(edition)
    good_hi = float(grades["aqi_high"].iloc[0])
    primary = np.where(any_ok & (aqi > good_hi), names[arg], "")
    out = pd.DataFrame(cols, index=daily.index)
    out.insert(0, "primary_pollutant", primary)
    out.insert(0, "aqi", aqi)
    return out


@cache
def _grades(edition: str) -> pd.DataFrame:
    g = load_table("aqi_grades", numeric=["aqi_low", "aqi_high"])
    g = g[g["edition"] == edition].sort_values("aqi_low").reset_index(drop=True)
    if g.empty:
        raise RefdataError(f"no AQI grades for edition {edition!r}")
    return g


def grade_table(edition: str) -> pd.DataFrame:
    """AQI grades of one edition (``aqi_low, aqi_high, grade, category_zh, ...``), in order."""
    return _grades(_edition(edition)).copy()


def grade_number(aqi, edition: str) -> np.ndarray:
    """AQI grade as 1..6 (一级 .. 六级); 0 where AQI is NaN.

    References
    ----------
    HJ 633-2012 Table 2; HJ 633-2026 Table 1.
    """
    hi = _grades(_edition(edition))["aqi_high"].to_numpy()
    a = np.ceil(np.asarray(aqi, dtype=float))
    g = np.searchsorted(hi[:-1], a, side="left") + 1
    return np.where(np.isfinite(a), g, 0)


def grade_bounds(edition: str) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper AQI of each grade (index 0 = grade 1) [-]."""
    g = _grades(_edition(edition))
    return g["aqi_low"].to_numpy(), g["aqi_high"].to_numpy()


def default_edition(dates) -> str:
    """HJ 633 edition in force on the last of ``dates``: HJ 633-2026 from 2026-03-01
    (its date of entry into force), HJ 633-2012 before."""
    from ehrisk.air.aqi import aqi_standard_for

    return aqi_standard_for(pd.to_datetime(pd.Series(dates)).max())
