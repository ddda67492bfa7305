"""Daily statistics with the GB 3095-2012 Table 4 / HJ 663-2013 validity rules
(:mod:`ehrisk.air.daily_stats`), and the agreement of the AQI and forecast daily tables.

Every expected number is a hand calculation written out in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ehrisk.air import daily_stats
from ehrisk.air.aqi import daily_from_hourly
from ehrisk.air.forecast_data import DAILY_POLLUTANTS, daily_table

TOL = 1e-9


def _day(values, col="pm25_ug_m3", start="2025-06-01", station="A"):
    t = pd.date_range(start, periods=len(values), freq="h")
    return pd.DataFrame({"station_id": station, "time": t, col: np.asarray(values, float)})


def test_thresholds_are_those_of_the_standard():
    # GB 3095-2012 Table 4: 20 hourly values per day, 6 per 8-hour window; HJ 663-2013: 14
    # valid 8-hour means for the O3 daily maximum.
    assert daily_stats.validity_rules() == {"min_hours_24h": 20, "min_hours_8h": 6,
                                            "min_windows_o3_8h_max": 14}


def test_24h_mean_needs_20_hours():
    v = np.arange(24, dtype=float)  # 0..23
    v20 = v.copy()
    v20[20:] = np.nan  # 20 valid hours 0..19: mean 9.5
    v19 = v.copy()
    v19[19:] = np.nan  # 19 valid hours -> no 24-hour mean
    d = daily_stats.daily_values(pd.concat([_day(v20, start="2025-06-01"),
                                            _day(v19, start="2025-06-02")]))
    assert d["pm25_ug_m3"].iloc[0] == pytest.approx(9.5, abs=TOL)
    assert d["n_hours_pm25_ug_m3"].tolist() == [20, 19]
    assert math.isnan(d["pm25_ug_m3"].iloc[1])


def test_missing_rows_count_like_blank_cells():
    # 20 rows present (hours 4..23) = 20 valid hours: mean of 4..23 = 13.5; the absent rows
    # do not shift any window.
    t = pd.date_range("2025-06-01 04:00", periods=20, freq="h")
    df = pd.DataFrame({"station_id": "A", "time": t, "pm25_ug_m3": np.arange(4, 24.0)})
    d = daily_stats.daily_values(df)
    assert d["pm25_ug_m3"].iloc[0] == pytest.approx(13.5, abs=TOL)


def test_o3_window_with_5_valid_hours_has_no_8h_value():
    o3 = np.full(24, 100.0)
    o3[0:3] = np.nan  # window 00-07 has 5 valid hours; window 01-08 has 6
    w = daily_stats.daily_max_8h_windows(o3)
    assert math.isnan(w[0])
    assert w[1] == pytest.approx(100.0)
    assert np.isfinite(w[2:]).all()


def test_o3_daily_max_8h_by_hand():
    # O3 = hour of day (0..23): in-day windows 00-07 .. 16-23, means 3.5 .. 19.5; max 19.5.
    # With hour 23 missing, window 16-23 keeps 7 valid hours (>= 6), mean of 16..22 = 19.0,
    # still above window 15-22 (mean 18.5): the maximum is 19.0.
    o3 = np.arange(24, dtype=float)
    d = daily_stats.daily_values(_day(o3, "o3_ug_m3"))
    assert d["o3_8h_ug_m3"].iloc[0] == pytest.approx(19.5, abs=TOL)
    assert d["o3_1h_ug_m3"].iloc[0] == 23.0
    assert d["n_windows_o3_8h"].iloc[0] == 17
    o3[23] = np.nan
    d = daily_stats.daily_values(_day(o3, "o3_ug_m3"))
    assert d["o3_8h_ug_m3"].iloc[0] == pytest.approx(sum(range(16, 23)) / 7, abs=TOL)


def test_o3_daily_max_needs_14_windows():
    # Hours 0..11 valid, 12..23 missing: windows ending at hour e (7..23) cover e-7..e and have
    # min(e, 11) - (e - 7) + 1 valid hours: e = 7..12 -> 8,8,8,8,8,7; e = 13 -> 6; e = 14 -> 5.
    # So 7 valid windows (< 14) -> no daily maximum.
    o3 = np.full(24, 50.0)
    o3[12:] = np.nan
    d = daily_stats.daily_values(_day(o3, "o3_ug_m3"))
    assert d["n_windows_o3_8h"].iloc[0] == 7
    assert math.isnan(d["o3_8h_ug_m3"].iloc[0])
    # Hours 0..19 valid: windows e = 7..19 full (13), e = 20 -> 7, e = 21 -> 6, e = 22 -> 5:
    # 15 valid windows >= 14 -> valid maximum 50.
    o3 = np.full(24, 50.0)
    o3[20:] = np.nan
    d = daily_stats.daily_values(_day(o3, "o3_ug_m3"))
    assert d["n_windows_o3_8h"].iloc[0] == 15
    assert d["o3_8h_ug_m3"].iloc[0] == pytest.approx(50.0)


def test_hourly_moving_means_reach_into_previous_day():
    # O3 = 10 on day 1, 20 on day 2: the 8-hour mean ending at 02:00 on day 2 covers 19:00-23:00
    # of day 1 (5 x 10) and 00:00-02:00 of day 2 (3 x 20): (50 + 60) / 8 = 13.75.
    o3 = np.r_[np.full(24, 10.0), np.full(24, 20.0)]
    h = daily_stats.hourly_moving_means(_day(o3, "o3_ug_m3"))
    assert h["o3_8h_ug_m3"].iloc[26] == pytest.approx(13.75)
    assert math.isnan(h["o3_8h_ug_m3"].iloc[4])  # 5 hours in the first window: invalid
    assert h["o3_8h_ug_m3"].iloc[5] == pytest.approx(10.0)  # 6 hours: valid


def test_duplicated_station_hour_raises():
    df = pd.concat([_day([1.0, 2.0]), _day([3.0])])
    with pytest.raises(ValueError, match="duplicated hour"):
        daily_stats.daily_values(df)


def _two_station_hours(seed=3):
    rng = np.random.default_rng(seed)
    n = 24 * 6
    frames = []
    for sid in ("S1", "S2"):
        t = pd.date_range("2025-06-01", periods=n, freq="h")
        df = pd.DataFrame({"station_id": sid, "time": t})
        for c in ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "o3_ug_m3"):
            v = rng.uniform(5, 150, n)
            v[rng.random(n) < 0.15] = np.nan  # about 15 % gaps: some days fall below 20 h
            df[c] = v
        df["co_mg_m3"] = rng.uniform(0.2, 2.0, n)
        df = df.drop(index=rng.choice(n, 10, replace=False))  # absent rows too
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def test_aqi_and_forecast_daily_values_agree():
    """The same hours give the same daily values in the AQI and the forecast paths."""
    h = _two_station_hours()
    a = daily_from_hourly(h).sort_values(["station_id", "date"]).reset_index(drop=True)
    f = daily_table(h).sort_values(["station", "date"]).reset_index(drop=True)
    assert a["station_id"].tolist() == f["station"].tolist()
    assert (pd.to_datetime(a["date"]) == pd.to_datetime(f["date"])).all()
    for c in DAILY_POLLUTANTS:
        np.testing.assert_array_equal(np.isnan(a[c].to_numpy(float)),
                                      np.isnan(f[c].to_numpy(float)), err_msg=c)
        np.testing.assert_allclose(a[c].to_numpy(float), f[c].to_numpy(float), rtol=0,
                                   atol=TOL, err_msg=c)
    # Some days are invalid by the 20-hour rule, so the agreement is not vacuous.
    assert a["pm25_ug_m3"].isna().any() and a["pm25_ug_m3"].notna().any()


def test_24h_mean_by_hand_on_random_day():
    h = _two_station_hours(seed=5)
    d = daily_from_hourly(h)
    day = h[(h["station_id"] == "S2") & (h["time"].dt.day == 3)]["no2_ug_m3"].dropna()
    row = d[(d["station_id"] == "S2") & (pd.to_datetime(d["date"]).dt.day == 3)].iloc[0]
    if len(day) >= 20:
        assert row["no2_ug_m3"] == pytest.approx(day.sum() / len(day))
    else:
        assert math.isnan(row["no2_ug_m3"])
