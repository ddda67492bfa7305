"""Basis functions for time-series regression: natural cubic splines, lag bases, cross-bases.

Pure numpy/scipy. The natural cubic spline reproduces the column space of R's ``splines::ns``
(knots at equally spaced quantiles of the non-missing data, boundary knots at the range), which
is what the NMMAPS and dlnm analyses use; the lag bases follow the R package dlnm
(``onebasis``/``crossbasis``, Gasparrini 2011).

References
----------
Gasparrini A. (2011). Distributed lag linear and non-linear models in R: the package dlnm.
Journal of Statistical Software 43(8):1-20, sections 2-3 (cross-basis, eq. 3-5).
Hastie T. J. (1992). Generalized additive models. In: Chambers & Hastie, Statistical Models in
S, ch. 7 (natural cubic splines, the ``ns`` basis).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import BSpline


@dataclass(frozen=True)
class NaturalSpline:
    """A natural cubic spline basis with fixed knots (the analogue of R's ``ns``).

    Attributes
    ----------
    knots : tuple of float
        Interior knots [unit of x].
    boundary : tuple of float
        Boundary knots (lower, upper) [unit of x]; the basis is linear beyond them.
    intercept : bool
        Whether the basis includes the constant (R ``ns(intercept=TRUE)``).
    """

    knots: tuple[float, ...]
    boundary: tuple[float, float]
    intercept: bool = False

    @property
    def df(self) -> int:
        return len(self.knots) + 1 + int(self.intercept)

    def __call__(self, x) -> np.ndarray:
        """Evaluate the basis at ``x`` (NaN rows stay NaN); returns (n, df)."""
        x = np.asarray(x, dtype=float)
        out = np.full((x.size, self.df), np.nan)
        ok = np.isfinite(x)
        if not ok.any():
            return out
        lo, hi = self.boundary
        t = np.r_[[lo] * 4, sorted(self.knots), [hi] * 4]
        nb = len(t) - 4
        q = _null_space_of_second_derivative(t, lo, hi, self.intercept)
        xv = x[ok]
        inside = (xv >= lo) & (xv <= hi)
        b = np.zeros((xv.size, nb))
        if inside.any():
            b[inside] = _bspline_design(xv[inside], t, nb)
        if (~inside).any():
            # linear extrapolation beyond the boundary knots, as R's ns does
            for side, xb in ((xv < lo, lo), (xv > hi, hi)):
                if side.any():
                    b0 = _bspline_design(np.array([xb]), t, nb)
                    d1 = _bspline_deriv1(xb, t, nb)
                    b[side] = b0 + np.outer(xv[side] - xb, d1)
        if not self.intercept:
            b = b[:, 1:]
        out[ok] = b @ q
        return out


def _bspline_design(x: np.ndarray, t: np.ndarray, nb: int) -> np.ndarray:
    return BSpline.design_matrix(x, t, 3).toarray()[:, :nb]


def _bspline_deriv1(x: float, t: np.ndarray, nb: int) -> np.ndarray:
    d = np.empty(nb)
    for j in range(nb):
        c = np.zeros(nb)
        c[j] = 1.0
        d[j] = BSpline(t, c, 3, extrapolate=True).derivative(1)(x)
    return d


def _null_space_of_second_derivative(t: np.ndarray, lo: float, hi: float,
                                     intercept: bool) -> np.ndarray:
    """Columns spanning the B-spline coefficients with zero 2nd derivative at both ends."""
    nb = len(t) - 4
    const = np.empty((2, nb))
    for j in range(nb):
        c = np.zeros(nb)
        c[j] = 1.0
        d2 = BSpline(t, c, 3, extrapolate=True).derivative(2)
        const[:, j] = [d2(lo), d2(hi)]
    if not intercept:
        const = const[:, 1:]
    q, _ = np.linalg.qr(const.T, mode="complete")
    return q[:, 2:]


def ns_basis(x, df: int, intercept: bool = False) -> NaturalSpline:
    """Natural spline with ``df`` degrees of freedom, knots placed as R's ``ns(x, df)``.

    Interior knots are the quantiles (type 7, numpy's default ``linear``) at equally spaced
    probabilities ``k / (n_knots + 1)`` of the non-missing values of ``x``; boundary knots are
    the range of ``x``.

    Parameters
    ----------
    x : array_like
        Variable the basis is built on [any unit]; NaN ignored for the knots.
    df : int
        Degrees of freedom (number of columns) [-].
    intercept : bool
        Include the constant in the basis.

    References
    ----------
    R Core Team, ``splines::ns`` (knots at ``quantile(x, seq(0, 1, length = nIknots + 2))``).
    """
    x = np.asarray(x, dtype=float)
    xv = x[np.isfinite(x)]
    if xv.size < 2:
        raise ValueError("natural spline needs at least two non-missing values")
    n_int = int(df) - 1 - int(intercept)
    if n_int < 0:
        raise ValueError(f"df={df} too small for a natural spline")
    probs = np.linspace(0.0, 1.0, n_int + 2)[1:-1]
    knots = tuple(float(k) for k in np.quantile(xv, probs)) if n_int else ()
    return NaturalSpline(knots, (float(xv.min()), float(xv.max())), intercept)


def lag_matrix(x, lag_min: int, lag_max: int) -> np.ndarray:
    """Matrix of lagged values: column ``j`` is ``x[t - (lag_min + j)]``; NaN before the start.

    Parameters
    ----------
    x : array_like
        Daily series on a complete calendar (one row per day) [unit of x].
    lag_min, lag_max : int
        Lag range in days [d], ``0 <= lag_min <= lag_max``.
    """
    x = np.asarray(x, dtype=float)
    if lag_min < 0 or lag_max < lag_min:
        raise ValueError(f"bad lag range {lag_min}-{lag_max}")
    n = x.size
    out = np.full((n, lag_max - lag_min + 1), np.nan)
    for j, lag in enumerate(range(lag_min, lag_max + 1)):
        if lag < n:
            out[lag:, j] = x[: n - lag]
    return out


LAG_BASES = ("poly", "ns", "integer", "constant", "strata")


def lag_basis(lag_min: int, lag_max: int, kind: str = "poly", df: int = 4,
              breaks: tuple[int, ...] = ()) -> np.ndarray:
    """Basis over the lags ``lag_min..lag_max`` (rows) as in dlnm's ``arglag`` (columns).

    Parameters
    ----------
    lag_min, lag_max : int
        Lag range [d].
    kind : {"poly", "ns", "integer", "constant", "strata"}
        ``poly``: polynomial of degree ``df`` with intercept, lags scaled by ``lag_max``
        (dlnm ``fun="poly"``, ``scale=max(lag)``); ``ns``: natural spline with intercept and
        ``df`` columns, knots at equally spaced quantiles of the lag values; ``integer``: one
        column per lag (unconstrained DLM); ``constant``: a single column of ones (the sum of
        the lags, i.e. a moving average times the number of lags); ``strata``: piecewise
        constant with cut points ``breaks`` (dlnm ``fun="strata"``).
    df : int
        Degree (poly) or degrees of freedom (ns) [-].
    breaks : tuple of int
        Lag values where a new stratum starts (strata only) [d].

    References
    ----------
    Gasparrini A. (2011), J Stat Softw 43(8), section 3 (``onebasis`` functions for the lag
    dimension); Almon S. (1965) Econometrica 33:178-196 (polynomial distributed lags).
    """
    lags = np.arange(lag_min, lag_max + 1, dtype=float)
    if kind == "poly":
        scale = max(float(lag_max), 1.0)
        return np.column_stack([(lags / scale) ** k for k in range(int(df) + 1)])
    if kind == "ns":
        if lag_max - lag_min + 1 < df:
            raise ValueError(f"ns lag basis with df={df} needs at least {df} lags")
        return ns_basis(lags, df, intercept=True)(lags)
    if kind == "integer":
        return np.eye(lags.size)
    if kind == "constant":
        return np.ones((lags.size, 1))
    if kind == "strata":
        edges = [lag_min, *sorted(b for b in breaks if lag_min < b <= lag_max)]
        cols = []
        for i, lo in enumerate(edges):
            hi = edges[i + 1] if i + 1 < len(edges) else lag_max + 1
            cols.append(((lags >= lo) & (lags < hi)).astype(float))
        return np.column_stack(cols)
    raise ValueError(f"unknown lag basis {kind!r}; known: {', '.join(LAG_BASES)}")


def crossbasis_linear(x, lag_min: int, lag_max: int, lag_b: np.ndarray) -> np.ndarray:
    """Cross-basis of a linear exposure-response with a lag basis (a distributed-lag model).

    ``W[t, j] = sum_l x[t - l] * C[l, j]``: Gasparrini (2011) eq. (4) with the identity as the
    exposure basis. NaN where any needed lag is missing.

    Parameters
    ----------
    x : array_like
        Daily exposure on a complete calendar [unit of x].
    lag_min, lag_max : int
        Lag range [d].
    lag_b : ndarray
        Lag basis from :func:`lag_basis`, shape (n_lags, df_lag).
    """
    q = lag_matrix(x, lag_min, lag_max)
    return q @ lag_b


def crossbasis_spline(x, var_basis: NaturalSpline, lag_min: int, lag_max: int,
                      lag_b: np.ndarray) -> np.ndarray:
    """Cross-basis of a spline exposure-response with a lag basis (a DLNM).

    ``W[t, (v, j)] = sum_l f_v(x[t - l]) * C[l, j]`` (Gasparrini 2011, eq. 5); columns ordered
    variable-major as dlnm (``v1.l1, v1.l2, ...``).

    Parameters
    ----------
    x : array_like
        Daily series on a complete calendar [unit of x].
    var_basis : NaturalSpline
        Basis in the exposure dimension (built once on the whole series).
    lag_min, lag_max : int
        Lag range [d].
    lag_b : ndarray
        Lag basis, shape (n_lags, df_lag).
    """
    q = lag_matrix(x, lag_min, lag_max)
    n, nl = q.shape
    fv = var_basis(q.ravel()).reshape(n, nl, var_basis.df)
    return np.einsum("tlv,lj->tvj", fv, lag_b).reshape(n, var_basis.df * lag_b.shape[1])


def moving_average(x, lag_min: int, lag_max: int) -> np.ndarray:
    """Mean of ``x[t - lag_min] .. x[t - lag_max]``; NaN if any of them is missing.

    Parameters
    ----------
    x : array_like
        Daily series on a complete calendar [unit of x].
    lag_min, lag_max : int
        Lag range [d].
    """
    return lag_matrix(x, lag_min, lag_max).mean(axis=1)
