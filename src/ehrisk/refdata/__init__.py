"""Packaged reference tables (CSV under ``refdata/tables/``), each row with its source.

Every table has a ``source`` column naming the standard or document, its table or equation,
and edition. :func:`load_table` refuses a table with a row lacking a source. Accessors keyed by
standard and edition live in the submodules (``refdata.chemicals``, ``refdata.exposure``,
...); code never hard-codes a reference number.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import pandas as pd

TABLES_PACKAGE = "ehrisk.refdata.tables"


class RefdataError(LookupError):
    """A reference value or table that does not exist (message says which and what exists)."""


def table_names() -> list[str]:
    """Names of all packaged tables (file stems)."""
    root = resources.files(TABLES_PACKAGE)
    return sorted(p.name[:-4] for p in root.iterdir() if p.name.endswith(".csv"))


@cache
def _load(name: str) -> pd.DataFrame:
    root = resources.files(TABLES_PACKAGE)
    path = root / f"{name}.csv"
    if not path.is_file():
        raise RefdataError(f"no reference table {name!r}; tables: {', '.join(table_names())}")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, comment=None)
    if "source" not in df.columns:
        raise RefdataError(f"reference table {name!r} has no 'source' column")
    blank = df.index[df["source"].str.strip() == ""].tolist()
    if blank:
        raise RefdataError(f"reference table {name!r}: rows without a source: "
                           f"{[i + 2 for i in blank][:10]}")
    return df


def load_table(name: str, numeric: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Return a copy of packaged table ``name``; columns in ``numeric`` are parsed as floats
    (blank cells become NaN)."""
    df = _load(name).copy()
    for col in numeric:
        df[col] = pd.to_numeric(df[col].replace("", None), errors="raise")
    return df


def table_checksum(name: str) -> str:
    """SHA-256 of a packaged table's bytes (recorded in run provenance)."""
    root = resources.files(TABLES_PACKAGE)
    return hashlib.sha256((root / f"{name}.csv").read_bytes()).hexdigest()


def editions() -> dict[str, str]:
    """Checksums of every packaged table, for a run's provenance record."""
    return {n: table_checksum(n)[:16] for n in table_names()}
