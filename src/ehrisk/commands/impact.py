"""``ehrisk impact``: health impact and valuation of a concentration change (后评估)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import InputError
from ehrisk.io.tables import Column, Schema, read_table
from ehrisk.refdata import RefdataError

CONC_SCHEMA = Schema([
    Column("cell_id", "str", aliases=("cell", "id", "网格", "单元")),
    Column("conc_ug_m3", "float", aliases=("conc", "pm25_ug_m3", "浓度"), min_value=0.0),
], name="concentration")
POP_SCHEMA = Schema([
    Column("cell_id", "str", aliases=("cell", "id", "网格", "单元")),
    Column("population", "float", aliases=("pop", "人口"), min_value=0.0),
    Column("y0_per_person_yr", "float", required=False, min_value=0.0,
           aliases=("y0", "baseline_rate", "基线发病率")),
], name="population")
CLASS_SCHEMA = Schema([
    Column("conc_ug_m3", "float", aliases=("conc", "浓度"), min_value=0.0),
    Column("population", "float", aliases=("pop", "share", "人口", "比例"), min_value=0.0),
], name="exposure classes")


def _join(before, after, pop, files):
    problems = []
    ids = list(pop["cell_id"])
    for df, f in ((before, files[0]), (after, files[1])):
        dup = df["cell_id"][df["cell_id"].duplicated()]
        for i in dup.index[:20]:
            problems.append((f, f"cell {df.loc[i, 'cell_id']!r} given twice", i + 2))
        missing = sorted(set(ids) - set(df["cell_id"]))
        if missing:
            problems.append((f, f"no value for cell(s) {', '.join(missing[:10])} of the "
                             "population file", None))
    if problems:
        from ehrisk.errors import Problem
        raise InputError([Problem(f, r, row, "cell_id") for f, r, row in problems])
    b = before.set_index("cell_id").loc[ids, "conc_ug_m3"].to_numpy(dtype=float)
    a = after.set_index("cell_id").loc[ids, "conc_ug_m3"].to_numpy(dtype=float)
    return b, a


def register(app: typer.Typer) -> None:
    im = typer.Typer(help="健康影响与经济评估 / health impact and valuation.",
                     no_args_is_help=True)
    app.add_typer(im, name="impact")

    @im.command("run")
    def run(
        before: Path = typer.Option(..., "--before", help="CSV/XLSX: cell_id, conc_ug_m3."),
        after: Path = typer.Option(..., "--after", help="CSV/XLSX: cell_id, conc_ug_m3."),
        population: Path = typer.Option(..., "--population", help="CSV/XLSX: cell_id, "
                                        "population[, y0_per_person_yr]."),
        crf_id: str = typer.Option("gemm-2018", "--crf", help="CRF id of the crf table."),
        y0: float = typer.Option(None, "--y0", help="Baseline rate [cases/person/yr] if the "
                                 "population file has none."),
        unit_value: float = typer.Option(None, "--unit-value", help="Value per case "
                                         "(VSL or cost of illness) [currency/case]."),
        n_draws: int = typer.Option(1000, "--draws", min=1),
        seed: int = typer.Option(0, "--seed"),
        report: Path = typer.Option(None, "--report", help="Write a report (.md or .docx)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Avoided cases and value between two concentration surfaces (后评估)."""
        from ehrisk.impact.crf import load_crf
        from ehrisk.impact.post_evaluation import post_evaluation, report_markdown, write_docx
        try:
            crf = load_crf(crf_id)
        except RefdataError as exc:
            raise InputError.single("--crf", str(exc)) from None
        b_df = read_table(before, CONC_SCHEMA)
        a_df = read_table(after, CONC_SCHEMA)
        p_df = read_table(population, POP_SCHEMA)
        b, a = _join(b_df, a_df, p_df, (str(before), str(after)))
        if "y0_per_person_yr" in p_df and p_df["y0_per_person_yr"].notna().all():
            rate = p_df["y0_per_person_yr"].to_numpy(dtype=float)
        elif y0 is not None:
            rate = np.full(len(p_df), y0)
        else:
            raise InputError.single("--y0", "give a baseline rate with --y0 or a "
                                    "y0_per_person_yr column in the population file")
        summary, cells = post_evaluation(b, a, p_df["population"].to_numpy(dtype=float), rate,
                                         crf, unit_value, n_draws, seed,
                                         cell_ids=p_df["cell_id"].to_numpy())
        if report is not None:
            if report.suffix.lower() == ".docx":
                write_docx(report, summary, cells)
            else:
                report.write_text(report_markdown(summary, cells), encoding="utf-8")
            summary["report"] = str(report)
        if json_out:
            print_json({"summary": summary, "cells": cells.to_dict(orient="records")})
            return
        print_table([{k: v for k, v in summary.items() if k != "reference"}],
                    title="post-evaluation / 后评估")
        console.print(f"CRF source: {summary['reference']}")

    @im.command("crfs")
    def crfs(
        pollutant: str = typer.Option(None, "--pollutant", help="PM2.5, PM10, PM2.5-10, O3, "
                                      "NO2 (case-insensitive)."),
        duration: str = typer.Option(None, "--duration", help="short-term or long-term."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """List the concentration-response functions (浓度-反应函数) of the crf table."""
        from ehrisk.impact.crf import list_crfs
        try:
            rows = list_crfs(pollutant=pollutant, duration=duration).to_dict(orient="records")
        except RefdataError as exc:
            opt = "--duration" if "duration" in str(exc) else "--pollutant"
            raise InputError.single(opt, str(exc)) from None
        if json_out:
            print_json(rows)
            return
        keep = ("crf_id", "pollutant", "lag_days", "endpoint", "age_group", "confidence")
        print_table([{k: r[k] for k in keep} for r in rows],
                    title="浓度-反应函数 / concentration-response functions (--json: all fields)")

    @im.command("airq")
    def airq_cmd(
        conc: float = typer.Option(None, "--conc", min=0.0,
                                   help="Population-weighted annual mean [ug/m3]."),
        classes: Path = typer.Option(None, "--classes", help="CSV/XLSX of exposure classes: "
                                     "conc_ug_m3, population (counts or shares)."),
        cutoff: float = typer.Option(None, "--cutoff", min=0.0,
                                     help="Cut-off (counterfactual) [ug/m3]."),
        rr: float = typer.Option(None, "--rr", help="RR per increment (log-linear)."),
        rr_lo: float = typer.Option(None, "--rr-lo", help="Lower 95 % bound of the RR."),
        rr_hi: float = typer.Option(None, "--rr-hi", help="Upper 95 % bound of the RR."),
        increment: float = typer.Option(10.0, "--increment", help="RR increment [ug/m3]."),
        crf_id: str = typer.Option(None, "--crf", help="Take RR, bounds, increment and "
                                   "cut-off from a log-linear row of the crf table."),
        incidence: float = typer.Option(None, "--incidence-per-100k", min=0.0,
                                        help="Baseline incidence per 100 000 at risk."),
        population: float = typer.Option(None, "--population", min=0.0,
                                         help="Population at risk."),
        baseline_cases: float = typer.Option(None, "--baseline-cases", min=0.0,
                                             help="Baseline cases (instead of incidence)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """WHO AirQ+ long-term burden (归因比例/归因病例) with the RR interval."""
        from ehrisk.impact.airq import airq_from_concentration

        if crf_id is not None:
            from ehrisk.impact.crf import crf_table
            t = crf_table()
            row = t[t["crf_id"] == crf_id]
            if row.empty:
                from ehrisk.impact.crf import load_crf
                try:
                    load_crf(crf_id)
                except RefdataError as exc:
                    raise InputError.single("--crf", str(exc)) from None
            r = row.iloc[0]
            if r["form"] != "log-linear" or np.isnan(r["rr"]):
                raise InputError.single("--crf", f"{crf_id} is not a log-linear RR row; "
                                        "AirQ+ uses RR per increment (use `impact run` for "
                                        "GEMM)")
            rr = float(r["rr"]) if rr is None else rr
            rr_lo = float(r["rr_lo"]) if rr_lo is None else rr_lo
            rr_hi = float(r["rr_hi"]) if rr_hi is None else rr_hi
            increment = float(r["per_ug_m3"])
            if cutoff is None and not np.isnan(r["counterfactual_ug_m3"]):
                cutoff = float(r["counterfactual_ug_m3"])
        for name, v in (("--rr", rr), ("--cutoff", cutoff)):
            if v is None:
                raise InputError.single(name, f"{name} is needed (or --crf)")
        for name, v in (("--rr", rr), ("--rr-lo", rr_lo), ("--rr-hi", rr_hi)):
            if v is not None and v <= 0:
                raise InputError.single(name, "a relative risk must be positive")
        if (rr_lo is not None and rr_lo > rr) or (rr_hi is not None and rr_hi < rr):
            raise InputError.single("--rr", f"RR {rr} is not within its bounds "
                                    f"{rr_lo} - {rr_hi}")
        if increment <= 0:
            raise InputError.single("--increment", "the increment must be positive")
        if (conc is None) == (classes is None):
            raise InputError.single("--conc", "give either --conc or --classes")
        if (baseline_cases is None) == (incidence is None):
            raise InputError.single("--baseline-cases", "give either --baseline-cases or "
                                    "--incidence-per-100k (with --population)")
        if incidence is not None and population is None:
            raise InputError.single("--population", "--incidence-per-100k needs --population")
        share = None
        c = conc
        if classes is not None:
            df = read_table(classes, CLASS_SCHEMA)
            w = df["population"].to_numpy(dtype=float)
            if len(df) == 0 or w.sum() <= 0:
                raise InputError.single(str(classes), "no population in the exposure classes",
                                        column="population")
            c, share = df["conc_ug_m3"].to_numpy(dtype=float), w / w.sum()
        res = airq_from_concentration(c, cutoff, rr, increment, rr_lo, rr_hi, share=share,
                                      incidence_per_100k=incidence, population=population,
                                      baseline_cases=baseline_cases)
        out = {"method": "WHO AirQ+ log-linear (AP = (RR-1)/RR; interval from the RR "
                         "interval)",
               "inputs": {"conc_ug_m3": conc, "classes": None if classes is None
                          else str(classes), "cutoff_ug_m3": cutoff, "rr": rr,
                          "rr_lo": rr_lo, "rr_hi": rr_hi, "increment_ug_m3": increment,
                          "crf": crf_id, "incidence_per_100k": incidence,
                          "population": population, "baseline_cases": baseline_cases},
               "order": ["lower", "central", "upper"], **res.as_dict()}
        if json_out:
            print_json(out)
            return
        rows = [{"": lab, "RR": res.rr[i], "AP %": 100 * res.attributable_proportion[i],
                 "cases / 病例": res.attributable_cases[i],
                 "per 100 000": res.cases_per_100k[i]}
                for i, lab in enumerate(["lower / 下限", "central / 中值", "upper / 上限"])]
        print_table(rows, title="AirQ+ burden / 归因健康负担")
