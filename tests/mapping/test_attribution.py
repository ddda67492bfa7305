"""Attribution: shares sum to 1 and equal the direct computation of each source alone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.mapping.attribution import attribute, enterprise_risk
from ehrisk.mapping.field import from_srm
from ehrisk.mapping.risk_map import cell_risk
from ehrisk.risk import engine


def _alone(fld, code, receptor="resident"):
    """Risk and HI of one enterprise's sources alone, by a direct engine run."""
    q = fld.emission_g_s.copy()
    q[fld.sources["credit_code"].to_numpy() != code] = 0.0
    conc = np.asarray(fld.srm @ q)
    res = engine.inhalation_risk(conc, fld.cas, receptor)
    return res["total_risk"], res["hi"]


def test_enterprise_contributions_are_linear_and_sum_to_total(small_field):
    at = attribute(small_field)
    total = cell_risk(small_field).table
    for j, code in enumerate(at.enterprises):
        r, h = _alone(small_field, code)
        np.testing.assert_allclose(at.enterprise_risk[:, j], r, rtol=1e-9, atol=1e-300)
        np.testing.assert_allclose(at.enterprise_hi[:, j], h, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(at.enterprise_risk.sum(axis=1), total["risk_resident"], rtol=1e-9)
    np.testing.assert_allclose(at.enterprise_hi.sum(axis=1), total["hi_resident"], rtol=1e-9)


def test_top3_shares(small_field):
    at = attribute(small_field).cells
    # three enterprises only: the top-3 risk shares of a cell with risk cover everything
    s = at[["risk_ent1_share", "risk_ent2_share", "risk_ent3_share"]].fillna(0).sum(axis=1)
    has = at["risk_ent1"] != ""
    np.testing.assert_allclose(s[has], 1.0, rtol=1e-9)
    s = at[["hi_sub1_share", "hi_sub2_share", "hi_sub3_share"]].fillna(0).sum(axis=1)
    np.testing.assert_allclose(s[at["hi_sub1"] != ""], 1.0, rtol=1e-9)
    assert (at["risk_ent1_share"].fillna(0) >= at["risk_ent2_share"].fillna(0)).all()


def test_worker_cells_use_worker_coefficients(small_field):
    park = np.zeros(30, bool)
    park[:10] = True
    at = attribute(small_field, park)
    r, _ = _alone(small_field, "ENT-B", "worker")
    j = list(at.enterprises).index("ENT-B")
    np.testing.assert_allclose(at.enterprise_risk[:10, j], r[:10], rtol=1e-9, atol=1e-300)


def test_enterprise_table_and_scenario(small_field):
    pop = np.full(30, 100.0)
    pop[:5] = 0.0
    er = enterprise_risk(small_field, pop)
    t = er.table.set_index("credit_code")
    populated = pop > 0
    r, h = _alone(small_field, "ENT-A")
    assert t.at["ENT-A", "max_cancer_risk_contribution"] == pytest.approx(r[populated].max())
    assert t.at["ENT-A", "max_hi_contribution"] == pytest.approx(h[populated].max())
    assert t.at["ENT-A", "attributable_cases_per_yr"] == pytest.approx(
        (pop * r).sum() / 70.0, rel=1e-9)
    # ENT-B emits toluene (no cancer value) and butadiene: butadiene drives its cancer risk
    assert t.at["ENT-B", "top_substance"] == "106-99-0"
    # what-if: halve ENT-A's benzene, compare with a rerun
    new_r, new_h = er.scenario_risk("ENT-A", "71-43-2", 0.5)
    fld2 = from_srm(small_field.cells, small_field.srm, small_field.sources,
                    small_field.emission_g_s * np.where(
                        (small_field.sources["credit_code"] == "ENT-A").to_numpy()[:, None]
                        & (np.array(small_field.cas) == "71-43-2")[None, :], 0.5, 1.0),
                    small_field.cas, 100.0, "EPSG:32651")
    r2, h2 = _alone(fld2, "ENT-A")
    assert new_r == pytest.approx(r2[populated].max(), rel=1e-9)
    assert new_h == pytest.approx(h2[populated].max(), rel=1e-9)
    assert er.scenario_risk("ENT-A", None, 1.0) == (0.0, 0.0)
    with pytest.raises(KeyError):
        er.scenario_risk("NOPE", None, 0.5)
    with pytest.raises(ValueError):
        er.scenario_risk("ENT-A", None, 1.5)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.0, 1.0))
def test_reduction_never_increases_risk(small_field, f):
    er = enterprise_risk(small_field, np.full(30, 10.0))
    base = er.table.set_index("credit_code").loc["ENT-C"]
    r, h = er.scenario_risk("ENT-C", "71-43-2", f)
    assert r <= base["max_cancer_risk_contribution"] * (1 + 1e-12)
    assert h <= base["max_hi_contribution"] * (1 + 1e-12)
