"""Service ``grading`` (分级与风险码): HJ 941-2018 levels, the environmental health risk code
(环境健康风险码) with reasons, the problem lists with their what-ifs, the whitelist and the graded
supervision list, from the :class:`~ehrisk.inventory.Inventory` and the products of the same
run.

One method on every path (demo, database, files):

- HJ 941-2018 inputs by :func:`ehrisk.grading.inputs.hj941_inputs`: population within 5 km and
  500 m by one spatial join (geodesic distance on WGS 84, candidate pairs from the metric CRS);
  water E flags by :func:`ehrisk.grading.inputs.water_flags_by_distance`, overridden by the
  flags given in ``risk_management``; storages and management from ``storages`` and
  ``risk_management`` (missing -> graded with Q = 0 / unknown measures, said in the summary).
- The priority-pollutant rule uses ``products.priority_cas``, the screening list of the same
  run; without it the rule is not applied and the summary says so (grading never screens).
- Attributable risk and the what-ifs come from ``products.enterprise_risk`` (the risk map of the
  same run, or of a stored run when ``ehrisk grade --run`` loads it).
- Problems from ``inv.problems``.

With a database (``ctx.engine``) the codes are recorded with their history
(:func:`ehrisk.store.results.save_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import Field

from ehrisk.errors import InputError, Problem
from ehrisk.grading import hj941_2018 as hj
from ehrisk.grading.inputs import hj941_inputs
from ehrisk.grading.lists import compare_codes, problem_list, supervision_list, whitelist
from ehrisk.grading.risk_code import RiskCodeRules, check_rules, load_rules, risk_codes
from ehrisk.inventory import Inventory
from ehrisk.services import (
    NotRun,
    Products,
    Section,
    StepContext,
    StepResult,
    service,
    writer,
)

NOT_SCREENED = "priority-pollutant rule not applied: screening did not run"
NO_RISK_MAP = ("attributable-risk rules and the problem-list what-ifs not applied: the risk map "
               "did not run")
POPULATION_METHOD = ("population within 5 km / 500 m: cell centres within the geodesic distance "
                     "(WGS 84) of the enterprise point")
FILES = {"grading/hj941": "hj941_levels.csv", "grading/codes": "risk_codes.csv",
         "grading/whitelist": "whitelist.csv", "grading/supervision": "supervision_list.csv",
         "grading/problems": "problem_lists.csv"}
"""Extract name -> CSV file name written under ``out_dir/grading``."""


PRIORITY_EXTRACT = "screening/priority_list"


def priority_cas_of(priority_list: pd.DataFrame) -> frozenset[str]:
    """CAS numbers in the priority tier (``tier == 1``, 优先控制) of a stored screening list
    (the ``screening/priority_list`` extract of a run)."""
    from ehrisk.screening.config import TIER_CODES

    t = priority_list
    return frozenset(t.loc[pd.to_numeric(t["tier"], errors="coerce") == TIER_CODES["priority"],
                           "cas"].astype(str))


@dataclass
class AttributableTable:
    """Attributable risk given as a table only (``credit_code, max_cancer_risk_contribution,
    max_hi_contribution, attributable_cases_per_yr[, top_substance]``), in the place of the
    risk map's :class:`~ehrisk.mapping.attribution.EnterpriseRisk`: it has no what-if
    matrices, so :meth:`scenario_risk` has no answer."""

    table: pd.DataFrame

    def scenario_risk(self, credit_code: str, substance_cas: str | None,
                      reduction_fraction: float) -> tuple[float, float]:
        raise KeyError("attributable risk given as a table: no what-if matrices")


class GradingSettings(Section):
    """``[grading]``: HJ 941-2018 levels, risk codes and the lists."""

    enabled: bool = Field(True, description="Grade the enterprises.")
    rules: str | None = Field(None, description="Rules table (CSV/XLSX) replacing the packaged "
                              "risk_code_rules.csv (same columns).")
    source_run: int | None = Field(None, description="Run whose risk map and screening list "
                                   "the attributable risk and priority pollutants came from "
                                   "(set by `ehrisk grade --run`; recorded with the codes).")
    issuer: str | None = Field(None, description="Issuing unit on the grading-lists document "
                                                 "(编制单位); default [study] issuer.")


@dataclass
class GradingResult:
    """What :func:`run_grading` computed (the payload of its :class:`StepResult`)."""

    hj941: pd.DataFrame
    codes: pd.DataFrame
    whitelist: pd.DataFrame
    supervision: pd.DataFrame
    problems: pd.DataFrame
    inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
    rules: RiskCodeRules
    emissions: pd.DataFrame
    attributable: pd.DataFrame | None = None
    priority_cas: frozenset[str] | None = None
    problems_in: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    history_added: pd.DataFrame | None = None
    issuer: str | None = None


def read_rules(path: str | Path | None) -> RiskCodeRules:
    """The packaged rules, or a user's replacement table (every problem named with its row and
    column, :class:`~ehrisk.errors.InputError`)."""
    if path is None:
        return load_rules()
    from ehrisk.io.tables import read_raw

    raw = read_raw(Path(path))
    probs = check_rules(raw)
    if probs:
        raise InputError([Problem(str(path), why, row=r, column=c) for r, c, why in probs])
    return load_rules(raw)


def _with_names(df: pd.DataFrame, inv: Inventory) -> pd.DataFrame:
    """``df`` with the enterprise name (``name_zh``) beside ``credit_code``."""
    if "name_zh" not in inv.enterprises.columns or "name_zh" in df.columns:
        return df
    names = inv.enterprises.drop_duplicates("credit_code").set_index("credit_code")["name_zh"]
    out = df.copy()
    out.insert(1, "name_zh", out["credit_code"].map(names).to_numpy())
    return out


def _scenario(er):
    if er is None:
        return None

    def fn(code, cas, fraction):
        try:
            return er.scenario_risk(code, cas, fraction)
        except KeyError:
            return (float("nan"), float("nan"))
    return fn


def grade(inv: Inventory, s: GradingSettings, products: Products) -> GradingResult:
    """Grade the inventory's enterprises (see the module docstring).

    References
    ----------
    HJ 941-2018 §6-§9 (levels, :func:`ehrisk.grading.hj941_2018.grade_hj941_2018`); the risk
    code rules and lists of docs/grading.md (:mod:`ehrisk.grading.risk_code`,
    :mod:`ehrisk.grading.lists`).
    """
    notes: list[str] = []
    inputs, info = hj941_inputs(inv.enterprises, inv.storages, inv.risk_management,
                                inv.outfalls, inv.receptors, inv.population_grid)
    sto, mg, sens = inputs
    if info["no_storages"]:
        notes.append("no storages in the inventory: every enterprise graded with Q = 0 "
                     "(HJ 941 Q0, 一般)")
    if info["no_management"]:
        n = len(info["no_management"])
        notes.append(f"{n} enterprise(s) without risk_management: graded with no process sets "
                     "and unknown measures (air measures taken as in place, water measures as "
                     "not in place)" + (f": {', '.join(info['no_management'][:10])}"
                                         + (" ..." if n > 10 else "")))
    notes.append(POPULATION_METHOD)
    notes.append("water E: drinking-water source within 10 km of a direct river outfall "
                 "(straight line)" + (f"; {info['user_flags']} flag(s) given in "
                                      "risk_management override it" if info["user_flags"]
                                      else ""))
    levels = hj.grade_hj941_2018(sto, mg, sens)
    em = inv.emissions_of_year()
    em = em[pd.to_numeric(em["amount_t_yr"], errors="coerce") > 0]
    em = em[em["credit_code"].isin(set(levels["credit_code"]))][
        ["credit_code", "cas", "medium", "amount_t_yr"]].reset_index(drop=True)
    er = products.enterprise_risk
    attr = None
    if er is None:
        notes.append(NO_RISK_MAP)
    else:
        attr = er.table[er.table["credit_code"].isin(set(levels["credit_code"]))]
    prio = products.priority_cas
    if prio is None:
        notes.append(NOT_SCREENED)
    probs = None
    if inv.has("problems"):
        probs = inv.problems[["credit_code", "problem_id", "status"]]
    rules = read_rules(s.rules)
    codes = risk_codes(levels, attr, None if prio is None else set(prio), em, probs, rules)
    wl = whitelist(codes, rules)
    sup = supervision_list(codes, rules)
    pl = problem_list(codes, rules, _scenario(er), em, inputs)
    return GradingResult(levels, codes, wl, sup, pl, inputs, rules, em, attr,
                         None if prio is None else frozenset(prio), probs, notes)


def save_history(engine, res: GradingResult, *, risk_map_run_id: int | None,
                 user: str | None = None) -> pd.DataFrame:
    """Record the codes with their history in the database (a row only when an enterprise's
    code, rules or inputs changed); returns the rows added."""
    from ehrisk.store.db import session_scope
    from ehrisk.store.importers import current_user
    from ehrisk.store.results import enterprise_inputs, save_codes

    sto, mg, sens = res.inputs
    emitted = None
    if res.priority_cas:
        emitted = res.emissions[res.emissions["cas"].isin(res.priority_cas)].groupby(
            ["credit_code", "cas", "medium"], as_index=False)["amount_t_yr"].sum()
    tables = {"storages": sto, "management": mg, "sensitivity": sens,
              "attributable": res.attributable, "problems": res.problems_in,
              "priority_emitted": emitted}
    inputs = enterprise_inputs(res.codes["credit_code"], tables)
    with session_scope(engine) as session:
        return save_codes(session, res.codes, inputs, compare=compare_codes,
                          risk_map_run_id=risk_map_run_id if res.attributable is not None
                          else None, user=user or current_user())


def _counts(s: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in s.value_counts().items()}


@service("grading", GradingSettings, needs=("enterprises", "emissions"),
         uses=("priority_cas", "enterprise_risk"), provides=("hj941", "risk_codes"),
         title_zh="分级与风险码")
def run_grading(inv: Inventory, s: GradingSettings, products: Products,
                ctx: StepContext) -> StepResult:
    """Grade every enterprise that is not closed: HJ 941-2018 level, risk code, lists.

    References
    ----------
    HJ 941-2018 §6-§9; docs/grading.md for the risk-code rules and the lists.
    """
    if not s.enabled:
        raise NotRun("grading disabled ([grading] enabled = false)")
    if inv.population_grid is None or len(inv.population_grid) == 0:
        raise NotRun("needs a population grid (HJ 941-2018 E classes count the people within "
                     "5 km and 500 m of each enterprise): import population or give "
                     "[inputs] population")
    ent = inv.enterprises
    lon = pd.to_numeric(ent.get("lon"), errors="coerce") if "lon" in ent.columns else None
    lat = pd.to_numeric(ent.get("lat"), errors="coerce") if "lat" in ent.columns else None
    if lon is None or lat is None or bool((lon.isna() | lat.isna()).any()):
        missing = ent["credit_code"].astype(str)[
            (lon.isna() | lat.isna()) if lon is not None and lat is not None else slice(None)]
        names = ", ".join(list(missing)[:5]) + (" ..." if len(missing) > 5 else "")
        raise NotRun(f"needs every enterprise's location (HJ 941-2018 E classes are distances "
                     f"to people, water sources and receptors); without lon/lat: {names}")
    res = grade(inv, s, products)
    res.issuer = s.issuer
    summary = {"n_enterprises": int(len(res.codes)), "codes": _counts(res.codes["code"]),
               "hj941_levels": _counts(res.hj941["level"]),
               "whitelist": int(len(res.whitelist)), "problem_items": int(len(res.problems)),
               "priority_rule": "applied" if res.priority_cas is not None else NOT_SCREENED,
               "attributable_risk": "applied" if res.attributable is not None else NO_RISK_MAP,
               "notes": list(res.notes), "code_history_rows_added": None}
    if ctx.engine is not None:
        added = save_history(ctx.engine, res,
                             risk_map_run_id=s.source_run if s.source_run is not None
                             else ctx.run_id)
        res.history_added = added
        summary["code_history_rows_added"] = int(len(added))
    tables = {"grading/hj941": _with_names(res.hj941, inv),
              "grading/codes": _with_names(res.codes, inv),
              "grading/problems": _with_names(res.problems, inv),
              "grading/supervision": _with_names(res.supervision, inv),
              "grading/whitelist": _with_names(res.whitelist, inv)}
    return StepResult(summary=summary, tables=tables,
                      products={"hj941": res.inputs, "risk_codes": tables["grading/codes"]},
                      payload=res)


@writer("grading")
def write_grading(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    """The five lists under ``out_dir/grading`` as documents
    (:mod:`ehrisk.reports.grading_tables`): CSV each (UTF-8 with BOM; header
    ``中文（english）``), one XLSX (Chinese header row, English row below) and one PDF (cover,
    risk codes, supervision list, whitelist, problem list). The machine-readable tables are
    the run's extracts (``ehrisk extract <run> grading/codes``)."""
    from ehrisk.reports import grading_tables as gt

    folder = Path(out_dir) / "grading"
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, fname in FILES.items():
        out[fname.removesuffix(".csv")] = gt.write_csv(res.tables[name], folder / fname, name)
    tables = {n: res.tables[n] for n in FILES}
    out["grading_lists_xlsx"] = gt.write_xlsx(tables, folder / "grading_lists.xlsx")
    payload = res.payload
    out["grading_lists_pdf"] = gt.write_document(
        tables, folder / "grading_lists.pdf", area=inv.name_zh, year=inv.year,
        issuer=getattr(payload, "issuer", None), synthetic=inv.synthetic)
    return out
