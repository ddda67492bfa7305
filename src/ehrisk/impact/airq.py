"""WHO AirQ+ conventions for the burden attributable to long-term air-pollution exposure.

AirQ+ (WHO Regional Office for Europe; Mudu, Gapp and Dunbar, "AirQ+ - example of
calculations", 2016/2018; "AirQ+: software tool for health risk assessment of air pollution",
methods manual) reports, for one pollutant-outcome pair:

* the relative risk at the exposure, log-linear in the concentration above the cut-off::

      RR(c) = RR_inc ** (max(c - c_cf, 0) / inc)

* the estimated attributable proportion over exposure classes ``i`` with population shares
  ``p_i``::

      AP = sum_i (RR_i - 1) p_i / (sum_i (RR_i - 1) p_i + 1)

  which for a single class (the whole population at one mean concentration) is (RR - 1) / RR;
* the attributable cases ``AP * B`` with ``B = incidence * population / 100 000`` the baseline
  cases, and the attributable cases per 100 000 population at risk ``AP * incidence``;
* a 95 % interval obtained by re-running the same formulas with the lower and upper RR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PER_100K = 1.0e5  # AirQ+ expresses incidence and rates per 100 000 population at risk


def rr_log_linear(rr_per_increment, increment_ug_m3, conc_ug_m3, cutoff_ug_m3):
    """Relative risk at a concentration, AirQ+ log-linear function.

    Parameters
    ----------
    rr_per_increment : float or array_like
        Relative risk per ``increment_ug_m3`` [-] (e.g. 1.062 per 10 ug/m3).
    increment_ug_m3 : float
        Concentration increment of the published RR [ug/m3].
    conc_ug_m3 : array_like
        Exposure concentration (annual mean) [ug/m3].
    cutoff_ug_m3 : float
        Counterfactual (cut-off) concentration [ug/m3]; no excess risk below it.

    Returns
    -------
    ndarray
        RR(c) = RR_inc ** (max(c - c_cf, 0) / inc) [-].

    References
    ----------
    WHO AirQ+ methods manual (WHO/Europe 2016, updated 2020), log-linear relative-risk
    function; Mudu P., Gapp C., Dunbar M., "AirQ+ - example of calculations" (October 2018).
    """
    rr = np.asarray(rr_per_increment, dtype=float)
    if np.any(rr <= 0):
        raise ValueError("relative risks must be positive")
    if increment_ug_m3 <= 0:
        raise ValueError("increment_ug_m3 must be positive")
    dz = np.maximum(np.asarray(conc_ug_m3, dtype=float) - float(cutoff_ug_m3), 0.0)
    return np.exp(np.log(rr) * dz / float(increment_ug_m3))


def attributable_proportion(rr, share=None):
    """AirQ+ estimated attributable proportion over exposure classes.

    Parameters
    ----------
    rr : array_like
        Relative risk of each exposure class [-] (last axis = classes; a scalar = one class).
    share : array_like or None
        Fraction of the population in each class [-], summing to 1 along the last axis;
        None = one class holding the whole population.

    Returns
    -------
    ndarray
        AP = sum (RR_i - 1) p_i / (sum (RR_i - 1) p_i + 1) [-]; (RR - 1) / RR for one class.

    References
    ----------
    WHO AirQ+ methods manual (WHO/Europe 2016), attributable proportion for a population
    distributed over exposure categories; WHO (2004) Environmental Burden of Disease Series
    No. 5, eq. for the population attributable fraction.
    """
    r = np.asarray(rr, dtype=float)
    if np.any(r <= 0):
        raise ValueError("relative risks must be positive")
    if share is None:
        excess = r - 1.0
    else:
        p = np.asarray(share, dtype=float)
        if np.any(p < 0):
            raise ValueError("population shares must be non-negative")
        tot = p.sum(axis=-1)
        if np.any(np.abs(tot - 1.0) > 1e-6):
            raise ValueError(f"population shares must sum to 1 (got {np.ravel(tot)[0]:.6g})")
        excess = ((r - 1.0) * p).sum(axis=-1)
    return excess / (excess + 1.0)


@dataclass(frozen=True)
class AirQResult:
    """AirQ+ output for one outcome: central value and 95 % bounds (lower, central, upper).

    Attributes
    ----------
    rr : tuple of float
        Relative risk [-].
    attributable_proportion : tuple of float
        Estimated attributable proportion [-] (multiply by 100 for %).
    attributable_cases : tuple of float
        Estimated number of attributable cases [cases/yr].
    cases_per_100k : tuple of float
        Attributable cases per 100 000 population at risk [cases/(1e5 persons yr)].
    """

    rr: tuple
    attributable_proportion: tuple
    attributable_cases: tuple
    cases_per_100k: tuple

    def as_dict(self) -> dict:
        return {k: list(v) for k, v in self.__dict__.items()}


def airq_burden(rr, incidence_per_100k, population, rr_lo=None, rr_hi=None, share=None):
    """Attributable burden the way AirQ+ reports it, with the interval from the RR interval.

    Parameters
    ----------
    rr : float or array_like
        Relative risk at the exposure [-] (per class if ``share`` is given); obtain it from a
        concentration with :func:`rr_log_linear`.
    incidence_per_100k : float
        Baseline incidence of the outcome in the population at risk [cases/(1e5 persons yr)].
    population : float
        Population at risk [persons].
    rr_lo, rr_hi : float or array_like, optional
        Lower and upper 95 % bounds of the RR [-]; the central value is used when missing.
    share : array_like, optional
        Population fraction in each exposure class [-].

    Returns
    -------
    AirQResult
        AP, attributable cases = AP x incidence x population / 1e5 and cases per 100 000 =
        AP x incidence, each as (lower, central, upper).

    References
    ----------
    WHO AirQ+ methods manual (WHO/Europe 2016); Mudu, Gapp and Dunbar, "AirQ+ - example of
    calculations" (2018), output fields "Estimated Attributable Proportion", "Estimated number
    of Attributable Cases", "... per 100,000 Population at Risk".
    """
    if incidence_per_100k < 0 or population < 0:
        raise ValueError("incidence and population must be non-negative")
    rrs = [rr if rr_lo is None else rr_lo, rr, rr if rr_hi is None else rr_hi]
    ap = [float(attributable_proportion(r, share)) for r in rrs]
    baseline = float(incidence_per_100k) * float(population) / PER_100K
    if share is None:
        rr_out = [float(np.asarray(r, dtype=float)) for r in rrs]
    else:  # population-weighted mean RR over the classes, for display
        w = np.asarray(share, dtype=float)
        rr_out = [float(np.sum(np.asarray(r, dtype=float) * w)) for r in rrs]
    return AirQResult(
        rr=tuple(rr_out),
        attributable_proportion=tuple(ap),
        attributable_cases=tuple(a * baseline for a in ap),
        cases_per_100k=tuple(a * float(incidence_per_100k) for a in ap),
    )
