"""Lists derived from the risk codes: the problem list per enterprise (问题清单) with the
measures that would change its code, the whitelist (白名单), the graded supervision list
(分级监管清单) and the change history of codes (风险码变更记录).

Pure: DataFrames in, DataFrames out. The health-risk what-ifs call a ``scenario_risk``
callable supplied by the risk map (unit-emission matrices); see :data:`ScenarioRisk`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.grading.hj941_2018 import grade_hj941_2018, level_ranks, scores_table
from ehrisk.grading.risk_code import (
    HEALTH_CRITERIA,
    RiskCodeRules,
    ScenarioRisk,
    code_ranks,
    code_table,
    fired_rules,
    load_rules,
)

PROBLEM_COLUMNS = ["credit_code", "code", "item_no", "category", "rules", "finding_zh",
                   "finding_en", "measure_zh", "measure_en", "substance_cas",
                   "reduction_fraction", "cancer_before", "cancer_after", "hi_before",
                   "hi_after", "level_before", "level_after", "code_after", "changes_code"]


def codes_only(criteria: pd.DataFrame, rules: RiskCodeRules) -> np.ndarray:
    """Code (red/yellow/green) per row of ``criteria`` without reasons (for what-ifs)."""
    rank = code_ranks()
    by_rank = {v: k for k, v in rank.items()}
    fired = fired_rules(criteria, rules)
    rr = rules.rules["code"].map(rank).to_numpy()
    best = np.where(fired, rr[None, :], min(by_rank)).max(axis=1) if fired.shape[1] else \
        np.full(len(criteria), min(by_rank))
    return np.array([by_rank[int(b)] for b in best], dtype=object)


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3g}"


def _control_names() -> dict[str, tuple[str, str]]:
    s = scores_table()
    c = s[s["section"] == "m_control"]
    return {r.metric: (r.name_zh, r.name_en) for r in c.itertuples()}


def _candidates(row: pd.Series, emissions: pd.DataFrame | None, n: int) -> list[str]:
    out: list[str] = []
    if row.get("top_substance"):
        out.append(str(row["top_substance"]))
    out += [c for c in str(row.get("priority_emitted", "")).split(";") if c]
    if emissions is not None and len(emissions):
        e = emissions[(emissions["credit_code"] == row["credit_code"])
                      & (emissions.get("medium", "air") == "air")]
        out += e.groupby("cas")["amount_t_yr"].sum().sort_values(ascending=False).index.tolist()
    seen: list[str] = []
    for c in out:
        if c not in seen:
            seen.append(c)
    return seen[:n]


def _measure_whatifs(codes: pd.DataFrame, fired: np.ndarray, rules: RiskCodeRules,
                     hj941_inputs) -> dict[tuple[str, str], pd.Series]:
    """HJ 941-2018 regrading of every (enterprise, missing measure put in place) of the red and
    yellow enterprises whose HJ 941 rule fired, in one call of :func:`grade_hj941_2018` (each
    variant graded as its own enterprise)."""
    if hj941_inputs is None:
        return {}
    sto, mg, sens = hj941_inputs
    hj_rule = (rules.rules["criterion"] == "hj941_level_rank").to_numpy()
    keys = []
    for i, (_, row) in enumerate(codes.iterrows()):
        if row["code"] == "green" or not fired[i][hj_rule].any():
            continue
        missing = [m for med in ("air", "water")
                   for m in str(row.get(f"m_missing_{med}", "") or "").split(";") if m]
        keys += [(row["credit_code"], m) for m in dict.fromkeys(missing)]
    if not keys:
        return {}
    ids = [f"{cc}|{k}" for k, (cc, _m) in enumerate(keys)]
    mg_parts, sto_parts, sens_parts = [], [], []
    for vid, (cc, m) in zip(ids, keys, strict=True):
        one = mg[mg["credit_code"] == cc].assign(credit_code=vid)
        one[m] = True
        mg_parts.append(one)
        sto_parts.append(sto[sto["credit_code"] == cc].assign(credit_code=vid))
        sens_parts.append(sens[sens["credit_code"] == cc].assign(credit_code=vid))
    g = grade_hj941_2018(pd.concat(sto_parts, ignore_index=True),
                         pd.concat(mg_parts, ignore_index=True),
                         pd.concat(sens_parts, ignore_index=True)).set_index("credit_code")
    return {key: g.loc[vid] for vid, key in zip(ids, keys, strict=True)}


def problem_list(codes: pd.DataFrame, rules: RiskCodeRules | None = None,
                 scenario_risk: ScenarioRisk | None = None,
                 emissions: pd.DataFrame | None = None,
                 hj941_inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None
                 ) -> pd.DataFrame:
    """Per-enterprise findings that drive the code and the measures that would change it.

    For each red or yellow enterprise:

    - HJ 941 level rules: each missing risk-control measure (``m_missing_*``) is put in place
      in turn, the enterprise is regraded (:func:`grade_hj941_2018`) and the code recomputed;
    - health-risk rules: for up to ``scenario_max_substances`` substances (top substance,
      priority pollutants, largest air emissions) the reductions of
      ``scenario_reduction_fractions`` are tried with ``scenario_risk``; the smallest that
      changes the code is reported (else the largest). Attributable cases are not recomputed
      (the callable returns only the maximum cancer risk and HI contributions);
    - priority-pollutant and problem rules: the measure from the rules table, with the code
      if that criterion were cleared (all priority pollutants eliminated / all problems closed).

    Parameters
    ----------
    codes : DataFrame
        Output of :func:`ehrisk.grading.risk_code.assign_codes`.
    rules : RiskCodeRules, optional
    scenario_risk : callable, optional
        ``(credit_code, cas, reduction_fraction [-]) -> (max_cancer_risk_contribution [-],
        max_hi_contribution [-])``.
    emissions : DataFrame, optional
        ``credit_code``, ``cas``, ``medium``, ``amount_t_yr`` [t/yr].
    hj941_inputs : (storages, management, sensitivity), optional
        As given to :func:`grade_hj941_2018`; needed for the HJ 941 what-ifs.

    Returns
    -------
    DataFrame
        Columns :data:`PROBLEM_COLUMNS`; risks [-] before/after, levels, ``code_after``.

    References
    ----------
    ehrisk method (docs/grading.md); HJ 941-2018 表2/表5 for the measures.
    """
    rules = rules or load_rules()
    fired = fired_rules(codes, rules)
    names = _control_names()
    ranks = {v: k for k, v in level_ranks().items()}
    fractions = rules.fractions()
    n_sub = int(rules.setting_float("scenario_max_substances"))
    rows: list[dict] = []
    whatif = _measure_whatifs(codes, fired, rules, hj941_inputs)
    for i, (_, row) in enumerate(codes.iterrows()):
        if row["code"] == "green":
            continue
        f = np.flatnonzero(fired[i])
        fr = rules.rules.iloc[f]
        cc = row["credit_code"]
        base = pd.DataFrame([row])
        item = 0

        def add(category, rule_ids, fz, fe, mz, me, crit_after, _base=base, _row=row,
                **extra):
            nonlocal item
            item += 1
            new = _base.copy()
            for k, v in crit_after.items():
                new[k] = v
            after = codes_only(new, rules)[0]
            rows.append(dict(credit_code=_row["credit_code"], code=_row["code"], item_no=item,
                             category=category, rules=";".join(rule_ids), finding_zh=fz,
                             finding_en=fe, measure_zh=mz, measure_en=me, code_after=after,
                             changes_code=after != _row["code"], **extra))

        by_crit = {c: g for c, g in fr.groupby("criterion")}
        if "hj941_level_rank" in by_crit:
            g = by_crit["hj941_level_rank"]
            fz = f"HJ 941-2018 风险等级 {row['hj941_code']}"
            fe = f"HJ 941-2018 level {row['hj941_code']}"
            missing = [m for med in ("air", "water")
                       for m in str(row.get(f"m_missing_{med}", "") or "").split(";") if m]
            done = False
            if hj941_inputs is not None and missing:
                for m in dict.fromkeys(missing):
                    new = whatif[(cc, m)]
                    zh, en = names.get(m, (m, m))
                    add("hj941", g["rule_id"], fz, fe, f"落实{zh}", f"put in place: {en}",
                        {"hj941_level_rank": float(new["level_rank"])},
                        level_before=ranks[int(row["hj941_level_rank"])],
                        level_after=new["level"])
                    done = True
            if not done:
                add("hj941", g["rule_id"], fz, fe, g["measure_zh"].iloc[0],
                    g["measure_en"].iloc[0], {}, level_before=ranks[int(row["hj941_level_rank"])],
                    level_after=ranks[int(row["hj941_level_rank"])])
        health = fr[fr["criterion"].isin(HEALTH_CRITERIA)]
        if len(health):
            fz = "；".join(f"{r.criterion} = {_fmt(float(row[r.criterion]))}" for r in
                          health.itertuples())
            fe = fz.replace("；", "; ")
            c0, h0 = float(row["max_cancer_risk_contribution"]), float(row["max_hi_contribution"])
            cands = _candidates(row, emissions, n_sub) if scenario_risk is not None else []
            for cas in cands:
                pick = None
                try:
                    scenario_risk(cc, cas, 0.0)
                except KeyError:  # not in the risk map (no inhalation toxicity value)
                    continue
                for frac in fractions:
                    c1, h1 = scenario_risk(cc, cas, frac)
                    pick = (frac, float(c1), float(h1))
                    new = base.copy()
                    new["max_cancer_risk_contribution"] = c1
                    new["max_hi_contribution"] = h1
                    if codes_only(new, rules)[0] != row["code"]:
                        break
                frac, c1, h1 = pick
                add("health", health["rule_id"], fz, fe,
                    f"削减 {cas} 排放 {frac:.0%}", f"reduce emissions of {cas} by {frac:.0%}",
                    {"max_cancer_risk_contribution": c1, "max_hi_contribution": h1},
                    substance_cas=cas, reduction_fraction=frac, cancer_before=c0,
                    cancer_after=c1, hi_before=h0, hi_after=h1)
            if not cands:
                add("health", health["rule_id"], fz, fe, health["measure_zh"].iloc[0],
                    health["measure_en"].iloc[0], {}, cancer_before=c0, hi_before=h0)
        for crit, cat, detail in (("n_priority_pollutants_emitted", "priority", "priority_emitted"),
                                  ("n_open_problems", "problems", "open_problem_ids"),
                                  ("n_overdue_problems", "problems", "overdue_problem_ids")):
            if crit in by_crit:
                g = by_crit[crit]
                clear = {crit: 0.0}
                if crit == "n_overdue_problems":
                    clear["n_open_problems"] = float(row["n_open_problems"]) - float(row[crit])
                if crit == "n_open_problems":
                    clear["n_overdue_problems"] = 0.0
                add(cat, g["rule_id"], f"{crit} = {_fmt(float(row[crit]))}（{row[detail]}）",
                    f"{crit} = {_fmt(float(row[crit]))} ({row[detail]})",
                    g["measure_zh"].iloc[0], g["measure_en"].iloc[0], clear)
    return pd.DataFrame(rows).reindex(columns=PROBLEM_COLUMNS)


def whitelist(codes: pd.DataFrame, rules: RiskCodeRules | None = None) -> pd.DataFrame:
    """Enterprises with no or acceptable risk (白名单).

    Green code, no open problems and, where the rules' setting
    ``whitelist_requires_attributable`` is 1, an attributable health risk that was assessed.

    Returns
    -------
    DataFrame
        ``credit_code``, ``hj941_code``, ``max_cancer_risk_contribution``,
        ``max_hi_contribution``, ``basis_zh``, ``basis_en``.
    """
    rules = rules or load_rules()
    need_attr = rules.setting_float("whitelist_requires_attributable") >= 1
    ok = (codes["code"] == "green") & (codes["n_open_problems"].astype(float) == 0)
    if need_attr:
        ok &= codes["has_attributable"].astype(bool)
    w = codes.loc[ok, ["credit_code", "hj941_code", "max_cancer_risk_contribution",
                       "max_hi_contribution"]].copy()
    w["basis_zh"] = "绿码，无未整改问题" + np.where(codes.loc[ok, "has_attributable"],
                                              "，归因健康风险低于黄码阈值", "（未评估归因健康风险）")
    w["basis_en"] = "green, no open problems" + np.where(
        codes.loc[ok, "has_attributable"], ", attributable health risk below the yellow thresholds",
        " (attributable health risk not assessed)")
    return w.reset_index(drop=True)


def supervision_list(codes: pd.DataFrame, rules: RiskCodeRules | None = None) -> pd.DataFrame:
    """Graded supervision list (分级监管清单): inspection frequency per enterprise.

    Frequencies from ``supervision_frequency`` by code; the positive list (正面清单, 无事不扰)
    is given only to whitelisted enterprises (a green enterprise not on the whitelist keeps the
    green frequency without the positive-list flag).

    Returns
    -------
    DataFrame
        ``credit_code``, ``code``, ``code_zh``, ``whitelisted``, ``frequency_zh``,
        ``frequency_en``, ``inspections_per_yr``, ``online_monitoring``, ``positive_list``,
        ``reasons_zh``, ``reasons_en``; sorted red first.
    """
    ct = code_table()
    wl = set(whitelist(codes, rules)["credit_code"])
    s = codes[["credit_code", "code", "code_rank", "reasons_zh", "reasons_en"]].merge(
        ct[["code", "code_zh", "frequency_zh", "frequency_en", "inspections_per_yr",
            "online_monitoring", "positive_list"]], on="code", how="left")
    s["whitelisted"] = s["credit_code"].isin(wl)
    s["positive_list"] = s["positive_list"] & s["whitelisted"]
    s = s.sort_values(["code_rank", "credit_code"], ascending=[False, True], kind="stable")
    return s[["credit_code", "code", "code_zh", "whitelisted", "frequency_zh", "frequency_en",
              "inspections_per_yr", "online_monitoring", "positive_list", "reasons_zh",
              "reasons_en"]].reset_index(drop=True)


def compare_codes(previous: pd.DataFrame, current: pd.DataFrame,
                  include_unchanged: bool = False) -> pd.DataFrame:
    """Changes between two code tables (history of risk codes).

    Parameters
    ----------
    previous, current : DataFrame
        ``credit_code``, ``code`` and optionally ``reasons_zh`` / ``fired_rules``.
    include_unchanged : bool
        Keep enterprises whose code and fired rules did not change.

    Returns
    -------
    DataFrame
        ``credit_code``, ``previous_code``, ``current_code``, ``change`` (new / removed /
        raised / lowered / reasons_changed / unchanged), ``change_zh``, ``previous_rules``,
        ``current_rules``, ``previous_reasons_zh``, ``current_reasons_zh``.
    """
    rank = dict(zip(code_table()["code"], code_table()["code_rank"].astype(int), strict=True))
    cols = ["credit_code", "code", "fired_rules", "reasons_zh"]
    p = previous.reindex(columns=cols).rename(columns={c: f"previous_{c}" for c in cols[1:]})
    c = current.reindex(columns=cols).rename(columns={c: f"current_{c}" for c in cols[1:]})
    m = p.merge(c, on="credit_code", how="outer", sort=True)
    change = []
    for r in m.itertuples():
        pc, cc_ = r.previous_code, r.current_code
        if not isinstance(pc, str):
            change.append("new")
        elif not isinstance(cc_, str):
            change.append("removed")
        elif rank[cc_] > rank[pc]:
            change.append("raised")
        elif rank[cc_] < rank[pc]:
            change.append("lowered")
        elif str(r.previous_fired_rules) != str(r.current_fired_rules):
            change.append("reasons_changed")
        else:
            change.append("unchanged")
    m["change"] = change
    m["change_zh"] = m["change"].map({"new": "新增", "removed": "移除", "raised": "升级",
                                      "lowered": "降级", "reasons_changed": "原因变化",
                                      "unchanged": "未变"})
    m = m.rename(columns={"previous_fired_rules": "previous_rules",
                          "current_fired_rules": "current_rules"})
    if not include_unchanged:
        m = m[m["change"] != "unchanged"]
    return m[["credit_code", "previous_code", "current_code", "change", "change_zh",
              "previous_rules", "current_rules", "previous_reasons_zh",
              "current_reasons_zh"]].reset_index(drop=True)
