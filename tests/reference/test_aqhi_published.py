"""AQHI methods against their published formulas and coefficients.

- Stieb et al. 2008, J Air Waste Manag Assoc 58:435-450: AQHI = (10/10.4) x 100 x
  [(exp(0.000871 NO2) - 1) + (exp(0.000537 O3) - 1) + (exp(0.000487 PM2.5) - 1)],
  NO2/O3 in ppb, PM2.5 in ug/m3.
- Yao et al. 2019, Can J Public Health (AQHI-Plus): ceiling(PM2.5_1h / 10), 10+ above 100.
- Hong Kong EPD AQHI FAQs: beta(NO2) = 0.0004462559, beta(SO2) = 0.0001393235,
  beta(O3) = 0.0005116328, beta(PM10) = 0.0002821751, beta(PM2.5) = 0.0002180567;
  %AR bands 1.88 / 3.76 / 5.64 / 7.52 / 9.41 / 11.29 / 12.91 / 15.07 / 17.22 / 19.37.
- Chen RJ et al. 2012, Chin J Prev Med 46(5):443-446:
  SAQHI = 10/17 x (exp(0.000153 PM10) - 1 + exp(0.000662 NO2) - 1) x 100.
Expected values are computed in the tests with ``math`` from those printed numbers.
"""

from __future__ import annotations

import math

import pytest

from ehrisk.air import aqhi

FORMULA_REL_TOL = 1e-12  # same formula, same coefficients: float agreement
COEF_TOL = 0.0  # coefficients transcribed exactly

PUBLISHED_BETAS = {
    "stieb-2008": {"no2": 0.000871, "o3": 0.000537, "pm25": 0.000487},
    "hk-epd-2013": {"no2": 0.0004462559, "so2": 0.0001393235, "o3": 0.0005116328,
                    "pm10": 0.0002821751, "pm25": 0.0002180567},
    "chen-2012-shanghai": {"pm10": 0.000153, "no2": 0.000662},
}


@pytest.mark.parametrize("method", sorted(PUBLISHED_BETAS))
def test_packaged_coefficients_equal_published(method):
    got = aqhi.betas(method)
    assert set(got) == set(PUBLISHED_BETAS[method])
    for k, v in PUBLISHED_BETAS[method].items():
        assert abs(got[k] - v) <= COEF_TOL


def _stieb(no2, o3, pm):
    return 10 / 10.4 * 100 * ((math.exp(0.000871 * no2) - 1) + (math.exp(0.000537 * o3) - 1)
                              + (math.exp(0.000487 * pm) - 1))


@pytest.mark.parametrize("no2,o3,pm", [(20, 30, 15), (0, 0, 0), (60, 80, 120), (5.5, 12, 3)])
def test_stieb_2008_formula(no2, o3, pm):
    assert aqhi.stieb_2008(no2, o3, pm)[0] == pytest.approx(_stieb(no2, o3, pm),
                                                            rel=FORMULA_REL_TOL, abs=1e-15)


def test_stieb_2008_level_rounding_and_10_plus():
    # Hand: NO2 20, O3 30, PM2.5 15 -> 3.956 -> level 4 (Moderate).
    assert _stieb(20, 30, 15) == pytest.approx(3.9562, abs=1e-4)
    df = aqhi.aqhi("stieb-2008", {"no2_ppb": 20, "o3_ppb": 30, "pm25_ug_m3": 15})
    assert df["level"].iloc[0] == "4" and df["category_en"].iloc[0] == "Moderate"
    # 10+ when the index is >= 10.5 (rounds above 10): NO2 100, O3 100, PM2.5 60
    assert _stieb(100, 100, 60) > 10.5
    df = aqhi.aqhi("stieb-2008", {"no2_ppb": 100, "o3_ppb": 100, "pm25_ug_m3": 60})
    assert df["level"].iloc[0] == "10+" and df["category_en"].iloc[0] == "Very High"


def test_aqhi_plus_bins_yao_2019():
    pm = [0, 0.5, 10, 10.1, 30, 30.1, 60.1, 100, 100.1, 400]
    expect = [max(1, math.ceil(x / 10)) if x <= 100 else "10+" for x in pm]
    assert aqhi.aqhi_plus(pm).tolist() == [str(e) for e in expect]


def test_aqhi_plus_overrides_when_higher():
    # 3-h means give AQHI 4 but 1-h PM2.5 85 -> AQHI+ 9 (High).
    df = aqhi.aqhi("stieb-2008", {"no2_ppb": 20, "o3_ppb": 30, "pm25_ug_m3": 15},
                   pm25_1h_ug_m3=85)
    assert df["level"].iloc[0] == "9" and df["aqhi_plus"].iloc[0] == "9"
    assert df["category_en"].iloc[0] == "High"


def _hk(no2, so2, o3, pm10, pm25):
    ar = lambda b, c: (math.exp(b * c) - 1) * 100  # noqa: E731
    return (ar(0.0004462559, no2) + ar(0.0001393235, so2) + ar(0.0005116328, o3)
            + max(ar(0.0002821751, pm10), ar(0.0002180567, pm25)))


HK_BANDS = [1.88, 3.76, 5.64, 7.52, 9.41, 11.29, 12.91, 15.07, 17.22, 19.37]


def _hk_level(ar):
    n = sum(ar >= b for b in HK_BANDS) + 1
    return "10+" if n == 11 else str(n)


@pytest.mark.parametrize("c", [(50, 10, 40, 40, 25), (120, 20, 150, 90, 70), (200, 60, 200, 150, 120),
                               (10, 5, 10, 10, 80)])
def test_hk_epd_formula_and_bands(c):
    ar = _hk(*c)
    assert aqhi.hk_epd_2013(*c)[0] == pytest.approx(ar, rel=FORMULA_REL_TOL)
    df = aqhi.aqhi("hk-epd-2013", dict(zip(("no2_ug_m3", "so2_ug_m3", "o3_ug_m3", "pm10_ug_m3",
                                            "pm25_ug_m3"), c, strict=True)))
    assert df["level"].iloc[0] == _hk_level(ar)


def test_hk_epd_categories():
    cats = aqhi.categories("hk-epd-2013")
    by = dict(zip(cats["level"], cats["category_en"], strict=True))
    assert [by[str(i)] for i in range(1, 11)] + [by["10+"]] == (
        ["Low"] * 3 + ["Moderate"] * 3 + ["High"] + ["Very High"] * 3 + ["Serious"])


def test_chen_2012_shanghai_formula():
    pm10, no2 = 97.3, 64.7  # the study's mean concentrations (Chen et al. 2012 abstract)
    expect = 10 / 17 * ((math.exp(0.000153 * pm10) - 1) + (math.exp(0.000662 * no2) - 1)) * 100
    assert aqhi.chen_2012_shanghai(pm10, no2)[0] == pytest.approx(expect, rel=FORMULA_REL_TOL)
