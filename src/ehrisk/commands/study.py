"""`ehrisk run study.toml`: run a whole study as one recorded run."""

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
                  console=console, transient=True) as prog:
        task = {"id": None, "name": None}

        def progress(name: str, done: int = 0, total: int = 1) -> None:
            if name == task["name"]:
                return
            if task["id"] is not None:
                prog.update(task["id"], completed=1, total=1)
            task["name"] = name
            task["id"] = prog.add_task(f"step: {name}", total=None)

        record = run_study(settings, base_dir, out_dir, progress=progress)
        if task["id"] is not None:
            prog.update(task["id"], completed=1, total=1)
    return record


def _short(v) -> bool:
    """Whether a summary value is short enough for the one-line step summary."""
    if isinstance(v, dict):
        return len(v) <= 6 and all(not isinstance(x, (dict, list)) for x in v.values())
    return not isinstance(v, list) and len(str(v)) <= 60


def _fmt(v) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def print_steps(record: dict) -> None:
    """One line per step: ran (with its summary) or not run (with the reason)."""
    for st in record["steps"]:
        if st["status"] == "ran":
            summary = ", ".join(f"{k}={_fmt(v)}" for k, v in st.get("summary", {}).items()
                                if _short(v))
            console.print(f"  [green]✓[/] {st['step']} ({st['seconds']:.1f} s) {summary}",
                          highlight=False)
            for w in st.get("summary", {}).get("warnings", []) or []:
                console.print(f"    [yellow]! warning / 警示:[/] {w}", highlight=False)
        else:
            console.print(f"  [yellow]–[/] {st['step']}: not run / 未运行: {st['reason']}",
                          highlight=False, markup=False)
    for w in record.get("warnings", []):
        console.print(f"  [yellow]![/] {w}", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_cmd(
        study_file: Path = typer.Argument(None, help="Study file (TOML)."),
        out: Path = typer.Option(None, "--out", help="Output folder (default: study.output_dir)."),
        json_out: bool = typer.Option(False, "--json", help="Print the run record as JSON."),
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
            return
        print_steps(record)
        out_dir = out or base / settings.study.output_dir
        console.print(f"run / 运行记录: [bold]{record['run_id']}[/] in {record['database']} "
                      "(ehrisk runs show, ehrisk extract)")
        console.print(f"outputs / 输出: [bold]{out_dir}[/] (provenance.json records the run)")
