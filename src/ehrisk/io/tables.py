"""Read user tables (CSV in UTF-8 or GBK, XLSX) against a declared column schema.

All problems of a file are collected and raised together as :class:`ehrisk.errors.InputError`
naming file, row, column and reason. Rows are numbered as a spreadsheet user sees them: the
header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ehrisk.errors import InputError, ProblemCollector

CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_check_digit_ok(cas: str) -> bool:
    """True if ``cas`` is a well-formed CAS Registry Number with a valid check digit.

    The check digit is the sum of each digit (right to left, excluding the check digit)
    multiplied by its position, modulo 10 (CAS, "CAS Registry Number" format description).
    """
    m = CAS_RE.match(cas.strip())
    if not m:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    total = sum((i + 1) * int(d) for i, d in enumerate(digits))
    return total % 10 == int(m.group(3))


@dataclass(frozen=True)
class Column:
    """A column a reader expects.

    Parameters
    ----------
    name : str
        Canonical column name (English, units in the name).
    kind : {"str", "float", "int", "cas", "bool"}
        How cells are parsed and checked.
    required : bool
        Whether the column must be present.
    aliases : tuple of str
        Other accepted headers (Chinese template headers, common spellings); case-insensitive.
    min_value, max_value : float or None
        Bounds for numeric columns (inclusive).
    allow_blank : bool
        Whether empty cells are allowed (become NaN / "").
    choices : tuple of str or None
        Allowed values for text columns (case-insensitive).
    """

    name: str
    kind: str = "str"
    required: bool = True
    aliases: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    allow_blank: bool = False
    choices: tuple[str, ...] | None = None
    description: str = ""


@dataclass
class Schema:
    """An ordered set of columns; unknown extra columns are kept as they are."""

    columns: Sequence[Column]
    name: str = ""
    extra_ok: bool = True
    _lookup: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.columns:
            for key in (c.name, *c.aliases):
                self._lookup[_norm_header(key)] = c.name

    def canonical(self, header: str) -> str | None:
        return self._lookup.get(_norm_header(header))


def _norm_header(h: str) -> str:
    return re.sub(r"[\s_\-()（）\[\]/]+", "", str(h).strip().lower())


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), else GB18030 (a superset of GBK).

    Returns the text and the encoding used. Raises InputError if neither decodes.
    """
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    raise InputError.single(file, "cannot decode the file as UTF-8 or GBK; save it as UTF-8 CSV")


def read_raw(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV (UTF-8 or GBK, detected) or XLSX into strings, without interpretation."""
    p = Path(path)
    fname = str(path)
    if not p.exists():
        raise InputError.single(fname, "file not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(p, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise InputError.single(fname, f"cannot read workbook: {exc}") from None
    data = p.read_bytes()
    if not data.strip():
        raise InputError.single(fname, "file is empty")
    text, _enc = decode_bytes(data, fname)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                           skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise InputError.single(fname, f"not a valid CSV table: {exc}") from None


def read_table(path: str | Path, schema: Schema, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a user table and check it against ``schema``; collect every problem.

    Returns a DataFrame with canonical column names and parsed types. Raises InputError
    listing all problems (missing columns, non-numeric or out-of-range values, bad CAS numbers,
    blank required cells) with file, row and column.
    """
    fname = str(path)
    raw = read_raw(path, sheet)
    return parse_frame(raw, schema, fname)


def parse_frame(raw: pd.DataFrame, schema: Schema, fname: str) -> pd.DataFrame:
    """Check and parse an all-string frame against ``schema`` (see :func:`read_table`)."""
    pc = ProblemCollector(fname)
    rename: dict[str, str] = {}
    for h in raw.columns:
        canon = schema.canonical(str(h))
        if canon is not None:
            if canon in rename.values():
                pc.add(f"column given twice (as {h!r})", column=str(h))
            rename[h] = canon
    df = raw.rename(columns=rename)
    missing = [c for c in schema.columns if c.required and c.name not in df.columns]
    for c in missing:
        expected = " or ".join(repr(a) for a in (c.name, *c.aliases))
        pc.add(f"required column missing (expected {expected}); found columns: "
               f"{', '.join(map(str, raw.columns))}", column=c.name)
    pc.raise_if_any()
    if len(df) == 0:
        pc.add("the table has a header but no data rows")
        pc.raise_if_any()
    out = df.copy()
    for c in schema.columns:
        if c.name not in df.columns:
            continue
        values = []
        for i, cell in enumerate(df[c.name].tolist()):
            row = i + 2
            s = "" if cell is None else str(cell).strip()
            if s == "" or s.lower() in ("nan", "na", "n/a"):
                if not c.allow_blank:
                    pc.add("value is blank", row=row, column=c.name)
                values.append(math.nan if c.kind in ("float", "int") else "")
                continue
            values.append(_parse_cell(s, c, pc, row))
        out[c.name] = values
    pc.raise_if_any()
    return out


def _parse_cell(s: str, c: Column, pc: ProblemCollector, row: int):
    if c.kind in ("float", "int"):
        try:
            v = float(s.replace(",", "")) if re.fullmatch(r"[-+]?[\d,]*\.?\d+(e[-+]?\d+)?", s,
                                                           re.I) else float(s)
        except ValueError:
            pc.add(f"not a number: {s!r}", row=row, column=c.name)
            return math.nan
        if not math.isfinite(v):
            pc.add(f"not a finite number: {s!r}", row=row, column=c.name)
            return math.nan
        if c.min_value is not None and v < c.min_value:
            what = "negative value" if c.min_value == 0 else f"value below {c.min_value}"
            pc.add(f"{what}: {s}", row=row, column=c.name)
        if c.max_value is not None and v > c.max_value:
            pc.add(f"value above {c.max_value}: {s}", row=row, column=c.name)
        if c.kind == "int":
            if v != int(v):
                pc.add(f"not a whole number: {s!r}", row=row, column=c.name)
            return int(v)
        return v
    if c.kind == "cas":
        if not cas_check_digit_ok(s):
            pc.add(f"not a valid CAS number (format NNNNNNN-NN-N with check digit): {s!r}",
                   row=row, column=c.name)
        return s
    if c.kind == "bool":
        low = s.lower()
        if low in ("1", "true", "yes", "y", "是", "t"):
            return True
        if low in ("0", "false", "no", "n", "否", "f"):
            return False
        pc.add(f"not yes/no: {s!r}", row=row, column=c.name)
        return False
    if c.choices is not None and s.lower() not in {x.lower() for x in c.choices}:
        pc.add(f"unknown value {s!r}; expected one of: {', '.join(c.choices)}", row=row,
               column=c.name)
    return s
