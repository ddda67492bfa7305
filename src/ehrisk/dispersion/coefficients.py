"""Access to the packaged table ``dispersion_coefficients`` (every row with its source).

All numbers the dispersion package uses (sigma fits, plume-rise constants, Turner key, STAR
speed classes, calm threshold, ...) are read from this table; nothing is hard-coded.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ehrisk.refdata import RefdataError, load_table

TABLE = "dispersion_coefficients"
STABILITY_CLASSES = ("A", "B", "C", "D", "E", "F")


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    """The whole coefficient table (numeric columns parsed)."""
    return load_table(TABLE, numeric=["x_min_km", "x_max_km", "a", "b", "c", "value"])


def rows(group: str) -> pd.DataFrame:
    """Rows of one group; raises RefdataError naming the known groups."""
    df = table()
    sel = df[df["group"] == group]
    if sel.empty:
        raise RefdataError(f"{TABLE}: no group {group!r}; groups: {', '.join(sorted(set(df['group'])))}")
    return sel


def value(group: str, key: str, stability: str = "") -> float:
    """One scalar ``value`` of ``group``/``key`` (optionally for one stability class)."""
    sel = rows(group)
    sel = sel[(sel["key"] == key) & (sel["stability"] == stability)]
    if len(sel) != 1:
        raise RefdataError(f"{TABLE}: expected one row for {group}/{key}/{stability or '-'}, "
                           f"found {len(sel)}")
    return float(sel["value"].iloc[0])


def stability_index(stability) -> np.ndarray:
    """Class letters ('A'..'F', any case) or indices 0..5 -> integer indices 0..5.

    Raises ValueError naming a bad class.
    """
    arr = np.asarray(stability)
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < 0 or arr.max() > 5):
            raise ValueError("stability index must be 0..5 (A..F)")
        return arr.astype(np.int64)
    flat = [str(s).strip().upper() for s in arr.ravel()]
    bad = sorted({s for s in flat if s not in STABILITY_CLASSES})
    if bad:
        raise ValueError(f"unknown stability class {', '.join(bad)}; expected one of A-F")
    return np.array([STABILITY_CLASSES.index(s) for s in flat], dtype=np.int64).reshape(arr.shape)
