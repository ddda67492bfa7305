"""Numba kernels for the Gaussian plume over many sources and receptors.

:func:`field` computes one hour (one wind direction, stability and mixing height) for all
source-receptor pairs; it is the fast twin of :func:`ehrisk.dispersion.gaussian.field_numpy`
(same formula, same table constants, results equal within 1e-9 relative; see the tests).
It runs in parallel over blocks of receptors (``prange``), compiled with ``fastmath`` and
``error_model='numpy'``; the exponential is a range-reduced polynomial (:func:`_exp_neg`) that
LLVM can vectorise (the libm ``exp`` call cannot be vectorised without Intel SVML).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numba import njit, prange

from ehrisk import units
from ehrisk.dispersion.coefficients import stability_index, value
from ehrisk.dispersion.sigma import briggs_coefficients

BLOCK = 512
_UG_PER_G = float(units.g_m3_to_ug_m3(1.0))
_LN2_HI = 6.93147180369123816490e-01  # Cody-Waite split of ln 2 (fdlibm e_exp.c)
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00
_P2NEG = np.ldexp(1.0, -np.arange(1024))  # 2^-k, exact powers of two
_SKIP_SIGMAS = 8.6  # lid images farther than this many sigma_z are < 1e-16 of the direct term


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _exp_neg(a):
    """exp(-a) for a >= 0 in float64 (relative error ~1e-16; 0 for a > 708).

    Range reduction a = k ln2 + r, |r| <= ln2/2, degree-12 Taylor polynomial for exp(-r) and
    the factor 2^-k built from the exponent bits; branch-free so that loops vectorise.
    """
    a = min(a, 708.0)
    k = math.floor(a * _INV_LN2 + 0.5)
    r = (a - k * _LN2_HI) - k * _LN2_LO
    r = -r
    p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (
        1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (
            1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600))))))))))))
    return p * _P2NEG[int(k)]


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _powsel(v, c):
    """(v)^c for the exponents of the Briggs fits (-1, -0.5, 0, 0.5) as a branch-free select;
    other exponents through the power function."""
    r = math.sqrt(v)
    out = v ** c if c not in (-1.0, -0.5, 0.0, 0.5) else 1.0
    out = 1.0 / r if c == -0.5 else out
    out = r if c == 0.5 else out
    out = 1.0 / v if c == -1.0 else out
    return out


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _pair(x, y, z, h, u, q, sy0, sz0, coef, lid, n_pairs, uniform_f):
    """Concentration [g/m3] of one pair given downwind x >= xmin and crosswind y [m]."""
    sy = coef[0] * x * _powsel(1.0 + coef[1] * x, coef[2])
    sz = coef[3] * x * _powsel(1.0 + coef[4] * x, coef[5])
    sy = math.sqrt(sy * sy + sy0 * sy0)
    sz = math.sqrt(sz * sz + sz0 * sz0)
    inv2 = 0.5 / (sz * sz)
    ay = 0.5 * y * y / (sy * sy)
    pre = q / (2.0 * math.pi * u * sy * sz)
    if lid > 0.0:
        if h > lid or z > lid:
            return 0.0
        if sz > uniform_f * lid:
            return pre * _exp_neg(ay) * math.sqrt(2.0 * math.pi) * sz / lid
    v = _exp_neg(ay + (z - h) * (z - h) * inv2) + _exp_neg(ay + (z + h) * (z + h) * inv2)
    if lid > 0.0 and (2.0 * lid - h - z) < _SKIP_SIGMAS * sz:
        for i in range(1, n_pairs + 1):
            d = 2.0 * i * lid
            v += (_exp_neg(ay + (z - h - d) ** 2 * inv2) + _exp_neg(ay + (z + h - d) ** 2 * inv2)
                  + _exp_neg(ay + (z - h + d) ** 2 * inv2) + _exp_neg(ay + (z + h + d) ** 2 * inv2))
    return pre * v


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _sigma(xs, a, b, c, s0sq):
    return math.sqrt((a * xs * _powsel(1.0 + b * xs, c)) ** 2 + s0sq)


def _field_impl(sx, sy_, h, u, q, sy0, sz0, rx, ry, rz, wsin, wcos, coef, lid, cutoff, xmin,
           n_pairs, uniform_f, ug_per_g):
    n_r = rx.shape[0]
    n_b = (n_r + BLOCK - 1) // BLOCK
    out = np.zeros(n_r)
    c2 = cutoff * cutoff
    zmax = rz.max() if n_r else 0.0
    root2pi = math.sqrt(2.0 * math.pi)
    for b in prange(n_b):
        i0 = b * BLOCK
        i1 = min(i0 + BLOCK, n_r)
        m = i1 - i0
        acc = np.zeros(m)
        v = np.empty(m)
        ay = np.empty(m)
        inv2 = np.empty(m)
        pre = np.empty(m)
        szv = np.empty(m)
        x_lo = rx[i0:i1].min()
        x_hi = rx[i0:i1].max()
        y_lo = ry[i0:i1].min()
        y_hi = ry[i0:i1].max()
        for s in range(sx.shape[0]):
            hs = h[s]
            if lid > 0.0 and hs > lid:
                continue
            # block bounding box: skip blocks out of range or upwind; bound sigma_z for images
            ddx = max(x_lo - sx[s], 0.0, sx[s] - x_hi)
            ddy = max(y_lo - sy_[s], 0.0, sy_[s] - y_hi)
            if ddx * ddx + ddy * ddy > c2:
                continue
            xd = max((x_lo - sx[s]) * wsin, (x_hi - sx[s]) * wsin) + \
                max((y_lo - sy_[s]) * wcos, (y_hi - sy_[s]) * wcos)
            if xd < xmin:
                continue
            n_img = 0
            if lid > 0.0:
                fx = max(abs(x_lo - sx[s]), abs(x_hi - sx[s]))
                fy = max(abs(y_lo - sy_[s]), abs(y_hi - sy_[s]))
                dmax = max(min(math.sqrt(fx * fx + fy * fy), cutoff), xmin)
                szb = _sigma(dmax, coef[3], coef[4], coef[5], sz0[s] * sz0[s])
                while n_img < n_pairs and \
                        2.0 * (n_img + 1) * lid - hs - zmax < _SKIP_SIGMAS * szb:
                    n_img += 1
            ps = q[s] / (2.0 * math.pi * u[s])
            y0 = sy0[s] * sy0[s]
            z0 = sz0[s] * sz0[s]
            for i in range(i0, i1):  # vectorised: selects, no branches
                dx = rx[i] - sx[s]
                dy = ry[i] - sy_[s]
                x = dx * wsin + dy * wcos
                y = -dx * wcos + dy * wsin
                ok = (x >= xmin) & (dx * dx + dy * dy <= c2)
                xs = max(x, xmin)
                syv = _sigma(xs, coef[0], coef[1], coef[2], y0)
                sz = _sigma(xs, coef[3], coef[4], coef[5], z0)
                k = i - i0
                szv[k] = sz
                inv2[k] = 0.5 / (sz * sz)
                ay[k] = 0.5 * y * y / (syv * syv)
                pre[k] = ps / (syv * sz) if ok else 0.0
                zi = rz[i]
                v[k] = _exp_neg(ay[k] + (zi - hs) * (zi - hs) * inv2[k]) + \
                    _exp_neg(ay[k] + (zi + hs) * (zi + hs) * inv2[k])
            for j in range(1, n_img + 1):
                d = 2.0 * j * lid
                for k in range(m):
                    zi = rz[i0 + k]
                    v[k] += (_exp_neg(ay[k] + (zi - hs - d) ** 2 * inv2[k])
                             + _exp_neg(ay[k] + (zi + hs - d) ** 2 * inv2[k])
                             + _exp_neg(ay[k] + (zi - hs + d) ** 2 * inv2[k])
                             + _exp_neg(ay[k] + (zi + hs + d) ** 2 * inv2[k]))
            if lid > 0.0:
                for k in range(m):
                    unif = root2pi * szv[k] / lid * _exp_neg(ay[k])
                    vv = unif if szv[k] > uniform_f * lid else v[k]
                    acc[k] += 0.0 if rz[i0 + k] > lid else pre[k] * vv
            else:
                for k in range(m):
                    acc[k] += pre[k] * v[k]
        for k in range(m):
            out[i0 + k] = acc[k] * ug_per_g
    return out


_field = njit(cache=True, parallel=True, fastmath=True, error_model="numpy")(_field_impl)
# serial twin for small problems (thread start-up costs more than the work)
_field_serial = njit(cache=True, parallel=False, fastmath=True, error_model="numpy")(_field_impl)
SERIAL_PAIRS = 200_000


@njit(cache=True, parallel=True, fastmath=True, error_model="numpy")
def _matrix(sx, sy_, h, u, sy0, sz0, rx, ry, rz, wsin, wcos, coef, lid, cutoff, xmin, n_pairs,
            uniform_f, ug_per_g, weight, out):
    """Adds weight x unit-emission concentration [ug/m3 per g/s] to out (n_r, n_s)."""
    n_r = rx.shape[0]
    c2 = cutoff * cutoff
    for i in prange(n_r):
        for s in range(sx.shape[0]):
            dx = rx[i] - sx[s]
            dy = ry[i] - sy_[s]
            x = dx * wsin + dy * wcos
            if x >= xmin and dx * dx + dy * dy <= c2:
                y = -dx * wcos + dy * wsin
                out[i, s] += weight * ug_per_g * _pair(x, y, rz[i], h[s], u[s], 1.0, sy0[s],
                                                      sz0[s], coef, lid, n_pairs, uniform_f)


@lru_cache(maxsize=4)
def _coefs(terrain: str) -> np.ndarray:
    return briggs_coefficients(terrain)


@lru_cache(maxsize=1)
def _consts() -> tuple:
    return (value("plume", "min_sigma_distance_m"), int(value("plume", "lid_reflection_pairs")),
            value("plume", "uniform_mixing_sigma_z_factor"))


_CLASS = {c: i for i, c in enumerate("ABCDEF")}


def _common(stability, terrain, wind_dir_deg, mixing_height_m):
    k = _CLASS.get(stability) if isinstance(stability, str) else None
    if k is None:
        k = int(stability_index(stability))
    coef = np.ascontiguousarray(_coefs(terrain)[k])
    th = np.deg2rad(wind_dir_deg)
    lid = float(mixing_height_m) if np.isfinite(mixing_height_m) else -1.0
    return coef, -np.sin(th), -np.cos(th), lid, _consts()


def _f(a, n=None):
    arr = np.ascontiguousarray(a, dtype=np.float64)
    return np.full(n, float(arr)) if (n is not None and arr.ndim == 0) else arr


def field(src_x_m, src_y_m, h_m, u_m_s, q_g_s, sigma_y0_m, sigma_z0_m, rec_x_m, rec_y_m, rec_z_m,
          wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m):
    """Concentration [ug/m3] at every receptor from all sources for one hour (numba).

    Same parameters, formula and result as :func:`ehrisk.dispersion.gaussian.field_numpy`.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1 and 1-50; Briggs 1973 sigmas
    (Gifford 1976).
    """
    coef, ws, wc, lid, (xmin, npairs, uf) = _common(stability, terrain, wind_dir_deg,
                                                   mixing_height_m)
    n = len(np.atleast_1d(src_x_m))
    nr = len(np.atleast_1d(rec_x_m))
    fn = _field_serial if n * nr < SERIAL_PAIRS else _field
    return fn(_f(src_x_m), _f(src_y_m), _f(h_m, n), _f(u_m_s, n), _f(q_g_s, n),
                  _f(sigma_y0_m, n), _f(sigma_z0_m, n), _f(rec_x_m), _f(rec_y_m), _f(rec_z_m, nr),
                  ws, wc, coef, lid, float(cutoff_m), xmin, npairs, uf,
                  _UG_PER_G)


def add_unit_matrix(out, src_x_m, src_y_m, h_m, u_m_s, sigma_y0_m, sigma_z0_m, rec_x_m, rec_y_m,
                    rec_z_m, wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m,
                    weight=1.0):
    """Add ``weight`` x the concentration per unit emission [ug/m3 per g/s] of each source at
    each receptor into ``out`` (n_receptors x n_sources, float64, C order), in place."""
    coef, ws, wc, lid, (xmin, npairs, uf) = _common(stability, terrain, wind_dir_deg,
                                                   mixing_height_m)
    n = len(np.atleast_1d(src_x_m))
    nr = len(np.atleast_1d(rec_x_m))
    _matrix(_f(src_x_m), _f(src_y_m), _f(h_m, n), _f(u_m_s, n), _f(sigma_y0_m, n),
            _f(sigma_z0_m, n), _f(rec_x_m), _f(rec_y_m), _f(rec_z_m, nr), ws, wc, coef, lid,
            float(cutoff_m), xmin, npairs, uf, _UG_PER_G, float(weight), out)
    return out
