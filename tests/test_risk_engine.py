"""Forward risk engine and RSL equations: independent calculations and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.risk import engine, rsl
from ehrisk.risk.screening_levels import screening_level

CAS = ["71-43-2", "79-01-6", "50-32-8", "7440-38-2"]


def test_inhalation_risk_independent_benzene_resident():
    # RAGS Part F: EC = C x EF x ED x ET/24 / ATc; risk = IUR x EC (benzene IUR 7.8E-06, RSL).
    c = 2.0
    ec = c * 350 * 26 * 24 / 24 / (70 * 365)
    res = engine.inhalation_risk(np.array([[c]]), ["71-43-2"], "resident")
    assert res["ec_ca"][0, 0] == pytest.approx(ec)
    assert res["risk"][0, 0] == pytest.approx(7.8e-6 * ec)
    # HQ = EC_nc / RfC, EC_nc with AT = ED x 365: 2 x 350/365 / 30 ug/m3 (RfC 3E-02 mg/m3)
    assert res["hq"][0, 0] == pytest.approx(c * 350 / 365 / 30.0)


def test_mutagen_adaf_resident_air_bap():
    # ADAF-weighted duration: 2x10 + 4x3 + 10x3 + 10x1 = 72 yr; EF 350; IUR 6E-04.
    res = engine.inhalation_risk(np.array([[1.0]]), ["50-32-8"], "resident")
    assert res["risk"][0, 0] == pytest.approx(6e-4 * 350 * 72 / (70 * 365))


def test_forward_risk_inverts_screening_level():
    for medium in ("air", "tapwater", "soil"):
        for cas in CAS:
            sl = rsl.screening_level(cas, medium, "resident")
            res = engine.medium_risk(np.array([[sl.cancer_sl]]), [cas], medium)
            assert res["total_risk"][0] == pytest.approx(1e-6, rel=1e-9)


def test_grid_shape_and_totals():
    rng = np.random.default_rng(0)
    conc = rng.uniform(0, 1, (500, len(CAS)))
    res = engine.inhalation_risk(conc, CAS, "worker")
    assert res["risk"].shape == (500, 4)
    np.testing.assert_allclose(res["total_risk"], res["risk"].sum(axis=1))
    np.testing.assert_allclose(res["hi"], res["hq"].sum(axis=1))


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 100), st.floats(0, 100))
def test_more_concentration_never_less_risk(a, b):
    lo, hi = min(a, b), max(a, b)
    r = engine.medium_risk(np.array([[lo, lo], [hi, hi]]), ["71-43-2", "7440-38-2"], "soil")
    assert r["total_risk"][1] >= r["total_risk"][0]
    assert r["hi"][1] >= r["hi"][0]


def test_risk_table_and_organs():
    import pandas as pd

    df = pd.DataFrame({"location_id": ["a", "a", "b"], "cas": ["71-43-2", "7440-38-2", "71-43-2"],
                       "medium": ["air", "soil", "air"], "conc": [0.36, 0.68, 0.72]})
    detail, totals = engine.risk_table(df)
    assert set(totals["location_id"]) == {"a", "b"}
    b = totals.set_index("location_id").loc["b", "total_risk"]
    assert b == pytest.approx(0.72 * 7.8e-6 * 350 * 26 / (70 * 365))
    assert set(detail["pathway"]) == {"inhalation", "ingestion", "dermal"}


def test_unknown_cas_and_medium():
    with pytest.raises(KeyError, match="99-99-9"):
        engine.medium_risk(np.ones((1, 1)), ["99-99-9"], "air")
    with pytest.raises(ValueError, match="medium"):
        rsl.screening_level("71-43-2", "sediment", "resident")
    with pytest.raises(ValueError, match="resident only"):
        rsl.screening_level("71-43-2", "tapwater", "worker")


def test_dispatcher_registry():
    sl = screening_level("71-43-2", "air", "resident", params="epa-rsl", target_risk=1e-5)
    assert sl.cancer_sl == pytest.approx(10 * rsl.screening_level("71-43-2", "air").cancer_sl)
    with pytest.raises(KeyError, match="unknown parameter set"):
        screening_level("71-43-2", "air", params="nope")


def test_pef_default_independent():
    # SSG 2002 eq. 4-5 with Q/C_wp = 16.2302 exp((ln 0.5 - 18.7762)^2 / 216.108) = 93.77:
    qc = 16.2302 * np.exp((np.log(0.5) - 18.7762) ** 2 / 216.108)
    pef = qc * 3600 / (0.036 * 0.5 * (4.69 / 11.32) ** 3 * 0.194)
    assert qc == pytest.approx(93.77, rel=1e-3)
    assert rsl.particulate_emission_factor(rsl.load_factors()["site"]) == pytest.approx(pef)
    assert pef == pytest.approx(1.359e9, rel=1e-3)  # RSL User's Guide default PEF


def test_resident_child_and_adult_periods_sum_to_resident_air():
    """RSL resident air (User's Guide 4.9) is a 0-26 yr composite: the child (0-6 yr) and
    adult (6-26 yr) periods add up to it, for non-mutagens, mutagens (ADAF segments), TCE
    (kidney part mutagenic) and vinyl chloride (birth term in the child period)."""
    import numpy as np

    from ehrisk.risk.engine import inhalation_risk

    cas = ["71-43-2", "50-32-8", "75-01-4", "79-01-6", "108-88-3"]
    c = np.array([[1.0, 0.01, 0.5, 2.0, 100.0]])
    res = inhalation_risk(c, cas, "resident")
    ch = inhalation_risk(c, cas, "resident_child")
    ad = inhalation_risk(c, cas, "resident_adult")
    np.testing.assert_allclose(ch["risk"] + ad["risk"], res["risk"], rtol=1e-12)
    np.testing.assert_allclose(ch["hq"], res["hq"], rtol=1e-12)
    # benzene child period by hand: IUR 7.8e-6 per ug/m3 (IRIS) x EF 350 d/yr x ED 6 yr
    # x ET 24/24 / (LT 70 yr x 365 d/yr)
    assert ch["risk"][0, 0] == pytest.approx(7.8e-6 * 350 * 6 / (70 * 365), rel=1e-9)
