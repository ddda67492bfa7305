"""Receptor sets: a regular grid in a metric projection and discrete receptors.

The metric projection of a study is chosen once, by :func:`ehrisk.geo.metric_crs_for`
(``GeoSeries.estimate_utm_crs``); lon/lat <-> metric transforms are :mod:`ehrisk.geo`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.dispersion.coefficients import value

DEFAULT_RESOLUTION_M = 250.0


def default_cutoff_m() -> float:
    """Default cut-off distance [m] (table ``plume/cutoff_distance_m``, 50 km)."""
    return value("plume", "cutoff_distance_m")


def regular_grid(x_min_m: float, y_min_m: float, x_max_m: float, y_max_m: float,
                 resolution_m: float = DEFAULT_RESOLUTION_M, z_m: float = 0.0) -> pd.DataFrame:
    """Cell-centre receptors of a regular grid [m] covering the box (row-major, south to north).

    Returns a frame ``receptor_id, x_m, y_m, z_m, row, col``.
    """
    if resolution_m <= 0:
        raise ValueError("resolution must be > 0 m")
    xs = np.arange(x_min_m + resolution_m / 2, x_max_m, resolution_m)
    ys = np.arange(y_min_m + resolution_m / 2, y_max_m, resolution_m)
    gx, gy = np.meshgrid(xs, ys)
    rr, cc = np.meshgrid(np.arange(len(ys)), np.arange(len(xs)), indexing="ij")
    return pd.DataFrame({"receptor_id": [f"G{r}_{c}" for r, c in zip(rr.ravel(), cc.ravel(),
                                                                        strict=True)],
                         "x_m": gx.ravel(), "y_m": gy.ravel(), "z_m": z_m,
                         "row": rr.ravel(), "col": cc.ravel()})


def discrete(df: pd.DataFrame, id_col: str = "receptor_id") -> pd.DataFrame:
    """Discrete (sensitive) receptors with x_m, y_m (and optional z_m) as a receptor frame."""
    return pd.DataFrame({"receptor_id": df[id_col].astype(str), "x_m": df["x_m"].astype(float),
                         "y_m": df["y_m"].astype(float),
                         "z_m": df["z_m"].astype(float) if "z_m" in df else 0.0})
