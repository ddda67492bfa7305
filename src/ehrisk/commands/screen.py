"""``ehrisk screen``: the priority control pollutant list (优先控制污染物清单) from an inventory.

The command builds an inventory from its files (:func:`ehrisk.inventory.files.add_files`) and
runs the ``screening`` service (the same as the study's ``[screening]`` step) as a run recorded
in the database (kind ``screen``): ``ehrisk runs list`` shows it and
``ehrisk extract RUN screening/priority_list`` gives its list.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ehrisk.commands._common import console, print_json, print_table


def _population_is_table(population: Path) -> bool:
    """Whether the population file gives the population per enterprise (else a grid)."""
    from ehrisk.io.tables import read_raw
    from ehrisk.screening.inventory import population_mode

    return population_mode(read_raw(population)) == "table"


def register(app: typer.Typer) -> None:
    """Add ``ehrisk screen`` to the root app."""
    from ehrisk.commands._options import option, section_from_options
    from ehrisk.services.screening import ScreeningSettings as S

    @app.command("screen")
    def screen_cmd(
        emissions: Path = typer.Argument(..., help="Emissions inventory CSV/XLSX: enterprise, "
                                         "substance, medium, amount, unit [, lon, lat, year]; "
                                         "the `ehrisk template emissions` workbook is "
                                         "accepted as it is."),
        population: Path | None = typer.Option(
            None, "--population", help="CSV/XLSX: enterprise, population_5km; or a grid "
            "lon, lat, population (e.g. the `ehrisk template population` workbook; then "
            "every enterprise needs lon, lat: in the inventory or from --enterprises)."),
        enterprises: Path | None = typer.Option(
            None, "--enterprises", help="CSV/XLSX giving the enterprises' lon, lat (e.g. the "
            "`ehrisk template enterprises` workbook), matched by credit code or name."),
        year: int | None = typer.Option(None, "--year", help="Inventory year to screen "
                                        "(needed when the file has several years)."),
        weights: Path | None = option(S, "weights"),
        out: Path | None = typer.Option(None, "--out", help="Folder for CSV, XLSX and JSON."),
        db: str | None = typer.Option(None, "--db", help="Database that records the run "
                                      "(SQLite file or postgresql:// URL; default: "
                                      "$EHRISK_DATABASE_URL, else the default database)."),
        as_json: bool = typer.Option(False, "--json", help="Print only JSON on stdout."),
        top_n: int = option(S, "top_n"),
        dataset: str = option(S, "dataset"),
        accept_outliers: bool = typer.Option(
            False, "--accept-outliers", help="Screen even when an amount is orders of "
            "magnitude above those of comparable enterprises (a likely unit slip); the "
            "amounts are listed as warnings."),
    ) -> None:
        """优先控制污染物清单 / Rank emitted substances into a priority control list (a
        recorded run: `ehrisk runs list`, `ehrisk extract RUN screening/priority_list`)."""
        from ehrisk.errors import EhriskError
        from ehrisk.inventory.files import add_files
        from ehrisk.reports.priority_list import write_outputs
        from ehrisk.results import open_run_engine
        from ehrisk.services.runner import run_one
        from ehrisk.services.screening import check_emission_file

        accepted = check_emission_file(emissions, year, enterprises, accept_outliers)
        table_pop = population is not None and _population_is_table(population)
        settings = section_from_options(
            S, top_n=top_n, dataset=dataset,
            weights=None if weights is None else str(weights),
            population_table=str(population) if table_pop else None)
        files: dict[str, Path] = {"emissions": emissions}
        if enterprises is not None:
            files["enterprises"] = enterprises
        if population is not None and not table_pop:
            files["population"] = population
        inv = add_files(None, files, year=year, name_zh=emissions.name)
        inputs = {k: v for k, v in (("emissions", emissions), ("population", population),
                                    ("enterprises", enterprises), ("weights", weights))
                  if v is not None}
        run_id, outcome, res = run_one("screening", inv, settings, engine=open_run_engine(db),
                                       kind="screen", input_files=inputs)
        if outcome.status != "ran":
            raise EhriskError(f"screening not run: {outcome.reason}")
        result, stab, doc = res.payload
        if accepted:
            result.warnings.extend(accepted)
            doc = {**doc, "warnings": list(doc.get("warnings", [])) + accepted}
        # the documents keep their place (OUT/priority_list.*); the run holds the tables
        written = write_outputs(out, result, stab, doc) if out is not None else []
        if as_json:
            doc = {"run_id": run_id, **doc}
            if written:
                doc["files"] = written
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
        console.print(f"run {run_id} (ehrisk runs show {run_id}; ehrisk extract {run_id} "
                      "screening/priority_list)", highlight=False)
