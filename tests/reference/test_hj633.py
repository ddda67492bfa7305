"""HJ 633-2026 / HJ 633-2012 against the published tables and hand calculations.

Sources: HJ 633-2026 Table 3 and Table 1/Annex A, HJ 633-2012 Table 1 (transcriptions in
``tests/data/refdata/``, copies of ``../shared/refdata/``); expected IAQI values are worked out
by hand below from the printed breakpoints with eq. (1) IAQI = (IH - IL) / (BPH - BPL) * (C - BPL) + IL.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ehrisk.air import aqi
from ehrisk.refdata import load_table

BREAKPOINT_TOL = 0.0  # breakpoints are exact transcriptions


@pytest.mark.parametrize("edition,fname", [
    ("hj633-2026", "hj633_2026_iaqi_breakpoints.csv"),
    ("hj633-2012", "hj633_2012_iaqi_breakpoints.csv"),
])
def test_packaged_breakpoints_match_shared_transcription(refdata_dir, edition, fname):
    shared = pd.read_csv(refdata_dir / fname, dtype=str, keep_default_na=False)
    shared = shared[shared["conc"] != ""]
    ours = load_table("aqi_breakpoints", numeric=["iaqi_lo", "iaqi_hi", "conc_lo", "conc_hi"])
    ours = ours[(ours["edition"] == edition) & (ours["rule"] == "")]
    for (pol, av), g in shared.groupby(["pollutant", "averaging"]):
        seg = ours[(ours["pollutant"] == pol) & (ours["averaging"] == av)]
        pts = sorted(set(zip(seg["iaqi_lo"], seg["conc_lo"], strict=True))
                     | set(zip(seg["iaqi_hi"], seg["conc_hi"], strict=True)))
        expect = sorted(zip(g["iaqi"].astype(float), g["conc"].astype(float), strict=True))
        assert len(pts) == len(expect), (pol, av)
        for (i1, c1), (i2, c2) in zip(pts, expect, strict=True):
            assert abs(i1 - i2) <= BREAKPOINT_TOL and abs(c1 - c2) <= BREAKPOINT_TOL


def test_packaged_grades_2026_match_shared(refdata_dir):
    shared = pd.read_csv(refdata_dir / "hj633_2026_aqi_grades.csv", dtype=str,
                         keep_default_na=False)
    ours = aqi.grades("hj633-2026")
    for col_s, col_o in (("aqi_low", "aqi_low"), ("aqi_high", "aqi_high")):
        assert [float(x) for x in shared[col_s]] == ours[col_o].tolist()
    for col in ("grade", "category_zh", "health_effect_zh", "advice_zh", "color_rgb"):
        assert shared[col].tolist() == ours[col].tolist()
    assert shared["color"].tolist() == ours["color_zh"].tolist()


def test_pm25_breakpoint_lowered_in_2026():
    # HJ 633-2026 Table 3: PM2.5 IAQI 100 at 60 ug/m3 (2012: 75); PM10 at 120 (2012: 150).
    assert aqi.iaqi(60, "PM2.5", "24h", "hj633-2026")[0] == 100
    assert aqi.iaqi(75, "PM2.5", "24h", "hj633-2012")[0] == 100
    assert aqi.iaqi(120, "PM10", "24h", "hj633-2026")[0] == 100
    assert aqi.iaqi(150, "PM10", "24h", "hj633-2012")[0] == 100


def test_hand_calculated_daily_example_2026():
    # Independent calculation (HJ 633-2026 eq. (1), Table 3):
    # PM2.5 80: 100 + (150-100)/(115-60)*(80-60) = 118.18 -> up to 119
    # PM10 100: 50 + (100-50)/(120-50)*(100-50) = 85.71 -> 86
    # SO2 10: 50/50*10 = 10; NO2 40: = 50; CO 1.0: 50/2*1 = 25
    # O3 8h 120: 50 + 50/60*20 = 66.67 -> 67; AQI = 119 (PM2.5), grade 三级 轻度污染
    expect = {"PM2.5": math.ceil(100 + 50 / 55 * 20), "PM10": math.ceil(50 + 50 / 70 * 50),
              "SO2": 10, "NO2": 50, "CO": 25, "O3": math.ceil(50 + 50 / 60 * 20)}
    df = pd.DataFrame([dict(pm25_ug_m3=80, pm10_ug_m3=100, so2_ug_m3=10, no2_ug_m3=40,
                            co_mg_m3=1.0, o3_8h_ug_m3=120)])
    s = aqi.summary(aqi.daily_report(df).iloc[0], "hj633-2026", "daily")
    assert s["iaqi"] == expect
    assert s["aqi"] == 119 and s["primary"] == ["PM2.5"]
    assert s["grade"] == "三级" and s["category"] == "轻度污染"


def test_edge_rules_2026_fixed_values():
    # HJ 633-2026 Table 3 footnote b: SO2 1h > 800 -> IAQI 200; footnote c: O3 8h > 800 -> 300.
    assert aqi.iaqi(801, "SO2", "1h", "hj633-2026")[0] == 200
    assert aqi.iaqi(2000, "SO2", "1h", "hj633-2026")[0] == 200
    assert aqi.iaqi(900, "O3", "8h", "hj633-2026")[0] == 300


def test_edge_rules_2012_fall_back():
    # HJ 633-2012 Table 1 note (2): SO2 1h > 800 -> use the 24h IAQI; 24h 100 ug/m3:
    # 50 + 50/100*50 = 75. Note (3): O3 8h > 800 -> use O3 1h; 1h 900: 300 + 100/200*100 = 350.
    assert aqi.iaqi(801, "SO2", "1h", "hj633-2012", fallback_conc=100)[0] == 75
    assert math.isnan(aqi.iaqi(801, "SO2", "1h", "hj633-2012")[0])
    assert aqi.iaqi(801, "O3", "8h", "hj633-2012", fallback_conc=900)[0] == 350


def test_above_top_breakpoint_capped_at_500():
    # HJ 633-2026 Table 1: AQI range 1-500.
    assert aqi.iaqi(800, "PM2.5", "24h", "hj633-2026")[0] == 500


def test_gbt8170_rounding_of_concentration_2026():
    # GB/T 8170 round half to even: 60.5 -> 60 (IAQI 100), 61.5 -> 62:
    # 100 + 50/55*2 = 101.8 -> 102.
    assert aqi.iaqi(60.5, "PM2.5", "24h", "hj633-2026")[0] == 100
    assert aqi.iaqi(61.5, "PM2.5", "24h", "hj633-2026")[0] == 102
    # CO to 0.1 mg/m3: 2.05 -> 2.0 (IAQI 50); 2.15 -> 2.2: 50 + 50/2*0.2 = 55
    assert aqi.iaqi(2.05, "CO", "24h", "hj633-2026")[0] == 50
    assert aqi.iaqi(2.15, "CO", "24h", "hj633-2026")[0] == 55


def test_iaqi_rounded_up():
    # PM2.5 1 ug/m3: 50/35*1 = 1.43 -> 2 (rounded up, HJ 633-2026 4.2)
    assert aqi.iaqi(1, "PM2.5", "24h", "hj633-2026")[0] == 2


def test_missing_pollutant_rule_2026():
    # HJ 633-2026 5.3: with missing pollutants AQI is published only when above 100.
    low = pd.DataFrame([dict(pm25_ug_m3=40)])  # IAQI 50 + 50/25*5 = 60 -> NA
    high = pd.DataFrame([dict(pm25_ug_m3=80)])  # 119 -> published
    assert math.isnan(aqi.daily_report(low)["aqi"].iloc[0])
    assert aqi.daily_report(high)["aqi"].iloc[0] == 119


def test_aqi_minimum_is_one_in_2026_and_zero_in_2012():
    zero = pd.DataFrame([dict(pm25_ug_m3=0, pm10_ug_m3=0, so2_ug_m3=0, no2_ug_m3=0,
                              co_mg_m3=0, o3_8h_ug_m3=0, o3_1h_ug_m3=0)])
    assert aqi.daily_report(zero, "hj633-2026")["aqi"].iloc[0] == 1
    assert aqi.daily_report(zero, "hj633-2012")["aqi"].iloc[0] == 0


def test_primary_pollutant_only_above_50_and_ties():
    # HJ 633: primary pollutant only when AQI > 50; ties are all primary.
    df = pd.DataFrame([dict(pm25_ug_m3=35, pm10_ug_m3=50, so2_ug_m3=0, no2_ug_m3=0,
                            co_mg_m3=0, o3_8h_ug_m3=0),
                       dict(pm25_ug_m3=60, pm10_ug_m3=120, so2_ug_m3=0, no2_ug_m3=0,
                            co_mg_m3=0, o3_8h_ug_m3=0)])
    r = aqi.daily_report(df)
    assert r["aqi"].tolist() == [50, 100]
    assert r["primary"].iloc[0] == ""
    assert r["primary"].iloc[1] == "PM10;PM2.5"


def test_daily_report_2026_has_six_indicators_2012_seven():
    assert len(aqi.indicators("hj633-2026", "daily")) == 6
    assert "o3_1h" not in aqi.indicators("hj633-2026", "daily")
    assert len(aqi.indicators("hj633-2012", "daily")) == 7
