"""HJ 25.3-2019 soil/groundwater risk: hand calculations and invariants.

Expected numbers are written out by hand from the equations of HJ 25.3-2019 Annex A / Annex F
and the Annex G Table G.1 defaults (typed in below, independently of the package's tables).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.risk import hj25_3_2019 as hj
from ehrisk.risk.hj25_3_2019_transport import site_parameters, volatilisation_factors

REL = 1e-9  # same arithmetic, only floating-point rounding differs

# HJ 25.3-2019 Annex G Table G.1 defaults, typed in for the hand calculations.
BWC, BWA, HC, HA = 19.2, 61.8, 113.15, 161.5
EDC, EDA1, EDA2 = 6, 24, 25
EF1, EF2, EFI2, EFO2 = 350, 250, 187.5, 62.5
OSIRC, OSIRA = 200, 100
ATCA, ATNC1, ATNC2 = 27740, 2190, 9125
SERA2, SSARA2 = 0.18, 0.2
DAIRA, PM10, PIAF, FSPO, FSPI = 14.5, 0.119, 0.75, 0.5, 0.8


def _site_ex(land_use):
    return site_parameters(land_use), hj.exposure_parameters(land_use)


def test_oiser_first_class_by_hand():
    site, ex = _site_ex("first-class")
    ca, nc = hj.pathway_exposure("ois", "first-class", ex, site)
    # OISERca = (OSIRc·EDc·EFc/BWc + OSIRa·EDa·EFa/BWa)·ABSo/ATca·1e-6
    ca_hand = (200 * 6 * 350 / 19.2 + 100 * 24 * 350 / 61.8) * 1.0 / 27740 * 1e-6
    # OISERnc = OSIRc·EDc·EFc·ABSo/(BWc·ATnc)·1e-6
    nc_hand = 200 * 6 * 350 * 1.0 / (19.2 * 2190) * 1e-6
    assert ca == pytest.approx(ca_hand, rel=REL)
    assert nc == pytest.approx(nc_hand, rel=REL)
    assert nc_hand == pytest.approx(9.989e-6, rel=1e-3)  # 420000 / 42048 x 1e-6


def test_dcser_second_class_by_hand():
    site, ex = _site_ex("second-class")
    ca, nc = hj.pathway_exposure("dcs", "second-class", ex, site)
    sae = 239 * HA**0.417 * BWA**0.517 * SERA2  # cm2
    assert sae == pytest.approx(3023, rel=2e-3)  # 239 x 8.333 x 8.433 x 0.18
    ca_hand = sae * SSARA2 * 1 * EF2 * EDA2 * 1e-6 / (BWA * ATCA)  # per unit ABSd
    nc_hand = sae * SSARA2 * 1 * EF2 * EDA2 * 1e-6 / (BWA * ATNC2)
    assert ca == pytest.approx(ca_hand, rel=REL)
    assert nc == pytest.approx(nc_hand, rel=REL)


def test_piser_second_class_by_hand():
    site, ex = _site_ex("second-class")
    ca, _ = hj.pathway_exposure("pis", "second-class", ex, site)
    ca_hand = PM10 * DAIRA * EDA2 * PIAF * (FSPO * EFO2 + FSPI * EFI2) * 1e-6 / (BWA * ATCA)
    assert ca == pytest.approx(ca_hand, rel=REL)


def test_benzo_a_pyrene_second_class_rcvs_by_hand():
    # BaP: SFo = 1 (mg/kg-d)^-1, IUR = 6e-4 (ug/m3)^-1, ABSgi = 1, ABSd = 0.13 (toxicity table)
    oiser = OSIRA * EF2 * EDA2 / (BWA * ATCA) * 1e-6
    sae = 239 * HA**0.417 * BWA**0.517 * SERA2
    dcser = sae * SSARA2 * EF2 * EDA2 * 0.13 / (BWA * ATCA) * 1e-6
    piser = PM10 * DAIRA * EDA2 * PIAF * (FSPO * EFO2 + FSPI * EFI2) / (BWA * ATCA) * 1e-6
    sfi = 6e-4 * 1000 * BWA / DAIRA
    # vapour pathways: BaP's H' = 1.87e-5 makes them small (< 0.5 %), left out by hand
    rcvs_hand = 1e-6 / (oiser * 1.0 + dcser * 1.0 + piser * sfi)
    got = hj.screening_level("50-32-8", land_use="second-class")
    assert got.cancer_sl <= rcvs_hand
    assert got.cancer_sl == pytest.approx(rcvs_hand, rel=5e-3)
    assert got.sl == got.cancer_sl
    assert got.unit == "mg/kg" and got.params == "hj25.3-2019" and got.receptor == "second-class"


def test_vf_suroa_benzene_by_hand():
    site = site_parameters("first-class")
    h, da, dw, koc = 0.227, 0.0895, 1.03e-5, 145.8  # benzene
    theta = 1 - 1.5 / 2.65
    tw = 1.5 * 0.2 / 1.0
    ta = theta - tw
    deff = da * ta**3.33 / theta**2 + dw / h * tw**3.33 / theta**2
    ksw = (tw + koc * 15 / 1.7 / 1000 * 1.5 + h * ta) / 1.5
    dfoa = 200 * 4000 * 200 / 1.6e7
    tau = 30 * 365 * 86400
    inf = 1.5 / dfoa * math.sqrt(4 * deff * h / (math.pi * tau * ksw * 1.5)) * 1000
    mass = 50 * 1.5 / (dfoa * tau) * 1000
    vf = volatilisation_factors([h], [da], [dw], [koc], site=site)
    assert vf["vf_suroa_kg_m3"][0] == pytest.approx(min(inf, mass), rel=REL)
    # VFsuboa = (H'/Ksw)/(1 + DFoa·LS/Deff)·1000, vs mass limit dsub·ρb/(DFoa·τ)·1000
    sub = h / ksw / (1 + dfoa * 50 / deff) * 1000
    assert vf["vf_suboa_kg_m3"][0] == pytest.approx(min(sub, 100 * 1.5 / (dfoa * tau) * 1000),
                                                    rel=REL)


def test_vf_subia_diffusion_only_by_hand():
    site = site_parameters("first-class")
    h, da, dw, koc = 0.227, 0.0895, 1.03e-5, 145.8
    theta = 1 - 1.5 / 2.65
    tw, ta = 0.3, theta - 0.3
    deff = da * ta**3.33 / theta**2 + dw / h * tw**3.33 / theta**2
    # foundation cracks: their own porosity theta_acrack + theta_wcrack = 0.38 (docs/hj25_3.md)
    dcrack = da * 0.26**3.33 / 0.38**2 + dw / h * 0.12**3.33 / 0.38**2
    ksw = (tw + koc * 15 / 1.7 / 1000 * 1.5 + h * ta) / 1.5
    dfia = 220 * 12 / 86400
    a = deff / (dfia * 50)
    vf_hand = h / ksw * a / (1 + a + deff * 35 / (dcrack * 50 * 0.0005)) * 1000
    vf = volatilisation_factors([h], [da], [dw], [koc], site=site)
    assert vf["qs_cm3_s"][0] == 0.0
    assert vf["vf_subia_kg_m3"][0] == pytest.approx(vf_hand, rel=REL)


def test_advective_flow_is_continuous_and_increasing():
    args = ([0.227], [0.0895], [1.03e-5], [145.8])
    base = volatilisation_factors(*args, site=site_parameters("first-class"))["vf_subia_kg_m3"]
    tiny = volatilisation_factors(*args, site=site_parameters(
        "first-class", dp_g_cm_s2=1e-9))["vf_subia_kg_m3"]
    more = volatilisation_factors(*args, site=site_parameters(
        "first-class", dp_g_cm_s2=40))["vf_subia_kg_m3"]
    assert tiny[0] == pytest.approx(base[0], rel=1e-6)
    assert more[0] > base[0]


def test_groundwater_hcvg_copper_by_hand():
    # Cu: RfD 0.04 mg/kg-d, non-volatile: only CGWER; HCVG = RfD·WAF·AHQ/CGWERnc
    cgwer_nc = 0.7 * EF1 * EDC / (BWC * ATNC1)
    got = hj.screening_level("7440-50-8", medium="groundwater", land_use="first-class")
    assert got.noncancer_sl == pytest.approx(0.04 * 0.5 / cgwer_nc, rel=REL)
    assert got.unit == "mg/L"


def test_cr_and_hq_at_control_values_equal_targets():
    for cas in ("71-43-2", "50-32-8", "79-01-6"):
        for lu in ("first-class", "second-class"):
            s = hj.screening_level(cas, land_use=lu, target_risk=1e-5, target_hq=0.5)
            r = hj.soil_risk({cas: s.cancer_sl}, land_use=lu)
            tot = r[r["pathway"] == "total"].iloc[0]
            assert tot["cr"] == pytest.approx(1e-5, rel=1e-9)
            r = hj.soil_risk({cas: s.noncancer_sl}, land_use=lu)
            tot = r[r["pathway"] == "total"].iloc[0]
            assert tot["hq"] == pytest.approx(0.5, rel=1e-9)


def test_soil_risk_linear_and_pathways_sum():
    r1 = hj.soil_risk({"71-43-2": 1.0, "50-32-8": 0.3})
    r2 = hj.soil_risk({"71-43-2": 3.0, "50-32-8": 0.9})
    np.testing.assert_allclose(r2["cr"].fillna(0), 3 * r1["cr"].fillna(0), rtol=1e-12)
    np.testing.assert_allclose(r2["hq"].fillna(0), 3 * r1["hq"].fillna(0), rtol=1e-12)
    for _cas, g in r1.groupby("cas"):
        per = g[g["pathway"] != "total"]
        tot = g[g["pathway"] == "total"].iloc[0]
        assert tot["cr"] == pytest.approx(per["cr"].sum(), rel=1e-12)
        assert tot["hq"] == pytest.approx(per["hq"].sum(), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(c1=st.floats(0.0, 1e4), c2=st.floats(0.0, 1e4))
def test_soil_risk_monotone(c1, c2):
    lo, hi = sorted((c1, c2))
    r = hj.soil_risk({"71-43-2": lo})
    s = hj.soil_risk({"71-43-2": hi})
    assert (s["cr"].fillna(0).to_numpy() >= r["cr"].fillna(0).to_numpy()).all()
    assert (s["hq"].fillna(0).to_numpy() >= r["hq"].fillna(0).to_numpy()).all()


def test_subsurface_concentration_drives_subsurface_pathways_only():
    import pandas as pd
    df = pd.DataFrame({"cas": ["71-43-2"], "conc_mg_kg": [1.0], "conc_sub_mg_kg": [0.0]})
    r = hj.soil_risk(df).set_index("pathway")
    assert r.loc["iiv1", "cr"] == 0 and r.loc["iov2", "cr"] == 0
    assert r.loc["ois", "cr"] > 0 and r.loc["iov1", "cr"] > 0


def test_site_override_changes_result_and_bad_input_raises():
    base = hj.screening_level("71-43-2")
    deeper = hj.screening_level("71-43-2", ls_cm=300)  # deeper source: less indoor vapour
    assert deeper.sl > base.sl
    assert set(base.details["pathways"]) == set(hj.SOIL_PATHWAYS)
    assert base.details["vf"]["vf_subia_kg_m3"] > 0
    with pytest.raises(KeyError, match="unknown site parameter"):
        hj.screening_level("71-43-2", not_a_param=1)
    with pytest.raises(ValueError, match="unknown land use"):
        hj.screening_level("71-43-2", land_use="third-class")
    with pytest.raises(ValueError, match="unknown medium"):
        hj.screening_level("71-43-2", medium="air")
    with pytest.raises(ValueError, match="unknown pathway"):
        hj.screening_level("71-43-2", pathways=["cgw"])
    with pytest.raises(KeyError, match="no values for CAS"):
        hj.screening_level("1-23-4")
    with pytest.raises(ValueError, match=">= 0"):
        hj.soil_risk({"71-43-2": -1.0})
    with pytest.raises(ValueError, match="air-filled porosity"):
        hj.screening_level("71-43-2", pws_kg_kg=0.5)


def test_exposure_overrides():
    base = hj.screening_level("50-32-8", land_use="first-class")
    light = hj.screening_level("50-32-8", land_use="first-class",
                               exposure_overrides={"child": {"bw_kg": 15.9}})
    assert light.sl < base.sl  # lighter child, higher dose per kg, lower control value
    with pytest.raises(KeyError):
        hj.exposure_parameters("second-class", {"child": {"bw_kg": 15.9}})


def test_non_volatile_has_no_vapour_pathways():
    s = hj.screening_level("7440-50-8")
    assert all(s.details["vf"][k] == 0 for k in s.details["vf"])
    assert math.isnan(s.cancer_sl)  # copper has no slope factor


def test_soil_saturation_toluene_by_hand():
    """Csat of toluene, first-class defaults, worked by hand.

    Csat = S/ρb·(Kd·ρb + θws + H'·θas) (US EPA 1996 Soil Screening Guidance, TBD eq. 24).
    Toluene (RSL chemical-specific parameters, as in toxicity_hj25_3_2019.csv): S = 526 mg/L,
    Koc = 233.9 L/kg, H' = 0.271. HJ 25.3-2019 Table G.1: fom = 15 g/kg, ρb = 1.5 kg/dm3,
    ρs = 2.65 kg/dm3, Pws = 0.2 kg/kg.
      foc = 15/1.7/1000 = 0.0088235;  Kd = 233.9 × 0.0088235 = 2.06382 L/kg
      θ = 1 − 1.5/2.65 = 0.433962;  θws = 1.5 × 0.2 = 0.3;  θas = 0.133962
      Csat = 526/1.5 × (2.06382 × 1.5 + 0.3 + 0.271 × 0.133962)
           = 350.667 × (3.09574 + 0.3 + 0.036304) = 350.667 × 3.43204 = 1203.50 mg/kg
    GB 36600-2018 prints 1200 mg/kg for toluene in both land-use columns.
    """
    assert hj.soil_saturation_mg_kg("108-88-3", "first-class") == pytest.approx(1203.50,
                                                                                 rel=1e-5)
    # same soil in both land uses
    assert hj.soil_saturation_mg_kg("108-88-3", "second-class") == pytest.approx(1203.50,
                                                                                  rel=1e-5)
    # doubling fom to 30 g/kg: Kd·ρb = 6.19147, Csat = 350.667 × 6.52777 = 2289.07 mg/kg
    site = site_parameters("first-class", fom_g_kg=30)
    assert hj.soil_saturation_mg_kg("108-88-3", site=site) == pytest.approx(2289.07, rel=1e-5)
    # no solubility (an inorganic): no saturation limit
    assert math.isnan(hj.soil_saturation_mg_kg("7440-50-8"))


def test_saturation_cap_liquids_only():
    """Csat caps a risk-based level only for a liquid (melting point below soil temperature)."""
    assert hj.saturation_cap(1597.0, 1203.5, -95.0, 20.0) == (1203.5, True, True)
    assert hj.saturation_cap(900.0, 1203.5, -95.0, 20.0) == (900.0, True, False)
    assert hj.saturation_cap(545.6, 3.2, 254.0, 20.0) == (545.6, False, False)  # solid
    assert hj.saturation_cap(545.6, 3.2, float("nan"), 20.0) == (545.6, None, False)
    level, _, limited = hj.saturation_cap(float("nan"), 3.2, -95.0, 20.0)
    assert math.isnan(level) and not limited  # no risk-based value: Csat is not a level


def test_screening_level_reports_csat():
    """Soil levels carry Csat and the flag; a solid above Csat (chrysene) is not capped."""
    tol = hj.screening_level("108-88-3", medium="soil", land_use="second-class")
    assert tol.limited_by_saturation and tol.sl == pytest.approx(tol.csat_mg_kg)
    assert tol.risk_based_sl > tol.csat_mg_kg
    assert tol.details["liquid_at_soil_temp"] is True
    chry = hj.screening_level("218-01-9", medium="soil", land_use="first-class")
    assert chry.csat_mg_kg < chry.risk_based_sl == chry.sl
    assert chry.limited_by_saturation is False and chry.details["liquid_at_soil_temp"] is False
    # a warmer soil (25 °C) leaves toluene liquid; groundwater levels have no Csat
    warm = hj.screening_level("108-88-3", medium="soil", land_use="second-class",
                              soil_temp_c=25.0)
    assert warm.sl == pytest.approx(tol.sl)
    gw = hj.screening_level("108-88-3", medium="groundwater")
    assert gw.csat_mg_kg is None and gw.limited_by_saturation is None
