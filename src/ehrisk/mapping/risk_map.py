"""Inhalation risk per grid cell (风险地图): HQ, HI, cancer risk for residents and for workers in
industrial parks, population, population-weighted risk and expected excess cases.

The risk of each cell comes from :func:`ehrisk.risk.engine.inhalation_risk` (US EPA RSL User's
Guide, November 2024, equations 4.9 resident air and 4.10 industrial air; RAGS Part F eq. 6-8).
The RSL resident is a child + adult composite (0-26 yr, ADAFs for mutagens) for cancer and a
child for non-cancer effects; inhalation exposure concentrations do not depend on body weight, so
the non-cancer HQ of a child equals that of an adult.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ehrisk.mapping.field import ConcentrationField
from ehrisk.risk import engine, rsl

RECEPTOR_RESIDENT = "resident"
RECEPTOR_WORKER = "worker"


def toxic_substances(cas: list[str]) -> list[str]:
    """The substances of ``cas`` that have an RSL inhalation toxicity value (IUR or RfC); the
    others (criteria pollutants, pseudo-ids, substances without values) carry no risk here."""
    tox = rsl._tox(rsl.PARAMS)
    known = [c for c in cas if c in tox.index]
    if not known:
        return []
    chem = rsl.chemicals(known)
    ok = rsl.has_values(chem, "air")
    return [c for c, k in zip(known, ok, strict=True) if k]


def lifetime_yr(params: str = rsl.PARAMS) -> float:
    """Lifetime LT [yr] of the exposure-factor set (RSL resident ``lt_yr``, 70 yr), used to turn
    lifetime risk into cases per year."""
    return float(rsl.load_factors(params)["resident"]["lt_yr"])


def unit_coefficients(cas: list[str], receptor: str) -> tuple[np.ndarray, np.ndarray]:
    """Cancer risk and HQ per 1 ug/m3 of each substance [per ug/m3], from the engine applied to
    an identity field (the RSL equations are linear in the concentration)."""
    res = engine.inhalation_risk(np.eye(len(cas)), cas, receptor)
    return np.diag(res["risk"]).copy(), np.diag(res["hq"]).copy()


def expected_cases_per_yr(pop_persons, lifetime_risk, lifetime_years: float) -> np.ndarray:
    """Expected excess cancer cases per year: population x lifetime risk / lifetime.

    Parameters
    ----------
    pop_persons : array_like
        Persons [-].
    lifetime_risk : array_like
        Excess lifetime cancer risk [-].
    lifetime_years : float
        Lifetime over which the risk accrues [yr] (RSL LT = 70 yr).

    Returns
    -------
    ndarray
        Cases per year [1/yr].

    Notes
    -----
    A steady-state population exposed at the cell's concentration for life accrues
    ``pop x risk`` cases over ``LT`` years; the annual burden is their ratio (as in US EPA
    NATA / AirToxScreen population cancer burden, which divides by a 70-year lifetime).
    """
    return np.asarray(pop_persons, float) * np.asarray(lifetime_risk, float) / lifetime_years


@dataclass
class CellRisk:
    """Per-cell risk of a field.

    Attributes
    ----------
    table : DataFrame
        One row per cell: ``cell_id, x_m, y_m, pop_persons, in_park, receptor`` (governing
        receptor: worker inside parks, resident elsewhere), ``risk_resident, hi_resident,
        risk_worker, hi_worker`` (worker values NaN outside parks), ``cancer_risk, hi`` (of the
        governing receptor), ``pop_risk`` (population x resident risk), ``cases_per_yr``, and
        ``hi_<organ>`` (resident).
    risk_by_substance, hq_by_substance : ndarray (n_cells, n_substances)
        Of the governing receptor.
    cas : list of str
    """

    table: pd.DataFrame
    risk_by_substance: np.ndarray
    hq_by_substance: np.ndarray
    cas: list[str]


def cell_risk(fld: ConcentrationField, pop_persons=None, in_park=None,
              params: str = rsl.PARAMS) -> CellRisk:
    """Inhalation risk per cell for residents and (inside parks) workers.

    Residents: the RSL child + adult composite (``risk_resident``, ``hi_resident``) and the
    cancer risk of each period (``risk_resident_child`` 0-6 yr, ``risk_resident_adult``
    6-26 yr; they sum to the composite; the HQ is the same for both periods).

    Parameters
    ----------
    fld : ConcentrationField
        Concentrations [ug/m3]; substances without an inhalation toxicity value are skipped.
    pop_persons : array_like (n_cells,), optional
        Residents per cell [persons] (default 0).
    in_park : array_like of bool (n_cells,), optional
        Cells inside industrial parks, assessed for workers (working-hours exposure,
        RSL industrial air) instead of residents.
    params : {"epa-rsl"}

    Returns
    -------
    CellRisk

    References
    ----------
    US EPA RSL User's Guide (Nov 2024) 4.9 resident air, 4.10 industrial air; RAGS Part F
    (EPA-540-R-070-002) eq. 6-8; RAGS Part A (EPA/540/1-89/002) eqs. 8-4 (HI) and 8-6 (total
    risk).
    """
    n = len(fld.cells)
    pop = np.zeros(n) if pop_persons is None else np.asarray(pop_persons, float)
    park = np.zeros(n, bool) if in_park is None else np.asarray(in_park, bool)
    if pop.shape != (n,) or park.shape != (n,):
        raise ValueError(f"pop_persons and in_park need one value per cell ({n})")
    cas = toxic_substances(fld.cas)
    sub = fld.subset(cas)
    res = engine.inhalation_risk(sub.conc_ug_m3, cas, RECEPTOR_RESIDENT, params)
    wrk = engine.inhalation_risk(sub.conc_ug_m3[park], cas, RECEPTOR_WORKER, params)
    t = fld.cells[["cell_id", "x_m", "y_m"]].copy().reset_index(drop=True)
    t["pop_persons"] = pop
    t["in_park"] = park
    t["receptor"] = np.where(park, RECEPTOR_WORKER, RECEPTOR_RESIDENT)
    t["risk_resident"] = res["total_risk"]
    t["hi_resident"] = res["hi"]
    # the resident's two periods (child 0-6 yr, adult 6-26 yr); their risks sum to
    # risk_resident (RSL resident air, age-segmented; see ehrisk.risk.rsl.air_coefficients)
    for period in ("child", "adult"):
        t[f"risk_resident_{period}"] = engine.inhalation_risk(
            sub.conc_ug_m3, cas, f"resident_{period}", params)["total_risk"]
    rw = np.full(n, np.nan)
    hw = np.full(n, np.nan)
    rw[park] = wrk["total_risk"]
    hw[park] = wrk["hi"]
    t["risk_worker"] = rw
    t["hi_worker"] = hw
    t["cancer_risk"] = np.where(park, rw, res["total_risk"])
    t["hi"] = np.where(park, hw, res["hi"])
    t["pop_risk"] = pop * res["total_risk"]
    t["cases_per_yr"] = expected_cases_per_yr(pop, res["total_risk"], lifetime_yr(params))
    for organ, v in sorted(res["hi_by_organ"].items()):
        t[f"hi_{organ}"] = v
    r_sub = res["risk"].copy()
    h_sub = res["hq"].copy()
    r_sub[park] = wrk["risk"]
    h_sub[park] = wrk["hq"]
    return CellRisk(t, r_sub, h_sub, cas)


def population_summary(table: pd.DataFrame) -> dict:
    """Population-weighted resident risk and burden of a cell table (see :func:`cell_risk`):
    ``population``, ``pop_weighted_risk`` (sum pop x risk / sum pop), ``cases_per_yr``,
    maxima of resident risk and HI over populated cells."""
    pop = table["pop_persons"].to_numpy(float)
    tot = float(pop.sum())
    populated = pop > 0
    return {
        "population": tot,
        "pop_weighted_risk": float(table["pop_risk"].sum() / tot) if tot > 0 else float("nan"),
        "cases_per_yr": float(table["cases_per_yr"].sum()),
        "max_risk_populated": float(table.loc[populated, "risk_resident"].max())
        if populated.any() else float("nan"),
        "max_hi_populated": float(table.loc[populated, "hi_resident"].max())
        if populated.any() else float("nan"),
        "max_risk_any": float(table["cancer_risk"].max()),
        "max_hi_any": float(table["hi"].max()),
    }
