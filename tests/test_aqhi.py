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


# --- coefficient-set files (ehrisk.air.aqhi_set, ehrisk aqhi --coefficients) -------------

# Shanghai AQHI typed from Chen RJ, Chen BH, Kan HD. Chin J Prev Med 2012;46(5):443-446
# (abstract formula): SAQHI = 10/17 x [exp(0.000153 PM10) - 1 + exp(0.000662 NO2) - 1] x 100,
# daily means in ug/m3.
SHANGHAI_JSON = """{
  "format": "ehrisk-aqhi-coefficients/1",
  "name": "Shanghai AQHI (typed in the test)",
  "source": "Chen RJ, Chen BH, Kan HD. Chin J Prev Med 2012;46(5):443-446, abstract formula",
  "pollutants": {"pm10": {"beta": 0.000153, "unit": "ug/m3"},
                 "no2": {"beta": 0.000662, "unit": "ug/m3"}},
  "averaging_h": 24,
  "scale": "10/17"
}"""

SHANGHAI_TOML = """
name = "Shanghai AQHI (TOML)"
source = "Chen RJ, Chen BH, Kan HD. Chin J Prev Med 2012;46(5):443-446"
averaging_h = 24
min_valid_h = 20
scale = "10/17"
bands = "chen-2012-shanghai"

[pollutants.pm10]
beta = 0.000153
unit = "ug/m3"

[pollutants.no2]
beta = 0.000662
unit = "ug/m3"
"""


def _saqhi(pm10, no2):
    """Chen et al. 2012 by hand."""
    return 10 / 17 * ((math.exp(0.000153 * pm10) - 1) + (math.exp(0.000662 * no2) - 1)) * 100


def _canada_level(v):
    """Canadian/Shanghai banding by hand: nearest whole number, at least 1, '10+' from 10.5."""
    if v >= 10.5:
        return "10+"
    return max(1, math.floor(v + 0.5))


@pytest.fixture()
def shanghai_json(tmp_path):
    f = tmp_path / "shanghai.json"
    f.write_text(SHANGHAI_JSON, encoding="utf-8")
    return f


@pytest.mark.parametrize("pm10,no2", [(20.0, 10.0), (100.0, 50.0), (300.0, 150.0),
                                      (600.0, 300.0)])
def test_file_set_reproduces_shanghai(cli, tmp_path, shanghai_json, pm10, no2):
    toml = tmp_path / "shanghai.toml"
    toml.write_text(SHANGHAI_TOML, encoding="utf-8")
    expect = _saqhi(pm10, no2)
    args = ("--pm10-ug-m3", pm10, "--no2-ug-m3", no2, "--json")
    code, out, err = cli("aqhi", "--coefficients", shanghai_json, *args)
    assert code == 0, err
    got = json.loads(out)
    code, out, err = cli("aqhi", "--method", "chen-2012-shanghai", *args)
    assert code == 0, err
    packaged = json.loads(out)
    code, out, err = cli("aqhi", "-c", toml, *args)
    assert code == 0, err
    from_toml = json.loads(out)
    for d in (got, packaged, from_toml):
        assert d["value"] == pytest.approx(expect, rel=1e-12)
        assert d["aqhi"] == _canada_level(expect)
    assert got["category_en"] == packaged["category_en"] and got["messages"] == packaged["messages"]
    assert got["source"].startswith("Chen RJ") and got["coefficients_file"] == str(shanghai_json)


def test_file_set_hourly_daily_mean(cli, tmp_path, shanghai_json):
    # one day of hourly values: PM10 = 50 + 10 h, NO2 = 20 + 2 h (h = 0..23)
    hours = range(24)
    lines = ["time,pm10_ug_m3,no2_ug_m3"]
    lines += [f"2024-03-01 {h:02d}:00,{50 + 10 * h},{20 + 2 * h}" for h in hours]
    f = tmp_path / "hourly.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("aqhi", "--coefficients", shanghai_json, "--hourly", f, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 24
    # 24-h mean at 23:00 = 50 + 10 x 11.5 and 20 + 2 x 11.5
    assert rows[23]["value"] == pytest.approx(_saqhi(165.0, 43.0), rel=1e-12)
    assert rows[23]["aqhi"] == _canada_level(_saqhi(165.0, 43.0))
    # GB 3095-2012 Table 4: a 24-h mean needs 20 hours -> 18:00 (19 hours) has no value,
    # 19:00 (20 hours: h = 0..19) has one
    assert rows[18]["aqhi"] is None
    assert rows[19]["value"] == pytest.approx(_saqhi(50 + 10 * 9.5, 20 + 2 * 9.5), rel=1e-12)


def test_file_set_custom_bands_inline_messages(cli, tmp_path):
    # four grades with inclusive upper bounds; AQHI = 1 x 100 (exp(0.001 PM2.5) - 1)
    bands = [
        {"level": "1", "upper": 5, "category_en": "Good", "category_zh": "一级"},
        {"level": "2", "upper": 10, "category_en": "Fair", "category_zh": "二级"},
        {"level": "3", "upper": 20, "category_en": "Poor", "category_zh": "三级"},
        {"level": "4", "category_en": "Bad", "category_zh": "四级"},
    ]
    for b in bands:
        b.update(general_zh=f"公众{b['category_zh']}", general_en=f"public {b['level']}",
                 sensitive_zh=f"敏感{b['category_zh']}", sensitive_en=f"sensitive {b['level']}")
    cs = {"name": "four grades", "source": "test set (hand-written)", "averaging_h": 24,
          "pollutants": {"pm2.5": {"beta": 0.001, "unit": "µg/m³"}}, "scale": 1,
          "bands": bands, "band_upper_inclusive": True}
    f = tmp_path / "four.json"
    f.write_text(json.dumps(cs, ensure_ascii=False), encoding="utf-8")
    # PM2.5 at which the index is exactly 10: 100 (exp(0.001 c) - 1) = 10 -> c = 1000 ln 1.1
    c10 = 1000 * math.log(1.1)
    code, out, err = cli("aqhi", "-c", f, "--pm25-ug-m3", c10, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["value"] == pytest.approx(10.0, rel=1e-9)
    assert d["aqhi"] == 2 and d["category"] == "二级"        # upper bound inclusive
    assert d["messages"]["general_en"] == "public 2" and d["messages"]["sensitive_zh"] == "敏感二级"
    code, out, _ = cli("aqhi", "-c", f, "--pm25-ug-m3", 1000 * math.log(1.25), "--json")
    assert json.loads(out)["category_en"] == "Bad"           # 25 > 20


def _bad(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


@pytest.mark.parametrize("change,key", [
    (lambda d: d.pop("source"), "'source'"),
    (lambda d: d["pollutants"]["no2"].update(beta=-0.000662), "'pollutants.no2.beta'"),
    (lambda d: d["pollutants"].update(pm1={"beta": 0.001, "unit": "ug/m3"}), "'pollutants.pm1'"),
    (lambda d: d["pollutants"]["no2"].update(unit="mg/m3"), "'pollutants.no2.unit'"),
    (lambda d: d.update(scale="ten/17"), "'scale'"),
    (lambda d: d.update(averaging_h=3), "'min_valid_h'"),
    (lambda d: d.update(bands=[{"level": "1", "upper": 4, "category_en": "Low",
                                "category_zh": "低"},
                               {"level": "2", "upper": 3, "category_en": "High",
                                "category_zh": "高"},
                               {"level": "3", "category_en": "Very High",
                                "category_zh": "极高"}]), "'bands[1].upper'"),
    (lambda d: d.update(bands=[{"level": "1", "upper": 4, "category_en": "Low",
                                "category_zh": "低"},
                               {"level": "2", "upper": 9, "category_en": "High",
                                "category_zh": "高"}]), "'bands[1].upper'"),
    (lambda d: d.update(bands=[{"level": "1", "upper": 4, "category_en": "Clean",
                                "category_zh": "清洁"},
                               {"level": "2", "category_en": "High", "category_zh": "高"}]),
     "'messages'"),
    (lambda d: d.update(sorce="typo"), "'sorce'"),
])
def test_bad_coefficient_file_exit_2(cli, tmp_path, change, key):
    d = json.loads(SHANGHAI_JSON)
    change(d)
    f = _bad(tmp_path, "bad.json", json.dumps(d, ensure_ascii=False))
    code, out, err = cli("aqhi", "--coefficients", f, "--pm10-ug-m3", "50", "--no2-ug-m3", "20",
                         "--json")
    text = " ".join(err.split())
    assert code == 2 and out == ""
    assert "bad.json" in text and f"key {key}" in text
    assert "Traceback" not in err


def test_coefficient_file_syntax_and_option_errors(cli, tmp_path, shanghai_json):
    f = _bad(tmp_path, "broken.json", '{"name": "x",\n "source": }')
    code, _, err = cli("aqhi", "-c", f, "--pm10-ug-m3", "1")
    assert code == 2 and "not valid JSON" in err and "row 2" in err
    code, _, err = cli("aqhi", "-c", tmp_path / "set.yaml", "--pm10-ug-m3", "1")
    assert code == 2 and "use .json or .toml" in " ".join(err.split())
    code, _, err = cli("aqhi", "-c", shanghai_json, "--method", "canada")
    assert code == 2 and "not both" in err
    code, _, err = cli("aqhi", "-c", shanghai_json, "--pm10-ug-m3", "50", "--no2-ppb", "20")
    text = " ".join(err.split())
    assert code == 2 and "--no2-ug-m3" in text and "per ug/m3" in text


def test_packaged_set_units_from_table():
    from ehrisk.air import aqhi_set
    # Stieb et al. 2008: NO2 0.000871/ppb, O3 0.000537/ppb, PM2.5 0.000487/(ug/m3), 3-h means
    cs = aqhi_set.packaged_set("canada")
    assert cs.betas == {"no2": 0.000871, "o3": 0.000537, "pm25": 0.000487}
    assert cs.inputs == {"no2": "no2_ppb", "o3": "o3_ppb", "pm25": "pm25_ug_m3"}
    assert cs.averaging_h == 3 and not cs.daily and cs.canada_bands


def test_toml_writer_parses_back(tmp_path):
    import tomllib

    from ehrisk.air import aqhi_set
    d = json.loads(SHANGHAI_JSON)
    d["max_groups"] = []
    d["derivation"] = {"period": ["2015-01-02", "2017-12-30"], "n_days": 1094,
                       "fits": {"pm10": {"beta": 1.5e-05, "ci_low": -0.1}}, "note": 'a "q"'}
    d["bands"] = [{"level": "1", "upper": 1.5, "category_en": "Low", "category_zh": "低风险"},
                  {"level": "10+", "category_en": "Very High", "category_zh": "极高风险"}]
    text = aqhi_set.to_toml(d)
    assert tomllib.loads(text) == d
    cs = aqhi_set.write_set(d, tmp_path / "w.toml")
    assert aqhi_set.load_set(tmp_path / "w.toml").betas == cs.betas == {"pm10": 0.000153,
                                                                        "no2": 0.000662}


def test_file_set_text_level_labels(cli, tmp_path):
    # labels that are not numbers come out as text; AQHI = 100 (exp(0.001 PM10) - 1)
    cs = {"name": "roman", "source": "test set (hand-written)", "averaging_h": 24, "scale": 1,
          "pollutants": {"pm10": {"beta": 0.001, "unit": "ug/m3"}}, "messages": "none",
          "bands": [{"level": "I", "upper": 5, "category_en": "Low", "category_zh": "低"},
                    {"level": "II", "category_en": "High", "category_zh": "高"}]}
    f = tmp_path / "roman.json"
    f.write_text(json.dumps(cs, ensure_ascii=False), encoding="utf-8")
    # 100 (exp(0.001 x 100) - 1) = 10.5 > 5 -> "II"
    code, out, err = cli("aqhi", "-c", f, "--pm10-ug-m3", "100", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["aqhi"] == "II" and d["value"] == pytest.approx(100 * math.expm1(0.1))
    assert d["messages"]["general_en"] == ""


def test_one_registry_one_code_path():
    """aqhi() of a packaged method is the registry's CoefficientSet evaluated by
    aqhi_set.evaluate (same rows); sets registered by a caller are found by name."""
    from ehrisk.air import aqhi as aqhi_mod
    from ehrisk.air import aqhi_set

    conc = {"no2_ppb": [20.0, 5.0], "o3_ppb": [30.0, 10.0], "pm25_ug_m3": [15.0, 3.0]}
    cs = aqhi_set.get_set("canada")
    assert cs is aqhi_set.packaged_set("stieb-2008")
    pd.testing.assert_frame_equal(aqhi_mod.aqhi("stieb-2008", conc), aqhi_set.evaluate(cs, conc))
    assert aqhi_set.registered()[:3] == ["stieb-2008", "hk-epd-2013", "chen-2012-shanghai"]
    local = aqhi_set.CoefficientSet(**{**cs.__dict__, "name": "local-test"})
    aqhi_set.register(local)
    assert aqhi_set.get_set("LOCAL-TEST") is local
    with pytest.raises(ValueError, match="packaged"):
        aqhi_set.register(aqhi_set.CoefficientSet(**{**cs.__dict__, "name": "shanghai"}))
