"""Priority-pollutant screening: scores, tiers, list rule, weights, stability, inputs, CLI.

Expected numbers are hand calculations written out in each test (never taken from the code).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehrisk.errors import InputError
from ehrisk.screening import (
    SubstanceCatalog,
    assign_tiers,
    build_components,
    default_weights,
    jaccard,
    screen,
    stability_report,
    substance_scores,
    top_n,
)
from ehrisk.screening.exposure import haversine_km, population_near_sources
from ehrisk.screening.inventory import prepare_emissions
from ehrisk.screening.toxicity_weights import rsei_toxicity_weights

# ----------------------------------------------------------------------------- fixtures

TOX = pd.DataFrame({
    "cas": ["71-43-2", "108-88-3", "7440-43-9", "X-PM2.5", "50-00-0"],
    "name_en": ["benzene", "toluene", "cadmium", "PM2.5", "formaldehyde"],
    "iur_per_ug_m3": [7.8e-6, np.nan, 1.8e-3, np.nan, 1.3e-5],
    "rfc_mg_m3": [0.03, 5.0, 1e-5, np.nan, 0.0098],
    "sfo_per_mg_kg_day": [0.055, np.nan, np.nan, np.nan, np.nan],
    "rfd_mg_kg_day": [0.004, 0.08, 1e-4, np.nan, 0.2],
}).set_index("cas", drop=False)

CHEM = pd.DataFrame({
    "cas": ["71-43-2", "108-88-3", "7440-43-9", "X-PM2.5", "50-00-0"],
    "name_zh": ["苯", "甲苯", "镉", "细颗粒物", "甲醛"],
    "name_en": ["benzene", "toluene", "cadmium", "PM2.5", "formaldehyde"],
    "persistent": [False, False, True, False, False],
    "bioaccumulative": [False, False, True, False, False],
    "log_kow": [2.13, 2.73, np.nan, np.nan, 0.35],
    "bcf_l_kg": [np.nan] * 5,
}).set_index("cas", drop=False)

LISTS = {"71-43-2": ("priority_chemicals_batch2_2020",), "7440-43-9": ("air_toxics_2018", "water_toxics_2019"),
         "50-00-0": ("air_toxics_2018",)}


@pytest.fixture()
def catalog():
    return SubstanceCatalog.from_frames(TOX, CHEM, LISTS, dataset="fixture")


@pytest.fixture()
def weights():
    return default_weights()


def _em(rows):
    return pd.DataFrame(rows, columns=["enterprise", "cas", "medium", "emission_t_yr"])


def _simple_catalog(tw_inh: dict[str, float]) -> SubstanceCatalog:
    """Catalog whose inhalation TW equals the given numbers exactly: RfC chosen so that
    0.5 / (RfC * 20/70) = TW, i.e. RfC = 0.5 * 70 / (20 * TW)."""
    cas = list(tw_inh)
    tox = pd.DataFrame({"rfc_mg_m3": [0.5 * 70 / (20 * tw_inh[c]) for c in cas],
                        "name_en": cas}, index=pd.Index(cas, name="cas"))
    return SubstanceCatalog.from_frames(tox, dataset="fixture")


# ----------------------------------------------------------------------------- weights table

def test_every_weight_row_has_a_source_and_defaults_validate(weights):
    from ehrisk.refdata import load_table

    df = load_table("screening_weights")
    assert (df["source"].str.strip() != "").all()
    assert {"medium_factor_air", "persistence_factor", "list_bonus",
            "tier_priority_cum_share"} <= set(df["parameter"])
    assert weights.medium_factors["air"] == 1.0


def test_overrides_checked(weights):
    w = weights.with_overrides({"persistence_factor": 3, "medium_factor_groundwater": 0.2})
    assert w["persistence_factor"] == 3.0 and w.medium_factors["groundwater"] == 0.2
    with pytest.raises(KeyError, match="unknown weight"):
        weights.with_overrides({"persistance_factor": 3})
    with pytest.raises(ValueError, match="must be > 0"):
        weights.with_overrides({"toxicity_exponent": 0})
    with pytest.raises(ValueError, match="must be a number"):
        weights.with_overrides({"list_bonus": "high"})
    with pytest.raises(ValueError, match="must not exceed"):
        weights.with_overrides({"tier_priority_cum_share": 0.99, "tier_watch_cum_share": 0.9})


# ----------------------------------------------------------------------------- toxicity weights

def test_route_fallback_adopts_the_other_route(weights):
    # Toluene: RfC 5 -> TW_inh = 0.5 / (5 * 20/70) = 0.35; RfD 0.08 -> TW_oral = 6.25.
    # A substance with only an RfD (0.1): TW_oral = 5, inhalation adopted = 5 (fallback on).
    tox = pd.DataFrame({"rfc_mg_m3": [5.0, np.nan], "rfd_mg_kg_day": [0.08, 0.1]},
                       index=["108-88-3", "X-ONLY-ORAL"])
    tw = rsei_toxicity_weights(tox, weights)
    assert tw.loc["108-88-3", "tw_inh"] == pytest.approx(0.35)
    assert tw.loc["108-88-3", "tw_oral"] == pytest.approx(6.25)
    assert tw.loc["X-ONLY-ORAL", "tw_inh"] == pytest.approx(5.0)
    assert tw.loc["X-ONLY-ORAL", "tw_inh_basis"] == "RfD (adopted)"
    off = rsei_toxicity_weights(tox, weights.with_overrides({"rsei_route_fallback": 0}))
    assert math.isnan(off.loc["X-ONLY-ORAL", "tw_inh"])


# ----------------------------------------------------------------------------- scores

def test_score_matches_hand_calculation(catalog, weights):
    # Benzene to air: TW_inh = 7.8e-6*1000*70/20/0.00028 = 97.5.
    #   A: 12 t, 200 000 people; B: 3 t, 50 000 people; air factor 1.
    #   base = 97.5*12*200000 + 97.5*3*50000 = 234e6 + 14.625e6 = 248.625e6; list x1.5
    # Cadmium to water: TW_oral = 0.5/1e-4 = 5000 (no oral SF); 0.01 t at B, water factor 0.5
    #   base = 5000*0.01*0.5*50000 = 1.25e6; persistent x2, bioaccumulative x2, listed x1.5
    #   score = 1.25e6 * 2 * 2 * 1.5 = 7.5e6
    em = _em([("A", "71-43-2", "air", 12.0), ("B", "71-43-2", "air", 3.0),
              ("B", "7440-43-9", "water", 0.01)])
    pop = pd.Series({"A": 200_000.0, "B": 50_000.0})
    res = screen(em, catalog, weights, pop)
    t = res.table.set_index("cas")
    assert t.loc["71-43-2", "base_score"] == pytest.approx(248.625e6)
    assert t.loc["71-43-2", "score"] == pytest.approx(248.625e6 * 1.5)
    assert t.loc["7440-43-9", "score_water"] == pytest.approx(1.25e6)
    assert t.loc["7440-43-9", "score"] == pytest.approx(7.5e6)
    assert t.loc["71-43-2", "top_enterprise"] == "A"
    assert t.loc["71-43-2", "emission_t_yr"] == pytest.approx(15.0)
    assert t.loc["71-43-2", "population_max"] == pytest.approx(200_000)
    assert res.table["cas"].tolist()[:2] == ["71-43-2", "7440-43-9"]
    reason = t.loc["71-43-2", "reason_zh"]
    assert reason.startswith("苯：") and "97.5" in reason and "20 万" in reason
    assert "优先控制化学品名录（第二批）" in reason and "（第 1 位，占总分 98.0%）" in reason
    # benzene is the only substance emitted to air: first of the air views
    assert reason.endswith("入选依据：大气致癌第 1 位、大气非致癌第 1 位、总分累计占比")
    assert "benzene" in t.loc["71-43-2", "reason_en"]


def test_without_population_exposure_is_medium_factor(catalog, weights):
    # Toluene 10 t to air: TW_inh 0.35 -> score 3.5; 10 t to water: TW_oral 6.25 * 0.5 -> 31.25
    em = _em([("A", "108-88-3", "air", 10.0), ("A", "108-88-3", "water", 10.0)])
    t = screen(em, catalog, weights).table.set_index("cas")
    assert t.loc["108-88-3", "score_air"] == pytest.approx(3.5)
    assert t.loc["108-88-3", "score_water"] == pytest.approx(31.25)
    assert t.loc["108-88-3", "score"] == pytest.approx(34.75)


def test_substance_without_toxicity_is_unscored_general(catalog, weights):
    em = _em([("A", "X-PM2.5", "air", 100.0), ("A", "108-88-3", "air", 1.0)])
    t = screen(em, catalog, weights).table.set_index("cas")
    assert math.isnan(t.loc["X-PM2.5", "score"]) and math.isnan(t.loc["X-PM2.5", "rank"])
    assert t.loc["X-PM2.5", "tier_name"] == "general"
    assert "not scored" in t.loc["X-PM2.5", "reason_en"]


amounts = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(q=st.lists(amounts, min_size=4, max_size=4), extra=st.floats(0.0, 1e3),
       row=st.integers(0, 3))
def test_more_emission_never_lowers_a_score(q, extra, row):
    cat = SubstanceCatalog.from_frames(TOX, CHEM, LISTS)
    w = default_weights()
    rows = [("A", "71-43-2", "air", q[0]), ("B", "71-43-2", "water", q[1]),
            ("A", "7440-43-9", "air", q[2]), ("B", "50-00-0", "air", q[3])]
    pop = pd.Series({"A": 1000.0, "B": 30.0})
    base = substance_scores(build_components(_em(rows), cat, w, pop), w)["score"]
    more = list(rows)
    e, c, m, x = more[row]
    more[row] = (e, c, m, x + extra)
    after = substance_scores(build_components(_em(more), cat, w, pop), w)["score"]
    assert after[c] >= base[c] * (1 - 1e-12)
    others = [k for k in base.index if k != c]
    np.testing.assert_allclose(after[others], base[others])


@settings(max_examples=40, deadline=None)
@given(factor=st.floats(1.0, 1e3), which=st.sampled_from(["iur_per_ug_m3", "rfc_mg_m3",
                                                          "sfo_per_mg_kg_day", "rfd_mg_kg_day"]))
def test_higher_toxicity_never_lowers_a_score(factor, which):
    w = default_weights()
    em = _em([("A", "71-43-2", "air", 5.0), ("A", "71-43-2", "water", 5.0)])
    base = substance_scores(build_components(em, SubstanceCatalog.from_frames(TOX, CHEM), w),
                            w)["score"]["71-43-2"]
    tox = TOX.copy()
    # more toxic: larger IUR/SF, smaller RfC/RfD
    if which in ("iur_per_ug_m3", "sfo_per_mg_kg_day"):
        tox.loc["71-43-2", which] *= factor
    else:
        tox.loc["71-43-2", which] /= factor
    after = substance_scores(build_components(em, SubstanceCatalog.from_frames(tox, CHEM), w),
                             w)["score"]["71-43-2"]
    assert after >= base * (1 - 1e-12)


# ----------------------------------------------------------------------------- tiers

def test_tiers_by_cumulative_share(weights):
    # scores 50, 30, 10, 6, 4 (total 100): preceding cumulative shares 0, .5, .8, .9, .96
    # priority if < 0.80 -> first two; watch if < 0.95 -> next two; general -> last.
    s = pd.Series({"a": 30.0, "b": 50.0, "c": 4.0, "d": 10.0, "e": 6.0, "f": np.nan})
    t = assign_tiers(s, pd.Series(3, index=s.index), weights)
    assert t.index.tolist() == ["b", "a", "d", "e", "c", "f"]
    assert t["tier"].tolist() == [1, 1, 2, 2, 3, 3]
    assert t["rank"].tolist()[:5] == [1, 2, 3, 4, 5] and math.isnan(t["rank"].iloc[5])
    assert t.loc["d", "cum_share"] == pytest.approx(0.9)


def test_list_membership_forces_at_least_watch(weights):
    s = pd.Series({"big": 1000.0, "listed": 1e-6, "plain": 1e-6})
    t = assign_tiers(s, pd.Series({"big": 3, "listed": 2, "plain": 3}), weights)
    assert t.loc["listed", "tier_by_score"] == 3 and t.loc["listed", "tier"] == 2
    assert t.loc["plain", "tier"] == 3


def test_listed_substance_with_tiny_emission_is_watch_with_reason(catalog, weights):
    em = _em([("A", "108-88-3", "air", 1000.0), ("A", "50-00-0", "air", 1e-6)])
    t = screen(em, catalog, weights).table.set_index("cas")
    assert t.loc["50-00-0", "tier_name"] == "watch"
    assert "因列入名录提升" in t.loc["50-00-0", "reason_zh"]
    assert t.loc["50-00-0", "list_multiplier"] == pytest.approx(1.5)


# ----------------------------------------------------------------------------- stability

def test_stability_report_on_hand_built_case(weights):
    # Air only, no population: score = TW^a * Q^b.
    #   X: TW 100, Q 1  -> 100;  Y: TW 1, Q 50 -> 50;  Z: TW 10, Q 2 -> 20. Top-1 = X.
    # toxicity exponent 0.5: X 10, Y 50, Z sqrt(10)*2 = 6.32 -> top-1 Y (Jaccard 0);
    #   ranks X1 Y2 Z3 -> X2 Y1 Z3: Spearman 1 - 6*(1+1)/(3*8) = 0.5; Kendall (1 - 2)/3... =
    #   pairs XY discordant, XZ concordant, YZ concordant -> tau = (2 - 1)/3 = 1/3.
    # toxicity exponent 1.5: X 1000, Y 50, Z 63.2 -> top-1 X (Jaccard 1).
    # amount exponent 0.5: X 100, Y 7.07, Z 14.1 -> X; 1.5: X 100, Y 353.6, Z 28.3 -> Y.
    cat = _simple_catalog({"X": 100.0, "Y": 1.0, "Z": 10.0})
    em = _em([("A", "X", "air", 1.0), ("A", "Y", "air", 50.0), ("A", "Z", "air", 2.0)])
    rep = stability_report(build_components(em, cat, weights), weights, n=1)
    assert rep["baseline_top"] == ["X"] and rep["top_n"] == 1
    assert len(rep["runs"]) == 12
    runs = {(r["factor"], r["scale"]): r for r in rep["runs"]}
    r = runs[("toxicity", 0.5)]
    assert r["top"] == ["Y"] and r["jaccard"] == 0.0 and r["entered"] == ["Y"]
    assert r["left"] == ["X"]
    assert r["spearman_rho"] == pytest.approx(0.5)
    assert r["kendall_tau"] == pytest.approx(1 / 3)
    assert runs[("toxicity", 1.5)]["jaccard"] == 1.0
    assert runs[("amount", 0.5)]["top"] == ["X"]
    assert runs[("amount", 1.5)]["top"] == ["Y"]
    # no substance is persistent / listed here: those factors change nothing
    assert runs[("persistence", 0.5)]["jaccard"] == 1.0
    assert runs[("list_bonus", 1.5)]["spearman_rho"] == pytest.approx(1.0)
    assert rep["min_jaccard"] == 0.0 and rep["stable_core"] == []
    assert rep["factor_min_jaccard"]["exposure"] == 1.0


def test_jaccard_and_top_n():
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert jaccard([], []) == 1.0
    assert top_n(pd.Series({"a": 1.0, "b": 3.0, "c": np.nan, "d": 3.0}), 2) == ["b", "d"]


# ----------------------------------------------------------------------------- population

def test_haversine_one_degree_of_latitude():
    # 1 degree of arc = R * pi / 180 = 6371.0088 * 0.0174533 = 111.195 km
    assert float(haversine_km(116.0, 39.0, 116.0, 40.0, 6371.0088)) == pytest.approx(111.195,
                                                                                      rel=1e-5)


def test_population_near_sources_linear_and_uniform():
    # Cells due north of the source at 0, 2.5 and 6 km (R = 5 km):
    #   linear weights 1, 0.5, 0 -> 1000*1 + 400*0.5 + 9999*0 = 1200; uniform: 1400.
    r = 6371.0088
    dlat = np.degrees(np.array([0.0, 2.5, 6.0]) / r)
    pop = np.array([1000.0, 400.0, 9999.0])
    lin = population_near_sources([120.0], [30.0], np.full(3, 120.0), 30.0 + dlat, pop, 5.0, r)
    uni = population_near_sources([120.0], [30.0], np.full(3, 120.0), 30.0 + dlat, pop, 5.0, r,
                                  linear_kernel=False)
    assert lin[0] == pytest.approx(1200.0, rel=1e-9)
    assert uni[0] == pytest.approx(1400.0)


# ----------------------------------------------------------------------------- input checks

def test_prepare_emissions_collects_all_problems(catalog):
    raw = pd.DataFrame({
        "企业": ["E1", "E2", "E3", "E4"],
        "污染物": ["苯", "benzen", "甲苯", "71-43-2"],
        "介质": ["大气", "air", "water", "soil"],
        "排放量": ["1.5", "2", "-3", "4"],
        "单位": ["t/a", "kg/yr", "t/yr", "lb/yr"],
    })
    with pytest.raises(InputError) as ei:
        prepare_emissions(raw, "em.csv", catalog)
    msgs = [str(p) for p in ei.value.problems]
    assert any("row 3" in m and "substance" in m and "did you mean: benzene" in m for m in msgs)
    assert any("row 4" in m and "negative value" in m for m in msgs)
    assert any("row 5" in m and "'unit'" in m and "unknown unit" in m for m in msgs)
    good = prepare_emissions(raw.iloc[[0]], "em.csv", catalog)
    assert good.loc[0, "cas"] == "71-43-2" and good.loc[0, "medium"] == "air"
    assert good.loc[0, "emission_t_yr"] == pytest.approx(1.5)


# ----------------------------------------------------------------------------- CLI

EM_CSV = """enterprise,substance,medium,amount,unit
E1,苯,air,12,t/yr
E1,甲苯,air,50000,kg/yr
E2,benzene,air,3,t/yr
E2,镉,water,10,kg/yr
E3,细颗粒物,air,100,t/yr
"""
POP_CSV = "enterprise,population_5km\nE1,200000\nE2,50000\nE3,1000\n"


@pytest.fixture()
def fixture_cli(cli, monkeypatch):
    import ehrisk.reports.priority_list as service

    monkeypatch.setattr(service, "load_catalog",
                        lambda dataset: SubstanceCatalog.from_frames(TOX, CHEM, LISTS))
    return cli


def test_cli_json_shape_and_files(fixture_cli, tmp_path):
    em = tmp_path / "em.csv"
    em.write_text(EM_CSV, encoding="utf-8")
    pop = tmp_path / "pop.csv"
    pop.write_text(POP_CSV, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = fixture_cli("screen", em, "--population", pop, "--out", out,
                                       "--json", "--top-n", "2")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert {"substances", "tiers", "stability", "weights"} <= set(doc)
    assert doc["substances"][0]["cas"] == "71-43-2"
    assert doc["tiers"]["priority"][0] == "71-43-2"
    assert set(doc["tiers"]) == {"priority", "watch", "general"}
    assert doc["stability"]["top_n"] == 2 and len(doc["stability"]["runs"]) == 12
    assert doc["weights"]["list_bonus"]["value"] == 0.5
    assert doc["substances"][0]["emission_t_yr"] == pytest.approx(15.0)
    assert (out / "priority_list.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    from openpyxl import load_workbook

    wb = load_workbook(out / "priority_list.xlsx", read_only=True)
    assert wb.sheetnames == ["优先控制污染物清单", "分介质分终点排名", "substances", "stability",
                             "weights"]
    assert json.loads((out / "priority_list.json").read_text(encoding="utf-8"))["tiers"]


def test_cli_human_output_and_gbk_file(fixture_cli, tmp_path):
    em = tmp_path / "em_gbk.csv"
    em.write_bytes(EM_CSV.replace("enterprise,substance,medium,amount,unit",
                                  "企业,污染物,介质,排放量,单位").encode("gbk"))
    code, stdout, stderr = fixture_cli("screen", em)
    assert code == 0, stderr
    assert "优先控制污染物清单" in stdout and "stability" in stdout


def test_cli_weights_toml(fixture_cli, tmp_path):
    em = tmp_path / "em.csv"
    em.write_text(EM_CSV, encoding="utf-8")
    wt = tmp_path / "w.toml"
    wt.write_text("[weights]\nlist_bonus = 0.0\n[tiers]\ntier_priority_cum_share = 0.5\n",
                  encoding="utf-8")
    code, stdout, _ = fixture_cli("screen", em, "--weights", wt, "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["weights"]["list_bonus"]["value"] == 0.0
    assert "w.toml" in doc["weights"]["list_bonus"]["source"]
    assert all(s["list_multiplier"] == 1.0 for s in doc["substances"])
    bad = tmp_path / "bad.toml"
    bad.write_text("list_bonuss = 1\npersistence_factor = -2\n", encoding="utf-8")
    code, stdout, stderr = fixture_cli("screen", em, "--weights", bad)
    stderr = " ".join(stderr.split())
    assert code == 2 and "Traceback" not in stderr
    assert "list_bonuss" in stderr and "persistence_factor" in stderr


def test_cli_bad_file_exits_2_listing_every_problem(fixture_cli, tmp_path):
    em = tmp_path / "bad.csv"
    em.write_text("enterprise,substance,medium,amount,unit\n"
                  "E1,benzen,air,1,t/yr\nE1,苯,air,-1,t/yr\nE1,苯,air,1,lb/yr\n"
                  "E1,苯,sky,1,t/yr\n", encoding="utf-8")
    code, stdout, stderr = fixture_cli("screen", em, "--json")
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    stderr = " ".join(stderr.split())  # rich may wrap long lines
    for expected in ("row 2", "did you mean", "row 3", "negative", "row 4", "unknown unit",
                     "row 5", "'medium'"):
        assert expected in stderr, expected


def test_cli_missing_population_and_missing_column(fixture_cli, tmp_path):
    em = tmp_path / "em.csv"
    em.write_text(EM_CSV, encoding="utf-8")
    pop = tmp_path / "pop.csv"
    pop.write_text("enterprise,population_5km\nE1,100\n", encoding="utf-8")
    code, _, stderr = fixture_cli("screen", em, "--population", pop)
    stderr = " ".join(stderr.split())
    assert code == 2 and "'E2'" in stderr and "'E3'" in stderr
    em2 = tmp_path / "em2.csv"
    em2.write_text("enterprise,substance,amount\nE1,苯,1\n", encoding="utf-8")
    code, _, stderr = fixture_cli("screen", em2)
    stderr = " ".join(stderr.split())
    assert code == 2 and "medium" in stderr and "unit" in stderr


def test_cli_population_grid(fixture_cli, tmp_path):
    # E1 at (120, 30) with one cell of 1000 persons at its site: weight 1 -> 1000 persons.
    em = tmp_path / "em.csv"
    em.write_text("enterprise,substance,medium,amount,unit,lon,lat\n"
                  "E1,苯,air,1,t/yr,120,30\nE2,甲苯,air,1,t/yr,121,31\n", encoding="utf-8")
    grid = tmp_path / "grid.csv"
    grid.write_text("lon,lat,population\n120,30,1000\n125,35,5\n", encoding="utf-8")
    code, stdout, stderr = fixture_cli("screen", em, "--population", grid, "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    pops = {s["cas"]: s["population_max"] for s in doc["substances"]}
    assert pops["71-43-2"] == pytest.approx(1000.0) and pops["108-88-3"] == 0.0
    assert "grid" in doc["population_method"]


# ----------------------------------------------------------------------------- real tables

def test_real_tables_benzene_vs_toluene(cli, tmp_path):
    # Same amount and population: benzene (TW_inh 97.5) must outrank toluene (RfC 5 mg/m3:
    # TW 0.35). Formaldehyde is on 有毒有害大气污染物名录（2018年）(11 items, incl. 甲醛), so it
    # is at least 'watch' however little is emitted.
    em = tmp_path / "em.csv"
    em.write_text("enterprise,substance,medium,amount,unit\nE1,苯,air,1,t/yr\n"
                  "E1,toluene,air,1,t/yr\nE1,X-PM2.5,air,1,t/yr\n"
                  "E1,甲醛,air,0.000001,t/yr\n", encoding="utf-8")
    code, stdout, stderr = cli("screen", em, "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    order = [s["cas"] for s in doc["substances"]]
    assert order.index("71-43-2") < order.index("108-88-3")
    benz = doc["substances"][order.index("71-43-2")]
    assert benz["tw_inh"] == pytest.approx(97.5, rel=0.01)
    form = doc["substances"][order.index("50-00-0")]
    assert "air_toxics_2018" in form["lists"] and form["tier_name"] in ("priority", "watch")


# ----------------------------------------------------------------------------- service = CLI

@pytest.mark.parametrize("population", ["table", "grid"])
def test_service_list_equals_the_file_screening(tmp_path, population):
    """The screening service on the inventory built from the files (what ``ehrisk screen``
    runs) gives the list that screening the files directly gives
    (:func:`ehrisk.reports.priority_list.run_screen`)."""
    from ehrisk.inventory.files import add_files
    from ehrisk.reports.priority_list import run_screen
    from ehrisk.services import Products, StepContext
    from ehrisk.services.screening import ScreeningSettings, run_screening

    em = tmp_path / "em.csv"
    em.write_text(EM_CSV.replace("细颗粒物", "甲醛"), encoding="utf-8")
    ent = tmp_path / "ent.csv"
    ent.write_text("enterprise,lon,lat\nE1,120,30\nE2,120.02,30.01\nE3,120.1,30.05\n",
                   encoding="utf-8")
    pop = tmp_path / "pop.csv"
    if population == "table":
        pop.write_text(POP_CSV, encoding="utf-8")
        files = {"emissions": em}
        settings = ScreeningSettings(population_table=str(pop), top_n=3)
    else:
        pop.write_text("lon,lat,population\n120,30,5000\n120.02,30.01,2000\n120.1,30.05,800\n",
                       encoding="utf-8")
        files = {"emissions": em, "enterprises": ent, "population": pop}
        settings = ScreeningSettings(top_n=3)
    before, stab, _ = run_screen(em, pop, top_n=3, enterprises=ent)
    res = run_screening(add_files(None, files), settings, Products(), StepContext())
    got = res.tables["screening/priority_list"]
    want = before.table
    assert got["cas"].tolist() == want["cas"].tolist()
    assert got["tier_name"].tolist() == want["tier_name"].tolist()
    np.testing.assert_allclose(got["score"].to_numpy(float), want["score"].to_numpy(float),
                               rtol=1e-12)
    np.testing.assert_allclose(got["population_max"].to_numpy(float),
                               want["population_max"].to_numpy(float), rtol=1e-12)
    assert res.payload[1]["stable_core"] == stab["stable_core"]
