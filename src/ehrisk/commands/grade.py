"""``ehrisk grade``: HJ 941-2018 levels, the environmental health risk code (环境健康风险码) and
the lists (whitelist, problem list, graded supervision list). Thin.

``--demo`` / ``--db`` build the :class:`~ehrisk.inventory.Inventory` and run the grading
service (:mod:`ehrisk.services.grading`) as a run (recorded in the database with ``--db``):
the what-ifs and the screening list come from a recorded run (``--run``, default the newest
run with a risk map); where no screening list is at hand, screening runs in the same run.
Graded tables given as files (``--storages --management --sensitivity``) are graded directly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer

from ehrisk import DEFAULT_SEED
from ehrisk.commands._common import console, print_json, print_table
from ehrisk.commands._options import option
from ehrisk.errors import EhriskError, InputError, Problem
from ehrisk.grading import hj941_2018 as hj
from ehrisk.grading.lists import compare_codes, problem_list, supervision_list, whitelist
from ehrisk.grading.risk_code import CRITERIA, risk_codes
from ehrisk.io.jsonsafe import clean as _clean
from ehrisk.io.jsonsafe import default as _default
from ehrisk.io.tables import Column, Schema, read_table
from ehrisk.services.grading import (
    NOT_SCREENED,
    PRIORITY_EXTRACT,
    AttributableTable,
    GradingResult,
    GradingSettings,
    priority_cas_of,
    read_rules,
)

EVENTS = ("none", "general", "larger", "major", "无", "一般", "较大", "重大", "特别重大")
STORAGES = Schema([
    Column("credit_code", aliases=("统一社会信用代码", "企业")),
    Column("cas", aliases=("CAS号", "物质")),
    Column("max_quantity_t", "float", min_value=0.0, aliases=("最大存在总量", "最大存在量(t)")),
], name="storages")
MANAGEMENT = Schema([
    Column("credit_code", aliases=("统一社会信用代码", "企业")),
    Column("n_hazardous_process_sets", "int", min_value=0, aliases=("危险工艺套数",)),
    Column("n_other_process_sets", "int", required=False, allow_blank=True, min_value=0),
    Column("n_tank_farms", "int", required=False, allow_blank=True, min_value=0),
    Column("n_phase_out_sets", "int", required=False, allow_blank=True, min_value=0),
    Column("toxic_gas_leak_monitoring", "bool", required=False),
    Column("protection_distance_ok", "bool", required=False),
    Column("air_events_3yr", required=False, choices=EVENTS),
    Column("water_events_3yr", required=False, choices=EVENTS),
    Column("penalised_3yr", "bool", required=False),
    *[Column(f"water_{m}", "bool", required=False) for m in (
        "containment", "accident_wastewater_collection", "clean_wastewater_system",
        "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
        "hazardous_waste_management")],
], name="management")
SENSITIVITY = Schema([
    Column("credit_code", aliases=("统一社会信用代码", "企业")),
    Column("pop_5km", "float", min_value=0.0, aliases=("5km人口",)),
    Column("pop_500m", "float", min_value=0.0, aliases=("500m人口",)),
    Column("special_area_5km", "bool", required=False),
    *[Column(f, "bool", required=False) for f in hj.WATER_E_FLAGS],
], name="sensitivity")
ATTRIBUTABLE = Schema([
    Column("credit_code", aliases=("统一社会信用代码", "企业")),
    Column("max_cancer_risk_contribution", "float", min_value=0.0, max_value=1.0),
    Column("max_hi_contribution", "float", min_value=0.0),
    Column("attributable_cases_per_yr", "float", min_value=0.0),
    Column("top_substance", required=False, allow_blank=True),
], name="attributable")
PROBLEMS = Schema([
    Column("credit_code", aliases=("统一社会信用代码", "企业")),
    Column("problem_id", aliases=("问题编号",)),
    Column("status", aliases=("整改状态",), choices=(
        "open", "in_progress", "rectified", "verified", "overdue")),
], name="problems")
def _doc_header(col: str) -> tuple[str, ...]:
    """Headers of ``col`` in the grading documents' CSV (``中文（english）``)."""
    from ehrisk.reports.grading_tables import HEADERS_ZH

    return (f"{HEADERS_ZH.get(col, '风险码')}（{col}）",) if col != "code" else ("风险码（code）",)


PREVIOUS = Schema([
    Column("credit_code", aliases=_doc_header("credit_code")),
    Column("code", aliases=_doc_header("code"),
           choices={"red": "red", "yellow": "yellow", "green": "green", "红码": "red",
                    "黄码": "yellow", "绿码": "green"}),
    Column("fired_rules", required=False, allow_blank=True, aliases=_doc_header("fired_rules")),
    Column("reasons_zh", required=False, allow_blank=True, aliases=_doc_header("reasons_zh")),
], name="previous codes")
"""A previous ``risk_codes.csv``: the document written by ``ehrisk grade`` (Chinese headers
with the English name in brackets, codes as 红码/黄码/绿码) or a plain table."""


def _user_hj941_inputs(storages, management, sensitivity):
    missing = [n for n, p in (("--storages", storages), ("--management", management),
                              ("--sensitivity", sensitivity)) if p is None]
    if missing:
        raise InputError([Problem(m, "required unless --demo is given") for m in missing])
    sto = read_table(storages, STORAGES)
    mg = read_table(management, MANAGEMENT)
    sens = read_table(sensitivity, SENSITIVITY)
    probs = []
    for i, cc in enumerate(mg["credit_code"]):
        if cc not in set(sens["credit_code"]):
            probs.append(Problem(str(sensitivity), f"no row for enterprise {cc} (row {i + 2} of "
                                 f"{management})", column="credit_code"))
    dup = mg["credit_code"].duplicated()
    for i in dup[dup].index:
        probs.append(Problem(str(management), "enterprise listed twice", row=int(i) + 2,
                             column="credit_code"))
    if probs:
        raise InputError(probs)
    for col in MANAGEMENT.columns:
        if col.name in mg.columns and col.kind == "int":
            mg[col.name] = mg[col.name].fillna(0)
    return sto, mg, sens


def _records(df: pd.DataFrame) -> list[dict]:
    return _clean(df.to_dict(orient="records"))


def _write(out: Path, tables: dict[str, pd.DataFrame], doc: dict) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    files = []
    from ehrisk.reports import grading_tables as gt

    for name, df in tables.items():
        files.append(str(gt.write_csv(df, out / f"{name}.csv", name)))
    files.append(str(gt.write_xlsx(tables, out / "grading.xlsx")))
    j = out / "grading.json"
    j.write_text(json.dumps(_clean(doc), ensure_ascii=False, indent=2, default=_default),
                 encoding="utf-8")
    files.append(str(j))
    return files


class _Graded:
    """What one ``ehrisk grade`` computed (inventory path: from the grading service)."""

    def __init__(self, levels, codes, rules, wl, sup, pl, *, scenario: bool,
                 run_id=None, stored=None, notes=None):
        self.levels, self.codes, self.rules = levels, codes, rules
        self.whitelist, self.supervision, self.problems = wl, sup, pl
        self.scenario, self.run_id, self.stored = scenario, run_id, stored
        self.notes = notes or []


def _from_files(storages, management, sensitivity, attributable, problems, rules, priority,
                emissions) -> _Graded:
    """HJ 941-2018 inputs given directly as tables (no inventory, nothing recorded)."""
    sto, mg, sens = _user_hj941_inputs(storages, management, sensitivity)
    levels = hj.grade_hj941_2018(sto, mg, sens)
    attr = _attributable(attributable, levels)
    prob = read_table(problems, PROBLEMS) if problems is not None else None
    prio = _priority(priority)
    em = None
    if emissions is not None:
        em = read_table(emissions, Schema([
            Column("credit_code"), Column("cas"), Column("amount_t_yr", "float", min_value=0.0),
            Column("medium", required=False, choices=("air", "water", "soil"))]))
    rl = read_rules(rules)
    codes = risk_codes(levels, attr, prio, em, prob, rl)
    notes = [] if prio is not None else [NOT_SCREENED + " (give --priority)"]
    return _Graded(levels, codes, rl, whitelist(codes, rl), supervision_list(codes, rl),
                   problem_list(codes, rl, None, em, (sto, mg, sens)), scenario=False,
                   notes=notes)


def _attributable(path: Path | None, levels: pd.DataFrame | None = None):
    if path is None:
        return None
    attr = read_table(path, ATTRIBUTABLE)
    if levels is not None:
        unknown = sorted(set(attr["credit_code"]) - set(levels["credit_code"]))
        if unknown:
            raise InputError([Problem(str(path), f"unknown enterprise {u}",
                                      column="credit_code") for u in unknown[:20]])
    return attr


def _priority(path: Path | None) -> frozenset[str] | None:
    if path is None:
        return None
    return frozenset(read_table(path, Schema([Column("cas")]))["cas"].astype(str))


def _stored_products(engine, run: str | None, notes: list[str]):
    """``(enterprise_risk, priority_cas, source_run)`` of a recorded run: ``run`` (id,
    ``latest`` or ``latest:<kind>``), or by default the newest run with a risk map."""
    from ehrisk.results import extract, get_run, load_arrays, run_id_of
    from ehrisk.results.enterprise import latest_run_with
    from ehrisk.services.risk_map import SCENARIOS, enterprise_risk_from_arrays
    from ehrisk.store.db import session_scope

    if run is None:
        with session_scope(engine) as s:
            rid = latest_run_with(s, SCENARIOS)
        if rid is None:
            notes.append("no recorded run has a risk map (run `ehrisk map run --db` or a study "
                         "with [risk_map])")
            return None, None, None
    else:
        rid = run_id_of(engine, run)
    names = {a["name"] for a in get_run(engine, rid)["artefacts"]}
    er = None
    if SCENARIOS in names:
        er = enterprise_risk_from_arrays(load_arrays(engine, rid, SCENARIOS))
    elif run is not None:
        raise EhriskError(f"run {rid} has no risk map ({SCENARIOS}); see `ehrisk runs show "
                          f"{rid}`")
    prio = None
    if PRIORITY_EXTRACT in names:
        prio = priority_cas_of(extract(engine, rid, PRIORITY_EXTRACT))
    return er, prio, rid


def _from_inventory(demo, seed, db, year, run, attributable, problems, rules, priority,
                    out=None) -> _Graded:
    """The grading service on the demo or the database inventory, as one recorded run (with
    --db), with the products of a recorded run (--db) or given files."""
    from ehrisk.services import Products, load_all
    from ehrisk.services.runner import run_steps

    notes: list[str] = []
    engine = None
    if demo:
        if run is not None:
            raise EhriskError("--run reads a run recorded in a database: give it with --db")
        from ehrisk.demo.inventory import inventory

        inv = inventory(seed)
    else:
        from ehrisk.results import open_run_engine
        from ehrisk.store.db import session_scope
        from ehrisk.store.inventory import inventory_from_store

        engine = open_run_engine(db)
        with session_scope(engine) as s:
            inv = inventory_from_store(s, year)
    er = prio = source = None
    if engine is not None and attributable is None:
        er, prio, source = _stored_products(engine, run, notes)
    if attributable is not None:
        er = AttributableTable(_attributable(attributable))
    if priority is not None:
        prio = _priority(priority)
    if problems is not None:
        inv = inv.replace(problems=read_table(problems, PROBLEMS))
    if er is not None:
        known = set(inv.enterprises["credit_code"])
        unknown = sorted(set(er.table["credit_code"]) - known) if attributable else []
        if unknown:
            raise InputError([Problem(str(attributable), f"unknown enterprise {u}",
                                      column="credit_code") for u in unknown[:20]])
    settings = GradingSettings(rules=None if rules is None else str(rules), source_run=source)
    sections = {"grading": settings}
    services = load_all()
    if prio is None and "screening" in services:
        # the priority list of this run: screening runs in the same run (nothing re-screens)
        sections = {"screening": services["screening"].settings(), **sections}
    run_id, outcomes, results = run_steps(inv, sections, engine=engine, kind="grade",
                                          products=Products(priority_cas=prio,
                                                            enterprise_risk=er),
                                          out_dir=out, seed=seed)
    out_g = next(o for o in outcomes if o.name == "grading")
    if out_g.status != "ran":
        raise EhriskError(f"grading did not run: {out_g.reason}")
    r = results["grading"]
    g: GradingResult = r.payload
    stored = None
    if g.history_added is not None:
        stored = {"n_rows_added": int(len(g.history_added)),
                  "risk_map_run_id": (source if source is not None else run_id)
                  if g.attributable is not None else None,
                  "changes": _records(g.history_added[g.history_added["change"] != "new"])}
    return _Graded(r.tables["grading/hj941"], r.tables["grading/codes"], g.rules,
                   r.tables["grading/whitelist"], r.tables["grading/supervision"],
                   r.tables["grading/problems"],
                   scenario=er is not None and not isinstance(er, AttributableTable),
                   run_id=run_id, stored=stored, notes=notes + g.notes)


def _grade(demo, seed, storages, management, sensitivity, attributable=None, problems=None,
           rules=None, priority=None, emissions=None, db=None, year=None, run=None) -> _Graded:
    if demo and db is not None:
        raise EhriskError("give --demo or --db, not both")
    if demo or db is not None:
        if emissions is not None:
            raise EhriskError("--emissions is for graded tables given as files; with --demo "
                              "or --db the inventory's emissions are used")
        return _from_inventory(demo, seed, db, year, run, attributable, problems, rules,
                               priority)
    if run is not None:
        raise EhriskError("--run reads a run recorded in a database: give it with --db")
    return _from_files(storages, management, sensitivity, attributable, problems, rules,
                       priority, emissions)


def _head(g: _Graded) -> dict:
    d = {}
    if g.run_id is not None:
        d["run_id"] = g.run_id
    if g.notes:
        d["notes"] = g.notes
    return d


_DEMO = typer.Option(False, "--demo", help="Use the synthetic demo region (演示区域).")
_SEED = typer.Option(DEFAULT_SEED, "--seed", help="Demo seed.")
_STO = typer.Option(None, "--storages", help="CSV/XLSX: credit_code, cas, max_quantity_t [t].")
_MG = typer.Option(None, "--management", help="CSV/XLSX: credit_code, n_hazardous_process_sets "
                   "[, n_tank_farms, toxic_gas_leak_monitoring, ... see docs/grading.md].")
_SENS = typer.Option(None, "--sensitivity", help="CSV/XLSX: credit_code, pop_5km, pop_500m "
                     "[, water flags].")
_JSON = typer.Option(False, "--json", help="Print only JSON on stdout.")
_OUT = typer.Option(None, "--out", help="Folder for CSV, XLSX and JSON.")
_ATTR = typer.Option(None, "--attributable", help="CSV/XLSX: credit_code, "
                     "max_cancer_risk_contribution, max_hi_contribution, "
                     "attributable_cases_per_yr [, top_substance] (replaces the risk map's; "
                     "no what-ifs).")
_PROB = typer.Option(None, "--problems", help="CSV/XLSX: credit_code, problem_id, status.")
_RULES = option(GradingSettings, "rules", "--rules")
_PRIO = typer.Option(None, "--priority", help="CSV with column cas: priority pollutants "
                     "(default: the priority tier of the screening list of the same run).")
_EM = typer.Option(None, "--emissions", help="CSV/XLSX: credit_code, cas, amount_t_yr [, medium] "
                   "(with graded tables given as files).")
_DB = typer.Option(None, "--db", help="Grade the risk-source database's inventory (SQLite "
                   "file or postgresql:// URL); recorded as a run, the codes stored with "
                   "history.")
_RUN = typer.Option(None, "--run", help="With --db: the recorded run (id, latest or "
                    "latest:<kind>) whose risk map (attributable risk and what-ifs) and "
                    "screening list are used (default: the newest run with a risk map).")
_YEAR = typer.Option(None, "--year", help="Inventory year of the emissions (--db).")


def register(app: typer.Typer) -> None:
    """Add ``ehrisk grade hj941 | code | lists`` to the root app."""
    grade = typer.Typer(help="企业分级 / enterprise grading: HJ 941-2018, risk code, lists.",
                        no_args_is_help=True)
    app.add_typer(grade, name="grade")

    @grade.command("hj941")
    def hj941_cmd(demo: bool = _DEMO, seed: int = _SEED, storages: Path | None = _STO,
                  management: Path | None = _MG, sensitivity: Path | None = _SENS,
                  db: str | None = _DB, year: int | None = _YEAR, run: str | None = _RUN,
                  as_json: bool = _JSON, out: Path | None = _OUT) -> None:
        """企业突发环境事件风险分级 (HJ 941-2018) / emergency risk level per enterprise."""
        if demo or db is not None:
            g = _grade(demo, seed, storages, management, sensitivity, db=db, year=year,
                       run=run).levels
        else:
            g = hj.grade_hj941_2018(*_user_hj941_inputs(storages, management, sensitivity))
        doc = {"standard": "HJ 941-2018", "n_enterprises": int(len(g)),
               "summary": {k: int(v) for k, v in g["level"].value_counts().items()},
               "note": "values marked UNCONFIRMED in hj941_2018_scores.csv are placeholders; "
                       "see docs/grading.md",
               "enterprises": _records(g)}
        if out is not None:
            doc["files"] = _write(out, {"hj941": g}, doc)
        if as_json:
            print_json(doc)
            return
        print_table(g[["credit_code", "code", "q_air", "m_air", "q_water", "m_water",
                       "upgraded"]].to_dict(orient="records"),
                    title="HJ 941-2018 企业突发环境事件风险等级")
        console.print(f"summary 汇总: {doc['summary']}", highlight=False)

    @grade.command("code")
    def code_cmd(demo: bool = _DEMO, seed: int = _SEED, storages: Path | None = _STO,
                 management: Path | None = _MG, sensitivity: Path | None = _SENS,
                 attributable: Path | None = _ATTR, problems: Path | None = _PROB,
                 rules: Path | None = _RULES, priority: Path | None = _PRIO,
                 emissions: Path | None = _EM,
                 previous: Path | None = typer.Option(None, "--previous", help="Previous "
                                                      "risk_codes.csv: report the changes."),
                 db: str | None = _DB, run: str | None = _RUN, year: int | None = _YEAR,
                 as_json: bool = _JSON, out: Path | None = _OUT) -> None:
        """环境健康风险码 / environmental health risk code (red/yellow/green) with reasons."""
        g = _grade(demo, seed, storages, management, sensitivity, attributable, problems,
                   rules, priority, emissions, db, year, run)
        cols = ["credit_code", *(["name_zh"] if "name_zh" in g.codes.columns else []), "code",
                "code_zh", "fired_rules", "reasons_zh", "reasons_en", "hj941_code", *CRITERIA,
                "has_attributable"]
        tab = g.codes[cols]
        has_attr = bool(tab["has_attributable"].any())
        doc = {**_head(g), "n_enterprises": int(len(tab)),
               "summary": {k: int(v) for k, v in tab["code"].value_counts().items()},
               "has_attributable": has_attr, "codes": _records(tab)}
        tables = {"risk_codes": tab}
        if g.stored is not None:
            doc["stored"] = g.stored
        if previous is not None:
            ch = compare_codes(read_table(previous, PREVIOUS), tab)
            doc["changes"] = _records(ch)
            tables["changes"] = ch
        if out is not None:
            doc["files"] = _write(out, tables, doc)
        if as_json:
            print_json(doc)
            return
        print_table(tab[["credit_code", "code_zh", "fired_rules", "reasons_zh"]]
                    .to_dict(orient="records"), title="环境健康风险码 / risk code")
        console.print(f"summary 汇总: {doc['summary']}", highlight=False)
        for n in g.notes:
            console.print(f"note: {n}", highlight=False)

    @grade.command("lists")
    def lists_cmd(demo: bool = _DEMO, seed: int = _SEED, storages: Path | None = _STO,
                  management: Path | None = _MG, sensitivity: Path | None = _SENS,
                  attributable: Path | None = _ATTR, problems: Path | None = _PROB,
                  rules: Path | None = _RULES, priority: Path | None = _PRIO,
                  emissions: Path | None = _EM, db: str | None = _DB, run: str | None = _RUN,
                  year: int | None = _YEAR, as_json: bool = _JSON,
                  out: Path | None = _OUT) -> None:
        """白名单、问题清单、分级监管清单 / whitelist, problem list, supervision list."""
        g = _grade(demo, seed, storages, management, sensitivity, attributable, problems,
                   rules, priority, emissions, db, year, run)
        wl, sup, pl = g.whitelist, g.supervision, g.problems
        doc = {**_head(g), "n_enterprises": int(len(g.codes)), "n_whitelist": int(len(wl)),
               "supervision_summary": {k: int(v) for k, v in sup["code"].value_counts().items()},
               "scenario_risk": "computed with the risk map's source-receptor matrix "
                                "(the run's risk_map/enterprise_scenarios)" if g.scenario else
                                "not available (no recorded risk map with its what-if "
                                "matrices): health measures are listed without a computed "
                                "reduction",
               "whitelist": _records(wl), "supervision": _records(sup),
               "problems": _records(pl)}
        if out is not None:
            doc["files"] = _write(out, {"whitelist": wl, "supervision_list": sup,
                                        "problem_list": pl}, doc)
        if as_json:
            print_json(doc)
            return
        print_table(sup[["credit_code", "code_zh", "frequency_zh", "whitelisted"]]
                    .to_dict(orient="records"), title="分级监管清单 / supervision list")
        console.print(f"白名单 whitelist: {len(wl)}; 问题清单 problem items: {len(pl)}",
                      highlight=False)
