"""AQHI module and ``ehrisk aqhi`` command: generic coefficients, moving means, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.air import aqhi


def test_derived_coefficients_plug_in():
    # A locally derived set: AQHI = 10/8 x [100 (exp(0.001 PM2.5) - 1) + 100 (exp(0.002 O3) - 1)]
    got = aqhi.aqhi_from_coefficients({"pm25": [50.0], "o3": [20.0]},
                                      {"pm25": 0.001, "o3": 0.002}, 10 / 8)
    expect = 10 / 8 * 100 * ((math.exp(0.05) - 1) + (math.exp(0.04) - 1))
    assert got[0] == pytest.approx(expect)


def test_derived_set_structure_plugs_in():
    cs = {"pm25": 0.001, "o3": 0.002, "unit": {"pm25": "ug/m3", "o3": "ug/m3"}, "scale": 1.25}
    got = aqhi.aqhi_from_set({"pm25": 50.0, "o3": 20.0}, cs)
    assert got[0] == pytest.approx(1.25 * 100 * ((math.exp(0.05) - 1) + (math.exp(0.04) - 1)))


def test_missing_coefficient_input_raises():
    with pytest.raises(KeyError, match="missing for o3"):
        aqhi.aqhi_from_coefficients({"pm25": 1.0}, {"pm25": 0.001, "o3": 0.002}, 1.0)


def test_max_group_ignores_missing_member():
    total, _ = aqhi.excess_risk_pct({"pm10": [np.nan], "pm25": [10.0]},
                                    {"pm10": 0.001, "pm25": 0.001}, [("pm10", "pm25")])
    assert total[0] == pytest.approx(100 * math.expm1(0.01))


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 300), st.floats(0, 300), st.floats(0, 500), st.floats(0, 50))
def test_aqhi_monotone(no2, o3, pm, d):
    assert aqhi.stieb_2008(no2 + d, o3, pm)[0] >= aqhi.stieb_2008(no2, o3, pm)[0]
    assert aqhi.stieb_2008(no2, o3, pm + d)[0] >= aqhi.stieb_2008(no2, o3, pm)[0]


def test_moving_mean_min_valid():
    x = [1.0, np.nan, 3.0, np.nan, np.nan, 6.0]
    got = aqhi.moving_mean(x, 3, 2)
    # windows ending at each hour: [1], [1,nan], [1,nan,3], [nan,3,nan], [3,nan,nan], [nan,nan,6]
    expect = [np.nan, np.nan, 2.0, np.nan, np.nan, np.nan]
    np.testing.assert_allclose(got, expect)


def test_from_hourly_three_hour_means_and_gap_fill():
    t = pd.to_datetime(["2024-07-01 00:00", "2024-07-01 01:00", "2024-07-01 03:00"])
    df = pd.DataFrame({"time": t, "no2_ppb": [10.0, 20.0, 30.0], "o3_ppb": [30.0, 30.0, 30.0],
                       "pm25_ug_m3": [5.0, 7.0, 9.0]})
    res = aqhi.from_hourly(df, "stieb-2008")
    assert len(res) == 3
    # 03:00 window = 01:00, 02:00 (missing), 03:00 -> 2 valid -> mean of 20 and 30
    assert res["no2_ppb_3h"].iloc[2] == pytest.approx(25.0)
    assert math.isnan(res["value"].iloc[0])  # only one valid hour at 00:00


def test_messages_both_audiences_both_languages():
    m = aqhi.messages("hk-epd-2013", "Serious")
    assert set(m) == {"general_en", "general_zh", "sensitive_en", "sensitive_zh"}
    assert all(m.values())


def test_cli_stieb_json(cli):
    code, out, err = cli("aqhi", "--method", "stieb-2008", "--no2-ppb", "20", "--o3-ppb", "30",
                         "--pm25-ug-m3", "15", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["aqhi"] == 4 and d["category_en"] == "Moderate"
    assert {"aqhi", "category", "messages"} <= set(d)


def test_cli_hk_json_10_plus(cli):
    code, out, _ = cli("aqhi", "--method", "hk-epd", "--no2-ug-m3", "300", "--so2-ug-m3", "50",
                       "--o3-ug-m3", "250", "--pm10-ug-m3", "200", "--pm25-ug-m3", "150",
                       "--json")
    d = json.loads(out)
    assert code == 0 and d["aqhi"] == "10+" and d["category_en"] == "Serious"


def test_cli_missing_input_exit_2(cli):
    code, out, err = cli("aqhi", "--method", "hk-epd", "--no2-ug-m3", "3", "--json")
    assert code == 2 and out == ""
    assert "--so2-ug-m3" in err and "--o3-ug-m3" in err
    code, _, err = cli("aqhi", "--method", "nope")
    assert code == 2 and "unknown method" in err


def test_cli_hourly_file(cli, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("time,no2_ppb,o3_ppb,pm25_ug_m3\n2024-07-01 00:00,10,30,5\n"
                 "2024-07-01 01:00,20,30,7\n2024-07-01 02:00,30,30,9\n", encoding="utf-8")
    code, out, err = cli("aqhi", "--hourly", f, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 3 and rows[2]["aqhi"] is not None
    bad = tmp_path / "bad.csv"
    bad.write_text("time,no2_ppb,o3_ppb,pm25_ug_m3\nyesterday,1,2,3\n", encoding="utf-8")
    code, _, err = cli("aqhi", "--hourly", bad)
    assert code == 2 and "row 2" in err
