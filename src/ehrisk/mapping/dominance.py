"""Which enterprises drive the population-weighted risk of a risk map, and is the map
dominated by a few of them (a data check: a unit slip in one enterprise's emissions makes the
whole map "high")?

For enterprise *e* the population-weighted contributions over populated resident cells *c*
are ``R_e = sum_c pop_c * risk_{c,e}`` [persons] and ``H_e = sum_c pop_c * HI_{c,e}``
[persons], from the unit-emission source-receptor matrix of the map
(:class:`ehrisk.mapping.attribution.EnterpriseRisk`); ``R_e / sum R`` is also enterprise
*e*'s share of the expected cases (US EPA AirToxScreen burden, population x risk / lifetime).

The map is flagged as dominated when the ``top_k`` largest enterprises carry at least
``share_threshold`` of the total of either metric (with more than ``top_k`` enterprises on the
map), or one enterprise alone at least ``single_share_threshold`` (with more than one);
thresholds in ``risk_map_dominance.csv`` (ehrisk defaults, documented).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.refdata import load_table

TABLE = "risk_map_dominance"


def parameters() -> dict[str, float]:
    """The thresholds (table ``risk_map_dominance``) by name."""
    df = load_table(TABLE, numeric=["value"])
    return dict(zip(df["parameter"], df["value"].astype(float), strict=True))


def enterprise_shares(er, pop_populated) -> pd.DataFrame:
    """Population-weighted cancer risk and HI per enterprise and their shares.

    Parameters
    ----------
    er : EnterpriseRisk
        With ``srm_populated`` (populated resident cells x sources), ``emission_g_s``
        (sources x substances) [g/s], ``r_coef``, ``h_coef`` (risk and HQ per ug/m3) and
        ``source_codes``.
    pop_populated : array_like
        Residents of the populated cells, in the rows' order [persons].

    Returns
    -------
    DataFrame
        ``credit_code, pop_risk, pop_hi`` [persons], ``share_risk, share_hi`` [-], sorted by
        the larger of the two shares (descending).

    References
    ----------
    US EPA AirToxScreen technical support document: population-weighted risk and burden as
    population x risk (summed over census blocks).
    """
    pop = np.asarray(pop_populated, dtype=float)
    srm = er.srm_populated
    if srm.shape[0] != len(pop):
        raise ValueError(f"pop_populated has {len(pop)} cells, the matrix {srm.shape[0]}")
    pop_srm = np.asarray(srm.T @ pop).ravel()          # person-ug/m3 per g/s, per source
    q = np.asarray(er.emission_g_s, dtype=float)
    risk_src = pop_srm * (q @ er.r_coef) if q.size else np.zeros(len(pop_srm))
    hi_src = pop_srm * (q @ er.h_coef) if q.size else np.zeros(len(pop_srm))
    df = pd.DataFrame({"credit_code": np.asarray(er.source_codes).astype(str),
                       "pop_risk": risk_src, "pop_hi": hi_src})
    out = df.groupby("credit_code", sort=False, as_index=False).sum()
    for m, s in (("pop_risk", "share_risk"), ("pop_hi", "share_hi")):
        tot = float(out[m].sum())
        out[s] = out[m] / tot if tot > 0 else np.nan
    key = out[["share_risk", "share_hi"]].max(axis=1).fillna(0.0)
    return out.assign(_k=key).sort_values("_k", ascending=False, kind="stable") \
        .drop(columns="_k").reset_index(drop=True)


def dominance(shares: pd.DataFrame, names: dict[str, str] | None = None,
              params: dict[str, float] | None = None) -> dict | None:
    """The dominance warning of a map, or None.

    Parameters
    ----------
    shares : DataFrame
        From :func:`enterprise_shares`.
    names : dict, optional
        Enterprise name per credit code (shown beside the code).
    params : dict, optional
        Thresholds (default :func:`parameters`).

    Returns
    -------
    dict or None
        ``metric`` (``"cancer_risk"`` / ``"hazard_index"``), ``top_share``, ``top_k``,
        ``enterprises`` (``credit_code, name, share``), ``message_zh``, ``message_en``.
    """
    p = parameters() if params is None else params
    names = names or {}
    n = len(shares)
    k = int(p["top_k"])
    found = None
    for metric, col, zh, en in (("cancer_risk", "share_risk", "人口加权致癌风险",
                                 "population-weighted cancer risk"),
                                ("hazard_index", "share_hi", "人口加权危害指数",
                                 "population-weighted hazard index")):
        s = shares[col].dropna().sort_values(ascending=False)
        if s.empty or not np.isfinite(s.sum()) or s.sum() <= 0:
            continue
        top = shares.loc[s.index[:k]]
        top_share = float(s.iloc[:k].sum())
        single = float(s.iloc[0])
        if n > 1 and single >= p["single_share_threshold"]:
            top = shares.loc[s.index[:1]]
            top_share = single
        elif not (n > k and top_share >= p["share_threshold"]):
            continue
        ents = [{"credit_code": c, "name": names.get(c, ""), "share": float(v)}
                for c, v in zip(top["credit_code"], top[col], strict=True)]
        who_zh = "、".join(f"{e['name'] or e['credit_code']}（{e['credit_code']}，{e['share']:.0%}）"
                          for e in ents)
        who_en = ", ".join(f"{e['credit_code']} {e['name']} ({e['share']:.0%})".replace("  ", " ")
                           for e in ents)
        cand = {"metric": metric, "top_share": top_share, "top_k": len(ents),
                "n_enterprises": n, "enterprises": ents,
                "message_zh": f"{len(ents)} 家企业贡献了全图{zh}的 {top_share:.0%}：{who_zh}；"
                              "全图结果主要取决于这些企业的排放数据，请核对（如单位是否有误）",
                "message_en": f"{len(ents)} enterprise(s) carry {top_share:.0%} of the map's "
                              f"{en}: {who_en}; the map rests mainly on their emission data: check it "
                              "(e.g. the units)"}
        if found is None or cand["top_share"] > found["top_share"]:
            found = cand
    return found
