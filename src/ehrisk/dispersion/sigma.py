"""Dispersion coefficients sigma_y, sigma_z [m] as functions of downwind distance and the
Pasquill-Gifford stability class (A-F). Functions are named after their source.

- :func:`briggs_rural`, :func:`briggs_urban`: Briggs (1973) fits as tabulated by Gifford (1976).
- :func:`pasquill_gifford`: the Pasquill-Gifford curves as fitted in the ISC3 user's guide.
"""

from __future__ import annotations

import numpy as np

from ehrisk import units
from ehrisk.dispersion.coefficients import STABILITY_CLASSES, rows, stability_index, value


def briggs_coefficients(terrain: str) -> np.ndarray:
    """Briggs coefficients as an array (6 classes x 6): ay, by, cy, az, bz, cz, where
    sigma = a x (1 + b x)^c with x [m].

    Parameters
    ----------
    terrain : {"rural", "urban"}
    """
    if terrain not in ("rural", "urban"):
        raise ValueError(f"terrain must be 'rural' or 'urban', not {terrain!r}")
    df = rows(f"sigma_briggs_{terrain}")
    out = np.empty((6, 6))
    for i, st in enumerate(STABILITY_CLASSES):
        for j, key in enumerate(("sigma_y", "sigma_z")):
            r = df[(df["stability"] == st) & (df["key"] == key)].iloc[0]
            out[i, 3 * j:3 * j + 3] = (r["a"], r["b"], r["c"])
    return out


def _briggs(x_m, stability, terrain):
    x = np.asarray(x_m, dtype=float)
    k = stability_index(stability)
    c = briggs_coefficients(terrain)[k]
    c = np.broadcast_to(c, np.broadcast_shapes(x.shape + (6,), c.shape))
    sy = c[..., 0] * x * (1.0 + c[..., 1] * x) ** c[..., 2]
    sz = c[..., 3] * x * (1.0 + c[..., 4] * x) ** c[..., 5]
    return sy, sz


def briggs_rural(x_m, stability):
    """Briggs open-country dispersion coefficients.

    sigma = a x (1 + b x)^c, with a, b, c per class from table ``dispersion_coefficients``
    (group ``sigma_briggs_rural``).

    Parameters
    ----------
    x_m : array_like
        Downwind distance [m] (fits stated for 100 m to 10 km; used beyond, as ISC3 does).
    stability : str or array_like
        Pasquill-Gifford class 'A'..'F' (or index 0..5), broadcast with ``x_m``.

    Returns
    -------
    sigma_y_m, sigma_z_m : ndarray
        Lateral and vertical standard deviations [m].

    References
    ----------
    Briggs G.A. 1973, Diffusion estimation for small emissions, ATDL No. 79; tabulated by
    Gifford F.A. 1976, Nuclear Safety 17:68-86; Boubel et al. 1994, Fundamentals of Air
    Pollution 3rd ed., Table 19-7.
    """
    return _briggs(x_m, stability, "rural")


def briggs_urban(x_m, stability):
    """Briggs urban dispersion coefficients (McElroy-Pooler St. Louis data).

    Same form and parameters as :func:`briggs_rural`; coefficients from group
    ``sigma_briggs_urban`` (A and B share one row, E and F share one row).

    References
    ----------
    Briggs 1973 as tabulated by Gifford 1976; Boubel et al. 1994, Table 19-6; ISC3 User's Guide
    Vol. II (EPA-454/B-95-003b), section 1.1.5 (urban option).
    """
    return _briggs(x_m, stability, "urban")


def pasquill_gifford(x_m, stability):
    """Pasquill-Gifford curves as fitted in ISC3 (rural option of ISCST3).

    sigma_y = 465.11628 x tan(TH), TH = 0.017453293 (c - d ln x); sigma_z = a x^b with a, b
    piecewise in x (x in km), capped at 5000 m for A and B.

    Parameters
    ----------
    x_m : array_like
        Downwind distance [m].
    stability : str or array_like
        Class 'A'..'F' (or index 0..5).

    Returns
    -------
    sigma_y_m, sigma_z_m : ndarray
        [m].

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-33 and 1-34 with their coefficient
    tables; Boubel et al. 1994, Fundamentals of Air Pollution 3rd ed., Tables 19-4 and 19-5.
    """
    x_km = units.m_to_km(x_m)
    k = stability_index(stability)
    x_km, k = np.broadcast_arrays(x_km, k)
    py = rows("sigma_pg_y")
    fac = value("sigma_pg_y", "factor_m_per_km")
    cy = np.empty(6)
    dy = np.empty(6)
    for i, st in enumerate(STABILITY_CLASSES):
        r = py[(py["stability"] == st) & (py["key"] == "theta_deg")].iloc[0]
        cy[i], dy[i] = r["a"], r["b"]
    th = np.deg2rad(cy[k] - dy[k] * np.log(x_km))
    sy = fac * x_km * np.tan(th)
    pz = rows("sigma_pg_z")
    seg = pz[pz["key"] == "sigma_z"]
    sz = np.full(x_km.shape, np.nan)
    for i, st in enumerate(STABILITY_CLASSES):
        m_cls = k == i
        if not m_cls.any():
            continue
        cap = pz[(pz["key"] == "sigma_z_max") & (pz["stability"] == st)]
        for r in seg[seg["stability"] == st].itertuples():
            hi = np.inf if np.isnan(r.x_max_km) else r.x_max_km
            m = m_cls & (x_km >= r.x_min_km) & (x_km < hi)
            sz[m] = r.a * x_km[m] ** r.b
        if not cap.empty:
            sz[m_cls & np.isnan(sz)] = float(cap["value"].iloc[0])
            sz[m_cls] = np.minimum(sz[m_cls], float(cap["value"].iloc[0]))
    return sy, sz


SIGMA_METHODS = {"briggs_rural": briggs_rural, "briggs_urban": briggs_urban,
                 "pasquill_gifford": pasquill_gifford}
"""Registry of sigma methods by name (explicit, no guessing)."""
