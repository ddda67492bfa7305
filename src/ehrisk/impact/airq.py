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


def airq_burden(rr, incidence_per_100k=None, population=None, rr_lo=None, rr_hi=None,
                share=None, baseline_cases=None):
    """Attributable burden the way AirQ+ reports it, with the interval from the RR interval.

    Parameters
    ----------
    rr : float or array_like
        Relative risk at the exposure [-] (per class if ``share`` is given); obtain it from a
        concentration with :func:`rr_log_linear`.
    incidence_per_100k : float, optional
        Baseline incidence of the outcome in the population at risk [cases/(1e5 persons yr)].
    population : float, optional
        Population at risk [persons].
    baseline_cases : float, optional
        Baseline cases B [cases/yr] instead of ``incidence_per_100k`` (AirQ+ multiplies the
        two, so B alone fixes the attributable cases; the rate per 100 000 then needs
        ``population`` and is NaN without it).
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
    if baseline_cases is None:
        if incidence_per_100k is None or population is None:
            raise ValueError("give incidence_per_100k and population, or baseline_cases")
        if incidence_per_100k < 0 or population < 0:
            raise ValueError("incidence and population must be non-negative")
        baseline = float(incidence_per_100k) * float(population) / PER_100K
    else:
        if incidence_per_100k is not None:
            raise ValueError("give either incidence_per_100k or baseline_cases, not both")
        if baseline_cases < 0 or (population is not None and population <= 0):
            raise ValueError("baseline cases must be non-negative and population positive")
        baseline = float(baseline_cases)
        incidence_per_100k = (baseline / float(population) * PER_100K
                              if population is not None else float("nan"))
    rrs = [rr if rr_lo is None else rr_lo, rr, rr if rr_hi is None else rr_hi]
    for r in rrs:
        if np.any(np.asarray(r, dtype=float) <= 0):
            raise ValueError("relative risks must be positive")
    ap = [float(attributable_proportion(r, share)) for r in rrs]
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


def airq_from_concentration(conc_ug_m3, cutoff_ug_m3, rr_per_increment, increment_ug_m3=10.0,
                            rr_lo_per_increment=None, rr_hi_per_increment=None, share=None,
                            incidence_per_100k=None, population=None, baseline_cases=None):
    """AirQ+ long-term calculation from the exposure: RR at the exposure, then the burden.

    Parameters
    ----------
    conc_ug_m3 : float or array_like
        Population-weighted annual mean [ug/m3], or the concentration of each exposure class
        (with ``share``).
    cutoff_ug_m3 : float
        Cut-off (counterfactual) concentration [ug/m3].
    rr_per_increment, rr_lo_per_increment, rr_hi_per_increment : float
        Relative risk per ``increment_ug_m3`` and its 95 % bounds [-] (AirQ+ "relative risk
        (lower, upper)" of the log-linear function).
    increment_ug_m3 : float
        Increment of the relative risk [ug/m3] (10 in AirQ+).
    share : array_like, optional
        Population fraction of each exposure class [-].
    incidence_per_100k, population, baseline_cases : float, optional
        As in :func:`airq_burden`.

    Returns
    -------
    AirQResult
        The RR at the exposure (population-weighted over classes), AP, attributable cases and
        cases per 100 000, each as (lower, central, upper).

    References
    ----------
    WHO AirQ+ methods manual (WHO/Europe 2016): log-linear RR(c) = RR_inc^((c - c_cf)/inc),
    attributable proportion over exposure classes, interval from the RR interval.
    """
    def rr_at(r):
        return None if r is None else rr_log_linear(r, increment_ug_m3, conc_ug_m3,
                                                    cutoff_ug_m3)

    return airq_burden(rr_at(rr_per_increment), incidence_per_100k, population,
                       rr_lo=rr_at(rr_lo_per_increment), rr_hi=rr_at(rr_hi_per_increment),
                       share=share, baseline_cases=baseline_cases)
