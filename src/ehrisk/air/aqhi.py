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

import numpy as np
import pandas as pd

# Tables and primitives live in aqhi_base (shared with aqhi_set, no import circle); they are
# re-exported here so that ``ehrisk.air.aqhi.<name>`` keeps working.
from ehrisk.air.aqhi_base import (  # noqa: F401
    METHOD_ALIASES,
    METHODS,
    _categories,
    _method,
    band_by_upper,
    betas,
    categories,
    coefficients,
    excess_risk_pct,
    hourly_means,
    max_groups,
    messages_from_set,
    moving_mean,
    resolve_method,
    scale,
)


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


def level_number(levels) -> np.ndarray:
    """Numeric level for comparisons: "10+" -> 11, "" -> NaN."""
    lv = np.atleast_1d(np.asarray(levels, dtype=object))
    return np.array([11.0 if x == "10+" else (float(x) if x else np.nan) for x in lv])


def _set_value(method: str, conc: dict, column: str) -> np.ndarray:
    """One column of :func:`ehrisk.air.aqhi_set.evaluate` for a packaged method's set."""
    from ehrisk.air import aqhi_set

    res = aqhi_set.evaluate(aqhi_set.packaged_set(method), conc)
    return res[column].to_numpy(dtype=float)


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
    return _set_value("stieb-2008", {"no2_ppb": no2_ppb, "o3_ppb": o3_ppb,
                                     "pm25_ug_m3": pm25_ug_m3}, "value")


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
    return _set_value("hk-epd-2013", {"no2_ug_m3": no2_ug_m3, "so2_ug_m3": so2_ug_m3,
                                      "o3_ug_m3": o3_ug_m3, "pm10_ug_m3": pm10_ug_m3,
                                      "pm25_ug_m3": pm25_ug_m3}, "er_total_pct")


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
    return _set_value("chen-2012-shanghai", {"pm10_ug_m3": pm10_ug_m3,
                                             "no2_ug_m3": no2_ug_m3}, "value")


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

    Notes
    -----
    One code path: every coefficient method is a :class:`ehrisk.air.aqhi_set.CoefficientSet`
    of the registry (:func:`ehrisk.air.aqhi_set.packaged_set`) evaluated by
    :func:`ehrisk.air.aqhi_set.evaluate`, exactly as a set read from a file; ``aqhi-plus``
    (a banding of 1-hour PM2.5, no coefficients) and the AQHI+ override are applied here.

    References
    ----------
    See :func:`stieb_2008`, :func:`aqhi_plus`, :func:`hk_epd_2013`, :func:`chen_2012_shanghai`.
    """
    from ehrisk.air import aqhi_set

    m = _method(method)
    if m == "aqhi-plus":
        if pm25_1h_ug_m3 is None:
            raise KeyError("aqhi-plus needs 1-hour PM2.5 (pm25_1h_ug_m3)")
        value = np.atleast_1d(np.asarray(pm25_1h_ug_m3, dtype=float))
        level = band(value, m)
        cat_en, cat_zh = category(level, m)
        rows = []
        for k in range(len(level)):
            msg = messages(m, cat_en[k]) if cat_en[k] else {}
            rows.append({"value": float(value[k]), "er_total_pct": np.nan, "level": level[k],
                         "aqhi_plus": "", "category_en": cat_en[k], "category_zh": cat_zh[k],
                         **{f"{a}_{lang}": msg.get(f"{a}_{lang}", "")
                            for a in ("general", "sensitive") for lang in ("en", "zh")}})
        return pd.DataFrame(rows)
    cs = aqhi_set.packaged_set(m)
    out = aqhi_set.evaluate(cs, conc)
    if m == "stieb-2008" and override_plus and pm25_1h_ug_m3 is not None:
        level = out["level"].to_numpy(dtype=object)
        plus = np.broadcast_to(aqhi_plus(pm25_1h_ug_m3), level.shape)
        higher = level_number(plus) > level_number(level)
        out["aqhi_plus"] = plus
        if higher.any():
            new = np.where(higher, plus, level)
            out["level"] = new
            cat_en, cat_zh = category(new, m)
            out["category_en"], out["category_zh"] = cat_en, cat_zh
            for k in np.flatnonzero(higher):
                msg = messages(m, cat_en[k]) if cat_en[k] else {}
                for col in ("general_en", "general_zh", "sensitive_en", "sensitive_zh"):
                    out.loc[k, col] = msg.get(col, "")
    return out


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


