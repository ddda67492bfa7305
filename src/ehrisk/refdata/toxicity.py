"""Toxicity values and physical-chemical parameters, keyed by dataset (standard + edition).

Tables ``toxicity_<slug>.csv``, one row per substance, columns (blank = no value):

- ``cas`` (CAS number, or a documented pseudo-id ``X-...`` for substances without one),
  ``name_en``
- ``iur_per_ug_m3`` inhalation unit risk [(ug/m3)^-1], ``iur_ref``
- ``rfc_mg_m3`` chronic reference concentration [mg/m3], ``rfc_ref``
- ``sfo_per_mg_kg_day`` oral slope factor [(mg/kg-day)^-1], ``sfo_ref``
- ``rfd_mg_kg_day`` chronic oral reference dose [mg/kg-day], ``rfd_ref``
- ``giabs`` gastrointestinal absorption fraction [-], ``absd`` dermal absorption fraction [-]
- ``mutagen`` (``true``/``false``: mutagenic mode of action, EPA ADAF applies)
- ``volatile`` (``true``/``false``), ``mw_g_mol``, ``henry_dimensionless`` [-],
  ``koc_l_kg``, ``kd_l_kg`` (inorganics), ``dair_cm2_s``, ``dwater_cm2_s``, ``solubility_mg_l``
- dataset-specific extra columns (e.g. tap-water dermal ``kp_cm_h``, ``b``, ``tau_event_h``,
  ``t_star_h``, ``fa``), then ``source`` and ``note``.

``*_ref`` columns name the original assessment (EPA RSL key: I = IRIS, P = PPRTV, A = ATSDR,
C = CalEPA, X = PPRTV screening, H = HEAST, ...).

Known datasets: ``epa-rsl`` (US EPA Regional Screening Levels tables, edition in ``source``),
``hj25.3-2019`` (HJ 25.3-2019 Annex B values, as used for GB 36600-2018).
"""

from __future__ import annotations

import pandas as pd

from ehrisk.refdata import RefdataError, load_table

DATASETS = {
    "epa-rsl": "toxicity_epa_rsl",
    "hj25.3-2019": "toxicity_hj25_3_2019",
}

NUMERIC = (
    "iur_per_ug_m3", "rfc_mg_m3", "sfo_per_mg_kg_day", "rfd_mg_kg_day", "giabs", "absd",
    "mw_g_mol", "henry_dimensionless", "koc_l_kg", "kd_l_kg", "dair_cm2_s", "dwater_cm2_s",
    "solubility_mg_l",
)
BOOLEAN = ("mutagen", "volatile")


def toxicity(dataset: str = "epa-rsl") -> pd.DataFrame:
    """All substances of a dataset, indexed by ``cas``, numeric columns as floats (NaN = none)."""
    if dataset not in DATASETS:
        raise RefdataError(f"unknown toxicity dataset {dataset!r}; known: {', '.join(DATASETS)}")
    df = load_table(DATASETS[dataset])
    for col in df.columns:
        if col in NUMERIC or col in EXTRA_NUMERIC:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="raise")
        elif col in BOOLEAN:
            df[col] = df[col].str.strip().str.lower().isin(("true", "1", "yes"))
    return df.set_index("cas", drop=False)


EXTRA_NUMERIC = ("kp_cm_h", "b", "tau_event_h", "t_star_h", "fa", "log_kow", "kh_atm_m3_mol")


def substance(cas: str, dataset: str = "epa-rsl") -> pd.Series:
    """One substance's row; raises RefdataError if the dataset has no such CAS."""
    df = toxicity(dataset)
    if cas not in df.index:
        raise RefdataError(f"dataset {dataset!r} has no values for CAS {cas!r}")
    return df.loc[cas]
