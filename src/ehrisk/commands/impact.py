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
