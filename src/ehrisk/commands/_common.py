"""Helpers shared by CLI commands: JSON output and rich tables."""

from __future__ import annotations

import math
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from ehrisk.io import jsonsafe

console = Console()


_default = jsonsafe.default
"""Deprecated alias of :func:`ehrisk.io.jsonsafe.default` (kept for importers)."""


def print_json(obj: Any) -> None:
    """Print ``obj`` as stable JSON (sorted keys off, UTF-8, NaN as null) on stdout."""
    typer.echo(jsonsafe.dumps(obj, indent=2))


def print_table(rows: list[dict], title: str | None = None, columns: list[str] | None = None):
    """Print a list of dicts as a rich table."""
    if not rows:
        console.print("(no rows)")
        return
    cols = columns or list(rows[0].keys())
    t = Table(title=title, show_lines=False)
    for c in cols:
        t.add_column(str(c))
    for r in rows:
        t.add_row(*(fmt_coord(r.get(c)) if str(c) in COORD_COLUMNS else _fmt(r.get(c))
                    for c in cols))
    console.print(t)


COORD_COLUMNS = frozenset({"lon", "lat", "longitude", "latitude"})
"""Columns printed as degrees to six decimals (about 0.1 m), never rounded to 3 figures."""


def fmt_coord(v: Any) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return f"{v:.6f}"
    return _fmt(v)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        return f"{v:.3g}"
    return str(v)
