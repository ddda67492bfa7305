"""Heavy-pollution and AQHI warnings: levels by forecast AQI and its duration."""

from __future__ import annotations

import pandas as pd
import pytest

from ehrisk.air.warnings import issue_warnings, level_for_sequence, warning_levels
from ehrisk.refdata import RefdataError


def _lvl(vals, scheme="mee-2024"):
    r = level_for_sequence(vals, scheme)
    return None if r is None else r["level"]


def test_mee_2024_levels():
    # 环大气〔2024〕6号: yellow AQI>200 1 day or >150 for 48 h; orange >200 for 48 h or >150
    # for 72 h; red >200 for 72 h and >300 for 24 h; no blue level.
    assert _lvl([120, 140, 150]) is None
    assert _lvl([120, 210, 140]) == "yellow"
    assert _lvl([160, 170, 120]) == "yellow"
    assert _lvl([160, 170, 155]) == "orange"
    assert _lvl([210, 220, 140]) == "orange"
    assert _lvl([210, 220, 230]) == "orange"       # no day above 300
    assert _lvl([210, 320, 230]) == "red"
    assert _lvl([210, 320, 140, 230]) == "orange"  # >200 not 3 consecutive days


def test_mep_2017_levels():
    assert _lvl([210], "mep-2017") == "blue"
    assert _lvl([210, 205], "mep-2017") == "yellow"
    assert _lvl([210, 305, 220], "mep-2017") == "orange"
    assert _lvl([210, 305, 320, 220], "mep-2017") == "red"
    assert _lvl([520], "mep-2017") == "red"


def test_issue_warnings_records():
    fc = pd.DataFrame({
        "area": ["A"] * 5 + ["B"] * 3,
        "target_date": list(pd.date_range("2017-01-01", periods=5))
        + list(pd.date_range("2017-01-01", periods=3)),
        "aqi": [90, 230, 240, 120, 60, 80, 90, 70]})
    w = issue_warnings(fc)
    assert len(w) == 1
    r = w.iloc[0]
    assert (r["area"], r["level"], r["start"], r["end"], r["days"]) == (
        "A", "orange", "2017-01-02", "2017-01-03", 2)
    assert r["peak_index"] == 240 and "环大气〔2024〕6号" in r["source"]
    assert r["message_zh"] and r["message_en"]


def test_aqhi_warnings():
    fc = pd.DataFrame({"area": ["X"] * 4, "target_date": pd.date_range("2017-01-01", periods=4),
                       "aqhi": [3, 8, 11, 5]})
    w = issue_warnings(fc, scheme="aqhi-hc")
    assert list(w["level"]) == ["very_high"] and w.iloc[0]["days"] == 2


def test_every_row_has_source_and_unknown_scheme():
    for s in ("mee-2024", "mep-2017", "aqhi-hc"):
        t = warning_levels(s)
        assert (t["source"].str.len() > 10).all() and len(t) > 0
    with pytest.raises(RefdataError, match="unknown warning scheme"):
        warning_levels("nope")


def test_aqhi_warnings_use_the_reported_level():
    # continuous 6.6 is reported as AQHI "7" (high, 7-10): the public sees 7, so a high-risk
    # advisory is due; "10+" (above 10) is very high
    from ehrisk.air.warnings import issue_aqhi_warnings

    fc = pd.DataFrame({"area": ["X"] * 3, "target_date": pd.date_range("2017-01-01", periods=3),
                       "aqhi": ["3", "7", "4"], "aqhi_value": [2.8, 6.6, 4.1]})
    w = issue_aqhi_warnings(fc)
    assert list(w["level"]) == ["high"]
    assert issue_warnings(fc, scheme="aqhi-hc", index="aqhi_value").empty  # the old pitfall
    fc["aqhi"] = ["3", "10+", "4"]
    assert list(issue_aqhi_warnings(fc)["level"]) == ["very_high"]
