"""AQI module and ``ehrisk aqi`` command: edition by date, daily values, US EPA, CLI, batch."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.air import aqi


def test_standard_by_date():
    assert aqi.aqi_standard_for("2026-02-28") == "hj633-2012"
    assert aqi.aqi_standard_for(dt.date(2026, 3, 1)) == "hj633-2026"
    assert aqi.aqi_standard_for(pd.Timestamp("2026-03-01 00:30")) == "hj633-2026"
    assert aqi.aqi_standard_for("2015-06-01") == "hj633-2012"


def test_unknown_edition_and_negative_raise():
    with pytest.raises(KeyError, match="unknown AQI standard"):
        aqi.iaqi(10, "PM2.5", "24h", "hj633-1999")
    with pytest.raises(ValueError, match="negative"):
        aqi.iaqi([-1.0], "PM2.5", "24h")
    with pytest.raises(KeyError, match="no breakpoints"):
        aqi.iaqi(10, "PM2.5", "8h")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 900), min_size=2, max_size=20))
def test_iaqi_monotone_in_concentration(values):
    x = np.sort(np.array(values))
    y = aqi.iaqi(x, "PM2.5", "24h", "hj633-2026")
    assert np.all(np.diff(y) >= 0)
    assert np.all((y >= 0) & (y <= 500))


def test_nan_is_missing():
    assert math.isnan(aqi.iaqi([np.nan], "NO2", "24h")[0])


def test_hourly_pm_uses_daily_breakpoints_2026():
    # HJ 633-2026 4.2.4: 1h PM2.5 60 ug/m3 -> IAQI 100 (daily breakpoints).
    df = pd.DataFrame([dict(pm25_ug_m3=60)])
    r = aqi.hourly_report(df)
    assert r["iaqi_pm25_1h"].iloc[0] == 100


def test_daily_from_hourly_validity():
    t = pd.date_range("2026-03-02", periods=48, freq="h")
    pm = np.full(48, 30.0)
    pm[24:29] = np.nan  # day 2 keeps 19 hours -> invalid (needs 20)
    o3 = np.arange(48, dtype=float)
    df = pd.DataFrame({"time": t, "station_id": "A", "pm25_ug_m3": pm, "o3_ug_m3": o3})
    d = aqi.daily_from_hourly(df)
    assert d["pm25_ug_m3"].iloc[0] == pytest.approx(30.0)
    assert math.isnan(d["pm25_ug_m3"].iloc[1])
    # Independent: day 1 O3 0..23; 8h means ending 08:00..24:00; last window hours 16..23,
    # mean 19.5; daily max 1h 23.
    assert d["o3_8h_ug_m3"].iloc[0] == pytest.approx(19.5)
    assert d["o3_1h_ug_m3"].iloc[0] == 23
    assert d["n_windows_o3_8h"].iloc[0] == 17


def test_daily_from_hourly_o3_window_needs_six_hours():
    t = pd.date_range("2026-03-02", periods=24, freq="h")
    o3 = np.full(24, 100.0)
    o3[::3] = np.nan  # windows have 5 or 6 valid hours
    df = pd.DataFrame({"time": t, "o3_ug_m3": o3})
    d = aqi.daily_from_hourly(df, station_col=None)
    win = np.lib.stride_tricks.sliding_window_view(np.isfinite(o3), 8).sum(axis=1)
    expect_valid = int((win >= 6).sum())
    assert d["n_windows_o3_8h"].iloc[0] == expect_valid
    if expect_valid >= 14:
        assert d["o3_8h_ug_m3"].iloc[0] == pytest.approx(100.0)
    else:
        assert math.isnan(d["o3_8h_ug_m3"].iloc[0])


def test_duplicate_hour_raises():
    df = pd.DataFrame({"time": ["2026-03-02 01:00", "2026-03-02 01:00"], "pm25_ug_m3": [1, 2]})
    with pytest.raises(ValueError, match="duplicated"):
        aqi.daily_from_hourly(df, station_col=None)


def test_us_epa_truncation_and_rounding():
    # EPA-454/B-24-002 eq. 1: PM2.5 35.49 truncated to 35.4 -> 100; 12.0:
    # (100-51)/(35.4-9.1)*(12.0-9.1)+51 = 56.40 -> 56.
    y = aqi.iaqi([35.49, 12.0], "PM2.5", "24h", "us-epa-2024")
    assert y.tolist() == [100, round((100 - 51) / (35.4 - 9.1) * (12.0 - 9.1) + 51)]
    # 8h O3 above 0.200 ppm falls back to 1h O3: 1h 0.300 ppm -> 201 + 99/0.199*0.095 = 248.3
    y = aqi.iaqi([0.25], "O3", "8h", "us-epa-2024", fallback_conc=[0.300])
    assert y[0] == math.floor(201 + 99 / (0.404 - 0.205) * (0.300 - 0.205) + 0.5)


def test_epa_unit_conversion():
    df = aqi.epa_columns_from_metric(pd.DataFrame({"no2_ug_m3": [46.005], "co_mg_m3": [1.0]}))
    # ideal gas 25 C: 46.005 ug/m3 NO2 = 24.465 ppb; 1 mg/m3 CO = 24.465/28.010 ppm
    assert df["no2_1h_ppb"].iloc[0] == pytest.approx(24.465, rel=1e-3)
    assert df["co_8h_ppm"].iloc[0] == pytest.approx(24.465 / 28.010, rel=1e-3)


def test_cli_json_shape(cli):
    code, out, err = cli("aqi", "--standard", "hj633-2026", "--averaging", "24h", "--pm25", "80",
                         "--pm10", "100", "--so2", "10", "--no2", "40", "--co", "1.0",
                         "--o3-8h", "120", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert {"aqi", "iaqi", "primary", "grade", "category"} <= set(d)
    assert d["aqi"] == 119 and d["primary"] == ["PM2.5"]
    assert set(d["iaqi"]) == {"SO2", "NO2", "CO", "PM10", "PM2.5", "O3"}


def test_cli_date_picks_2012(cli):
    code, out, _ = cli("aqi", "--date", "2025-12-31", "--pm25", "75", "--json")
    d = json.loads(out)
    assert code == 0 and d["standard"] == "hj633-2012" and d["iaqi"]["PM2.5"] == 100


def test_cli_bad_input_exit_2(cli):
    code, out, err = cli("aqi", "--pm25", "-5", "--json")
    assert code == 2 and out == "" and "negative" in err
    code, _, err = cli("aqi", "--json")
    assert code == 2 and "at least one" in err
    code, _, err = cli("aqi", "--standard", "who", "--pm25", "1")
    assert code == 2 and "unknown standard" in err


def test_cli_batch(cli, tmp_path):
    f = tmp_path / "stations.csv"
    f.write_text("station,date,PM2.5,pm10,so2,no2,co,o3_8h\n"
                 "A,2026-03-05,80,100,10,40,1.0,120\n"
                 "B,2025-05-05,75,150,10,40,1.0,120\n", encoding="utf-8")
    out = tmp_path / "report.csv"
    code, stdout, err = cli("aqi", "--batch", f, "--out", out, "--json")
    assert code == 0, err
    rows = json.loads(stdout)
    assert [r["standard"] for r in rows] == ["hj633-2026", "hj633-2012"]
    assert rows[0]["aqi"] == 119 and rows[1]["aqi"] == 100
    rep = pd.read_csv(out)
    assert {"aqi", "primary", "category_zh", "advice_en"} <= set(rep.columns)


def test_cli_batch_bad_rows_all_reported(cli, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("station,pm25,no2\nA,abc,10\nB,5,-3\n", encoding="utf-8")
    code, out, err = cli("aqi", "--batch", f, "--json")
    assert code == 2 and out == ""
    flat = " ".join(err.split())
    assert "row 2" in flat and "row 3" in flat and "pm25_ug_m3" in flat and "no2_ug_m3" in flat
