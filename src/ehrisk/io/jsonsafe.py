"""JSON-safe values: numpy scalars to Python, NaN and infinities to None (one place)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def plain(v: Any) -> Any:
    """A numpy/Python scalar as a plain JSON value (non-finite floats -> None)."""
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else None
    return v


def clean(o: Any) -> Any:
    """Recursively apply :func:`plain` through dicts, lists and tuples (keys as str)."""
    if isinstance(o, dict):
        return {str(k): clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    return plain(o)
