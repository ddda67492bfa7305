"""The ``crf`` table against the published concentration-response values.

Short-term (excess risk ER % per 10 ug/m3 with its 95 % posterior/confidence interval, typed
from the abstracts):

- Yin P, Chen R, Wang L, et al. Environ Health Perspect 2017;125(11):117006 (272 Chinese cities,
  O3 MDA8, cumulative lag 0-3 d), Abstract: "0.24% [95% posterior interval (PI): 0.13%, 0.35%],
  0.27% (95% PI: 0.10%, 0.44%) ... from all nonaccidental causes, cardiovascular diseases".
- Chen R, Yin P, Meng X, et al. Epidemiology 2018, doi:10.1097/EDE.0000000000000829 (272 cities,
  2-day average NO2), Abstract: 0.9 % (0.7, 1.1) non-accidental, 0.9 % (0.7, 1.2)
  cardiovascular, 1.2 % (0.9, 1.5) respiratory, 1.6 % (1.1, 2.0) COPD.
- Yin P, He G, Fan M, et al. BMJ 2017;356:j667 (38 cities, concurrent-day PM10), Abstract:
  0.44 % (95 % CI 0.30 % to 0.58 %) daily deaths; 0.62 % (0.43 % to 0.81 %) cardiorespiratory.
- Chen R, Yin P, Meng X, et al. Environ Health Perspect 2019, doi:10.1289/EHP2711 (272 cities,
  PM2.5-10), Abstract: 0.23 % (0.13, 0.33) non-accidental, 0.25 % (0.13, 0.37) cardiovascular,
  0.26 % (0.07, 0.46) respiratory.

Long-term GEMM (Burnett R. et al. 2018, PNAS 115(38):9592-9597, SI Appendix Table S2, fit with
the Chinese male cohort), as transcribed in github evanliu3594/PM2.5-attr-mort
Data/CRF_coefficients/GEMM-parameters.csv and github aqli-epic/epi.methods.paper
data/raw/gemm_rr.csv (identical digits; the SI itself not read); the without-China NCD+LRI fit
from a single public R script ("GEMM2 excludes the Chinese male cohort"). Counterfactual
2.4 ug/m3.

Expected betas, SEs and RRs are computed here with ``math`` from those numbers, not by the
package.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from ehrisk.impact.crf import crf_table, load_crf

PUBLISHED_TRANSCRIPTION_TOL = 1e-12  # rr = 1 + ER/100 typed as a decimal; floats only
COMPUTED_REL_TOL = 1e-9  # package vs the hand formula below (same maths, different code)
Z975 = NormalDist().inv_cdf(0.975)  # 1.95996...: two-sided 95 % interval
INCREMENT_UG_M3 = 10.0

# crf_id: (ER %, lower %, upper %) per 10 ug/m3
SHORT_TERM = {
    "yin2017-o3-nonaccidental": (0.24, 0.13, 0.35),
    "yin2017-o3-cardiovascular": (0.27, 0.10, 0.44),
    "chen2018-no2-nonaccidental": (0.9, 0.7, 1.1),
    "chen2018-no2-cardiovascular": (0.9, 0.7, 1.2),
    "chen2018-no2-respiratory": (1.2, 0.9, 1.5),
    "chen2018-no2-copd": (1.6, 1.1, 2.0),
    "yin2017-pm10-allcause": (0.44, 0.30, 0.58),
    "yin2017-pm10-cardiorespiratory": (0.62, 0.43, 0.81),
    "chen2019-pm25_10-nonaccidental": (0.23, 0.13, 0.33),
    "chen2019-pm25_10-cardiovascular": (0.25, 0.13, 0.37),
    "chen2019-pm25_10-respiratory": (0.26, 0.07, 0.46),
}
# crf_id: pollutant, metric, lag_days as in the papers
SHORT_TERM_METRIC = {
    "yin2017-o3": ("O3", "MDA8", "0-3"),
    "chen2018-no2": ("NO2", "2-day mean", "0-1"),
    "yin2017-pm10": ("PM10", "24h", "0"),
    "chen2019-pm25_10": ("PM2.5-10", "24h", "unknown"),  # lag not in the abstract
}

# crf_id: (theta, SE, alpha, mu, nu)
GEMM = {
    "gemm-2018-ihd": (0.2969, 0.01787, 1.9, 12, 40.2),
    "gemm-2018-stroke": (0.272, 0.07697, 6.2, 16.7, 23.7),
    "gemm-2018-copd": (0.2510, 0.06762, 6.5, 2.5, 32),
    "gemm-2018-lungcancer": (0.2942, 0.06147, 6.2, 9.3, 29.8),
    "gemm-2018-lri": (0.4468, 0.11735, 6.4, 5.7, 8.4),
    "gemm-2018-ncdlri-nochina": (0.1231, 0.01797, 1.5, 10.4, 25.9),
}
BANDS = ["25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69",
         "70-74", "75-79", "80+"]
GEMM_AGE = {  # cause: ((alpha, mu, nu), thetas by band, SEs by band)
    "ncdlri": ((1.6, 15.5, 36.8),
               [0.1585, 0.1577, 0.1570, 0.1558, 0.1532, 0.1499, 0.1462, 0.1421, 0.1374, 0.1319,
                0.1253, 0.1141],
               [0.01477, 0.01470, 0.01463, 0.01450, 0.01425, 0.01394, 0.01361, 0.01325,
                0.01284, 0.01234, 0.01174, 0.01071]),
    "ihd": ((1.9, 12, 40.2),
            [0.5070, 0.4762, 0.4455, 0.4148, 0.3841, 0.3533, 0.3226, 0.2919, 0.2612, 0.2304,
             0.1997, 0.1536],
            [0.02458, 0.02309, 0.02160, 0.02011, 0.01862, 0.01713, 0.01564, 0.01415, 0.01266,
             0.01117, 0.00968, 0.00745]),
    "stroke": ((6.2, 16.7, 23.7),
               [0.4513, 0.4240, 0.3966, 0.3693, 0.3419, 0.3146, 0.2872, 0.2598, 0.2325, 0.2051,
                0.1778, 0.1368],
               [0.11919, 0.11197, 0.10475, 0.09752, 0.09030, 0.08307, 0.07585, 0.06863, 0.06190,
                0.05418, 0.04695, 0.03611]),
}
GEMM_CF_UG_M3 = 2.4


def _age_id(cause, band):
    return f"gemm-2018-{cause}-age{band.replace('+', 'plus')}"


def _gemm_by_hand(c, theta, alpha, mu, nu):
    z = max(0.0, c - GEMM_CF_UG_M3)
    return math.exp(theta * math.log(z / alpha + 1) / (1 + math.exp(-(z - mu) / nu)))


@pytest.fixture(scope="module")
def table():
    return crf_table().set_index("crf_id")


@pytest.mark.parametrize("crf_id", sorted(SHORT_TERM))
def test_short_term_rows_equal_abstracts(table, crf_id):
    er, lo, hi = SHORT_TERM[crf_id]
    r = table.loc[crf_id]
    for col, pct in (("rr", er), ("rr_lo", lo), ("rr_hi", hi)):
        assert abs(r[col] - (1 + pct / 100)) <= PUBLISHED_TRANSCRIPTION_TOL, col
    assert r["per_ug_m3"] == INCREMENT_UG_M3
    assert r["counterfactual_ug_m3"] == 0
    assert (r["duration"], r["form"]) == ("short-term", "log-linear")
    prefix = crf_id.rsplit("-", 1)[0]
    assert (r["pollutant"], r["metric"], r["lag_days"]) == SHORT_TERM_METRIC[prefix]
    assert r["note"].startswith("CONFIRMED: abstract read")


def test_pm10_row_flags_the_unread_correction_and_all_cause_outcome(table):
    note = table.loc["yin2017-pm10-allcause", "note"]
    assert "correction was not read" in note and "all causes" in note


@pytest.mark.parametrize("crf_id", sorted(SHORT_TERM))
def test_short_term_beta_and_se_by_hand(crf_id):
    er, lo, hi = SHORT_TERM[crf_id]
    # beta = ln(1 + ER/100) / 10; SE = (ln(1 + hi/100) - ln(1 + lo/100)) / (2 z 10).
    # e.g. O3 non-accidental: ln(1.0024)/10 = 2.397125e-4, SE = ln(1.0035/1.0013)/39.1993
    # = 5.598913e-5
    beta = math.log(1 + er / 100) / INCREMENT_UG_M3
    se = (math.log(1 + hi / 100) - math.log(1 + lo / 100)) / (2 * Z975 * INCREMENT_UG_M3)
    crf = load_crf(crf_id)
    assert crf.form == "log-linear"
    assert crf.coef == pytest.approx(beta, rel=COMPUTED_REL_TOL)
    assert crf.coef_se == pytest.approx(se, rel=COMPUTED_REL_TOL)
    if crf_id == "yin2017-o3-nonaccidental":
        assert beta == pytest.approx(2.397125e-4, rel=1e-6)
        assert se == pytest.approx(5.598913e-5, rel=1e-6)


@pytest.mark.parametrize("crf_id", sorted(GEMM))
def test_gemm_cause_rows_equal_copies(table, crf_id):
    r = table.loc[crf_id]
    got = [r[k] for k in ("theta", "theta_se", "alpha", "mu", "nu")]
    assert got == list(GEMM[crf_id])
    assert (r["form"], r["counterfactual_ug_m3"], r["duration"]) == ("gemm", GEMM_CF_UG_M3,
                                                                      "long-term")


@pytest.mark.parametrize("cause", sorted(GEMM_AGE))
def test_gemm_age_rows_equal_copies(table, cause):
    (alpha, mu, nu), thetas, ses = GEMM_AGE[cause]
    for band, theta, se in zip(BANDS, thetas, ses, strict=True):
        r = table.loc[_age_id(cause, band)]
        assert [r["theta"], r["theta_se"], r["alpha"], r["mu"], r["nu"]] == [
            theta, se, alpha, mu, nu], band
        assert r["age_group"] == band
        assert r["counterfactual_ug_m3"] == GEMM_CF_UG_M3
        assert r["note"].startswith("CONFIRMED-SECONDARY")


def test_gemm_confidence_as_the_evidence_supports(table):
    # two agreeing copies -> CONFIRMED-SECONDARY; one copy only -> LIKELY (single source)
    for i in ("gemm-2018-copd", "gemm-2018-lungcancer", "gemm-2018-lri"):
        assert table.loc[i, "note"].startswith("CONFIRMED-SECONDARY"), i
    for i in ("gemm-2018-ihd", "gemm-2018-stroke", "gemm-2018-ncdlri-nochina"):
        assert table.loc[i, "note"].startswith("LIKELY: SECONDARY, single source"), i
    assert "not read" in table.loc["gemm-2018-ncdlri-nochina", "note"]


@pytest.mark.parametrize("crf_id", sorted(GEMM) + [_age_id("ncdlri", "80+")])
def test_gemm_rr_at_35_by_hand(crf_id):
    if crf_id in GEMM:
        theta, _, alpha, mu, nu = GEMM[crf_id]
    else:
        (alpha, mu, nu), thetas, _ = GEMM_AGE["ncdlri"]
        theta = thetas[-1]
    expected = _gemm_by_hand(35.0, theta, alpha, mu, nu)
    assert float(load_crf(crf_id).rr(35.0)) == pytest.approx(expected, rel=COMPUTED_REL_TOL)


def test_gemm_ihd_rr_at_35_worked_out():
    # z = 35 - 2.4 = 32.6; ln(32.6/1.9 + 1) = ln(18.157895) = 2.899105;
    # logistic 1/(1 + exp(-(32.6 - 12)/40.2)) = 1/(1 + exp(-0.512438)) = 0.625378;
    # RR = exp(0.2969 * 2.899105 * 0.625378) = exp(0.538290) = 1.713076
    assert float(load_crf("gemm-2018-ihd").rr(35.0)) == pytest.approx(1.713076, rel=1e-6)
    # without China, NCD+LRI: ln(32.6/1.5 + 1) = 3.123832; 1/(1 + exp(-(32.6-10.4)/25.9))
    # = 0.702063; RR = exp(0.1231 * 3.123832 * 0.702063) = exp(0.269974) = 1.309931
    assert float(load_crf("gemm-2018-ncdlri-nochina").rr(35.0)) == pytest.approx(1.309931,
                                                                                 rel=1e-6)
