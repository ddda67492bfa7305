"""Source attribution of the risk map (来源解析): which enterprises and substances make up each
cell's cancer risk and hazard index, the per-enterprise attributable-risk table used by the
enterprise risk code, and what-if emission scenarios.

Because the Gaussian plume is linear in the emission rate and the RSL risk equations are linear in
the concentration, the contribution of source s to the risk in cell c is

    risk[c, s] = SRM[c, s] x sum_k Q[s, k] x r_k,    HI[c, s] = SRM[c, s] x sum_k Q[s, k] x h_k

with SRM the unit-emission source-receptor matrix [ug/m3 per g/s], Q the emission rates [g/s]
and r_k, h_k the cancer risk and HQ per 1 ug/m3 of substance k (toxicity weights). The
contributions of all sources add up exactly to the cell's total (superposition).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ehrisk.mapping.field import ConcentrationField
from ehrisk.mapping.risk_map import (
    RECEPTOR_RESIDENT,
    RECEPTOR_WORKER,
    lifetime_yr,
    toxic_substances,
    unit_coefficients,
)

TOP_N = 3


def _enterprise_matrix(codes: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    uniq, inv = np.unique(codes.astype(str), return_inverse=True)
    e = sp.csr_matrix((np.ones(len(codes)), (np.arange(len(codes)), inv)),
                      shape=(len(codes), len(uniq)))
    return e, uniq


def _top(values: np.ndarray, names: np.ndarray, total: np.ndarray, prefix: str,
         n: int = TOP_N) -> dict[str, np.ndarray]:
    """Top-n columns of ``values`` per row with their share of ``total``."""
    k = min(n, values.shape[1])
    order = np.argsort(-values, axis=1, kind="stable")[:, :k]
    out: dict[str, np.ndarray] = {}
    rows = np.arange(values.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(n):
            if i < k:
                v = values[rows, order[:, i]]
                share = np.where(total > 0, v / np.where(total > 0, total, 1.0), np.nan)
                name = np.where(v > 0, names[order[:, i]], "")
                share = np.where(v > 0, share, np.nan)
            else:
                name = np.full(len(rows), "")
                share = np.full(len(rows), np.nan)
            out[f"{prefix}{i + 1}"] = name
            out[f"{prefix}{i + 1}_share"] = share
    return out


@dataclass
class Attribution:
    """Per-cell and per-enterprise attribution of a field with its SRM.

    Attributes
    ----------
    cells : DataFrame
        ``cell_id`` plus, for the governing receptor of each cell (worker in parks, resident
        elsewhere), the top-3 enterprises and substances by cancer risk (``risk_ent1``,
        ``risk_ent1_share``, ... ``risk_sub3_share``) and by HI (``hi_ent1`` ...).
    enterprise_risk : ndarray (n_cells, n_enterprises)
        Cancer risk contributed by each enterprise [-].
    enterprise_hi : ndarray (n_cells, n_enterprises)
        HI contributed by each enterprise [-].
    enterprises : ndarray of str
        Credit codes (columns of the two matrices).
    """

    cells: pd.DataFrame
    enterprise_risk: np.ndarray
    enterprise_hi: np.ndarray
    enterprises: np.ndarray


def _weights(fld: ConcentrationField, cas: list[str], receptor: str):
    r, h = unit_coefficients(cas, receptor)
    q = fld.subset(cas).emission_g_s
    return q @ r, q @ h, r, h


def attribute(fld: ConcentrationField, in_park=None) -> Attribution:
    """Per-cell attribution to enterprises and substances (top 3 each, with shares).

    Parameters
    ----------
    fld : ConcentrationField
        Must keep its SRM and emission matrix (``fld.has_sources``).
    in_park : array_like of bool (n_cells,), optional
        Cells assessed for workers (RSL industrial air) instead of residents.

    Returns
    -------
    Attribution

    References
    ----------
    Superposition of the Gaussian plume (ISC3 User's Guide vol. II, EPA-454/B-95-003b) and the
    linear RSL inhalation equations (RSL User's Guide Nov 2024, 4.9/4.10; RAGS Part A eqs. 8-4,
    8-6).
    """
    if not fld.has_sources:
        raise ValueError("attribution needs a field with its source-receptor matrix "
                         "(a monitoring-only field has no sources)")
    n = len(fld.cells)
    park = np.zeros(n, bool) if in_park is None else np.asarray(in_park, bool)
    cas = toxic_substances(fld.cas)
    e_mat, codes = _enterprise_matrix(fld.sources["credit_code"].to_numpy())
    srm = sp.csr_matrix(fld.srm)
    ent_r = np.zeros((n, len(codes)))
    ent_h = np.zeros((n, len(codes)))
    sub_r = np.zeros((n, len(cas)))
    sub_h = np.zeros((n, len(cas)))
    conc = fld.subset(cas).conc_ug_m3
    for receptor, mask in ((RECEPTOR_RESIDENT, ~park), (RECEPTOR_WORKER, park)):
        if not mask.any():
            continue
        wr, wh, r, h = _weights(fld, cas, receptor)
        part = srm[mask]
        ent_r[mask] = np.asarray((part @ sp.diags(wr) @ e_mat).todense())
        ent_h[mask] = np.asarray((part @ sp.diags(wh) @ e_mat).todense())
        sub_r[mask] = conc[mask] * r
        sub_h[mask] = conc[mask] * h
    tot_r = sub_r.sum(axis=1)
    tot_h = sub_h.sum(axis=1)
    cols = {"cell_id": fld.cells["cell_id"].to_numpy()}
    cas_arr = np.asarray(cas, dtype=object)
    cols.update(_top(ent_r, codes.astype(object), tot_r, "risk_ent"))
    cols.update(_top(ent_h, codes.astype(object), tot_h, "hi_ent"))
    cols.update(_top(sub_r, cas_arr, tot_r, "risk_sub"))
    cols.update(_top(sub_h, cas_arr, tot_h, "hi_sub"))
    return Attribution(pd.DataFrame(cols), ent_r, ent_h, codes)


@dataclass
class EnterpriseRisk:
    """Per-enterprise attributable risk for the enterprise risk code, with what-if scenarios.

    Build with :func:`enterprise_risk`. ``table`` has the columns ``credit_code,
    max_cancer_risk_contribution`` (max over populated cells, resident), ``max_hi_contribution``,
    ``attributable_cases_per_yr`` and ``top_substance``.
    """

    table: pd.DataFrame
    srm_populated: sp.csr_matrix
    emission_g_s: np.ndarray
    source_codes: np.ndarray
    cas: list[str]
    r_coef: np.ndarray
    h_coef: np.ndarray

    def scenario_risk(self, credit_code: str, substance_cas: str | None,
                      reduction_fraction: float) -> tuple[float, float]:
        """New maximum cancer-risk and HI contribution of one enterprise over populated cells
        after reducing its emissions of ``substance_cas`` (all substances if None) by
        ``reduction_fraction`` (0 = unchanged, 1 = stopped); a sparse product SRM q'.

        Parameters
        ----------
        credit_code : str
        substance_cas : str or None
        reduction_fraction : float
            [-], 0 to 1.

        Returns
        -------
        (new_max_cancer_risk_contribution, new_max_hi_contribution)
        """
        if not 0.0 <= reduction_fraction <= 1.0:
            raise ValueError("reduction_fraction must be between 0 and 1")
        cols = np.flatnonzero(self.source_codes == credit_code)
        if len(cols) == 0:
            raise KeyError(f"enterprise {credit_code!r} has no sources in this map")
        q = self.emission_g_s[cols].copy()
        if substance_cas is None:
            q *= 1.0 - reduction_fraction
        else:
            if substance_cas not in self.cas:
                raise KeyError(f"substance {substance_cas!r} has no inhalation toxicity value in "
                               "this map")
            q[:, self.cas.index(substance_cas)] *= 1.0 - reduction_fraction
        if self.srm_populated.shape[0] == 0:
            return 0.0, 0.0
        part = self.srm_populated[:, cols]
        risk = part @ (q @ self.r_coef)
        hi = part @ (q @ self.h_coef)
        return float(np.max(risk)), float(np.max(hi))


def enterprise_risk(fld: ConcentrationField, pop_persons, in_park=None) -> EnterpriseRisk:
    """Per-enterprise attributable resident risk over populated cells.

    Parameters
    ----------
    fld : ConcentrationField
        With its SRM.
    pop_persons : array_like (n_cells,)
        Residents per cell [persons].
    in_park : array_like of bool, optional
        Park cells (excluded: nobody resides there; workers are assessed on the map).

    Returns
    -------
    EnterpriseRisk
        ``attributable_cases_per_yr`` = sum over cells of pop x risk contribution / LT
        (LT = RSL lifetime, 70 yr); ``top_substance`` = the substance with the largest
        population-weighted cancer-risk contribution (largest population-weighted HQ for
        enterprises without carcinogens).

    References
    ----------
    As :func:`attribute`; burden as in US EPA AirToxScreen (population x risk / 70 yr).
    """
    if not fld.has_sources:
        raise ValueError("enterprise risk needs a field with its source-receptor matrix")
    pop = np.asarray(pop_persons, float)
    park = np.zeros(len(pop), bool) if in_park is None else np.asarray(in_park, bool)
    populated = (pop > 0) & ~park
    cas = toxic_substances(fld.cas)
    r, h = unit_coefficients(cas, RECEPTOR_RESIDENT)
    q = fld.subset(cas).emission_g_s
    srm = sp.csr_matrix(fld.srm)
    sp_pop = srm[populated]
    codes_src = fld.sources["credit_code"].astype(str).to_numpy()
    e_mat, codes = _enterprise_matrix(codes_src)
    wr, wh = q @ r, q @ h
    if sp_pop.shape[0]:
        ent_r = np.asarray((sp_pop @ sp.diags(wr) @ e_mat).todense())
        ent_h = np.asarray((sp_pop @ sp.diags(wh) @ e_mat).todense())
        max_r, max_h = ent_r.max(axis=0), ent_h.max(axis=0)
    else:
        max_r = max_h = np.zeros(len(codes))
    pop_srm = np.asarray(sp_pop.T @ pop[populated]).ravel()  # person-ug/m3 per g/s per source
    lt = lifetime_yr()
    cases = (e_mat.T @ (pop_srm * wr)) / lt
    by_sub_r = e_mat.T @ (pop_srm[:, None] * q * r[None, :])
    by_sub_h = e_mat.T @ (pop_srm[:, None] * q * h[None, :])
    top = []
    for i in range(len(codes)):
        row = by_sub_r[i] if by_sub_r[i].max(initial=0.0) > 0 else by_sub_h[i]
        top.append(cas[int(np.argmax(row))] if len(cas) and row.max(initial=0.0) > 0 else "")
    table = pd.DataFrame({"credit_code": codes, "max_cancer_risk_contribution": max_r,
                          "max_hi_contribution": max_h,
                          "attributable_cases_per_yr": np.asarray(cases).ravel(),
                          "top_substance": top})
    table = table.sort_values("max_cancer_risk_contribution", ascending=False,
                              kind="stable").reset_index(drop=True)
    return EnterpriseRisk(table, sp_pop.tocsc(), q, codes_src, cas, r, h)
