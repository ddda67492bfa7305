"""HJ 941-2018 grading: Q, bands, E, matrix, upgrade, written code (hand-computed cases)."""

from __future__ import annotations

import pandas as pd
import pytest

from ehrisk.grading import hj941_2018 as hj


def _mg(cc="E1", **kw):
    row = dict(credit_code=cc, n_hazardous_process_sets=0, n_tank_farms=0,
               toxic_gas_leak_monitoring=True, protection_distance_ok=True,
               air_events_3yr="none", water_events_3yr="none", penalised_3yr=False,
               **{f"water_{m}": True for m in (
                   "containment", "accident_wastewater_collection", "clean_wastewater_system",
                   "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
                   "hazardous_waste_management")})
    row.update(kw)
    return pd.DataFrame([row])


def test_q_hand_computed_small_enterprise():
    # benzene 25 t / 10 t + chlorine 0.5 t / 1 t + ammonia 12 t / 5 t (HJ 169-2018 B.1 values,
    # standards-facts.md §1.1) = 2.5 + 0.5 + 2.4 = 5.4 for air
    st = pd.DataFrame({"credit_code": ["A"] * 4,
                       "cas": ["71-43-2", "7782-50-5", "7664-41-7", "9999-99-9"],
                       "max_quantity_t": [25.0, 0.5, 12.0, 3.0]})
    q = hj.q_ratio(st, "air").iloc[0]
    assert q["q"] == pytest.approx(25 / 10 + 0.5 / 1 + 12 / 5, rel=1e-12)
    assert q["top_substance"] == "71-43-2"
    assert q["unlisted_cas"] == "9999-99-9"


def test_q_water_excludes_air_only_gases():
    # LPG (10 t) counts for air only in the table: water Q is sulfuric acid only 30/10 = 3
    st = pd.DataFrame({"credit_code": ["A", "A"], "cas": ["68476-85-7", "7664-93-9"],
                       "max_quantity_t": [50.0, 30.0]})
    assert hj.q_ratio(st, "water").iloc[0]["q"] == pytest.approx(3.0)
    assert hj.q_ratio(st, "air").iloc[0]["q"] == pytest.approx(5.0)


def test_q_band_edges():
    assert list(hj.q_band([0.999, 1.0, 9.999, 10.0, 99.99, 100.0, 1e6])) == [
        "Q0", "Q1", "Q1", "Q2", "Q2", "Q3", "Q3"]


def test_m_band_edges():
    assert list(hj.m_band([0, 24.9, 25, 44.9, 45, 59.9, 60, 100])) == [
        "M1", "M1", "M2", "M2", "M3", "M3", "M4", "M4"]


def test_m_score_hand_computed_and_cap():
    # 2 hazardous sets x 10 + 1 tank farm x 5 = 25; no leak monitoring +25; larger event +15
    m = hj.m_score(_mg(n_hazardous_process_sets=2, n_tank_farms=1,
                       toxic_gas_leak_monitoring=False, air_events_3yr="较大"), "air").iloc[0]
    assert (m["m_process"], m["m_control"], m["m_events"], m["m"]) == (25, 25, 15, 65)
    # 5 sets x 10 = 50 capped at 30
    assert hj.m_score(_mg(n_hazardous_process_sets=5), "air").iloc[0]["m_process"] == 30
    # water: missing wastewater treatment (12) + hazardous waste management (10) + general (4)
    w = hj.m_score(_mg(water_wastewater_treatment=False, water_hazardous_waste_management=False,
                       water_events_3yr="general"), "water").iloc[0]
    assert w["m"] == 12 + 10 + 4
    assert w["m_missing"] == "water_wastewater_treatment;water_hazardous_waste_management"


def test_e_air_population_thresholds():
    s = pd.DataFrame({"pop_5km": [50001, 50000, 10000, 9999, 0, 0, 0, 0],
                      "pop_500m": [0, 0, 0, 0, 1001, 1000, 500, 499]})
    assert list(hj.e_code(s, "air")) == ["E1", "E2", "E2", "E3", "E1", "E2", "E2", "E3"]


def test_e_water_flags():
    s = pd.DataFrame({"drinking_water_10km_downstream": [True, False, False],
                      "karst_or_flood_terrain": [True, True, False]})
    assert list(hj.e_code(s, "water")) == ["E1", "E2", "E3"]


# matrix as written in standards-facts.md §1.4 (recollection of HJ 941-2018 表5/表9)
MATRIX = {
    "E1": [["较大", "较大", "重大", "重大"], ["较大", "重大", "重大", "重大"], ["重大"] * 4],
    "E2": [["一般", "较大", "较大", "重大"], ["较大", "较大", "重大", "重大"],
           ["较大", "重大", "重大", "重大"]],
    "E3": [["一般", "一般", "较大", "较大"], ["一般", "较大", "较大", "重大"],
           ["较大", "较大", "重大", "重大"]],
}


def test_level_matrix_all_cells():
    q, m, e, want = [], [], [], []
    for ec, rows in MATRIX.items():
        for qi, row in enumerate(rows):
            for mi, lv in enumerate(row):
                q.append(f"Q{qi + 1}")
                m.append(f"M{mi + 1}")
                e.append(ec)
                want.append(lv)
    assert list(hj.matrix_level(q, m, e)) == want
    assert list(hj.matrix_level(["Q0"] * 3, ["M4"] * 3, ["E1", "E2", "E3"])) == ["一般"] * 3


def test_grade_written_code_enterprise_level_and_upgrade():
    # air: benzene 150 t / 10 = 15 -> Q2; M = 2x10 = 20 -> M1; 60 000 within 5 km -> E1:
    # matrix E1-Q2-M1 = 较大.  water: benzene counts too (Q2), M1, no flags -> E3: 一般.
    st = pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"], "max_quantity_t": [150.0]})
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [60000.0], "pop_500m": [0.0]})
    g = hj.grade_hj941_2018(st, _mg("A", n_hazardous_process_sets=2), sens).iloc[0]
    assert g["code_air"] == "较大-大气（Q2-M1-E1）"
    assert g["code_water"] == "一般-水（Q2-M1-E3）"
    assert g["code"] == "较大[较大-大气（Q2-M1-E1）+一般-水（Q2-M1-E3）]"
    assert not g["upgraded"]
    up = hj.grade_hj941_2018(st, _mg("A", n_hazardous_process_sets=2, penalised_3yr=True),
                             sens).iloc[0]
    assert up["level"] == "重大" and up["upgraded"]


def test_no_substance_is_q0_general():
    st = pd.DataFrame({"credit_code": ["X"], "cas": ["71-43-2"], "max_quantity_t": [1.0]})
    sens = pd.DataFrame({"credit_code": ["A", "X"], "pop_5km": [1e6, 0], "pop_500m": [0, 0]})
    g = hj.grade_hj941_2018(st, _mg("A", n_hazardous_process_sets=3), sens).iloc[0]
    assert g["code"] == "一般[一般-大气（Q0）+一般-水（Q0）]"


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        hj.q_ratio(pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"],
                                 "max_quantity_t": [-1.0]}), "air")
    with pytest.raises(ValueError):
        hj.m_score(_mg(air_events_3yr="huge"), "air")
    with pytest.raises(KeyError):
        hj.grade_hj941_2018(pd.DataFrame(columns=["credit_code", "cas", "max_quantity_t"]),
                            _mg("A"), pd.DataFrame({"credit_code": ["B"], "pop_5km": [0],
                                                    "pop_500m": [0]}))


def test_water_q_follows_hj941_7_1_gas_list():
    # HJ 941-2018 §7.1 (text as reproduced at huanwenwen.com/article-55601.html): water Q counts
    # parts 3-8 plus only those part 1-2 gases it names (甲醛, 氯化氢, 氨, 环氧乙烷, 二氧化氮,
    # 二氧化硫, ...). Chlorine and hydrogen sulfide are not named -> air only; NO2 is named.
    # Hand computation with HJ 169-2018 B.1 critical quantities (Cl2 1 t, H2S 2.5 t, NO2 1 t):
    # water Q = 2/1 (NO2) = 2.0; air Q = 3/1 + 5/2.5 + 2/1 = 7.0
    st = pd.DataFrame({"credit_code": ["A"] * 3,
                       "cas": ["7782-50-5", "7783-06-4", "10102-44-0"],
                       "max_quantity_t": [3.0, 5.0, 2.0]})
    assert hj.q_ratio(st, "water").iloc[0]["q"] == pytest.approx(2.0)
    assert hj.q_ratio(st, "air").iloc[0]["q"] == pytest.approx(3 / 1 + 5 / 2.5 + 2 / 1)
