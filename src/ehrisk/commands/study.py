"""`ehrisk run study.toml`: run a whole study with provenance."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.study import load_settings, run_study, schema_doc


def run_with_progress(settings, base_dir: Path, out_dir: Path | None, quiet: bool) -> dict:
    """Run a study showing a rich progress line per step (none when ``quiet``)."""
    if quiet:
        return run_study(settings, base_dir, out_dir)
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(),
                  console=console, transient=False) as prog:
        task = {"id": None}

        def progress(name: str) -> None:
            if task["id"] is not None:
                prog.update(task["id"], completed=1, total=1)
            task["id"] = prog.add_task(f"step: {name}", total=None)

        record = run_study(settings, base_dir, out_dir, progress=progress)
        if task["id"] is not None:
            prog.update(task["id"], completed=1, total=1)
    return record


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_cmd(
        study_file: Path = typer.Argument(None, help="Study file (TOML)."),
        out: Path = typer.Option(None, "--out", help="Output folder (default: study.output_dir)."),
        json_out: bool = typer.Option(False, "--json", help="Print the provenance record as JSON."),
        schema: bool = typer.Option(False, "--schema", help="Print every study-file key."),
    ) -> None:
        """Run a whole study described by a study file / 运行评估项目."""
        if schema:
            rows = schema_doc()
            if json_out:
                print_json(rows)
            else:
                print_table(rows, title="study file keys")
            return
        if study_file is None:
            raise typer.BadParameter("give a study file, or --schema")
        settings = load_settings(study_file)
        base = study_file.resolve().parent
        record = run_with_progress(settings, base, out, quiet=json_out)
        if json_out:
            print_json(record)
        else:
            out_dir = out or base / settings.study.output_dir
            console.print(f"outputs / 输出: [bold]{out_dir}[/] (provenance.json records the run)")
