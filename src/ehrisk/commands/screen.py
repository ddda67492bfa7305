"""``ehrisk screen``: the priority control pollutant list (优先控制污染物清单) from an inventory."""

from __future__ import annotations

from pathlib import Path

import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.reports.priority_list import run_screen
from ehrisk.reports.priority_list import write_outputs as _write_outputs


def register(app: typer.Typer) -> None:
    """Add ``ehrisk screen`` to the root app."""

    @app.command("screen")
    def screen_cmd(
        emissions: Path = typer.Argument(..., help="Emissions inventory CSV/XLSX: enterprise, "
                                         "substance, medium, amount, unit [, lon, lat]."),
        population: Path | None = typer.Option(
            None, "--population", help="CSV/XLSX: enterprise, population_5km; or a grid "
            "lon, lat, population (then the inventory needs lon, lat)."),
        weights: Path | None = typer.Option(None, "--weights", help="TOML file overriding "
                                            "weights (see docs/screening.md)."),
        out: Path | None = typer.Option(None, "--out", help="Folder for CSV, XLSX and JSON."),
        as_json: bool = typer.Option(False, "--json", help="Print only JSON on stdout."),
        top_n: int | None = typer.Option(None, "--top-n", help="Top-N for the stability "
                                         "report (default 10)."),
        dataset: str = typer.Option("epa-rsl", "--dataset", help="Toxicity dataset."),
    ) -> None:
        """优先控制污染物清单 / Rank emitted substances into a priority control list."""
        result, stab, doc = run_screen(emissions, population, weights, top_n, dataset)
        written = _write_outputs(out, result, stab, doc) if out is not None else []
        if as_json:
            if written:
                doc = {**doc, "files": written}
            print_json(doc)
            return
        for msg in result.warnings:
            console.print(f"[yellow]warning:[/] {msg}", highlight=False)
        rows = [{"rank": "" if r["rank"] != r["rank"] else int(r["rank"]), "CAS": r["cas"],
                 "名称": r["name_zh"] or r["name_en"], "级别 tier": r["tier_name_zh"],
                 "score": r["score"], "share": r["share"]}
                for r in result.table.to_dict(orient="records")]
        print_table(rows, title="优先控制污染物清单 / priority control pollutant list")
        tiers = result.tiers()
        console.print(f"priority 优先控制: {len(tiers['priority'])}, watch 关注: "
                      f"{len(tiers['watch'])}, general 一般: {len(tiers['general'])}",
                      highlight=False)
        console.print(f"stability (top {stab['top_n']}, weights x{stab['scales']}): lowest "
                      f"Jaccard {stab['min_jaccard']:.2f}; always in the top: "
                      f"{', '.join(stab['stable_core']) or '-'}", highlight=False)
        console.print(f"population: {result.population_method}", highlight=False)
        for p in written:
            console.print(f"wrote {p}", highlight=False)
