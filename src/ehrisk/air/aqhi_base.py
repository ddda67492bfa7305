"""AQHI tables and primitives shared by :mod:`ehrisk.air.aqhi` and :mod:`ehrisk.air.aqhi_set`.

Method names and aliases, the coefficient, category and message tables (``aqhi_coefficients``,
``aqhi_categories``, ``aqhi_messages``), the excess-risk sum of Stieb et al. 2008, banding by
upper bounds and the hourly moving means. Kept apart so that :mod:`ehrisk.air.aqhi_set` needs
nothing from :mod:`ehrisk.air.aqhi` (no import circle); :mod:`ehrisk.air.aqhi` re-exports all
of it under the same names.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from ehrisk.refdata import load_table

METHODS = ("stieb-2008", "aqhi-plus", "hk-epd-2013", "chen-2012-shanghai")

#: names accepted on the command line -> method
METHOD_ALIASES = {"stieb-2008": "stieb-2008", "canada": "stieb-2008", "aqhi-plus": "aqhi-plus",
                  "hk-epd": "hk-epd-2013", "hk-epd-2013": "hk-epd-2013",
                  "chen-2012-shanghai": "chen-2012-shanghai", "shanghai": "chen-2012-shanghai"}


def _method(method: str) -> str:
    m = str(method).strip().lower()
    if m not in METHODS:
        raise KeyError(f"unknown AQHI method {method!r}; known: {', '.join(METHODS)}")
    return m


def resolve_method(name: str) -> str:
    """Method of a name or alias (``canada``, ``hk-epd``, ``shanghai``); KeyError if unknown."""
    key = str(name).strip().lower()
    if key not in METHOD_ALIASES:
        raise KeyError(f"unknown AQHI method {name!r}; known: {', '.join(METHOD_ALIASES)}")
    return METHOD_ALIASES[key]


@cache
def coefficients(method: str) -> dict[str, str]:
    """All terms of a method from table ``aqhi_coefficients`` as ``{term: value}`` (strings)."""
    m = _method(method)
    df = load_table("aqhi_coefficients")
    sel = df[df["method"] == m]
    return dict(zip(sel["term"], sel["value"], strict=True))


def betas(method: str) -> dict[str, float]:
    """Coefficients ``{pollutant: beta}`` [1/(unit of the method's concentration)]."""
    return {k[5:]: float(v) for k, v in coefficients(method).items() if k.startswith("beta_")}


def scale(method: str) -> float:
    """Index per % excess risk: scale_numerator / scale_denominator (Stieb: 10/10.4)."""
    c = coefficients(method)
    return float(c["scale_numerator"]) / float(c["scale_denominator"])


def max_groups(method: str) -> list[tuple[str, ...]]:
    """Groups of pollutants of which only the largest excess risk counts (HK: PM10/PM2.5)."""
    g = coefficients(method).get("max_group", "")
    return [tuple(g.split(";"))] if g else []


def excess_risk_pct(conc: dict, betas_: dict[str, float],
                    groups: list[tuple[str, ...]] = ()) -> tuple[np.ndarray, dict]:
    """Total and per-pollutant excess risk, ER_i = 100 (exp(beta_i C_i) - 1) [%].

    Parameters
    ----------
    conc : dict of str -> array_like
        Concentration per pollutant [unit matching its beta]; NaN = missing.
    betas_ : dict of str -> float
        Coefficient per pollutant [1/unit of concentration]; every key must be in ``conc``.
    groups : list of tuple of str
        Pollutants of which only the largest ER enters the sum (HK EPD: PM10, PM2.5); a group
        member that is missing is ignored if another member is present.

    Returns
    -------
    total : numpy.ndarray
        Summed excess risk [%]; NaN where a needed pollutant is missing.
    parts : dict of str -> numpy.ndarray
        ER per pollutant [%].

    References
    ----------
    Stieb et al. 2008, J Air Waste Manag Assoc 58:435-450 (AQHI construction); Hong Kong EPD
    AQHI FAQs (%AR = %AR(NO2) + %AR(SO2) + %AR(O3) + max(%AR(PM10), %AR(PM2.5))).
    """
    missing = [p for p in betas_ if p not in conc]
    grouped = {p for g in groups for p in g}
    hard_missing = [p for p in missing if p not in grouped]
    if hard_missing:
        raise KeyError(f"concentration missing for {', '.join(hard_missing)}; the coefficient "
                       f"set needs {', '.join(betas_)}")
    parts = {}
    for p, b in betas_.items():
        if p in conc:
            c = np.asarray(conc[p], dtype=float)
            if np.any(c[np.isfinite(c)] < 0):
                raise ValueError(f"negative concentration for {p}")
            parts[p] = 100.0 * np.expm1(b * c)
    arrays = list(parts.values())
    shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
    total = np.zeros(shape)
    for p, er in parts.items():
        if p not in grouped:
            total = total + er
    for g in groups:
        members = [np.broadcast_to(parts[p], shape) for p in g if p in parts]
        if not members:
            raise KeyError(f"need at least one of {', '.join(g)}")
        stack = np.stack(members)
        with np.errstate(all="ignore"):
            best = np.where(np.isfinite(stack).any(axis=0),
                            np.nanmax(np.where(np.isfinite(stack), stack, -np.inf), axis=0),
                            np.nan)
        total = total + best
    return total, parts


def band_by_upper(value, uppers, levels, upper_inclusive: bool = False) -> np.ndarray:
    """Level of each value given the upper bounds of all bands but the last (open) one.

    Parameters
    ----------
    value : array_like
        Index values [-] (NaN gives ``""``); rounded to 9 decimals before comparison.
    uppers : sequence of float
        Increasing upper bounds of the bands ``levels[:-1]`` [-].
    levels : sequence of str
        Level labels, one more than ``uppers``.
    upper_inclusive : bool
        False (Canada, Shanghai, Hong Kong): a value equal to a bound belongs to the band
        above (bands ``[lower, upper)``); True: to the band below (``(lower, upper]``).
    """
    v = np.atleast_1d(np.asarray(value, dtype=float))
    edges = np.asarray(uppers, dtype=float)
    if len(levels) != len(edges) + 1:
        raise ValueError(f"{len(levels)} levels need {len(levels) - 1} upper bounds, "
                         f"got {len(edges)}")
    idx = np.searchsorted(edges, np.round(v, 9), side="left" if upper_inclusive else "right")
    lv = np.asarray(list(levels), dtype=object)[np.clip(idx, 0, len(levels) - 1)]
    return np.where(np.isfinite(v), lv, "")


@cache
def _categories(method: str) -> pd.DataFrame:
    df = load_table("aqhi_categories", numeric=["value_low", "value_high"])
    return df[df["method"] == method].reset_index(drop=True)


def categories(method: str) -> pd.DataFrame:
    """Band table of a method (level, value range, category en/zh, colour, source)."""
    return _categories(_method(method)).copy()


def messages_from_set(message_set: str, category_en: str) -> dict[str, str]:
    """Messages of one category in a message set of table ``aqhi_messages`` (column
    ``method``: ``stieb-2008`` or ``hk-epd-2013``); empty dict if it has none."""
    df = load_table("aqhi_messages")
    sel = df[(df["method"] == message_set) & (df["category_en"] == category_en)]
    out = {}
    for r in sel.itertuples(index=False):
        out[f"{r.audience}_en"] = r.message_en
        out[f"{r.audience}_zh"] = r.message_zh
    return out


def moving_mean(values, hours: int, min_valid: int) -> np.ndarray:
    """Trailing moving mean over ``hours`` consecutive hourly values (the hour and the
    ``hours - 1`` before it), NaN unless at least ``min_valid`` values are present.

    Parameters
    ----------
    values : array_like
        Hourly series without gaps in time (missing hours as NaN) [any unit].
    hours : int
        Window length [h] (3 for Stieb et al. 2008 and HK EPD).
    min_valid : int
        Minimum number of non-missing hours in the window.
    """
    x = pd.Series(np.asarray(values, dtype=float))
    return x.rolling(int(hours), min_periods=int(min_valid)).mean().to_numpy()


def hourly_means(df: pd.DataFrame, columns, hours: int, min_valid: int,
                 time_col: str = "time") -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.Series]:
    """Trailing moving means (:func:`moving_mean`) of hourly columns on a gap-free hourly grid.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows of one station with ``time_col`` [unit of each column in its name].
    columns : iterable of str
        Concentration columns to average (absent ones are skipped).
    hours, min_valid : int
        Window length [h] and minimum valid hours in the window [h].

    Returns
    -------
    out : DataFrame
        ``time`` (every hour from the first to the last) and ``<column>_<hours>h``.
    conc : dict
        ``{column: averaged array}`` aligned with ``out``.
    data : DataFrame
        The input reindexed to the hourly grid (1-hour values).
    t : Series
        The input times (to select the input hours back).
    """
    t = pd.to_datetime(df[time_col])
    if t.duplicated().any():
        raise ValueError(f"duplicated time {t[t.duplicated()].iloc[0]} in hourly AQHI input")
    full = pd.date_range(t.min().floor("h"), t.max().floor("h"), freq="h")
    data = df.assign(**{time_col: t}).set_index(time_col).reindex(full)
    out = pd.DataFrame({"time": full})
    conc = {}
    for col in columns:
        if col not in data.columns:
            continue
        avg = moving_mean(pd.to_numeric(data[col], errors="coerce").to_numpy(), hours, min_valid)
        out[f"{col}_{hours}h"] = avg
        conc[col] = avg
    return out, conc, data, t
