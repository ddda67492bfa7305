"""Forecast cautions (issue 10): an evaluation below persistence says so in words (CLI, the
study step summary, the forecast/evaluation extract); point forecasts lie strictly inside
their prediction intervals (region_small, the split-conformal offsets); too little history
says how much it needs.

The case where the model must lose to persistence is built so that it holds whatever the
model: 90 training days of PM2.5 between 20 and 60 ug/m3 (a weekly wave ending at its top),
then 30 days rising from 66 to 298 ug/m3 by 8 ug/m3 a day. Persistence (tomorrow = today) is
off by one day's rise; a tree ensemble forecasts from the leaf values of training days, whose
AQI never exceeds 82, while the hold-out's AQI climbs from 89 to 349.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from ehrisk.air.forecast_eval import persistence_cautions, skill_against_persistence
from ehrisk.air.forecast_model import conformal_offsets

TRAIN_DAYS, TEST_DAYS = 90, 30
TRAIN_UNTIL = "2025-03-31"  # day 90 counted from 2025-01-01
# HJ 633-2012 Table 1, PM2.5 24-hour mean [ug/m3] <-> IAQI
PM25_BP = [0, 35, 75, 115, 150, 250, 350, 500]
IAQI_BP = [0, 50, 100, 150, 200, 300, 400, 500]


def _iaqi_pm25(c: float) -> int:
    """IAQI of a PM2.5 daily mean by HJ 633-2012 eq. (1), rounded up - written here by hand."""
    for i in range(1, len(PM25_BP)):
        if c <= PM25_BP[i]:
            lo, hi = PM25_BP[i - 1], PM25_BP[i]
            return math.ceil(IAQI_BP[i - 1] + (IAQI_BP[i] - IAQI_BP[i - 1]) * (c - lo)
                             / (hi - lo))
    raise ValueError(c)


def _daily_pm25() -> np.ndarray:
    d = np.arange(TRAIN_DAYS + TEST_DAYS)
    train = 40.0 + 20.0 * np.cos(2 * np.pi * (d - (TRAIN_DAYS - 1)) / 7.0)
    ramp = 66.0 + 8.0 * (d - TRAIN_DAYS)
    return np.where(d < TRAIN_DAYS, np.round(train, 1), ramp)


def _station_table(path) -> pd.DataFrame:
    """One station, every hour of a day at its daily PM2.5; the other pollutants low enough
    that PM2.5 sets the AQI on every day (SO2 5, NO2 10 ug/m3, CO 0.3 mg/m3, O3 20 ug/m3, PM10
    = PM2.5: IAQIs of at most 175 where PM2.5's is at least 57); steady weather."""
    pm = _daily_pm25()
    times = pd.date_range("2025-01-01", periods=len(pm) * 24, freq="h")
    rng = np.random.default_rng(7)
    df = pd.DataFrame({
        "station_id": "S1", "time": times.strftime("%Y-%m-%d %H:%M"),
        "pm25_ug_m3": np.repeat(pm, 24), "pm10_ug_m3": np.repeat(pm, 24),
        "so2_ug_m3": 5.0, "no2_ug_m3": 10.0, "co_mg_m3": 0.3, "o3_ug_m3": 20.0,
        "temp_c": np.round(10 + rng.normal(0, 1, len(times)), 1), "pres_hpa": 1013.0,
        "rh_pct": 60.0, "rain_mm": 0.0, "wspm_m_s": 2.0, "wd_deg": 90.0})
    df.to_csv(path, index=False)
    return df


def _expected_persistence_rmse() -> tuple[float, float]:
    """Persistence RMSE over the hold-out by hand, and the least error any forecast at or
    below the training days' highest AQI can make."""
    aqi = np.array([_iaqi_pm25(c) for c in _daily_pm25()])
    obs, prev = aqi[TRAIN_DAYS:], aqi[TRAIN_DAYS - 1:-1]
    rmse_p = float(np.sqrt(np.mean((prev - obs) ** 2)))
    floor_model = float(np.sqrt(np.mean((obs - aqi[:TRAIN_DAYS].max()) ** 2)))
    return rmse_p, floor_model


def test_the_constructed_case_loses_to_persistence_by_construction():
    rmse_p, floor_model = _expected_persistence_rmse()
    # each day rises by 8 ug/m3, at most 8 x 50/35 = 11.4 IAQI (HJ 633 Table 1 slopes):
    # persistence errs by about 10 AQI; a forecast within the training range by over 100
    assert rmse_p < 12 and floor_model > 100


def test_cli_evaluate_says_worse_than_persistence(tmp_path, cli):
    _station_table(tmp_path / "st.csv")
    args = ("forecast", "evaluate", "--observations", tmp_path / "st.csv", "--format", "table",
            "--train-until", TRAIN_UNTIL,
            "--max-iter", "40", "--learning-rate", "0.1", "--standard", "hj633-2012")
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    res = json.loads(out)
    rmse_p, floor_model = _expected_persistence_rmse()
    p = res["persistence"]["lead_days"]["1"]["station_mean"]
    assert p["rmse"] == pytest.approx(rmse_p, abs=1e-9)
    assert res["skill"]["1"]["rmse_skill"] < 0 and "rmse" in res["skill"]["1"]["worse"]
    assert len(res["cautions"]) == 1
    msg = res["cautions"][0]
    assert "不如持续性预报" in msg and "worse than persistence" in msg and "lead 1 d" in msg
    code, out, err = cli(*args)
    assert code == 0, err
    text = " ".join(out.split())
    assert "worse than persistence" in text and "Do not issue" in text


def test_forecast_run_summary_and_extract_carry_the_caution(tmp_path, cli):
    _station_table(tmp_path / "st.csv")
    db = tmp_path / "runs.sqlite"
    code, out, err = cli("forecast", "run", "--observations", tmp_path / "st.csv", "--format",
                         "table", "--holdout-days", TEST_DAYS, "--max-iter", "40",
                         "--learning-rate", "0.1", "--standard", "hj633-2012", "--db", db,
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert "worse than persistence" in doc["evaluation"]["caution"]
    rmse_p, _ = _expected_persistence_rmse()
    assert doc["evaluation"]["rmse_persistence"] == pytest.approx(rmse_p, abs=0.05)
    code, out, err = cli("runs", "show", doc["run_id"], "--db", db, "--json")
    step = next(s for s in json.loads(out)["steps"] if s["step"] == "forecast")
    assert any("worse than persistence" in w for w in step["summary"]["warnings"])
    code, out, err = cli("extract", doc["run_id"], "forecast/evaluation", "--db", db,
                         "--format", "json")
    assert code == 0, err
    row = json.loads(out)[0]
    assert row["rmse_skill"] < 0 and "rmse" in row["worse_than_persistence"]
    assert "不如持续性预报" in row["caution"]
    # printed for a person too
    code, out, err = cli("forecast", "run", "--observations", tmp_path / "st.csv", "--format",
                         "table", "--holdout-days", TEST_DAYS, "--max-iter", "40",
                         "--learning-rate", "0.1", "--standard", "hj633-2012", "--db", db)
    assert code == 0 and "worse than persistence" in " ".join(out.split())


def test_no_caution_when_the_model_beats_persistence():
    """Scores written by hand: the model better on every compared score -> no caution; worse
    on the two-grade accuracy only -> one caution naming it."""
    def res(rmse, sg, tg):
        return {"lead_days": {1: {"station_mean": {
            "rmse": rmse, "single_grade_accuracy": sg, "two_grade_accuracy": tg}}}}
    sk = skill_against_persistence(res(20.0, 0.6, 0.9), res(30.0, 0.5, 0.8))
    assert sk[1]["rmse_skill"] == pytest.approx(1 - 20 / 30) and sk[1]["worse"] == []
    assert persistence_cautions(sk) == []
    sk = skill_against_persistence(res(20.0, 0.6, 0.7), res(30.0, 0.5, 0.8))
    (msg,) = persistence_cautions(sk)
    assert "two grade accuracy 70.0% below persistence's 80.0%" in msg and "级别范围准确率" in msg


def test_conformal_offsets_order_statistics():
    """n = 19 residuals -1.8 .. 1.8 (step 0.2), 80 % interval: alpha/2 = 0.1, ranks
    floor(20 x 0.1) = 2 and ceil(20 x 0.9) = 18 -> -1.6 and 1.6 (Lei et al. 2018, sec. 2.2)."""
    r = np.round(np.linspace(-1.8, 1.8, 19), 10)
    rng = np.random.default_rng(0)
    lo, hi = conformal_offsets(rng.permutation(r), 0.8)
    assert lo == pytest.approx(-1.6) and hi == pytest.approx(1.6)
    # all residuals above zero (a forecast biased low): the lower offset is widened to 0, so
    # the interval still contains the point
    lo, hi = conformal_offsets(r + 5.0, 0.8)
    assert lo == 0.0 and hi == pytest.approx(6.6)


@pytest.mark.slow
def test_region_small_point_inside_interval(region_small, cli, tmp_path):
    """The fixture region's own station table (49 days, two stations): every forecast row,
    stations and city, has aqi_lo < aqi < aqi_hi."""
    d, _, _ = region_small
    code, out, err = cli("forecast", "run", "--observations", d / "stations_hourly.csv",
                         "--format", "table", "--days", "3", "--db", tmp_path / "r.sqlite",
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    fc = pd.DataFrame(doc["forecast"])
    assert len(fc) == 9 and set(fc["area"]) == {"QH-AQ1", "QH-AQ2", "city"}
    assert (fc["aqi_lo"] < fc["aqi"]).all() and (fc["aqi"] < fc["aqi_hi"]).all(), fc
    # 49 days cannot hold the default 365-day hold-out: it says how much it would need
    ev = doc["evaluation"]
    assert ev.startswith("not evaluated") and "needs at least 30 days" in ev
    assert f"needs at least {365 + 30 + 1} days of observations" in ev
