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

Values that changed between editions of their assessment (trichloroethylene's oral slope factor,
IRIS 2011 4.6E-2 and current 5.2E-2; formaldehyde's IUR 1991 and RfC 2024) are listed in
``toxicity_editions.csv``, one row per (cas, parameter, edition), ``default`` = the edition the
dataset tables carry. ``toxicity(dataset, editions={cas: edition})`` substitutes another edition.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def toxicity_editions(cas: str | None = None) -> pd.DataFrame:
    """Dated editions of toxicity values (``toxicity_editions.csv``): columns ``cas``,
    ``parameter`` (a column of the dataset tables), ``edition``, ``value``, ``unit``,
    ``default`` (bool: the edition the dataset tables carry), ``source``, ``note``."""
    df = load_table("toxicity_editions", numeric=["value"])
    df["default"] = df["default"].str.strip().str.lower() == "true"
    if cas is not None:
        df = df[df["cas"] == cas]
    return df.reset_index(drop=True)


def toxicity(dataset: str = "epa-rsl",
             editions: Mapping[str, str] | None = None) -> pd.DataFrame:
    """All substances of a dataset, indexed by ``cas``, numeric columns as floats (NaN = none).

    Parameters
    ----------
    dataset : str
        ``"epa-rsl"`` or ``"hj25.3-2019"``.
    editions : mapping, optional
        ``{cas: edition}``: take that substance's values of the named edition from
        ``toxicity_editions.csv`` (e.g. ``{"79-01-6": "IRIS current"}``) instead of the
        dataset's default edition. Raises RefdataError for an edition not listed.
    """
    if dataset not in DATASETS:
        raise RefdataError(f"unknown toxicity dataset {dataset!r}; known: {', '.join(DATASETS)}")
    df = load_table(DATASETS[dataset])
    for col in df.columns:
        if col in NUMERIC or col in EXTRA_NUMERIC:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="raise")
        elif col in BOOLEAN:
            df[col] = df[col].str.strip().str.lower().isin(("true", "1", "yes"))
    df = df.set_index("cas", drop=False)
    for cas, edition in (editions or {}).items():
        ed = toxicity_editions(cas)
        rows = ed[ed["edition"] == edition]
        if rows.empty:
            known = sorted(set(ed["edition"])) or ["none"]
            raise RefdataError(f"no edition {edition!r} of toxicity values for CAS {cas!r}; "
                               f"known: {', '.join(known)}")
        if cas not in df.index:
            raise RefdataError(f"dataset {dataset!r} has no values for CAS {cas!r}")
        for _, r in rows.iterrows():
            df.loc[cas, r["parameter"]] = float(r["value"])
    return df


EXTRA_NUMERIC = ("kp_cm_h", "b", "tau_event_h", "t_star_h", "fa", "log_kow", "kh_atm_m3_mol")


def substance(cas: str, dataset: str = "epa-rsl") -> pd.Series:
    """One substance's row; raises RefdataError if the dataset has no such CAS."""
    df = toxicity(dataset)
    if cas not in df.index:
        raise RefdataError(f"dataset {dataset!r} has no values for CAS {cas!r}")
    return df.loc[cas]
