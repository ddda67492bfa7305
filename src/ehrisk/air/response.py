"""Local exposure-response model (本地空气质量和环境健康风险响应模型).

Time-series regression of daily death counts on air pollution: a quasi-Poisson generalised
linear model with a natural cubic spline of calendar time, splines of temperature and
humidity, day of week and holidays, and the pollutant(s) at a single lag, as a moving average
or as a distributed lag (DLM cross-basis). Results are excess risks (ER, %) per 10-unit
increase with 95 % confidence intervals.

The model is

    log E[Y_t] = a + sum_p beta_p' w_p(t) + ns(time, df_time) + ns(temp, df_temp)
                 + ns(humidity, df_hum) + dow_t + holiday_t,      Var(Y_t) = phi E[Y_t]

(Samet et al. 2000 NMMAPS; Peng, Dominici & Louis 2006; Gasparrini 2011 eq. 1), where
``w_p(t)`` is ``x_p(t - l)`` (single lag ``l``), the mean of ``x_p(t-a..t-b)`` (moving average)
or the cross-basis of :mod:`ehrisk.air.response_basis` (distributed lag). ``phi`` is
estimated from the Pearson chi-square (statsmodels ``scale="X2"``), as R's ``quasipoisson``.

References
----------
Samet JM, Zeger SL, Dominici F et al. (2000). The National Morbidity, Mortality, and Air
Pollution Study, Part II. HEI Research Report 94.
Peng RD, Dominici F, Louis TA (2006). Model choice in time series studies of air pollution
and mortality. J R Stat Soc A 169(2):179-203.
Gasparrini A (2011). Distributed lag linear and non-linear models in R: the package dlnm.
J Stat Softw 43(8):1-20.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.linalg
import statsmodels.api as sm
from scipy import stats
from scipy.special import gammaln

from ehrisk.air.response_basis import (
    crossbasis_linear,
    crossbasis_spline,
    lag_basis,
    lag_matrix,
    moving_average,
    ns_basis,
)
from ehrisk.refdata import load_table

OUTCOMES = ("death", "cvd", "resp")
HUMIDITY_CHOICES = ("auto", "rh_pct", "dewpoint_c", "none")
DAYS_PER_YEAR = 365.25


def single_threaded(func):
    """Run ``func`` with BLAS limited to one thread (see :func:`_single_thread`)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _single_thread():
            return func(*args, **kwargs)

    return wrapper


def _single_thread():
    """Limit BLAS to one thread: these matrices are small, and threads oversubscribe the CPU
    when several fits or processes run at once (threadpoolctl comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a scikit-learn dependency
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def standard_parameters() -> dict[str, float]:
    """The 'standard' specification's numbers, from ``response_spec_standard.csv``."""
    df = load_table("response_spec_standard", numeric=["value"])
    return dict(zip(df["parameter"], df["value"], strict=True))


@dataclass(frozen=True)
class ResponseSpec:
    """Confounder model of the time-series regression.

    Attributes
    ----------
    df_time_per_year : float
        Degrees of freedom per year of the natural spline of time [df/yr]; the total is
        ``round(df_time_per_year * n_days / 365.25)`` over the whole calendar.
    df_temp : int
        Degrees of freedom of the temperature spline [df].
    temp_lag_max : int
        Largest temperature lag [d]; 0 = same-day temperature only.
    temp_lag_breaks : tuple of int
        Strata cut points of the temperature lag basis [d] (dlnm ``fun="strata"``).
    humidity : {"auto", "rh_pct", "dewpoint_c", "none"}
        Humidity covariate; ``auto`` takes relative humidity where it covers enough days, else
        dew point, else none.
    df_humidity : int
        Degrees of freedom of the humidity spline [df].
    dow : bool
        Day-of-week indicators.
    holiday : bool
        A holiday indicator where the data have a ``holiday`` column.
    """

    # No defaults here for the three spline sizes: the standard values live in the refdata
    # table response_spec_standard (one source of truth); use ResponseSpec.standard().
    df_time_per_year: float
    df_temp: int
    df_humidity: int
    temp_lag_max: int = 0
    temp_lag_breaks: tuple[int, ...] = ()
    humidity: str = "auto"
    dow: bool = True
    holiday: bool = True

    @classmethod
    def standard(cls, **overrides) -> ResponseSpec:
        """The documented default ('standard') specification, read from the refdata table."""
        p = standard_parameters()
        base = cls(df_time_per_year=float(p["df_time_per_year"]), df_temp=int(p["df_temp"]),
                   df_humidity=int(p["df_humidity"]))
        return replace(base, **overrides)

    def describe(self, humidity: str | None = None) -> str:
        """One-line formula; ``humidity`` names the resolved humidity column."""
        hum = humidity or self.humidity
        temp = f"ns(temp_c, {self.df_temp} df)"
        if self.temp_lag_max:
            temp += f" x lag 0-{self.temp_lag_max} strata {list(self.temp_lag_breaks)}"
        parts = [f"ns(time, {self.df_time_per_year:g} df/yr)", temp]
        if hum != "none":
            parts.append(f"ns({hum}, {self.df_humidity} df)")
        if self.dow:
            parts.append("day of week")
        if self.holiday:
            parts.append("holiday (if given)")
        return " + ".join(parts)


@dataclass(frozen=True)
class LagSpec:
    """How a pollutant enters the model.

    Attributes
    ----------
    kind : {"single", "ma", "dlm"}
        Single lag, moving average over ``lag_min..lag_max``, or distributed lag.
    lag_min, lag_max : int
        Lag range [d].
    basis : str
        Lag basis for ``dlm`` (see :func:`ehrisk.air.response_basis.lag_basis`).
    df : int
        Degree / df of the lag basis [-].
    """

    kind: str = "single"
    lag_min: int = 0
    lag_max: int = 0
    basis: str = "poly"
    df: int = 4

    def __post_init__(self) -> None:
        if self.kind not in ("single", "ma", "dlm"):
            raise ValueError(f"unknown lag kind {self.kind!r}; known: single, ma, dlm")
        if self.lag_min < 0 or self.lag_max < self.lag_min:
            raise ValueError(f"bad lag range {self.lag_min}-{self.lag_max}")
        if self.kind == "single" and self.lag_min != self.lag_max:
            raise ValueError("a single lag has lag_min == lag_max")

    @property
    def label(self) -> str:
        if self.kind == "single":
            return f"lag {self.lag_max}"
        if self.kind == "ma":
            return f"lag {self.lag_min}-{self.lag_max} (moving average)"
        return f"lag {self.lag_min}-{self.lag_max} (distributed lag, {self.basis} {self.df})"


def parse_lag(text: str) -> LagSpec:
    """Parse ``"1"`` (single lag) or ``"0-2"`` (moving average over lags 0..2)."""
    s = str(text).strip()
    try:
        if "-" in s:
            a, b = (int(v) for v in s.split("-", 1))
            return LagSpec("ma", a, b)
        k = int(s)
    except ValueError:
        raise ValueError(f"lag {text!r} is not 'N' or 'A-B' (whole days)") from None
    return LagSpec("single", k, k)


@dataclass
class Design:
    """A design matrix and what it is made of."""

    y: np.ndarray
    X: pd.DataFrame
    rows: np.ndarray                     # bool mask over the input days that were used
    exposure_cols: dict[str, list[str]]
    lag: LagSpec
    lag_b: np.ndarray | None
    info: dict = field(default_factory=dict)


def _humidity_column(data: pd.DataFrame, spec: ResponseSpec) -> str | None:
    if spec.humidity not in HUMIDITY_CHOICES:
        raise ValueError(f"unknown humidity option {spec.humidity!r}; "
                         f"known: {', '.join(HUMIDITY_CHOICES)}")
    if spec.humidity == "none":
        return None
    if spec.humidity != "auto":
        if spec.humidity not in data.columns:
            raise KeyError(f"humidity column {spec.humidity!r} not in the data")
        return spec.humidity
    cover = float(standard_parameters()["humidity_min_coverage"])
    for col in ("rh_pct", "dewpoint_c"):
        if col in data.columns and np.isfinite(data[col].to_numpy(float)).mean() >= cover:
            return col
    return None


def exposure_terms(x: np.ndarray, lag: LagSpec) -> tuple[np.ndarray, np.ndarray | None]:
    """Columns for one pollutant: (n, k) and the lag basis (dlm only)."""
    if lag.kind == "single":
        return lag_matrix(x, lag.lag_max, lag.lag_max), None
    if lag.kind == "ma":
        return moving_average(x, lag.lag_min, lag.lag_max)[:, None], None
    cb = lag_basis(lag.lag_min, lag.lag_max, lag.basis, lag.df)
    return crossbasis_linear(x, lag.lag_min, lag.lag_max, cb), cb


def confounder_frame(data: pd.DataFrame, spec: ResponseSpec) -> tuple[pd.DataFrame, dict]:
    """Confounder columns (time spline, weather, calendar) over all days of ``data``."""
    n = len(data)
    cols: dict[str, np.ndarray] = {}
    time = np.arange(1, n + 1, dtype=float)
    df_time = max(1, int(round(spec.df_time_per_year * n / DAYS_PER_YEAR)))
    b = ns_basis(time, df_time)(time)
    for j in range(b.shape[1]):
        cols[f"ns_time_{j + 1}"] = b[:, j]
    if "temp_c" not in data.columns:
        raise KeyError("the data have no temperature column 'temp_c'")
    temp = data["temp_c"].to_numpy(float)
    vb = ns_basis(temp, spec.df_temp)
    if spec.temp_lag_max == 0:
        tb = vb(temp)
    else:
        lb = lag_basis(0, spec.temp_lag_max, "strata", breaks=spec.temp_lag_breaks)
        tb = crossbasis_spline(temp, vb, 0, spec.temp_lag_max, lb)
    for j in range(tb.shape[1]):
        cols[f"ns_temp_{j + 1}"] = tb[:, j]
    hum = _humidity_column(data, spec)
    if hum is not None:
        h = data[hum].to_numpy(float)
        hb = ns_basis(h, spec.df_humidity)(h)
        for j in range(hb.shape[1]):
            cols[f"ns_{hum}_{j + 1}"] = hb[:, j]
    if spec.dow:
        dow = pd.to_datetime(data["date"]).dt.dayofweek.to_numpy()
        for d in range(1, 7):
            cols[f"dow_{d}"] = (dow == d).astype(float)
    has_holiday = spec.holiday and "holiday" in data.columns
    if has_holiday:
        cols["holiday"] = data["holiday"].to_numpy(float)
    info = {"df_time": df_time, "humidity": hum or "none", "holiday": bool(has_holiday)}
    return pd.DataFrame(cols, index=data.index), info


@single_threaded
def build_design(data: pd.DataFrame, outcome: str, exposures: list[str], lag: LagSpec,
                 spec: ResponseSpec, extra: pd.DataFrame | None = None) -> Design:
    """Design matrix of the time-series model; days with any missing value are dropped.

    Parameters
    ----------
    data : DataFrame
        Daily series on a complete calendar (see :func:`ehrisk.io.nmmaps.read_daily_series`):
        ``date``, the outcome [deaths/day], ``temp_c`` [degC], optional ``rh_pct`` [%],
        ``dewpoint_c`` [degC], ``holiday`` [0/1], and pollutant columns [ug/m3 or as read].
    outcome : str
        Outcome column (``death``, ``cvd``, ``resp``).
    exposures : list of str
        Pollutant columns; more than one gives a multi-pollutant model.
    lag : LagSpec
        How the pollutants enter.
    spec : ResponseSpec
        Confounder model.
    extra : DataFrame or None
        Further covariate columns (e.g. a temperature cross-basis built elsewhere).
    """
    if outcome not in data.columns:
        raise KeyError(f"outcome column {outcome!r} not in the data")
    if not exposures:
        raise ValueError("at least one exposure is needed")
    if len(set(exposures)) != len(exposures):
        raise ValueError(f"exposure given twice: {exposures}")
    conf, info = confounder_frame(data, spec)
    parts = {}
    exposure_cols: dict[str, list[str]] = {}
    lag_b = None
    for p in exposures:
        if p not in data.columns:
            raise KeyError(f"exposure column {p!r} not in the data")
        w, lag_b = exposure_terms(data[p].to_numpy(float), lag)
        names = [p] if w.shape[1] == 1 else [f"{p}_l{j + 1}" for j in range(w.shape[1])]
        exposure_cols[p] = names
        for j, nm in enumerate(names):
            parts[nm] = w[:, j]
    X = pd.concat([pd.DataFrame({"const": 1.0}, index=data.index),
                   pd.DataFrame(parts, index=data.index), conf], axis=1)
    if extra is not None:
        X = pd.concat([X, extra.set_axis(data.index)], axis=1)
    y = data[outcome].to_numpy(float)
    rows = np.isfinite(y) & np.isfinite(X.to_numpy()).all(axis=1)
    if rows.sum() <= X.shape[1]:
        raise ValueError(f"only {int(rows.sum())} complete days for {X.shape[1]} parameters")
    Xu = X.loc[rows]
    keep, dropped = _non_aliased(Xu.to_numpy())
    exp_names = {c for v in exposure_cols.values() for c in v}
    lost = exp_names & {Xu.columns[i] for i in dropped}
    if lost:
        raise ValueError(f"exposure columns are collinear with the confounders: {sorted(lost)}")
    info["aliased"] = [str(Xu.columns[i]) for i in dropped]
    Xu = Xu.iloc[:, keep]
    return Design(y[rows], Xu, rows, exposure_cols, lag, lag_b, info)


def _non_aliased(X: np.ndarray, tol: float = 1e-7) -> tuple[list[int], list[int]]:
    """Columns kept / dropped as aliased by a pivoted QR (as R's lm/glm do)."""
    norms = np.linalg.norm(X, axis=0)
    norms[norms == 0] = 1.0
    _, r, piv = scipy.linalg.qr(X / norms, mode="economic", pivoting=True)
    d = np.abs(np.diag(r))
    rank = int((d > tol * d[0]).sum())
    keep = sorted(int(i) for i in piv[:rank])
    drop = sorted(int(i) for i in piv[rank:])
    return keep, drop


@dataclass
class ResponseFit:
    """Result of :func:`fit_response`. Estimates are per ``increment`` units of exposure."""

    outcome: str
    exposures: list[str]
    lag: LagSpec
    spec: ResponseSpec
    increment: float
    n_days: int
    n_params: int
    dispersion: float
    deviance: float
    pearson_chi2: float
    loglik_poisson: float
    qaic: float
    estimates: pd.DataFrame
    lag_curves: dict[str, pd.DataFrame]
    params: pd.Series
    cov: pd.DataFrame
    exposure_cols: dict[str, list[str]]
    lag_b: np.ndarray | None
    dates: pd.Series
    fitted: np.ndarray
    observed: np.ndarray
    deviance_residuals: np.ndarray
    info: dict

    def summary(self) -> dict:
        """JSON-ready summary; the first exposure's ER at top level (CLI contract)."""
        first = self.estimates.iloc[0]
        return {
            "er_percent_per_10": float(first["er_percent"]),
            "ci_low": float(first["ci_low"]),
            "ci_high": float(first["ci_high"]),
            "n_days": int(self.n_days),
            "outcome": self.outcome,
            "lag": self.lag.label,
            "increment": self.increment,
            "spec": self.spec.describe(self.info.get("humidity")),
            "df_time": self.info.get("df_time"),
            "humidity": self.info.get("humidity"),
            "dispersion": self.dispersion,
            "qaic": self.qaic,
            "estimates": self.estimates.to_dict(orient="records"),
        }

    def response_function(self, exposure: str | None = None, unit: str | None = None):
        """One exposure's estimate as a log-linear response function (an adapter to
        :class:`ehrisk.exposure.response_function.ResponseFunction`).

        Parameters
        ----------
        exposure : str, optional
            One of ``exposures``; default the first.
        unit : str, optional
            Exposure unit of the data column (e.g. ``"ug/m3"``, ``"ppb"``); default from the
            column name's suffix (``_ug_m3``, ``_ppb``, ``_mg_m3``). Required otherwise.

        Returns
        -------
        LogLinear
            RR = exp(beta x) per ``x`` [unit] above zero, with ``beta -/+ z se`` as its interval
            (``z`` of the fit's ``ci_level``), so ``100 (rr(increment) - 1)`` is the fit's
            ``er_percent`` and ``rr_bounds`` its ``ci_low``/``ci_high``.

        Raises
        ------
        ValueError
            An exposure the fit does not have, or a unit neither given nor in the column name.

        References
        ----------
        Gasparrini A (2011) J Stat Softw 43(8) (overall cumulative effect of a distributed lag).
        """
        from ehrisk.exposure.response_function import LogLinear

        ex = self.exposures[0] if exposure is None else exposure
        if ex not in self.exposures:
            raise ValueError(f"the fit has no exposure {ex!r}; it has "
                             f"{', '.join(self.exposures)}")
        if unit is None:
            suffixes = {"_ug_m3": "ug/m3", "_ppb": "ppb", "_mg_m3": "mg/m3"}
            unit = next((u for sfx, u in suffixes.items() if ex.lower().endswith(sfx)), None)
            if unit is None:
                raise ValueError(f"the unit of exposure {ex!r} is not in its name; give unit= "
                                 "(e.g. 'ug/m3' or 'ppb')")
        row = self.estimates.loc[self.estimates["exposure"] == ex].iloc[0]
        beta, se = float(row["beta"]), float(row["se"])
        z = z_value(float(self.info.get("ci_level", 0.95)))
        lo, hi = (beta - z * se, beta + z * se) if math.isfinite(se) else (None, None)
        return LogLinear(beta, name=f"local {self.outcome} ~ {ex} ({self.lag.label})",
                         reference=(f"local fit (ehrisk.air.response, quasi-Poisson time series):"
                                    f" {self.outcome} on {ex}, {self.lag.label}, "
                                    f"{self.n_days} days"),
                         unit=unit, beta_lo=lo, beta_hi=hi)


def z_value(ci_level: float) -> float:
    """Two-sided normal quantile for a confidence level."""
    return float(stats.norm.ppf(0.5 + ci_level / 2.0))


def excess_risk(beta, se, increment: float, ci_level: float = 0.95):
    """Excess risk [%] per ``increment`` with its Wald interval: 100 (exp(d beta) - 1).

    Parameters
    ----------
    beta, se : float or ndarray
        Log relative risk per unit exposure and its standard error [1/unit].
    increment : float
        Exposure increment [unit of exposure].
    ci_level : float
        Confidence level [-].
    """
    z = z_value(ci_level)
    beta = np.asarray(beta, float)
    se = np.asarray(se, float)
    return (100.0 * np.expm1(increment * beta), 100.0 * np.expm1(increment * (beta - z * se)),
            100.0 * np.expm1(increment * (beta + z * se)))


@dataclass
class GlmResult:
    """Quasi-Poisson fit: coefficients, covariance, fitted means and fit statistics."""

    params: pd.Series
    cov: pd.DataFrame
    mu: np.ndarray
    dispersion: float
    deviance: float
    pearson_chi2: float
    deviance_residuals: np.ndarray
    converged: bool


def fit_glm(design: Design) -> GlmResult:
    """Quasi-Poisson GLM by IRLS (statsmodels), as R's ``glm(family=quasipoisson)``.

    Columns are scaled to unit norm for the fit (better conditioning) and the coefficients
    scaled back. The dispersion is Pearson chi2 / (n - p) with p the number of (non-aliased)
    columns (McCullagh & Nelder 1989, eq. 4.23), which is what R reports.
    """
    X = design.X.to_numpy(float)
    norms = np.linalg.norm(X, axis=0)
    norms[norms == 0] = 1.0
    res = sm.GLM(design.y, X / norms, family=sm.families.Poisson()).fit(tol=1e-10,
                                                                        maxiter=100)
    n, k = X.shape
    phi = float(res.pearson_chi2) / (n - k)
    b = np.asarray(res.params) / norms
    v = np.asarray(res.normalized_cov_params) / np.outer(norms, norms) * phi
    cols = design.X.columns
    return GlmResult(pd.Series(b, index=cols), pd.DataFrame(v, index=cols, columns=cols),
                     np.asarray(res.fittedvalues), phi, float(res.deviance),
                     float(res.pearson_chi2), np.asarray(res.resid_deviance),
                     bool(res.converged))


def poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson log-likelihood sum(y log mu - mu - log y!)."""
    return float(np.sum(y * np.log(mu) - mu - gammaln(y + 1.0)))


@single_threaded
def fit_response(data: pd.DataFrame, outcome: str, exposures: list[str] | str,
                 lag: LagSpec | None = None, spec: ResponseSpec | None = None,
                 increment: float | None = None, ci_level: float | None = None,
                 extra: pd.DataFrame | None = None) -> ResponseFit:
    """Fit the time-series model and report ER per ``increment`` for each pollutant.

    Parameters
    ----------
    data : DataFrame
        Daily series on a complete calendar (see :func:`build_design`).
    outcome : str
        Outcome column [deaths/day].
    exposures : str or list of str
        Pollutant column(s) [ug/m3, or the unit of the data].
    lag : LagSpec, optional
        Default: single lag 0... given explicitly by the CLI.
    spec : ResponseSpec, optional
        Default: :meth:`ResponseSpec.standard`.
    increment : float, optional
        Exposure increment for ER [unit of exposure]; default from the refdata table (10).
    ci_level : float, optional
        Confidence level [-]; default 0.95 from the refdata table.
    extra : DataFrame, optional
        Extra covariates (same rows as ``data``).

    Returns
    -------
    ResponseFit
        For a distributed lag the ER is the overall cumulative effect over the lag range, with
        its variance ``c' V c`` (delta method; Gasparrini 2011 section 4, ``crosspred``).

    References
    ----------
    Gasparrini A (2011) J Stat Softw 43(8), eq. (1)-(5); Peng RD, Dominici F, Louis TA (2006)
    J R Stat Soc A 169:179-203 (QAIC = -2 logL / phi + 2 p).
    """
    exposures = [exposures] if isinstance(exposures, str) else list(exposures)
    lag = lag or LagSpec()
    spec = spec or ResponseSpec.standard()
    p = standard_parameters()
    increment = float(p["er_increment"]) if increment is None else float(increment)
    ci_level = float(p["ci_level"]) if ci_level is None else float(ci_level)
    design = build_design(data, outcome, exposures, lag, spec, extra)
    res = fit_glm(design)
    params, cov, mu, phi = res.params, res.cov, res.mu, res.dispersion
    ll = poisson_loglik(design.y, mu)
    k = design.X.shape[1]
    rows = []
    curves: dict[str, pd.DataFrame] = {}
    for ex in exposures:
        cols = design.exposure_cols[ex]
        b = params[cols].to_numpy()
        v = cov.loc[cols, cols].to_numpy()
        if lag.kind == "dlm":
            c = design.lag_b.sum(axis=0)
            beta, se = float(c @ b), float(math.sqrt(c @ v @ c))
            lb = design.lag_b @ b
            lse = np.sqrt(np.einsum("lj,jk,lk->l", design.lag_b, v, design.lag_b))
            er, lo, hi = excess_risk(lb, lse, increment, ci_level)
            curves[ex] = pd.DataFrame({"lag": np.arange(lag.lag_min, lag.lag_max + 1),
                                       "beta": lb, "se": lse, "er_percent": er,
                                       "ci_low": lo, "ci_high": hi})
        else:
            beta, se = float(b[0]), float(math.sqrt(v[0, 0]))
        er, lo, hi = excess_risk(beta, se, increment, ci_level)
        rows.append({"exposure": ex, "beta": beta, "se": se, "increment": increment,
                     "er_percent": float(er), "ci_low": float(lo), "ci_high": float(hi),
                     "z": beta / se if se > 0 else float("nan"),
                     "p_value": float(2 * stats.norm.sf(abs(beta / se))) if se > 0 else 1.0})
    dates = pd.to_datetime(data["date"]).loc[design.rows].reset_index(drop=True)
    return ResponseFit(
        outcome=outcome, exposures=exposures, lag=lag, spec=spec, increment=increment,
        n_days=int(design.rows.sum()), n_params=k, dispersion=phi,
        deviance=float(res.deviance), pearson_chi2=float(res.pearson_chi2),
        loglik_poisson=ll, qaic=-2.0 * ll / phi + 2.0 * k,
        estimates=pd.DataFrame(rows), lag_curves=curves, params=params, cov=cov,
        exposure_cols=design.exposure_cols, lag_b=design.lag_b, dates=dates, fitted=mu,
        observed=design.y, deviance_residuals=res.deviance_residuals,
        info=dict(design.info, ci_level=ci_level, converged=res.converged))


@single_threaded
def sensitivity(data: pd.DataFrame, outcome: str, exposures: list[str] | str, lag: LagSpec,
                spec: ResponseSpec | None = None, df_time_values=range(4, 11),
                df_temp_values=(3, 4, 5, 6, 7, 8), increment: float | None = None
                ) -> pd.DataFrame:
    """ER of each pollutant as the df of time (per year) and of temperature vary.

    One row per (varied parameter, value, exposure); the other parameter stays as in ``spec``.

    Parameters
    ----------
    df_time_values : iterable of float
        Degrees of freedom per year of the time spline [df/yr].
    df_temp_values : iterable of int
        Degrees of freedom of the temperature spline [df].

    References
    ----------
    Peng RD, Dominici F, Louis TA (2006) J R Stat Soc A 169:179-203 (sensitivity of the
    pollution coefficient to the smoothness of the time trend).
    """
    spec = spec or ResponseSpec.standard()
    out = []
    for name, values in (("df_time_per_year", df_time_values), ("df_temp", df_temp_values)):
        for v in values:
            s = replace(spec, **{name: type(getattr(spec, name))(v)})
            fit = fit_response(data, outcome, exposures, lag, s, increment)
            for r in fit.estimates.to_dict(orient="records"):
                out.append({"parameter": name, "value": v, "exposure": r["exposure"],
                            "er_percent": r["er_percent"], "ci_low": r["ci_low"],
                            "ci_high": r["ci_high"], "qaic": fit.qaic, "n_days": fit.n_days,
                            "standard": v == getattr(spec, name)})
    return pd.DataFrame(out)


@single_threaded
def exposure_response_curve(data: pd.DataFrame, outcome: str, exposure: str, lag: LagSpec,
                            spec: ResponseSpec | None = None, df: int = 3, n_points: int = 50,
                            ci_level: float | None = None) -> pd.DataFrame:
    """Non-linear exposure-response: ns of the (lagged or averaged) exposure, RR vs the 1st
    percentile, with a delta-method interval.

    A distributed lag is summarised by the mean over its lag range here (the exposure
    dimension of a DLNM with a constant lag basis).

    Parameters
    ----------
    exposure : str
        Pollutant column [unit of the data].
    df : int
        Degrees of freedom of the exposure spline [df].
    n_points : int
        Grid points between the 1st and 99th percentile [-].

    Returns
    -------
    DataFrame
        ``conc``, ``rr``, ``rr_low``, ``rr_high`` (relative to the first grid point).

    References
    ----------
    Gasparrini A (2011) J Stat Softw 43(8), section 4 (prediction of exposure-response curves
    relative to a reference value).
    """
    spec = spec or ResponseSpec.standard()
    ci_level = float(standard_parameters()["ci_level"]) if ci_level is None else ci_level
    x = data[exposure].to_numpy(float)
    if lag.kind == "single":
        w = lag_matrix(x, lag.lag_max, lag.lag_max)[:, 0]
    else:
        w = moving_average(x, lag.lag_min, lag.lag_max)
    nb = ns_basis(w, df)
    e = pd.DataFrame(nb(w), index=data.index, columns=[f"er_{j + 1}" for j in range(nb.df)])
    conf, _ = confounder_frame(data, spec)
    X = pd.concat([pd.DataFrame({"const": 1.0}, index=data.index), e, conf], axis=1)
    y = data[outcome].to_numpy(float)
    rows = np.isfinite(y) & np.isfinite(X.to_numpy()).all(axis=1)
    keep, _ = _non_aliased(X.loc[rows].to_numpy())
    Xu = X.loc[rows].iloc[:, keep]
    res = fit_glm(Design(y[rows], Xu, rows, {}, lag, None))
    cols = [c for c in e.columns if c in Xu.columns]
    b = res.params[cols].to_numpy()
    v = res.cov.loc[cols, cols].to_numpy()
    wv = w[rows]
    grid = np.linspace(np.quantile(wv, 0.01), np.quantile(wv, 0.99), n_points)
    B = nb(grid)[:, [e.columns.get_loc(c) for c in cols]]
    D = B - B[0]
    f = D @ b
    se = np.sqrt(np.einsum("ij,jk,ik->i", D, v, D))
    z = z_value(ci_level)
    return pd.DataFrame({"conc": grid, "rr": np.exp(f), "rr_low": np.exp(f - z * se),
                         "rr_high": np.exp(f + z * se)})


def residual_diagnostics(fit: ResponseFit, nlags: int = 30) -> dict:
    """Overdispersion and residual autocorrelation (ACF/PACF of deviance residuals).

    Residuals are taken over the days used, in date order (gaps closed up).

    Parameters
    ----------
    nlags : int
        Number of lags of the (partial) autocorrelation [d].

    References
    ----------
    Bhaskaran K, Gasparrini A, Hajat S et al. (2013) Time series regression studies in
    environmental epidemiology. Int J Epidemiol 42:1187-1195 (residual checks).
    """
    from statsmodels.tsa.stattools import acf, pacf

    r = fit.deviance_residuals
    nl = int(min(nlags, max(1, r.size // 4)))
    pa = pacf(r, nlags=nl, method="ywm")
    ac = acf(r, nlags=nl, fft=True)
    bound = z_value(0.95) / math.sqrt(r.size)
    return {
        "dispersion": fit.dispersion,
        "deviance_per_df": fit.deviance / (fit.n_days - fit.n_params),
        "pacf": pa[1:].tolist(),
        "acf": ac[1:].tolist(),
        "pacf_bound": bound,
        "max_abs_pacf": float(np.max(np.abs(pa[1:]))),
        "n_pacf_outside": int(np.sum(np.abs(pa[1:]) > bound)),
        "aliased_columns": fit.info.get("aliased", []),
    }
