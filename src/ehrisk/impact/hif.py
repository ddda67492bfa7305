"""Health impact functions: attributable and avoided cases from concentration changes.

The core (US EPA BenMAP-CE User Manual, Appendix C, log-linear health impact function;
WHO AirQ+ attributable-proportion method)::

    delta_y = y0 * (1 - exp(-beta * delta_c)) * population

generalised for any relative-risk curve RR(c) to ``y0 * population * (1 - RR(c_after) /
RR(c_before))``, which equals the log-linear form when RR(c) = exp(beta * c). Concentrations
at or below the counterfactual (threshold) level carry no excess risk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ehrisk.exposure.response_function import GEMM, LogLinear
from ehrisk.exposure.response_function import gemm_rr as _gemm_rr

Z_95 = 1.959963984540054  # standard normal quantile of 0.975 (two-sided 95 % interval)


def attributable_cases(y0_rate, population, delta_c, beta):
    """Cases attributable to (or avoided by) a concentration change, log-linear function.

    Parameters
    ----------
    y0_rate : array_like
        Baseline incidence rate [cases/person/period] (e.g. deaths per person per year).
    population : array_like
        Exposed population [persons].
    delta_c : array_like
        Concentration change [ug/m3] (before minus after; positive = improvement).
    beta : float or array_like
        Concentration-response coefficient [1/(ug/m3)], beta = ln(RR) / increment.

    Returns
    -------
    ndarray
        delta_y [cases/period]; positive where the change avoids cases.

    References
    ----------
    US EPA BenMAP-CE User Manual (2023), Appendix C, log-linear health impact function:
    delta_y = y0 (1 - e^(-beta delta_x)) pop.
    """
    y0 = np.asarray(y0_rate, dtype=float)
    pop = np.asarray(population, dtype=float)
    dc = np.asarray(delta_c, dtype=float)
    b = np.asarray(beta, dtype=float)
    if np.any(pop < 0) or np.any(y0 < 0):
        raise ValueError("population and baseline rate must be non-negative")
    return y0 * (1.0 - np.exp(-b * dc)) * pop


def beta_from_rr(rr, per_ug_m3):
    """Log-linear coefficient [1/(ug/m3)] from a relative risk per ``per_ug_m3`` [ug/m3]:
    beta = ln(RR) / increment (BenMAP-CE Appendix C)."""
    return np.log(np.asarray(rr, dtype=float)) / float(per_ug_m3)


def beta_se_from_ci(rr_lo, rr_hi, per_ug_m3):
    """Standard error of beta [1/(ug/m3)] from a 95 % CI of the RR:
    (ln RR_hi - ln RR_lo) / (2 * 1.96 * increment)."""
    return (np.log(rr_hi) - np.log(rr_lo)) / (2.0 * Z_95 * float(per_ug_m3))


def gemm_rr(conc_ug_m3, theta, alpha, mu, nu, counterfactual_ug_m3):
    """Global Exposure Mortality Model relative risk.

    Parameters
    ----------
    conc_ug_m3 : array_like
        Annual mean PM2.5 [ug/m3].
    theta, alpha, mu, nu : float
        GEMM parameters (theta [-], alpha [ug/m3], mu [ug/m3], nu [ug/m3]).
    counterfactual_ug_m3 : float
        Counterfactual level [ug/m3]; z = max(0, c - cf).

    Returns
    -------
    ndarray
        RR(z) = exp(theta * ln(z/alpha + 1) / (1 + exp(-(z - mu)/nu))).

    References
    ----------
    Burnett R. et al. 2018, PNAS 115(38):9592-9597, eq. (1) (GEMM). The formula lives in
    :func:`ehrisk.exposure.response_function.gemm_rr`; this name is kept for callers.
    """
    return _gemm_rr(conc_ug_m3, theta, alpha, mu, nu, counterfactual_ug_m3)


@dataclass(frozen=True)
class CRF:
    """A concentration-response function: ``rr(conc)`` with its uncertain parameter.

    Satisfies :class:`ehrisk.exposure.response_function.ResponseFunction` (name, reference,
    unit, rr, rr_bounds); :meth:`response_function` gives the plain
    :class:`~ehrisk.exposure.response_function.LogLinear` / ``GEMM`` it evaluates with.

    Attributes
    ----------
    name : str
    reference : str
    form : {"log-linear", "gemm"}
    coef : float
        beta [1/(ug/m3)] (log-linear) or theta [-] (GEMM).
    coef_se : float
        Standard error of ``coef``.
    shape : tuple
        GEMM (alpha, mu, nu) [ug/m3]; empty for log-linear.
    counterfactual_ug_m3 : float
        Threshold below which no excess risk is counted [ug/m3].
    endpoint, age_group, duration : str
    """

    name: str
    reference: str
    form: str
    coef: float
    coef_se: float
    shape: tuple = ()
    counterfactual_ug_m3: float = 0.0
    endpoint: str = ""
    age_group: str = "all"
    duration: str = ""

    @property
    def unit(self) -> str:
        """Exposure unit of ``rr`` (the ``crf`` table is in ug/m3)."""
        return "ug/m3"

    def response_function(self) -> LogLinear | GEMM:
        """This CRF as a :class:`~ehrisk.exposure.response_function.ResponseFunction` (the one
        place its formula lives), with the interval coef -/+ 1.96 coef_se (none where the SE
        is not a finite number)."""
        lo, hi = self.coef - Z_95 * self.coef_se, self.coef + Z_95 * self.coef_se
        if not (np.isfinite(lo) and np.isfinite(hi)):
            lo = hi = None
        if self.form == "log-linear":
            return LogLinear(self.coef, name=self.name, reference=self.reference,
                             unit=self.unit, beta_lo=lo, beta_hi=hi,
                             counterfactual=self.counterfactual_ug_m3)
        if self.form == "gemm":
            a, mu, nu = self.shape
            return GEMM(self.coef, a, mu, nu, name=self.name, reference=self.reference,
                        unit=self.unit, counterfactual=self.counterfactual_ug_m3,
                        theta_lo=lo, theta_hi=hi)
        raise ValueError(f"unknown CRF form {self.form!r}")

    def rr(self, conc_ug_m3, coef=None):
        """Relative risk at ``conc_ug_m3`` [ug/m3] versus the counterfactual; ``coef`` (an
        array broadcasting against conc) replaces the central coefficient, e.g. MC draws."""
        return self.response_function().rr(conc_ug_m3, coef)

    def rr_bounds(self, conc_ug_m3):
        """RR [-] at coef -/+ 1.96 coef_se (the 95 % interval of the coefficient)."""
        return self.response_function().rr_bounds(conc_ug_m3)


def avoided_cases(crf: CRF, y0_rate, population, c_before_ug_m3, c_after_ug_m3, coef=None):
    """Cases avoided when concentration falls from ``c_before`` to ``c_after``.

    Parameters
    ----------
    crf : CRF
    y0_rate : array_like
        Baseline incidence at the ``before`` state [cases/person/period].
    population : array_like
        Exposed population [persons].
    c_before_ug_m3, c_after_ug_m3 : array_like
        Concentrations [ug/m3].
    coef : array_like or None
        Coefficient draws (broadcast against the cells) instead of the central value.

    Returns
    -------
    ndarray
        y0 * pop * (1 - RR(after) / RR(before)) [cases/period]; negative if pollution rises.

    References
    ----------
    BenMAP-CE User Manual, Appendix C (log-linear case); Burnett et al. 2018 (GEMM);
    WHO AirQ+ (attributable proportion (RR - 1) / RR).
    """
    y0 = np.asarray(y0_rate, dtype=float)
    pop = np.asarray(population, dtype=float)
    ratio = crf.rr(c_after_ug_m3, coef) / crf.rr(c_before_ug_m3, coef)
    return y0 * pop * (1.0 - ratio)


def attributable_to_level(crf: CRF, y0_rate, population, conc_ug_m3, coef=None):
    """Cases attributable to exposure above the counterfactual: y0 * pop * (RR - 1) / RR
    (WHO AirQ+ attributable proportion) [cases/period]."""
    rr = crf.rr(conc_ug_m3, coef)
    return np.asarray(y0_rate, dtype=float) * np.asarray(population, dtype=float) * (rr - 1) / rr


def draw_coefficients(crf: CRF, n_draws: int, seed: int) -> np.ndarray:
    """Monte Carlo draws of the CRF coefficient, normal(coef, coef_se), truncated at 0
    (a harmful pollutant; BenMAP-CE draws beta from its normal distribution)."""
    if n_draws < 1:
        raise ValueError("n_draws must be >= 1")
    rng = np.random.default_rng(seed)
    return np.maximum(rng.normal(crf.coef, crf.coef_se, size=n_draws), 0.0)
