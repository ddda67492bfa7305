"""Air Quality Health Index (AQHI, 空气质量健康指数): methods named after their source.

All methods share one shape (Stieb et al. 2008): the excess risk of each pollutant,
``ER_i = 100 * (exp(beta_i * C_i) - 1)`` [%], summed (optionally taking the largest of a group,
e.g. Hong Kong's PM10/PM2.5), multiplied by a scale and banded into levels 1-10 and ``10+``.
Coefficients, scales, bands, categories and messages live in the tables
``aqhi_coefficients``, ``aqhi_categories`` and ``aqhi_messages``; a locally derived coefficient
set plugs in through :func:`aqhi_from_coefficients`, and a coefficient-set file (a city's
published formula or a locally derived one) through :mod:`ehrisk.air.aqhi_set`.

Methods (``METHODS``):

* ``stieb-2008`` - Canada, Stieb et al. 2008 (NO2, O3 in ppb; PM2.5 in ug/m3; 3-h means),
  with the AQHI+ override (``aqhi-plus``, Yao et al. 2019; 1-h PM2.5).
* ``hk-epd-2013`` - Hong Kong EPD (NO2, SO2, O3, PM10/PM2.5 in ug/m3; 3-h means; %AR bands).
* ``chen-2012-shanghai`` - Shanghai, Chen RJ et al. 2012 (PM10, NO2 in ug/m3; daily means).
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


def aqhi_from_coefficients(conc: dict, betas_: dict[str, float], scale_: float,
                           groups: list[tuple[str, ...]] = ()) -> np.ndarray:
    """Continuous AQHI for any coefficient set: scale x sum of ER_i [-].

    Use this for coefficients derived locally from a fitted model (beta per unit of
    concentration) with the scaling of the derivation (e.g. 10 / ER at a reference day).

    Parameters
    ----------
    conc : dict of str -> array_like
        Concentrations [unit matching each beta].
    betas_ : dict of str -> float
        ``{pollutant: beta}`` [1/unit].
    scale_ : float
        Index per % excess risk [1/%] (Stieb et al. 2008: 10/10.4).
    groups : list of tuple of str
        Max-groups, see :func:`excess_risk_pct`.

    References
    ----------
    Stieb et al. 2008, J Air Waste Manag Assoc 58:435-450, AQHI equation.
    """
    total, _ = excess_risk_pct(conc, betas_, groups)
    return np.atleast_1d(scale_ * total)


def aqhi_from_set(conc: dict, coef_set: dict) -> np.ndarray:
    """Continuous AQHI from a derived coefficient set ``{pollutant: beta, "unit": {...},
    "scale": s}`` (the structure of ``ehrisk.air.derive_aqhi.DerivedAqhi.coefficients()``).

    Parameters
    ----------
    conc : dict of str -> array_like
        Concentrations per pollutant [unit given in ``coef_set["unit"]``].
    coef_set : dict
        Betas [1/unit], ``"scale"`` [1/%] and optional ``"unit"`` and ``"max_group"``.

    References
    ----------
    Stieb et al. 2008, J Air Waste Manag Assoc 58:435-450, AQHI equation.
    """
    b = {k: float(v) for k, v in coef_set.items() if k not in ("unit", "scale", "max_group")}
    groups = [tuple(coef_set["max_group"])] if coef_set.get("max_group") else []
    return aqhi_from_coefficients(conc, b, float(coef_set["scale"]), groups)


def band(value, method: str) -> np.ndarray:
    """Level (``"1"`` ... ``"10"``, ``"10+"``; ``""`` where NaN) of a value by the method's bands.

    ``value`` is the continuous index (Stieb, Shanghai), the %AR (HK EPD) or 1-h PM2.5 [ug/m3]
    (AQHI+), as the method's table rows say (column ``closed``: which end is inclusive).
    """
    m = _method(method)
    cats = _categories(m)
    return band_by_upper(value, cats["value_low"].to_numpy()[1:], cats["level"].tolist(),
                         upper_inclusive=cats["closed"].iloc[0] == "right")


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


def category(levels, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Risk category (English, Chinese) of levels under a method."""
    cats = _categories(_method(method))
    en = dict(zip(cats["level"], cats["category_en"], strict=True))
    zh = dict(zip(cats["level"], cats["category_zh"], strict=True))
    lv = np.atleast_1d(np.asarray(levels, dtype=object))
    return (np.array([en.get(x, "") for x in lv], dtype=object),
            np.array([zh.get(x, "") for x in lv], dtype=object))


def messages(method: str, category_en: str) -> dict[str, str]:
    """Health messages for the general public and sensitive groups, English and Chinese."""
    return messages_from_set(coefficients(method).get("messages", _method(method)), category_en)


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


def level_number(levels) -> np.ndarray:
    """Numeric level for comparisons: "10+" -> 11, "" -> NaN."""
    lv = np.atleast_1d(np.asarray(levels, dtype=object))
    return np.array([11.0 if x == "10+" else (float(x) if x else np.nan) for x in lv])


def stieb_2008(no2_ppb, o3_ppb, pm25_ug_m3) -> np.ndarray:
    """Canadian AQHI (continuous): (10/10.4) x 100 x sum(exp(beta_i C_i) - 1).

    Parameters
    ----------
    no2_ppb : array_like
        3-hour mean NO2 [ppb].
    o3_ppb : array_like
        3-hour mean O3 [ppb].
    pm25_ug_m3 : array_like
        3-hour mean PM2.5 [ug/m3].

    Returns
    -------
    numpy.ndarray
        AQHI before rounding [-]; band with ``band(x, "stieb-2008")``.

    References
    ----------
    Stieb DM, Burnett RT, Smith-Doiron M, Brion O, Shin HH, Economou V. A new multipollutant,
    no-threshold air quality health index based on short-term associations observed in daily
    time-series analyses. J Air Waste Manag Assoc 2008;58(3):435-450.
    """
    return aqhi_from_coefficients({"no2": no2_ppb, "o3": o3_ppb, "pm25": pm25_ug_m3},
                                  betas("stieb-2008"), scale("stieb-2008"))


def aqhi_plus(pm25_1h_ug_m3) -> np.ndarray:
    """AQHI+ level from 1-hour PM2.5: ceiling(PM2.5 / 10), ``"10+"`` above 100 ug/m3.

    Parameters
    ----------
    pm25_1h_ug_m3 : array_like
        1-hour mean PM2.5 [ug/m3].

    References
    ----------
    Yao J, Stieb DM, Taylor E, Henderson SB. Assessment of the Air Quality Health Index (AQHI)
    and four alternate AQHI-Plus amendments for wildfire seasons in British Columbia. Can J
    Public Health 2019, doi:10.17269/s41997-019-00237-w.
    """
    return band(pm25_1h_ug_m3, "aqhi-plus")


def hk_epd_2013(no2_ug_m3, so2_ug_m3, o3_ug_m3, pm10_ug_m3=np.nan, pm25_ug_m3=np.nan):
    """Hong Kong AQHI added health risk %AR [%] from 3-hour moving means.

    %AR = %AR(NO2) + %AR(SO2) + %AR(O3) + max(%AR(PM10), %AR(PM2.5)),
    %AR(i) = [exp(beta_i C_i) - 1] x 100; band with ``band(ar, "hk-epd-2013")``.

    Parameters
    ----------
    no2_ug_m3, so2_ug_m3, o3_ug_m3 : array_like
        3-hour moving mean concentrations [ug/m3].
    pm10_ug_m3, pm25_ug_m3 : array_like
        3-hour moving means [ug/m3]; at least one must be given.

    References
    ----------
    Hong Kong Environmental Protection Department, AQHI FAQs (equations and beta values);
    Wong TW et al. Developing a risk-based air quality health index. Atmos Environ
    2013;76:52-58.
    """
    conc = {"no2": no2_ug_m3, "so2": so2_ug_m3, "o3": o3_ug_m3, "pm10": pm10_ug_m3,
            "pm25": pm25_ug_m3}
    total, _ = excess_risk_pct(conc, betas("hk-epd-2013"), max_groups("hk-epd-2013"))
    return np.atleast_1d(total)


def chen_2012_shanghai(pm10_ug_m3, no2_ug_m3) -> np.ndarray:
    """Shanghai AQHI (continuous): 10/17 x [exp(0.000153 PM10) - 1 + exp(0.000662 NO2) - 1] x 100.

    Parameters
    ----------
    pm10_ug_m3, no2_ug_m3 : array_like
        Daily mean concentrations [ug/m3].

    References
    ----------
    Chen RJ, Chen BH, Kan HD. The establishment and application of Shanghai air quality
    health index. Chin J Prev Med 2012;46(5):443-446.
    """
    return aqhi_from_coefficients({"pm10": pm10_ug_m3, "no2": no2_ug_m3},
                                  betas("chen-2012-shanghai"), scale("chen-2012-shanghai"))


# Input names per method (ehrisk vocabulary; units in the names).
METHOD_INPUTS = {
    "stieb-2008": {"no2": "no2_ppb", "o3": "o3_ppb", "pm25": "pm25_ug_m3"},
    "hk-epd-2013": {"no2": "no2_ug_m3", "so2": "so2_ug_m3", "o3": "o3_ug_m3",
                    "pm10": "pm10_ug_m3", "pm25": "pm25_ug_m3"},
    "chen-2012-shanghai": {"pm10": "pm10_ug_m3", "no2": "no2_ug_m3"},
}


def aqhi(method: str, conc: dict, pm25_1h_ug_m3=None, override_plus: bool = True) -> pd.DataFrame:
    """AQHI level, category and messages from averaged concentrations, one row per value.

    Parameters
    ----------
    method : str
        ``"stieb-2008"``, ``"hk-epd-2013"``, ``"chen-2012-shanghai"`` or ``"aqhi-plus"``.
    conc : dict
        Concentrations keyed as in ``METHOD_INPUTS[method]`` (e.g. ``no2_ppb``), already
        averaged as the method defines (see :func:`moving_mean`) [unit in the key].
    pm25_1h_ug_m3 : array_like, optional
        1-hour PM2.5 [ug/m3] for the AQHI+ override (``stieb-2008``) or for ``aqhi-plus``.
    override_plus : bool
        Let AQHI+ override the Canadian AQHI when higher.

    Returns
    -------
    pandas.DataFrame
        ``value`` (continuous index, %AR for HK, or PM2.5 for AQHI+), ``er_total_pct``,
        ``level`` (``"1"``-``"10"``, ``"10+"``), ``aqhi_plus``, ``category_en``,
        ``category_zh`` and messages ``general_en/zh``, ``sensitive_en/zh``.

    References
    ----------
    See :func:`stieb_2008`, :func:`aqhi_plus`, :func:`hk_epd_2013`, :func:`chen_2012_shanghai`.
    """
    m = _method(method)
    plus = None
    if m == "aqhi-plus":
        if pm25_1h_ug_m3 is None:
            raise KeyError("aqhi-plus needs 1-hour PM2.5 (pm25_1h_ug_m3)")
        value = np.atleast_1d(np.asarray(pm25_1h_ug_m3, dtype=float))
        er = np.full(value.shape, np.nan)
        level = band(value, m)
    else:
        names = METHOD_INPUTS[m]
        cc = {p: conc[k] for p, k in names.items() if k in conc and conc[k] is not None}
        er, _ = excess_risk_pct(cc, betas(m), max_groups(m))
        er = np.atleast_1d(er)
        value = er * scale(m)
        level = band(value, m)
        if m == "stieb-2008" and override_plus and pm25_1h_ug_m3 is not None:
            plus = np.broadcast_to(aqhi_plus(pm25_1h_ug_m3), level.shape)
            higher = level_number(plus) > level_number(level)
            level = np.where(higher, plus, level)
    cat_en, cat_zh = category(level, m)
    rows = []
    for k in range(len(level)):
        msg = messages(m, cat_en[k]) if cat_en[k] else {}
        rows.append({"value": float(value[k]), "er_total_pct": float(er[k]),
                     "level": level[k], "aqhi_plus": (plus[k] if plus is not None else ""),
                     "category_en": cat_en[k], "category_zh": cat_zh[k],
                     "general_en": msg.get("general_en", ""),
                     "general_zh": msg.get("general_zh", ""),
                     "sensitive_en": msg.get("sensitive_en", ""),
                     "sensitive_zh": msg.get("sensitive_zh", "")})
    return pd.DataFrame(rows)


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
    x = np.asarray(values, dtype=float)
    pad = np.concatenate([np.full(hours - 1, np.nan), x])
    win = np.lib.stride_tricks.sliding_window_view(pad, hours)
    cnt = np.isfinite(win).sum(axis=1)
    with np.errstate(all="ignore"):
        m = np.nanmean(win, axis=1)
    return np.where(cnt >= min_valid, m, np.nan)


def from_hourly(df: pd.DataFrame, method: str, time_col: str = "time") -> pd.DataFrame:
    """AQHI for every hour of an hourly series, with each method's moving means.

    Missing hours are filled with NaN before averaging (one station per call). Columns as in
    ``METHOD_INPUTS[method]`` (1-hour values); ``stieb-2008`` also applies the AQHI+ override
    with the 1-hour ``pm25_ug_m3``.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly rows with ``time_col`` and the method's concentration columns [unit in name].
    method : str
        AQHI method.
    time_col : str
        Timestamp column.

    Returns
    -------
    pandas.DataFrame
        ``time``, the averaged concentrations (``<name>_<h>h``) and the :func:`aqhi` columns.

    References
    ----------
    Stieb et al. 2008 (3-hour averages); Hong Kong EPD AQHI FAQs (3-hour moving averages).
    """
    m = _method(method)
    if m == "aqhi-plus":
        names = {"pm25": "pm25_ug_m3"}
        hours, min_valid = 1, 1
    else:
        names = METHOD_INPUTS[m]
        c = coefficients(m)
        hours, min_valid = int(c["averaging_h"]), int(c["min_valid_h"])
    out, conc, data, t = hourly_means(df, names.values(), hours, min_valid, time_col)
    pm1 = (pd.to_numeric(data["pm25_ug_m3"], errors="coerce").to_numpy()
           if "pm25_ug_m3" in data.columns else None)
    res = aqhi(m, conc, pm25_1h_ug_m3=pm1)
    out = pd.concat([out, res], axis=1)
    return out[out["time"].isin(t)].reset_index(drop=True)


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
