"""The priority tier of the screening list: rankings per medium and endpoint and the rule that
gives a list of a sensible size when one substance dominates (issue 10; docs/screening.md,
"Priority-list rule").

Every expected number is a hand calculation written out below from the RSEI toxicity-weight
formulas (TW_inh,cancer = IUR x 1000 x 70/20 / 0.00028; TW_oral,cancer = SFo / 0.00028;
TW_oral,non-cancer = 0.5 / RfD; TW_inh,non-cancer = 0.5 / (RfC x 20/70)), with no population
(exposure = medium factor: air 1.0, water 0.5).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ehrisk.screening import SubstanceCatalog, default_weights, screen

# W1: water only, SFo 0.28 -> TW 1000, RfD 0.0005 -> TW 1000 (a PFOA-like dominant substance)
# A1-A4: air carcinogens, IUR 8e-7 -> TW = 8e-7 x 1000 x 3.5 / 0.00028 = 10
# N1, N2: air non-carcinogens, RfC 0.175 -> TW = 0.5 / (0.175 x 20/70) = 10
NAN = np.nan
TOX = pd.DataFrame({
    "iur_per_ug_m3": [NAN, 8e-7, 8e-7, 8e-7, 8e-7, NAN, NAN],
    "rfc_mg_m3": [NAN, NAN, NAN, NAN, NAN, 0.175, 0.175],
    "sfo_per_mg_kg_day": [0.28, NAN, NAN, NAN, NAN, NAN, NAN],
    "rfd_mg_kg_day": [0.0005, NAN, NAN, NAN, NAN, NAN, NAN],
    "name_en": ["W1", "A1", "A2", "A3", "A4", "N1", "N2"],
}, index=pd.Index(["W1", "A1", "A2", "A3", "A4", "N1", "N2"], name="cas"))

# scores (TW x t x medium factor): W1 10 x ... = 1000 x 100 x 0.5 = 5e4 (both water views);
# A1 10 x 50 = 500, A2 300, A3 50, A4 10 (air cancer); N1 10 x 40 = 400, N2 20 (air non-cancer)
EM = pd.DataFrame([("E1", "W1", "water", 100.0), ("E1", "A1", "air", 50.0),
                   ("E2", "A2", "air", 30.0), ("E2", "A3", "air", 5.0),
                   ("E3", "A4", "air", 1.0), ("E3", "N1", "air", 40.0),
                   ("E3", "N2", "air", 2.0)],
                  columns=["enterprise", "cas", "medium", "emission_t_yr"])
TOTAL = 5e4 + 500 + 300 + 50 + 10 + 400 + 20   # 51 280


@pytest.fixture()
def catalog():
    return SubstanceCatalog.from_frames(TOX, dataset="fixture")


def _tiers(res):
    return res.table.set_index("cas")["tier"].to_dict()


def test_view_scores_are_the_hand_calculation(catalog):
    t = screen(EM, catalog, default_weights()).table.set_index("cas")
    assert t.loc["W1", "score_water_cancer"] == pytest.approx(5e4)
    assert t.loc["W1", "score_water_noncancer"] == pytest.approx(5e4)
    assert t.loc["A1", "score_air_cancer"] == pytest.approx(500.0)
    assert np.isnan(t.loc["A1", "score_air_noncancer"])   # no RfC, no adoption within a route
    assert t.loc["N1", "score_air_noncancer"] == pytest.approx(400.0)
    assert t.loc["W1", "share"] == pytest.approx(5e4 / TOTAL)      # 97.5 %: dominant
    assert t.loc["A2", "rank_air_cancer"] == 2 and t.loc["N2", "rank_air_noncancer"] == 2
    assert t.loc["W1", "main_medium"] == "water" and t.loc["A1", "main_endpoint"] == "cancer"


def test_one_dominant_substance_still_gives_a_list(catalog):
    """Overall share rule alone: W1 only (97.5 %). Views: water/cancer and water/non-cancer
    pick W1; air/cancer (860 / 51 280 = 1.7 % of the total, counted) has shares 0.581, 0.349,
    0.058, 0.012: the 80 % cut takes A1, A2 (share before A3 = 0.930), the minimum of 3 adds
    A3 (5.8 % >= 1 %); air/non-cancer carries 420 / 51 280 = 0.82 % < 1 %: not counted."""
    res = screen(EM, catalog, default_weights())
    tiers = _tiers(res)
    assert {c for c, t in tiers.items() if t == 1} == {"W1", "A1", "A2", "A3"}
    # N1: share of the total before it (5e4 + 500) / 51 280 = 0.985 >= 0.95: general
    assert tiers["N1"] == 3 and tiers["A4"] == 3
    t = res.table.set_index("cas")
    assert t.loc["W1", "priority_basis"] == "water/cancer #1; water/noncancer #1; total"
    assert t.loc["A3", "priority_basis"] == "air/cancer #3"
    assert "入选依据：大气致癌第 3 位" in t.loc["A3", "reason_zh"]
    v = res.views.set_index(["medium", "endpoint", "cas"])
    assert v.loc[("air", "cancer", "A1"), "share"] == pytest.approx(500 / 860)
    assert bool(v.loc[("air", "noncancer", "N1"), "view_counted"]) is False
    assert v.loc[("air", "noncancer", "N1"), "view_share_of_total"] == pytest.approx(420 / TOTAL)


def test_a_smaller_view_threshold_counts_air_noncancer(catalog):
    """view_min_share_of_total 0.005 < 0.0082: air/non-cancer counts; N1 (share 400/420) is
    picked by the 80 % cut, N2 (20/420 = 4.8 % >= 1 %) by the minimum of 3."""
    w = default_weights().with_overrides({"view_min_share_of_total": 0.005})
    tiers = _tiers(screen(EM, catalog, w))
    assert {c for c, t in tiers.items() if t == 1} == {"W1", "A1", "A2", "A3", "N1", "N2"}


def test_priority_max_n_keeps_the_best_view_ranks(catalog):
    """At most 3: by (best view rank, overall rank) W1 (1, 1), A1 (1, 2), A2 (2, 4) stay;
    A3 (3, 5) drops to watch."""
    w = default_weights().with_overrides({"priority_max_n": 3})
    tiers = _tiers(screen(EM, catalog, w))
    assert {c for c, t in tiers.items() if t == 1} == {"W1", "A1", "A2"}
    assert tiers["A3"] == 2


def test_impossible_rule_values_are_refused():
    with pytest.raises(ValueError, match="view_min_n"):
        default_weights().with_overrides({"view_min_n": 6, "view_max_n": 5})
    with pytest.raises(ValueError, match="priority_max_n"):
        default_weights().with_overrides({"priority_max_n": 0})


def test_national_list_membership_is_shown(catalog):
    """Formaldehyde (50-00-0) is on 有毒有害大气污染物名录（2018年）(announcement 2019 No. 4) and
    优先控制化学品名录（第一批）(PC009, announcement 2017 No. 83)."""
    from ehrisk.screening import build_catalog

    em = pd.DataFrame([("E1", "50-00-0", "air", 1.0), ("E1", "108-88-3", "air", 1.0)],
                      columns=["enterprise", "cas", "medium", "emission_t_yr"])
    t = screen(em, build_catalog("epa-rsl"), default_weights()).table.set_index("cas")
    lists = t.loc["50-00-0", "national_lists_zh"]
    assert "有毒有害大气污染物名录（2018年）" in lists and "优先控制化学品名录（第一批）" in lists
    assert "GB" not in lists  # quality standards' item lists are not control lists


def test_cli_run_keeps_the_rankings_per_medium(cli, tmp_path):
    em = tmp_path / "em.csv"
    em.write_text("enterprise,substance,medium,amount,unit\nE1,苯,air,2,t/yr\n"
                  "E1,甲醛,air,1,t/yr\nE2,六价铬,water,0.01,t/yr\nE2,甲苯,air,5,t/yr\n",
                  encoding="utf-8")
    db = tmp_path / "runs.sqlite"
    code, out, err = cli("screen", em, "--db", db, "--json")
    assert code == 0, err
    doc = json.loads(out)
    run_id = doc["run_id"]
    assert {"medium", "endpoint", "rank", "cas", "selected"} <= set(doc["by_medium"][0])
    code, out, err = cli("extract", run_id, "screening/priority_by_medium", "--format", "json",
                         "--db", db)
    assert code == 0, err
    rows = json.loads(out)
    got = {(r["medium"], r["endpoint"]) for r in rows}
    assert ("air", "cancer") in got and ("water", "cancer") in got
    code, out, err = cli("extract", run_id, "screening/priority_list", "--format", "json",
                         "--db", db)
    lst = json.loads(out)
    assert {"priority_basis", "national_lists_zh", "rank_air_cancer",
            "score_water_noncancer"} <= set(lst[0])
