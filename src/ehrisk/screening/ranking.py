"""Score, rank and tier the substances of an emissions inventory (优先控制污染物清单).

For substance *i*, enterprise *e* and medium *m* (air, water, soil)::

    S_i = P_i * B_i * L_i * sum_{e,m} TW_{i,m}^a * Q_{i,e,m}^b * X_{e,m}^c

- ``TW_{i,m}``: RSEI-style toxicity weight of the route the medium leads to (air ->
  inhalation, water and soil -> oral), :mod:`ehrisk.screening.toxicity_weights`;
- ``Q_{i,e,m}``: amount emitted [t/yr];
- ``X_{e,m} = f_m * N_e``: exposure potential, the medium factor ``f_m`` times the population
  near the enterprise ``N_e`` [persons] (``N_e = 1`` when no population is given);
- ``P_i``, ``B_i``: persistence and bioaccumulation multipliers (1 when not flagged);
- ``L_i = 1 + list_bonus`` if the substance is on a configured national list, else 1;
- ``a, b, c``: exponents, 1 by default (then ``S`` is the RSEI-style product
  toxicity x amount x exposure); moved +-50 % in the stability report.

Tiers: substances are sorted by ``S``; a substance whose preceding cumulative share of the
total is below ``tier_priority_cum_share`` is *priority control*, below
``tier_watch_cum_share`` *watch*, else *general*; a listed substance is raised to its list's
minimum tier. Substances without any toxicity value are not scored (tier *general* unless a
list raises them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.screening.catalog import SubstanceCatalog
from ehrisk.screening.config import TIER_NAMES, TIER_NAMES_ZH, ScreeningWeights
from ehrisk.screening.priority import basis_words
from ehrisk.screening.toxicity_weights import rsei_toxicity_weights

ROUTE_OF_MEDIUM = {"air": "inh", "water": "oral", "soil": "oral"}
MEDIA = ("air", "water", "soil")
MEDIUM_ZH = {"air": "大气", "water": "水", "soil": "土壤"}

LIST_NAMES = {
    "air_toxics_2018": ("有毒有害大气污染物名录（2018年）", "list of toxic and harmful air pollutants (2018)"),
    "water_toxics_2019": ("有毒有害水污染物名录（第一批）", "list of toxic and harmful water pollutants (2019)"),
    "priority_chemicals_batch1_2017": ("优先控制化学品名录（第一批）", "priority control chemicals list, batch 1 (2017)"),
    "priority_chemicals_batch2_2020": ("优先控制化学品名录（第二批）", "priority control chemicals list, batch 2 (2020)"),
    "new_pollutants_2023": ("重点管控新污染物清单（2023年版）", "list of new pollutants under key control (2023)"),
}

_BASIS_VALUE = {
    "IUR": ("iur_per_ug_m3", "(ug/m3)^-1"), "RfC": ("rfc_mg_m3", "mg/m3"),
    "SFo": ("sfo_per_mg_kg_day", "(mg/kg-day)^-1"), "RfD": ("rfd_mg_kg_day", "mg/kg-day"),
}


@dataclass
class Components:
    """Everything the score needs, computed once (the stability report re-scores from it).

    Attributes
    ----------
    rows : DataFrame
        One row per (cas, enterprise, medium): ``emission_t_yr`` [t/yr], ``tw`` [-],
        ``population`` [persons], ``medium_factor`` [-], ``exposure`` [-].
    substances : DataFrame
        Indexed by CAS: names, toxicity weights and basis, flags (``persistent``,
        ``bioaccumulative``), ``lists`` (tuple of configured list ids), ``min_tier``.
    """

    rows: pd.DataFrame
    substances: pd.DataFrame


def build_components(emissions: pd.DataFrame, catalog: SubstanceCatalog,
                     weights: ScreeningWeights, population: pd.Series | None = None
                     ) -> Components:
    """Aggregate emissions and attach toxicity weights, exposure and flags.

    Parameters
    ----------
    emissions : DataFrame
        Columns ``enterprise``, ``cas``, ``medium`` (air/water/soil), ``emission_t_yr`` [t/yr]
        (:func:`ehrisk.screening.inventory.prepare_emissions`).
    catalog : SubstanceCatalog
        Toxicity values, names, flags and list memberships.
    weights : ScreeningWeights
        Method constants.
    population : Series, optional
        Population near each enterprise [persons], indexed by enterprise; every enterprise of
        ``emissions`` must be present. ``None``: exposure is the medium factor alone.

    Returns
    -------
    Components
    """
    need = {"enterprise", "cas", "medium", "emission_t_yr"}
    if not need <= set(emissions.columns):
        raise ValueError(f"emissions need columns {sorted(need)}")
    if (emissions["emission_t_yr"] < 0).any():
        raise ValueError("emission_t_yr must be >= 0")
    unknown = sorted(set(emissions["cas"]) - set(catalog.info.index))
    if unknown:
        raise KeyError(f"substances not in the catalog: {', '.join(unknown)}")
    mf = weights.medium_factors
    bad_media = sorted(set(emissions["medium"]) - set(mf))
    if bad_media:
        raise ValueError(f"no medium factor for {bad_media}; known: {sorted(mf)}")
    rows = (emissions.groupby(["cas", "enterprise", "medium"], sort=False, as_index=False)
            ["emission_t_yr"].sum())
    cas_list = list(dict.fromkeys(rows["cas"]))
    info = catalog.info.loc[cas_list]
    tw = rsei_toxicity_weights(info, weights)
    route = rows["medium"].map(ROUTE_OF_MEDIUM)
    rows["tw"] = np.where(route == "inh", tw["tw_inh"].reindex(rows["cas"]).to_numpy(),
                          tw["tw_oral"].reindex(rows["cas"]).to_numpy())
    if population is None:
        rows["population"] = np.nan
        pop = np.ones(len(rows))
    else:
        missing = sorted(set(rows["enterprise"]) - set(population.index))
        if missing:
            raise KeyError(f"no population for enterprises: {', '.join(missing)}")
        pop = population.reindex(rows["enterprise"]).to_numpy(dtype=float)
        if (pop < 0).any() or not np.isfinite(pop).all():
            raise ValueError("population must be finite and >= 0")
        rows["population"] = pop
    rows["medium_factor"] = rows["medium"].map(mf).astype(float)
    rows["exposure"] = rows["medium_factor"] * pop
    configured = weights.min_tiers
    sub = pd.DataFrame(index=pd.Index(cas_list, name="cas"))
    sub["name_zh"] = info["name_zh"].to_numpy()
    sub["name_en"] = info["name_en"].to_numpy()
    for col in ("iur_per_ug_m3", "rfc_mg_m3", "sfo_per_mg_kg_day", "rfd_mg_kg_day"):
        sub[col] = info[col].to_numpy()
    for col in ("tw_inh", "tw_oral", "tw_inh_basis", "tw_oral_basis"):
        sub[col] = tw[col].to_numpy()
    sub["persistent"] = catalog.persistent().reindex(cas_list).fillna(False).to_numpy(bool)
    sub["bioaccumulative"] = (catalog.bioaccumulative(weights).reindex(cas_list)
                              .fillna(False).to_numpy(bool))
    sub["lists"] = [tuple(x for x in catalog.lists.get(c, ()) if x in configured)
                    for c in cas_list]
    sub["min_tier"] = [min((configured[x] for x in ls), default=3) for ls in sub["lists"]]
    sub["national_lists"] = [tuple(x for x in catalog.lists.get(c, ())
                                   if not x.startswith(STANDARD_LIST_PREFIX))
                             for c in cas_list]
    return Components(rows=rows, substances=sub)


STANDARD_LIST_PREFIX = "gb"
"""List ids of quality standards' item lists (GB 36600, GB 3095), not control lists: not
shown as national list membership."""


def list_names_zh() -> dict[str, str]:
    """Chinese name of every national list by id (from ``ehrisk.refdata.chemicals``)."""
    from ehrisk.refdata import chemicals

    names = {k: v[0] for k, v in LIST_NAMES.items()}
    try:
        ids = chemicals.list_ids()
    except LookupError:
        return names
    names.update(dict(zip(ids["list_id"], ids["list_name_zh"], strict=True)))
    return names


def substance_scores(comp: Components, weights: ScreeningWeights) -> pd.DataFrame:
    """Per-substance score and its breakdown (see the module docstring for the formula).

    Parameters
    ----------
    comp : Components
        From :func:`build_components`.
    weights : ScreeningWeights
        Supplies the exponents ``toxicity_exponent``, ``amount_exponent``,
        ``exposure_exponent`` and the multipliers ``persistence_factor``,
        ``bioaccumulation_factor``, ``list_bonus``.

    Returns
    -------
    DataFrame
        Indexed by CAS: ``score_air``, ``score_water``, ``score_soil`` (the sums before the
        multipliers), ``base_score``, ``persistence_multiplier``,
        ``bioaccumulation_multiplier``, ``list_multiplier``, ``score`` (NaN when the substance
        has no toxicity weight for any medium it is emitted to).

    References
    ----------
    US EPA RSEI Methodology, version 2.3.x (score = toxicity weight x amount x exposed
    population); OECD/JRC (2008) Handbook on Constructing Composite Indicators, section 6
    (weighted geometric aggregation, for the exponents).
    """
    r = comp.rows
    a, b, c = (weights["toxicity_exponent"], weights["amount_exponent"],
               weights["exposure_exponent"])
    contrib = np.power(r["tw"].to_numpy(float), a) * np.power(r["emission_t_yr"].to_numpy(float), b) \
        * np.power(r["exposure"].to_numpy(float), c)
    df = pd.DataFrame({"cas": r["cas"].to_numpy(), "medium": r["medium"].to_numpy(),
                       "c": contrib})
    # a medium with no TW for the substance stays NaN (min_count=1)
    wide = df.groupby(["cas", "medium"], sort=False)["c"].sum(min_count=1).unstack("medium")
    wide = wide.reindex(index=comp.substances.index, columns=list(MEDIA))
    out = pd.DataFrame(index=comp.substances.index)
    for m in MEDIA:
        out[f"score_{m}"] = wide[m]
    out["base_score"] = wide.sum(axis=1, min_count=1)
    s = comp.substances
    out["persistence_multiplier"] = np.where(s["persistent"], weights["persistence_factor"], 1.0)
    out["bioaccumulation_multiplier"] = np.where(s["bioaccumulative"],
                                                 weights["bioaccumulation_factor"], 1.0)
    out["list_multiplier"] = np.where(s["lists"].map(len) > 0, 1.0 + weights["list_bonus"], 1.0)
    out["score"] = (out["base_score"] * out["persistence_multiplier"]
                    * out["bioaccumulation_multiplier"] * out["list_multiplier"])
    return out


def assign_tiers(score: pd.Series, min_tier: pd.Series, weights: ScreeningWeights
                 ) -> pd.DataFrame:
    """Rank and tier substances by cumulative share of the total score.

    Parameters
    ----------
    score : Series
        Score per substance (NaN = not scored).
    min_tier : Series
        Minimum tier code per substance from list membership (3 = no minimum).
    weights : ScreeningWeights
        Supplies ``tier_priority_cum_share`` and ``tier_watch_cum_share``.

    Returns
    -------
    DataFrame
        Indexed like ``score`` and sorted (scored by descending score, then unscored; ties by
        CAS): ``rank`` (1 = highest; NaN if unscored), ``share``, ``cum_share`` (including the
        substance), ``tier_by_score`` and ``tier`` (codes 1/2/3), ``tier_name``.

    References
    ----------
    ehrisk method (docs/screening.md): cumulative-share (Pareto) tiers; list minimum tiers.
    """
    df = pd.DataFrame({"score": score.astype(float), "min_tier": min_tier.astype(int)})
    df["_key"] = df.index.astype(str)
    df["_scored"] = df["score"].notna()
    df = df.sort_values(["_scored", "score", "_key"], ascending=[False, False, True])
    scored = df["_scored"].to_numpy()
    total = float(df.loc[df["_scored"], "score"].sum())
    n_scored = int(scored.sum())
    rank = np.full(len(df), np.nan)
    rank[:n_scored] = np.arange(1, n_scored + 1)
    df["rank"] = rank
    if total > 0:
        share = df["score"].to_numpy() / total
        cum = np.cumsum(np.nan_to_num(share))
        before = cum - np.nan_to_num(share)
        tier = np.where(before < weights["tier_priority_cum_share"], 1,
                        np.where(before < weights["tier_watch_cum_share"], 2, 3))
        tier = np.where(scored & (df["score"].to_numpy() > 0), tier, 3)
        df["share"] = share
        df["cum_share"] = np.where(scored, cum, np.nan)
    else:
        tier = np.full(len(df), 3)
        df["share"] = np.nan
        df["cum_share"] = np.nan
    df["tier_by_score"] = tier
    df["tier"] = np.minimum(tier, df["min_tier"].to_numpy())
    df["tier_name"] = df["tier"].map(TIER_NAMES)
    return df.drop(columns=["_key", "_scored", "score", "min_tier"])


@dataclass
class ScreeningResult:
    """A ranked priority list with the breakdown of every score.

    Attributes
    ----------
    table : DataFrame
        One row per substance in rank order (see :func:`screen` for the columns).
    rows : DataFrame
        Per (substance, enterprise, medium) contributions, for attribution.
    weights : ScreeningWeights
    population_method : str
    warnings : list of str
    views : DataFrame
        Rankings per medium and endpoint (``screening/priority_by_medium``).
    """

    table: pd.DataFrame
    rows: pd.DataFrame
    weights: ScreeningWeights
    population_method: str
    warnings: list[str] = field(default_factory=list)
    views: pd.DataFrame | None = None
    """Rankings per medium and endpoint
    (:func:`ehrisk.screening.priority.rank_views`, with names)."""

    def tiers(self) -> dict[str, list[str]]:
        """``{"priority": [cas, ...], "watch": [...], "general": [...]}`` in rank order."""
        return {name: self.table.loc[self.table["tier"] == code, "cas"].tolist()
                for code, name in TIER_NAMES.items()}


def screen(emissions: pd.DataFrame, catalog: SubstanceCatalog, weights: ScreeningWeights,
           population: pd.Series | None = None, population_method: str | None = None
           ) -> ScreeningResult:
    """Priority-pollutant screening of an emissions inventory.

    Parameters
    ----------
    emissions : DataFrame
        ``enterprise``, ``cas``, ``medium``, ``emission_t_yr`` [t/yr].
    catalog : SubstanceCatalog
    weights : ScreeningWeights
    population : Series, optional
        Population near each enterprise [persons].
    population_method : str, optional
        How ``population`` was obtained (reported).

    Returns
    -------
    ScreeningResult
        ``table`` columns: ``rank, cas, name_zh, name_en, tier, tier_name, tier_name_zh,
        tier_by_score, score, share, cum_share, base_score, score_air, score_water,
        score_soil, persistence_multiplier, bioaccumulation_multiplier, list_multiplier,
        tw_inh, tw_inh_basis, tw_oral, tw_oral_basis, emission_t_yr, emission_t_yr_air,
        emission_t_yr_water, emission_t_yr_soil, n_enterprises, population_max,
        top_enterprise, persistent, bioaccumulative, lists, reason_zh, reason_en``.

    References
    ----------
    See the module docstring (US EPA RSEI Methodology v2.3.x; ehrisk method in
    docs/screening.md).
    """
    from ehrisk.screening import priority

    comp = build_components(emissions, catalog, weights, population)
    sc = substance_scores(comp, weights)
    tiers = assign_tiers(sc["score"], comp.substances["min_tier"], weights)
    mult = sc["persistence_multiplier"] * sc["bioaccumulation_multiplier"] * sc["list_multiplier"]
    vsc = priority.view_scores(comp.rows, comp.substances, mult, weights)
    views = priority.rank_views(vsc, float(sc["score"].sum()), weights)
    tiers = priority.apply_rule(tiers, views, comp.substances["min_tier"], weights)
    vrank = views.assign(view=views["medium"] + "_" + views["endpoint"]).pivot(
        index="cas", columns="view", values="rank")
    rows = comp.rows.copy()
    a, b, c = (weights["toxicity_exponent"], weights["amount_exponent"],
               weights["exposure_exponent"])
    rows["contribution"] = (rows["tw"] ** a) * (rows["emission_t_yr"] ** b) * (rows["exposure"] ** c)
    amount = rows.pivot_table(index="cas", columns="medium", values="emission_t_yr",
                              aggfunc="sum", fill_value=0.0).reindex(
        index=comp.substances.index, columns=list(MEDIA), fill_value=0.0)
    ent = rows.groupby("cas", sort=False)
    by_ent = rows.groupby(["cas", "enterprise"], sort=False)["contribution"].sum(min_count=1)
    top_ent = {cas: (g.droplevel(0).idxmax() if g.notna().any() else "")
               for cas, g in by_ent.groupby(level=0, sort=False)}
    t = comp.substances.join(sc).join(tiers).join(vsc)
    for m, k in priority.VIEWS:
        v = priority.view_name(m, k)
        t[f"rank_{v}"] = vrank[v].reindex(t.index) if v in vrank.columns else np.nan
    score_cols = [f"score_{priority.view_name(m, k)}" for m, k in priority.VIEWS]
    main = t[score_cols].fillna(-1.0)
    has_view = (main > 0).any(axis=1)
    best_col = main.idxmax(axis=1).str[len("score_"):]
    t["main_medium"] = np.where(has_view, best_col.str.split("_").str[0], "")
    t["main_endpoint"] = np.where(has_view, best_col.str.split("_").str[1], "")
    names = list_names_zh()
    t["national_lists_zh"] = t["national_lists"].map(
        lambda ls: "；".join(names.get(x, x) for x in ls))
    t["emission_t_yr"] = amount.sum(axis=1)
    for m in MEDIA:
        t[f"emission_t_yr_{m}"] = amount[m]
    t["n_enterprises"] = ent["enterprise"].nunique().reindex(t.index)
    t["population_max"] = ent["population"].max().reindex(t.index)
    t["top_enterprise"] = pd.Series(top_ent).reindex(t.index).fillna("")
    t["tier_name_zh"] = t["tier"].map(TIER_NAMES_ZH)
    t = t.loc[tiers.index]
    t.insert(0, "cas", t.index)
    t["reason_zh"] = [_reason_zh(r) for r in t.itertuples()]
    t["reason_en"] = [_reason_en(r) for r in t.itertuples()]
    t["lists"] = t["lists"].map(lambda ls: ";".join(ls))
    cols = ["rank", "cas", "name_zh", "name_en", "tier", "tier_name", "tier_name_zh",
            "tier_by_score", "score", "share", "cum_share", "base_score", "score_air",
            "score_water", "score_soil", "persistence_multiplier", "bioaccumulation_multiplier",
            "list_multiplier", "tw_inh", "tw_inh_basis", "tw_oral", "tw_oral_basis",
            "emission_t_yr", "emission_t_yr_air", "emission_t_yr_water", "emission_t_yr_soil",
            "n_enterprises", "population_max", "top_enterprise", "persistent",
            "bioaccumulative", "lists", "national_lists_zh", "priority_basis", "main_medium",
            "main_endpoint", *score_cols,
            *[f"rank_{priority.view_name(m, k)}" for m, k in priority.VIEWS],
            "reason_zh", "reason_en"]
    method = population_method or ("population given" if population is not None
                                   else "no population given: exposure = medium factor only")
    return ScreeningResult(table=t[cols].reset_index(drop=True), rows=rows, weights=weights,
                           population_method=method, warnings=list(catalog.warnings),
                           views=views.merge(t[["name_zh", "name_en"]], left_on="cas",
                                             right_index=True, how="left"))


# ---------------------------------------------------------------------- reasons in words

def _main_route(r) -> str:
    air = r.score_air if r.score_air == r.score_air else -1.0
    other = max((x for x in (r.score_water, r.score_soil) if x == x), default=-1.0)
    if air < 0 and other < 0:
        return "inh" if r.emission_t_yr_air >= r.emission_t_yr - r.emission_t_yr_air else "oral"
    return "inh" if air >= other else "oral"


def _num(x: float) -> str:
    """Three significant figures, positional between 0.001 and 100 000, else scientific."""
    if x != x:
        return "NaN"
    if x == 0 or 1e-3 <= abs(x) < 1e5:
        return np.format_float_positional(x, precision=3, unique=False, fractional=False,
                                          trim="-")
    return f"{x:.2e}"


def _tox_phrase(r, zh: bool) -> str:
    route = _main_route(r)
    tw = r.tw_inh if route == "inh" else r.tw_oral
    basis = r.tw_inh_basis if route == "inh" else r.tw_oral_basis
    if not tw == tw:
        return "无毒性值，未计分" if zh else "no toxicity value, not scored"
    key = basis.split(" ")[0]
    col, unit = _BASIS_VALUE.get(key, ("", ""))
    val = getattr(r, col, np.nan) if col else np.nan
    adopted = "(adopted)" in basis
    if zh:
        kind = "致癌" if key in ("IUR", "SFo") else "非致癌"
        extra = "，由另一途径借用" if adopted else ""
        return f"毒性权重 {_num(tw)}（{key} {val:.2g} {unit}，{kind}{extra}）"
    kind = "cancer" if key in ("IUR", "SFo") else "non-cancer"
    extra = ", adopted from the other route" if adopted else ""
    return f"toxicity weight {_num(tw)} ({key} {val:.2g} {unit}, {kind}{extra})"


def _amount_phrase(r, zh: bool) -> str:
    parts = [(m, getattr(r, f"emission_t_yr_{m}")) for m in MEDIA]
    parts = [(m, x) for m, x in parts if x > 0]
    if zh:
        detail = "，".join(f"{MEDIUM_ZH[m]} {_num(x)} t" for m, x in parts)
        return f"年排放 {_num(r.emission_t_yr)} t" + (f"（{detail}）" if len(parts) > 1 else "")
    detail = ", ".join(f"{m} {_num(x)} t" for m, x in parts)
    return f"emitted {_num(r.emission_t_yr)} t/yr" + (f" ({detail})" if len(parts) > 1 else "")


def _reason_zh(r) -> str:
    name = r.name_zh or r.name_en or r.cas
    bits = [_tox_phrase(r, True), _amount_phrase(r, True), f"{r.n_enterprises} 家企业排放"]
    if r.population_max == r.population_max:
        bits.append(f"周边人口最多 {_num(float(units.persons_to_wan(r.population_max)))} 万")
    if r.persistent:
        bits.append("持久性")
    if r.bioaccumulative:
        bits.append("生物累积性")
    if r.lists:
        bits.append("列入" + "、".join(LIST_NAMES.get(x, (x, x))[0] for x in r.lists))
    tail = TIER_NAMES_ZH[r.tier]
    if r.rank == r.rank and r.share == r.share:
        tail += f"（第 {int(r.rank)} 位，占总分 {r.share:.1%}）"
    if r.priority_basis:
        tail += f"；入选依据：{basis_words(r.priority_basis, True)}"
    if r.tier < r.tier_by_score:
        tail += f"；按得分为{TIER_NAMES_ZH[r.tier_by_score]}，因列入名录提升"
    return f"{name}：" + "，".join(bits) + f" → {tail}"


def _reason_en(r) -> str:
    name = r.name_en or r.name_zh or r.cas
    bits = [_tox_phrase(r, False), _amount_phrase(r, False),
            f"{r.n_enterprises} enterprise{'s' if r.n_enterprises != 1 else ''}"]
    if r.population_max == r.population_max:
        bits.append(f"up to {r.population_max:,.0f} people nearby")
    if r.persistent:
        bits.append("persistent")
    if r.bioaccumulative:
        bits.append("bioaccumulative")
    if r.lists:
        bits.append("on the " + "; ".join(LIST_NAMES.get(x, (x, x))[1] for x in r.lists))
    tail = TIER_NAMES[r.tier]
    if r.rank == r.rank and r.share == r.share:
        tail += f" (rank {int(r.rank)}, {r.share:.1%} of the total score)"
    if r.priority_basis:
        tail += f"; picked by {basis_words(r.priority_basis, False)}"
    if r.tier < r.tier_by_score:
        tail += f"; {TIER_NAMES[r.tier_by_score]} by score, raised by list membership"
    return f"{name}: " + ", ".join(bits) + f" -> {tail}"
