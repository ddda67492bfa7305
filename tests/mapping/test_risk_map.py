"""Per-cell risk of the risk map against the engine and an independent RSL formula."""

from __future__ import annotations

import numpy as np
import pytest

from ehrisk.mapping.risk_map import cell_risk, expected_cases_per_yr, population_summary
from ehrisk.risk import engine

# US EPA RSL (November 2024) toxicity value and default exposure factors, written out here
# independently of the package tables: benzene IUR 7.8E-06 per ug/m3 (IRIS), RfC 0.03 mg/m3;
# resident EF 350 d/yr, ED 26 yr, ET 24 h/d; worker EF 250 d/yr, ED 25 yr, ET 8 h/d; LT 70 yr
# (RSL User's Guide equations 4.9 and 4.10; RAGS Part F eq. 6-8).
BENZENE_IUR = 7.8e-6
BENZENE_RFC_UG_M3 = 30.0
REL_TOL = 1e-9


def test_cell_risk_equals_engine(small_field):
    pop = np.arange(30, dtype=float) * 10
    park = np.zeros(30, bool)
    park[[0, 1, 2]] = True
    cr = cell_risk(small_field, pop, park)
    t = cr.table
    res = engine.inhalation_risk(small_field.conc_ug_m3, small_field.cas, "resident")
    wrk = engine.inhalation_risk(small_field.conc_ug_m3, small_field.cas, "worker")
    np.testing.assert_allclose(t["risk_resident"], res["total_risk"], rtol=REL_TOL)
    np.testing.assert_allclose(t["hi_resident"], res["hi"], rtol=REL_TOL)
    np.testing.assert_allclose(t["risk_worker"][park], wrk["total_risk"][park], rtol=REL_TOL)
    assert t["risk_worker"][~park].isna().all()
    np.testing.assert_allclose(t["cancer_risk"][park], wrk["total_risk"][park], rtol=REL_TOL)
    np.testing.assert_allclose(t["cancer_risk"][~park], res["total_risk"][~park], rtol=REL_TOL)
    assert list(t["receptor"][park].unique()) == ["worker"]


def test_benzene_only_field_matches_rsl_formula(small_field):
    fld = small_field.subset(["71-43-2"])
    c = fld.conc_ug_m3[:, 0]
    park = np.zeros(30, bool)
    park[5] = True
    t = cell_risk(fld, np.ones(30), park).table
    risk_res = BENZENE_IUR * c * 350 * 26 * 24 / 24 / (70 * 365)
    hq_res = c * 350 * 24 / 24 / 365 / BENZENE_RFC_UG_M3
    risk_wrk = BENZENE_IUR * c * 250 * 25 * 8 / 24 / (70 * 365)
    np.testing.assert_allclose(t["risk_resident"], risk_res, rtol=1e-6)
    np.testing.assert_allclose(t["hi_resident"], hq_res, rtol=1e-6)
    assert t["risk_worker"][5] == pytest.approx(risk_wrk[5], rel=1e-6)


def test_expected_cases_and_population_weighting(small_field):
    pop = np.zeros(30)
    pop[[3, 4]] = [1000.0, 3000.0]
    t = cell_risk(small_field, pop).table
    r = t["risk_resident"].to_numpy()
    s = population_summary(t)
    assert s["population"] == 4000.0
    assert s["pop_weighted_risk"] == pytest.approx((1000 * r[3] + 3000 * r[4]) / 4000, rel=1e-12)
    assert s["cases_per_yr"] == pytest.approx((1000 * r[3] + 3000 * r[4]) / 70.0, rel=1e-12)
    assert expected_cases_per_yr(1e6, 1e-5, 70.0) == pytest.approx(1e6 * 1e-5 / 70)


def test_bad_shapes_raise(small_field):
    with pytest.raises(ValueError, match="one value per cell"):
        cell_risk(small_field, np.ones(3))
