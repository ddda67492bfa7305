"""Briggs plume rise (final rise, buoyant and momentum) and stack-tip downwash, as in ISC3.

All constants come from group ``plume_rise_briggs`` of table ``dispersion_coefficients``.
Inputs are arrays broadcast together (sources x hours works).
"""

from __future__ import annotations

import numpy as np

from ehrisk.dispersion.coefficients import rows, stability_index, value

_STABLE = (4, 5)  # classes E and F


def _c(key: str) -> float:
    return value("plume_rise_briggs", key)


def wind_speed_at_height(u_ref_m_s, z_ref_m, z_m, stability, terrain: str = "rural"):
    """Power-law wind profile u(z) = u_ref (z / z_ref)^p.

    Parameters
    ----------
    u_ref_m_s : array_like
        Wind speed at the anemometer [m/s].
    z_ref_m : array_like
        Anemometer height [m].
    z_m : array_like
        Height wanted (stack top) [m]; heights below ``z_ref_m`` use ``z_ref_m`` (as ISC3).
    stability : str or array_like
        Class A-F.
    terrain : {"rural", "urban"}
        Selects the exponent set.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 1.1.3, eq. 1-6 (exponents from
    group ``wind_profile_exponent``).
    """
    df = rows("wind_profile_exponent")
    df = df[df["key"] == terrain]
    if df.empty:
        raise ValueError(f"terrain must be 'rural' or 'urban', not {terrain!r}")
    p = df.set_index("stability").loc[list("ABCDEF"), "value"].to_numpy(float)
    k = stability_index(stability)
    z = np.maximum(np.asarray(z_m, dtype=float), np.asarray(z_ref_m, dtype=float))
    return np.asarray(u_ref_m_s, dtype=float) * (z / np.asarray(z_ref_m, dtype=float)) ** p[k]


def buoyancy_flux(exit_velocity_m_s, diameter_m, exit_temp_k, ambient_temp_k):
    """Briggs buoyancy flux Fb = g vs ds^2 (Ts - Ta) / (4 Ts) [m4/s3] (ISC3 vol. II eq. 1-7)."""
    vs = np.asarray(exit_velocity_m_s, dtype=float)
    ds = np.asarray(diameter_m, dtype=float)
    ts = np.asarray(exit_temp_k, dtype=float)
    ta = np.asarray(ambient_temp_k, dtype=float)
    return _c("g_m_s2") * vs * ds ** 2 * np.maximum(ts - ta, 0.0) / (4.0 * ts)


def momentum_flux(exit_velocity_m_s, diameter_m, exit_temp_k, ambient_temp_k):
    """Momentum flux Fm = vs^2 ds^2 Ta / (4 Ts) [m4/s2] (ISC3 vol. II eq. 1-8)."""
    vs = np.asarray(exit_velocity_m_s, dtype=float)
    ds = np.asarray(diameter_m, dtype=float)
    return vs ** 2 * ds ** 2 * np.asarray(ambient_temp_k, float) / (4.0 * np.asarray(exit_temp_k, float))


def stack_tip_downwash(stack_height_m, diameter_m, exit_velocity_m_s, wind_speed_m_s):
    """Briggs (1974) stack-tip downwash: hs' = hs + 2 ds (vs/us - 1.5) where vs < 1.5 us.

    References
    ----------
    ISC3 User's Guide Vol. II (EPA-454/B-95-003b), section 1.1.4.2, eq. 1-5.
    """
    hs = np.asarray(stack_height_m, dtype=float)
    ds = np.asarray(diameter_m, dtype=float)
    vs = np.asarray(exit_velocity_m_s, dtype=float)
    us = np.asarray(wind_speed_m_s, dtype=float)
    ratio = _c("downwash_ratio")
    adj = _c("downwash_coef") * ds * (vs / us - ratio)
    return np.where(vs < ratio * us, np.maximum(hs + adj, 0.0), hs)


def briggs_final_rise(stack_height_m, diameter_m, exit_velocity_m_s, exit_temp_k, ambient_temp_k,
                      wind_speed_m_s, stability, dtheta_dz_k_m=None, downwash: bool = True):
    """Effective height of emission after Briggs final plume rise, as in ISC3.

    Unstable/neutral (A-D): buoyancy-dominated if Ts - Ta >= (dT)c, rise 21.425 Fb^(3/4)/us
    (Fb < 55) or 38.71 Fb^(3/5)/us (Fb >= 55); otherwise momentum rise 3 ds vs / us. Stable
    (E, F): s = g (dtheta/dz) / Ta; buoyant rise 2.6 (Fb/(us s))^(1/3) if Ts - Ta >= (dT)c =
    0.019582 Ts vs sqrt(s), else momentum rise min(1.5 (Fm/(us sqrt(s)))^(1/3), 3 ds vs / us).

    Parameters
    ----------
    stack_height_m : array_like
        Physical stack height [m].
    diameter_m : array_like
        Inside stack-top diameter [m].
    exit_velocity_m_s : array_like
        Exit velocity [m/s].
    exit_temp_k : array_like
        Exit temperature [K].
    ambient_temp_k : array_like
        Ambient temperature [K].
    wind_speed_m_s : array_like
        Wind speed at stack top [m/s] (> 0).
    stability : str or array_like
        Class A-F.
    dtheta_dz_k_m : array_like or None
        Potential temperature gradient [K/m] for E and F; None uses the ISC3 defaults.
    downwash : bool
        Apply stack-tip downwash first (ISC3 default).

    Returns
    -------
    ndarray
        Effective height [m] = (downwashed) stack height + final rise.

    References
    ----------
    Briggs 1969, 1971, 1975 as given in ISC3 User's Guide Vol. II (EPA-454/B-95-003b),
    section 1.1.4, eqs. 1-7 to 1-20 (constants: group ``plume_rise_briggs``).
    """
    hs, ds, vs, ts, ta, us, k = np.broadcast_arrays(
        np.asarray(stack_height_m, float), np.asarray(diameter_m, float),
        np.asarray(exit_velocity_m_s, float), np.asarray(exit_temp_k, float),
        np.asarray(ambient_temp_k, float), np.asarray(wind_speed_m_s, float),
        stability_index(stability))
    if np.any(us <= 0):
        raise ValueError("wind speed at stack top must be > 0 m/s")
    h = stack_tip_downwash(hs, ds, vs, us) if downwash else hs.copy()
    fb = buoyancy_flux(vs, ds, ts, ta)
    fm = momentum_flux(vs, ds, ts, ta)
    dt = ts - ta
    split = _c("fb_split_m4_s3")
    small = fb < split
    # unstable / neutral
    dtc = np.where(small, _c("dtc_small_coef") * ts * vs ** (1 / 3) / ds ** (2 / 3),
                   _c("dtc_large_coef") * ts * vs ** (2 / 3) / ds ** (1 / 3))
    rise_b = np.where(small, _c("rise_small_coef") * fb ** _c("rise_small_exp"),
                      _c("rise_large_coef") * fb ** _c("rise_large_exp")) / us
    rise_m = _c("momentum_unstable_coef") * ds * vs / us
    rise_un = np.where(dt >= dtc, rise_b, rise_m)
    # stable
    if dtheta_dz_k_m is None:
        g = np.array([np.nan] * 4 + [value("plume_rise_briggs", "dtheta_dz_k_m", "E"),
                                     value("plume_rise_briggs", "dtheta_dz_k_m", "F")])[k]
    else:
        g = np.broadcast_to(np.asarray(dtheta_dz_k_m, float), k.shape)
    stable = np.isin(k, _STABLE)
    s = np.where(stable, _c("g_m_s2") * np.where(stable, g, 1.0) / ta, 1.0)
    dtc_s = _c("dtc_stable_coef") * ts * vs * np.sqrt(s)
    rise_sb = _c("buoyant_stable_coef") * (fb / (us * s)) ** (1 / 3)
    rise_sm = np.minimum(_c("momentum_stable_coef") * (fm / (us * np.sqrt(s))) ** (1 / 3), rise_m)
    rise_st = np.where(dt >= dtc_s, rise_sb, rise_sm)
    return h + np.where(stable, rise_st, rise_un)


def distance_to_final_rise(exit_velocity_m_s, diameter_m, exit_temp_k, ambient_temp_k):
    """Distance to final rise xf [m] for buoyant plumes in unstable/neutral air:
    49 Fb^(5/8) (Fb < 55) or 119 Fb^(2/5) (ISC3 vol. II eqs. 1-12, 1-13)."""
    fb = buoyancy_flux(exit_velocity_m_s, diameter_m, exit_temp_k, ambient_temp_k)
    return np.where(fb < _c("fb_split_m4_s3"), _c("xf_small_coef") * fb ** _c("xf_small_exp"),
                    _c("xf_large_coef") * fb ** _c("xf_large_exp"))
