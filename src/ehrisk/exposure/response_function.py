"""Response functions: one small interface for every exposure-response relation.

A response function gives the relative risk of an outcome at an exposure level. The
concentration-response functions of the ``crf`` table (:mod:`ehrisk.impact.crf`), the betas
of AQHI coefficient sets (:mod:`ehrisk.air.aqhi_set`) and the local time-series fits
(:mod:`ehrisk.air.response`) all satisfy :class:`ResponseFunction`, and the two functional
forms in use live here and only here:

- log-linear: ``RR(z) = exp(beta z)`` (BenMAP-CE User Manual, Appendix C; the AQHI
  construction of Stieb et al. 2008; time-series Poisson regression),
- GEMM: ``RR(z) = exp(theta ln(z/alpha + 1) / (1 + exp(-(z - mu)/nu)))`` (Burnett et al.
  2018, eq. (1)),

with ``z = max(0, conc - counterfactual)`` [unit]: exposure at or below the counterfactual
(reference) level carries no excess risk, so ``rr(counterfactual) == 1``. With the default
counterfactual 0, ``conc`` is the exposure increase above zero.

Following the design note "Response functions share one small interface" (InMAP's ``HRer``,
CLIMADA's ``ImpactFunc``), publications become constructors: a row of a table, a coefficient
set or a fit builds a :class:`LogLinear` or :class:`GEMM`; nothing here reads files.

References
----------
US EPA (2023). BenMAP-CE User Manual, Appendix C (log-linear health impact function).
Burnett R. et al. (2018). Global estimates of mortality associated with long-term exposure to
outdoor fine particulate matter. PNAS 115(38):9592-9597, eq. (1) (GEMM).
Stieb DM et al. (2008). J Air Waste Manag Assoc 58(3):435-450 (AQHI, log-linear ER).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["GEMM", "BoundedResponseFunction", "LogLinear", "ResponseFunction",
           "gemm_rr", "log_linear_rr"]


@runtime_checkable
class ResponseFunction(Protocol):
    """What every response function offers.

    Attributes
    ----------
    name : str
        Identifier (e.g. a ``crf_id``, ``"stieb-2008 no2"``).
    reference : str
        Citation of the source (paper with table/equation, or how it was derived).
    unit : str
        Exposure unit of ``conc`` (e.g. ``"ug/m3"``, ``"ppb"``, ``"mg/m3"``).
    """

    name: str
    reference: str
    unit: str

    def rr(self, conc) -> np.ndarray:
        """Relative risk [-] at exposure ``conc`` [unit] versus the counterfactual (vectorised;
        1 at or below the counterfactual)."""
        ...


@runtime_checkable
class BoundedResponseFunction(ResponseFunction, Protocol):
    """A response function that also gives an interval of its relative risk."""

    def rr_bounds(self, conc) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper relative risk [-] at ``conc`` [unit] (the source's interval)."""
        ...


def _excess(conc, counterfactual: float) -> np.ndarray:
    """z = max(0, conc - counterfactual) [unit]."""
    return np.maximum(np.asarray(conc, dtype=float) - counterfactual, 0.0)


def log_linear_rr(conc, beta, counterfactual: float = 0.0) -> np.ndarray:
    """Log-linear relative risk ``exp(beta z)``, ``z = max(0, conc - counterfactual)``.

    Parameters
    ----------
    conc : array_like
        Exposure [unit].
    beta : float or array_like
        Coefficient [1/unit]; an array broadcasts against ``conc`` (e.g. Monte Carlo draws).
    counterfactual : float
        Exposure carrying no excess risk [unit].

    Returns
    -------
    ndarray
        RR [-].

    References
    ----------
    US EPA (2023). BenMAP-CE User Manual, Appendix C (RR = exp(beta delta_x)).
    """
    return np.exp(np.asarray(beta, dtype=float) * _excess(conc, counterfactual))


def gemm_rr(conc, theta, alpha: float, mu: float, nu: float,
            counterfactual: float = 0.0) -> np.ndarray:
    """Global Exposure Mortality Model relative risk.

    Parameters
    ----------
    conc : array_like
        Annual mean PM2.5 [ug/m3].
    theta : float or array_like
        Shape coefficient [-]; an array broadcasts against ``conc`` (e.g. Monte Carlo draws).
    alpha, mu, nu : float
        GEMM parameters [ug/m3].
    counterfactual : float
        Counterfactual level [ug/m3]; z = max(0, conc - counterfactual).

    Returns
    -------
    ndarray
        RR(z) = exp(theta ln(z/alpha + 1) / (1 + exp(-(z - mu)/nu))) [-].

    References
    ----------
    Burnett R. et al. 2018, PNAS 115(38):9592-9597, eq. (1) (GEMM).
    """
    z = _excess(conc, counterfactual)
    t = np.asarray(theta, dtype=float)
    return np.exp(t * np.log(z / alpha + 1.0) / (1.0 + np.exp(-(z - mu) / nu)))


def _finite(name: str, value) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return v


def _check_bounds(what: str, central: float, lo, hi) -> None:
    if (lo is None) != (hi is None):
        raise ValueError(f"give both {what}_lo and {what}_hi, or neither")
    if lo is not None:
        lo_f, hi_f = _finite(f"{what}_lo", lo), _finite(f"{what}_hi", hi)
        if not lo_f <= central <= hi_f:
            raise ValueError(f"{what} interval [{lo_f:g}, {hi_f:g}] does not hold the central "
                             f"value {central:g}")


def _check_text(name: str, reference: str, unit: str) -> None:
    for key, v in (("name", name), ("reference", reference), ("unit", unit)):
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"a response function needs a non-empty {key}")


@dataclass(frozen=True)
class LogLinear:
    """Log-linear response function ``RR = exp(beta z)``, ``z = max(0, conc - counterfactual)``.

    Parameters
    ----------
    beta_per_unit : float
        Coefficient [1/unit], ln(RR) per unit of exposure.
    name, reference : str
        Identifier and citation.
    unit : str
        Exposure unit [e.g. ``"ug/m3"``].
    beta_lo, beta_hi : float, optional
        Interval of the coefficient [1/unit] (e.g. the 95 % CI); both or neither.
    counterfactual : float
        Exposure without excess risk [unit]; default 0.

    References
    ----------
    US EPA (2023). BenMAP-CE User Manual, Appendix C.
    """

    beta_per_unit: float
    name: str
    reference: str
    unit: str
    beta_lo: float | None = None
    beta_hi: float | None = None
    counterfactual: float = 0.0

    def __post_init__(self) -> None:
        _check_text(self.name, self.reference, self.unit)
        b = _finite("beta_per_unit", self.beta_per_unit)
        _finite("counterfactual", self.counterfactual)
        _check_bounds("beta", b, self.beta_lo, self.beta_hi)

    @property
    def form(self) -> str:
        return "log-linear"

    def rr(self, conc, coef=None) -> np.ndarray:
        """Relative risk [-] at ``conc`` [unit]; ``coef`` [1/unit] (array broadcasting against
        ``conc``, e.g. Monte Carlo draws) replaces ``beta_per_unit``."""
        beta = self.beta_per_unit if coef is None else coef
        return log_linear_rr(conc, beta, self.counterfactual)

    def rr_bounds(self, conc) -> tuple[np.ndarray, np.ndarray]:
        """RR at ``beta_lo`` and ``beta_hi`` [-]; ValueError when the source gives no interval."""
        if self.beta_lo is None:
            raise ValueError(f"{self.name}: no interval of beta was given")
        return self.rr(conc, self.beta_lo), self.rr(conc, self.beta_hi)

    def excess_risk_pct(self, increment: float) -> float:
        """Excess risk [%] per ``increment`` [unit] above the counterfactual:
        100 (RR - 1)."""
        return float(100.0 * (self.rr(self.counterfactual + float(increment)) - 1.0))


@dataclass(frozen=True)
class GEMM:
    """Global Exposure Mortality Model (Burnett et al. 2018, eq. (1)).

    ``RR(z) = exp(theta ln(z/alpha + 1) / (1 + exp(-(z - mu)/nu)))``,
    ``z = max(0, conc - counterfactual)``.

    Parameters
    ----------
    theta : float
        Shape coefficient [-].
    alpha, mu, nu : float
        Curve parameters [unit]; alpha and nu > 0.
    name, reference : str
        Identifier and citation.
    unit : str
        Exposure unit; ``"ug/m3"`` (annual mean PM2.5).
    counterfactual : float
        Counterfactual level [unit] (2.4 ug/m3 in Burnett et al. 2018).
    theta_lo, theta_hi : float, optional
        Interval of theta [-] (e.g. theta -/+ 1.96 SE); both or neither.

    References
    ----------
    Burnett R. et al. 2018, PNAS 115(38):9592-9597, eq. (1) and SI Appendix Table S2.
    """

    theta: float
    alpha: float
    mu: float
    nu: float
    name: str
    reference: str
    unit: str = "ug/m3"
    counterfactual: float = 0.0
    theta_lo: float | None = None
    theta_hi: float | None = None

    def __post_init__(self) -> None:
        _check_text(self.name, self.reference, self.unit)
        t = _finite("theta", self.theta)
        for key in ("alpha", "nu"):
            if _finite(key, getattr(self, key)) <= 0:
                raise ValueError(f"GEMM {key} must be positive, not {getattr(self, key)!r}")
        _finite("mu", self.mu)
        _finite("counterfactual", self.counterfactual)
        _check_bounds("theta", t, self.theta_lo, self.theta_hi)

    @property
    def form(self) -> str:
        return "gemm"

    def rr(self, conc, coef=None) -> np.ndarray:
        """Relative risk [-] at ``conc`` [unit]; ``coef`` (array broadcasting against ``conc``,
        e.g. Monte Carlo draws) replaces ``theta``."""
        theta = self.theta if coef is None else coef
        return gemm_rr(conc, theta, self.alpha, self.mu, self.nu, self.counterfactual)

    def rr_bounds(self, conc) -> tuple[np.ndarray, np.ndarray]:
        """RR at ``theta_lo`` and ``theta_hi`` [-]; ValueError when no interval was given."""
        if self.theta_lo is None:
            raise ValueError(f"{self.name}: no interval of theta was given")
        return self.rr(conc, self.theta_lo), self.rr(conc, self.theta_hi)
