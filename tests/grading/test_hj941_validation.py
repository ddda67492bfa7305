"""HJ 941-2018 grading: every output column of a hand-computed enterprise, the M arithmetic
for each process kind and the cap, absent or blank flags, and the refusals of bad input.

Written to kill the mutants that survived ``tools/mutation.py grading/hj941_2018.py`` (see
docs/mutation.md). Numbers are worked by hand from the published values:

- critical quantities, HJ 169-2018 附录B 表B.1 (the package's proxy for HJ 941-2018 附录A):
  benzene 71-43-2 10 t, toluene 108-88-3 10 t, chlorine 7782-50-5 1 t (a gas: air only);
- process scores, HJ 941-2018 表1: 10 per set of a hazardous process, 5 per set of other
  high-temperature/high-pressure processes or per tank farm, 5 per set of phased-out
  processes, capped at 30;
- water risk-control items, HJ 941-2018 表5 (7.2): containment 8, accident wastewater 8,
  clean wastewater 8, rainwater 8, wastewater treatment 12, sewer discharge permit 8,
  hazardous waste management 10 (62 in all); air items 表2: toxic gas monitoring 25,
  protection distance 25; past events (air) none/general/larger/major 0/10/15/20, (water)
  0/4/6/8.
The clause numbers and scores other than B.1 are the package table's recollection of HJ 941
(marked there); another check confirms the tables against the standard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ehrisk.grading import hj941_2018 as hj

WATER_FLAGS = ("containment", "accident_wastewater_collection", "clean_wastewater_system",
               "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
               "hazardous_waste_management")
WATER_SCORES = {"containment": 8, "accident_wastewater_collection": 8,
                "clean_wastewater_system": 8, "rainwater_system": 8,
                "wastewater_treatment": 12, "sewer_discharge_permit": 8,
                "hazardous_waste_management": 10}


def _mg(cc="E1", water=True, **kw):
    row = dict(credit_code=cc, n_hazardous_process_sets=0, n_other_process_sets=0,
               n_tank_farms=0, n_phase_out_sets=0, toxic_gas_leak_monitoring=True,
               protection_distance_ok=True, air_events_3yr="none", water_events_3yr="none",
               penalised_3yr=False)
    if water:
        row.update({f"water_{m}": True for m in WATER_FLAGS})
    row.update(kw)
    return pd.DataFrame([row])


# ------------------------------------------------------------------------------ M score
@pytest.mark.parametrize("kw, process", [
    (dict(n_hazardous_process_sets=1), 10.0),
    (dict(n_other_process_sets=1), 5.0),
    (dict(n_tank_farms=2), 10.0),
    (dict(n_phase_out_sets=1), 5.0),
    (dict(n_phase_out_sets=2, n_hazardous_process_sets=1), 20.0),
    (dict(n_other_process_sets=1, n_tank_farms=1, n_phase_out_sets=1), 15.0),
    (dict(n_hazardous_process_sets=2, n_phase_out_sets=3), 30.0),      # 20 + 15 = 35 -> cap
])
def test_m_process_score_each_kind_and_cap(kw, process):
    for medium in ("air", "water"):
        m = hj.m_score(_mg(**kw), medium).iloc[0]
        assert m["m_process"] == process
        assert m["m_control"] == 0.0 and m["m_events"] == 0.0
        assert m["m"] == process
        assert m["m_missing"] == ""


def test_absent_water_flags_count_as_not_in_place():
    m = hj.m_score(_mg(water=False), "water").iloc[0]
    assert m["m_control"] == sum(WATER_SCORES.values()) == 62
    assert m["m_missing"].split(";") == [f"water_{k}" for k in WATER_FLAGS]
    # air has nothing missing: its flags default to in place (MANAGEMENT_DEFAULTS)
    assert hj.m_score(_mg(water=False), "air").iloc[0]["m_control"] == 0.0


def test_blank_flag_counts_as_not_in_place():
    kw = {"water_wastewater_treatment": None, "toxic_gas_leak_monitoring": None}
    mg = _mg(**kw)
    assert hj.m_score(mg, "water").iloc[0]["m_control"] == 12.0
    assert hj.m_score(mg, "water").iloc[0]["m_missing"] == "water_wastewater_treatment"
    assert hj.m_score(mg, "air").iloc[0]["m_control"] == 25.0


@pytest.mark.parametrize("word, air, water", [
    ("none", 0, 0), ("一般", 10, 4), ("larger", 15, 6), ("重大", 20, 8), ("Major ", 20, 8)])
def test_event_scores(word, air, water):
    mg = _mg(air_events_3yr=word, water_events_3yr=word)
    assert hj.m_score(mg, "air").iloc[0]["m_events"] == air
    assert hj.m_score(mg, "water").iloc[0]["m_events"] == water


# ------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("col", ["n_hazardous_process_sets", "n_other_process_sets",
                                 "n_phase_out_sets"])
@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_m_refuses_negative_or_blank_counts(col, bad):
    with pytest.raises(ValueError, match=f"{col} must be finite and >= 0"):
        hj.m_score(_mg(**{col: bad}), "air")


def test_unknown_event_word_and_medium_refused():
    with pytest.raises(ValueError, match=r"air_events_3yr: unknown event level\(s\) \['huge'\]"):
        hj.m_score(_mg(air_events_3yr="huge"), "air")
    with pytest.raises(ValueError, match="medium must be one of"):
        hj.m_score(_mg(), "soil")
    with pytest.raises(ValueError, match="medium must be one of"):
        hj.q_ratio(pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"],
                                 "max_quantity_t": [1.0]}), "soil")
    with pytest.raises(KeyError, match="^\"management needs column 'credit_code'\"$"):
        hj.m_score(_mg().drop(columns="credit_code"), "air")


def test_q_refuses_negative_and_blank_but_accepts_zero():
    def st(q):
        return pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"], "max_quantity_t": [q]})
    for bad in (-0.1, np.nan, np.inf):
        with pytest.raises(ValueError, match="^max_quantity_t must be finite and >= 0$"):
            hj.q_ratio(st(bad), "air")
    assert hj.q_ratio(st(0.0), "air").iloc[0]["q"] == 0.0
    with pytest.raises(KeyError, match="storages needs column 'max_quantity_t'"):
        hj.q_ratio(st(1.0).drop(columns="max_quantity_t"), "air")


@pytest.mark.parametrize("fn, section", [(hj.q_band, "q_band"), (hj.m_band, "m_band")])
def test_bands_refuse_negative_or_blank(fn, section):
    for bad in ([-1.0], [np.nan]):
        with pytest.raises(ValueError, match=f"{section}: values must be finite and >= 0"):
            fn(bad)


def test_e_refuses_negative_population_and_missing_column():
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [-5.0], "pop_500m": [0.0]})
    with pytest.raises(ValueError, match="pop_5km must be finite and >= 0"):
        hj.e_code(sens, "air")
    with pytest.raises(ValueError, match="pop_500m must be finite and >= 0"):
        hj.e_code(sens.assign(pop_5km=0.0, pop_500m=np.nan), "air")
    with pytest.raises(KeyError, match="sensitivity needs column 'pop_500m' for air E"):
        hj.e_code(sens.drop(columns="pop_500m").assign(pop_5km=0.0), "air")


def test_e_blank_water_flag_is_false():
    # a blank flag must not raise the class: nothing downstream -> E3
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [0.0], "pop_500m": [0.0],
                         "drinking_water_10km_downstream": [None],
                         "sensitive_area_10km_downstream": [None]})
    assert list(hj.e_code(sens, "water")) == ["E3"]


def test_grade_refuses_duplicates_and_missing_sensitivity():
    st = pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"], "max_quantity_t": [1.0]})
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [0.0], "pop_500m": [0.0]})
    with pytest.raises(ValueError, match=r"management has duplicate credit_code: \['A'\]"):
        hj.grade_hj941_2018(st, pd.concat([_mg("A"), _mg("A")]), sens)
    with pytest.raises(KeyError, match=r"sensitivity has no row for 1 enterprise\(s\).*'B'"):
        hj.grade_hj941_2018(st, pd.concat([_mg("A"), _mg("B")]), sens)


# --------------------------------------------------------- every output, by hand
def test_grade_every_column_hand_computed():
    # A: benzene 150 t (15), toluene 20 t (2), chlorine 3 t (3, air only), an unlisted CAS.
    #   air Q = 15 + 2 + 3 = 20 -> Q2 (10 <= Q < 100); water Q = 17 -> Q2.
    #   M air: 1 hazardous process set (10) + toxic gas monitoring missing (25) + a larger
    #   event (15) = 50 -> M3 (45 <= M < 60); water: 10 + wastewater treatment missing (12)
    #   = 22 -> M1 (< 25).
    #   E air: 20 000 within 5 km -> E2 (>= 10 000); water: sensitive area downstream -> E2.
    #   matrix E2-Q2-M3 = 重大 (air); E2-Q2-M1 = 较大 (water); enterprise 重大; penalty blank.
    st = pd.DataFrame({"credit_code": ["A"] * 4,
                       "cas": ["71-43-2", "108-88-3", "7782-50-5", "99999-99-9"],
                       "max_quantity_t": [150.0, 20.0, 3.0, 7.0]})
    mg = _mg("A", n_hazardous_process_sets=1, toxic_gas_leak_monitoring=False,
             air_events_3yr="较大", water_wastewater_treatment=False, penalised_3yr=None)
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [20000.0], "pop_500m": [0.0],
                         "sensitive_area_10km_downstream": [True]})
    g = hj.grade_hj941_2018(st, mg, sens).iloc[0]
    assert g["q_air"] == pytest.approx(20.0) and g["q_water"] == pytest.approx(17.0)
    assert (g["q_code_air"], g["q_code_water"]) == ("Q2", "Q2")
    assert (g["m_air"], g["m_water"]) == (50.0, 22.0)
    assert (g["m_code_air"], g["m_code_water"]) == ("M3", "M1")
    assert (g["e_code_air"], g["e_code_water"]) == ("E2", "E2")
    assert (g["level_air"], g["level_water"]) == ("重大", "较大")
    assert g["code_air"] == "重大-大气（Q2-M3-E2）"
    assert g["code_water"] == "较大-水（Q2-M1-E2）"
    assert (g["top_substance_air"], g["top_substance_water"]) == ("71-43-2", "71-43-2")
    assert g["m_missing_air"] == "toxic_gas_leak_monitoring"
    assert g["m_missing_water"] == "water_wastewater_treatment"
    assert g["unlisted_cas"] == "99999-99-9"
    assert g["level_before_upgrade"] == "重大" and g["level"] == "重大"
    assert g["penalised_3yr"] is False or g["penalised_3yr"] == np.False_
    assert not g["upgraded"]
    assert g["level_rank"] == 3 and g["level_en"] == "major"
    assert g["code"] == "重大[重大-大气（Q2-M3-E2）+较大-水（Q2-M1-E2）]"


def test_q_ratio_counts_top_and_unlisted():
    st = pd.DataFrame({"credit_code": ["B", "B", "B", "C"],
                       "cas": ["108-88-3", "71-43-2", "99999-99-9", "99999-99-9"],
                       "max_quantity_t": [30.0, 20.0, 1.0, 1.0]})
    q = hj.q_ratio(st, "air").set_index("credit_code")
    assert list(q.columns) == ["q", "n_substances_counted", "top_substance", "unlisted_cas"]
    assert q.loc["B", "q"] == pytest.approx(5.0)            # 30/10 + 20/10
    assert q.loc["B", "n_substances_counted"] == 2
    assert q.loc["B", "top_substance"] == "108-88-3"
    assert q.loc["B", "unlisted_cas"] == "99999-99-9"
    assert q.loc["C", "q"] == 0.0 and q.loc["C", "n_substances_counted"] == 0
    assert q.loc["C", "top_substance"] == ""


def test_no_matrix_cell_is_refused():
    with pytest.raises(ValueError, match="no matrix cell for Q9-M1-E1"):
        hj.matrix_level(["Q9"], ["M1"], ["E1"])


# ------------------------------------------------------------ more survivors, by hand
def test_e_parameters_are_the_standards_distances():
    # HJ 941-2018 6.3 表4: population within 5 km and within 500 m; 7.3 表8: receptors within
    # 10 km downstream of the outfalls.
    assert hj.e_param("radius_5km_km") == 5.0
    assert hj.e_param("radius_500m_km") == 0.5
    assert hj.e_param("downstream_distance_km") == 10.0
    with pytest.raises(KeyError, match=r"no E parameter 'radius_9km'; known: "
                                       r"[a-z_0-9]+(, [a-z_0-9]+)+"):
        hj.e_param("radius_9km")


def test_unknown_comparison_in_a_table_row_is_refused():
    with pytest.raises(ValueError, match="^unknown comparison 'zz'$"):
        hj._compare(np.array([1.0]), "zz", 1)


def test_cas_with_spaces_and_several_unlisted():
    st = pd.DataFrame({"credit_code": ["A"] * 4,
                       "cas": [" 71-43-2 ", "99999-99-9", "88888-88-8", "108-88-3"],
                       "max_quantity_t": [20.0, 1.0, 1.0, 10.0]})
    q = hj.q_ratio(st, "water").iloc[0]
    assert q["q"] == pytest.approx(3.0)                      # 20/10 + 10/10
    assert q["top_substance"] == "71-43-2"
    assert q["unlisted_cas"] == "88888-88-8;99999-99-9"


def test_q_ratio_without_storages_has_its_columns():
    st = pd.DataFrame({"credit_code": [], "cas": [], "max_quantity_t": []})
    q = hj.q_ratio(st, "air")
    assert len(q) == 0
    assert list(q.columns) == ["credit_code", "q", "n_substances_counted", "top_substance",
                               "unlisted_cas"]


def test_m_score_keeps_credit_codes_and_missing_items_per_enterprise():
    mg = pd.concat([_mg("A", water=False), _mg("B", water=False)], ignore_index=True)
    m = hj.m_score(mg, "water")
    assert list(m["credit_code"]) == ["A", "B"]
    assert list(m["m_control"]) == [62.0, 62.0]
    for miss in m["m_missing"]:
        assert miss.split(";") == [f"water_{k}" for k in WATER_FLAGS]


def test_enterprise_without_storages_has_blank_substance_fields():
    st = pd.DataFrame({"credit_code": ["A"], "cas": ["99999-99-9"], "max_quantity_t": [5.0]})
    sens = pd.DataFrame({"credit_code": ["A", "B"], "pop_5km": [0.0, 0.0],
                         "pop_500m": [0.0, 0.0]})
    g = hj.grade_hj941_2018(st, pd.concat([_mg("A"), _mg("B")]), sens).set_index("credit_code")
    assert g.loc["B", "top_substance_air"] == "" and g.loc["B", "top_substance_water"] == ""
    assert g.loc["B", "unlisted_cas"] == ""
    assert g.loc["A", "unlisted_cas"] == "99999-99-9"
    assert g.loc["A", "top_substance_air"] == ""            # nothing listed counted


def test_first_sensitivity_row_of_an_enterprise_is_used():
    # two rows for A: the first (60 000 within 5 km -> E1) is used, the second ignored.
    st = pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"], "max_quantity_t": [150.0]})
    sens = pd.DataFrame({"credit_code": ["A", "A"], "pop_5km": [60000.0, 0.0],
                         "pop_500m": [0.0, 0.0]})
    g = hj.grade_hj941_2018(st, _mg("A"), sens)
    assert len(g) == 1 and g.iloc[0]["e_code_air"] == "E1"


def test_error_messages_list_at_most_five_duplicates_and_three_missing():
    codes = list("ABCDEFG")
    st = pd.DataFrame({"credit_code": ["A"], "cas": ["71-43-2"], "max_quantity_t": [1.0]})
    sens = pd.DataFrame({"credit_code": ["A"], "pop_5km": [0.0], "pop_500m": [0.0]})
    dup = pd.concat([_mg(c) for c in codes + codes], ignore_index=True)
    with pytest.raises(ValueError, match=r"duplicate credit_code: \['A', 'B', 'C', 'D', 'E'\]$"):
        hj.grade_hj941_2018(st, dup, sens)
    many = pd.concat([_mg(c) for c in codes], ignore_index=True)
    with pytest.raises(KeyError, match=r"no row for 6 enterprise\(s\), e.g. \['B', 'C', 'D'\]"):
        hj.grade_hj941_2018(st, many, sens)


@pytest.mark.parametrize("flags", [
    pd.Series([1.0, np.nan]),                               # a numeric column with a blank
    pd.Series([True, pd.NA], dtype="boolean"),              # pandas nullable booleans
    pd.Series([True, None], dtype=object),
])
def test_flag_columns_yes_and_blank_in_any_dtype(flags):
    # first enterprise: treatment in place (yes) -> 0; second: blank -> not in place -> 12
    mg = pd.concat([_mg("A"), _mg("B")], ignore_index=True)
    mg["water_wastewater_treatment"] = flags
    m = hj.m_score(mg, "water")
    assert list(m["m_control"]) == [0.0, 12.0]
    assert list(m["m_missing"]) == ["", "water_wastewater_treatment"]
    sens = pd.DataFrame({"credit_code": ["A", "B"], "pop_5km": [0.0, 0.0],
                         "pop_500m": [0.0, 0.0], "drinking_water_10km_downstream": flags})
    assert list(hj.e_code(sens, "water")) == ["E1", "E3"]


def test_no_enterprises_gives_empty_scores():
    m = hj.m_score(_mg().iloc[0:0], "water")
    assert len(m) == 0 and "m" in m.columns
