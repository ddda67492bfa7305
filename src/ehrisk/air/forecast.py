"""Daily AQI forecasts per station and city, 1-7 days ahead, and their evaluation.

Public functions:

- :func:`prepare_daily` — hourly observations -> daily table with the observed AQI.
- :func:`evaluate_holdout` — train up to a date, forecast every later day from each issue
  day, score as forecast offices do (:mod:`ehrisk.air.forecast_eval`), with persistence and a
  plain gradient-boosting model as baselines.
- :func:`forecast_ahead` — forecast the days after the end of the data.

Short histories: a model is trained on at least :data:`MIN_TRAINING_DAYS` target days with an
observed daily AQI. When the data give fewer - for the training part of a hold-out evaluation,
or for the forecast itself - :class:`InsufficientHistory` is raised (``have_days``,
``need_days`` and a message in words); a caller may catch it from :func:`evaluate_holdout` and
still call :func:`forecast_ahead`, which needs only ``MIN_TRAINING_DAYS + days`` days of data.

HJ 633-2026 requires forecasts for at least the next three days; leads up to 7 are supported.
Observed meteorology of the target day stands in for a meteorological forecast when evaluating
on history ("perfect-prognosis" evaluation, which flatters the scores compared with real
forecasts); beyond the end of the data the last observed day's meteorology is assumed to
persist (:data:`MET_ASSUMPTION`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ehrisk.air.forecast_aqi import daily_aqi_frame, default_edition, grade_number, grade_table
from ehrisk.air.forecast_data import (
    DAILY_POLLUTANTS,
    complete_calendar,
    daily_table,
    design_matrix,
    targets,
)
from ehrisk.air.forecast_eval import (
    evaluate_pairs,
    persistence_cautions,
    skill_against_persistence,
)
from ehrisk.air.forecast_model import (
    LEARNING_RATE,
    MAX_BINS,
    MAX_LEAF_NODES,
    MIN_TRAINING_DAYS,
    GbmForecaster,
    InsufficientHistory,
    fit_plain,
    plain_features,
)

__all__ = ["InsufficientHistory", "MIN_TRAINING_DAYS", "evaluate_holdout", "forecast_ahead",
           "prepare_daily", "daily_aqhi_set", "daily_aqhi_forecast"]

MAX_LEAD_DAYS = 7
CITY = "city"
BASELINES = ("persistence", "plain_gbm")
MET_ASSUMPTION = ("meteorology of the days after the data end is not known: the last observed "
                  "day's meteorology is assumed to persist (用最后一日观测气象代替气象预报); "
                  "replace with a meteorological forecast for operational use")


def prepare_daily(hourly: pd.DataFrame, edition: str | None = None) -> tuple[pd.DataFrame, str]:
    """Daily table (one row per station and calendar day, gaps filled with NaN rows) with
    the observed ``aqi`` [-] and ``primary_pollutant`` of the chosen HJ 633 edition.

    Parameters
    ----------
    hourly : DataFrame
        Hourly station observations (see :func:`ehrisk.air.forecast_data.daily_table`).
    edition : str or None
        ``"hj633-2012"`` or ``"hj633-2026"``; None picks the edition in force at the end of
        the data (:func:`ehrisk.air.forecast_aqi.default_edition`).

    Returns
    -------
    daily : DataFrame
    edition : str
    """
    ed = edition or default_edition(hourly["time"])
    daily = complete_calendar(daily_table(hourly))
    a = daily_aqi_frame(daily, ed)
    daily["aqi"] = a["aqi"].to_numpy()
    daily["primary_pollutant"] = a["primary_pollutant"].to_numpy()
    return daily, ed


def _check_leads(lead_days: Sequence[int]) -> list[int]:
    leads = sorted({int(k) for k in lead_days})
    if not leads or leads[0] < 1 or leads[-1] > MAX_LEAD_DAYS:
        raise ValueError(f"lead days must lie in 1..{MAX_LEAD_DAYS}, got {list(lead_days)}")
    return leads


def evaluate_holdout(hourly: pd.DataFrame, train_until, lead_days: Sequence[int] = (1,),
                     edition: str | None = None, test_until=None,
                     baselines: bool | Sequence[str] = True,
                     range_half_width: float = 0.25, seed: int = 0, max_iter: int = 600,
                     progress: Callable[[str], None] | None = None,
                     learning_rate: float = LEARNING_RATE, max_bins: int = MAX_BINS,
                     max_leaf_nodes: int = MAX_LEAF_NODES,
                     daily: tuple[pd.DataFrame, str] | None = None) -> dict:
    """Train on target days up to ``train_until`` and score forecasts of the later days.

    Parameters
    ----------
    hourly : DataFrame
        Hourly station observations.
    train_until : date-like
        Last target day used for training; every later target day (up to ``test_until`` or
        the end of the data) is forecast and scored.
    lead_days : sequence of int
        Lead times [d] to evaluate (1 = next day).
    edition : str or None
        HJ 633 edition of AQI and grades (None: the edition in force at the end of the data).
    baselines : bool or sequence of str
        Baselines to score as well: True for both ``persistence`` and ``plain_gbm`` (the
        plain gradient-boosting model), False for none, or a list of those names.
        Persistence costs nothing and gives the skill and cautions.
    range_half_width : float
        Relative half-width of the issued AQI range [-] for the AQI range accuracy.
    seed : int
        Random seed of the models.
    max_iter : int
        Boosting iterations of the AQI models (:class:`GbmForecaster`).
    progress : callable or None
        Called with a short message before each model fit (for a progress display).
    learning_rate, max_bins, max_leaf_nodes :
        Of the models (:class:`GbmForecaster`).
    daily : (DataFrame, str) or None
        The result of :func:`prepare_daily` for ``hourly`` and ``edition`` when the caller
        has it already (it is then not computed again).

    Raises
    ------
    InsufficientHistory
        Fewer than :data:`MIN_TRAINING_DAYS` training days (with an observed AQI) up to
        ``train_until`` for some lead; the caller may go on with :func:`forecast_ahead`.
    ValueError
        No observed day after ``train_until`` to score.

    Returns
    -------
    dict
        ``edition``, ``train_until``, ``test_period``, ``model`` (scores of
        :func:`ehrisk.air.forecast_eval.evaluate_pairs`) and, with ``baselines``,
        ``persistence`` and ``plain_gbm``; with persistence also ``skill``
        (:func:`ehrisk.air.forecast_eval.skill_against_persistence`) and ``cautions`` (a list
        of sentences, empty when the model beats persistence on every score); ``pairs``
        holds the forecast-observation table (with the prediction interval).
    """
    leads = _check_leads(lead_days)
    base_names = _baselines(baselines)
    daily, ed = daily if daily is not None else prepare_daily(hourly, edition)
    t_split = pd.Timestamp(train_until)
    t_end = pd.Timestamp(test_until) if test_until is not None else daily["date"].max()
    frames = {"model": [], "persistence": [], "plain_gbm": []}
    for k in leads:
        X, meta = design_matrix(daily, k)
        Y = targets(daily, k, [*DAILY_POLLUTANTS, "aqi", "primary_pollutant"])
        train = (meta["target_date"] <= t_split).to_numpy()
        test = ((meta["target_date"] > t_split) & (meta["target_date"] <= t_end)
                & Y["aqi"].notna()).to_numpy()
        have = int(meta.loc[train & Y["aqi"].notna().to_numpy(), "target_date"].nunique())
        if have < MIN_TRAINING_DAYS:
            first = daily["date"].min().date()
            hold = int((t_end - t_split).days)
            raise InsufficientHistory(have, MIN_TRAINING_DAYS, (
                f"hold-out evaluation: the data run from {first} to {t_end.date()} "
                f"({int((t_end - daily['date'].min()).days) + 1} days) and training ends "
                f"{t_split.date()}, which leaves {have} training days for lead {k} d; "
                f"a {hold}-day hold-out needs at least {hold + MIN_TRAINING_DAYS + k} days "
                f"of observations ({MIN_TRAINING_DAYS} + {k} before it); use a shorter "
                "hold-out or a longer history / 历史数据不足以留出评估期"))
        if test.sum() == 0:
            raise ValueError(f"no observed days after {t_split.date()} to evaluate")
        if progress:
            progress(f"lead {k} d: fitting gradient-boosting models")
        model = GbmForecaster(edition=ed, seed=seed, max_iter=max_iter,
                              learning_rate=learning_rate, max_bins=max_bins,
                              max_leaf_nodes=max_leaf_nodes).fit(
            X[train], Y.loc[train, "aqi"], Y.loc[train, list(DAILY_POLLUTANTS)],
            target_dates=meta.loc[train, "target_date"].to_numpy())
        pred = model.predict(X[test])
        base = meta[test].assign(lead_days=k, aqi_observed=Y.loc[test, "aqi"].to_numpy(),
                                 primary_observed=Y.loc[test, "primary_pollutant"].fillna("")
                                 .to_numpy())
        frames["model"].append(base.assign(aqi_forecast=pred["aqi"].to_numpy(),
                                           aqi_lo=pred["aqi_lo"].to_numpy(),
                                           aqi_hi=pred["aqi_hi"].to_numpy(),
                                           primary_forecast=pred["primary_pollutant"]
                                           .to_numpy()))
        if "persistence" in base_names:
            persist = X.loc[test, "d0_aqi"].to_numpy()
            prim = daily.sort_values(["station", "date"]).reset_index(drop=True)
            frames["persistence"].append(base.assign(
                aqi_forecast=persist,
                primary_forecast=prim.loc[test, "primary_pollutant"].fillna("").to_numpy()))
        if "plain_gbm" in base_names:
            if progress:
                progress(f"lead {k} d: fitting the plain baseline")
            plain = fit_plain(X[train], Y.loc[train, "aqi"], seed=seed)
            frames["plain_gbm"].append(base.assign(
                aqi_forecast=plain.predict(X.loc[test, plain_features(X)])))
    out: dict = {"edition": ed, "train_until": str(t_split.date()),
                 "test_period": [str((t_split + pd.Timedelta(days=1)).date()),
                                 str(t_end.date())],
                 "meteorology": "observed meteorology of the target day stands in for the "
                                "meteorological forecast (perfect prognosis)"}
    pairs = pd.concat(frames["model"], ignore_index=True)
    out["model"] = evaluate_pairs(pairs, ed, range_half_width)
    for name in base_names:
        out[name] = evaluate_pairs(pd.concat(frames[name]), ed, range_half_width)
    if "persistence" in base_names:
        out["skill"] = skill_against_persistence(out["model"], out["persistence"])
        out["cautions"] = persistence_cautions(out["skill"])
    out["pairs"] = pairs
    return out


def _baselines(baselines) -> tuple[str, ...]:
    if baselines is True:
        return BASELINES
    if baselines is False or baselines is None:
        return ()
    names = tuple(baselines)
    bad = [b for b in names if b not in BASELINES]
    if bad:
        raise ValueError(f"unknown baseline(s) {bad}; known: {', '.join(BASELINES)}")
    return names


def _grade_columns(aqi, edition: str) -> pd.DataFrame:
    g = grade_table(edition)
    n = grade_number(aqi, edition)
    idx = np.clip(n - 1, 0, len(g) - 1)
    return pd.DataFrame({"grade": np.where(n > 0, g["grade"].to_numpy()[idx], ""),
                         "category_zh": np.where(n > 0, g["category_zh"].to_numpy()[idx], ""),
                         "category_en": np.where(n > 0, g["category_en"].to_numpy()[idx], "")})


DAILY_AQHI_METHOD = "chen-2012-shanghai"
"""AQHI formed from daily forecast concentrations: the Shanghai AQHI is defined on daily means
(Chen et al. 2012), unlike the Canadian and Hong Kong indices (3-hour moving averages)."""


def daily_aqhi_set(aqhi=DAILY_AQHI_METHOD):
    """The AQHI coefficient set used on forecast daily values, checked to be applicable.

    Parameters
    ----------
    aqhi : str or ehrisk.air.aqhi_set.CoefficientSet
        A packaged method name (``chen-2012-shanghai``; aliases as ``ehrisk aqhi``) or a set
        read from a file.

    Returns
    -------
    ehrisk.air.aqhi_set.CoefficientSet

    Raises
    ------
    ValueError
        The set is not defined on daily (24-hour) means - the forecast gives daily values,
        while e.g. ``stieb-2008`` and ``hk-epd-2013`` need 3-hour means of hourly values and
        ``aqhi-plus`` 1-hour PM2.5 - or it needs a pollutant/unit the forecast does not give.
    KeyError
        Unknown method name.

    References
    ----------
    Chen RJ, Chen BH, Kan HD (2012). Chin J Prev Med 46(5):443-446 (daily-mean AQHI);
    Stieb DM et al. (2008) J Air Waste Manag Assoc 58:435-450 (3-hour means).
    """
    from ehrisk.air import aqhi as aqhi_mod
    from ehrisk.air import aqhi_set

    if isinstance(aqhi, str):
        m = aqhi_mod.resolve_method(aqhi)
        if m == "aqhi-plus":
            raise ValueError("aqhi-plus bands 1-hour PM2.5; the forecast gives daily values "
                             "only (预报只有日均值)")
        cs = aqhi_set.packaged_set(m)
    else:
        cs = aqhi
    if not cs.daily:
        raise ValueError(f"{cs.name} is defined on {cs.averaging_h}-hour means of hourly "
                         f"values; the forecast gives daily (24-hour) values only, so it cannot "
                         f"be used here (该AQHI基于{cs.averaging_h}小时滑动均值, 预报只有日均值). "
                         f"Use {DAILY_AQHI_METHOD} or a coefficient set with averaging_h = 24")
    lack = [c for c in cs.inputs.values() if c not in DAILY_POLLUTANTS]
    if lack:
        raise ValueError(f"{cs.name} needs {', '.join(lack)}, which the forecast does not give "
                         f"(it forecasts {', '.join(DAILY_POLLUTANTS)}; O3 as the daily "
                         f"maximum 8-hour mean o3_8h, concentrations in ug/m3, CO in mg/m3)")
    return cs


def daily_aqhi_forecast(fc: pd.DataFrame, method=DAILY_AQHI_METHOD) -> pd.DataFrame:
    """AQHI level and category of each forecast row from its forecast daily values.

    Parameters
    ----------
    fc : DataFrame
        Forecast rows with the daily concentrations the set needs (``pm10_ug_m3`` and
        ``no2_ug_m3`` for the default) [ug/m3; CO mg/m3].
    method : str or ehrisk.air.aqhi_set.CoefficientSet
        A daily-mean AQHI (default ``chen-2012-shanghai``), see :func:`daily_aqhi_set`.

    Returns
    -------
    DataFrame
        ``aqhi`` (level "1".."10+"), ``aqhi_value`` (continuous index, for warnings),
        ``aqhi_category_zh``, ``aqhi_category_en``,
        ``aqhi_method`` (method or set name), aligned with ``fc``.

    References
    ----------
    Chen RJ, Chen BH, Kan HD (2012). Chin J Prev Med 46(5):443-446 (daily-mean Shanghai AQHI).
    """
    from ehrisk.air import aqhi_set

    cs = daily_aqhi_set(method)
    res = aqhi_set.evaluate(cs, {c: fc[c].to_numpy(float) for c in cs.inputs.values()})
    return pd.DataFrame({"aqhi": res["level"].to_numpy(),
                         "aqhi_value": res["value"].to_numpy(),
                         "aqhi_category_zh": res["category_zh"].to_numpy(),
                         "aqhi_category_en": res["category_en"].to_numpy(),
                         "aqhi_method": cs.name}, index=fc.index)


def forecast_ahead(hourly: pd.DataFrame, days: int = 3, edition: str | None = None,
                   interval: float = 0.8, seed: int = 0, max_iter: int = 600,
                   progress: Callable[[str], None] | None = None,
                   aqhi_method=DAILY_AQHI_METHOD, learning_rate: float = LEARNING_RATE,
                   max_bins: int = MAX_BINS, max_leaf_nodes: int = MAX_LEAF_NODES,
                   daily: tuple[pd.DataFrame, str] | None = None) -> pd.DataFrame:
    """Forecast the ``days`` days after the last day of the data, per station and city.

    Models are trained on all the data for each lead time; the issue day is the last day
    with observations. Meteorology after the data end follows :data:`MET_ASSUMPTION`.

    Parameters
    ----------
    hourly : DataFrame
        Hourly station observations.
    days : int
        Number of days ahead [d], 1..7 (HJ 633-2026 asks for at least 3).
    edition : str or None
        HJ 633 edition of AQI and grades.
    interval : float
        Central prediction-interval probability [-].
    max_iter : int
        Boosting iterations of the AQI models.
    aqhi_method : str or ehrisk.air.aqhi_set.CoefficientSet
        Daily AQHI (:func:`daily_aqhi_set`; checked before any model is fitted).
    learning_rate, max_bins, max_leaf_nodes :
        Of the models (:class:`GbmForecaster`).
    daily : (DataFrame, str) or None
        :func:`prepare_daily` of ``hourly`` when the caller has it already.

    Raises
    ------
    InsufficientHistory
        Some lead has fewer than :data:`MIN_TRAINING_DAYS` training days (the data need
        ``MIN_TRAINING_DAYS + days`` days with an observed daily AQI).

    Returns
    -------
    DataFrame
        ``area, issue_date, target_date, lead_days, aqi, aqi_lo, aqi_hi, grade, category_zh,
        category_en, primary_pollutant``, the daily AQHI (``aqhi``, ``aqhi_category_zh/en``,
        ``aqhi_method``; see :func:`daily_aqhi_forecast`) and forecast daily pollutants
        [ug/m3; CO mg/m3].
        The station interval is the split-conformal interval around the point forecast
        (:class:`ehrisk.air.forecast_model.GbmForecaster`), so it contains the point; the AQI
        is rounded up (as HJ 633 rounds IAQI), the lower bound down and the upper bound up.
        City rows (``area == "city"``) take the AQI of the mean forecast concentrations over
        stations (HJ 633: city values from the mean of the city's stations) and the stations'
        relative interval (the mean over stations of log(bound / point)) around it; that
        interval is not calibrated on city values.
    """
    leads = _check_leads(range(1, int(days) + 1))
    aqhi_cs = daily_aqhi_set(aqhi_method)
    daily, ed = daily if daily is not None else prepare_daily(hourly, edition)
    last = daily["date"].max()
    rows = []
    for k in leads:
        X, meta = design_matrix(daily, k)
        Y = targets(daily, k, [*DAILY_POLLUTANTS, "aqi"])
        train = Y["aqi"].notna().to_numpy()
        have = int(meta.loc[train, "target_date"].nunique())
        if have < MIN_TRAINING_DAYS:
            n_obs = int(daily.loc[daily["aqi"].notna(), "date"].nunique())
            raise InsufficientHistory(have, MIN_TRAINING_DAYS, (
                f"forecast {k} d ahead: {n_obs} days with an observed daily AQI give {have} "
                f"training days at this lead; {MIN_TRAINING_DAYS + len(leads)} days of "
                f"observations are needed for {len(leads)} days ahead"))
        if progress:
            progress(f"lead {k} d: fitting")
        model = GbmForecaster(edition=ed, interval=interval, seed=seed, max_iter=max_iter,
                              learning_rate=learning_rate, max_bins=max_bins,
                              max_leaf_nodes=max_leaf_nodes).fit(
            X[train], Y.loc[train, "aqi"], Y.loc[train, list(DAILY_POLLUTANTS)],
            target_dates=meta.loc[train, "target_date"].to_numpy())
        issue = (meta["issue_date"] == last).to_numpy()
        Xi = X[issue].copy()
        for c in [c for c in X.columns if c.startswith("f_")]:
            Xi[c] = Xi[f"d0_{c[2:]}"]
        for c in [c for c in X.columns if c.startswith("chg_")]:
            Xi[c] = 0.0
        for c, src in (("between_wspm_m_s", "d0_wspm_m_s"), ("between_rain_mm", "d0_rain_mm")):
            if c in Xi:
                Xi[c] = Xi[src] * (1 if c.endswith("m_s") else k - 1)
        pred = model.predict(Xi)
        pred.insert(0, "lead_days", k)
        pred.insert(0, "target_date", meta.loc[issue, "target_date"].to_numpy())
        pred.insert(0, "issue_date", last)
        pred.insert(0, "area", meta.loc[issue, "station"].to_numpy())
        rows.append(pred)
    st = pd.concat(rows, ignore_index=True)
    st["log_lo"] = np.log(st["aqi_lo"] / st["aqi"])
    st["log_hi"] = np.log(st["aqi_hi"] / st["aqi"])
    city = st.groupby(["issue_date", "target_date", "lead_days"], as_index=False)[
        [*DAILY_POLLUTANTS, "log_lo", "log_hi"]].mean()
    ca = daily_aqi_frame(city, ed)
    city["aqi"] = ca["aqi"].to_numpy(dtype=float)
    city["aqi_lo"] = city["aqi"] * np.exp(city["log_lo"])
    city["aqi_hi"] = city["aqi"] * np.exp(city["log_hi"])
    city["primary_pollutant"] = ca["primary_pollutant"].to_numpy()
    city["area"] = CITY
    out = pd.concat([st, city], ignore_index=True).drop(columns=["log_lo", "log_hi"])
    out["aqi"] = np.ceil(out["aqi"])
    out["aqi_lo"] = np.floor(out["aqi_lo"])
    out["aqi_hi"] = np.ceil(out["aqi_hi"])
    out = pd.concat([out, _grade_columns(out["aqi"], ed)], axis=1)
    out = pd.concat([out, daily_aqhi_forecast(out, aqhi_cs)], axis=1)
    cols = ["area", "issue_date", "target_date", "lead_days", "aqi", "aqi_lo", "aqi_hi",
            "grade", "category_zh", "category_en", "primary_pollutant", "aqhi",
            "aqhi_value", "aqhi_category_zh", "aqhi_category_en", "aqhi_method", *DAILY_POLLUTANTS]
    out = out[cols].sort_values(["area", "lead_days"]).reset_index(drop=True)
    out.attrs["edition"] = ed
    out.attrs["meteorology"] = MET_ASSUMPTION
    out.attrs["aqhi"] = aqhi_cs.summary()
    out.attrs["aqhi_canada_bands"] = aqhi_cs.canada_bands
    return out
