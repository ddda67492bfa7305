"""PM2.5 burden and policy what-if on a grid (ehrisk.impact.pm25_scenario), by hand."""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ehrisk.impact import pm25_scenario as sc
from ehrisk.impact.hif import CRF

BETA = math.log(1.06) / 10.0  # a log-linear CRF, RR 1.06 per 10 ug/m3
LOGLIN = CRF(name="t", reference="test", form="log-linear", coef=BETA, coef_se=BETA / 10)


def _surface():
    cells = pd.DataFrame({"cell_id": ["a", "b", "c"], "x_m": [0.5, 1.5, 2.5],
                          "y_m": [0.5, 0.5, 0.5]})
    return sc.Pm25Surface(cells=cells, population=np.array([1000.0, 2000.0, 0.0]),
                          modelled_ug_m3=np.array([4.0, 2.0, 8.0]),
                          chosen_ug_m3=np.array([3.0, 1.0, 8.0]), background_ug_m3=20.0,
                          stations=pd.DataFrame())


def test_background_is_mean_residual_clipped_at_zero():
    assert sc.background_from_stations([25, 23, np.nan], [1, 3, 2]) == pytest.approx(22.0)
    assert sc.background_from_stations([1.0], [2.0]) == 0.0
    with pytest.raises(ValueError):
        sc.background_from_stations([np.nan], [1.0])


def test_crude_rate():
    # 10 deaths a day for 1 000 000 people: 3652.5 / 1e6 per person-year
    assert sc.crude_rate_per_person_yr([10, 10, np.nan, 10], 1e6) == pytest.approx(3652.5e-6)


def test_scenario_by_hand():
    s = _surface()
    y0 = 0.007
    summ, cells = sc.scenario(s, 0.5, y0, LOGLIN, unit_value=1.0e6, n_draws=200, seed=1)
    before = 20.0 + np.array([4.0, 2.0, 8.0])
    after = before - 0.5 * np.array([3.0, 1.0, 8.0])
    pop = np.array([1000.0, 2000.0, 0.0])
    # log-linear: avoided = y0 pop (1 - exp(-beta (before - after))) (BenMAP-CE App. C)
    avoided = y0 * pop * (1 - np.exp(-BETA * (before - after)))
    np.testing.assert_allclose(cells["avoided_cases"], avoided, rtol=1e-12)
    assert summ["avoided_cases"] == pytest.approx(avoided.sum(), rel=1e-12)
    assert summ["value"] == pytest.approx(avoided.sum() * 1.0e6, rel=1e-12)
    # burden: y0 pop (RR - 1)/RR, RR = exp(beta C) with counterfactual 0
    rr = np.exp(BETA * before)
    attributable = y0 * pop * (rr - 1) / rr
    np.testing.assert_allclose(cells["attributable_deaths"], attributable, rtol=1e-12)
    assert summ["burden"]["attributable_deaths"] == pytest.approx(attributable.sum())
    assert summ["burden"]["baseline_deaths"] == pytest.approx(y0 * 3000)
    lo, hi = summ["burden"]["attributable_lo"], summ["burden"]["attributable_hi"]
    assert lo < attributable.sum() < hi
    assert summ["pop_weighted_before_ug_m3"] == pytest.approx((24 * 1000 + 22 * 2000) / 3000)


def test_no_cut_no_benefit_and_bounds():
    s = _surface()
    summ, _ = sc.scenario(s, 0.0, 0.007, LOGLIN, n_draws=50)
    assert summ["avoided_cases"] == 0.0
    with pytest.raises(ValueError, match="reduction"):
        sc.scenario(s, 1.5, 0.007, LOGLIN)


def test_area_summary_sums_cells():
    s = _surface()
    _, cells = sc.scenario(s, 0.5, 0.007, LOGLIN, n_draws=20)
    areas = gpd.GeoDataFrame({"code": ["W", "E"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 3, 1)])
    out = sc.area_summary(cells, areas, "code").set_index("code")
    assert out.loc["W", "population"] == 1000 and out.loc["E", "population"] == 2000
    assert out["avoided_deaths"].sum() == pytest.approx(cells["avoided_cases"].sum())
    # E: cells b (2000 people, 22 ug/m3) and c (nobody): population-weighted = 22
    assert out.loc["E", "pm25_before_ug_m3"] == pytest.approx(22.0)
