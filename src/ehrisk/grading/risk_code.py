"""Environmental health risk code (环境健康风险码): red / yellow / green per enterprise.

The code comes from documented, configurable rules (table ``risk_code_rules``; a user file of
the same columns replaces it) over a fixed set of criteria per enterprise:

- ``hj941_level_rank``: HJ 941-2018 enterprise level (1 一般, 2 较大, 3 重大);
- ``max_cancer_risk_contribution`` [-], ``max_hi_contribution`` [-],
  ``attributable_cases_per_yr`` [cases/yr]: the enterprise's attributable health risk from the
  risk map (absent -> those rules are skipped and the reasons say so);
- ``n_priority_pollutants_emitted``: priority-tier substances of the screening list it emits;
- ``n_open_problems``, ``n_overdue_problems``: from the problem list.

The code is the most severe code among the rules that fire (red > yellow), else green. Every
code carries its reasons in words (Chinese, then English) with the driving numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ehrisk.refdata import load_table

RULES_TABLE = "risk_code_rules"
FREQUENCY_TABLE = "supervision_frequency"
CRITERIA = ("hj941_level_rank", "max_cancer_risk_contribution", "max_hi_contribution",
            "attributable_cases_per_yr", "n_priority_pollutants_emitted", "n_open_problems",
            "n_overdue_problems")
HEALTH_CRITERIA = ("max_cancer_risk_contribution", "max_hi_contribution",
                   "attributable_cases_per_yr")
COMPARISONS = ("ge", "gt", "le", "lt", "eq")
RULE_COLUMNS = ("rule_id", "kind", "code", "criterion", "comparison", "threshold", "reason_zh",
                "reason_en", "measure_zh", "measure_en", "source")
ScenarioRisk = Callable[[str, str, float], tuple[float, float]]
"""``scenario_risk(credit_code, substance_cas, reduction_fraction) -> (new
max_cancer_risk_contribution, new max_hi_contribution)`` (provided by the risk map)."""

NO_ATTR_ZH = "未提供归因健康风险数据，健康风险规则未评估，按其他条件判定"
NO_ATTR_EN = "attributable health risk not given: health-risk rules not evaluated, graded on " \
             "the other criteria"
NO_PRIORITY_ZH = "未进行污染物筛选，优先控制污染物规则未评估"
NO_PRIORITY_EN = "no screening list: priority-pollutant rule not evaluated"


@functools.lru_cache(maxsize=1)
def _code_table() -> pd.DataFrame:
    t = load_table(FREQUENCY_TABLE, numeric=["code_rank", "inspections_per_yr"])
    for c in ("online_monitoring", "positive_list"):
        t[c] = t[c].str.lower() == "true"
    return t


def code_table() -> pd.DataFrame:
    """Codes with rank, Chinese/English names and supervision defaults (``supervision_frequency``)."""
    return _code_table().copy()


@functools.lru_cache(maxsize=1)
def code_ranks() -> dict[str, int]:
    """``{code: code_rank}`` of the packaged code table (green lowest)."""
    t = _code_table()
    return dict(zip(t["code"], t["code_rank"].astype(int), strict=True))


@dataclass
class RiskCodeRules:
    """Rules (``kind == "rule"``) and settings (``kind == "setting"``) of the risk code."""

    rules: pd.DataFrame
    settings: dict[str, str]

    def setting_float(self, name: str) -> float:
        return float(self.settings[name])

    def fractions(self) -> list[float]:
        return sorted(float(x) for x in self.settings["scenario_reduction_fractions"].split(";"))


def check_rules(table: pd.DataFrame) -> list[tuple[int, str, str]]:
    """Problems in a rules table as ``(row, column, reason)`` (row: header = 1); empty if fine."""
    probs: list[tuple[int, str, str]] = []
    for c in RULE_COLUMNS:
        if c not in table.columns:
            probs.append((1, c, "required column missing"))
    if probs:
        return probs
    ranks = dict(zip(code_table()["code"], code_table()["code_rank"], strict=True))
    settings = set()
    for i, r in enumerate(table.itertuples(index=False)):
        row = i + 2
        if r.kind == "setting":
            settings.add(r.criterion)
            continue
        if r.kind != "rule":
            probs.append((row, "kind", f"expected 'rule' or 'setting', got {r.kind!r}"))
            continue
        above = [k for k, v in ranks.items() if v > min(ranks.values())]
        if r.code not in above:
            probs.append((row, "code", f"a rule gives a code above green "
                                       f"({', '.join(above)}), got {r.code!r}"))
        if r.criterion not in CRITERIA:
            probs.append((row, "criterion", f"unknown criterion {r.criterion!r}; known: "
                                            f"{', '.join(CRITERIA)}"))
        if r.comparison not in COMPARISONS:
            probs.append((row, "comparison", f"expected one of {', '.join(COMPARISONS)}, got "
                                             f"{r.comparison!r}"))
        try:
            float(r.threshold)
        except (TypeError, ValueError):
            probs.append((row, "threshold", f"not a number: {r.threshold!r}"))
        if not str(r.source).strip():
            probs.append((row, "source", "every rule needs a source (document or 'ehrisk default')"))
    for s in ("scenario_reduction_fractions", "scenario_max_substances",
              "whitelist_requires_attributable"):
        if s not in settings:
            probs.append((1, "criterion", f"setting {s!r} missing (kind = setting)"))
    return probs


def load_rules(table: pd.DataFrame | None = None) -> RiskCodeRules:
    """Rules from ``table`` (same columns as the packaged ``risk_code_rules``) or the defaults.

    Raises
    ------
    ValueError
        Listing every problem of the table.
    """
    t = load_table(RULES_TABLE) if table is None else table.copy()
    probs = check_rules(t)
    if probs:
        raise ValueError("; ".join(f"row {r}, column {c!r}: {why}" for r, c, why in probs))
    rules = t[t["kind"] == "rule"].copy()
    rules["threshold"] = rules["threshold"].astype(float)
    settings = dict(zip(t.loc[t["kind"] == "setting", "criterion"],
                        t.loc[t["kind"] == "setting", "threshold"].astype(str), strict=True))
    return RiskCodeRules(rules=rules.reset_index(drop=True), settings=settings)


def _fmt(x: float) -> str:
    if x != x:
        return "n/a"
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"


def _cmp(v: np.ndarray, comparison: str, t: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return {"ge": v >= t, "gt": v > t, "le": v <= t, "lt": v < t, "eq": v == t}[comparison]


def build_criteria(hj941: pd.DataFrame, attributable: pd.DataFrame | None = None,
                   priority_cas: Iterable[str] | None = (), emissions: pd.DataFrame | None = None,
                   problems: pd.DataFrame | None = None) -> pd.DataFrame:
    """Criteria per enterprise (one row per enterprise of ``hj941``).

    Parameters
    ----------
    hj941 : DataFrame
        Output of :func:`ehrisk.grading.hj941_2018.grade_hj941_2018` (``credit_code``,
        ``level_rank``, ``code``).
    attributable : DataFrame, optional
        ``credit_code``, ``max_cancer_risk_contribution`` [-], ``max_hi_contribution`` [-],
        ``attributable_cases_per_yr`` [cases/yr], optional ``top_substance`` (CAS).
        Enterprises not listed get 0 (no attributable risk).
    priority_cas : iterable of str or None
        CAS numbers of the priority tier of the screening list. None: no screening list (the
        criterion is NaN, the priority rules are not evaluated and every reason says so).
    emissions : DataFrame, optional
        ``credit_code``, ``cas``, ``amount_t_yr`` [t/yr] (one year).
    problems : DataFrame, optional
        ``credit_code``, ``problem_id``, ``status`` (open/in_progress/rectified/verified/
        overdue); open = open or in_progress or overdue; overdue = overdue.

    Returns
    -------
    DataFrame
        ``credit_code``, the :data:`CRITERIA` columns, ``has_attributable``, and details
        ``hj941_code``, ``top_substance``, ``priority_emitted``, ``open_problem_ids``,
        ``overdue_problem_ids``.
    """
    out = pd.DataFrame({"credit_code": hj941["credit_code"].to_numpy(),
                        "hj941_level_rank": hj941["level_rank"].astype(float).to_numpy(),
                        "hj941_code": hj941["code"].to_numpy()})
    for med in ("air", "water"):
        col = f"m_missing_{med}"
        out[col] = hj941[col].fillna("").to_numpy() if col in hj941.columns else ""
    cc = out["credit_code"]
    if attributable is not None:
        need = ("credit_code",) + HEALTH_CRITERIA
        miss = [c for c in need if c not in attributable.columns]
        if miss:
            raise KeyError(f"attributable needs columns {miss}")
        a = attributable.drop_duplicates("credit_code").set_index("credit_code")
        for c in HEALTH_CRITERIA:
            v = a[c].astype(float)
            if (v < 0).any() or (~np.isfinite(v)).any():
                raise ValueError(f"attributable {c} must be finite and >= 0")
            out[c] = cc.map(v).fillna(0.0).to_numpy()
        top = a["top_substance"] if "top_substance" in a.columns else pd.Series(dtype=str)
        out["top_substance"] = cc.map(top).fillna("").astype(str).to_numpy()
        out["has_attributable"] = True
    else:
        for c in HEALTH_CRITERIA:
            out[c] = np.nan
        out["top_substance"] = ""
        out["has_attributable"] = False
    prio = set(priority_cas) if priority_cas is not None else set()
    if priority_cas is None:
        out["priority_emitted"] = ""
        out["n_priority_pollutants_emitted"] = np.nan
    elif emissions is not None and len(emissions) and prio:
        e = emissions[emissions["cas"].isin(prio) & (emissions["amount_t_yr"].astype(float) > 0)]
        lst = e.groupby("credit_code")["cas"].agg(lambda s: sorted(set(s)))
        out["priority_emitted"] = [";".join(lst.get(c, [])) for c in cc]
        out["n_priority_pollutants_emitted"] = [float(len(lst.get(c, []))) for c in cc]
    else:
        out["priority_emitted"] = ""
        out["n_priority_pollutants_emitted"] = 0.0
    if problems is not None and len(problems):
        st = problems["status"].astype(str).str.strip().str.lower()
        op = problems[st.isin(["open", "in_progress", "overdue"])]
        od = problems[st == "overdue"]
        for name, df in (("open", op), ("overdue", od)):
            ids = df.groupby("credit_code")["problem_id"].agg(lambda s: sorted(map(str, s)))
            out[f"{name}_problem_ids"] = [";".join(ids.get(c, [])) for c in cc]
            out[f"n_{name}_problems"] = [float(len(ids.get(c, []))) for c in cc]
    else:
        for name in ("open", "overdue"):
            out[f"{name}_problem_ids"] = ""
            out[f"n_{name}_problems"] = 0.0
    return out


def _detail(criterion: str, r: pd.Series, zh: bool) -> str:
    if criterion == "hj941_level_rank":
        return str(r["hj941_code"])
    if criterion in ("max_cancer_risk_contribution", "max_hi_contribution"):
        top = r.get("top_substance", "")
        if not top:
            return ""
        return f"，主要物质 {top}" if zh else f", main substance {top}"
    if criterion == "n_priority_pollutants_emitted":
        return str(r["priority_emitted"])
    if criterion == "n_open_problems":
        return str(r["open_problem_ids"])
    if criterion == "n_overdue_problems":
        return str(r["overdue_problem_ids"])
    return ""


def fired_rules(criteria: pd.DataFrame, rules: RiskCodeRules) -> np.ndarray:
    """Boolean matrix (enterprises x rules): which rules fire. NaN criteria never fire.

    Where rules of several codes fire on the same criterion, only those of the most severe
    code are kept (a red cancer-risk rule makes the yellow one redundant).
    """
    crit = rules.rules["criterion"].tolist()
    comp = rules.rules["comparison"].tolist()
    thr = rules.rules["threshold"].astype(float).to_numpy()
    rank = rules.rules["code"].map(code_ranks()).to_numpy(dtype=float)
    values = {c: criteria[c].astype(float).to_numpy() for c in dict.fromkeys(crit)}
    m = np.zeros((len(criteria), len(crit)), dtype=bool)
    for j, (c, op) in enumerate(zip(crit, comp, strict=True)):
        v = values[c]
        m[:, j] = _cmp(v, op, thr[j]) & np.isfinite(v)
    crit_arr = np.asarray(crit, dtype=object)
    for c in values:
        cols = np.flatnonzero(crit_arr == c)
        top = np.where(m[:, cols], rank[cols][None, :], -np.inf).max(axis=1)
        m[:, cols] &= rank[cols][None, :] >= top[:, None]
    return m


def assign_codes(criteria: pd.DataFrame, rules: RiskCodeRules | None = None) -> pd.DataFrame:
    """Risk code with reasons per enterprise.

    Parameters
    ----------
    criteria : DataFrame
        Output of :func:`build_criteria`.
    rules : RiskCodeRules, optional
        Defaults to :func:`load_rules` (packaged table).

    Returns
    -------
    DataFrame
        ``credit_code``, ``code`` (red/yellow/green), ``code_zh``, ``code_rank``,
        ``fired_rules`` (";"), ``reasons_zh``, ``reasons_en`` (each reason on its own,
        separated by "；" / "; "), then the criteria columns.

    References
    ----------
    ehrisk method (docs/grading.md); thresholds and their sources in ``risk_code_rules``.
    """
    rules = rules or load_rules()
    ct = code_table()
    rank = dict(zip(ct["code"], ct["code_rank"].astype(int), strict=True))
    by_rank = {v: k for k, v in rank.items()}
    zh = dict(zip(ct["code"], ct["code_zh"], strict=True))
    green = by_rank[min(by_rank)]
    fired = fired_rules(criteria, rules)
    rule_rank = rules.rules["code"].map(rank).to_numpy()
    codes, ids, rz, re_ = [], [], [], []
    for i, (_, r) in enumerate(criteria.iterrows()):
        f = np.flatnonzero(fired[i])
        best = int(rule_rank[f].max()) if len(f) else rank[green]
        codes.append(by_rank[best])
        ids.append(";".join(rules.rules["rule_id"].iloc[f]))
        zs, es = [], []
        for j in f[np.argsort(-rule_rank[f], kind="stable")]:
            rr = rules.rules.iloc[j]
            val = float(r[rr["criterion"]])
            kw = dict(value=_fmt(val), threshold=_fmt(float(rr["threshold"])))
            zs.append(rr["reason_zh"].format(detail=_detail(rr["criterion"], r, True), **kw))
            es.append(rr["reason_en"].format(detail=_detail(rr["criterion"], r, False), **kw))
        if not len(f):
            zs.append(f"未触发红码或黄码规则（HJ 941 {r['hj941_code']}）")
            es.append(f"no red or yellow rule fired (HJ 941 {r['hj941_code']})")
        if not bool(r["has_attributable"]):
            zs.append(NO_ATTR_ZH)
            es.append(NO_ATTR_EN)
        if not np.isfinite(float(r["n_priority_pollutants_emitted"])):
            zs.append(NO_PRIORITY_ZH)
            es.append(NO_PRIORITY_EN)
        rz.append("；".join(zs))
        re_.append("; ".join(es))
    out = pd.DataFrame({"credit_code": criteria["credit_code"].to_numpy(), "code": codes})
    out["code_zh"] = out["code"].map(zh)
    out["code_rank"] = out["code"].map(rank)
    out["fired_rules"] = ids
    out["reasons_zh"] = rz
    out["reasons_en"] = re_
    rest = criteria.drop(columns=["credit_code"])
    return pd.concat([out, rest.reset_index(drop=True)], axis=1)


def risk_codes(hj941: pd.DataFrame, attributable: pd.DataFrame | None = None,
               priority_cas: Iterable[str] | None = (), emissions: pd.DataFrame | None = None,
               problems: pd.DataFrame | None = None,
               rules: RiskCodeRules | None = None) -> pd.DataFrame:
    """:func:`build_criteria` then :func:`assign_codes` (see both for the parameters)."""
    crit = build_criteria(hj941, attributable, priority_cas, emissions, problems)
    return assign_codes(crit, rules)
