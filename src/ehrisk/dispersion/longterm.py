"""Long-term (climatological) mode: the ISCLT sector-average Gaussian plume over a STAR joint
frequency table (16 sectors x 6 speed classes x 6 stability classes), for annual averages.

C = sum_{k,l} Q [f(j0,k,l) (1 - a) + f(j1,k,l) a] V_kl / (sqrt(2 pi) R dtheta u_kl sz_l(R))

with R the source-receptor distance, dtheta = 2 pi / 16, j0 and j1 the two sectors whose
centres bracket the receptor's bearing and a the fraction between them (ISCLT sector
smoothing), V the vertical term with ground and lid reflections. Calm hours are excluded
(frequencies are of non-calm hours), consistent with the hour-by-hour mode.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numba import njit, prange

from ehrisk import units
from ehrisk.dispersion import plume_rise
from ehrisk.dispersion.coefficients import STABILITY_CLASSES, rows, value
from ehrisk.dispersion.kernel import _exp_neg, _sigma
from ehrisk.dispersion.sigma import briggs_coefficients


@njit(cache=True, fastmath=True, error_model="numpy", inline="always")
def _vert(z, h, sz, lid, n_pairs, uniform_f):
    if lid > 0.0:
        if h > lid or z > lid:
            return 0.0
        if sz > uniform_f * lid:
            return math.sqrt(2.0 * math.pi) * sz / lid
    inv2 = 0.5 / (sz * sz)
    v = _exp_neg((z - h) ** 2 * inv2) + _exp_neg((z + h) ** 2 * inv2)
    if lid > 0.0 and (2.0 * lid - h - z) < 8.6 * sz:
        for i in range(1, n_pairs + 1):
            d = 2.0 * i * lid
            v += (_exp_neg((z - h - d) ** 2 * inv2) + _exp_neg((z + h - d) ** 2 * inv2)
                  + _exp_neg((z - h + d) ** 2 * inv2) + _exp_neg((z + h + d) ** 2 * inv2))
    return v


@njit(cache=True, parallel=True, fastmath=True, error_model="numpy")
def _lt(sx, sy_, q, sz0, H, U, freq, lid, rx, ry, rz, coef, cutoff, xmin, n_pairs, uniform_f,
        per_source):
    n_r = rx.shape[0]
    n_s = sx.shape[0]
    n_sec = freq.shape[0]
    dth = 2.0 * math.pi / n_sec
    out = np.zeros((n_r, n_s if per_source else 1))
    for i in prange(n_r):
        for s in range(n_s):
            dx = rx[i] - sx[s]
            dy = ry[i] - sy_[s]
            r = math.sqrt(dx * dx + dy * dy)
            if r < xmin or r > cutoff:
                continue
            # wind FROM direction that carries the plume to the receptor, in sector units
            bearing = math.atan2(dx, dy)  # clockwise from north
            p = ((bearing + math.pi) % (2.0 * math.pi)) / dth
            j0 = int(math.floor(p)) % n_sec
            a = p - math.floor(p)
            j1 = (j0 + 1) % n_sec
            tot = 0.0
            for lcl in range(6):
                sz = _sigma(r, coef[lcl, 3], coef[lcl, 4], coef[lcl, 5], sz0[s] * sz0[s])
                for k in range(6):
                    w = freq[j0, k, lcl] * (1.0 - a) + freq[j1, k, lcl] * a
                    if w > 0.0:
                        tot += w * _vert(rz[i], H[s, k, lcl], sz, lid[lcl], n_pairs,
                                         uniform_f) / (U[s, k, lcl] * sz)
            c = q[s] * tot / (math.sqrt(2.0 * math.pi) * r * dth)
            if per_source:
                out[i, s] = c
            else:
                out[i, 0] += c
    return out


def class_speeds(star: dict) -> np.ndarray:
    """Representative speed per (speed class, stability) [m/s]: the table's mean where it has
    one, else the ISCLT central speed of the class (group ``star_speed_class``)."""
    df = rows("star_speed_class").set_index("key")["value"]
    central = np.array([df[f"central_{i}"] for i in range(1, 7)])
    mean = np.asarray(star.get("mean_speed_m_s", np.full((6, 6), np.nan)), float)
    return np.where(np.isfinite(mean), mean, central[:, None])


def run_longterm(src: pd.DataFrame, receptors: pd.DataFrame, star: dict, terrain: str = "rural",
                 temp_k: float = 288.15, mixing_height_m=None, cutoff_m: float = 50_000.0,
                 anemometer_height_m: float = 10.0, per_source: bool = False,
                 unit_emission: bool = False) -> np.ndarray:
    """Long-term average concentration [ug/m3] at each receptor (ISCLT sector average).

    Parameters
    ----------
    src : DataFrame
        Sources (:mod:`ehrisk.dispersion.sources` columns).
    receptors : DataFrame
        ``x_m, y_m`` and optional ``z_m`` [m].
    star : dict
        From :func:`ehrisk.dispersion.met.star_table` (``freq`` 16 x 6 x 6 fractions).
    terrain : {"rural", "urban"}
    temp_k : float
        Ambient temperature for plume rise [K] (ISCLT uses a mean per class; one value here).
    mixing_height_m : array_like (6,) or None
        Mixing height per stability class [m]; None = unlimited.
    cutoff_m : float
        [m].
    anemometer_height_m : float
        [m].
    per_source : bool
        Return (receptors x sources) instead of the sum.
    unit_emission : bool
        Use 1 g/s for every source (source-receptor matrix per unit emission).

    Returns
    -------
    ndarray
        (n_receptors,) or (n_receptors, n_sources) [ug/m3] (per g/s when ``unit_emission``).

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 2 (ISCLT), sector-average equation
    with sector smoothing; Briggs sigmas and plume rise as in the short-term mode.
    """
    freq = np.ascontiguousarray(star["freq"], dtype=float)
    u_cls = class_speeds(star)  # (6 speed, 6 stab)
    n_s = len(src)
    hs = src["height_m"].to_numpy(float)
    kk = np.broadcast_to(np.arange(6)[None, None, :], (n_s, 6, 6))
    u_ref = np.broadcast_to(u_cls[None, :, :], (n_s, 6, 6))
    us = plume_rise.wind_speed_at_height(u_ref, anemometer_height_m, hs[:, None, None], kk,
                                         terrain)
    no_rise = src["no_rise"].to_numpy(bool)[:, None, None]
    ts = np.where(no_rise, temp_k + 1.0, src["exit_temp_k"].to_numpy(float)[:, None, None])
    ds = np.where(no_rise, 1.0, src["diameter_m"].to_numpy(float)[:, None, None])
    h = plume_rise.briggs_final_rise(hs[:, None, None], ds,
                                     src["exit_velocity_m_s"].to_numpy(float)[:, None, None],
                                     ts, temp_k, us, kk)
    h = np.where(no_rise, hs[:, None, None], h)
    lid = (np.full(6, -1.0) if mixing_height_m is None
           else np.where(np.isfinite(np.asarray(mixing_height_m, float)),
                         np.asarray(mixing_height_m, float), -1.0))
    coef = np.stack([briggs_coefficients(terrain)[i] for i in range(len(STABILITY_CLASSES))])
    q = np.ones(n_s) if unit_emission else src["emission_g_s"].to_numpy(float)
    rz = receptors["z_m"].to_numpy(float) if "z_m" in receptors else np.zeros(len(receptors))
    out = _lt(src["x_m"].to_numpy(float), src["y_m"].to_numpy(float), q,
              src["sigma_z0_m"].to_numpy(float), np.ascontiguousarray(h),
              np.ascontiguousarray(us), freq, np.ascontiguousarray(lid, dtype=float),
              receptors["x_m"].to_numpy(float), receptors["y_m"].to_numpy(float), rz, coef,
              float(cutoff_m), value("plume", "min_sigma_distance_m"),
              int(value("plume", "lid_reflection_pairs")),
              value("plume", "uniform_mixing_sigma_z_factor"), per_source)
    out = units.g_m3_to_ug_m3(out)
    return out if per_source else out[:, 0]
