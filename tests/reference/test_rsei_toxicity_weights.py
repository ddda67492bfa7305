"""RSEI-style toxicity weights against independent hand calculations.

Published RSEI toxicity weights (US EPA, RSEI toxicity data workbook) could not be read offline,
so the formula is checked against calculations written out here from the RSEI rules
(US EPA, "EPA's Risk-Screening Environmental Indicators (RSEI) Methodology", version 2.3.x,
toxicity weights): oral non-cancer TW = 0.5 / RfD; oral cancer TW = SF / 0.00028; inhalation
values converted with 20 m3/day and 70 kg (RfD_inh = RfC * 20/70, SF_inh = IUR * 1000 * 70/20).

Inputs are the toxicity values of the US EPA Regional Screening Levels table (chemical-specific
parameters, 2024 edition): benzene IUR 7.8e-6 (ug/m3)^-1, RfC 3e-2 mg/m3, SFo 5.5e-2
(mg/kg-day)^-1, RfD 4e-3 mg/kg-day (all IRIS); chromium(VI) IUR 8.4e-2, RfC 1e-4, SFo 0.5,
RfD 3e-3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ehrisk.screening import default_weights, rsei_toxicity_weights

REL_TOL = 1e-9  # hand calculation and code do the same arithmetic
RSL_TABLE_REL_TOL = 0.01  # packaged RSL values vs the values quoted above (2 significant digits)

# Hand calculations, written out.
BENZENE_TW_INH_CANCER = 7.8e-6 * 1000 * 70 / 20 / 0.00028  # = 0.0273 / 0.00028 = 97.5
BENZENE_TW_INH_NONCANCER = 0.5 / (0.03 * 20 / 70)  # = 0.5 / 0.008571 = 58.33
BENZENE_TW_ORAL_CANCER = 0.055 / 0.00028  # = 196.43
BENZENE_TW_ORAL_NONCANCER = 0.5 / 0.004  # = 125
CR6_TW_INH_CANCER = 0.084 * 1000 * 3.5 / 0.00028  # = 1.05e6
CR6_TW_INH_NONCANCER = 0.5 / (1e-4 * 20 / 70)  # = 17 500
CR6_TW_ORAL_CANCER = 0.5 / 0.00028  # = 1785.7
CR6_TW_ORAL_NONCANCER = 0.5 / 0.003  # = 166.7


def _tox():
    return pd.DataFrame({
        "iur_per_ug_m3": [7.8e-6, 8.4e-2], "rfc_mg_m3": [3e-2, 1e-4],
        "sfo_per_mg_kg_day": [5.5e-2, 0.5], "rfd_mg_kg_day": [4e-3, 3e-3],
    }, index=pd.Index(["71-43-2", "18540-29-9"], name="cas"))


def test_benzene_and_chromium_vi_route_weights_match_hand_calculation():
    tw = rsei_toxicity_weights(_tox(), default_weights())
    b, c = tw.loc["71-43-2"], tw.loc["18540-29-9"]
    assert b["tw_inh_cancer"] == pytest.approx(BENZENE_TW_INH_CANCER, rel=REL_TOL)
    assert b["tw_inh_noncancer"] == pytest.approx(BENZENE_TW_INH_NONCANCER, rel=REL_TOL)
    assert b["tw_oral_cancer"] == pytest.approx(BENZENE_TW_ORAL_CANCER, rel=REL_TOL)
    assert b["tw_oral_noncancer"] == pytest.approx(BENZENE_TW_ORAL_NONCANCER, rel=REL_TOL)
    # The route weight is the larger of cancer and non-cancer (RSEI).
    assert b["tw_inh"] == pytest.approx(BENZENE_TW_INH_CANCER, rel=REL_TOL)
    assert b["tw_inh_basis"] == "IUR"
    assert b["tw_oral"] == pytest.approx(BENZENE_TW_ORAL_CANCER, rel=REL_TOL)
    assert c["tw_inh"] == pytest.approx(CR6_TW_INH_CANCER, rel=REL_TOL)
    assert c["tw_inh_noncancer"] == pytest.approx(CR6_TW_INH_NONCANCER, rel=REL_TOL)
    assert c["tw_oral"] == pytest.approx(CR6_TW_ORAL_CANCER, rel=REL_TOL)
    assert c["tw_oral_noncancer"] == pytest.approx(CR6_TW_ORAL_NONCANCER, rel=REL_TOL)


def test_weights_table_carries_the_rsei_constants():
    w = default_weights()
    assert w["rsei_rfd_numerator"] == 0.5
    assert w["rsei_sf_denominator"] == 0.00028
    assert w["rsei_inhalation_rate_m3_day"] == 20
    assert w["rsei_body_weight_kg"] == 70


def test_packaged_rsl_table_gives_benzene_weights_of_the_published_values():
    from ehrisk.refdata.toxicity import toxicity

    tox = toxicity("epa-rsl")
    row = tox.loc[["71-43-2"]]
    for col, published in (("iur_per_ug_m3", 7.8e-6), ("rfc_mg_m3", 3e-2),
                           ("sfo_per_mg_kg_day", 5.5e-2), ("rfd_mg_kg_day", 4e-3)):
        assert float(row[col].iloc[0]) == pytest.approx(published, rel=RSL_TABLE_REL_TOL), col
    tw = rsei_toxicity_weights(row, default_weights()).iloc[0]
    assert tw["tw_inh"] == pytest.approx(BENZENE_TW_INH_CANCER, rel=RSL_TABLE_REL_TOL)
    assert tw["tw_oral"] == pytest.approx(BENZENE_TW_ORAL_CANCER, rel=RSL_TABLE_REL_TOL)
    assert np.isfinite(tw["tw_inh"])
