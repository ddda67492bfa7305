"""Encoding of run artefacts: tables as Parquet bytes, arrays as ``.npz`` files.

Tables
    A DataFrame is stored as Parquet (pyarrow) with pandas' own metadata, so dtypes round-trip:
    integers stay integers, floats floats (NaN kept), strings (Chinese too), booleans,
    datetimes (with their time zone), categoricals, nullable integers and the index. A
    GeoDataFrame is stored as GeoParquet (geometry as WKB with its CRS) and comes back as a
    GeoDataFrame. An object column that Arrow cannot type (mixed ints and text, dicts of
    varying shape) is stored as JSON text per cell and decoded on reading; its name is kept in
    the artefact's metadata (``json_columns``).

Arrays
    ``{name: ndarray or scipy.sparse matrix/array}`` in one uncompressed ``.npz`` without
    pickles: dense arrays as they are; sparse ones by their CSR/CSC/COO parts, rebuilt as the
    same class (``csr_matrix`` stays ``csr_matrix``, ``csr_array`` stays ``csr_array``; other
    sparse formats come back as CSR). A manifest inside the file lists every array.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

TABLE_FORMAT = "parquet"
MANIFEST = "__manifest__"
_SPARSE_PARTS = {"csr": ("data", "indices", "indptr"), "csc": ("data", "indices", "indptr"),
                 "coo": ("data", "row", "col")}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------- tables

def _arrow_ok(s: pd.Series) -> bool:
    import pyarrow as pa

    try:
        pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError,
            ValueError):
        return False
    return True


def encode_table(df: pd.DataFrame) -> tuple[bytes, dict]:
    """``df`` as Parquet bytes and the facts to keep with it.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame
        The table; column names must be unique text.

    Returns
    -------
    data : bytes
        Parquet (GeoParquet for a GeoDataFrame).
    meta : dict
        ``rows``, ``columns``, ``dtypes``, ``geometry`` (column and CRS, or None) and
        ``json_columns``.

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame, or a column name is not text.
    ValueError
        Column names repeat.
    """
    import geopandas as gpd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"a result table must be a pandas DataFrame, not {type(df).__name__}")
    bad = [c for c in df.columns if not isinstance(c, str)]
    if bad:
        raise TypeError(f"column names of a result table must be text, not {bad[:5]}")
    dup = sorted({c for c in df.columns[df.columns.duplicated()]})
    if dup:
        raise ValueError(f"a result table has repeated columns: {dup}")
    is_geo = isinstance(df, gpd.GeoDataFrame) and df._geometry_column_name in df.columns
    geo_cols = [c for c in df.columns if isinstance(df[c].dtype, gpd.array.GeometryDtype)] \
        if is_geo else []
    json_cols = [c for c in df.columns if c not in geo_cols and df[c].dtype == object
                 and not _arrow_ok(df[c])]
    out = df
    if json_cols:
        from ehrisk.io.jsonsafe import dumps

        out = df.copy()
        for c in json_cols:
            out[c] = [None if v is None else dumps(v, unknown_as_text=True, sort_keys=True)
                      for v in df[c]]
    buf = io.BytesIO()
    if is_geo:
        out.to_parquet(buf)
    else:
        pd.DataFrame(out).to_parquet(buf, engine="pyarrow")
    geometry = None
    if is_geo:
        geometry = {"column": df.geometry.name,
                    "crs": None if df.crs is None else df.crs.to_string()}
    meta = {"format": TABLE_FORMAT, "rows": int(len(df)), "columns": [str(c) for c in df.columns],
            "dtypes": {str(c): str(t) for c, t in df.dtypes.items()}, "geometry": geometry,
            "json_columns": json_cols}
    return buf.getvalue(), meta


def decode_table(data: bytes, meta: dict | None = None) -> pd.DataFrame:
    """The DataFrame (GeoDataFrame where it had geometry) from :func:`encode_table` bytes."""
    import pyarrow.parquet as pq

    buf = io.BytesIO(data)
    schema_meta = pq.read_schema(buf).metadata or {}
    buf.seek(0)
    if b"geo" in schema_meta:
        import geopandas as gpd

        df = gpd.read_parquet(buf)
    else:
        df = pd.read_parquet(buf, engine="pyarrow")
    for c in (meta or {}).get("json_columns") or []:
        df[c] = [None if v is None else json.loads(v) for v in df[c]]
    return df


# ---------------------------------------------------------------------------------- arrays

def write_arrays(path: Path, arrays: dict) -> None:
    """Write ``arrays`` (name -> ndarray or scipy.sparse) to ``path`` (an ``.npz``).

    Raises
    ------
    TypeError
        A value is neither a numpy array nor a scipy.sparse matrix, or has object dtype.
    """
    import scipy.sparse as sp

    if not isinstance(arrays, dict) or not arrays:
        raise TypeError("arrays must be a non-empty dict {name: ndarray or scipy.sparse}")
    parts: dict[str, np.ndarray] = {}
    manifest = []
    for i, (name, a) in enumerate(arrays.items()):
        key = f"a{i}"
        if sp.issparse(a):
            fmt = a.format if a.format in _SPARSE_PARTS else "csr"
            m = a if a.format == fmt else a.asformat(fmt)
            is_array = isinstance(a, sp.sparray)
            entry = {"name": str(name), "key": key, "kind": "sparse", "format": fmt,
                     "array": bool(is_array), "shape": [int(n) for n in m.shape],
                     "converted_from": None if a.format == fmt else a.format}
            for p in _SPARSE_PARTS[fmt]:
                v = getattr(m, p) if p not in ("row", "col") else getattr(m.tocoo(), p)
                parts[f"{key}_{p}"] = np.asarray(v)
        elif isinstance(a, np.ndarray):
            if a.dtype == object:
                raise TypeError(f"array {name!r} has object dtype; store numbers or text")
            entry = {"name": str(name), "key": key, "kind": "dense"}
            parts[key] = a
        else:
            raise TypeError(f"array {name!r} is a {type(a).__name__}, not a numpy array or a "
                            "scipy.sparse matrix")
        manifest.append(entry)
    for p in parts.values():
        if p.dtype == object:
            raise TypeError("sparse arrays with object dtype cannot be stored")
    parts[MANIFEST] = np.array(json.dumps(manifest))
    with open(path, "wb") as f:
        np.savez(f, **parts)


def read_arrays(path: Path) -> dict:
    """The ``{name: array}`` dict written by :func:`write_arrays`."""
    import scipy.sparse as sp

    out: dict = {}
    with np.load(path, allow_pickle=False) as z:
        manifest = json.loads(str(z[MANIFEST]))
        for e in manifest:
            k = e["key"]
            if e["kind"] == "dense":
                out[e["name"]] = z[k]
                continue
            shape = tuple(e["shape"])
            fmt = e["format"]
            if fmt == "coo":
                cls = sp.coo_array if e["array"] else sp.coo_matrix
                out[e["name"]] = cls((z[f"{k}_data"], (z[f"{k}_row"], z[f"{k}_col"])),
                                     shape=shape)
            else:
                cls = {("csr", True): sp.csr_array, ("csr", False): sp.csr_matrix,
                       ("csc", True): sp.csc_array, ("csc", False): sp.csc_matrix}[
                    (fmt, bool(e["array"]))]
                out[e["name"]] = cls((z[f"{k}_data"], z[f"{k}_indices"], z[f"{k}_indptr"]),
                                     shape=shape)
    return out
