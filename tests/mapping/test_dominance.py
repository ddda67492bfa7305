"""The risk map's dominance warning (issue 10): a few enterprises carrying most of the
population-weighted risk are named. Expected shares are hand calculations below."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from ehrisk.mapping.attribution import EnterpriseRisk
from ehrisk.mapping.dominance import dominance, enterprise_shares, parameters


def _er(q_g_s, codes):
    """Two populated cells, one source per enterprise, unit SRM 1 ug/m3 per g/s everywhere;
    one substance with risk 1e-6 and HQ 0.1 per ug/m3."""
    n = len(codes)
    return EnterpriseRisk(table=None, srm_populated=sp.csc_matrix(np.ones((2, n))),
                          emission_g_s=np.asarray(q_g_s, float).reshape(n, 1),
                          source_codes=np.asarray(codes), cas=["X"],
                          r_coef=np.array([1e-6]), h_coef=np.array([0.1]))


def test_shares_are_population_weighted():
    # pop 100 and 300: pop x SRM summed = 400 person-ug/m3 per g/s for every source;
    # R_e = 400 x q_e x 1e-6, so shares are q_e / sum q: 8/10, 1/10, 1/10
    s = enterprise_shares(_er([8.0, 1.0, 1.0], ["A", "B", "C"]), [100.0, 300.0])
    s = s.set_index("credit_code")
    assert s.loc["A", "pop_risk"] == pytest.approx(400 * 8 * 1e-6)
    assert s.loc["A", "pop_hi"] == pytest.approx(400 * 8 * 0.1)
    assert s.loc["A", "share_risk"] == pytest.approx(0.8)
    assert s.loc["B", "share_hi"] == pytest.approx(0.1)


def test_one_enterprise_over_half_is_named():
    s = enterprise_shares(_er([8.0, 1.0, 1.0, 1.0, 1.0], list("ABCDE")), [1.0, 1.0])
    d = dominance(s, {"A": "清河人造板有限公司"})
    assert d is not None and d["top_k"] == 1
    assert d["top_share"] == pytest.approx(8 / 12)
    assert "清河人造板有限公司（A，67%）" in d["message_zh"]


def test_top_three_over_80_percent_is_named():
    # 3, 3, 3, 1, 1: top 3 carry 9/11 = 0.818 >= 0.8, none alone >= 0.5
    s = enterprise_shares(_er([3.0, 3.0, 3.0, 1.0, 1.0], list("ABCDE")), [1.0, 1.0])
    d = dominance(s)
    assert d["top_k"] == 3 and d["top_share"] == pytest.approx(9 / 11)
    assert {e["credit_code"] for e in d["enterprises"]} == {"A", "B", "C"}


def test_even_map_has_no_warning():
    s = enterprise_shares(_er([1.0] * 6, list("ABCDEF")), [1.0, 1.0])
    assert dominance(s) is None   # top 3 carry 3/6 = 0.5 < 0.8, one 1/6 < 0.5
    p = parameters()
    assert (p["top_k"], p["share_threshold"], p["single_share_threshold"]) == (3, 0.8, 0.5)


@pytest.mark.slow
def test_region_small_map_names_its_dominant_enterprise(region_small, cli):
    """On the fixture region the electroplating plant's Cr(VI) carries most of the
    population-weighted cancer risk; the warning names the enterprise that the risk map's own
    attributable-cases table (pop x risk / lifetime, computed separately) ranks first."""
    import json

    d, db, codes = region_small
    assert set(codes.values()) == {0}
    code, out, err = cli("map", "run", "--db", db, "--met", d / "met_2025.csv", "--out",
                         d / "dom", "--no-maps", "--resolution-m", "500", "--json")
    assert code == 0, err
    doc = json.loads(out)
    s = doc["summary"]
    ent = s["dominance"]["enterprises"]
    assert ent and s["warnings"] and ent[0]["credit_code"] in s["warnings"][0]
    code, out, _ = cli("extract", doc["run_id"], "risk_map/enterprise_risk", "--format",
                       "json", "--db", db)
    er = sorted(json.loads(out), key=lambda r: -r["attributable_cases_per_yr"])
    if s["dominance"]["metric"] == "cancer_risk":
        assert ent[0]["credit_code"] == er[0]["credit_code"]
        total = sum(r["attributable_cases_per_yr"] for r in er)
        assert ent[0]["share"] == pytest.approx(er[0]["attributable_cases_per_yr"] / total,
                                                rel=1e-6)
