"""HJ 941-2018 risk-level adjustment (风险等级调整), every direction.

HJ 941-2018 企业突发环境事件风险分级方法, §8.2: an enterprise penalised within the last three
years (for illegal discharge, illegal transfer or disposal of hazardous waste) has its assessed
level raised by one level, to at most 重大. The clause wording is the package table's
recollection (marked UNCONFIRMED in ``hj941_2018_scores.csv``: no readable copy of the standard
was found); the rule's shape - one level, ceiling 重大, nothing when not penalised - is what is
pinned here, so any change to the step, the ceiling or the trigger fails.

Levels: 一般 (general) < 较大 (larger) < 重大 (major), ranks 1 < 2 < 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ehrisk.grading import hj941_2018 as hj

GENERAL, LARGER, MAJOR = "一般", "较大", "重大"
RANK = {GENERAL: 1, LARGER: 2, MAJOR: 3}
# §8.2, one level up with a ceiling, written out case by case (not computed):
RAISED = {GENERAL: LARGER, LARGER: MAJOR, MAJOR: MAJOR}


def test_level_ranks_order():
    assert hj.level_ranks() == RANK


@pytest.mark.parametrize("before", [GENERAL, LARGER, MAJOR])
@pytest.mark.parametrize("penalised", [False, True])
def test_upgrade_function_each_level(before, penalised):
    after = hj.upgrade(np.array([RANK[before]]), np.array([penalised]))
    want = RAISED[before] if penalised else before
    assert int(after[0]) == RANK[want]


def test_upgrade_vectorised_mixed():
    ranks = np.array([1, 2, 3, 1, 2, 3])
    pen = np.array([False, False, False, True, True, True])
    np.testing.assert_array_equal(hj.upgrade(ranks, pen), [1, 2, 3, 2, 3, 3])


# ---- through the whole grading: an enterprise built to sit at each level -----------------
# Benzene (CAS 71-43-2) critical quantity 10 t (HJ 941-2018 附录A); M = 10 per hazardous
# process set; E from the population within 5 km. Levels from the matrix (表5 / 表9).
CASES = {
    # Q = 15/10 = 1.5 -> Q1; M = 0 -> M1; nobody within 5 km -> air E3; no water flags -> E3:
    # E3-Q1-M1 = 一般 for air and water.
    GENERAL: dict(benzene_t=15.0, process_sets=0, pop_5km=0.0),
    # Q = 15 -> Q2; M = 20 -> M1; 60 000 within 5 km -> air E1: E1-Q2-M1 = 较大;
    # water E3-Q2-M1 = 一般; enterprise 较大.
    LARGER: dict(benzene_t=150.0, process_sets=2, pop_5km=60000.0),
    # Q = 150 -> Q3; M1; air E1: E1-Q3-M1 = 重大.
    MAJOR: dict(benzene_t=1500.0, process_sets=0, pop_5km=60000.0),
}


def _mg(cc, process_sets, penalised):
    row = dict(credit_code=cc, n_hazardous_process_sets=process_sets, n_tank_farms=0,
               toxic_gas_leak_monitoring=True, protection_distance_ok=True,
               air_events_3yr="none", water_events_3yr="none", penalised_3yr=penalised,
               **{f"water_{m}": True for m in (
                   "containment", "accident_wastewater_collection", "clean_wastewater_system",
                   "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
                   "hazardous_waste_management")})
    return row


def _grade_all(penalised: bool) -> pd.DataFrame:
    st, mg, sens = [], [], []
    for lv, c in CASES.items():
        cc = f"E-{RANK[lv]}"
        st.append(dict(credit_code=cc, cas="71-43-2", max_quantity_t=c["benzene_t"]))
        mg.append(_mg(cc, c["process_sets"], penalised))
        sens.append(dict(credit_code=cc, pop_5km=c["pop_5km"], pop_500m=0.0))
    out = hj.grade_hj941_2018(pd.DataFrame(st), pd.DataFrame(mg), pd.DataFrame(sens))
    return out.set_index("credit_code")


@pytest.fixture(scope="module")
def graded():
    return {False: _grade_all(False), True: _grade_all(True)}


@pytest.mark.parametrize("before", [GENERAL, LARGER, MAJOR])
def test_not_penalised_keeps_level(graded, before):
    g = graded[False].loc[f"E-{RANK[before]}"]
    assert g["level_before_upgrade"] == before
    assert g["level"] == before
    assert not g["upgraded"] and not g["penalised_3yr"]
    assert g["level_rank"] == RANK[before]


@pytest.mark.parametrize("before", [GENERAL, LARGER, MAJOR])
def test_penalised_raises_one_level_capped(graded, before):
    g = graded[True].loc[f"E-{RANK[before]}"]
    assert g["level_before_upgrade"] == before
    assert g["penalised_3yr"]
    assert g["level"] == RAISED[before]
    assert g["level_rank"] == RANK[RAISED[before]]
    assert bool(g["upgraded"]) == (before != MAJOR)       # 重大 cannot go higher
    # the written code leads with the adjusted level; the media codes keep the matrix level
    assert g["code"].startswith(f"{RAISED[before]}[")
    assert g["level_en"] == {GENERAL: "general", LARGER: "larger", MAJOR: "major"}[
        RAISED[before]]


def test_penalty_changes_nothing_but_the_enterprise_level(graded):
    a, b = graded[False], graded[True]
    for col in ("code_air", "code_water", "level_air", "level_water", "level_before_upgrade"):
        assert list(a[col]) == list(b[col]), col
