"""Forward risk for given concentrations: intakes, HQ, HI (total and by target organ), cancer risk.

Vectorised over many locations: concentrations are an ``(n_locations, n_substances)`` array,
and each pathway is ``C x coefficient`` with the per-unit-concentration coefficients of
:mod:`ehrisk.risk.rsl` (RSL User's Guide, November 2024, section 4; RAGS Part A ch. 8 for the
summation HI = sum HQ and total risk = sum of risks; RAGS Part F for inhalation exposure
concentrations). A 250 000 x 20 grid is a few array multiplications.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ehrisk.refdata import RefdataError, load_table
from ehrisk.risk import rsl

MEDIUM_UNITS = rsl.UNITS


@lru_cache(maxsize=1)
def _organ_table() -> dict[str, tuple[str, ...]]:
    try:
        df = load_table("chemicals")
    except RefdataError:
        return {}
    if "target_organs" not in df.columns:
        return {}
    return {c: tuple(o.strip() for o in str(t).split(";") if o.strip())
            for c, t in zip(df["cas"], df["target_organs"], strict=True)}


def target_organs(cas: list[str]) -> list[tuple[str, ...]]:
    """Target organs per substance from ``chemicals.csv`` (empty tuple if absent or unknown)."""
    table = _organ_table()
    return [table.get(c, ()) for c in cas]


def _check_params(params: str) -> None:
    if params != rsl.PARAMS:
        raise ValueError(f"forward risk is implemented for params 'epa-rsl' only, not {params!r}")


def medium_risk(conc: np.ndarray, cas: list[str], medium: str, receptor: str = "resident",
                params: str = "epa-rsl", factors: dict | None = None) -> dict:
    """Risk and hazard for concentrations of several substances in one medium.

    Parameters
    ----------
    conc : ndarray, shape (n_locations, n_substances)
        Concentrations [ug/m3 in air, ug/L in tap water, mg/kg in soil].
    cas : list of str
        Substances (columns of ``conc``), in ``toxicity_epa_rsl.csv``.
    medium : {"air", "tapwater", "soil"}
    receptor : {"resident", "worker"}
    params : {"epa-rsl"}
    factors : dict, optional
        Exposure factors replacing the defaults.

    Returns
    -------
    dict
        ``pathways``: {pathway: {``intake_ca``, ``intake_nc`` (n, k) [mg/kg-day or ug/m3],
        ``risk``, ``hq`` (n, k)}}; ``risk`` and ``hq`` (n, k) summed over pathways;
        ``total_risk`` and ``hi`` (n,); ``hi_by_organ`` {organ: (n,)}.

    References
    ----------
    US EPA RSL User's Guide (Nov 2024) section 4; RAGS Part A (EPA/540/1-89/002) eqs. 8-4, 8-6.
    """
    _check_params(params)
    c = np.atleast_2d(np.asarray(conc, dtype=float))
    if c.shape[1] != len(cas):
        raise ValueError(f"conc has {c.shape[1]} columns but {len(cas)} CAS numbers were given")
    chem = rsl.chemicals(list(cas))
    co = rsl.coefficients(chem, medium, receptor, factors)
    pathways = {}
    risk = np.zeros_like(c)
    hq = np.zeros_like(c)
    for pw, d in co.items():
        if pw.startswith("_"):
            continue
        r = c * np.asarray(d["risk"])
        h = c * np.asarray(d["hq"])
        pathways[pw] = {"intake_ca": c * (np.asarray(d["intake_ca"]) + np.asarray(d["intake_ca_mut"])
                                          * chem["mutagen"].to_numpy(dtype=float)),
                        "intake_nc": c * np.asarray(d["intake_nc"]), "intake_unit": d["intake_unit"],
                        "risk": r, "hq": h}
        risk = risk + r
        hq = hq + h
    return _totals({"pathways": pathways, "risk": risk, "hq": hq}, list(cas))


def _totals(out: dict, cas: list[str]) -> dict:
    out["total_risk"] = out["risk"].sum(axis=1)
    out["hi"] = out["hq"].sum(axis=1)
    organs: dict[str, np.ndarray] = {}
    for j, orgs in enumerate(target_organs(cas)):
        for o in orgs:
            organs[o] = organs.get(o, 0.0) + out["hq"][:, j]
    out["hi_by_organ"] = organs
    return out


def inhalation_risk(conc_ug_m3: np.ndarray, cas: list[str], receptor: str = "resident",
                    params: str = "epa-rsl", factors: dict | None = None) -> dict:
    """Inhalation risk on a grid: ``conc_ug_m3`` (n_locations, n_substances) [ug/m3].

    Returns ``ec_ca`` / ``ec_nc`` exposure concentrations [ug/m3] (RAGS Part F eq. 6-8;
    for mutagens ``ec_ca`` is ADAF-weighted), ``risk``, ``hq`` (n, k), ``total_risk``, ``hi``
    (n,), ``hi_by_organ``. Same equations as the RSL resident/industrial air SLs
    (RSL User's Guide 4.9, 4.10).
    """
    res = medium_risk(conc_ug_m3, cas, "air", receptor, params, factors)
    p = res["pathways"]["inhalation"]
    res["ec_ca"] = p["intake_ca"]
    res["ec_nc"] = p["intake_nc"]
    return res


def risk_table(df: pd.DataFrame, receptor: str = "resident", params: str = "epa-rsl",
               factors: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forward risk for a long table of concentrations.

    Parameters
    ----------
    df : DataFrame
        Columns ``location_id``, ``cas``, ``medium`` (air/tapwater/soil) and ``conc`` in the
        medium's standard unit (ug/m3, ug/L, mg/kg; convert with :mod:`ehrisk.units` first).
    receptor, params, factors
        As in :func:`medium_risk`.

    Returns
    -------
    detail : DataFrame
        One row per location, substance, medium and pathway: ``intake_ca``, ``intake_nc``,
        ``intake_unit``, ``risk``, ``hq``.
    totals : DataFrame
        One row per location: ``total_risk``, ``hi``, and ``hi_<organ>`` columns.
    """
    rows = []
    for (medium,), grp in df.groupby(["medium"], sort=False):
        wide = grp.pivot_table(index="location_id", columns="cas", values="conc", aggfunc="sum",
                               fill_value=0.0, sort=False)
        cas = [str(c) for c in wide.columns]
        res = medium_risk(wide.to_numpy(), cas, str(medium), receptor, params, factors)
        locs = wide.index.to_numpy()
        for pw, d in res["pathways"].items():
            for j, c in enumerate(cas):
                rows.append(pd.DataFrame({
                    "location_id": locs, "cas": c, "medium": medium, "pathway": pw,
                    "conc": wide.iloc[:, j].to_numpy(), "unit": MEDIUM_UNITS[str(medium)],
                    "intake_ca": d["intake_ca"][:, j], "intake_nc": d["intake_nc"][:, j],
                    "intake_unit": d["intake_unit"], "risk": d["risk"][:, j], "hq": d["hq"][:, j]}))
    detail = pd.concat(rows, ignore_index=True)
    tot = detail.groupby("location_id", sort=False).agg(total_risk=("risk", "sum"), hi=("hq", "sum"))
    by_sub = detail.groupby(["location_id", "cas"], sort=False)["hq"].sum().reset_index()
    organs = target_organs(list(by_sub["cas"]))
    organ_rows = [(loc, o, h) for loc, orgs, h in zip(by_sub["location_id"], organs, by_sub["hq"],
                                                      strict=True) for o in orgs]
    if organ_rows:
        org = pd.DataFrame(organ_rows, columns=["location_id", "organ", "hq"])
        piv = org.pivot_table(index="location_id", columns="organ", values="hq", aggfunc="sum")
        tot = tot.join(piv.add_prefix("hi_"))
    return detail, tot.reset_index()
