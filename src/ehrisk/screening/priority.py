"""The priority tier (优先控制) of the screening list: rankings per medium and endpoint, and
the rule that turns them into a list a bureau can act on.

The overall score ranks every substance on one scale, so one very potent substance (PFOA under
the 2024 EPA values, about 80-97 % of a demo area's total) can leave the cumulative-share rule
with a single priority substance. Following the per-medium and per-endpoint reporting of
US EPA's RSEI (Cancer and NonCancer Hazard/Score are reported separately and by release
medium) and the EU COMMPS procedure (a priority ranking list per compartment, substances
selected from each list; COM(2000) 47 final), the substances are ranked within each **view**
= medium (air, water, soil) x endpoint (cancer, non-cancer)::

    S_{i,m,k} = P_i * B_i * L_i * sum_e TW_{i,m,k}^a * Q_{i,e,m}^b * X_{e,m}^c

with ``TW_{i,m,k}`` the RSEI toxicity weight of endpoint *k* (cancer: IUR or SFo; non-cancer:
RfC or RfD) for the route medium *m* leads to (where the route has no value at all and
``rsei_route_fallback`` is 1, the other route's weights are adopted, as in the overall score).

The rule (parameters in ``screening_priority_rule.csv``):

1. A view counts when its total is at least ``view_min_share_of_total`` of the total score of
   all substances (RSEI weights put cancer and non-cancer on one scale, so views compare).
2. In a counted view, substances are taken by view score while the share of the view total
   before them is below ``view_cum_share`` (the list's Pareto cut applied within the view);
   then, up to ``view_min_n``, the next ones with at least ``view_min_substance_share`` of the
   view; at most ``view_max_n`` per view.
3. The priority tier is the union of the views' picks and the overall cumulative-share picks
   (``tier_priority_cum_share``), at most ``priority_max_n`` substances (best view rank, then
   total score, kept first).

Substances not picked keep the overall rule: *watch* while the share of the total before them
is below ``tier_watch_cum_share`` (or within a view below it), else *general*; a national list
raises a substance to its list's minimum tier as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.screening.config import ScreeningWeights
from ehrisk.screening.toxicity_weights import rsei_toxicity_weights

MEDIA = ("air", "water", "soil")
ENDPOINTS = ("cancer", "noncancer")
ROUTE_OF_MEDIUM = {"air": "inh", "water": "oral", "soil": "oral"}
MEDIUM_ZH = {"air": "大气", "water": "水", "soil": "土壤"}
ENDPOINT_ZH = {"cancer": "致癌", "noncancer": "非致癌"}
ENDPOINT_EN = {"cancer": "cancer", "noncancer": "non-cancer"}
VIEWS = tuple((m, k) for m in MEDIA for k in ENDPOINTS)


def view_name(medium: str, endpoint: str) -> str:
    """``"air_cancer"``-style key of a view (column suffix)."""
    return f"{medium}_{endpoint}"


def endpoint_weights(substances: pd.DataFrame, weights: ScreeningWeights) -> pd.DataFrame:
    """Toxicity weight per route and endpoint, ``tw_<inh|oral>_<cancer|noncancer>`` [-].

    Where a route has no value for either endpoint and ``rsei_route_fallback`` is 1, both
    endpoint weights of the other route are adopted (as RSEI does for the route weight).

    Parameters
    ----------
    substances : DataFrame
        Indexed by CAS with ``iur_per_ug_m3``, ``rfc_mg_m3``, ``sfo_per_mg_kg_day``,
        ``rfd_mg_kg_day`` (``Components.substances``).
    weights : ScreeningWeights

    References
    ----------
    US EPA RSEI Methodology v2.3.x, toxicity weights (via
    :func:`ehrisk.screening.toxicity_weights.rsei_toxicity_weights`).
    """
    tw = rsei_toxicity_weights(substances, weights)
    out = tw[["tw_inh_cancer", "tw_inh_noncancer", "tw_oral_cancer",
              "tw_oral_noncancer"]].copy()
    if weights["rsei_route_fallback"] == 1.0:
        no_inh = out[["tw_inh_cancer", "tw_inh_noncancer"]].isna().all(axis=1)
        no_oral = out[["tw_oral_cancer", "tw_oral_noncancer"]].isna().all(axis=1)
        for k in ENDPOINTS:
            inh, oral = out[f"tw_inh_{k}"].copy(), out[f"tw_oral_{k}"].copy()
            out[f"tw_inh_{k}"] = np.where(no_inh, oral, inh)
            out[f"tw_oral_{k}"] = np.where(no_oral, inh, oral)
    return out


def view_scores(rows: pd.DataFrame, substances: pd.DataFrame, multiplier: pd.Series,
                weights: ScreeningWeights) -> pd.DataFrame:
    """Score of every substance in every view, wide: ``score_<medium>_<endpoint>``.

    Parameters
    ----------
    rows : DataFrame
        ``Components.rows`` (cas, enterprise, medium, emission_t_yr, exposure).
    substances : DataFrame
        ``Components.substances``.
    multiplier : Series
        ``P_i * B_i * L_i`` per CAS (the same multipliers as the overall score).
    weights : ScreeningWeights
        Supplies the exponents.

    Returns
    -------
    DataFrame
        Indexed like ``substances``; NaN where the substance is not emitted to the medium or
        has no weight for the endpoint.
    """
    a, b, c = (weights["toxicity_exponent"], weights["amount_exponent"],
               weights["exposure_exponent"])
    tw = endpoint_weights(substances, weights)
    base = (np.power(rows["emission_t_yr"].to_numpy(float), b)
            * np.power(rows["exposure"].to_numpy(float), c))
    out = pd.DataFrame(index=substances.index)
    for m, k in VIEWS:
        sel = (rows["medium"] == m).to_numpy()
        col = f"tw_{ROUTE_OF_MEDIUM[m]}_{k}"
        w = tw[col].reindex(rows["cas"]).to_numpy(float)
        contrib = np.power(w, a) * base
        df = pd.DataFrame({"cas": rows["cas"].to_numpy()[sel], "c": contrib[sel]})
        s = df.groupby("cas", sort=False)["c"].sum(min_count=1)
        out[f"score_{view_name(m, k)}"] = s.reindex(out.index).to_numpy(float) \
            * multiplier.reindex(out.index).to_numpy(float)
    return out


def rank_views(scores: pd.DataFrame, total_score: float, weights: ScreeningWeights
               ) -> pd.DataFrame:
    """Rank and select within each view (steps 1-2 of the module's rule), long format.

    Parameters
    ----------
    scores : DataFrame
        From :func:`view_scores`.
    total_score : float
        Sum of the overall scores of all substances.
    weights : ScreeningWeights
        Supplies ``view_cum_share``, ``view_min_n``, ``view_max_n``,
        ``view_min_substance_share``, ``view_min_share_of_total``, ``tier_watch_cum_share``.

    Returns
    -------
    DataFrame
        One row per view and scored substance: ``medium, endpoint, rank, cas, score, share``
        (of the view), ``cum_share``, ``view_share_of_total``, ``view_counted``, ``selected``
        (picked by the view), ``watch`` (share before it below ``tier_watch_cum_share``).
    """
    rows = []
    for m, k in VIEWS:
        s = scores[f"score_{view_name(m, k)}"].dropna()
        s = s[s > 0]
        if s.empty:
            continue
        df = pd.DataFrame({"cas": s.index.astype(str), "score": s.to_numpy(float)})
        df = df.sort_values(["score", "cas"], ascending=[False, True]).reset_index(drop=True)
        tot = float(df["score"].sum())
        share = df["score"].to_numpy() / tot
        cum = np.cumsum(share)
        before = cum - share
        counted = total_score > 0 and tot / total_score >= weights["view_min_share_of_total"]
        n = len(df)
        sel = before < weights["view_cum_share"]
        pos = np.arange(n)
        fill = (pos < int(weights["view_min_n"])) & (share >= weights["view_min_substance_share"])
        sel = (sel | fill) & (pos < int(weights["view_max_n"])) & counted
        df.insert(0, "rank", pos + 1)
        df.insert(0, "endpoint", k)
        df.insert(0, "medium", m)
        df["share"] = share
        df["cum_share"] = cum
        df["view_share_of_total"] = tot / total_score if total_score > 0 else np.nan
        df["view_counted"] = bool(counted)
        df["selected"] = sel
        df["watch"] = before < weights["tier_watch_cum_share"]
        rows.append(df)
    cols = ["medium", "endpoint", "rank", "cas", "score", "share", "cum_share",
            "view_share_of_total", "view_counted", "selected", "watch"]
    if not rows:
        return pd.DataFrame(columns=cols)
    return pd.concat(rows, ignore_index=True)[cols]


def apply_rule(tiers: pd.DataFrame, views: pd.DataFrame, min_tier: pd.Series,
               weights: ScreeningWeights) -> pd.DataFrame:
    """The priority tier from the views and the overall rule (step 3), then list minimums.

    Parameters
    ----------
    tiers : DataFrame
        From :func:`ehrisk.screening.ranking.assign_tiers` (indexed by CAS, in rank order;
        ``rank``, ``tier_by_score``, ...).
    views : DataFrame
        From :func:`rank_views`.
    min_tier : Series
        Minimum tier per CAS from list membership (3 = none).
    weights : ScreeningWeights
        Supplies ``priority_max_n``.

    Returns
    -------
    DataFrame
        ``tiers`` with ``tier_by_score``, ``tier``, ``tier_name`` recomputed and
        ``priority_basis`` (how a priority substance was picked: ``"air/cancer #1; total"``),
        ``best_view_rank``.
    """
    from ehrisk.screening.config import TIER_NAMES

    t = tiers.copy()
    by_total = set(t.index[t["tier_by_score"] == 1])
    picked = views[views["selected"]]
    basis: dict[str, list[str]] = {}
    best: dict[str, int] = {}
    for r in picked.itertuples(index=False):
        basis.setdefault(r.cas, []).append(f"{r.medium}/{r.endpoint} #{int(r.rank)}")
        best[r.cas] = min(best.get(r.cas, 10**9), int(r.rank))
    for c in by_total:
        basis.setdefault(c, []).append("total")
        best.setdefault(c, 10**9)
    order = sorted(basis, key=lambda c: (best[c], t.loc[c, "rank"] if c in t.index else 1e9, c))
    keep = set(order[:int(weights["priority_max_n"])])
    watch_view = set(views.loc[views["watch"] & views["view_counted"], "cas"])
    tier = []
    for c, r in t.iterrows():
        if c in keep:
            tier.append(1)
        elif r["tier_by_score"] <= 2 or c in basis or c in watch_view:
            tier.append(2)
        else:
            tier.append(3)
    scored = t["rank"].notna().to_numpy()
    t["tier_by_score"] = np.where(scored, tier, 3)
    t["tier"] = np.minimum(t["tier_by_score"].to_numpy(), min_tier.reindex(t.index).fillna(3)
                           .astype(int).to_numpy())
    t["tier_name"] = t["tier"].map(TIER_NAMES)
    t["priority_basis"] = [("; ".join(basis[c]) if c in keep else "") for c in t.index]
    t["best_view_rank"] = [best.get(c, np.nan) if best.get(c, 10**9) < 10**9 else np.nan
                           for c in t.index]
    return t


def basis_words(text: str, zh: bool) -> str:
    """``"air/cancer #1; total"`` in words."""
    if not text:
        return ""
    out = []
    for part in text.split("; "):
        if part == "total":
            out.append("总分累计占比" if zh else "share of the total score")
            continue
        view, rank = part.split(" #")
        m, k = view.split("/")
        out.append(f"{MEDIUM_ZH[m]}{ENDPOINT_ZH[k]}第 {rank} 位" if zh
                   else f"{m} {ENDPOINT_EN[k]} rank {rank}")
    return ("、" if zh else ", ").join(out)
