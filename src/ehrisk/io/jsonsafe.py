"""The one JSON encoder of ehrisk: numpy, pandas, dates, paths and non-finite numbers made
JSON-safe in one place.

* :func:`plain` - one scalar as a plain JSON value (numpy scalars to Python, NaN/inf/NaT/NA to
  ``None``, dates and times to ISO 8601 text, paths to text);
* :func:`clean` - :func:`plain` applied recursively through mappings, sequences, sets, numpy
  arrays, pandas Series/DataFrames (rows as records) and dataclasses;
* :func:`default` - the ``default=`` hook for :func:`json.dumps` (raises ``TypeError`` for what
  it cannot encode, as ``json`` expects);
* :func:`dumps` - ``json.dumps`` of :func:`clean` output, UTF-8 text (``ensure_ascii=False``),
  never writing ``NaN`` or ``Infinity``.

Everything that writes JSON (CLI ``--json`` output, result files, the database's JSON columns,
the change history) goes through here, so a value reads the same everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["clean", "default", "dumps", "plain"]


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    if isinstance(v, np.datetime64 | np.timedelta64):
        return bool(np.isnat(v))
    return False


def plain(v: Any) -> Any:
    """One scalar as a plain JSON value.

    numpy booleans/integers/floats become Python ``bool``/``int``/``float``; non-finite numbers,
    ``None``, ``NaT`` and ``pd.NA`` become ``None``; ``datetime``/``date``/``time`` (and pandas
    Timestamps, numpy datetime64) become ISO 8601 text; ``timedelta`` its seconds; paths text;
    ``Decimal`` a float; an ``Enum`` its value. Anything else is returned unchanged.
    """
    if _is_missing(v):
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating | Decimal):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, str):
        return v
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).isoformat()
    if isinstance(v, dt.datetime | dt.date | dt.time):   # pd.Timestamp is a datetime
        return v.isoformat()
    if isinstance(v, dt.timedelta | np.timedelta64):
        return pd.Timedelta(v).total_seconds()
    if isinstance(v, PurePath):
        return str(v)
    if isinstance(v, enum.Enum):
        return plain(v.value)
    return v


def clean(o: Any) -> Any:
    """Recursively JSON-safe: :func:`plain` through mappings (keys as text), lists, tuples,
    sets (sorted when possible), numpy arrays, pandas Series (as lists), DataFrames (as a list
    of row records) and dataclass instances (as dicts)."""
    t = type(o)
    if t is str or t is int or t is bool or o is None:   # the common case, first
        return o
    if t is float:
        return o if math.isfinite(o) else None
    if t is dict:
        return {(k if type(k) is str else str(plain(k))): clean(v) for k, v in o.items()}
    if isinstance(o, Mapping):
        return {str(plain(k)): clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [clean(v) for v in o]
    if isinstance(o, set | frozenset):
        items = [clean(v) for v in o]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(o, np.ndarray):
        return clean(o.tolist())
    if isinstance(o, pd.DataFrame):
        return clean(o.to_dict(orient="records"))
    if isinstance(o, pd.Series | pd.Index):
        return clean(o.tolist())
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return clean(dataclasses.asdict(o))
    return plain(o)


def default(o: Any) -> Any:
    """``default=`` hook for :func:`json.dumps`: the JSON-safe form of ``o``; ``TypeError`` if
    there is none."""
    c = clean(o)
    if c is o:
        raise TypeError(f"not JSON serialisable: {type(o).__name__}")
    return c


def _text_default(o: Any) -> Any:
    c = clean(o)
    return str(o) if c is o else c


def dumps(obj: Any, *, indent: int | None = None, sort_keys: bool = False,
          unknown_as_text: bool = False) -> str:
    """``obj`` as JSON text: UTF-8 characters kept (``ensure_ascii=False``), NaN and infinities
    as ``null``, numpy/pandas/date values as by :func:`clean`.

    Parameters
    ----------
    obj : any
        What to encode.
    indent : int or None
        Pretty-printing indent (``None``: one line).
    sort_keys : bool
        Sort mapping keys (stable text, e.g. for hashing or natural keys).
    unknown_as_text : bool
        Encode objects :func:`clean` does not know as ``str(o)`` instead of raising
        ``TypeError``.
    """
    return json.dumps(clean(obj), ensure_ascii=False, indent=indent, sort_keys=sort_keys,
                      allow_nan=False, default=_text_default if unknown_as_text else default)
