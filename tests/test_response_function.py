"""The one response-function interface (``ehrisk.exposure.response_function``) and its three
sources: the ``crf`` table, AQHI coefficient sets and local time-series fits.

Expected numbers are computed by hand in the tests from the published parameters (Chen et al.
2012 Shanghai AQHI betas; Burnett et al. 2018 GEMM, SI Table S2) or from what the existing code
reports (the fit's ER and CI, the set's excess risk), never from the class under test.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.air import aqhi_set
from ehrisk.air.response import ResponseSpec, fit_response, parse_lag
from ehrisk.exposure import GEMM, BoundedResponseFunction, LogLinear, ResponseFunction
from ehrisk.impact import hif
from ehrisk.impact.crf import crf_table, load_crf, response_function

REL_TOL = 1e-12          # same formula, same floating-point operations up to reordering
PACKAGED_AQHI = ("stieb-2008", "hk-epd-2013", "chen-2012-shanghai")
CONC_MAX = 500.0         # [unit] upper end of the concentrations tried
FIT_DAYS = 2 * 365
FIT_BETA = 0.004         # log RR per ug/m3 used to simulate the fit's counts


@lru_cache(maxsize=1)
def _crf_ids() -> tuple[str, ...]:
    return tuple(crf_table()["crf_id"])


@lru_cache(maxsize=1)
def _aqhi_functions() -> tuple[LogLinear, ...]:
    return tuple(f for m in PACKAGED_AQHI
                 for f in aqhi_set.packaged_set(m).response_functions().values())


def _simulated_series(seed: int = 11, n: int = FIT_DAYS) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    temp = 12 + 12 * np.sin(2 * np.pi * (t - 100) / 365.25) + rng.normal(0, 3, n)
    pm = np.empty(n)
    pm[0] = 50.0
    for i in range(1, n):
        pm[i] = 0.6 * pm[i - 1] + 20 + rng.gamma(4, 5)
    mu = np.exp(4.0 + 0.1 * np.cos(2 * np.pi * t / 365.25) + FIT_BETA * pm)
    return pd.DataFrame({"date": pd.date_range("2016-01-01", periods=n, freq="D"),
                         "death": rng.poisson(mu).astype(float), "temp_c": temp,
                         "rh_pct": np.clip(rng.normal(65, 10, n), 10, 100),
                         "pm10_ug_m3": pm})


@pytest.fixture(scope="module")
def fit():
    return fit_response(_simulated_series(), "death", "pm10_ug_m3", parse_lag("0"),
                        ResponseSpec.standard())


# --- the interface ------------------------------------------------------------------------

def test_every_adapter_satisfies_the_protocol(fit):
    things = [load_crf(i) for i in _crf_ids()] + [response_function(i) for i in _crf_ids()]
    things += list(_aqhi_functions()) + [fit.response_function()]
    for f in things:
        assert isinstance(f, ResponseFunction), f
        assert f.name and f.reference and f.unit
    bounded = [load_crf(i) for i in _crf_ids()] + [fit.response_function()]
    assert all(isinstance(f, BoundedResponseFunction) for f in bounded)
    assert {f.unit for f in _aqhi_functions()} >= {"ug/m3", "ppb"}
    assert not isinstance(object(), ResponseFunction)


def test_rr_is_one_at_zero_for_every_source(fit):
    for i in _crf_ids():
        crf = load_crf(i)
        assert float(crf.rr(0.0)) == 1.0, i
        assert float(crf.rr(crf.counterfactual_ug_m3)) == 1.0, i
        lo, hi = crf.rr_bounds(0.0)
        assert float(lo) == float(hi) == 1.0, i
    for f in _aqhi_functions():
        assert float(f.rr(0.0)) == 1.0, f.name
    f = fit.response_function()
    assert float(f.rr(0.0)) == 1.0
    assert [float(x) for x in f.rr_bounds(0.0)] == [1.0, 1.0]


def test_vectorised():
    f = LogLinear(0.01, name="x", reference="test", unit="ug/m3")
    c = np.array([[0.0, 10.0], [20.0, 30.0]])
    assert f.rr(c).shape == (2, 2)
    g = load_crf("gemm-2018-ihd")
    draws = np.array([[0.1], [0.2], [0.3]])
    assert g.rr(np.array([10.0, 35.0]), draws).shape == (3, 2)


def test_validation_raises():
    with pytest.raises(ValueError, match="finite"):
        LogLinear(float("nan"), name="x", reference="r", unit="ug/m3")
    with pytest.raises(ValueError, match="reference"):
        LogLinear(0.1, name="x", reference="", unit="ug/m3")
    with pytest.raises(ValueError, match="both"):
        LogLinear(0.1, name="x", reference="r", unit="ug/m3", beta_lo=0.05)
    with pytest.raises(ValueError, match="does not hold"):
        LogLinear(0.1, name="x", reference="r", unit="ug/m3", beta_lo=0.2, beta_hi=0.3)
    with pytest.raises(ValueError, match="alpha"):
        GEMM(0.1, 0.0, 1.0, 1.0, name="x", reference="r")
    with pytest.raises(ValueError, match="no interval"):
        LogLinear(0.1, name="x", reference="r", unit="ug/m3").rr_bounds(1.0)


# --- monotone for non-negative coefficients (hypothesis) ----------------------------------

concs = st.floats(min_value=0.0, max_value=CONC_MAX, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(beta=st.floats(min_value=0.0, max_value=0.05), a=concs, b=concs)
def test_log_linear_monotone(beta, a, b):
    lo, hi = sorted((a, b))
    f = LogLinear(beta, name="x", reference="test", unit="ug/m3")
    assert float(f.rr(lo)) <= float(f.rr(hi))


@settings(max_examples=60, deadline=None)
@given(theta=st.floats(min_value=0.0, max_value=1.0),
       alpha=st.floats(min_value=0.5, max_value=50.0),
       mu=st.floats(min_value=-10.0, max_value=100.0),
       nu=st.floats(min_value=1.0, max_value=100.0),
       cf=st.floats(min_value=0.0, max_value=10.0), a=concs, b=concs)
def test_gemm_monotone(theta, alpha, mu, nu, cf, a, b):
    lo, hi = sorted((a, b))
    f = GEMM(theta, alpha, mu, nu, name="x", reference="test", counterfactual=cf)
    assert float(f.rr(lo)) <= float(f.rr(hi))


@settings(max_examples=30, deadline=None)
@given(a=concs, b=concs)
def test_packaged_functions_monotone(a, b):
    lo, hi = sorted((a, b))
    for i in _crf_ids():
        crf = load_crf(i)
        assert crf.coef >= 0, i
        assert float(crf.rr(lo)) <= float(crf.rr(hi)), i
    for f in _aqhi_functions():
        assert f.beta_per_unit >= 0
        assert float(f.rr(lo)) <= float(f.rr(hi)), f.name


# --- each adapter reproduces the existing numbers -----------------------------------------

def test_shanghai_aqhi_betas_by_hand():
    """Chen RJ et al. 2012, Chin J Prev Med 46(5):443-446: SAQHI = 10/17 x 100 x
    (exp(0.000153 PM10) - 1 + exp(0.000662 NO2) - 1), concentrations in ug/m3."""
    fs = aqhi_set.packaged_set("chen-2012-shanghai").response_functions()
    assert set(fs) == {"pm10", "no2"}
    assert fs["pm10"].unit == fs["no2"].unit == "ug/m3"
    assert "Chen" in fs["pm10"].reference
    assert float(fs["pm10"].rr(10.0)) == pytest.approx(math.exp(0.00153), rel=REL_TOL)
    assert float(fs["no2"].rr(40.0)) == pytest.approx(math.exp(0.000662 * 40), rel=REL_TOL)
    pm10, no2 = 120.0, 60.0
    by_hand = 10 / 17 * 100 * (math.exp(0.000153 * pm10) - 1 + math.exp(0.000662 * no2) - 1)
    from_rf = 10 / 17 * 100 * (float(fs["pm10"].rr(pm10)) - 1 + float(fs["no2"].rr(no2)) - 1)
    assert from_rf == pytest.approx(by_hand, rel=1e-12)


@pytest.mark.parametrize("method", PACKAGED_AQHI)
def test_aqhi_set_excess_risk_equals_its_response_functions(method):
    cs = aqhi_set.packaged_set(method)
    fs = cs.response_functions()
    assert set(fs) == set(cs.betas)
    for p, f in fs.items():
        assert f.unit == cs.units[p]
        conc = {col: np.array([37.5 if q == p else 0.0]) for q, col in cs.inputs.items()}
        res = aqhi_set.evaluate(cs, conc)
        assert float(res["er_total_pct"].iloc[0]) == pytest.approx(
            100.0 * (float(f.rr(37.5)) - 1.0), rel=1e-10)


def test_gemm_row_by_hand():
    """Burnett et al. 2018, SI Table S2 (with the Chinese cohort), COPD, adults 25+: theta
    0.2510, SE 0.06762, alpha 6.5, mu 2.5, nu 32; counterfactual 2.4 ug/m3."""
    theta, se, alpha, mu, nu, cf = 0.2510, 0.06762, 6.5, 2.5, 32.0, 2.4
    conc = 35.0
    z = conc - cf
    by_hand = math.exp(theta * math.log(z / alpha + 1) / (1 + math.exp(-(z - mu) / nu)))
    f = response_function("gemm-2018-copd")
    assert isinstance(f, GEMM)
    assert (f.theta, f.alpha, f.mu, f.nu, f.counterfactual) == (theta, alpha, mu, nu, cf)
    assert float(f.rr(conc)) == pytest.approx(by_hand, rel=REL_TOL)
    assert float(load_crf("gemm-2018-copd").rr(conc)) == pytest.approx(by_hand, rel=REL_TOL)
    assert float(hif.gemm_rr(conc, theta, alpha, mu, nu, cf)) == pytest.approx(by_hand,
                                                                                rel=REL_TOL)
    lo, hi = f.rr_bounds(conc)
    g = 1.959963984540054
    for th, got in ((theta - g * se, lo), (theta + g * se, hi)):
        expect = math.exp(th * math.log(z / alpha + 1) / (1 + math.exp(-(z - mu) / nu)))
        assert float(got) == pytest.approx(expect, rel=1e-12)
    assert float(f.rr(1.0)) == 1.0       # below the counterfactual


def test_log_linear_crf_row_by_hand():
    crf = load_crf(next(i for i in _crf_ids() if load_crf(i).form == "log-linear"))
    f = crf.response_function()
    assert isinstance(f, LogLinear) and f.beta_per_unit == crf.coef
    c = crf.counterfactual_ug_m3 + 10.0
    assert float(f.rr(c)) == pytest.approx(math.exp(10.0 * crf.coef), rel=REL_TOL)


def test_hif_uses_the_response_function_unchanged():
    crf = load_crf("gemm-2018-ihd")
    before, after = np.array([35.0, 20.0]), np.array([25.0, 20.0])
    got = hif.avoided_cases(crf, 0.01, 1000.0, before, after)
    f = crf.response_function()
    expect = 0.01 * 1000.0 * (1 - f.rr(after) / f.rr(before))
    np.testing.assert_allclose(got, expect, rtol=1e-14)
    assert got[1] == 0.0


def test_fit_adapter_reproduces_er_and_ci(fit):
    f = fit.response_function()
    e = fit.estimates.iloc[0]
    assert f.unit == "ug/m3"                       # from the column name pm10_ug_m3
    assert "pm10_ug_m3" in f.name and "local fit" in f.reference
    assert f.beta_per_unit == e["beta"]
    inc = fit.increment
    assert 100.0 * (float(f.rr(inc)) - 1.0) == pytest.approx(e["er_percent"], rel=1e-10)
    lo, hi = f.rr_bounds(inc)
    assert 100.0 * (float(lo) - 1.0) == pytest.approx(e["ci_low"], rel=1e-8)
    assert 100.0 * (float(hi) - 1.0) == pytest.approx(e["ci_high"], rel=1e-8)
    assert f.beta_lo < FIT_BETA < f.beta_hi        # the simulated effect is recovered


def test_fit_adapter_unit_and_exposure(fit):
    assert fit.response_function("pm10_ug_m3", unit="mg/m3").unit == "mg/m3"
    with pytest.raises(ValueError, match="no exposure"):
        fit.response_function("o3_ppb")
    renamed = fit.__class__(**{**fit.__dict__, "exposures": ["pm10"],
                               "estimates": fit.estimates.assign(exposure="pm10")})
    with pytest.raises(ValueError, match="unit"):
        renamed.response_function()
    assert renamed.response_function(unit="ug/m3").unit == "ug/m3"
