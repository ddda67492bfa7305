"""The one table-schema system and the one reader for user files.

* Declaring columns: :class:`Column` (canonical name, cell kind, whether required, accepted
  headers, bounds, accepted values, Chinese template header) and :class:`Schema` (an ordered set
  of columns that maps any accepted header to its canonical name). Shared header vocabulary
  (:data:`HEADERS`, :func:`headers`) makes the same Chinese header mean the same thing in every
  schema (the import templates, ``ehrisk screen``, ...).
* Reading files: :func:`read_any` (CSV in UTF-8/GBK/other detected encodings, XLSX via openpyxl
  with title rows, merged cells, formula cells and blank rows handled, GeoJSON/GeoPackage/
  Shapefile) returns a :class:`RawTable` of strings with the row number a user sees;
  :func:`read_raw` the same as a DataFrame (row numbers in ``frame.attrs["rows"]``).
* Checking cells: :func:`parse_records` (records, ``None`` for blanks) and :func:`parse_frame`
  (DataFrame, NaN/"" for blanks); :func:`read_table` reads and parses in one call.

All problems of a file are collected and raised together as :class:`ehrisk.errors.InputError`
naming file, sheet, row, column and reason. Rows are numbered as a spreadsheet user sees them:
the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ehrisk.errors import InputError, ProblemCollector

CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
BLANK_WORDS = ("nan", "na", "n/a")
BOOL_WORDS = {**{w: True for w in ("true", "t", "yes", "y", "1", "是", "有", "符合", "已落实")},
              **{w: False for w in ("false", "f", "no", "n", "0", "否", "无", "不符合", "未落实")}}
"""Accepted yes/no spellings (lower case) of every ``bool`` column."""
GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SCAN_ROWS = 10
CHECKS_TABLE = "store_checks"   # packaged limits named by Column.limit

MEDIUM_CHOICES = {
    **{w: "air" for w in ("air", "大气", "废气", "空气", "气")},
    **{w: "water" for w in ("water", "水", "废水", "水体", "地表水")},
    **{w: "soil" for w in ("soil", "土壤", "土")},
}
"""Accepted spellings (lower case) of an environmental medium -> ``air``/``water``/``soil``."""

# Shared header vocabulary: a concept and every header that names it. Schemas build their
# columns' aliases from here so that one header means one thing in every file ehrisk reads.
HEADERS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "企业统一社会信用代码", "credit_code",
                    "credit code", "uscc"),
    "enterprise_name": ("企业名称", "enterprise_name"),
    "substance": ("污染物(CAS号或名称)", "污染物", "污染物名称", "物质", "CAS号", "CAS",
                  "substance", "pollutant"),
    "medium": ("介质", "环境介质", "排放去向", "medium", "media"),
    "amount": ("排放量", "年排放量", "amount", "emission", "quantity"),
    "unit": ("单位", "排放量单位", "unit", "units"),
    "emission_t_yr": ("排放量（吨/年）", "排放量(t/a)", "年排放量(吨)", "emission_t_yr"),
    "year": ("年份", "year"),
    "basis": ("数据来源", "basis"),
    "source_id": ("排放口编号", "source_id"),   # a stack's or an outfall's id
    "lon": ("经度", "中心经度", "longitude", "lng", "lon"),
    "lat": ("纬度", "中心纬度", "latitude", "lat"),
    "population": ("人口(人)", "人口", "population", "pop_persons", "persons", "pop"),
}


def headers(concept: str, *extra: str) -> tuple[str, ...]:
    """The accepted headers of ``concept`` (see :data:`HEADERS`), plus ``extra``."""
    return (*HEADERS[concept], *extra)


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
    kind : str
        How cells are parsed and checked: ``str``, ``float``, ``int``, ``bool``, ``cas``,
        ``substance`` (CAS, Chinese or English name -> CAS), ``choice`` (``choices`` maps
        spellings to codes), ``date``, ``datetime`` (naive UTC), or a kind added with
        :func:`register_kind` (``credit`` by :mod:`ehrisk.store.kinds`).
    required : bool
        Whether the column must be present.
    aliases : tuple of str
        Other accepted headers (case, spaces, ``_-/`` and brackets ignored).
    min_value, max_value : float or None
        Bounds for numeric columns (inclusive).
    allow_blank : bool
        Whether empty cells are allowed (``None`` / NaN / "").
    choices : tuple of str, mapping or None
        Allowed values (case-insensitive): a tuple keeps the value as written; a mapping
        (lower-case spelling -> code) stores the code.
    description : str
        What the column holds (English).
    zh : str
        Chinese header written in the import templates; accepted like an alias and used to
        name the column in problems.
    limit : str or None
        Key in the packaged ``store_checks`` table: the largest plausible value.
    help_zh : str
        Explanation written into a template's 说明 sheet.
    keep : tuple of str
        Values accepted as written without the kind's check (e.g. meteorological parameters in
        a substance column).
    """

    name: str
    kind: str = "str"
    required: bool = True
    aliases: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    allow_blank: bool = False
    choices: tuple[str, ...] | Mapping[str, str] | None = None
    description: str = ""
    zh: str = ""
    limit: str | None = None
    help_zh: str = ""
    keep: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        """Every accepted header: canonical name, Chinese header, aliases."""
        return tuple(h for h in (self.name, self.zh, *self.aliases) if h)

    @property
    def label(self) -> str:
        """How problems name the column: the Chinese template header if any, else the name."""
        return self.zh or self.name


@dataclass
class Schema:
    """An ordered set of columns; unknown extra columns are kept as they are.

    Raises ``ValueError`` if one header would name two columns.
    """

    columns: Sequence[Column]
    name: str = ""
    extra_ok: bool = True
    _lookup: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = tuple(self.columns)
        for c in self.columns:
            for key in c.headers:
                k = _norm_header(key)
                other = self._lookup.setdefault(k, c.name)
                if other != c.name:
                    raise ValueError(f"schema {self.name!r}: header {key!r} names both "
                                     f"{other!r} and {c.name!r}")

    def canonical(self, header: str) -> str | None:
        """The canonical column name a header stands for, or ``None``."""
        return self._lookup.get(_norm_header(header))

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _norm_header(h: str) -> str:
    return re.sub(r"[\s_\-()（）\[\]/]+", "", str(h).strip().lower())


# ----------------------------------------------------------------------------- reading

@dataclass
class RawTable:
    """Strings as read, canonical headers not yet applied.

    ``rows[i]`` is the number a user sees for data row i (spreadsheet row, or feature number
    for GIS files); ``sheet`` the sheet or layer name; ``geometry`` the shapely geometries of a
    GIS file (WGS84).
    """

    frame: pd.DataFrame
    rows: list[int]
    sheet: str | None = None
    geometry: list | None = None


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK), else
    the encoding charset-normalizer detects. Returns the text and the encoding used."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else "gbk")
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except ImportError:  # pragma: no cover - a declared dependency
        best = None
    if best is not None:
        return str(best), best.encoding
    raise InputError.single(file, "cannot decode the file as UTF-8 or GBK; save it as UTF-8 CSV")


def _cell_str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def read_csv(path: str | Path) -> RawTable:
    """Read a CSV file as strings (encoding detected, blank lines skipped)."""
    p = Path(path)
    fname = str(path)
    data = p.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputError.single(fname, "the file contains NUL bytes: it is UTF-16 text or "
                                "not a text file; save it as CSV (UTF-8) or XLSX")
    if not data.strip():
        raise InputError.single(fname, "file is empty")
    text, _enc = decode_bytes(data, fname)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                         skipinitialspace=True, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        raise InputError.single(fname, f"not a valid CSV table: {exc}") from None
    except pd.errors.EmptyDataError:
        raise InputError.single(fname, "file is empty") from None
    df = df.fillna("").astype(str)
    keep = [any(str(v).strip() != "" for v in row) for row in df.itertuples(index=False)]
    rows = [i + 2 for i, k in enumerate(keep) if k]
    df = df.loc[keep].reset_index(drop=True)
    return RawTable(df, rows, None)


def read_xlsx(path: str | Path, schema: Schema | None = None, sheet: str | int | None = None,
              prefer: tuple[str, ...] = ()) -> RawTable:
    """Read one sheet of a workbook the way people fill them in.

    The sheet is ``sheet`` (name or 0-based index), else the first whose name is in ``prefer``,
    else the first sheet. With a ``schema``, the header is the row (among the first ten) that
    names the most schema columns, so title rows above it are skipped; without one, the first
    non-blank row. Merged cells take the value of their top-left cell; a formula cell without a
    saved value is a problem (the file was written by a program, not saved by Excel or WPS);
    fully blank rows are dropped.
    """
    import openpyxl

    fname = str(path)
    try:
        wb_v = openpyxl.load_workbook(path, data_only=True)
        wb_f = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl/zipfile raise many types for broken files
        raise InputError.single(fname, f"cannot read the workbook (damaged or not an XLSX "
                                f"file): {type(exc).__name__}: {exc}") from None
    names = wb_v.sheetnames
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError.single(fname, f"no sheet number {sheet + 1}; sheets: "
                                    f"{', '.join(names)}")
        name = names[sheet]
    elif sheet is not None:
        if sheet not in names:
            raise InputError.single(fname, f"no sheet {sheet!r}; sheets: {', '.join(names)}")
        name = sheet
    else:
        name = next((n for n in names if n in prefer), names[0])
    ws_v, ws_f = wb_v[name], wb_f[name]
    grid = [list(row) for row in ws_v.iter_rows(values_only=True)]
    if not grid or all(all(_cell_str(c) == "" for c in r) for r in grid):
        raise InputError.single(fname, "the sheet is empty", sheet=name)
    ncol = max(len(r) for r in grid)
    grid = [list(r) + [None] * (ncol - len(r)) for r in grid]
    for rng in ws_v.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[r - 1][c - 1] = top
    pc = ProblemCollector(fname)
    for r_idx, row in enumerate(ws_f.iter_rows()):
        for cell in row:
            v = cell.value
            if isinstance(v, str) and v.startswith("=") and cell.data_type == "f":
                if grid[r_idx][cell.column - 1] is None:
                    pc.add(f"formula {v!r} has no saved value; open the file in Excel or WPS "
                           "and save it, or paste the values", row=r_idx + 1,
                           column=cell.column_letter, sheet=name)
    nonblank = [i for i, r in enumerate(grid) if any(_cell_str(c) != "" for c in r)]
    best = nonblank[0]
    if schema is not None:
        best_n = -1
        for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
            n = sum(1 for c in row if schema.canonical(_cell_str(c)) is not None)
            if n > best_n:
                best, best_n = i, n
        if best_n == 0:
            best = nonblank[0]
    header = [_cell_str(c) for c in grid[best]]
    seen: set[str] = set()
    cols = []
    for j, h in enumerate(header):     # a header repeated by a horizontal merge: first only
        key = _norm_header(h)
        if h == "" or key in seen:
            cols.append(f"_col{j + 1}")
        else:
            seen.add(key)
            cols.append(h)
    data, rows = [], []
    for i in range(best + 1, len(grid)):
        vals = [_cell_str(c) for c in grid[i]]
        if all(v == "" for v in vals):
            continue
        data.append(vals)
        rows.append(i + 1)
    pc.problems = [p for p in pc.problems if p.row is None or p.row - 1 >= best]
    pc.raise_if_any()
    frame = pd.DataFrame(data, columns=cols, dtype=str)
    frame = frame[[c for c in cols if not c.startswith("_col")]]
    return RawTable(frame, rows, name)


def read_gis(path: str | Path, layer: str | None = None) -> RawTable:
    """Read a GeoJSON / GeoPackage / Shapefile layer; attributes as strings, geometry in
    WGS84 (EPSG:4326; a layer in another CRS is reprojected; CGCS2000 is taken as is)."""
    import geopandas as gpd
    import pyogrio

    p = Path(path)
    fname = str(path)
    try:
        layers = [n for n, _g in pyogrio.list_layers(p)]
        name = layer or layers[0]
        if name not in layers:
            raise InputError.single(fname, f"no layer {name!r}; layers: {', '.join(layers)}")
        gdf = gpd.read_file(p, layer=name)
    except InputError:
        raise
    except Exception as exc:
        raise InputError.single(fname, f"cannot read the GIS file: {exc}") from None
    if len(gdf) == 0:
        raise InputError.single(fname, "the layer has no features", sheet=name)
    if gdf.crs is not None and gdf.crs.to_epsg() not in (4326, 4490):
        gdf = gdf.to_crs(4326)
    attrs = gdf.drop(columns=gdf.geometry.name)
    frame = pd.DataFrame({c: [_cell_str(v) if not (isinstance(v, float) and math.isnan(v))
                              else "" for v in attrs[c].tolist()] for c in attrs.columns},
                         dtype=str)
    sheet = name if p.suffix.lower() == ".gpkg" else None
    return RawTable(frame, list(range(1, len(gdf) + 1)), sheet, list(gdf.geometry))


def read_any(path: str | Path, schema: Schema | None = None, sheet: str | int | None = None,
             prefer: tuple[str, ...] = ()) -> RawTable:
    """Read a user file (CSV, XLSX, GeoJSON, GeoPackage, Shapefile) into a :class:`RawTable`.

    ``schema`` helps find the header row of a workbook; ``sheet`` names the sheet (XLSX) or
    layer (GIS); ``prefer`` lists sheet names to take before the first sheet.
    """
    p = Path(path)
    fname = str(path)
    if not p.exists():
        raise InputError.single(fname, "file not found")
    suffix = p.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(p, schema, sheet, prefer)
    if suffix in GIS_SUFFIXES:
        return read_gis(p, None if sheet is None else str(sheet))
    if suffix == ".xls":
        raise InputError.single(fname, "old .xls workbooks are not read; save as .xlsx")
    return read_csv(p)


def read_raw(path: str | Path, sheet: str | int | None = None, *,
             schema: Schema | None = None, prefer: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a user file into an all-string DataFrame, without interpretation.

    The row number a user sees for each data row is in ``frame.attrs["rows"]`` (and the
    sheet in ``frame.attrs["sheet"]``); :func:`parse_frame` uses them in problems. Point
    features of a GIS file give ``lon``/``lat`` columns.
    """
    raw = read_any(path, schema, sheet, prefer)
    frame = raw.frame.copy()
    if raw.geometry is not None and all(g is not None and g.geom_type == "Point"
                                        for g in raw.geometry):
        frame["lon"] = [repr(g.x) for g in raw.geometry]
        frame["lat"] = [repr(g.y) for g in raw.geometry]
    frame.attrs["rows"] = list(raw.rows)
    frame.attrs["sheet"] = raw.sheet
    return frame


def read_table(path: str | Path, schema: Schema, sheet: str | int | None = None, *,
               tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """Read a user table and check it against ``schema``; collect every problem.

    Returns a DataFrame with canonical column names and parsed types. Raises InputError
    listing all problems (missing columns, non-numeric or out-of-range values, bad CAS numbers,
    blank required cells) with file, row and column.
    """
    return parse_frame(read_raw(path, sheet, schema=schema), schema, str(path), tz=tz)


# ----------------------------------------------------------------------------- cells

class CellError(ValueError):
    """A cell's value is not acceptable; the message is the reason shown to the user."""


CellParser = Callable[[str, Column, dict], Any]
_PARSERS: dict[str, CellParser] = {}


def register_kind(kind: str, parser: CellParser) -> None:
    """Add a cell kind: ``parser(text, column, context) -> value`` raises :class:`CellError`
    with the reason for a bad cell (``context`` holds ``tz``)."""
    _PARSERS[kind] = parser


def is_blank(v) -> bool:
    """True for None, NaN, empty text and the words nan / NA / n/a."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return True
    s = str(v).strip()
    return s == "" or s.lower() in BLANK_WORDS


_NUM_RE = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?$", re.I)


def parse_number(s: str) -> float | None:
    """A finite number from text (thousands separators allowed), or ``None``."""
    t = str(s).strip()
    if _NUM_RE.match(t):
        t = t.replace(",", "")
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


@lru_cache(maxsize=1)
def _limits() -> dict[str, float]:
    from ehrisk.refdata import load_table

    df = load_table(CHECKS_TABLE, numeric=["value"])
    return dict(zip(df["key"], df["value"], strict=True))


def _number(s: str, c: Column, ctx: dict):
    v = parse_number(s)
    if v is None:
        raise CellError(f"not a number: {s!r}")
    if c.min_value is not None and v < c.min_value:
        raise CellError(("negative value: " if c.min_value == 0 else
                         f"value below {c.min_value:g}: ") + s)
    if c.max_value is not None and v > c.max_value:
        raise CellError(f"value above {c.max_value:g}: {s}")
    if c.limit is not None and v > _limits()[c.limit]:
        raise CellError(f"implausible value {s} (more than {_limits()[c.limit]:g}); "
                        "a unit error?")
    if c.kind == "int":
        if v != int(v):
            raise CellError(f"not a whole number: {s!r}")
        return int(v)
    return v


def _cas(s: str, c: Column, ctx: dict):
    if not cas_check_digit_ok(s):
        raise CellError(f"not a valid CAS number (NNNNNNN-NN-N with check digit): {s!r}")
    return s


def _substance(s: str, c: Column, ctx: dict):
    from ehrisk.refdata import chemicals as chem

    try:
        return str(chem.resolve_cas(s))
    except chem.UnknownChemicalError as exc:
        hint = ""
        if re.match(r"^\d+-\d\d-\d$", s) and not cas_check_digit_ok(s):
            hint = " (the CAS check digit is wrong)"
        raise CellError(f"unknown substance {s!r}{hint}" + (
            "; did you mean: " + ", ".join(f"{n} ({cas})" for n, cas in exc.suggestions)
            if exc.suggestions else "; see `ehrisk chem search`")) from None


def _bool(s: str, c: Column, ctx: dict):
    key = s.lower()
    if key not in BOOL_WORDS:
        raise CellError(f"not yes/no: {s!r}; use 是/否, true/false, 有/无 or 1/0")
    return BOOL_WORDS[key]


def _date(s: str, c: Column, ctx: dict):
    try:
        return pd.Timestamp(s).date()
    except (ValueError, TypeError):
        raise CellError(f"not a date: {s!r} (use YYYY-MM-DD)") from None


def _datetime(s: str, c: Column, ctx: dict):
    try:
        ts = pd.Timestamp(s)
        if ts.tzinfo is None:
            ts = ts.tz_localize(ctx.get("tz") or "Asia/Shanghai")
        return ts.tz_convert("UTC").tz_localize(None).to_pydatetime()
    except (ValueError, TypeError) as exc:
        raise CellError(f"not a date and time: {s!r} ({exc})") from None


def _text(s: str, c: Column, ctx: dict):
    if c.choices is None:
        return s
    if isinstance(c.choices, Mapping):
        code = c.choices.get(s.lower())
        if code is None:
            codes = sorted(set(c.choices.values()))
            raise CellError(f"unknown value {s!r}; expected one of: {', '.join(codes)} "
                            f"({c.help_zh or 'see the template'})")
        return code
    if s.lower() not in {x.lower() for x in c.choices}:
        raise CellError(f"unknown value {s!r}; expected one of: {', '.join(c.choices)}")
    return s


for _k, _f in {"float": _number, "int": _number, "cas": _cas, "substance": _substance,
               "bool": _bool, "date": _date, "datetime": _datetime, "str": _text,
               "choice": _text}.items():
    register_kind(_k, _f)


def parse_cell(s: str, c: Column, tz: str = "Asia/Shanghai"):
    """Parse one non-blank cell of column ``c``; raises :class:`CellError` with the reason."""
    s = str(s).strip()
    if s in c.keep:
        return s
    try:
        parser = _PARSERS[c.kind]
    except KeyError:
        raise ValueError(f"column {c.name!r}: unknown cell kind {c.kind!r}") from None
    return parser(s, c, {"tz": tz})


def _canonical_frame(raw: pd.DataFrame, schema: Schema, pc: ProblemCollector,
                     sheet: str | None) -> pd.DataFrame:
    rename: dict[str, str] = {}
    for h in raw.columns:
        canon = schema.canonical(str(h))
        if canon is not None:
            if canon in rename.values():
                pc.add(f"column given twice (as {h!r})", column=str(h), sheet=sheet)
            rename[h] = canon
    df = raw.rename(columns=rename)
    for c in schema.columns:
        if c.required and c.name not in df.columns:
            expected = " or ".join(repr(a) for a in c.headers)
            pc.add(f"required column missing (expected {expected}); found columns: "
                   f"{', '.join(map(str, raw.columns))}", column=c.label, sheet=sheet)
    pc.raise_if_any()
    if len(df) == 0:
        pc.add("the table has a header but no data rows", sheet=sheet)
        pc.raise_if_any()
    return df


def _rows_of(raw: pd.DataFrame, rows: Sequence[int] | None) -> list[int]:
    if rows is None:
        rows = raw.attrs.get("rows")
    if rows is None or len(rows) != len(raw):
        rows = range(2, len(raw) + 2)
    return [int(r) for r in rows]


def parse_records(raw: pd.DataFrame, schema: Schema, fname: str, *,
                  rows: Sequence[int] | None = None, sheet: str | None = None,
                  tz: str = "Asia/Shanghai", pc: ProblemCollector | None = None
                  ) -> tuple[list[dict], list[int]]:
    """Check an all-string frame against ``schema`` and parse every cell.

    Parameters
    ----------
    raw : DataFrame
        Strings as read (headers as in the file).
    schema : Schema
        The columns expected.
    fname : str
        File name for problems.
    rows, sheet : optional
        Row numbers a user sees (default ``raw.attrs["rows"]`` or 2, 3, ...) and the sheet.
    tz : str
        Time zone of date-times written without one.
    pc : ProblemCollector or None
        Cell problems are added here (the caller raises, after its own row checks); without
        one they are raised at the end. Missing or repeated columns and an empty table are
        raised at once.

    Returns
    -------
    (list of dict, list of int)
        One record per row with the schema's columns present in the file (canonical names,
        parsed values; ``None`` for a blank or bad cell), and the row numbers.
    """
    sheet = sheet if sheet is not None else raw.attrs.get("sheet")
    row_nums = _rows_of(raw, rows)
    own = pc is None
    pc = pc if pc is not None else ProblemCollector(fname)
    df = _canonical_frame(raw, schema, ProblemCollector(fname), sheet)
    recs: list[dict] = [{} for _ in range(len(df))]
    for c in schema.columns:
        if c.name not in df.columns:
            continue
        seen: dict = {}   # cell text -> parsed value or CellError (parsers are pure)
        for i, cell in enumerate(df[c.name].tolist()):
            if is_blank(cell):
                if not c.allow_blank:
                    pc.add("value is blank (required)", row=row_nums[i], column=c.label,
                           sheet=sheet)
                recs[i][c.name] = None
                continue
            key = cell if isinstance(cell, str) else None
            got = seen.get(key) if key is not None else None
            if got is None:
                try:
                    got = parse_cell(cell, c, tz)
                except CellError as exc:
                    got = exc
                if key is not None and got is not None:
                    seen[key] = got
            if isinstance(got, CellError):
                pc.add(str(got), row=row_nums[i], column=c.label, sheet=sheet)
                recs[i][c.name] = None
            else:
                recs[i][c.name] = got
    if own:
        pc.raise_if_any()
    return recs, row_nums


def parse_frame(raw: pd.DataFrame, schema: Schema, fname: str, *,
                tz: str = "Asia/Shanghai") -> pd.DataFrame:
    """Check and parse an all-string frame against ``schema`` (see :func:`read_table`).

    Returns the frame with canonical column names (other columns kept as read), parsed
    values, NaN for blank numbers and "" for other blanks; ``attrs["rows"]`` holds the row
    numbers. Raises InputError with every problem.
    """
    recs, row_nums = parse_records(raw, schema, fname, tz=tz)
    out = _canonical_frame(raw, schema, ProblemCollector(fname), None).copy()
    for c in schema.columns:
        if c.name not in out.columns:
            continue
        blank = math.nan if c.kind in ("float", "int") else ""
        out[c.name] = [blank if r[c.name] is None else r[c.name] for r in recs]
    out.attrs["rows"] = row_nums
    out.attrs["sheet"] = raw.attrs.get("sheet")
    return out
