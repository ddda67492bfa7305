"""Gradient-boosting forecast of daily AQI and pollutants, with prediction intervals.

Model ``gbm_pooled_v1``: scikit-learn histogram gradient boosting (Ke et al. 2017, LightGBM
algorithm as implemented in ``HistGradientBoostingRegressor``), trained on all stations pooled
with a station code among the features (:func:`ehrisk.air.forecast_data.design_matrix`).

- AQI point forecast: the mean of two boosted models, one fitted to log(AQI) and one to AQI
  (the log model is better at clean days, the linear one at polluted days; their mean was
  chosen on the validation year March 2015 - February 2016, never on the hold-out year).
- Prediction interval: split-conformal interval around the point forecast, asymmetric, in
  log(AQI) (Vovk, Gammerman & Shafer 2005; Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018,
  "Distribution-free predictive inference for regression", JASA 113:1094-1111, sec. 2.2 split
  conformal; one-sided bounds at level alpha/2 each, as in Romano, Patterson & Candes 2019,
  NeurIPS, Theorem 2). The two point models are fitted once more without the calibration rows;
  their log residuals log(y) - log(point) on the calibration rows give the lower and upper
  offsets (the floor((n+1) alpha/2)-th and ceil((n+1)(1 - alpha/2))-th order statistics), and
  the interval of a forecast is point x exp(offset). The interval is built around the point
  forecast, so it contains it (an offset on the wrong side of zero, which would mean more than
  1 - alpha/2 of the calibration days on one side of the point, is widened to zero). With
  target dates and at least two years of training data the calibration set is the **last
  training year** (a time-ordered split: random rows of autocorrelated daily series give too
  optimistic residuals); otherwise a random quarter of the training rows. Before issue 10 the
  interval came from conformalized quantile boosting (Romano et al. 2019), whose quantile
  models were fitted apart from the point models: the point could fall outside its interval
  and was clipped onto the bound.
- Pollutants: one log-target model per daily pollutant; the primary pollutant is the one with
  the largest forecast IAQI (HJ 633 rule applied to the forecast values).
- Baselines: persistence (tomorrow = today) and the "plain" model (same-day daily pollutants
  and target-day daily meteorology only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from ehrisk.air.forecast_aqi import PRIMARY_NAMES, daily_aqi_frame, grade_table
from ehrisk.air.forecast_data import DAILY_POLLUTANTS
from ehrisk.errors import EhriskError

PLAIN_MET = ("temp_c", "dewp_c", "pres_hpa", "wspm_m_s", "u_m_s", "v_m_s", "rain_mm")
AQI_FLOOR = 1.0
#: Learning rate of the AQI models of the validated configuration (600 iterations); the
#: pollutant models use POLLUTANT_RATE_FACTOR times it.
LEARNING_RATE = 0.04
POLLUTANT_RATE_FACTOR = 1.5
#: Histogram bins per feature (scikit-learn's default; 63 is faster and scored the same on the
#: demo's hold-out, docs/forecast.md).
MAX_BINS = 255
#: Leaves per tree of the validated configuration.
MAX_LEAF_NODES = 31
CALIBRATION_SHARE = 0.25
CALIBRATION_DAYS = 365  # time-ordered calibration window (last training year) [d]
MIN_SPAN_FOR_TIME_SPLIT_DAYS = 2 * 365
#: Fewest training days (target days with an observed daily AQI) a model is fitted on [d].
#: A model choice, not a reference value: four weeks and a bit, so that every weekday occurs
#: four times; below it the boosted trees have too few rows to split on.
MIN_TRAINING_DAYS = 30
#: Rows per leaf of the boosted trees with plenty of data; fewer rows scale it down (1/10 of
#: the rows, at least 5), so short histories still give trees that split.
MIN_SAMPLES_LEAF = 30


class InsufficientHistory(EhriskError):
    """The observations are too short for what was asked (training a forecast model, or a
    hold-out evaluation that leaves too few days before the hold-out period).

    Attributes
    ----------
    have_days : int
        Training days the data give [d].
    need_days : int
        Training days the model needs [d].
    """

    def __init__(self, have_days: int, need_days: int, detail: str = "") -> None:
        self.have_days = int(have_days)
        self.need_days = int(need_days)
        self.detail = detail
        msg = (f"the forecast model needs at least {self.need_days} days of history with an "
               f"observed daily AQI to train on; the data give {self.have_days}")
        super().__init__(msg + (f" ({detail})" if detail else ""))


def _gbm(seed: int, n_rows: int | None = None, **kw) -> HistGradientBoostingRegressor:
    leaf = MIN_SAMPLES_LEAF if n_rows is None else min(MIN_SAMPLES_LEAF, max(5, n_rows // 10))
    params = dict(max_iter=600, learning_rate=LEARNING_RATE, max_leaf_nodes=MAX_LEAF_NODES,
                  min_samples_leaf=leaf, l2_regularization=1.0, max_bins=MAX_BINS,
                  random_state=seed)
    params.update(kw)
    return HistGradientBoostingRegressor(**params)


@dataclass
class GbmForecaster:
    """Pooled gradient-boosting forecaster for one lead time.

    Parameters
    ----------
    edition : str
        HJ 633 edition of the AQI the model forecasts (``"hj633-2012"``/``"hj633-2026"``).
    interval : float
        Central prediction-interval probability [-], e.g. 0.8 for the 10-90 % range.
    pollutants : bool
        Also fit per-pollutant models (needed for pollutant forecasts and the primary
        pollutant).
    seed : int
        Random seed of the boosting (results are reproducible for a seed).
    max_iter : int
        Boosting iterations of the AQI models; the pollutant models use half of it (but
        ``min(100, max_iter)`` at least).
    learning_rate : float
        Learning rate of the AQI models [-] (0.04 in the validated configuration); the
        pollutant models use :data:`POLLUTANT_RATE_FACTOR` times it. Fewer iterations with a
        larger rate is faster.
    max_bins : int
        Histogram bins per feature (2-255).
    max_leaf_nodes : int
        Leaves per tree (31 in the validated configuration; fewer is faster).
    n_threads : int or None
        OpenMP threads for the boosting; 1 (default) is robust on shared machines, where
        OpenMP spin-waiting makes several threads much slower; None uses the library default.
    """

    edition: str = "hj633-2012"
    interval: float = 0.8
    pollutants: bool = True
    seed: int = 0
    max_iter: int = 600
    learning_rate: float = LEARNING_RATE
    max_bins: int = MAX_BINS
    max_leaf_nodes: int = MAX_LEAF_NODES
    n_threads: int | None = 1
    features_: list[str] = field(default_factory=list, init=False)
    log_offsets_: tuple[float, float] = field(default=(0.0, 0.0), init=False)
    calibration_: str = field(default="", init=False)
    models_: dict = field(default_factory=dict, init=False)
    n_rows_: int = field(default=0, init=False)

    def fit(self, X: pd.DataFrame, y_aqi, y_pollutants: pd.DataFrame | None = None,
            target_dates=None) -> GbmForecaster:
        """Fit on features ``X`` and observed target-day AQI ``y_aqi`` [-] (rows with a NaN
        target are dropped per model) and target-day daily pollutants [ug/m3; CO mg/m3].
        ``target_dates`` (one per row) enables the time-ordered interval calibration on the
        last training year."""
        with threadpool_limits(limits=self.n_threads):
            return self._fit(X, y_aqi, y_pollutants, target_dates)

    def _fit(self, X, y_aqi, y_pollutants, target_dates=None) -> GbmForecaster:
        if not 0.0 < self.interval < 1.0:
            raise ValueError(f"interval must be between 0 and 1, got {self.interval}")
        self.features_ = list(X.columns)
        y = np.asarray(y_aqi, dtype=float)
        ok = np.isfinite(y) & (y > 0)
        if target_dates is not None:
            have = pd.Series(np.asarray(target_dates)[ok]).nunique()
        else:
            have = int(ok.sum())
        if have < MIN_TRAINING_DAYS:
            raise InsufficientHistory(have, MIN_TRAINING_DAYS)
        Xo, yo = X.loc[ok], y[ok]
        self.n_rows_ = len(yo)
        # Split conformal (Lei et al. 2018, sec. 2.2): the point models fitted without the
        # calibration rows, log residuals on them, one-sided bounds at alpha/2 each.
        cal, time_split = self._calibration_rows(target_dates, ok, len(yo))
        sub = self._point_models(Xo[~cal], yo[~cal])
        resid = np.log(yo[cal]) - np.log(_point(sub, Xo[cal]))
        self.log_offsets_ = conformal_offsets(resid, self.interval)
        self.calibration_ = "last-training-year" if time_split else "random-quarter"
        self.models_ = self._point_models(Xo, yo)
        if self.pollutants and y_pollutants is not None:
            for c in DAILY_POLLUTANTS:
                if c not in y_pollutants:
                    continue
                t = y_pollutants[c].to_numpy(dtype=float)
                okc = np.isfinite(t) & (t >= 0)
                if okc.sum() < MIN_TRAINING_DAYS:
                    continue
                floor = _pollutant_floor(c)
                self.models_[c] = _gbm(
                    self.seed, int(okc.sum()), max_bins=self.max_bins,
                    max_leaf_nodes=self.max_leaf_nodes,
                    max_iter=max(min(100, self.max_iter), self.max_iter // 2),
                    learning_rate=POLLUTANT_RATE_FACTOR * self.learning_rate).fit(
                    X.loc[okc], np.log(np.maximum(t[okc], floor)))
        return self

    def _point_models(self, X: pd.DataFrame, y: np.ndarray) -> dict:
        """The two AQI point models (log(AQI) and AQI targets) fitted on ``X``, ``y``."""
        kw = dict(max_iter=self.max_iter, learning_rate=self.learning_rate,
                  max_bins=self.max_bins, max_leaf_nodes=self.max_leaf_nodes)
        return {"log": _gbm(self.seed, len(y), **kw).fit(X, np.log(y)),
                "lin": _gbm(self.seed, len(y), **kw).fit(X, y)}

    def _calibration_rows(self, target_dates, ok, n_rows: int) -> tuple[np.ndarray, bool]:
        """Calibration mask over the rows with an observed AQI, and whether it is the
        time-ordered split (last CALIBRATION_DAYS of target dates)."""
        if target_dates is not None:
            d = pd.to_datetime(pd.Series(np.asarray(target_dates)[ok]))
            span = (d.max() - d.min()).days
            if span >= MIN_SPAN_FOR_TIME_SPLIT_DAYS:
                cut = d.max() - pd.Timedelta(days=CALIBRATION_DAYS)
                return (d > cut).to_numpy(), True
        rng = np.random.default_rng(self.seed)
        cal = rng.random(n_rows) < CALIBRATION_SHARE
        if not cal.any() or cal.all():  # a degenerate draw on very few rows
            cal[:] = False
            cal[-max(1, n_rows // 4):] = True
        return cal, False

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """Forecast for rows of ``X``.

        Returns
        -------
        DataFrame
            ``aqi`` (point forecast) and ``aqi_lo``, ``aqi_hi`` (prediction interval) [-],
            forecast daily pollutants [ug/m3; CO mg/m3] where fitted, and
            ``primary_pollutant`` (from the forecast pollutants' IAQI; "" if AQI <= 50).
        """
        if not self.models_:
            raise RuntimeError("the forecaster is not fitted")
        with threadpool_limits(limits=self.n_threads):
            return self._predict(X)

    def _predict(self, X: pd.DataFrame) -> pd.DataFrame:
        Xf = X[self.features_]
        aqi = _point(self.models_, Xf)
        lo_off, hi_off = self.log_offsets_
        out = pd.DataFrame({"aqi": aqi, "aqi_lo": aqi * np.exp(lo_off),
                            "aqi_hi": aqi * np.exp(hi_off)}, index=X.index)
        pol = [c for c in DAILY_POLLUTANTS if c in self.models_]
        for c in pol:
            out[c] = np.exp(self.models_[c].predict(Xf))
        if set(pol) == set(DAILY_POLLUTANTS):
            a = daily_aqi_frame(out[pol], self.edition)
            above_good = out["aqi"] > _good_limit(self.edition)
            out["primary_pollutant"] = np.where(above_good, _top_iaqi_name(a), "")
        else:
            out["primary_pollutant"] = ""
        return out


def _point(models: dict, X: pd.DataFrame) -> np.ndarray:
    """AQI point forecast [-]: mean of the log(AQI) model (back-transformed) and the AQI
    model, at least :data:`AQI_FLOOR`."""
    p_log = np.exp(models["log"].predict(X))
    p_lin = models["lin"].predict(X)
    return np.maximum((p_log + p_lin) / 2.0, AQI_FLOOR)


def conformal_offsets(resid, interval: float) -> tuple[float, float]:
    """Lower and upper offsets of a split-conformal interval from calibration residuals.

    Parameters
    ----------
    resid : array_like
        Residuals observed - forecast on the calibration rows (here of log(AQI)) [-].
    interval : float
        Central interval probability 1 - alpha [-].

    Returns
    -------
    (lo, hi) : tuple of float
        The floor((n+1) alpha/2)-th smallest residual (the smallest if that rank is 0) and the
        ceil((n+1)(1 - alpha/2))-th smallest (the largest if beyond n); ``lo`` at most 0 and
        ``hi`` at least 0, so that the interval contains the forecast (widening only raises
        the coverage).

    References
    ----------
    Lei J, G'Sell M, Rinaldo A, Tibshirani RJ, Wasserman L (2018). Distribution-free predictive
    inference for regression. J Am Stat Assoc 113(523):1094-1111, sec. 2.2 (split conformal);
    Romano Y, Patterson E, Candes EJ (2019). Conformalized quantile regression. NeurIPS 32,
    Theorem 2 (asymmetric bounds, alpha/2 on each side).
    """
    r = np.sort(np.asarray(resid, dtype=float))
    r = r[np.isfinite(r)]
    n = len(r)
    if n == 0:
        raise ValueError("no calibration residuals")
    a = (1.0 - interval) / 2.0
    eps = 1e-9  # (1 - 0.8) / 2 * 20 is 1.9999999999999996 in floating point
    k_lo = int(np.floor((n + 1) * a + eps))
    k_hi = int(np.ceil((n + 1) * (1.0 - a) - eps))
    lo = r[min(max(k_lo, 1), n) - 1]
    hi = r[min(max(k_hi, 1), n) - 1]
    return float(min(lo, 0.0)), float(max(hi, 0.0))


def _pollutant_floor(col: str) -> float:
    # Lowest value kept before taking logs: one unit of the reporting resolution
    # (whole ug/m3; CO 0.1 mg/m3), so zero readings do not give -inf.
    return 0.1 if col.startswith("co_") else 1.0


def _good_limit(edition: str) -> float:
    return float(grade_table(edition)["aqi_high"].iloc[0])


def _top_iaqi_name(a: pd.DataFrame) -> pd.Series:
    cols = [c for c in a.columns if c.startswith("iaqi_")]
    top = a[cols].fillna(-1).to_numpy().argmax(axis=1)
    names = np.array([PRIMARY_NAMES[c[5:]] for c in cols], dtype=object)
    return pd.Series(names[top], index=a.index)


def plain_features(X: pd.DataFrame) -> list[str]:
    """Columns of the "plain" baseline: day-D daily pollutants and AQI, target-day daily
    meteorology."""
    cols = [f"d0_{c}" for c in (*DAILY_POLLUTANTS, "aqi")] + [f"f_{m}" for m in PLAIN_MET]
    return [c for c in cols if c in X.columns]


def fit_plain(X: pd.DataFrame, y_aqi, seed: int = 0, n_threads: int | None = 1
              ) -> HistGradientBoostingRegressor:
    """The plain gradient-boosting baseline (default scikit-learn settings, 300 iterations,
    AQI target)."""
    y = np.asarray(y_aqi, dtype=float)
    ok = np.isfinite(y)
    cols = plain_features(X)
    m = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05, random_state=seed)
    with threadpool_limits(limits=n_threads):
        return m.fit(X.loc[ok, cols], y[ok])
