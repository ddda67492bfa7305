"""CRF listing, age-band selection and the loader's refusals (ehrisk.impact.crf)."""

from __future__ import annotations

import math

import pytest

from ehrisk.impact.crf import (
    LIST_COLUMNS,
    confidence,
    crf_table,
    gemm_age_bands,
    gemm_crf_for_age,
    list_crfs,
    load_crf,
)
from ehrisk.refdata import RefdataError

CONFIDENCE_WORDS = {"CONFIRMED", "CONFIRMED-SECONDARY", "LIKELY", "UNCONFIRMED"}


def test_every_row_is_listed_once_with_a_confidence_word():
    t = crf_table()
    assert t["crf_id"].is_unique
    lst = list_crfs()
    assert list(lst.columns) == LIST_COLUMNS
    assert list(lst["crf_id"]) == list(t["crf_id"])
    assert set(lst["confidence"]) <= CONFIDENCE_WORDS
    assert set(lst["duration"]) == {"short-term", "long-term"}
    # every short-term row states its lag; long-term rows say it does not apply
    short = lst[lst["duration"] == "short-term"]
    assert (short["lag_days"].str.len() > 0).all()
    assert (lst.loc[lst["duration"] == "long-term", "lag_days"] == "n/a (long-term)").all()


def test_confidence_word():
    assert confidence("CONFIRMED-SECONDARY: two copies") == "CONFIRMED-SECONDARY"
    assert confidence("CONFIRMED: abstract read") == "CONFIRMED"
    assert confidence("LIKELY: SECONDARY, single source") == "LIKELY"
    assert confidence("see the SI") == "UNSTATED"


def test_list_filters():
    o3 = list_crfs(pollutant="o3")  # case-insensitive
    assert set(o3["crf_id"]) == {"yin2017-o3-nonaccidental", "yin2017-o3-cardiovascular"}
    assert set(o3["metric"]) == {"MDA8"}
    long_pm25 = list_crfs(pollutant="PM2.5", duration="long-term")
    assert {"gemm-2018", "hoek2013-pm25-allcause", "gemm-2018-ihd",
            "gemm-2018-ncdlri-nochina"} <= set(long_pm25["crf_id"])
    assert (long_pm25["pollutant"] == "PM2.5").all()
    short = list_crfs(duration="short-term")
    assert "gemm-2018" not in set(short["crf_id"])
    assert {"PM2.5-10", "NO2", "O3", "PM10", "PM2.5"} == set(short["pollutant"])


@pytest.mark.parametrize("kw,needle", [({"pollutant": "SO2"}, "pollutant 'SO2'"),
                                       ({"duration": "chronic"}, "duration 'chronic'")])
def test_list_refuses_unknown_filter_values(kw, needle):
    with pytest.raises(RefdataError, match=needle) as e:
        list_crfs(**kw)
    assert "known" in str(e.value)


def test_loader_refuses_unknown_ids_with_suggestions():
    with pytest.raises(RefdataError, match="no CRF id 'gemm-2018-ncdlri'") as e:
        load_crf("gemm-2018-ncdlri")
    assert "gemm-2018-ncdlri-nochina" in str(e.value)  # a close id is suggested
    with pytest.raises(RefdataError, match="no CRF"):
        load_crf("")


@pytest.mark.parametrize("cause", ["ncdlri", "ihd", "stroke"])
def test_age_bands_tile_25_plus_without_gaps(cause):
    b = gemm_age_bands(cause)
    assert len(b) == 12
    assert b["age_min_yr"].iloc[0] == 25 and math.isinf(b["age_end_yr"].iloc[-1])
    # each band ends where the next starts, 5 years wide except the open last one
    assert (b["age_end_yr"].iloc[:-1].to_numpy() == b["age_min_yr"].iloc[1:].to_numpy()).all()
    assert ((b["age_end_yr"] - b["age_min_yr"]).iloc[:-1] == 5).all()
    assert b["crf_id"].str.startswith(f"gemm-2018-{cause}-age").all()


@pytest.mark.parametrize("age,cause,crf_id", [
    (25, "ncdlri", "gemm-2018-ncdlri-age25-29"),
    (29.99, "ncdlri", "gemm-2018-ncdlri-age25-29"),
    (30, "ncdlri", "gemm-2018-ncdlri-age30-34"),
    (79.5, "ncdlri", "gemm-2018-ncdlri-age75-79"),
    (80, "ncdlri", "gemm-2018-ncdlri-age80plus"),
    (104, "ncdlri", "gemm-2018-ncdlri-age80plus"),
    (67, "ihd", "gemm-2018-ihd-age65-69"),
    (42, "stroke", "gemm-2018-stroke-age40-44"),
])
def test_crf_for_age_picks_the_band(age, cause, crf_id):
    crf = gemm_crf_for_age(age, cause)
    assert crf.name == crf_id
    assert crf.form == "gemm" and crf.counterfactual_ug_m3 == 2.4
    assert crf.age_group == crf_id.split("-age")[1].replace("plus", "+")


def test_age_specific_theta_falls_with_age():
    # the published age-specific thetas decrease from 25-29 to 80+ for all three causes
    for cause in ("ncdlri", "ihd", "stroke"):
        thetas = [gemm_crf_for_age(a, cause).coef for a in range(25, 85, 5)]
        assert all(x > y for x, y in zip(thetas[:-1], thetas[1:], strict=True)), cause


@pytest.mark.parametrize("age", [24.9, 0, -1, float("nan"), float("inf")])
def test_crf_for_age_refuses_ages_outside_the_bands(age):
    with pytest.raises(ValueError, match="outside the GEMM age bands"):
        gemm_crf_for_age(age)


def test_crf_for_age_refuses_causes_without_age_rows():
    with pytest.raises(RefdataError, match="known causes: ihd, ncdlri, stroke"):
        gemm_crf_for_age(50, "copd")


def test_cli_crfs_lists_and_filters(cli):
    import json

    code, out, err = cli("impact", "crfs", "--pollutant", "o3", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(r["pollutant"] == "O3" for r in rows)
    assert {"yin2017-o3-nonaccidental", "yin2017-o3-cardiovascular"} <= {r["crf_id"] for r in rows}
    code, _, err = cli("impact", "crfs", "--duration", "forever")
    assert code == 2 and "Traceback" not in err
