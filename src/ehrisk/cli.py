"""The ``ehrisk`` command line (typer + rich). Thin: parse, call science/service, format.

Each command group lives in ``ehrisk.commands.<name>`` and exposes ``register(app)``. Errors of
input (:class:`ehrisk.errors.EhriskError`) are printed without a traceback and exit with code 2.
"""

from __future__ import annotations

import importlib
import sys

import click
import typer
from rich.console import Console

from ehrisk import __version__
from ehrisk.errors import EhriskError, InputError

COMMAND_MODULES = (
    "chem",
    "risk",
    "screen",
    "demo",
    "study",
    "air",
    "response",
    "forecast",
    "impact",
    "db",
    "plume",
    "bench",
    "grade",
    "riskmap",
    "runs",
)

app = typer.Typer(
    name="ehrisk",
    help="ehrisk: 环境健康风险管理 / environmental health risk management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, soft_wrap=True)

# typer >= 0.20 vendors click as typer._click; older releases use click itself.
try:
    from typer._click.exceptions import ClickException as _TyperClickException
except ImportError:  # pragma: no cover - depends on the typer release
    _TyperClickException = click.exceptions.ClickException
USAGE_ERRORS = (click.exceptions.ClickException, _TyperClickException)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ehrisk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """ehrisk: 环境健康风险管理 / environmental health risk management."""


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"ehrisk.commands.{_name}")
    except ModuleNotFoundError as exc:  # a command group not yet present in this checkout
        if exc.name != f"ehrisk.commands.{_name}":
            raise
        continue
    _mod.register(app)


def report_error(exc: EhriskError) -> None:
    """Print an input error to stderr, one problem per line, no traceback."""
    if isinstance(exc, InputError):
        err_console.print(f"[bold red]error:[/] {len(exc.problems)} problem(s) in input / 输入有误:",
                          highlight=False)
        for p in exc.problems:
            err_console.print(f"  - {p}", highlight=False, markup=False)
    else:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code (used by tests and ``main``)."""
    try:
        app(args=argv, standalone_mode=False)
    except EhriskError as exc:
        report_error(exc)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except USAGE_ERRORS as exc:
        exc.show()
        return 2
    return 0


def main() -> None:
    """Entry point of the console script."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
