"""The canonical hourly station table (:mod:`ehrisk.io.station_hourly`), daily AQI reports from
hourly rows (:func:`ehrisk.air.aqi.aqi_daily_reports`, ``ehrisk aqi --hourly``) and the
refusal of hourly rows by the daily ``--batch`` mode.

Expected AQI values are hand calculations from the breakpoints of HJ 633-2012 Table 1 and
HJ 633-2026 Table 1 (copies in ../shared/refdata/hj633_20xx_iaqi_breakpoints.csv).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from ehrisk.air.aqi import aqi_daily_reports
from ehrisk.errors import InputError
from ehrisk.io.station_hourly import (
    check_met,
    read_station_hourly,
    require_met,
    station_table_from_frame,
)

POL_HEAD = "pm25_ug_m3,pm10_ug_m3,so2_ug_m3,no2_ug_m3,co_mg_m3,o3_ug_m3"
# PM2.5 60, PM10 20, SO2 10, NO2 20 ug/m3, CO 0.5 mg/m3, O3 50 ug/m3 every hour:
# HJ 633-2012: PM2.5 IAQI = 50 + (100-50)/(75-35)*(60-35) = 81.25 -> 82 (rounded up); the
#   others are lower (PM10 20, SO2 10, NO2 25, CO 12.5, O3 8h 25, O3 1h 50*50/160 = 15.6).
# HJ 633-2026: PM2.5 60 is the breakpoint of IAQI 100 -> 100.
ROW = "60,20,10,20,0.5,50"
AQI_2012, AQI_2026 = 82, 100


def _hourly_csv(path, station_header="station", days=("2026-02-28", "2026-03-01"),
                stations=("S1",)):
    lines = [f"{station_header},time,{POL_HEAD}"]
    for sid in stations:
        for d in days:
            for h in range(24):
                lines.append(f"{sid},{d} {h:02d}:00,{ROW}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["station", "station_id", "站点", "站点编码", "监测点"])
def test_reader_accepts_station_or_station_id(tmp_path, header):
    df = read_station_hourly(_hourly_csv(tmp_path / "a.csv", header, days=("2025-01-01",)))
    assert list(df.columns[:2]) == ["station_id", "time"]
    assert (df["station_id"] == "S1").all() and len(df) == 24
    assert pd.api.types.is_datetime64_any_dtype(df["time"])
    assert check_met(df) == ["temp_c", "pres_hpa", "dewp_c (or rh_pct)", "rain_mm", "wspm_m_s",
                             "wd_deg"]


def test_need_met_names_the_missing_columns(tmp_path):
    p = _hourly_csv(tmp_path / "a.csv", days=("2025-01-01",))
    with pytest.raises(InputError) as e:
        read_station_hourly(p, need_met=True)
    msg = str(e.value)
    assert "a.csv" in msg and "pres_hpa" in msg and "rh_pct" in msg


def test_from_frame_same_checks_and_time_zone():
    df = pd.DataFrame({
        "station": ["A", "A", "A"],
        "time": pd.to_datetime(["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 02:00"])
        .tz_localize("UTC"),
        "pm25_ug_m3": [10.0, 20.0, 30.0], "temp_c": [1.0, 2.0, 3.0], "rh_pct": [50, 50, 50]})
    t = station_table_from_frame(df, source="database observations")
    # 00:00 UTC = 08:00 Asia/Shanghai (UTC+8, no daylight saving)
    assert t["time"].iloc[0] == pd.Timestamp("2025-01-01 08:00")
    assert "dewp_c" in t.columns and t["station_id"].tolist() == ["A", "A", "A"]
    bad = df.assign(pm25_ug_m3=[10.0, -1.0, 30.0])
    with pytest.raises(InputError) as e:
        station_table_from_frame(bad, source="database observations")
    p = e.value.problems[0]
    assert p.file == "database observations" and p.column == "pm25_ug_m3" and "3" in p.reason
    with pytest.raises(InputError, match="more than once"):
        station_table_from_frame(pd.concat([df, df.iloc[:1]]), source="x")
    with pytest.raises(InputError, match="station_id"):
        station_table_from_frame(df.drop(columns="station"), source="x")


def test_require_met_passes_with_full_met():
    df = pd.DataFrame({"station_id": ["A"], "time": ["2025-01-01 00:00"], "o3_ug_m3": [1.0],
                       "temp_c": [1.0], "pres_hpa": [1010.0], "rh_pct": [60.0],
                       "rain_mm": [0.0], "wspm_m_s": [2.0], "wd_deg": [90.0]})
    t = station_table_from_frame(df)
    require_met(t)
    assert check_met(t) == []


def test_daily_reports_edition_by_date(tmp_path):
    t = read_station_hourly(_hourly_csv(tmp_path / "a.csv"))
    r = aqi_daily_reports(t)
    assert r["date"].tolist() == ["2026-02-28", "2026-03-01"]
    assert r["edition"].tolist() == ["hj633-2012", "hj633-2026"]
    assert r["aqi"].tolist() == [AQI_2012, AQI_2026]
    assert r["primary"].tolist() == ["PM2.5", "PM2.5"]
    r12 = aqi_daily_reports(t, standard="hj633-2012")
    assert r12["aqi"].tolist() == [AQI_2012, AQI_2012]


def test_daily_report_invalid_day_has_no_aqi(tmp_path):
    t = read_station_hourly(_hourly_csv(tmp_path / "a.csv", days=("2026-03-02",)))
    t = t.iloc[:19]  # 19 hours: no 24-hour mean (GB 3095-2012 Table 4 needs 20)
    r = aqi_daily_reports(t)
    assert math.isnan(r["pm25_ug_m3"].iloc[0]) and math.isnan(r["aqi"].iloc[0])


def test_cli_aqi_hourly_json_and_csv(tmp_path, cli):
    p = _hourly_csv(tmp_path / "a.csv", stations=("S1", "S2"))
    code, out, err = cli("aqi", "--hourly", p, "--json", "--out", tmp_path / "r.csv")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["station_id"], r["date"], r["aqi"], r["standard"]) for r in rows] == [
        ("S1", "2026-02-28", AQI_2012, "hj633-2012"), ("S1", "2026-03-01", AQI_2026, "hj633-2026"),
        ("S2", "2026-02-28", AQI_2012, "hj633-2012"), ("S2", "2026-03-01", AQI_2026, "hj633-2026")]
    csv = pd.read_csv(tmp_path / "r.csv")
    assert len(csv) == 4 and set(csv["station_id"]) == {"S1", "S2"}
    code, out, err = cli("aqi", "--hourly", p, "--standard", "hj633-2026", "--json")
    assert code == 0 and {r["aqi"] for r in json.loads(out)} == {AQI_2026}


def test_cli_aqi_hourly_reports(tmp_path, cli):
    p = _hourly_csv(tmp_path / "a.csv", days=("2026-03-02",))
    code, out, err = cli("aqi", "--hourly", p, "--report", "hourly", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 24 and rows[0]["time"] == "2026-03-02 00:00"
    # 1-hour PM2.5 60 on the daily breakpoints (HJ 633-2026 4.2.4) -> 100.
    assert all(r["aqi"] == 100 for r in rows)


def test_batch_refuses_hourly_rows(tmp_path, cli):
    p = tmp_path / "h.csv"
    lines = ["station,date,pm25_ug_m3"] + [f"S1,2026-03-02 {h:02d}:00,30" for h in range(24)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("aqi", "--batch", p, "--json")
    msg = " ".join(err.split())
    assert code == 2 and out == "" and "Traceback" not in err
    assert "h.csv" in msg and "hourly" in msg and "S1" in msg and "24 rows" in msg
    assert "--hourly" in msg and "date" in msg


def test_batch_daily_rows_still_work(tmp_path, cli):
    p = tmp_path / "d.csv"
    p.write_text("station,date,pm25_ug_m3,pm10_ug_m3,so2_ug_m3,no2_ug_m3,co_mg_m3,o3_8h_ug_m3\n"
                 "S1,2026-03-02,60,20,10,20,0.5,50\nS2,2026-03-02,60,20,10,20,0.5,50\n",
                 encoding="utf-8")
    code, out, err = cli("aqi", "--batch", p, "--json")
    assert code == 0, err
    assert [r["aqi"] for r in json.loads(out)] == [AQI_2026, AQI_2026]


def test_cli_hourly_bad_file_exit_2(tmp_path, cli):
    p = tmp_path / "bad.csv"
    p.write_text(f"station,time,{POL_HEAD}\nS1,not a time,{ROW}\n", encoding="utf-8")
    code, out, err = cli("aqi", "--hourly", p)
    assert code == 2 and "bad.csv" in err and "time" in err and "Traceback" not in err


def test_reader_output_feeds_forecast_daily_table(tmp_path):
    from ehrisk.air.forecast_data import daily_table

    t = read_station_hourly(_hourly_csv(tmp_path / "a.csv"))
    d = daily_table(t)
    assert d["station"].tolist() == ["S1", "S1"]
    assert np.allclose(d["pm25_ug_m3"], 60.0) and np.allclose(d["o3_8h_ug_m3"], 50.0)
