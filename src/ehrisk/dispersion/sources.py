"""Source tables for the plume: stacks, and area / volume sources as sets of virtual points.

A source frame has columns ``source_id, x_m, y_m, height_m, diameter_m, exit_velocity_m_s,
exit_temp_k, emission_g_s, sigma_y0_m, sigma_z0_m, no_rise`` (metric projection). Virtual
points carry initial sigmas that are added in quadrature to the ambient sigmas and no plume
rise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.dispersion.coefficients import value

COLUMNS = ["source_id", "x_m", "y_m", "height_m", "diameter_m", "exit_velocity_m_s",
           "exit_temp_k", "emission_g_s", "sigma_y0_m", "sigma_z0_m", "no_rise"]


def stacks(df: pd.DataFrame) -> pd.DataFrame:
    """Point sources (stacks) in the standard columns; ``emission_g_s`` defaults to 1 (unit
    emission) when absent."""
    out = pd.DataFrame({
        "source_id": df["stack_id"] if "stack_id" in df else df.get("source_id", df.index),
        "x_m": df["x_m"].astype(float), "y_m": df["y_m"].astype(float),
        "height_m": df["height_m"].astype(float), "diameter_m": df["diameter_m"].astype(float),
        "exit_velocity_m_s": df["exit_velocity_m_s"].astype(float),
        "exit_temp_k": df["exit_temp_k"].astype(float),
        "emission_g_s": df["emission_g_s"].astype(float) if "emission_g_s" in df else 1.0,
    })
    out["sigma_y0_m"] = 0.0
    out["sigma_z0_m"] = 0.0
    out["no_rise"] = False
    return out[COLUMNS].reset_index(drop=True)


def volume_source(source_id: str, x_m: float, y_m: float, release_height_m: float,
                  side_m: float, vertical_dim_m: float, emission_g_s: float,
                  surface_based: bool = True) -> pd.DataFrame:
    """One volume source as a virtual point with initial dimensions.

    sigma_y0 = side / 4.3; sigma_z0 = vertical dimension / 2.15 (surface-based) or / 4.3
    (elevated). The initial sigmas are added in quadrature to the ambient sigmas (a documented
    simplification of ISC3's virtual-distance method).

    Parameters
    ----------
    x_m, y_m : float
        Centre [m].
    release_height_m : float
        Release height [m].
    side_m : float
        Horizontal side length [m].
    vertical_dim_m : float
        Vertical dimension [m].
    emission_g_s : float
        [g/s].
    surface_based : bool

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 1.2.2 and its table of initial
    dimensions (group ``volume_source``).
    """
    sy0 = side_m / value("volume_source", "sigma_y0_single_divisor")
    key = "sigma_z0_surface_divisor" if surface_based else "sigma_z0_elevated_divisor"
    sz0 = vertical_dim_m / value("volume_source", key)
    return pd.DataFrame([dict(source_id=source_id, x_m=x_m, y_m=y_m, height_m=release_height_m,
                              diameter_m=0.0, exit_velocity_m_s=0.0, exit_temp_k=np.nan,
                              emission_g_s=emission_g_s, sigma_y0_m=sy0, sigma_z0_m=sz0,
                              no_rise=True)])[COLUMNS]


def area_source(source_id: str, x0_m: float, y0_m: float, width_m: float, length_m: float,
                release_height_m: float, emission_g_s: float, n_side: int = 5,
                initial_vertical_m: float = 0.0) -> pd.DataFrame:
    """A rectangular area source (park, tank farm, fugitive emissions) as n_side x n_side
    virtual points.

    The rectangle [x0, x0 + width] x [y0, y0 + length] is cut into equal cells; each cell is a
    volume source at its centre with sigma_y0 = cell side / 4.3 (the larger side) and
    sigma_z0 = ``initial_vertical_m`` / 2.15, carrying an equal share of the emission.

    Parameters
    ----------
    x0_m, y0_m : float
        South-west corner [m].
    width_m, length_m : float
        East-west and north-south extent [m].
    release_height_m : float
        [m].
    emission_g_s : float
        Total emission [g/s].
    n_side : int
        Cells per side (resolution of the approximation).
    initial_vertical_m : float
        Initial vertical extent [m].

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 1.2.2 (volume sources; line and
    area sources represented by adjacent volume sources).
    """
    if n_side < 1:
        raise ValueError("n_side must be >= 1")
    dx = width_m / n_side
    dy = length_m / n_side
    xc = x0_m + dx * (np.arange(n_side) + 0.5)
    yc = y0_m + dy * (np.arange(n_side) + 0.5)
    gx, gy = np.meshgrid(xc, yc)
    parts = [volume_source(f"{source_id}-{i:03d}", float(x), float(y), release_height_m,
                           max(dx, dy), initial_vertical_m, emission_g_s / n_side ** 2)
             for i, (x, y) in enumerate(zip(gx.ravel(), gy.ravel(), strict=True))]
    return pd.concat(parts, ignore_index=True)
