"""``ehrisk grade`` CLI: JSON shape, outputs, exit 2 on bad input."""

from __future__ import annotations

import json

import pandas as pd


def test_hj941_demo_json(cli):
    code, out, _err = cli("grade", "hj941", "--demo", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["standard"] == "HJ 941-2018"
    assert d["n_enterprises"] == len(d["enterprises"]) > 100
    assert set(d["summary"]) <= {"一般", "较大", "重大"}
    e = d["enterprises"][0]
    for k in ("code", "code_air", "code_water", "q_air", "m_air", "e_code_air", "level"):
        assert k in e


def test_code_demo_with_attributable_and_out(cli, tmp_path):
    _c, out, _e = cli("grade", "hj941", "--demo", "--json")
    ccs = [e["credit_code"] for e in json.loads(out)["enterprises"]][:3]
    attr = tmp_path / "attr.csv"
    pd.DataFrame({"credit_code": ccs, "max_cancer_risk_contribution": [2e-4, 2e-6, 1e-9],
                  "max_hi_contribution": [0.01, 0.01, 0.01],
                  "attributable_cases_per_yr": [0, 0, 0]}).to_csv(attr, index=False)
    code, out, _err = cli("grade", "code", "--demo", "--attributable", attr, "--json",
                          "--out", tmp_path / "o")
    assert code == 0
    d = json.loads(out)
    assert d["has_attributable"] is True
    by = {c["credit_code"]: c for c in d["codes"]}
    assert by[ccs[0]]["code"] == "red" and "R2" in by[ccs[0]]["fired_rules"]
    assert sum(d["summary"].values()) == d["n_enterprises"]
    assert (tmp_path / "o" / "risk_codes.csv").exists()
    assert (tmp_path / "o" / "grading.xlsx").exists()
    # history: compare with the written table -> no changes
    code, out, _ = cli("grade", "code", "--demo", "--attributable", attr, "--json",
                       "--previous", tmp_path / "o" / "risk_codes.csv")
    assert code == 0 and json.loads(out)["changes"] == []


def test_lists_demo_json(cli):
    code, out, _err = cli("grade", "lists", "--demo", "--json")
    assert code == 0
    d = json.loads(out)
    assert len(d["supervision"]) == d["n_enterprises"]
    assert {"whitelist", "problems", "supervision_summary"} <= set(d)


def test_bad_input_exit_2(cli, tmp_path):
    code, _out, err = cli("grade", "code")
    assert code == 2 and "--storages" in err and "Traceback" not in err
    bad = tmp_path / "attr.csv"
    bad.write_text("credit_code,max_cancer_risk_contribution,max_hi_contribution,"
                   "attributable_cases_per_yr\nA,abc,-1,0\n", encoding="utf-8")
    code, _out, err = cli("grade", "code", "--demo", "--attributable", bad, "--json")
    assert code == 2
    assert "row 2" in err and "max_cancer_risk_contribution" in err
    assert "max_hi_contribution" in err and "Traceback" not in err


def test_user_files_and_bad_rules(cli, tmp_path):
    (tmp_path / "s.csv").write_text("credit_code,cas,max_quantity_t\nA,71-43-2,150\n",
                                    encoding="utf-8")
    (tmp_path / "m.csv").write_text("credit_code,n_hazardous_process_sets\nA,2\n",
                                    encoding="utf-8")
    (tmp_path / "e.csv").write_text("credit_code,pop_5km,pop_500m\nA,60000,0\n",
                                    encoding="utf-8")
    args = ["--storages", tmp_path / "s.csv", "--management", tmp_path / "m.csv",
            "--sensitivity", tmp_path / "e.csv"]
    code, out, _ = cli("grade", "hj941", *args, "--json")
    assert code == 0
    # air: Q = 150/10 = 15 (Q2), M = 2 x 10 = 20 (M1), E1 -> 较大. Water columns absent count
    # as measures not in place: M = 20 + (8+8+8+8+12+8+10) = 82 (M4), E3 -> 重大.
    e = json.loads(out)["enterprises"][0]
    assert e["m_water"] == 20 + 8 + 8 + 8 + 8 + 12 + 8 + 10
    assert e["code"] == "重大[较大-大气（Q2-M1-E1）+重大-水（Q2-M4-E3）]"
    (tmp_path / "r.csv").write_text("rule_id,kind,code,criterion,comparison,threshold,reason_zh,"
                                    "reason_en,measure_zh,measure_en,source\n"
                                    "X,rule,purple,foo,ge,x,a,b,c,d,\n", encoding="utf-8")
    code, _out, err = cli("grade", "code", *args, "--rules", tmp_path / "r.csv")
    assert code == 2
    assert "criterion" in err and "threshold" in err and "source" in err


def test_grade_run_needs_db_exits_2(cli, tmp_path):
    # what-ifs come from a run recorded in a database, never from a folder whose file names
    # a reader guesses
    code, _out, err = cli("grade", "code", "--demo", "--run", "latest", "--json")
    assert code == 2 and "--db" in err and "Traceback" not in err
    code, _out, err = cli("grade", "lists", "--run", "3", "--json")
    assert code == 2 and "--db" in err and "Traceback" not in err


def test_grade_demo_and_db_together_exits_2(cli, tmp_path):
    code, _out, err = cli("grade", "hj941", "--demo", "--db", tmp_path / "d.sqlite", "--json")
    assert code == 2 and "not both" in err
