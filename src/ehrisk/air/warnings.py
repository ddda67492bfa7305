"""Heavy-pollution weather warnings (重污染天气预警) and AQHI health warnings.

Warning levels are read from the packaged table ``warning_levels`` (one row per condition; a
level is reached when all conditions of one of its clauses hold). A condition is "the forecast
daily index exceeds (``gt``) or reaches (``ge``) ``threshold`` on at least ``min_days``
consecutive days". Schemes:

- ``mee-2024`` (default): 《关于进一步优化重污染天气应对机制的指导意见》环大气〔2024〕6号 —
  yellow / orange / red (no blue level).
- ``mep-2017``: the 2017 grading adopted in 环办大气函〔2018〕875号 — blue / yellow / orange / red.
- ``aqhi-hc``: AQHI health warnings at the "high" and "very high" categories of the AQHI scale
  (Health Canada; Stieb et al. 2008).

Episodes are runs of consecutive forecast days on which the lowest threshold of the scheme is
exceeded; each episode of each area gives one warning record at the highest level reached.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.refdata import RefdataError, load_table

SCHEMES = ("mee-2024", "mep-2017", "aqhi-hc")
RECORD_COLUMNS = ("area", "scheme", "level", "level_zh", "level_rank", "start", "end",
                  "days", "peak_index", "index", "message_zh", "message_en", "actions_zh",
                  "actions_en", "source")


def warning_levels(scheme: str = "mee-2024") -> pd.DataFrame:
    """Conditions of one warning scheme (rows of the ``warning_levels`` table)."""
    if scheme not in SCHEMES:
        raise RefdataError(f"unknown warning scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    t = load_table("warning_levels", numeric=["level_rank", "threshold", "min_days"])
    return t[t["scheme"] == scheme].reset_index(drop=True)


def _longest_run(mask: np.ndarray) -> int:
    best = cur = 0
    for m in mask:
        cur = cur + 1 if m else 0
        best = max(best, cur)
    return best


def _exceeds(values: np.ndarray, comparison: str, threshold: float) -> np.ndarray:
    if comparison == "gt":
        return values > threshold
    if comparison == "ge":
        return values >= threshold
    raise RefdataError(f"warning_levels: unknown comparison {comparison!r} (expected gt/ge)")


def level_for_sequence(values, scheme: str = "mee-2024") -> pd.Series | None:
    """Highest warning level whose clause holds for a run of daily index values.

    Parameters
    ----------
    values : array_like
        Forecast daily AQI (or AQHI for ``aqhi-hc``) of consecutive days [-].
    scheme : str
        Warning scheme (see module docstring).

    Returns
    -------
    Series or None
        The table row of the level reached (first condition row of the satisfied clause), or
        None when no level is reached.

    References
    ----------
    环大气〔2024〕6号 预警分级; 环办大气函〔2018〕875号 (2017 grading).
    """
    v = np.asarray(values, dtype=float)
    lv = warning_levels(scheme)
    best = None
    for (_rank, _level, _clause), rows in lv.groupby(["level_rank", "level", "clause"],
                                                     sort=True):
        ok = all(_longest_run(_exceeds(v, r.comparison, r.threshold)) >= r.min_days
                 for r in rows.itertuples())
        if ok and (best is None or rows["level_rank"].iloc[0] > best["level_rank"]):
            best = rows.iloc[0]
    return best


def issue_warnings(forecast: pd.DataFrame, scheme: str = "mee-2024", index: str | None = None,
                   area_col: str = "area", date_col: str = "target_date") -> pd.DataFrame:
    """Warning records from a daily forecast table.

    Parameters
    ----------
    forecast : DataFrame
        One row per area and forecast day with ``area_col``, ``date_col`` and the index
        column (``aqi`` for the heavy-pollution schemes, ``aqhi`` for ``aqhi-hc``) [-].
    scheme : str
        ``"mee-2024"`` (default), ``"mep-2017"`` or ``"aqhi-hc"``.
    index : str or None
        Column of the index; default ``aqi`` or ``aqhi`` by scheme.

    Returns
    -------
    DataFrame
        Columns :data:`RECORD_COLUMNS`: one record per area and episode with the level
        reached, the first and last day of the episode, its length [d], the peak index, the
        public messages (zh, en), response actions and the source of the thresholds.
    """
    lv = warning_levels(scheme)
    col = index or ("aqhi" if scheme == "aqhi-hc" else "aqi")
    for c in (area_col, date_col, col):
        if c not in forecast:
            raise KeyError(f"forecast table lacks column {c!r}")
    low = lv.sort_values("threshold").iloc[0]
    records = []
    for area, part in forecast.groupby(area_col, sort=True):
        p = part.sort_values(date_col)
        dates = pd.to_datetime(p[date_col]).to_numpy()
        vals = p[col].to_numpy(dtype=float)
        on = _exceeds(np.nan_to_num(vals, nan=-np.inf), low.comparison, low.threshold)
        gaps = np.r_[True, np.diff(dates) != np.timedelta64(1, "D")]
        i = 0
        while i < len(vals):
            if not on[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(vals) and on[j + 1] and not gaps[j + 1]:
                j += 1
            row = level_for_sequence(vals[i:j + 1], scheme)
            if row is not None:
                records.append({
                    "area": area, "scheme": scheme, "level": row["level"],
                    "level_zh": row["level_zh"], "level_rank": int(row["level_rank"]),
                    "start": pd.Timestamp(dates[i]).date().isoformat(),
                    "end": pd.Timestamp(dates[j]).date().isoformat(), "days": j - i + 1,
                    "peak_index": float(np.nanmax(vals[i:j + 1])), "index": col,
                    "message_zh": row["message_zh"], "message_en": row["message_en"],
                    "actions_zh": row["actions_zh"], "actions_en": row["actions_en"],
                    "source": row["source"]})
            i = j + 1
    return pd.DataFrame(records, columns=list(RECORD_COLUMNS))


def issue_aqhi_warnings(forecast: pd.DataFrame, level_col: str = "aqhi",
                        area_col: str = "area", date_col: str = "target_date") -> pd.DataFrame:
    """AQHI health warnings (scheme ``aqhi-hc``) on the *reported* AQHI level.

    The public sees the whole-number AQHI ("1" ... "10", "10+"), so the thresholds (high from
    7, very high above 10; Health Canada / ECCC AQHI categories) apply to that level, not to
    the continuous index: a day reported as AQHI 7 is a high-risk day even when the index was
    6.6. ``"10+"`` counts as 11.
    """
    from ehrisk.air.aqhi import level_number

    fc = forecast.copy()
    fc["_aqhi_level"] = level_number(fc[level_col].fillna("").astype(str).to_numpy())
    return issue_warnings(fc, scheme="aqhi-hc", index="_aqhi_level", area_col=area_col,
                          date_col=date_col)
