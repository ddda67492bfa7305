"""Read import files into all-string frames with the row number a user sees.

CSV (UTF-8 or GBK, via :mod:`ehrisk.io.tables`), XLSX (openpyxl: title rows above the header,
merged cells, formula cells without a saved value, blank rows), GeoJSON and GeoPackage
(geometry to lon/lat or WKT, reprojected to WGS84).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ehrisk.errors import InputError, ProblemCollector
from ehrisk.io.tables import Schema, _norm_header, read_raw

GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
HEADER_SCAN_ROWS = 10


@dataclass
class RawTable:
    """Strings as read, canonical headers not yet applied.

    ``rows[i]`` is the number a user sees for data row i (spreadsheet row, or feature number
    for GIS files); ``sheet`` the sheet or layer name.
    """

    frame: pd.DataFrame
    rows: list[int]
    sheet: str | None = None
    geometry: list | None = None   # shapely geometries (GIS files), WGS84


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


def read_xlsx(path: Path, schema: Schema, sheet: str | None = None,
              prefer: tuple[str, ...] = ()) -> RawTable:
    """Read one sheet of a workbook the way people fill them in.

    The sheet is ``sheet``, else the first whose name is in ``prefer``, else the first sheet.
    The header is the row (among the first ten) that names the most schema columns, so title
    rows above it are skipped; merged cells take the value of their top-left cell; a formula
    cell without a saved value is a problem (the file was written by a program, not saved by
    Excel or WPS); fully blank rows are dropped.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    fname = str(path)
    try:
        wb_v = openpyxl.load_workbook(path, data_only=True)
        wb_f = openpyxl.load_workbook(path, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError, EOFError) as exc:
        raise InputError.single(fname, f"cannot read the workbook (damaged or not an XLSX "
                                f"file): {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise InputError.single(fname, f"cannot read the workbook (damaged or not an XLSX "
                                f"file): {type(exc).__name__}: {exc}") from None
    names = wb_v.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise InputError.single(fname, f"no sheet {sheet!r}; sheets: {', '.join(names)}")
        name = sheet
    else:
        name = next((n for n in names if n in prefer), names[0])
    ws_v, ws_f = wb_v[name], wb_f[name]
    grid = [[c for c in row] for row in ws_v.iter_rows(values_only=True)]
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
                cached = grid[r_idx][cell.column - 1]
                if cached is None:
                    pc.add(f"formula {v!r} has no saved value; open the file in Excel or WPS "
                           "and save it, or paste the values", row=r_idx + 1,
                           column=cell.column_letter, sheet=name)
    # header row: the one naming most schema columns
    best, best_n = 0, -1
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        n = sum(1 for c in row if schema.canonical(_cell_str(c)) is not None)
        if n > best_n:
            best, best_n = i, n
    header = [_cell_str(c) for c in grid[best]]
    # a header repeated by a horizontal merge keeps its first column only
    seen: set[str] = set()
    cols = []
    for j, h in enumerate(header):
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
    # formula problems in the data rows or header only
    pc.problems = [p for p in pc.problems if p.row is None or p.row - 1 >= best]
    pc.raise_if_any()
    frame = pd.DataFrame(data, columns=cols, dtype=str)
    frame = frame[[c for c in cols if not c.startswith("_col")]]
    return RawTable(frame, rows, name)


def read_gis(path: Path, layer: str | None = None) -> RawTable:
    """Read a GeoJSON / GeoPackage / Shapefile layer; attributes as strings, geometry in
    WGS84 (EPSG:4326; a layer in another CRS is reprojected; CGCS2000 is taken as is)."""
    import geopandas as gpd
    import pyogrio

    fname = str(path)
    try:
        layers = [n for n, _g in pyogrio.list_layers(path)]
        name = layer or layers[0]
        if name not in layers:
            raise InputError.single(fname, f"no layer {name!r}; layers: {', '.join(layers)}")
        gdf = gpd.read_file(path, layer=name)
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
    sheet = name if path.suffix.lower() == ".gpkg" else None
    return RawTable(frame, list(range(1, len(gdf) + 1)), sheet, list(gdf.geometry))


def read_any(path: str | Path, schema: Schema, sheet: str | None = None,
             prefer: tuple[str, ...] = ()) -> RawTable:
    """Read a CSV, XLSX, GeoJSON or GeoPackage file into a :class:`RawTable`."""
    p = Path(path)
    if not p.exists():
        raise InputError.single(str(path), "file not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p, schema, sheet, prefer)
    if suffix in GIS_SUFFIXES:
        return read_gis(p, sheet)
    if suffix == ".xls":
        raise InputError.single(str(path), "old .xls workbooks are not read; save as .xlsx")
    with p.open("rb") as fh:
        head = fh.read(4096)
    if b"\x00" in head:
        raise InputError.single(str(path), "the file contains NUL bytes: it is UTF-16 text or "
                                "not a text file; save it as CSV (UTF-8) or XLSX")
    raw = read_raw(p)
    raw = raw.fillna("").astype(str)
    return RawTable(raw, list(range(2, len(raw) + 2)), None)
