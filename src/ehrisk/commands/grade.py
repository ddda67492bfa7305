"""``ehrisk grade``: HJ 941-2018 levels, the environmental health risk code (环境健康风险码) and
the lists (whitelist, problem list, graded supervision list). Thin: read, call
``ehrisk.grading``, format."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import typer

from ehrisk.commands._common import _default, console, print_json, print_table
from ehrisk.errors import EhriskError, InputError, Problem
from ehrisk.grading import hj941_2018 as hj
from ehrisk.grading.inputs import demo_inputs, priority_from_screening
from ehrisk.grading.lists import compare_codes, problem_list, supervision_list, whitelist
from ehrisk.grading.risk_code import CRITERIA, check_rules, load_rules, risk_codes
from ehrisk.io.jsonsafe import clean as _clean
from ehrisk.io.tables import Column, Schema, read_raw, read_table

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
PREVIOUS = Schema([
    Column("credit_code"),
    Column("code", choices=("red", "yellow", "green")),
    Column("fired_rules", required=False, allow_blank=True),
    Column("reasons_zh", required=False, allow_blank=True),
], name="previous codes")


@lru_cache(maxsize=2)
def _demo(seed: int):
    import ehrisk.demo as demo

    region = demo.generate(seed)
    em = region.emissions[region.emissions["year"] == region.emissions["year"].max()]
    return region, em, frozenset(priority_from_screening(em))


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


class _Db:
    """What a --db run read from the database (kept for writing the codes back)."""

    def __init__(self, engine, region, risk_map_run_id=None, risk_map_dir=None):
        self.engine = engine
        self.region = region
        self.risk_map_run_id = risk_map_run_id
        self.risk_map_dir = risk_map_dir


def _db_inputs(db: str, year: int | None):
    from ehrisk.store.db import open_engine, session_scope
    from ehrisk.store.region import hj941_inputs_from_store, region_from_store
    from ehrisk.store.results import latest_risk_map

    engine = open_engine(db)
    with session_scope(engine) as s:
        region = region_from_store(s, year)
        inp = hj941_inputs_from_store(s, region)
        run, table = latest_risk_map(s)
    em = region.emissions[["credit_code", "cas", "medium", "amount_t_yr"]]
    prio = priority_from_screening(em) if len(em) else set()
    ctx = _Db(engine, region, run.id if run else None, run.out_dir if run else None)
    ctx.attributable = table if run is not None else None
    return inp, em, set(prio), ctx


def _inputs(demo: bool, seed: int, storages, management, sensitivity, db=None, year=None):
    if demo and db is not None:
        raise EhriskError("give --demo or --db, not both")
    if demo:
        region, em, prio = _demo(seed)
        return demo_inputs(region), em, set(prio), None
    if db is not None:
        return _db_inputs(db, year)
    return _user_hj941_inputs(storages, management, sensitivity), None, set(), None


def _scenario(risk_map: Path | None, ctx):
    """EnterpriseRisk.scenario_risk of the risk map (its enterprise_scenarios.npz), or None."""
    from ehrisk.mapping.scenario_io import FILE_NAME, load_enterprise_risk

    folder = risk_map if risk_map is not None else (
        Path(ctx.risk_map_dir) if ctx is not None and ctx.risk_map_dir else None)
    if folder is None or not (folder / FILE_NAME).exists():
        return None
    er = load_enterprise_risk(folder / FILE_NAME)

    def fn(code, cas, fraction):
        try:
            return er.scenario_risk(code, cas, fraction)
        except KeyError:
            return (float("nan"), float("nan"))
    return fn


def _rules(path: Path | None):
    if path is None:
        return load_rules()
    raw = read_raw(path)
    probs = check_rules(raw)
    if probs:
        raise InputError([Problem(str(path), why, row=r, column=c) for r, c, why in probs])
    return load_rules(raw)


def _records(df: pd.DataFrame) -> list[dict]:
    return _clean(df.to_dict(orient="records"))


def _write(out: Path, tables: dict[str, pd.DataFrame], doc: dict) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, df in tables.items():
        p = out / f"{name}.csv"
        df.to_csv(p, index=False, encoding="utf-8-sig")
        files.append(str(p))
    x = out / "grading.xlsx"
    with pd.ExcelWriter(x) as xw:
        for name, df in tables.items():
            df.to_excel(xw, sheet_name=name[:31], index=False)
    files.append(str(x))
    j = out / "grading.json"
    j.write_text(json.dumps(_clean(doc), ensure_ascii=False, indent=2, default=_default),
                 encoding="utf-8")
    files.append(str(j))
    return files


def _grade_all(demo, seed, storages, management, sensitivity, attributable, problems, rules,
               priority, emissions, db=None, risk_map=None, year=None):
    (sto, mg, sens), em, prio, ctx = _inputs(demo, seed, storages, management, sensitivity,
                                             db, year)
    g = hj.grade_hj941_2018(sto, mg, sens)
    if attributable is None and risk_map is not None:
        attributable = Path(risk_map) / "enterprise_risk.csv"
        if not attributable.exists():
            raise InputError.single(str(attributable), "file not found (run `ehrisk map run "
                                    f"--out {risk_map}` first)")
    attr = read_table(attributable, ATTRIBUTABLE) if attributable is not None else None
    if attr is None and ctx is not None and ctx.attributable is not None:
        attr = ctx.attributable
    if attr is not None and attributable is None:
        attr = attr[attr["credit_code"].isin(set(g["credit_code"]))]
    if attr is not None:
        unknown = sorted(set(attr["credit_code"]) - set(g["credit_code"]))
        if unknown:
            raise InputError([Problem(str(attributable), f"unknown enterprise {u}",
                                      column="credit_code") for u in unknown[:20]])
    prob = read_table(problems, PROBLEMS) if problems is not None else None
    if prob is None and ctx is not None and len(ctx.region.problems):
        prob = ctx.region.problems[["credit_code", "problem_id", "status"]]
    if priority is not None:
        prio = set(read_table(priority, Schema([Column("cas")]))["cas"])
    if emissions is not None:
        em = read_table(emissions, Schema([
            Column("credit_code"), Column("cas"), Column("amount_t_yr", "float", min_value=0.0),
            Column("medium", required=False, choices=("air", "water", "soil"))]))
    rl = _rules(rules)
    codes = risk_codes(g, attr, prio, em, prob, rl)
    if ctx is not None:
        ctx.used = {"attributable": attr, "problems": prob, "priority": prio,
                    "from_risk_map": risk_map is None and attributable is None and attr is not None}
    return g, codes, rl, em, (sto, mg, sens), ctx


def _save_codes(ctx, codes, em, inp) -> pd.DataFrame:
    from ehrisk.store.db import session_scope
    from ehrisk.store.importers import current_user
    from ehrisk.store.results import enterprise_inputs, save_codes

    sto, mg, sens = inp
    u = ctx.used
    emitted = None
    if em is not None and u["priority"]:
        emitted = em[em["cas"].isin(u["priority"])].groupby(
            ["credit_code", "cas", "medium"], as_index=False)["amount_t_yr"].sum()
    tables = {"storages": sto, "management": mg, "sensitivity": sens,
              "attributable": u["attributable"], "problems": u["problems"],
              "priority_emitted": emitted}
    inputs = enterprise_inputs(codes["credit_code"], tables)
    with session_scope(ctx.engine) as s:
        return save_codes(s, codes, inputs, user=current_user(),
                          risk_map_run_id=ctx.risk_map_run_id if u["from_risk_map"] else None)


_DEMO = typer.Option(False, "--demo", help="Use the synthetic demo region (演示区域).")
_SEED = typer.Option(20261124, "--seed", help="Demo seed.")
_STO = typer.Option(None, "--storages", help="CSV/XLSX: credit_code, cas, max_quantity_t [t].")
_MG = typer.Option(None, "--management", help="CSV/XLSX: credit_code, n_hazardous_process_sets "
                   "[, n_tank_farms, toxic_gas_leak_monitoring, ... see docs/grading.md].")
_SENS = typer.Option(None, "--sensitivity", help="CSV/XLSX: credit_code, pop_5km, pop_500m "
                     "[, water flags].")
_JSON = typer.Option(False, "--json", help="Print only JSON on stdout.")
_OUT = typer.Option(None, "--out", help="Folder for CSV, XLSX and JSON.")
_ATTR = typer.Option(None, "--attributable", help="CSV/XLSX from the risk map: credit_code, "
                     "max_cancer_risk_contribution, max_hi_contribution, "
                     "attributable_cases_per_yr [, top_substance].")
_PROB = typer.Option(None, "--problems", help="CSV/XLSX: credit_code, problem_id, status.")
_RULES = typer.Option(None, "--rules", help="Rules table replacing risk_code_rules.csv.")
_PRIO = typer.Option(None, "--priority", help="CSV with column cas: priority pollutants "
                     "(default with --demo: the screening list's priority tier).")
_EM = typer.Option(None, "--emissions", help="CSV/XLSX: credit_code, cas, amount_t_yr [, medium].")
_DB = typer.Option(None, "--db", help="Read everything from the risk-source database (SQLite "
                   "file or postgresql:// URL); `grade code` stores the codes with history.")
_RMAP = typer.Option(None, "--risk-map", help="Risk-map output folder (ehrisk map run --out): "
                     "attributable risk and what-if scenarios (default with --db: the newest "
                     "stored run).")
_YEAR = typer.Option(None, "--year", help="Inventory year of the emissions (--db).")


def register(app: typer.Typer) -> None:
    """Add ``ehrisk grade hj941 | code | lists`` to the root app."""
    grade = typer.Typer(help="企业分级 / enterprise grading: HJ 941-2018, risk code, lists.",
                        no_args_is_help=True)
    app.add_typer(grade, name="grade")

    @grade.command("hj941")
    def hj941_cmd(demo: bool = _DEMO, seed: int = _SEED, storages: Path | None = _STO,
                  management: Path | None = _MG, sensitivity: Path | None = _SENS,
                  db: str | None = _DB, year: int | None = _YEAR,
                  as_json: bool = _JSON, out: Path | None = _OUT) -> None:
        """企业突发环境事件风险分级 (HJ 941-2018) / emergency risk level per enterprise."""
        (sto, mg, sens), _em, _p, _ctx = _inputs(demo, seed, storages, management, sensitivity,
                                                 db, year)
        g = hj.grade_hj941_2018(sto, mg, sens)
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
                 db: str | None = _DB, risk_map: Path | None = _RMAP,
                 year: int | None = _YEAR,
                 as_json: bool = _JSON, out: Path | None = _OUT) -> None:
        """环境健康风险码 / environmental health risk code (red/yellow/green) with reasons."""
        g, codes, _rl, em_, inp, ctx = _grade_all(demo, seed, storages, management,
                                                  sensitivity, attributable, problems, rules,
                                                  priority, emissions, db, risk_map, year)
        cols = ["credit_code", "code", "code_zh", "fired_rules", "reasons_zh", "reasons_en",
                "hj941_code", *CRITERIA, "has_attributable"]
        tab = codes[cols]
        has_attr = bool(tab["has_attributable"].any())
        doc = {"n_enterprises": int(len(tab)),
               "summary": {k: int(v) for k, v in tab["code"].value_counts().items()},
               "has_attributable": has_attr, "codes": _records(tab)}
        tables = {"risk_codes": tab}
        if ctx is not None:
            stored = _save_codes(ctx, codes, em_, inp)
            doc["stored"] = {"n_rows_added": int(len(stored)),
                             "risk_map_run_id": ctx.risk_map_run_id
                             if ctx.used["from_risk_map"] else None,
                             "changes": _records(stored[stored["change"] != "new"])}
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

    @grade.command("lists")
    def lists_cmd(demo: bool = _DEMO, seed: int = _SEED, storages: Path | None = _STO,
                  management: Path | None = _MG, sensitivity: Path | None = _SENS,
                  attributable: Path | None = _ATTR, problems: Path | None = _PROB,
                  rules: Path | None = _RULES, priority: Path | None = _PRIO,
                  emissions: Path | None = _EM, db: str | None = _DB,
                  risk_map: Path | None = _RMAP, year: int | None = _YEAR,
                  as_json: bool = _JSON, out: Path | None = _OUT) -> None:
        """白名单、问题清单、分级监管清单 / whitelist, problem list, supervision list."""
        g, codes, rl, em, inp, ctx = _grade_all(demo, seed, storages, management, sensitivity,
                                                attributable, problems, rules, priority,
                                                emissions, db, risk_map, year)
        wl = whitelist(codes, rl)
        sup = supervision_list(codes, rl)
        scen = _scenario(risk_map, ctx)
        pl = problem_list(codes, rl, scen, em, inp)
        doc = {"n_enterprises": int(len(codes)), "n_whitelist": int(len(wl)),
               "supervision_summary": {k: int(v) for k, v in sup["code"].value_counts().items()},
               "scenario_risk": "computed with the risk map's source-receptor matrix "
                                "(enterprise_scenarios.npz)" if scen is not None else
                                "not available (no risk-map scenario function given): health "
                                "measures are listed without a computed reduction",
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
