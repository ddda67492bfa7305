"""Numba kernels for the Gaussian plume over many sources and receptors.

:func:`field` computes one hour (one wind direction, stability and mixing height) for all
source-receptor pairs; it is the fast twin of :func:`ehrisk.dispersion.gaussian.field_numpy`
(same formula, same table constants, results equal within 1e-9 relative; see the tests).

How it is fast (all exact rewrites of the same formula, no approximation beyond rounding):

- receptors are sorted along a Morton (Z-order) curve and cut into blocks of :data:`BLOCK`
  neighbouring receptors (:func:`prepare_receptors`, once per receptor set); a source is skipped
  for a whole block when the block's bounding box is beyond the cut-off, entirely upwind, or so
  far off the plume axis that exp(-y^2/2 sigma_y^2) underflows to 0 in float64 for every
  receptor of the block (as it does in the numpy reference);
- the inner loop runs over the contiguous receptors of a block with no branches (selects
  only), so LLVM vectorises it; parallel over blocks (``prange``), ``fastmath`` without
  re-association, ``error_model='numpy'``, ``cache=True``;
- Briggs sigmas have exponents c in {-1, -1/2, 0, 1/2}, so sigma^2 = (a x)^2 (1 + b x)^(2c)
  + sigma0^2 is a ratio of polynomials N/D: one division and one square root per pair give
  1/(2 sigma_y^2), 1/(2 sigma_z^2) and 1/(sigma_y sigma_z) (no ``pow``);
- the crosswind factor is folded into each vertical term, exp(-a_y) exp(-b) = exp(-(a_y + b));
  for ground-level receptors (z = 0) the reflected pairs coincide ((z-H)^2 = (z+H)^2), which
  halves the number of exponentials;
- the exponential is a range-reduced polynomial (:func:`_exp_neg`) whose 2^-k factor is built
  from the exponent bits, so that it vectorises (the libm ``exp`` call does not without SVML).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numba
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

from ehrisk import units
from ehrisk.dispersion.coefficients import stability_index, value
from ehrisk.dispersion.sigma import briggs_coefficients

BLOCK = 128
_UG_PER_G = float(units.g_m3_to_ug_m3(1.0))
_LN2_HI = 6.93147180369123816490e-01  # Cody-Waite split of ln 2 (fdlibm e_exp.c)
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00
_SKIP_SIGMAS = 8.6  # lid images farther than this many sigma_z are < 1e-16 of the direct term
_EXP_UNDERFLOW = 745.2  # exp(-a) == 0.0 in float64 for a > 745.14 (smallest subnormal 4.9e-324)
# fastmath without 'reassoc': keeps the Cody-Waite reduction and the Horner order as written
_FM = {"nnan", "ninf", "nsz", "arcp", "contract", "afn"}


@intrinsic
def _f64_from_bits(typingctx, bits):
    """Reinterpret an int64 bit pattern as float64 (LLVM bitcast; vectorises)."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _exp_neg(a):
    """exp(-a) for a >= 0 in float64 (relative error ~1e-16; a clamped at 708).

    Range reduction a = k ln2 + r, |r| <= ln2/2, degree-12 Taylor polynomial for exp(-r)
    (truncation < 2e-16 relative) and the factor 2^-k built from the exponent bits; branch-free
    so that loops vectorise.
    """
    a = min(a, 708.0)
    k = math.floor(a * _INV_LN2 + 0.5)
    r = (k * _LN2_HI - a) + k * _LN2_LO
    p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (
        1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (
            1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600))))))))))))
    return p * _f64_from_bits((1023 - k) << 52)


@njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _sig2(x, a, pn, pd1, pd2, s0sq):
    """sigma^2 = N / D for sigma = a x (1 + b x)^c in quadrature with sigma0; returns (N, D)
    with (1 + b x)^(2c) = (1 + pn x) / ((1 + pd1 x)(1 + pd2 x)) (see :func:`_rational`)."""
    ax = a * x
    den = (1.0 + pd1 * x) * (1.0 + pd2 * x)
    return ax * ax * (1.0 + pn * x) + s0sq * den, den


def _rational(coef) -> np.ndarray | None:
    """(a, pn, pd1, pd2) for sigma_y then sigma_z from a Briggs row (ay, by, cy, az, bz, cz);
    None when some 2c is not in {-2, -1, 0, 1}, or a <= 0 or b < 0 (sigma not increasing with
    x, which the block bounds assume): then the kernel is not used."""
    out = np.zeros(8)
    for j in (0, 1):
        a, b, c = (float(v) for v in coef[3 * j:3 * j + 3])
        two_c = 2.0 * c
        if two_c not in (-2.0, -1.0, 0.0, 1.0) or a <= 0.0 or b < 0.0:
            return None
        out[4 * j:4 * j + 4] = (a, b if two_c == 1.0 else 0.0, b if two_c <= -1.0 else 0.0,
                                b if two_c == -2.0 else 0.0)
    return out


def _field_impl(sx, sy_, h, u, q, sy0, sz0, rx, ry, rz, bnd, ground, order, perm, block, wsin,
                wcos, rat, lid, cutoff, xmin, n_pairs, uniform_f, ug_per_g, cull, out):
    n_r = rx.shape[0]
    n_b = bnd.shape[0]
    c2 = cutoff * cutoff
    u_coef = math.sqrt(2.0 * math.pi) / lid if lid > 0.0 else 0.0
    uf_lid = uniform_f * lid
    ya, yn, yd1, yd2 = rat[0], rat[1], rat[2], rat[3]
    za, zn, zd1, zd2 = rat[4], rat[5], rat[6], rat[7]
    for bb in prange(n_b):
        b = order[bb]
        i0 = b * block
        i1 = min(i0 + block, n_r)
        m = i1 - i0
        acc = np.zeros(m)
        ay = np.empty(m)
        wz = np.empty(m)
        pre = np.empty(m)
        v = np.empty(m)
        x_lo, x_hi, y_lo, y_hi, zmax = bnd[b, 0], bnd[b, 1], bnd[b, 2], bnd[b, 3], bnd[b, 4]
        g0 = ground[b]
        for s in range(sx.shape[0]):
            hs = h[s]
            if lid > 0.0 and hs > lid:
                continue  # plume above the lid: V = 0 (ISC3)
            px = sx[s]
            py = sy_[s]
            ys0 = sy0[s] * sy0[s]
            zs0 = sz0[s] * sz0[s]
            if cull:  # whole-block tests on the bounding box; each skips exact zeros only
                ddx = max(x_lo - px, 0.0, px - x_hi)
                ddy = max(y_lo - py, 0.0, py - y_hi)
                if ddx * ddx + ddy * ddy > c2:
                    continue  # beyond the cut-off
                xd = max((x_lo - px) * wsin, (x_hi - px) * wsin) + \
                    max((y_lo - py) * wcos, (y_hi - py) * wcos)
                if xd < xmin:
                    continue  # upwind (or nearer than the minimum distance)
                yc_hi = max(-(x_lo - px) * wcos, -(x_hi - px) * wcos) + \
                    max((y_lo - py) * wsin, (y_hi - py) * wsin)
                yc_lo = min(-(x_lo - px) * wcos, -(x_hi - px) * wcos) + \
                    min((y_lo - py) * wsin, (y_hi - py) * wsin)
                yabs = yc_lo if yc_lo > 0.0 else (-yc_hi if yc_hi < 0.0 else 0.0)
                nb, db = _sig2(max(min(xd, cutoff), xmin), ya, yn, yd1, yd2, ys0)
                if 0.5 * yabs * yabs * db / nb > _EXP_UNDERFLOW:
                    continue  # exp(-y^2 / 2 sigma_y^2) == 0.0 for every receptor
            n_img = 0
            unif = False
            if lid > 0.0:  # bound sigma_z over the block (sigma_z grows with x)
                fx = max(abs(x_lo - px), abs(x_hi - px))
                fy = max(abs(y_lo - py), abs(y_hi - py))
                nb, db = _sig2(max(min(math.sqrt(fx * fx + fy * fy), cutoff), xmin),
                               za, zn, zd1, zd2, zs0)
                szb = math.sqrt(nb / db)
                while n_img < n_pairs and \
                        2.0 * (n_img + 1) * lid - hs - zmax < _SKIP_SIGMAS * szb:
                    n_img += 1
                unif = szb > uf_lid
            ps = q[s] / (2.0 * math.pi * u[s])
            for k in range(m):  # geometry and sigmas: vectorised, selects only
                dx = rx[i0 + k] - px
                dy = ry[i0 + k] - py
                x = dx * wsin + dy * wcos
                y = dy * wsin - dx * wcos
                ok = (x >= xmin) & (dx * dx + dy * dy <= c2)
                xs = max(x, xmin)
                ny, dny = _sig2(xs, ya, yn, yd1, yd2, ys0)
                nz, dnz = _sig2(xs, za, zn, zd1, zd2, zs0)
                inv = 1.0 / (ny * nz)
                ay[k] = 0.5 * y * y * dny * nz * inv  # y^2 / (2 sigma_y^2)
                wz[k] = 0.5 * dnz * ny * inv  # 1 / (2 sigma_z^2)
                pre[k] = ps * math.sqrt(dny * dnz * inv) if ok else 0.0  # Q/(2 pi u sy sz)
            if g0:  # z = 0: (z - H)^2 = (z + H)^2, images coincide in pairs
                c0 = hs * hs
                for k in range(m):
                    v[k] = 2.0 * _exp_neg(ay[k] + c0 * wz[k])
                for j in range(1, n_img + 1):
                    d = 2.0 * j * lid
                    c1 = (hs + d) * (hs + d)
                    c3 = (d - hs) * (d - hs)
                    for k in range(m):
                        v[k] += 2.0 * (_exp_neg(ay[k] + c1 * wz[k]) + _exp_neg(ay[k] + c3 * wz[k]))
            else:
                for k in range(m):
                    z = rz[i0 + k]
                    v[k] = _exp_neg(ay[k] + (z - hs) * (z - hs) * wz[k]) + \
                        _exp_neg(ay[k] + (z + hs) * (z + hs) * wz[k])
                for j in range(1, n_img + 1):
                    d = 2.0 * j * lid
                    for k in range(m):
                        z = rz[i0 + k]
                        v[k] += (_exp_neg(ay[k] + (z - hs - d) * (z - hs - d) * wz[k])
                                 + _exp_neg(ay[k] + (z + hs - d) * (z + hs - d) * wz[k])
                                 + _exp_neg(ay[k] + (z - hs + d) * (z - hs + d) * wz[k])
                                 + _exp_neg(ay[k] + (z + hs + d) * (z + hs + d) * wz[k]))
            if unif:  # sigma_z > 1.6 L: uniform mixing, V = sqrt(2 pi) sigma_z / L
                for k in range(m):
                    szk = math.sqrt(0.5 / wz[k])
                    vu = u_coef * szk * _exp_neg(ay[k])
                    v[k] = vu if szk > uf_lid else v[k]
            if lid > 0.0 and zmax > lid:
                for k in range(m):
                    v[k] = 0.0 if rz[i0 + k] > lid else v[k]
            for k in range(m):
                acc[k] += pre[k] * v[k]
        for k in range(m):
            out[perm[i0 + k]] = acc[k] * ug_per_g
    return out


# One compiled variant only: numba's on-disk cache keys a function by its qualified name and
# source line, so a serial twin compiled from the same Python function with cache=True would
# share (and overwrite) the parallel one's cache entry and silently run on one thread.
_field = njit(cache=True, parallel=True, fastmath=_FM, error_model="numpy")(_field_impl)


class ReceptorLayout(NamedTuple):
    """Receptors sorted along a Morton curve and cut into blocks (see :func:`prepare_receptors`).

    ``x_m, y_m, z_m`` are the sorted coordinates [m]; ``perm[i]`` is the original index of
    sorted receptor i; ``bounds`` holds per block (x_lo, x_hi, y_lo, y_hi, z_max) [m];
    ``ground`` is True for blocks whose receptors are all at z = 0; ``block`` is the number of
    receptors per block (the last block may be shorter).
    """

    x_m: np.ndarray
    y_m: np.ndarray
    z_m: np.ndarray
    perm: np.ndarray
    bounds: np.ndarray
    ground: np.ndarray
    block: int


def _spread16(v: np.ndarray) -> np.ndarray:
    v = v & 0xFFFF
    v = (v | (v << 8)) & 0x00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F
    v = (v | (v << 2)) & 0x33333333
    return (v | (v << 1)) & 0x55555555


def prepare_receptors(rec_x_m, rec_y_m, rec_z_m=0.0, block: int = BLOCK) -> ReceptorLayout:
    """Sort receptors along a Morton (Z-order) curve (16 bits per axis) and cut them into blocks
    of :data:`BLOCK`, so that each block covers a compact area; do it once per receptor set.

    Parameters
    ----------
    rec_x_m, rec_y_m : array_like (n,)
        Receptor coordinates [m].
    rec_z_m : array_like (n,) or float
        Receptor heights above ground [m].
    block : int
        Receptors per block (default :data:`BLOCK`): smaller blocks skip more of the upwind and
        out-of-range area, larger ones vectorise longer loops.

    Returns
    -------
    ReceptorLayout
    """
    x = np.ascontiguousarray(rec_x_m, dtype=np.float64).ravel()
    y = np.ascontiguousarray(rec_y_m, dtype=np.float64).ravel()
    z = np.broadcast_to(np.asarray(rec_z_m, dtype=np.float64), x.shape)
    n = x.size
    if y.size != n:
        raise ValueError(f"receptor x and y differ in length ({n} vs {y.size})")
    if n == 0:
        e = np.empty(0)
        return ReceptorLayout(e, e, e, np.empty(0, np.int64), np.empty((0, 5)),
                              np.empty(0, bool), int(block))

    span = max(float(x.max() - x.min()), float(y.max() - y.min()))
    scale = 65535.0 / span if span > 0 else 0.0  # same scale on both axes: square cells

    def cells(a):
        return ((a - a.min()) * scale).astype(np.int64)

    key = _spread16(cells(x)) | (_spread16(cells(y)) << 1)
    perm = np.argsort(key, kind="stable").astype(np.int64)
    xs, ys, zs = x[perm], y[perm], np.ascontiguousarray(z[perm])
    if int(block) < 1:
        raise ValueError(f"block must be >= 1, got {block}")
    starts = np.arange(0, n, int(block))
    bounds = np.column_stack([np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts),
                              np.minimum.reduceat(ys, starts), np.maximum.reduceat(ys, starts),
                              np.maximum.reduceat(zs, starts)])
    ground = np.logical_and.reduceat(zs == 0.0, starts)
    return ReceptorLayout(xs, ys, zs, perm, np.ascontiguousarray(bounds), ground, int(block))


@lru_cache(maxsize=64)
def _block_order(n_blocks: int, n_threads: int) -> np.ndarray:
    # the parallel loop gives each thread a contiguous range of iterations; interleave the
    # Morton-ordered blocks so that every thread gets blocks from all over the domain
    return np.argsort(np.arange(n_blocks) % max(n_threads, 1), kind="stable").astype(np.int64)


@njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _powsel(v, c):
    """(v)^c for the exponents of the Briggs fits (-1, -0.5, 0, 0.5) as a branch-free select;
    other exponents through the power function."""
    r = math.sqrt(v)
    out = v ** c if c not in (-1.0, -0.5, 0.0, 0.5) else 1.0
    out = 1.0 / r if c == -0.5 else out
    out = r if c == 0.5 else out
    out = 1.0 / v if c == -1.0 else out
    return out


@njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
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


@njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _sigma(xs, a, b, c, s0sq):
    return math.sqrt((a * xs * _powsel(1.0 + b * xs, c)) ** 2 + s0sq)


@njit(cache=True, parallel=True, fastmath=_FM, error_model="numpy")
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

    Same parameters, formula and result as :func:`ehrisk.dispersion.gaussian.field_numpy`;
    equivalent to :func:`prepare_receptors` followed by :func:`field_prepared`.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1 and 1-50; Briggs 1973 sigmas
    (Gifford 1976).
    """
    layout = prepare_receptors(rec_x_m, rec_y_m, rec_z_m)
    return field_prepared(layout, src_x_m, src_y_m, h_m, u_m_s, q_g_s, sigma_y0_m, sigma_z0_m,
                          wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m)


def field_prepared(layout: ReceptorLayout, src_x_m, src_y_m, h_m, u_m_s, q_g_s, sigma_y0_m,
                   sigma_z0_m, wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m,
                   cull: bool = True) -> np.ndarray:
    """Concentration [ug/m3] at the receptors of ``layout`` (original order) for one hour.

    Parameters
    ----------
    layout : ReceptorLayout
        From :func:`prepare_receptors` (reuse it across hours).
    src_x_m, src_y_m, h_m, u_m_s, q_g_s, sigma_y0_m, sigma_z0_m : array_like (n_sources,)
        Source position [m], effective height [m], wind speed at release height [m/s], emission
        rate [g/s], initial sigmas [m] (scalars are broadcast).
    wind_dir_deg : float
        Direction the wind blows from [deg clockwise from north].
    stability : str or int
        Class A-F (or 0-5).
    terrain : {"rural", "urban"}
        Briggs coefficient set.
    mixing_height_m : float
        [m] (inf: unlimited).
    cutoff_m : float
        Cut-off distance [m].
    cull : bool
        Skip (source, block) pairs whose contribution is exactly zero (beyond the cut-off,
        upwind, or with an underflowing crosswind factor); False evaluates every pair (used by
        the benchmark to measure the raw rate). The result is the same either way.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1 and 1-50; Briggs 1973 sigmas
    (Gifford 1976).
    """
    coef, ws, wc, lid, (xmin, npairs, uf) = _common(stability, terrain, wind_dir_deg,
                                                   mixing_height_m)
    n = len(np.atleast_1d(src_x_m))
    nr = layout.x_m.size
    rat = _rational(coef)
    if rat is None:  # exponents outside the Briggs set: the plain reference, same formula
        from ehrisk.dispersion.gaussian import field_numpy

        out = np.empty(nr)
        out[layout.perm] = field_numpy(
            _f(src_x_m), _f(src_y_m), _f(h_m, n), _f(u_m_s, n), _f(q_g_s, n),
            _f(sigma_y0_m, n), _f(sigma_z0_m, n), layout.x_m, layout.y_m, layout.z_m,
            wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m)
        return out
    order = _block_order(layout.bounds.shape[0], numba.get_num_threads())
    return _field(_f(src_x_m), _f(src_y_m), _f(h_m, n), _f(u_m_s, n), _f(q_g_s, n),
              _f(sigma_y0_m, n), _f(sigma_z0_m, n), layout.x_m, layout.y_m, layout.z_m,
              layout.bounds, layout.ground, order, layout.perm, layout.block, ws, wc, rat, lid,
              float(cutoff_m), xmin, npairs, uf, _UG_PER_G, bool(cull), np.zeros(nr))


def add_unit_matrix(out, src_x_m, src_y_m, h_m, u_m_s, sigma_y0_m, sigma_z0_m, rec_x_m, rec_y_m,
                    rec_z_m, wind_dir_deg, stability, terrain, mixing_height_m, cutoff_m,
                    weight=1.0):
    """Add ``weight`` x the concentration per unit emission [ug/m3 per g/s] of each source at
    each receptor into ``out`` (n_receptors x n_sources, float64, C order), in place.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1 and 1-50.
    """
    coef, ws, wc, lid, (xmin, npairs, uf) = _common(stability, terrain, wind_dir_deg,
                                                   mixing_height_m)
    n = len(np.atleast_1d(src_x_m))
    nr = len(np.atleast_1d(rec_x_m))
    _matrix(_f(src_x_m), _f(src_y_m), _f(h_m, n), _f(u_m_s, n), _f(sigma_y0_m, n),
            _f(sigma_z0_m, n), _f(rec_x_m), _f(rec_y_m), _f(rec_z_m, nr), ws, wc, coef, lid,
            float(cutoff_m), xmin, npairs, uf, _UG_PER_G, float(weight), out)
    return out
