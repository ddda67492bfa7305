"""Forecast evaluation as Chinese forecast offices report it (预报效果评估).

Scores, per lead day, station and overall:

- single-grade accuracy (级别准确率): share of days whose forecast AQI grade equals the
  observed grade;
- two-grade range accuracy (级别范围准确率): the observed grade is the forecast grade or the
  adjacent grade on the side of the forecast AQI (the grade next to the forecast grade that is
  nearer the forecast AQI: above it if the AQI lies in the upper half of its grade, below
  otherwise);
- AQI range accuracy (AQI范围准确率): the observed AQI lies within the issued AQI range,
  here the point forecast times (1 - w, 1 + w) with relative half-width ``w``;
- primary-pollutant accuracy (首要污染物准确率): on days with an observed primary pollutant
  (AQI > 50), the share where the forecast names the same pollutant;
- bias (mean forecast minus observed AQI) and RMSE of the AQI;
- interval coverage: share of days whose observed AQI lies in the forecast's prediction
  interval ``[aqi_lo, aqi_hi]`` (where the forecaster gives one).

:func:`skill_against_persistence` compares a model with persistence (tomorrow = today) and
says in words where the model scores worse (:func:`persistence_cautions`): a forecast that
does not beat persistence should not be issued without review.

The grade and range scores follow the forms used by the China National Environmental
Monitoring Centre (Wang X. et al. 2022, 环境科学 43(7):3396-3403, "AQI范围预报" and
"AQI级别范围预报"; Cai Y. et al. 2023, 环境监控与预警 15(2):28-32). The exact width rule of
the national guide's AQI range could not be confirmed; ``range_half_width`` is a user setting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.air.forecast_aqi import grade_bounds, grade_number

SCORES = ("n_days", "single_grade_accuracy", "two_grade_accuracy", "aqi_range_accuracy",
          "primary_pollutant_accuracy", "bias", "rmse", "interval_coverage")
#: Scores compared with persistence: name -> (whether higher is better, Chinese name).
SKILL_SCORES = {"rmse": (False, "均方根误差"), "single_grade_accuracy": (True, "级别准确率"),
                "two_grade_accuracy": (True, "级别范围准确率")}


def two_grade_hit(forecast_aqi, observed_aqi, edition: str) -> np.ndarray:
    """Whether the observed grade is the forecast grade or the adjacent grade nearer the
    forecast AQI.

    Parameters
    ----------
    forecast_aqi, observed_aqi : array_like
        AQI [-].
    edition : str
        HJ 633 edition of the grades.

    Returns
    -------
    ndarray of bool
    """
    f = np.asarray(forecast_aqi, dtype=float)
    gf = grade_number(f, edition)
    go = grade_number(observed_aqi, edition)
    lo, hi = grade_bounds(edition)
    idx = np.clip(gf - 1, 0, len(lo) - 1)
    mid = (lo[idx] + hi[idx]) / 2.0
    adjacent = np.where(np.ceil(f) > mid, gf + 1, gf - 1)
    return (go == gf) | (go == adjacent)


def score_frame(df: pd.DataFrame, edition: str, range_half_width: float = 0.25) -> dict:
    """Scores of one set of forecast-observation pairs.

    Parameters
    ----------
    df : DataFrame
        ``aqi_forecast``, ``aqi_observed`` [-]; optional ``primary_forecast``,
        ``primary_observed`` (pollutant names, "" for none).
    edition : str
        HJ 633 edition of the grades.
    range_half_width : float
        Relative half-width of the issued AQI range [-].

    Returns
    -------
    dict
        The :data:`SCORES` (accuracies as fractions 0-1; bias and RMSE in AQI units;
        ``interval_coverage`` None without ``aqi_lo``/``aqi_hi`` columns); pairs with a
        missing observed or forecast AQI are left out.
    """
    f = df["aqi_forecast"].to_numpy(dtype=float)
    o = df["aqi_observed"].to_numpy(dtype=float)
    ok = np.isfinite(f) & np.isfinite(o)
    f, o = f[ok], o[ok]
    n = int(ok.sum())
    if n == 0:
        return {k: (0 if k == "n_days" else None) for k in SCORES}
    gf, go = grade_number(f, edition), grade_number(o, edition)
    lo, hi = f * (1.0 - range_half_width), f * (1.0 + range_half_width)
    out = {
        "n_days": n,
        "single_grade_accuracy": float(np.mean(gf == go)),
        "two_grade_accuracy": float(np.mean(two_grade_hit(f, o, edition))),
        "aqi_range_accuracy": float(np.mean((o >= np.floor(lo)) & (o <= np.ceil(hi)))),
        "primary_pollutant_accuracy": None,
        "bias": float(np.mean(f - o)),
        "rmse": float(np.sqrt(np.mean((f - o) ** 2))),
        "interval_coverage": None,
    }
    if "aqi_lo" in df and "aqi_hi" in df:
        lo_i = df["aqi_lo"].to_numpy(dtype=float)[ok]
        hi_i = df["aqi_hi"].to_numpy(dtype=float)[ok]
        out["interval_coverage"] = float(np.mean((o >= lo_i) & (o <= hi_i)))
    if "primary_forecast" in df and "primary_observed" in df:
        pf = df["primary_forecast"].to_numpy(dtype=object)[ok]
        po = df["primary_observed"].to_numpy(dtype=object)[ok]
        has = po != ""
        if has.any():
            out["primary_pollutant_accuracy"] = float(np.mean(pf[has] == po[has]))
    return out


def evaluate_pairs(pairs: pd.DataFrame, edition: str, range_half_width: float = 0.25) -> dict:
    """Scores per lead day, per station and overall.

    Parameters
    ----------
    pairs : DataFrame
        ``lead_days, station, aqi_forecast, aqi_observed`` (+ optional primary columns).

    Returns
    -------
    dict
        ``{"lead_days": {k: {"overall": {...}, "station_mean": {...}, "stations":
        {name: {...}}}}}`` where ``overall`` pools all station-days and ``station_mean`` is
        the mean of the per-station scores.
    """
    result: dict = {}
    for lead, part in pairs.groupby("lead_days", sort=True):
        stations = {st: score_frame(p, edition, range_half_width)
                    for st, p in part.groupby("station", sort=True)}
        mean = {}
        for k in SCORES[1:]:
            vals = [s[k] for s in stations.values() if s[k] is not None]
            mean[k] = float(np.mean(vals)) if vals else None
        mean["n_stations"] = len(stations)
        result[int(lead)] = {"overall": score_frame(part, edition, range_half_width),
                             "station_mean": mean, "stations": stations}
    return {"lead_days": result}


def skill_against_persistence(model: dict, persistence: dict) -> dict:
    """Model scores against persistence, per lead day (mean over stations).

    Parameters
    ----------
    model, persistence : dict
        Results of :func:`evaluate_pairs` for the model and for persistence (forecast AQI =
        the AQI of the issue day) on the same days.

    Returns
    -------
    dict
        ``{lead: {"rmse_skill": 1 - RMSE_model / RMSE_persistence, "worse": [score names
        where the model is worse], <score>: {"model": x, "persistence": y}}}``. A positive
        ``rmse_skill`` means the model beats persistence (the mean-square-error skill score
        in its RMSE form, Murphy 1988, Mon Wea Rev 116:2417-2424).
    """
    out: dict = {}
    for lead, m in model["lead_days"].items():
        p = persistence["lead_days"].get(lead)
        if p is None:
            continue
        ms, ps = m["station_mean"], p["station_mean"]
        row: dict = {"worse": []}
        for name, (higher_better, _zh) in SKILL_SCORES.items():
            a, b = ms.get(name), ps.get(name)
            row[name] = {"model": a, "persistence": b}
            if a is None or b is None:
                continue
            if (a < b) if higher_better else (a > b):
                row["worse"].append(name)
        a, b = ms.get("rmse"), ps.get("rmse")
        row["rmse_skill"] = (None if a is None or not b else float(1.0 - a / b))
        out[int(lead)] = row
    return out


def persistence_cautions(skill: dict) -> list[str]:
    """Cautions in words (Chinese, then English) for each lead day where the model scores
    worse than persistence (:func:`skill_against_persistence`); empty when it never does."""
    msgs = []
    for lead, row in sorted(skill.items()):
        parts_zh, parts_en = [], []
        for name in row["worse"]:
            hb, zh = SKILL_SCORES[name]
            a, b = row[name]["model"], row[name]["persistence"]
            if hb:
                parts_zh.append(f"{zh} {a:.1%} 低于持续性预报的 {b:.1%}")
                parts_en.append(f"{name.replace('_', ' ')} {a:.1%} below persistence's "
                                f"{b:.1%}")
            else:
                parts_zh.append(f"{zh} {a:.1f} 高于持续性预报的 {b:.1f}")
                parts_en.append(f"RMSE {a:.1f} above persistence's {b:.1f}")
        if parts_zh:
            msgs.append(
                f"注意：提前{lead}天的模型预报不如持续性预报（明日=今日）：{'；'.join(parts_zh)}。"
                f"未经审核不宜发布。 / Caution: at lead {lead} d the model scores worse than "
                f"persistence (tomorrow = today): {'; '.join(parts_en)}. Do not issue these "
                "forecasts without review.")
    return msgs
