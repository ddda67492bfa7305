"""Tests of the PRSA reader, the forecast AQI helpers, the evaluation scores and the
gradient-boosting forecast on the Beijing multi-site data (hold-out year)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from ehrisk.air import forecast_aqi as fa
from ehrisk.air.forecast_eval import score_frame, two_grade_hit
from ehrisk.errors import InputError
from ehrisk.io.prsa import read_prsa_dir, read_prsa_file

# Target of the issue (hold-out March 2016 - February 2017, next day, mean over stations).
TARGET_SINGLE_GRADE = 0.62
TARGET_TWO_GRADE = 0.88

HEADER = ('"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP",'
          '"PRES","DEWP","RAIN","wd","WSPM","station"')


COVERAGE_LO, COVERAGE_HI = 0.72, 0.88  # split-conformal: ~nominal 0.80 under exchangeability


def _prsa_dir(shared_dir):
    return shared_dir / "refdata" / "beijing_prsa"


def test_prsa_reader_units_and_names(shared_dir):
    f = sorted(_prsa_dir(shared_dir).glob("PRSA_Data_Dongsi*.csv"))[0]
    df = read_prsa_file(f)
    # First row of the file: CO 300 ug/m3 -> 0.3 mg/m3; wind NNW -> 337.5 deg.
    assert df.loc[0, "co_mg_m3"] == pytest.approx(0.3)
    assert df.loc[0, "wd_deg"] == pytest.approx(337.5)
    assert df.loc[0, "pm25_ug_m3"] == 9.0
    assert len(df) == 35064  # 4 years of hours, 2013-03-01 .. 2017-02-28 (1461 days x 24)


def test_prsa_reader_collects_all_problems(tmp_path):
    p = tmp_path / "PRSA_Data_Bad_x.csv"
    p.write_text(HEADER + "\n"
                 '1,2013,3,1,0,abc,4,4,7,300,77,-0.7,1023,-18.8,0,"NNW",4.4,"Bad"\n'
                 '2,2013,3,1,1,8,8,4,7,300,77,-1.1,1023.2,-18.2,0,"XYZ",4.7,"Bad"\n'
                 '3,2013,3,1,2,7,-5,5,10,300,73,-1.1,1023.5,-18.2,0,"N",5.6,"Bad"\n',
                 encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_prsa_dir(tmp_path)
    msgs = [str(pr) for pr in ei.value.problems]
    assert len(msgs) == 3
    assert any("row 2" in m and "'PM2.5'" in m and "not a number" in m for m in msgs)
    assert any("row 3" in m and "'wd'" in m for m in msgs)
    assert any("row 4" in m and "'PM10'" in m for m in msgs)


def test_iaqi_independent_interpolation():
    # HJ 633-2012 Table 1: PM2.5 24h 75-115 ug/m3 <-> IAQI 100-150.
    # 100 ug/m3: 100 + (150-100)/(115-75)*(100-75) = 131.25 -> rounded up 132.
    assert fa.iaqi([100.0], "hj633-2012", "PM2.5", "24h")[0] == 132
    # HJ 633-2026 Table 3: 60-115 <-> 100-150: 100 + 50/55*40 = 136.36 -> 137.
    assert fa.iaqi([100.0], "hj633-2026", "PM2.5", "24h")[0] == 137
    # O3 8h above 800 ug/m3: 2012 falls back to the 1-hour value (IAQI of 900 ug/m3 1h:
    # 800-1000 <-> 300-400: 300 + 100/200*100 = 350); 2026 takes 300.
    d = pd.DataFrame({"so2_ug_m3": [10.0], "no2_ug_m3": [10.0], "pm10_ug_m3": [10.0],
                      "co_mg_m3": [0.2], "o3_1h_ug_m3": [900.0], "o3_8h_ug_m3": [850.0],
                      "pm25_ug_m3": [10.0]})
    assert fa.daily_aqi_frame(d, "hj633-2012")["aqi"].iloc[0] == 350
    assert fa.daily_aqi_frame(d, "hj633-2026")["aqi"].iloc[0] == 300
    assert fa.daily_aqi_frame(d, "hj633-2026")["primary_pollutant"].iloc[0] == "O3"


def test_grade_numbers_and_default_edition():
    np.testing.assert_array_equal(fa.grade_number([12, 50, 51, 150, 151, 300, 301, np.nan],
                                                  "hj633-2012"), [1, 1, 2, 3, 4, 5, 6, 0])
    assert fa.default_edition(["2016-01-01"]) == "hj633-2012"
    assert fa.default_edition(["2026-03-01"]) == "hj633-2026"


def test_two_grade_and_scores_by_hand():
    # Forecast 140 lies in grade III (101-150), upper half (mid 125.5) -> adjacent grade IV.
    assert two_grade_hit([140], [160], "hj633-2012")[0]
    assert not two_grade_hit([140], [90], "hj633-2012")[0]
    # Forecast 110 lies in the lower half -> adjacent grade II.
    assert two_grade_hit([110], [90], "hj633-2012")[0]
    df = pd.DataFrame({"aqi_forecast": [40.0, 140.0, 110.0, 250.0],
                       "aqi_observed": [45.0, 160.0, 40.0, 200.0],
                       "primary_forecast": ["", "PM2.5", "O3", "O3"],
                       "primary_observed": ["", "PM2.5", "", "PM2.5"]})
    s = score_frame(df, "hj633-2012", range_half_width=0.25)
    assert s["single_grade_accuracy"] == pytest.approx(1 / 4)  # only day 1 same grade
    # day 3: 110 in the lower half of grade III -> II or III; observed grade I misses.
    # day 4: 250 <= mid 250.5 of grade V -> IV or V; observed 200 (grade IV) hits.
    assert s["two_grade_accuracy"] == pytest.approx(3 / 4)
    # ranges: [30,50] ok, [105,175] ok, [82.5,137.5] miss, [187.5,312.5] ok
    assert s["aqi_range_accuracy"] == pytest.approx(3 / 4)
    assert s["primary_pollutant_accuracy"] == pytest.approx(1 / 2)  # days 2 and 4 have one
    assert s["bias"] == pytest.approx((-5 - 20 + 70 + 50) / 4)
    assert s["rmse"] == pytest.approx(math.sqrt((25 + 400 + 4900 + 2500) / 4))


def _small_dir(shared_dir, tmp_path, n_stations=2, until="2014-06-30"):
    for f in sorted(_prsa_dir(shared_dir).glob("PRSA_Data_*.csv"))[:n_stations]:
        df = pd.read_csv(f)
        keep = pd.to_datetime(df[["year", "month", "day"]]) <= pd.Timestamp(until)
        df[keep].to_csv(tmp_path / f.name, index=False)
    return tmp_path


def test_cli_evaluate_json_small(shared_dir, tmp_path, cli):
    d = _small_dir(shared_dir, tmp_path)
    code, out, err = cli("forecast", "evaluate", "--observations", d, "--format", "prsa",
                         "--train-until", "2014-02-28", "--lead-days", "1", "--lead-days", "2", "--max-iter", "60",
                         "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["edition"] == "hj633-2012"
    for lead in ("1", "2"):
        m = res["model"]["lead_days"][lead]["station_mean"]
        assert 0.0 <= m["single_grade_accuracy"] <= m["two_grade_accuracy"] <= 1.0
        assert m["n_stations"] == 2
    assert set(res) >= {"model", "persistence", "plain_gbm", "test_period"}


def test_cli_bad_input_exit_2(tmp_path, cli):
    code, out, err = cli("forecast", "evaluate", "--observations", tmp_path, "--train-until",
                         "2014-02-28", "--json")
    assert code == 2 and out == "" and "no PRSA station files" in " ".join(err.split())
    code, _, err = cli("forecast", "evaluate", "--observations", tmp_path, "--format", "xls",
                       "--train-until", "2014-02-28")
    assert code == 2 and "unknown format" in err


def test_cli_run_three_days(shared_dir, tmp_path, cli):
    d = _small_dir(shared_dir, tmp_path, until="2014-03-31")
    code, out, err = cli("forecast", "run", "--observations", d, "--days", "3", "--max-iter", "60", "--json")
    assert code == 0, err
    res = json.loads(out)
    fc = pd.DataFrame(res["forecast"])
    assert sorted(fc["lead_days"].unique()) == [1, 2, 3]
    assert set(fc["area"]) == {"Aotizhongxin", "Changping", "city"}
    assert (fc["aqi_lo"] <= fc["aqi"]).all() and (fc["aqi"] <= fc["aqi_hi"]).all()
    assert (pd.to_datetime(fc["target_date"]) > pd.Timestamp("2014-03-31")).all()
    assert "persist" in res["meteorology"]
    # Daily AQHI from the forecast daily means, recomputed by hand with the Shanghai formula
    # (Chen et al. 2012, Chin J Prev Med 46(5):443-446):
    # 10/17 x 100 x [(exp(0.000153 PM10) - 1) + (exp(0.000662 NO2) - 1)].
    import numpy as np
    v = 10 / 17 * 100 * ((np.exp(0.000153 * fc["pm10_ug_m3"]) - 1)
                         + (np.exp(0.000662 * fc["no2_ug_m3"]) - 1))
    np.testing.assert_allclose(fc["aqhi_value"], v, rtol=1e-9)
    assert set(fc["aqhi_method"]) == {"chen-2012-shanghai"}


def test_beijing_holdout_reaches_target(shared_dir):
    """Issue target: next-day single-grade >= 62 %, two-grade >= 88 % (mean over stations),
    HJ 633-2012 grades, trained to 2016-02-29, scored on March 2016 - February 2017."""
    from ehrisk.air.forecast import evaluate_holdout
    hourly = read_prsa_dir(_prsa_dir(shared_dir))
    res = evaluate_holdout(hourly, "2016-02-29", [1], edition="hj633-2012")
    assert res["test_period"] == ["2016-03-01", "2017-02-28"]
    m = res["model"]["lead_days"][1]["station_mean"]
    p = res["persistence"]["lead_days"][1]["station_mean"]
    g = res["plain_gbm"]["lead_days"][1]["station_mean"]
    assert m["n_stations"] == 8
    assert m["single_grade_accuracy"] >= TARGET_SINGLE_GRADE
    assert m["two_grade_accuracy"] >= TARGET_TWO_GRADE
    assert m["single_grade_accuracy"] > g["single_grade_accuracy"] > p["single_grade_accuracy"]
    pairs = res["pairs"]
    inside = ((pairs["aqi_lo"] <= pairs["aqi_observed"]) &
              (pairs["aqi_observed"] <= pairs["aqi_hi"])).mean()
    # nominal 80 % interval, conformalized on the last training year (Mar 2015 - Feb 2016);
    # measured 84.8 % on the hold-out year (docs/forecast.md)
    assert COVERAGE_LO <= inside <= COVERAGE_HI


# --- daily AQHI choice (--aqhi-method / --aqhi-coefficients) ------------------------------

def _four_grade_set(tmp_path):
    """Shanghai coefficients (Chen et al. 2012, Chin J Prev Med 46(5):443-446: 0.000153 per
    ug/m3 PM10, 0.000662 per ug/m3 NO2, scale 10/17) with hand-written 4-grade bands."""
    d = {"name": "Shanghai betas, 4 grades", "source": "Chen RJ et al. 2012 (betas); test bands",
         "pollutants": {"pm10": {"beta": 0.000153, "unit": "ug/m3"},
                        "no2": {"beta": 0.000662, "unit": "ug/m3"}},
         "averaging_h": 24, "scale": "10/17", "messages": "none",
         "bands": [{"level": "1", "upper": 3, "category_en": "A", "category_zh": "一级"},
                   {"level": "2", "upper": 6, "category_en": "B", "category_zh": "二级"},
                   {"level": "3", "upper": 9, "category_en": "C", "category_zh": "三级"},
                   {"level": "4", "category_en": "D", "category_zh": "四级"}]}
    f = tmp_path / "four.json"
    f.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return f


def _four_grade_by_hand(v):
    return "1" if v < 3 else "2" if v < 6 else "3" if v < 9 else "4"


def test_daily_aqhi_set_choice(tmp_path):
    from ehrisk.air.aqhi_set import load_set, parse_set
    from ehrisk.air.forecast import daily_aqhi_forecast, daily_aqhi_set
    cs = load_set(_four_grade_set(tmp_path))
    fc = pd.DataFrame({"pm10_ug_m3": [50.0, 400.0], "no2_ug_m3": [30.0, 160.0]})
    res = daily_aqhi_forecast(fc, cs)
    v = 10 / 17 * 100 * ((np.exp(0.000153 * fc["pm10_ug_m3"]) - 1)
                         + (np.exp(0.000662 * fc["no2_ug_m3"]) - 1))
    np.testing.assert_allclose(res["aqhi_value"], v, rtol=1e-12)
    assert res["aqhi"].tolist() == [_four_grade_by_hand(x) for x in v]
    assert set(res["aqhi_method"]) == {"Shanghai betas, 4 grades"}
    # hourly-only indices are refused: Canada / Hong Kong use 3-hour means, AQHI+ 1-hour PM2.5
    for m in ("stieb-2008", "hk-epd", "aqhi-plus"):
        with pytest.raises(ValueError, match="daily"):
            daily_aqhi_set(m)
    # a daily set needing a pollutant the forecast does not give (daily mean O3)
    o3 = parse_set({"name": "o3", "source": "test", "averaging_h": 24, "scale": 1,
                    "pollutants": {"o3": {"beta": 0.001, "unit": "ug/m3"}}})
    with pytest.raises(ValueError, match="o3_ug_m3"):
        daily_aqhi_set(o3)


def test_cli_run_with_aqhi_coefficients(shared_dir, tmp_path, cli):
    (tmp_path / "obs").mkdir()
    d = _small_dir(shared_dir, tmp_path / "obs", n_stations=1, until="2014-03-31")
    f = _four_grade_set(tmp_path)
    code, out, err = cli("forecast", "run", "--observations", d, "--days", "1", "--max-iter",
                         "20", "--aqhi-coefficients", f, "--json")
    assert code == 0, err
    res = json.loads(out)
    fc = pd.DataFrame(res["forecast"])
    v = 10 / 17 * 100 * ((np.exp(0.000153 * fc["pm10_ug_m3"]) - 1)
                         + (np.exp(0.000662 * fc["no2_ug_m3"]) - 1))
    np.testing.assert_allclose(fc["aqhi_value"], v, rtol=1e-9)
    assert fc["aqhi"].tolist() == [_four_grade_by_hand(x) for x in v]
    assert res["aqhi_set"]["file"] == str(f) and res["aqhi_set"]["averaging_h"] == 24
    assert "not issued" in res["aqhi_set"]["warnings"]      # bands not on the 1-10 scale
    assert not any(w["scheme"] == "aqhi-hc" for w in res["warnings"])
    # an hourly-only method is refused before any data are read
    code, out, err = cli("forecast", "run", "--observations", tmp_path / "none",
                         "--aqhi-method", "stieb-2008", "--json")
    assert code == 2 and out == "" and "3-hour" in err
    code, _, err = cli("forecast", "run", "--observations", d, "--aqhi-method", "shanghai",
                       "--aqhi-coefficients", f)
    assert code == 2 and "not both" in err


def test_station_table_format_reads_and_converts_rh(tmp_path, cli):
    """The 'table' format: canonical columns (Chinese headers accepted), RH turned into a dew
    point (Magnus, Alduchov & Eskridge 1996), bad rows named."""
    import math

    from ehrisk.io.station_hourly import read_station_hourly

    head = "站点,时间,pm2.5,pm10,so2,no2,co,o3,气温,气压,相对湿度,降水,风速,风向\n"
    (tmp_path / "a.csv").write_text(head + "S1,2025-01-01 00:00,30,50,5,40,0.8,20,20,1015,50,0,"
                                    "2,90\n", encoding="utf-8")
    df = read_station_hourly(tmp_path / "a.csv")
    g = math.log(0.5) + 17.625 * 20 / (243.04 + 20)
    assert df.loc[0, "dewp_c"] == pytest.approx(243.04 * g / (17.625 - g))
    assert df.loc[0, "station_id"] == "S1" and df.loc[0, "co_mg_m3"] == 0.8
    (tmp_path / "b.csv").write_text(head + "S1,2025-01-01 00:00,30,50,5,40,0.8,20,20,1015,50,0,"
                                    "2,400\n", encoding="utf-8")
    code, _, err = cli("forecast", "run", "--observations", tmp_path / "b.csv", "--format",
                       "table")
    assert code == 2 and "b.csv" in err and "wd_deg" in err and "Traceback" not in err


def _seven_weeks(shared_dir, days=49):
    f = sorted(_prsa_dir(shared_dir).glob("PRSA_Data_Dongsi*.csv"))[0]
    h = read_prsa_file(f)
    return h[h["time"] < h["time"].min() + pd.Timedelta(days=days)].reset_index(drop=True)


def test_short_history_evaluation_says_so_and_forecast_continues(shared_dir):
    """Seven weeks of hourly data: a 365-day hold-out leaves no training day
    (InsufficientHistory with the amounts); the forecast itself still runs on 49 days."""
    from ehrisk.air.forecast import (
        MIN_TRAINING_DAYS,
        InsufficientHistory,
        evaluate_holdout,
        forecast_ahead,
    )
    from ehrisk.errors import EhriskError

    hourly = _seven_weeks(shared_dir)
    assert hourly["time"].dt.normalize().nunique() == 49
    last = hourly["time"].max().normalize()
    with pytest.raises(InsufficientHistory) as e:
        evaluate_holdout(hourly, last - pd.Timedelta(days=365), [1], baselines=False,
                         max_iter=30)
    assert isinstance(e.value, EhriskError)
    assert e.value.have_days == 0 and e.value.need_days == MIN_TRAINING_DAYS
    assert f"at least {MIN_TRAINING_DAYS} days" in str(e.value) and "give 0" in str(e.value)
    fc = forecast_ahead(hourly, 3, max_iter=30)
    assert sorted(fc["area"].unique()) == ["Dongsi", "city"]
    assert fc["lead_days"].tolist() == [1, 2, 3, 1, 2, 3]
    assert fc["aqi"].between(1, 500).all()
    assert (fc["target_date"] == last + pd.to_timedelta(fc["lead_days"], "D")).all()


def test_forecast_on_too_short_history_says_how_much_it_needs(shared_dir):
    from ehrisk.air.forecast import MIN_TRAINING_DAYS, InsufficientHistory, forecast_ahead

    hourly = _seven_weeks(shared_dir, days=20)
    with pytest.raises(InsufficientHistory) as e:
        forecast_ahead(hourly, 3, max_iter=30)
    assert e.value.need_days == MIN_TRAINING_DAYS and e.value.have_days < MIN_TRAINING_DAYS
    assert f"{MIN_TRAINING_DAYS + 3} days of observations" in str(e.value)


def test_cli_forecast_short_history_exit_2(shared_dir, tmp_path, cli):
    hourly = _seven_weeks(shared_dir, days=20)
    p = tmp_path / "st.csv"
    hourly.to_csv(p, index=False)
    code, out, err = cli("forecast", "run", "--observations", p, "--format", "table", "--json")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "needs at least" in " ".join(err.split())
