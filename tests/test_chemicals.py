"""Chemicals table, lookup, list memberships, profile and `ehrisk chem`."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehrisk.io.tables import cas_check_digit_ok
from ehrisk.refdata import RefdataError
from ehrisk.refdata import chemicals as chem
from ehrisk.refdata import toxicity as tox

# Relative tolerance between the table's molar mass and the one computed from the formula.
MW_REL_TOL = 5e-4

# IUPAC standard atomic weights (abridged, CIAAW 2021), for an independent molar-mass check.
ATOMIC_WEIGHT = {
    "H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "F": 18.998, "P": 30.974, "S": 32.06,
    "Cl": 35.45, "Br": 79.904, "As": 74.922, "Cd": 112.41, "Cr": 51.996, "Pb": 207.2,
    "Hg": 200.59, "Ni": 58.693, "Mn": 54.938, "Tl": 204.38, "Sb": 121.76, "Be": 9.0122,
    "Co": 58.933, "Cu": 63.546, "Zn": 65.38, "V": 50.942,
}

# The core substance list every helper relies on (from the project issue).
CORE = """71-43-2 108-88-3 1330-20-7 95-47-6 108-38-3 106-42-3 100-41-4 100-42-5 106-99-0 107-13-1
75-01-4 75-21-8 75-56-9 50-00-0 75-07-0 107-02-8 67-66-3 56-23-5 75-09-2 127-18-4 79-01-6
107-06-2 75-34-3 75-35-4 156-59-2 156-60-5 71-55-6 79-00-5 630-20-6 79-34-5 78-87-5 96-18-4
108-90-7 95-50-1 106-46-7 91-20-3 74-87-3 106-93-4 87-68-3 67-56-1 108-95-2 62-53-3 98-95-3
1634-04-4 110-54-3 75-15-0 74-90-8 7783-06-4 7664-41-7 7782-50-5 7647-01-0 75-44-5
50-32-8 56-55-3 205-99-2 207-08-9 218-01-9 53-70-3 193-39-5
7440-38-2 7440-43-9 18540-29-9 7439-92-1 7439-97-6 7440-02-0 7439-96-5 7440-28-0 7440-36-0
7440-41-7 7440-48-4 7440-50-8 7440-66-6 7440-62-2 57-12-5 16984-48-8
1746-01-6 1336-36-3 1763-23-1 335-67-1 117-81-7 84-74-2 80-05-7 85535-84-8 1163-19-5 58-89-9
50-29-3 87-86-5 118-74-1 84852-15-3
7446-09-5 10102-44-0 630-08-0 10028-15-6 X-PM2.5 X-PM10 X-VOCs X-PCDDF-TEQ X-PCB""".split()


def _raw_rows(name: str) -> list[dict]:
    path = resources.files("ehrisk.refdata.tables") / f"{name}.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _formula_mass(formula: str) -> float:
    total = 0.0
    for sym, n in re.findall(r"([A-Z][a-z]?)(\d*)", formula):
        total += ATOMIC_WEIGHT[sym] * (int(n) if n else 1)
    return total


# ---------------------------------------------------------------------------- table checks

def test_every_cas_has_a_valid_check_digit_or_is_a_pseudo_id():
    bad = [r["cas"] for r in _raw_rows("chemicals")
           if not (r["cas"].startswith("X-") or cas_check_digit_ok(r["cas"]))]
    assert bad == []


def test_no_duplicate_cas_and_at_least_100_substances():
    cas = [r["cas"] for r in _raw_rows("chemicals")]
    assert len(cas) == len(set(cas))
    assert len(cas) >= 100


def test_core_substances_present():
    table = set(chem.chemicals().index)
    assert [c for c in CORE if c not in table] == []


def test_columns_and_values_are_well_formed():
    rows = _raw_rows("chemicals")
    expected = ["cas", "name_zh", "name_en", "synonyms", "formula", "mw_g_mol", "iarc_group",
                "mutagen", "target_organs", "log_kow", "bcf_l_kg", "persistent",
                "bioaccumulative", "medium_hint", "category", "source", "note"]
    assert list(rows[0].keys()) == expected
    for r in rows:
        assert r["iarc_group"] in ("", "1", "2A", "2B", "3"), r["cas"]
        for col in ("mutagen", "persistent", "bioaccumulative"):
            assert r[col] in ("true", "false"), (r["cas"], col)
        assert r["name_zh"] and r["name_en"] and r["category"] and r["source"], r["cas"]


def test_molar_mass_matches_formula():
    # Independent calculation: sum of IUPAC atomic weights over the formula.
    off = []
    for r in _raw_rows("chemicals"):
        if r["formula"] and r["mw_g_mol"]:
            calc = _formula_mass(r["formula"])
            if abs(float(r["mw_g_mol"]) - calc) > MW_REL_TOL * calc:
                off.append((r["cas"], r["formula"], r["mw_g_mol"], round(calc, 3)))
    assert off == []


def test_no_name_or_synonym_points_to_two_substances():
    # Independent normalisation (NFKC + casefold + no whitespace + unified brackets).
    def norm(s):
        s = unicodedata.normalize("NFKC", s).casefold().replace("[", "(").replace("]", ")")
        return re.sub(r"\s+", "", s)

    owner: dict[str, str] = {}
    clashes = []
    for r in _raw_rows("chemicals"):
        names = [r["cas"], r["name_zh"], r["name_en"], *r["synonyms"].split(";")]
        for n in {norm(x) for x in names if x.strip()}:
            if n in owner and owner[n] != r["cas"]:
                clashes.append((n, owner[n], r["cas"]))
            owner.setdefault(n, r["cas"])
    assert clashes == []


def test_epa_mutagenic_mode_of_action_flags():
    # US EPA RSL User's Guide: chemicals assessed with a mutagenic mode of action (ADAF).
    df = chem.chemicals()
    for cas in ("50-32-8", "56-55-3", "205-99-2", "207-08-9", "218-01-9", "53-70-3", "193-39-5",
                "18540-29-9", "75-01-4", "79-01-6", "75-09-2", "75-21-8", "96-18-4"):
        assert df.at[cas, "mutagen"], cas
    for cas in ("71-43-2", "108-88-3", "67-66-3", "127-18-4"):
        assert not df.at[cas, "mutagen"], cas


def test_every_toxicity_dataset_substance_is_in_the_chemicals_table():
    table = set(chem.chemicals().index)
    for dataset, name in tox.DATASETS.items():
        assert name in chem.table_names(), (dataset, name)
        missing = sorted(set(tox.toxicity(dataset).index) - table)
        assert missing == [], dataset


# Agreement between our log Kow and the RSL chemical-specific parameters table [log units].
LOG_KOW_ABS_TOL = 0.05
# Documented differences: TCE, PhysProp experimental 2.61 (Hansch et al. 1995) vs RSL 2.42.
LOG_KOW_KNOWN_DIFFERENCES = {"79-01-6"}


def test_log_kow_agrees_with_the_rsl_chemical_specific_parameters():
    rsl = tox.toxicity("epa-rsl")
    ours = chem.chemicals()["log_kow"]
    both = [c for c in rsl.index if c in ours.index and ours[c] == ours[c]
            and rsl.at[c, "log_kow"] == rsl.at[c, "log_kow"]]
    assert len(both) >= 40
    off = [(c, ours[c], rsl.at[c, "log_kow"]) for c in both
           if abs(ours[c] - rsl.at[c, "log_kow"]) > LOG_KOW_ABS_TOL
           and c not in LOG_KOW_KNOWN_DIFFERENCES]
    assert off == []


# ---------------------------------------------------------------------------- lookup

@pytest.mark.parametrize("query, cas", [
    ("苯", "71-43-2"), ("benzene", "71-43-2"), ("BENZENE", "71-43-2"), (" 71-43-2 ", "71-43-2"),
    ("三氯乙烯", "79-01-6"), ("TCE", "79-01-6"), ("trichloroethene", "79-01-6"),
    ("PCE", "127-18-4"), ("perchloroethylene", "127-18-4"),
    ("BaP", "50-32-8"), ("苯并[a]芘", "50-32-8"), ("苯并（a）芘", "50-32-8"),
    ("benzo(a)pyrene", "50-32-8"), ("Benzo [a] Pyrene", "50-32-8"),
    ("二甲苯", "1330-20-7"), ("对二甲苯", "106-42-3"), ("PX", "106-42-3"),
    ("铬（六价）", "18540-29-9"), ("Cr(VI)", "18540-29-9"), ("六价铬", "18540-29-9"),
    ("ＰＭ２．５", "X-PM2.5"), ("pm2.5", "X-PM2.5"), ("二噁英类", "X-PCDDF-TEQ"),
    ("methylene chloride", "75-09-2"), ("PFOS", "1763-23-1"), ("MTBE", "1634-04-4"),
])
def test_lookup_by_cas_name_and_synonym(query, cas):
    assert chem.lookup(query)["cas"] == cas


def test_unknown_chemical_error_carries_suggestions():
    with pytest.raises(chem.UnknownChemicalError) as ei:
        chem.lookup("benzen")
    err = ei.value
    assert isinstance(err, RefdataError)
    assert err.query == "benzen"
    assert err.suggestions[0] == ("benzene", "71-43-2")
    assert 1 <= len(err.suggestions) <= 5
    assert str(err).startswith("unknown chemical 'benzen'; did you mean: benzene (71-43-2)")


@pytest.mark.parametrize("typo, cas", [
    ("trichlorethylene", "79-01-6"), ("tolune", "108-88-3"), ("naphtalene", "91-20-3"),
    ("三氯乙稀", "79-01-6"), ("甲荃", "50-00-0"),
])
def test_typo_suggestions_include_the_intended_substance(typo, cas):
    with pytest.raises(chem.UnknownChemicalError) as ei:
        chem.lookup(typo)
    assert cas in [c for _, c in ei.value.suggestions]


def test_search_finds_substrings_in_chinese_and_english():
    hits = chem.search("二氯")
    assert {"75-09-2", "107-06-2", "75-35-4"} <= set(hits["cas"])
    assert "75-09-2" in set(chem.search("chloromethane")["cas"])
    assert chem.search("zzzzqqq").empty


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(i=st.integers(min_value=0, max_value=10_000), pad=st.sampled_from(["", " ", "  ", "\t"]),
       upper=st.booleans())
def test_lookup_ignores_case_and_surrounding_space(i, pad, upper):
    df = chem.chemicals()
    row = df.iloc[i % len(df)]
    name = row["name_en"].upper() if upper else row["name_en"]
    assert chem.lookup(f"{pad}{name}{pad}")["cas"] == row["cas"]
    assert chem.lookup(row["name_zh"])["cas"] == row["cas"]


# ---------------------------------------------------------------------------- lists, profile

def test_list_memberships_and_members():
    m = chem.list_memberships("71-43-2")
    assert {"priority_chemicals_batch2_2020", "gb36600_2018"} <= set(m["list_id"])
    assert m.loc[m["list_id"] == "priority_chemicals_batch2_2020", "item_no"].tolist() == ["PC027"]
    assert chem.list_memberships("X-VOCs").empty
    with pytest.raises(chem.UnknownChemicalError):
        chem.list_memberships("99-99-9")
    mem = chem.members("air_toxics_2018")
    assert mem["name_en"].notna().all()
    with pytest.raises(RefdataError, match="known lists: air_toxics_2018"):
        chem.members("no_such_list")


def test_profile_merges_identity_lists_and_toxicity():
    p = chem.profile("71-43-2")
    assert p["identity"]["name_zh"] == "苯"
    assert p["identity"]["target_organs"] == ["blood", "immune"]
    assert any(x["item_no"] == "PC027" for x in p["lists"])
    present = [d for d, t in tox.DATASETS.items() if t in chem.table_names()]
    assert set(p["toxicity"]) <= set(present)
    assert set(p["toxicity_datasets_missing"]) == set(tox.DATASETS) - set(present)
    for values in p["toxicity"].values():
        assert values["cas"] == "71-43-2" and values["source"]


def test_profile_tolerates_a_dataset_table_not_yet_written(monkeypatch):
    monkeypatch.setitem(tox.DATASETS, "future-dataset", "toxicity_future_dataset_none")
    p = chem.profile("50-32-8")
    assert "future-dataset" in p["toxicity_datasets_missing"]
    assert "future-dataset" not in p["toxicity"]


def test_profile_accepts_a_name():
    assert chem.profile("BaP")["cas"] == "50-32-8"


# ---------------------------------------------------------------------------- CLI

def test_cli_show_json(cli):
    code, out, err = cli("chem", "show", "苯", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["cas"] == "71-43-2"
    assert set(data) == {"cas", "identity", "lists", "toxicity", "toxicity_datasets_missing"}
    assert data["identity"]["name_en"] == "benzene"
    assert {"list_id", "item_no", "item_name_zh", "source"} <= set(data["lists"][0])


def test_cli_show_human(cli):
    code, out, _ = cli("chem", "show", "TCE")
    assert code == 0
    assert "79-01-6" in out and "三氯乙烯" in out and "air_toxics_2018" in out


def test_cli_unknown_name_exits_2_with_suggestions(cli):
    code, out, err = cli("chem", "show", "benzen")
    assert code == 2
    assert out == ""
    msg = " ".join(err.split())
    assert "unknown chemical 'benzen'; did you mean: benzene (71-43-2)," in msg
    assert "Traceback" not in err


def test_cli_list_json(cli):
    code, out, _ = cli("chem", "list", "--list", "new_pollutants_2023", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["item_no"] for r in rows} >= {"一", "十四"}
    assert {"item_no", "item_name_zh", "cas", "name_zh", "name_en"} == set(rows[0])
    code, out, _ = cli("chem", "list", "--json")
    assert code == 0 and len(json.loads(out)) >= 100
    code, _, err = cli("chem", "list", "--list", "nope")
    assert code == 2 and "unknown list 'nope'" in err


def test_cli_search_and_lists_json(cli):
    code, out, _ = cli("chem", "search", "xylene", "--json")
    assert code == 0
    assert {"95-47-6", "108-38-3", "106-42-3", "1330-20-7"} <= {r["cas"] for r in json.loads(out)}
    code, out, _ = cli("chem", "lists", "--json")
    assert code == 0
    assert "new_pollutants_2023" in {r["list_id"] for r in json.loads(out)}
