"""Hour-by-hour mode: every hour of a met series through the Gaussian plume kernel, giving the
period average, the maximum hourly value and the count of hours above a threshold.

Calm hours (speed below the calm threshold) are skipped and the average is taken over the
non-calm hours (the EPA calms policy for ISCST3 period averages); other speeds below
1 m/s are raised to 1 m/s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.dispersion import kernel, met, plume_rise
from ehrisk.dispersion.coefficients import stability_index


def effective_heights(src: pd.DataFrame, u_ref_m_s, stability, temp_k, terrain: str,
                      anemometer_height_m: float = 10.0):
    """Effective heights [m] and wind speeds at release height [m/s], each (hours, sources).

    Stacks get Briggs final rise (:func:`plume_rise.briggs_final_rise`); virtual points
    (``no_rise``) keep their release height.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), sections 1.1.3 and 1.1.4.
    """
    u_ref = np.asarray(u_ref_m_s, float)[:, None]
    k = stability_index(stability)[:, None]
    ta = np.asarray(temp_k, float)[:, None]
    hs = src["height_m"].to_numpy(float)[None, :]
    us = plume_rise.wind_speed_at_height(u_ref, anemometer_height_m, hs, k, terrain)
    no_rise = src["no_rise"].to_numpy(bool)[None, :]
    ts = np.where(no_rise, ta + 1.0, src["exit_temp_k"].to_numpy(float)[None, :])
    ds = np.where(no_rise, 1.0, src["diameter_m"].to_numpy(float)[None, :])
    h = plume_rise.briggs_final_rise(hs, ds, src["exit_velocity_m_s"].to_numpy(float)[None, :],
                                     ts, ta, us, k)
    return np.where(no_rise, hs, h), us


def run_hourly(src: pd.DataFrame, receptors: pd.DataFrame, metdf: pd.DataFrame, stability,
               terrain: str = "rural", cutoff_m: float = 50_000.0,
               threshold_ug_m3: float | None = None, anemometer_height_m: float = 10.0,
               progress=None) -> dict:
    """Run every hour and summarise per receptor.

    Parameters
    ----------
    src : DataFrame
        Sources (:mod:`ehrisk.dispersion.sources` columns; ``emission_g_s`` [g/s]).
    receptors : DataFrame
        ``x_m, y_m, z_m`` [m].
    metdf : DataFrame
        Hourly met (:mod:`ehrisk.dispersion.met` columns); ``mixing_height_m`` optional
        (unlimited when absent or NaN).
    stability : array_like
        Class per hour (e.g. from :func:`met.turner_stability`).
    terrain : {"rural", "urban"}
    cutoff_m : float
        Cut-off distance [m].
    threshold_ug_m3 : float or None
        Count hours above this concentration [ug/m3].
    anemometer_height_m : float
        [m].
    progress : callable or None
        Called with (hours done, hours total).

    Returns
    -------
    dict
        ``mean_ug_m3``, ``max_ug_m3``, ``exceed_hours`` (or None), ``hours``, ``calm_hours``.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), eqs. 1-1 and 1-50; calms: ISC3 Vol. I,
    calms processing (period average over non-calm hours).
    """
    stab = np.asarray(stability)
    ws = metdf["wind_speed_m_s"].to_numpy(float)
    calm = met.calm_flags(ws)
    u_mod = met.model_wind_speed(ws)
    h, us = effective_heights(src, u_mod, stab, metdf["temp_k"].to_numpy(float), terrain,
                              anemometer_height_m)
    mix = (metdf["mixing_height_m"].to_numpy(float) if "mixing_height_m" in metdf
           else np.full(len(metdf), np.inf))
    mix = np.where(np.isfinite(mix), mix, np.inf)
    wd = metdf["wind_dir_deg"].to_numpy(float)
    rx, ry = receptors["x_m"].to_numpy(float), receptors["y_m"].to_numpy(float)
    rz = receptors["z_m"].to_numpy(float) if "z_m" in receptors else np.zeros(len(rx))
    q = src["emission_g_s"].to_numpy(float)
    sy0, sz0 = src["sigma_y0_m"].to_numpy(float), src["sigma_z0_m"].to_numpy(float)
    sx, sy = src["x_m"].to_numpy(float), src["y_m"].to_numpy(float)
    layout = kernel.prepare_receptors(rx, ry, rz)  # once: receptor blocks reused every hour
    total = np.zeros(len(rx))
    mx = np.zeros(len(rx))
    exc = np.zeros(len(rx), dtype=np.int64) if threshold_ug_m3 is not None else None
    for t in range(len(metdf)):
        if not calm[t]:
            c = kernel.field_prepared(layout, sx, sy, h[t], us[t], q, sy0, sz0, wd[t], stab[t],
                                      terrain, mix[t], cutoff_m)
            total += c
            np.maximum(mx, c, out=mx)
            if exc is not None:
                exc += c > threshold_ug_m3
        if progress is not None:
            progress(t + 1, len(metdf))
    n_ok = int((~calm).sum())
    return {"mean_ug_m3": total / max(n_ok, 1), "max_ug_m3": mx, "exceed_hours": exc,
            "hours": int(len(metdf)), "calm_hours": int(calm.sum())}
