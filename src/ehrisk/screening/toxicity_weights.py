"""Toxicity weights in the manner of US EPA's RSEI model.

RSEI (Risk-Screening Environmental Indicators) turns each chronic toxicity value into a
unitless toxicity weight (TW) so that cancer and non-cancer potencies share one scale:

- oral non-cancer ``TW = 0.5 / RfD``; oral cancer ``TW = SF / 0.00028``;
- inhalation: the RfC and IUR are first converted to doses for an adult breathing
  20 m3/day and weighing 70 kg (``RfD_inh = RfC * 20 / 70``; ``SF_inh = IUR * 1000 * 70 / 20``
  with IUR in (ug/m3)^-1), then weighted as the oral values;
- a chemical's TW for a route is the larger of its cancer and non-cancer TW.

The constants are read from ``screening_weights.csv`` (parameters ``rsei_*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.screening.config import ScreeningWeights

_REFERENCES = """
    References
    ----------
    US EPA, "EPA's Risk-Screening Environmental Indicators (RSEI) Methodology", RSEI version
    2.3.x, toxicity weights (TW = 0.5/RfD; TW = SF/0.00028; inhalation values converted with
    20 m3/day and 70 kg). US EPA web page "RSEI Toxicity-Data and Calculations", table "RSEI
    Toxicity Weight Calculations".
"""


def tw_oral_noncancer_rsei(rfd_mg_kg_day, rfd_numerator_mg_kg_day: float):
    """Oral non-cancer toxicity weight, RSEI: ``TW = 0.5 / RfD``.

    Parameters
    ----------
    rfd_mg_kg_day : array_like
        Chronic oral reference dose [mg/kg-day]; NaN where none.
    rfd_numerator_mg_kg_day : float
        RSEI normalisation constant (0.5) [mg/kg-day].

    Returns
    -------
    ndarray
        Toxicity weight [-]; NaN where the RfD is missing or not positive.
    """
    rfd = np.asarray(rfd_mg_kg_day, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rfd > 0, rfd_numerator_mg_kg_day / rfd, np.nan)


def tw_oral_cancer_rsei(sfo_per_mg_kg_day, sf_denominator_per_mg_kg_day: float):
    """Oral cancer toxicity weight, RSEI: ``TW = SF / 0.00028``.

    Parameters
    ----------
    sfo_per_mg_kg_day : array_like
        Oral slope factor [(mg/kg-day)^-1]; NaN where none.
    sf_denominator_per_mg_kg_day : float
        RSEI normalisation constant (0.00028) [(mg/kg-day)^-1].

    Returns
    -------
    ndarray
        Toxicity weight [-]; NaN where the SF is missing or not positive.
    """
    sf = np.asarray(sfo_per_mg_kg_day, dtype=float)
    return np.where(sf > 0, sf / sf_denominator_per_mg_kg_day, np.nan)


def tw_inhalation_noncancer_rsei(rfc_mg_m3, rfd_numerator_mg_kg_day: float,
                                 ir_m3_day: float, bw_kg: float):
    """Inhalation non-cancer toxicity weight, RSEI: ``RfD_inh = RfC * IR / BW; TW = 0.5 / RfD_inh``.

    Parameters
    ----------
    rfc_mg_m3 : array_like
        Chronic reference concentration [mg/m3]; NaN where none.
    rfd_numerator_mg_kg_day : float
        RSEI normalisation constant (0.5) [mg/kg-day].
    ir_m3_day : float
        Adult inhalation rate (20) [m3/day].
    bw_kg : float
        Adult body weight (70) [kg].

    Returns
    -------
    ndarray
        Toxicity weight [-]; NaN where the RfC is missing or not positive.
    """
    rfc = np.asarray(rfc_mg_m3, dtype=float)
    rfd_inh = rfc * ir_m3_day / bw_kg
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rfd_inh > 0, rfd_numerator_mg_kg_day / rfd_inh, np.nan)


def tw_inhalation_cancer_rsei(iur_per_ug_m3, sf_denominator_per_mg_kg_day: float,
                              ir_m3_day: float, bw_kg: float):
    """Inhalation cancer toxicity weight, RSEI: ``SF_inh = IUR * BW / IR; TW = SF_inh / 0.00028``.

    Parameters
    ----------
    iur_per_ug_m3 : array_like
        Inhalation unit risk [(ug/m3)^-1]; NaN where none. Converted to [(mg/m3)^-1] with
        :func:`ehrisk.units.per_ug_m3_to_per_mg_m3`.
    sf_denominator_per_mg_kg_day : float
        RSEI normalisation constant (0.00028) [(mg/kg-day)^-1].
    ir_m3_day : float
        Adult inhalation rate (20) [m3/day].
    bw_kg : float
        Adult body weight (70) [kg].

    Returns
    -------
    ndarray
        Toxicity weight [-]; NaN where the IUR is missing or not positive.
    """
    iur_mg = units.per_ug_m3_to_per_mg_m3(iur_per_ug_m3)
    sf_inh = iur_mg * bw_kg / ir_m3_day
    return np.where(sf_inh > 0, sf_inh / sf_denominator_per_mg_kg_day, np.nan)


for _f in (tw_oral_noncancer_rsei, tw_oral_cancer_rsei, tw_inhalation_noncancer_rsei,
           tw_inhalation_cancer_rsei):
    _f.__doc__ = (_f.__doc__ or "") + _REFERENCES


def _max_with_basis(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str):
    both_nan = np.isnan(a) & np.isnan(b)
    tw = np.where(both_nan, np.nan, np.fmax(a, b))
    basis = np.where(both_nan, "", np.where(np.nan_to_num(a, nan=-1) >= np.nan_to_num(b, nan=-1),
                                             name_a, name_b))
    return tw, basis


def rsei_toxicity_weights(tox: pd.DataFrame, weights: ScreeningWeights) -> pd.DataFrame:
    """Route toxicity weights for each substance of a toxicity table, RSEI style.

    Parameters
    ----------
    tox : DataFrame
        Indexed by CAS, with columns ``iur_per_ug_m3`` [(ug/m3)^-1], ``rfc_mg_m3`` [mg/m3],
        ``sfo_per_mg_kg_day`` [(mg/kg-day)^-1], ``rfd_mg_kg_day`` [mg/kg-day] (NaN = none), as
        returned by :func:`ehrisk.refdata.toxicity.toxicity`.
    weights : ScreeningWeights
        Supplies ``rsei_rfd_numerator``, ``rsei_sf_denominator``,
        ``rsei_inhalation_rate_m3_day``, ``rsei_body_weight_kg`` and ``rsei_route_fallback``.

    Returns
    -------
    DataFrame
        Indexed like ``tox``: ``tw_oral_noncancer``, ``tw_oral_cancer``,
        ``tw_inh_noncancer``, ``tw_inh_cancer`` [-]; ``tw_oral`` and ``tw_inh`` (the larger of
        cancer and non-cancer per route; where a route has no value and
        ``rsei_route_fallback`` is 1, the other route's weight is adopted); ``tw_oral_basis``
        and ``tw_inh_basis`` naming the value that sets each weight (``"RfD"``, ``"SFo"``,
        ``"RfC"``, ``"IUR"``; ``"<x> (adopted)"`` when taken from the other route).
    """
    def col(name):
        if name in tox.columns:
            return pd.to_numeric(tox[name], errors="coerce").to_numpy(dtype=float)
        return np.full(len(tox), np.nan)

    k = weights["rsei_rfd_numerator"]
    d = weights["rsei_sf_denominator"]
    ir = weights["rsei_inhalation_rate_m3_day"]
    bw = weights["rsei_body_weight_kg"]
    out = pd.DataFrame(index=tox.index)
    out["tw_oral_noncancer"] = tw_oral_noncancer_rsei(col("rfd_mg_kg_day"), k)
    out["tw_oral_cancer"] = tw_oral_cancer_rsei(col("sfo_per_mg_kg_day"), d)
    out["tw_inh_noncancer"] = tw_inhalation_noncancer_rsei(col("rfc_mg_m3"), k, ir, bw)
    out["tw_inh_cancer"] = tw_inhalation_cancer_rsei(col("iur_per_ug_m3"), d, ir, bw)
    tw_o, basis_o = _max_with_basis(out["tw_oral_cancer"].to_numpy(),
                                    out["tw_oral_noncancer"].to_numpy(), "SFo", "RfD")
    tw_i, basis_i = _max_with_basis(out["tw_inh_cancer"].to_numpy(),
                                    out["tw_inh_noncancer"].to_numpy(), "IUR", "RfC")
    if weights["rsei_route_fallback"] == 1.0:
        no_i, no_o = np.isnan(tw_i), np.isnan(tw_o)
        tw_i2 = np.where(no_i, tw_o, tw_i)
        basis_i = np.where(no_i & ~no_o, np.char.add(basis_o.astype(str), " (adopted)"), basis_i)
        tw_o2 = np.where(no_o, tw_i, tw_o)
        basis_o = np.where(no_o & ~no_i, np.char.add(basis_i.astype(str), " (adopted)"), basis_o)
        tw_i, tw_o = tw_i2, tw_o2
    out["tw_oral"] = tw_o
    out["tw_inh"] = tw_i
    out["tw_oral_basis"] = basis_o
    out["tw_inh_basis"] = basis_i
    return out
