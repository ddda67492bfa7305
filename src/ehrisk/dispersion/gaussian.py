"""Gaussian plume formulas (plain numpy): vertical term with ground and mixing-lid reflections,
point-source concentration, and the plain-numpy reference field used to check the numba kernel.

Coordinates: wind blows *from* ``wind_dir_deg`` (meteorological convention, clockwise from
north); x is downwind, y crosswind. Concentrations are returned in ug/m3 for Q in g/s.
"""

from __future__ import annotations

import numpy as np

from ehrisk import units
from ehrisk.dispersion.coefficients import value
from ehrisk.dispersion.sigma import SIGMA_METHODS, briggs_coefficients


def n_lid_pairs() -> int:
    """Number of lid-reflection image pairs summed (table ``plume/lid_reflection_pairs``)."""
    return int(value("plume", "lid_reflection_pairs"))


def vertical_term(z_m, h_m, sigma_z_m, mixing_height_m=np.inf, n_pairs: int | None = None):
    """Vertical term V of the Gaussian plume (ISC3 vol. II eq. 1-50), dimensionless.

    V = exp(-(z-H)^2/2sz^2) + exp(-(z+H)^2/2sz^2) + sum_{i=1..n} [four lid images at
    z -/+ H -/+ 2 i L]; with no lid (L = inf) only the first two terms (ground reflection).
    Where sz > 1.6 L the plume is mixed uniformly: V = sqrt(2 pi) sz / L. Where H > L (plume
    above the lid) or z > L, V = 0.

    Parameters
    ----------
    z_m : array_like
        Receptor height above ground [m].
    h_m : array_like
        Effective plume height [m].
    sigma_z_m : array_like
        Vertical dispersion coefficient [m].
    mixing_height_m : array_like
        Mixing height L [m]; ``inf`` for unlimited mixing.
    n_pairs : int or None
        Image pairs for the lid; default from table ``dispersion_coefficients``.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eq. 1-50; Turner 1994, Workbook of
    Atmospheric Dispersion Estimates 2nd ed., eq. 2.9 (uniform mixing for sz > 1.6 L).
    """
    z, h, sz, L = np.broadcast_arrays(np.asarray(z_m, float), np.asarray(h_m, float),
                                      np.asarray(sigma_z_m, float),
                                      np.asarray(mixing_height_m, float))
    n = n_lid_pairs() if n_pairs is None else n_pairs
    two = 2.0 * sz * sz
    v = np.exp(-(z - h) ** 2 / two) + np.exp(-(z + h) ** 2 / two)
    finite = np.isfinite(L)
    if finite.any():
        Lf = np.where(finite, L, 0.0)
        for i in range(1, n + 1):
            d = 2.0 * i * Lf
            img = (np.exp(-(z - h - d) ** 2 / two) + np.exp(-(z + h - d) ** 2 / two)
                   + np.exp(-(z - h + d) ** 2 / two) + np.exp(-(z + h + d) ** 2 / two))
            v = v + np.where(finite, img, 0.0)
        uniform = finite & (sz > value("plume", "uniform_mixing_sigma_z_factor") * Lf)
        v = np.where(uniform, np.sqrt(2.0 * np.pi) * sz / np.where(finite, Lf, 1.0), v)
        v = np.where(finite & ((h > Lf) | (z > Lf)), 0.0, v)
    return v


def plume_conc_ug_m3(q_g_s, u_m_s, x_m, y_m, z_m, h_m, sigma_y_m, sigma_z_m,
                     mixing_height_m=np.inf):
    """Gaussian plume concentration [ug/m3] with given sigmas.

    C = Q / (2 pi u sy sz) exp(-y^2 / 2 sy^2) V, V from :func:`vertical_term`; zero for
    x <= 0 (upwind).

    Parameters
    ----------
    q_g_s : array_like
        Emission rate [g/s].
    u_m_s : array_like
        Wind speed at release height [m/s].
    x_m, y_m, z_m : array_like
        Downwind, crosswind distance and receptor height [m].
    h_m : array_like
        Effective height [m].
    sigma_y_m, sigma_z_m : array_like
        Dispersion coefficients at x [m].
    mixing_height_m : array_like
        Mixing height [m] (inf: unlimited).

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eq. 1-1; Turner 1970, Workbook of
    Atmospheric Dispersion Estimates, eq. 3.1.
    """
    x = np.asarray(x_m, float)
    sy = np.asarray(sigma_y_m, float)
    sz = np.asarray(sigma_z_m, float)
    v = vertical_term(z_m, h_m, sz, mixing_height_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (np.asarray(q_g_s, float) / (2.0 * np.pi * np.asarray(u_m_s, float) * sy * sz)
             * np.exp(-np.asarray(y_m, float) ** 2 / (2.0 * sy * sy)) * v)
    return units.g_m3_to_ug_m3(np.where(x > 0, np.nan_to_num(c), 0.0))


def point_conc_ug_m3(q_g_s, u_m_s, x_m, y_m, z_m, h_m, stability, sigma: str = "briggs_rural",
                     mixing_height_m=np.inf):
    """Concentration [ug/m3] of a point source at effective height ``h_m`` (no plume rise),
    with sigmas from the named method (``briggs_rural``, ``briggs_urban``,
    ``pasquill_gifford``). Receptors closer than the table's minimum distance get 0.

    Parameters
    ----------
    q_g_s : float
        Emission rate [g/s].
    u_m_s : float
        Wind speed at release height [m/s].
    x_m, y_m, z_m : array_like
        Downwind, crosswind, height [m].
    h_m : float
        Effective height [m].
    stability : str
        Class A-F.
    sigma : str
        Key of :data:`ehrisk.dispersion.sigma.SIGMA_METHODS`.
    mixing_height_m : float
        [m].

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1 and 1-50.
    """
    if sigma not in SIGMA_METHODS:
        raise ValueError(f"unknown sigma method {sigma!r}; known: {', '.join(SIGMA_METHODS)}")
    if np.any(np.asarray(u_m_s) <= 0):
        raise ValueError("wind speed must be > 0 m/s")
    x = np.asarray(x_m, float)
    xmin = value("plume", "min_sigma_distance_m")
    xs = np.maximum(x, xmin)
    sy, sz = SIGMA_METHODS[sigma](xs, stability)
    c = plume_conc_ug_m3(q_g_s, u_m_s, xs, y_m, z_m, h_m, sy, sz, mixing_height_m)
    return np.where(x >= xmin, c, 0.0)


def field_numpy(src_x_m, src_y_m, h_m, u_m_s, q_g_s, sigma_y0_m, sigma_z0_m, rec_x_m, rec_y_m,
                rec_z_m, wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m):
    """Plain-numpy reference: concentration [ug/m3] at every receptor from all sources for one
    hour (loop over sources, vectorised over receptors). Briggs sigmas; initial sigmas (volume
    and area sources) are added in quadrature; pairs beyond ``cutoff_m`` or closer than the
    minimum distance contribute nothing.

    Parameters
    ----------
    src_x_m, src_y_m, h_m, u_m_s, q_g_s, sigma_y0_m, sigma_z0_m : array_like (n_sources,)
        Source position [m], effective height [m], wind speed at release height [m/s],
        emission rate [g/s], initial sigmas [m].
    rec_x_m, rec_y_m, rec_z_m : array_like (n_receptors,)
        Receptor positions and heights [m].
    wind_dir_deg : float
        Direction the wind blows from [deg clockwise from north].
    stability : str
        Class A-F.
    terrain : {"rural", "urban"}
        Briggs coefficient set.
    mixing_height_m : float
        [m] (inf: unlimited).
    cutoff_m : float
        Cut-off distance [m].

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1, 1-50; Briggs 1973 sigmas.
    """
    from ehrisk.dispersion.coefficients import stability_index

    coef = briggs_coefficients(terrain)[int(stability_index(stability))]
    th = np.deg2rad(wind_dir_deg)
    sx, cx = -np.sin(th), -np.cos(th)  # unit vector the wind blows towards
    xmin = value("plume", "min_sigma_distance_m")
    rx = np.asarray(rec_x_m, float)
    ry = np.asarray(rec_y_m, float)
    rz = np.asarray(rec_z_m, float)
    out = np.zeros(rx.shape)
    for s in range(len(src_x_m)):
        dx = rx - src_x_m[s]
        dy = ry - src_y_m[s]
        x = dx * sx + dy * cx
        y = -dx * cx + dy * sx
        ok = (x >= xmin) & (dx * dx + dy * dy <= cutoff_m * cutoff_m)
        xs = np.maximum(x, xmin)
        sy = coef[0] * xs * (1.0 + coef[1] * xs) ** coef[2]
        sz = coef[3] * xs * (1.0 + coef[4] * xs) ** coef[5]
        sy = np.sqrt(sy * sy + sigma_y0_m[s] ** 2)
        sz = np.sqrt(sz * sz + sigma_z0_m[s] ** 2)
        c = plume_conc_ug_m3(q_g_s[s], u_m_s[s], xs, y, rz, h_m[s], sy, sz, mixing_height_m)
        out += np.where(ok, c, 0.0)
    return out
