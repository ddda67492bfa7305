"""GB 36600-2018 soil screening values (筛选值) against the HJ 25.3-2019 model.

Reference: GB 36600-2018 土壤环境质量 建设用地土壤污染风险管控标准（试行）, Table 1 (basic items)
and Table 2 (other items), screening values for first- and second-class land [mg/kg], as
transcribed in ``tests/data/refdata/gb36600_2018_screening_control_values.csv`` (a copy of
``../shared/refdata/``; source and terms in ``tests/data/refdata/README.md``).

GB 36600-2018 is an independent published table: its risk-based screening values are the lower
of the carcinogenic value at ACR = 1e-6 and the non-carcinogenic value at AHQ = 1 over the six
soil pathways, derived by the standard's drafting group with the HJ 25.3 method. The model runs
with the package's HJ 25.3-2019 defaults (``screening_level(cas, medium="soil", land_use=...)``);
no parameter is chosen to make this comparison agree (docs/hj25_3.md, "Validation").

Every case asserts something that changes when the model changes:

- cases that reproduce: ratio ours/GB within ``TOL_AGREE`` (5 %: GB prints 1-2 significant
  figures, so rounding alone moves a value by up to 5 %); among them the ``SATURATION`` cases,
  where GB prints the soil saturation limit Csat and the package caps at Csat the liquids
  (``hj.saturation_cap``);
- known differences: the ratio is pinned within ``BAND`` (relative) around the value recorded in
  ``KNOWN`` with its explanation. The pinned ratios are regression values recorded from this
  model (docs/hj25_3.md lists them); the explanations are checked by the tests at the end of the
  file where an independent calculation exists (the crack and capillary-zone diffusion
  reading). ``test_saturation_explanation`` recomputes Csat for the SATURATION cases
  independently of the package.
"""

from __future__ import annotations

import pandas as pd
import pytest

import ehrisk.risk.hj25_3_2019_transport as transport
from ehrisk.refdata.toxicity import toxicity
from ehrisk.risk import hj25_3_2019 as hj

TOL_AGREE = 0.05        # GB values are printed to 1-2 significant figures
BAND = 0.02             # relative band around a pinned known-difference ratio
TOL_EXPLAINED = 0.10    # an explanation must bring the case within this of GB's value

CRACK = ("vapour intrusion dominates; GB's value is reproduced when the foundation-crack and "
         "capillary-zone effective diffusion coefficients divide by the soil's total porosity "
         "1 - rho_b/rho_s = 0.434 instead of the layers' own theta_a + theta_w = 0.38, the form "
         "the package now follows (checked below)")
TOX = ("toxicity or physical-chemical inputs of the GB 36600 编制说明 differ from the RSL values "
       "in toxicity_hj25_3_2019.csv (the 编制说明 tables were not available); not identified")
UNEXPLAINED = "not identified"

# (cas, land use) -> (ratio ours/GB recorded from this model, explanation)
KNOWN = {
    ("56-23-5", "first-class"): (0.167, TOX + "; carbon tetrachloride 0.150 vs 0.9"),
    ("56-23-5", "second-class"): (0.231, TOX + "; 0.646 vs 2.8"),
    ("67-66-3", "first-class"): (0.525, TOX + "; chloroform 0.158 vs 0.3"),
    ("67-66-3", "second-class"): (0.744, TOX + " (with the crack reading 0.96); 0.670 vs 0.9"),
    ("75-34-3", "first-class"): (0.459, TOX + "; 1,1-dichloroethane 1.38 vs 3"),
    ("75-34-3", "second-class"): (0.654, TOX + "; 5.89 vs 9"),
    ("107-06-2", "first-class"): (0.788, CRACK),
    ("107-06-2", "second-class"): (0.335, TOX + "; 1,2-dichloroethane 1.67 vs 5"),
    ("75-35-4", "first-class"): (0.878, CRACK),
    ("75-35-4", "second-class"): (0.758, CRACK),
    ("156-60-5", "first-class"): (66.1, "our table has no RfC for trans-1,2-DCE (oral RfD "
                                         "only); GB evidently used an inhalation value"),
    ("156-60-5", "second-class"): (48.9, "our table has no RfC for trans-1,2-DCE; GB used one "
                                          "(ours is capped at Csat 2638 mg/kg, risk-based "
                                          "5955)"),
    ("75-09-2", "first-class"): (0.865, CRACK),
    ("75-09-2", "second-class"): (0.835, CRACK),
    ("78-87-5", "first-class"): (1.84, TOX + "; 1,2-dichloropropane 1.84 vs 1"),
    ("78-87-5", "second-class"): (1.52, TOX + "; 7.58 vs 5"),
    ("630-20-6", "first-class"): (0.788, CRACK),
    ("630-20-6", "second-class"): (0.818, CRACK),
    ("79-34-5", "first-class"): (0.733, TOX + "; 1,1,2,2-tetrachloroethane 1.17 vs 1.6"),
    ("79-34-5", "second-class"): (0.585, TOX + "; 3.98 vs 6.8"),
    ("127-18-4", "first-class"): (0.793, CRACK),
    ("127-18-4", "second-class"): (0.774, CRACK),
    ("71-55-6", "first-class"): (0.767, CRACK),
    ("79-00-5", "first-class"): (0.772, CRACK),
    ("79-00-5", "second-class"): (0.787, CRACK),
    ("79-01-6", "first-class"): (0.588, TOX + " (with the crack reading 0.76; second class "
                                              "reproduces with it); 0.411 vs 0.7"),
    ("79-01-6", "second-class"): (0.778, CRACK),
    ("96-18-4", "first-class"): (0.521, TOX + "; 1,2,3-trichloropropane 0.026 vs 0.05"),
    ("96-18-4", "second-class"): (0.183, TOX + "; 0.091 vs 0.5"),
    ("71-43-2", "first-class"): (0.761, CRACK),
    ("71-43-2", "second-class"): (0.792, CRACK),
    ("108-90-7", "first-class"): (1.16, UNEXPLAINED + " (non-carcinogenic, SAF 0.33 applied; "
                                                      "x1.44 with the crack reading)"),
    ("108-90-7", "second-class"): (1.50, UNEXPLAINED + " (non-carcinogenic, SAF 0.33 applied)"),
    ("106-46-7", "first-class"): (0.768, CRACK),
    ("106-46-7", "second-class"): (0.764, CRACK),
    ("100-41-4", "first-class"): (0.796, CRACK),
    ("100-41-4", "second-class"): (0.818, CRACK),
    ("108-38-3", "first-class"): (0.776, CRACK + " (m-xylene values for m+p-xylene)"),
    ("95-47-6", "first-class"): (0.779, CRACK),
    ("98-95-3", "first-class"): (0.819, CRACK),
    ("98-95-3", "second-class"): (0.855, CRACK),
    ("62-53-3", "second-class"): (1.11, UNEXPLAINED + "; aniline 287 vs 260, first class agrees"),
    ("95-57-8", "first-class"): (0.779, TOX + "; 2-chlorophenol 195 vs 250"),
    ("95-57-8", "second-class"): (0.623, TOX + "; 1406 vs 2256"),
    ("218-01-9", "first-class"): (1.11, TOX + "; chrysene 546 vs 490"),
    ("218-01-9", "second-class"): (1.17, TOX + "; 1508 vs 1293"),
    ("91-20-3", "first-class"): (0.820, CRACK),
    ("91-20-3", "second-class"): (0.837, CRACK),
    ("106-93-4", "first-class"): (0.768, CRACK),
    ("106-93-4", "second-class"): (0.825, CRACK),
    ("118-74-1", "second-class"): (0.938, "GB prints one significant figure (1); ours 0.94 "
                                          "rounds to 0.9; first class agrees"),
}
# GB's value is the soil saturation limit Csat (the same value in every column where the
# risk-based value lies above it): liquids, which the package caps at Csat. The risk-based
# ratios ours/GB before the cap were 3.38; 1.39, 6.91; 1.79, 9.77; 1.33, 9.19; 1.11; 1.33.
SATURATION = [
    ("71-55-6", "second-class"),                                # 1,1,1-trichloroethane
    ("95-50-1", "first-class"), ("95-50-1", "second-class"),    # 1,2-dichlorobenzene
    ("100-42-5", "first-class"), ("100-42-5", "second-class"),  # styrene
    ("108-88-3", "first-class"), ("108-88-3", "second-class"),  # toluene
    ("108-38-3", "second-class"),                               # m-xylene for m+p-xylene
    ("95-47-6", "second-class"),                                # o-xylene
]
# Organic items of GB 36600 Tables 1 and 2 present in the toxicity table. Chloromethane
# (74-87-3) is left out: GB 36600 has no risk basis stated for its values that we can check.
ORGANICS = [
    "56-23-5", "67-66-3", "75-34-3", "107-06-2", "75-35-4", "156-59-2", "156-60-5", "75-09-2",
    "78-87-5", "630-20-6", "79-34-5", "127-18-4", "71-55-6", "79-00-5", "79-01-6", "96-18-4",
    "75-01-4", "71-43-2", "108-90-7", "95-50-1", "106-46-7", "100-41-4", "100-42-5",
    "108-88-3", "108-38-3", "95-47-6", "98-95-3", "62-53-3", "95-57-8", "56-55-3", "50-32-8",
    "205-99-2", "207-08-9", "218-01-9", "53-70-3", "193-39-5", "91-20-3", "106-93-4",
    "87-86-5", "117-81-7", "50-29-3", "58-89-9", "118-74-1",
]
# Inorganics whose GB values are risk-based and non-carcinogenic (footnote a marks
# background-based values: As, Co, V first class).
METALS = [("7440-50-8", "first-class"), ("7440-50-8", "second-class"),
          ("7440-36-0", "first-class"), ("7440-36-0", "second-class"),
          ("7440-62-2", "second-class")]
CASES = [(c, lu) for c in ORGANICS for lu in ("first-class", "second-class")] + METALS
COLUMN = {"first-class": "screening_cat1_mgkg", "second-class": "screening_cat2_mgkg"}


@pytest.fixture(scope="module")
def gb(refdata_dir) -> pd.DataFrame:
    df = pd.read_csv(refdata_dir / "gb36600_2018_screening_control_values.csv",
                     dtype={"cas": str})
    df["cas1"] = df["cas"].str.split(",").str[0]
    return df.set_index("cas1")


def _ratio(gb, cas, land_use) -> tuple[float, float, float]:
    expected = float(gb.loc[cas, COLUMN[land_use]])
    got = hj.screening_level(cas, medium="soil", land_use=land_use).sl
    return got / expected, got, expected


@pytest.mark.parametrize(("cas", "land_use"), CASES, ids=[f"{c}-{lu}" for c, lu in CASES])
def test_screening_value_against_gb36600(gb, cas, land_use):
    ratio, got, expected = _ratio(gb, cas, land_use)
    if (cas, land_use) in KNOWN:
        pinned, why = KNOWN[(cas, land_use)]
        assert ratio == pytest.approx(pinned, rel=BAND), (
            f"{cas} {land_use}: ratio ours/GB {ratio:.4g} moved from the pinned {pinned:g} "
            f"({why}); HJ 25.3-2019 model {got:.4g} mg/kg, GB 36600-2018 {expected:g}")
    else:
        assert ratio == pytest.approx(1.0, abs=TOL_AGREE), (
            f"{cas} {land_use}: HJ 25.3-2019 model {got:.4g} mg/kg, GB 36600-2018 {expected:g}")


def test_known_differences_are_all_cases():
    """Every pinned case is a compared case (a typo would silently pin nothing)."""
    assert set(KNOWN) <= set(CASES)
    assert len(CASES) == len(set(CASES)) == 91


def _csat_mg_kg(row, site) -> float:
    """Soil saturation limit written out here from its definition (pore water at the
    solubility S, sorbed and soil-gas phases in equilibrium): Csat = S/rho_b * (Kd*rho_b +
    theta_ws + H'*theta_as), Kd = Koc*foc, foc = fom/1.7/1000 (HJ 25.3-2019 soil model)."""
    theta = 1.0 - site["rho_b_kg_dm3"] / site["rho_s_kg_dm3"]
    theta_ws = site["rho_b_kg_dm3"] * site["pws_kg_kg"]
    kd = row["koc_l_kg"] * site["fom_g_kg"] / 1.7 / 1000.0
    return row["solubility_mg_l"] / site["rho_b_kg_dm3"] * (
        kd * site["rho_b_kg_dm3"] + theta_ws + row["henry_dimensionless"] * (theta - theta_ws))


def test_saturation_cases_reproduce_and_are_capped():
    """The SATURATION cases are compared within TOL_AGREE (not pinned) and are Csat-limited."""
    assert not set(SATURATION) & set(KNOWN)
    assert set(SATURATION) <= set(CASES)
    for cas, land_use in SATURATION:
        assert hj.screening_level(cas, medium="soil", land_use=land_use).limited_by_saturation


@pytest.mark.parametrize("case", SATURATION)
def test_saturation_explanation(gb, case):
    """GB's value for the SATURATION cases equals Csat computed from the table's S, Koc, H'."""
    cas, land_use = case
    row = toxicity("hj25.3-2019").loc[cas]
    csat = _csat_mg_kg(row, transport.site_parameters(land_use))
    expected = float(gb.loc[cas, COLUMN[land_use]])
    assert csat == pytest.approx(expected, rel=TOL_AGREE)


@pytest.fixture()
def crack_over_soil_porosity(monkeypatch):
    """The alternative reading: every layer's Deff divides by the soil's total porosity."""
    site = transport.site_parameters("first-class")
    theta = 1.0 - site["rho_b_kg_dm3"] / site["rho_s_kg_dm3"]
    original = transport.effective_diffusivity

    def _deff(*args, theta_total=None, **kwargs):
        return original(*args, theta_total=theta, **kwargs)

    monkeypatch.setattr(transport, "effective_diffusivity", _deff)


@pytest.mark.parametrize("case", sorted(k for k, v in KNOWN.items() if v[1].startswith(CRACK)))
def test_crack_porosity_explanation(gb, crack_over_soil_porosity, case):
    """With the crack and capillary Deff over the soil's porosity, the CRACK cases reproduce."""
    ratio, _, _ = _ratio(gb, *case)
    assert ratio == pytest.approx(1.0, abs=TOL_EXPLAINED)

