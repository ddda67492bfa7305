"""Health impact functions, CRFs, valuation and post-evaluation (independent calculations)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehrisk.impact.crf import crf_table, load_crf
from ehrisk.impact.hif import (
    CRF,
    attributable_cases,
    attributable_to_level,
    avoided_cases,
    beta_from_rr,
    beta_se_from_ci,
    gemm_rr,
)
from ehrisk.impact.post_evaluation import post_evaluation, report_markdown, write_docx
from ehrisk.impact.valuation import value_of_cases, vsl_transfer
from ehrisk.refdata import RefdataError


def test_attributable_cases_by_hand():
    # y0 = 0.007/yr, pop 1e6, delta 10 ug/m3, beta = ln(1.06)/10:
    # 0.007 * (1 - 1.06**-1) * 1e6 = 0.007 * 0.0566038 * 1e6 = 396.23
    beta = math.log(1.06) / 10
    assert float(attributable_cases(0.007, 1e6, 10.0, beta)) == pytest.approx(396.2264, rel=1e-6)
    assert float(beta_from_rr(1.06, 10)) == pytest.approx(beta)
    # SE from CI 1.04-1.08: (ln 1.08 - ln 1.04)/(2*1.96*10) = 0.0377403/39.1993 = 9.628e-4
    assert float(beta_se_from_ci(1.04, 1.08, 10)) == pytest.approx(9.6278e-4, rel=1e-3)


def test_gemm_rr_by_hand():
    # z = 35 - 2.4 = 32.6; ln(32.6/1.6 + 1) = ln(21.375) = 3.06222;
    # logistic 1/(1+exp(-(32.6-15.5)/36.8)) = 1/(1+exp(-0.464674)) = 0.614123
    # RR = exp(0.143 * 3.06222 * 0.614123) = exp(0.268925) = 1.30856
    assert float(gemm_rr(35.0, 0.143, 1.6, 15.5, 36.8, 2.4)) == pytest.approx(1.30856, rel=1e-4)
    assert float(gemm_rr(2.0, 0.143, 1.6, 15.5, 36.8, 2.4)) == 1.0  # below counterfactual


def test_avoided_equals_log_linear_form():
    crf = CRF("x", "test", "log-linear", coef=0.005, coef_se=0.001)
    got = avoided_cases(crf, 0.01, 5000.0, 60.0, 45.0)
    assert float(got) == pytest.approx(0.01 * (1 - math.exp(-0.005 * 15)) * 5000)
    # AirQ+ attributable proportion (RR-1)/RR at 60 ug/m3, no threshold
    rr = math.exp(0.005 * 60)
    assert float(attributable_to_level(crf, 0.01, 5000, 60.0)) == pytest.approx(
        0.01 * 5000 * (rr - 1) / rr)


@given(st.floats(0, 300), st.floats(0, 300), st.floats(1, 1e6))
def test_properties_monotone_linear_in_population(c1, c2, pop):
    crf = load_crf("gemm-2018")
    lo, hi = sorted((c1, c2))
    # RR(cf) = 1 and RR non-decreasing
    assert float(crf.rr(crf.counterfactual_ug_m3)) == pytest.approx(1.0)
    assert float(crf.rr(hi)) >= float(crf.rr(lo)) - 1e-12
    a1 = float(avoided_cases(crf, 0.008, pop, hi, lo))
    a2 = float(avoided_cases(crf, 0.008, 2 * pop, hi, lo))
    assert a1 >= -1e-9 and a2 == pytest.approx(2 * a1, rel=1e-9, abs=1e-12)


def test_crf_table_sources_and_lookup():
    t = crf_table()
    assert (t["source"].str.len() > 20).all()
    c = load_crf("chen2017-pm25-allcause")
    assert c.coef == pytest.approx(math.log(1.0022) / 10)
    with pytest.raises(RefdataError, match="no CRF"):
        load_crf("nope")


def test_vsl_transfer_by_hand():
    # 3.0e6 * (0.25)**0.8 = 3.0e6 * 0.329877 = 989,631
    assert vsl_transfer(3.0e6, 10000, 40000, 0.8) == pytest.approx(989_630.6, rel=1e-5)
    assert float(value_of_cases(2.5, 1000.0)) == 2500.0
    with pytest.raises(ValueError):
        vsl_transfer(1, 0, 1, 1)


def test_post_evaluation_totals_mc_and_report(tmp_path):
    crf = load_crf("hoek2013-pm25-allcause")
    before = np.array([50.0, 40.0, 30.0])
    after = np.array([40.0, 35.0, 30.0])
    pop = np.array([1e5, 2e5, 3e5])
    s, cells = post_evaluation(before, after, pop, 0.007, crf, unit_value=1e6, n_draws=2000,
                               seed=1)
    b = math.log(1.06) / 10
    expect = 0.007 * ((1 - math.exp(-10 * b)) * 1e5 + (1 - math.exp(-5 * b)) * 2e5)
    assert s["avoided_cases"] == pytest.approx(expect, rel=1e-9)
    assert s["avoided_cases_p2_5"] < s["avoided_cases"] < s["avoided_cases_p97_5"]
    assert s["value"] == pytest.approx(expect * 1e6)
    assert cells.loc[2, "avoided_cases"] == 0.0
    s2, _ = post_evaluation(before, after, pop, 0.007, crf, n_draws=2000, seed=1)
    assert s2["avoided_cases_p2_5"] == s["avoided_cases_p2_5"]  # same seed, same draws
    md = report_markdown(s, cells)
    assert "后评估" in md and "hoek2013" in md
    p = write_docx(tmp_path / "r.docx", s, cells)
    assert p.stat().st_size > 1000


def test_cli_impact_run_and_errors(tmp_path, cli):
    (tmp_path / "b.csv").write_text("cell_id,conc_ug_m3\nA,50\nB,40\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text("cell_id,conc_ug_m3\nA,40\nB,40\n", encoding="utf-8")
    (tmp_path / "p.csv").write_text("cell_id,population\nA,100000\nB,50000\n", encoding="utf-8")
    code, out, err = cli("impact", "run", "--before", tmp_path / "b.csv", "--after",
                         tmp_path / "a.csv", "--population", tmp_path / "p.csv", "--crf",
                         "hoek2013-pm25-allcause", "--y0", "0.007", "--report",
                         tmp_path / "r.md", "--json")
    assert code == 0, err
    res = json.loads(out)
    b = math.log(1.06) / 10
    assert res["summary"]["avoided_cases"] == pytest.approx(0.007 * (1 - math.exp(-10 * b)) * 1e5)
    assert (tmp_path / "r.md").exists()
    (tmp_path / "bad.csv").write_text("cell_id,conc_ug_m3\nA,-5\nB,abc\n", encoding="utf-8")
    code, out, err = cli("impact", "run", "--before", tmp_path / "bad.csv", "--after",
                         tmp_path / "a.csv", "--population", tmp_path / "p.csv", "--y0", "0.007")
    assert code == 2 and "row 2" in err and "row 3" in err
    code, _, err = cli("impact", "run", "--before", tmp_path / "b.csv", "--after",
                       tmp_path / "a.csv", "--population", tmp_path / "p.csv", "--crf", "zzz",
                       "--y0", "0.007")
    assert code == 2 and "no CRF" in err


# --- packaged reference values against the numbers read in their sources -----------------
# Hoek G et al. 2013, Environ Health 12:43, Abstract: pooled excess risk of all-cause mortality
# 6 % (95 % CI 4, 8 %) per 10 ug/m3 PM2.5.
# Burnett R et al. 2018, PNAS 115:9592, GEMM NCD+LRI (with the Chinese cohort), as transcribed in
# two independent public implementations (see the crf table note): theta 0.1430, SE 0.01807,
# alpha 1.6, mu 15.5, nu 36.8, counterfactual 2.4 ug/m3.
# OECD VSL method documentation: base USD 3 million (2005), income elasticity 0.8.
# Hoffmann, Krupnick, Qin 2017, J Benefit Cost Anal, Abstract: VSL about 1.47 million 2009 yuan.
# Cao C et al. 2023, Chin J Popul Resour Environ 21(4):269-278, Abstract: VSL CNY 4.76 million (2019).
PUBLISHED_TRANSCRIPTION_TOL = 0.0  # values copied digit for digit


def test_crf_rows_equal_published_values():
    t = crf_table().set_index("crf_id")
    hoek = t.loc["hoek2013-pm25-allcause"]
    assert [hoek["rr"], hoek["rr_lo"], hoek["rr_hi"], hoek["per_ug_m3"]] == [1.06, 1.04, 1.08, 10]
    assert hoek["note"].startswith("CONFIRMED")
    g = t.loc["gemm-2018"]
    published = {"theta": 0.1430, "theta_se": 0.01807, "alpha": 1.6, "mu": 15.5, "nu": 36.8,
                 "counterfactual_ug_m3": 2.4}
    for k, v in published.items():
        assert abs(g[k] - v) <= PUBLISHED_TRANSCRIPTION_TOL, k
    assert "not read" in g["note"]  # the primary SI table is still flagged as not read
    # every row says how sure it is
    assert t["note"].str.match(r"^(CONFIRMED|LIKELY|UNCONFIRMED)").all()


def test_gemm_packaged_rr_by_hand_at_50():
    # z = 50 - 2.4 = 47.6; ln(47.6/1.6 + 1) = ln(30.75) = 3.425890;
    # logistic 1/(1 + exp(-(47.6 - 15.5)/36.8)) = 1/(1 + 0.417996) = 0.705220;
    # RR = exp(0.1430 * 3.425890 * 0.705220) = exp(0.345489) = 1.412681
    crf = load_crf("gemm-2018")
    assert float(crf.rr(50.0)) == pytest.approx(1.412681, rel=1e-5)


def test_valuation_rows_equal_published_values():
    from ehrisk.impact.valuation import valuation_table

    v = valuation_table().set_index("value_id")
    assert v.loc["oecd2012-vsl-base", "value"] == 3.0e6
    assert v.loc["oecd2012-vsl-base", "income_elasticity"] == 0.8
    assert v.loc["oecd2012-vsl-base", "unit"] == "USD_2005"
    assert (v.loc["hoffmann2017-china-vsl", "value"], v.loc["hoffmann2017-china-vsl", "unit"]) == (
        1.47e6, "CNY_2009")
    assert (v.loc["cao2023-china-vsl", "value"], v.loc["cao2023-china-vsl", "unit"]) == (
        4.76e6, "CNY_2019")
    assert v.loc[["oecd2012-vsl-low", "oecd2012-vsl-high"], "note"].str.startswith(
        "UNCONFIRMED").all()


def test_airq_cli_exposure_classes_hand_calculation(cli, tmp_path):
    # Two classes: 60 % at 15 ug/m3 and 40 % at 35 ug/m3, cut-off 5, RR 1.08 per 10:
    # RR1 = 1.08 ** 1, RR2 = 1.08 ** 3; AP = sum p (RR-1) / (sum p (RR-1) + 1)
    import json
    import math

    (tmp_path / "cls.csv").write_text("conc_ug_m3,population\n15,600000\n35,400000\n")
    x = 0.6 * (1.08 - 1) + 0.4 * (1.08 ** 3 - 1)
    ap = x / (x + 1)
    code, out, err = cli("impact", "airq", "--classes", tmp_path / "cls.csv", "--cutoff", "5",
                         "--rr", "1.08", "--incidence-per-100k", "700", "--population", "1e6",
                         "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["attributable_proportion"][1] == pytest.approx(ap, rel=1e-12)
    assert res["attributable_cases"][1] == pytest.approx(ap * 7000, rel=1e-12)
    assert math.isclose(res["cases_per_100k"][1], ap * 700, rel_tol=1e-12)


@pytest.mark.parametrize("args,needle", [
    (["--conc", "10", "--cutoff", "5", "--rr", "1.1"], "--baseline-cases"),
    (["--conc", "10", "--cutoff", "5", "--baseline-cases", "100"], "--rr"),
    (["--conc", "10", "--cutoff", "5", "--rr", "1.1", "--rr-lo", "1.2",
      "--baseline-cases", "100"], "within its bounds"),
    (["--conc", "10", "--cutoff", "5", "--rr", "1.1", "--incidence-per-100k", "5"],
     "--population"),
    (["--conc", "10", "--crf", "gemm-2018", "--baseline-cases", "100"], "not a log-linear"),
    (["--conc", "10", "--crf", "nope", "--baseline-cases", "100"], "no CRF"),
])
def test_airq_cli_bad_input_exit_2(cli, args, needle):
    code, _, err = cli("impact", "airq", *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
