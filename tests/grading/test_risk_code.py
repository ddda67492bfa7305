"""Risk code rules, lists and change history on small hand-built cases."""

from __future__ import annotations

import pandas as pd
import pytest

from ehrisk.grading.lists import compare_codes, problem_list, supervision_list, whitelist
from ehrisk.grading.risk_code import assign_codes, build_criteria, load_rules
from ehrisk.refdata import load_table


def _hj(ranks, codes=None):
    n = len(ranks)
    return pd.DataFrame({"credit_code": [f"E{i}" for i in range(n)], "level_rank": ranks,
                         "code": codes or [f"L{r}" for r in ranks]})


def _attr(cancer, hi, cases, top=None):
    d = {"credit_code": [f"E{i}" for i in range(len(cancer))],
         "max_cancer_risk_contribution": cancer, "max_hi_contribution": hi,
         "attributable_cases_per_yr": cases}
    if top:
        d["top_substance"] = top
    return pd.DataFrame(d)


def test_default_rule_thresholds_have_sources():
    t = load_table("risk_code_rules")
    assert (t["source"].str.strip() != "").all()


def test_each_rule_fires_and_reasons_contain_numbers():
    # E0 red by HJ 941 重大; E1 red by cancer 2e-4 (>= 1e-4); E2 yellow by cancer 3e-6;
    # E3 red by HI 1.5 (> 1); E4 yellow by HI 0.2; E5 yellow by 较大; E6 green
    hj = _hj([3, 1, 1, 1, 1, 2, 1])
    attr = _attr([0, 2e-4, 3e-6, 0, 0, 0, 1e-7], [0, 0, 0, 1.5, 0.2, 0, 0.01],
                 [0, 0, 0, 0, 0, 0, 0])
    c = assign_codes(build_criteria(hj, attr))
    assert list(c["code"]) == ["red", "red", "yellow", "red", "yellow", "yellow", "green"]
    assert list(c["fired_rules"]) == ["R1", "R2", "Y2", "R3", "Y3", "Y1", ""]
    assert "2.00e-04" in c.loc[1, "reasons_zh"] and "1.00e-04" in c.loc[1, "reasons_en"]
    assert "3.00e-06" in c.loc[2, "reasons_zh"]
    assert "1.5" in c.loc[3, "reasons_en"] and "0.2" in c.loc[4, "reasons_zh"]
    assert "L2" in c.loc[5, "reasons_zh"]
    assert c.loc[6, "reasons_zh"].startswith("未触发")


def test_cases_priority_and_problems_rules():
    hj = _hj([1, 1, 1, 1, 1])
    attr = _attr([0] * 5, [0] * 5, [0.2, 0.02, 0, 0, 0])
    em = pd.DataFrame({"credit_code": ["E2", "E2"], "cas": ["335-67-1", "71-43-2"],
                       "amount_t_yr": [0.1, 5.0]})
    pr = pd.DataFrame({"credit_code": ["E3", "E4", "E4"], "problem_id": ["P1", "P2", "P3"],
                       "status": ["open", "overdue", "rectified"]})
    c = assign_codes(build_criteria(hj, attr, {"335-67-1"}, em, pr))
    assert list(c["code"]) == ["red", "yellow", "yellow", "yellow", "red"]
    assert list(c["fired_rules"]) == ["R4", "Y4", "Y5", "Y6", "R5;Y6"]
    assert "335-67-1" in c.loc[2, "reasons_zh"]
    assert "P1" in c.loc[3, "reasons_en"] and "P2" in c.loc[4, "reasons_zh"]


def test_without_attributable_the_reasons_say_so():
    c = assign_codes(build_criteria(_hj([1, 2])))
    assert list(c["code"]) == ["green", "yellow"]
    assert all("attributable health risk not given" in r for r in c["reasons_en"])
    assert all("未提供归因健康风险" in r for r in c["reasons_zh"])


def test_configurable_rules_change_the_code():
    t = load_table("risk_code_rules")
    t.loc[t["rule_id"] == "Y2", "threshold"] = "1e-5"
    hj = _hj([1])
    attr = _attr([3e-6], [0], [0])
    assert assign_codes(build_criteria(hj, attr))["code"].iloc[0] == "yellow"
    assert assign_codes(build_criteria(hj, attr), load_rules(t))["code"].iloc[0] == "green"
    bad = t.copy()
    bad.loc[0, "criterion"] = "nonsense"
    with pytest.raises(ValueError, match="unknown criterion"):
        load_rules(bad)


def test_whitelist_and_supervision_consistent():
    hj = _hj([1, 1, 2, 3, 1])
    attr = _attr([1e-8, 0, 0, 0, 1e-8], [0.01, 0, 0, 0, 0.01], [0, 0, 0, 0, 0])
    pr = pd.DataFrame({"credit_code": ["E4"], "problem_id": ["P9"], "status": ["in_progress"]})
    c = assign_codes(build_criteria(hj, attr, problems=pr))
    wl = whitelist(c)
    sup = supervision_list(c)
    assert set(wl["credit_code"]) == {"E0", "E1"}
    assert set(wl["credit_code"]) <= set(c.loc[c["code"] == "green", "credit_code"])
    s = sup.set_index("credit_code")
    assert s.loc["E3", "code"] == "red" and bool(s.loc["E3", "online_monitoring"])
    assert s.loc["E3", "inspections_per_yr"] > s.loc["E2", "inspections_per_yr"] > \
        s.loc["E0", "inspections_per_yr"]
    assert s["positive_list"].sum() == 2 and s.loc[["E0", "E1"], "positive_list"].all()
    assert list(sup["code"])[:2] == ["red", "yellow"]
    # without attributable risk nobody is whitelisted (default setting)
    assert whitelist(assign_codes(build_criteria(hj))).empty


def test_problem_list_scenarios_with_linear_stand_in():
    # linear stand-in: risk scales with (1 - reduction) - exact for a Gaussian plume
    hj = _hj([1, 1])
    attr = _attr([3e-4, 5e-6], [0.05, 0.05], [0, 0], top=["71-43-2", "50-00-0"])
    c = assign_codes(build_criteria(hj, attr))
    base = attr.set_index("credit_code")

    def scen(cc, cas, f):
        return (base.loc[cc, "max_cancer_risk_contribution"] * (1 - f),
                base.loc[cc, "max_hi_contribution"] * (1 - f))

    pl = problem_list(c, scenario_risk=scen).set_index("credit_code")
    # E0: 3e-4 -> below 1e-4 needs > 2/3 reduction: fractions 0.25, 0.5, 0.75 -> 0.75 gives
    # 7.5e-5 (yellow, code changes from red)
    r0 = pl.loc["E0"]
    assert r0["substance_cas"] == "71-43-2" and r0["reduction_fraction"] == 0.75
    assert r0["cancer_after"] == pytest.approx(3e-4 * 0.25)
    assert r0["code_after"] == "yellow" and r0["changes_code"]
    # E1: 5e-6 -> below 1e-6 needs > 80 %: 0.9 gives 5e-7 -> green
    r1 = pl.loc["E1"]
    assert r1["reduction_fraction"] == 0.9 and r1["code_after"] == "green"
    assert r1["cancer_after"] == pytest.approx(5e-7)


def test_problem_list_hj941_measure_lowers_level():
    from tests.grading.test_hj941 import _mg

    from ehrisk.grading.hj941_2018 import grade_hj941_2018

    # benzene 150 t -> Q2; 2 sets (20) + no leak monitoring (25) = 45 -> M3; 60 000 -> E1:
    # E1-Q2-M3 = 重大 (red). With monitoring M = 20 -> M1: E1-Q2-M1 = 较大 (yellow).
    st = pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"], "max_quantity_t": [150.0]})
    mg = _mg("A", n_hazardous_process_sets=2, toxic_gas_leak_monitoring=False)
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [60000.0], "pop_500m": [0.0]})
    g = grade_hj941_2018(st, mg, sens)
    c = assign_codes(build_criteria(g))
    assert c["code"].iloc[0] == "red"
    pl = problem_list(c, hj941_inputs=(st, mg, sens))
    row = pl[pl["category"] == "hj941"].iloc[0]
    assert row["level_before"] == "重大" and row["level_after"] == "较大"
    assert row["code_after"] == "yellow" and "毒性气体" in row["measure_zh"]


def test_compare_codes_history():
    prev = pd.DataFrame({"credit_code": ["A", "B", "C", "D"],
                         "code": ["green", "red", "yellow", "yellow"],
                         "fired_rules": ["", "R1", "Y1", "Y1"]})
    cur = pd.DataFrame({"credit_code": ["A", "B", "C", "E"],
                        "code": ["yellow", "yellow", "yellow", "green"],
                        "fired_rules": ["Y2", "Y1", "Y2", ""]})
    ch = compare_codes(prev, cur).set_index("credit_code")
    assert ch["change"].to_dict() == {"A": "raised", "B": "lowered", "C": "reasons_changed",
                                      "D": "removed", "E": "new"}
    assert len(compare_codes(cur, cur)) == 0
    assert len(compare_codes(cur, cur, include_unchanged=True)) == 4
