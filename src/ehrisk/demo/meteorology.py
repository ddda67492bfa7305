"""Hourly surface meteorology at one station for 2023-2025 (local time, UTC+8).

A stochastic weather generator tuned to the East-China coast (Ningbo-Zhoushan): seasonal and
diurnal temperature cycles, a monsoon wind vector (winter NW, summer ESE) plus a daytime
sea breeze from the east and AR(1) synoptic perturbations, a Markov rain process with a
May-September wet season, relative humidity, pressure, cloud cover, ceiling and a mixing-height
estimate. All target magnitudes are read from the ``climate`` group of ``demo_magnitudes``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.demo._common import ar1, hourly_index, mag


def _rain(rng, doy, hour, n_days):
    """Hourly precipitation [mm]: daily wet/dry two-state Markov chain, wet hours within wet
    days, gamma amounts scaled to the annual total and the May-Sep share (``climate.*``)."""
    wet_frac = mag("climate.wet_hour_fraction")
    annual = mag("climate.precip_annual_mm")
    ms_share = mag("climate.precip_may_sep_fraction")
    d_doy = doy[::24]
    season = np.where((d_doy >= 121) & (d_doy <= 273), 1.0, 0.0)
    p_wet_day = 0.38 + 0.17 * season
    u = rng.uniform(size=n_days)
    wet_day = np.zeros(n_days, bool)
    for i in range(n_days):  # 1096 steps: cheap
        persist = 0.25 if (i > 0 and wet_day[i - 1]) else 0.0
        wet_day[i] = u[i] < min(p_wet_day[i] + persist, 0.9)
    p_hour = wet_frac / max(wet_day.mean(), 1e-9)
    wet_hour = np.repeat(wet_day, 24) & (rng.uniform(size=n_days * 24) < p_hour)
    amt = np.where(wet_hour, rng.gamma(0.7, 1.0, n_days * 24), 0.0)
    ms = np.repeat(season, 24) > 0
    # scale each half of the year to its share of the annual total (per year of data)
    years = n_days / 365.25
    for mask, share in ((ms, ms_share), (~ms, 1.0 - ms_share)):
        tot = amt[mask].sum()
        if tot > 0:
            amt[mask] *= share * annual * years / tot
    return np.round(amt, 1), wet_hour


def meteorology(rng: np.random.Generator, station_lon: float, station_lat: float) -> pd.DataFrame:
    """Hourly series at the district's surface station.

    Parameters
    ----------
    rng : numpy.random.Generator
    station_lon, station_lat : float
        Station position [deg].

    Returns
    -------
    DataFrame
        time (local, +08:00), wind_dir_deg (from, meteorological), wind_speed_m_s, temp_c,
        temp_k, rh_pct, pressure_hpa, precip_mm (last hour), cloud_cover_tenths (0-10, Chinese
        surface-observation convention), ceiling_height_m (blank = no ceiling, fewer than 6
        tenths), mixing_height_m.

    Notes
    -----
    Temperature: annual mean, July and January means from ``climate.*`` (a cosine through
    them, warmest near 25 July), diurnal range ``climate.t_diurnal_range_k`` (minimum 05 h,
    maximum 14 h), AR(1) anomalies. Wind: monsoon vector (``climate.wind_winter_from_deg`` in
    winter, ``climate.wind_summer_from_deg`` in summer), sea breeze from the east in the
    afternoon of the warm season, AR(1) perturbations. Mixing height: convective daytime growth
    to a seasonal maximum; at night the mechanical estimate h = c u*^1.5 (Venkatram 1980) with
    u* = ``climate.ustar_over_ws`` x wind speed.

    References
    ----------
    Venkatram A. 1980, Boundary-Layer Meteorol. 19:481-485 (stable mixing height).
    Climate magnitudes: see ``demo_magnitudes`` rows of group ``climate``.
    """
    t = hourly_index()
    n = len(t)
    n_days = n // 24
    doy = t.dayofyear.to_numpy().astype(float)
    hour = t.hour.to_numpy().astype(float)
    season = np.cos(2 * np.pi * (doy - 15.0) / 365.25)  # +1 mid-January, -1 mid-July

    # --- rain first (cloud, humidity and temperature respond to it)
    precip, wet = _rain(rng, doy, hour, n_days)

    # --- temperature
    t_mean = mag("climate.t_annual_mean_c")
    amp = (mag("climate.t_jul_mean_c") - mag("climate.t_jan_mean_c")) / 2.0
    dtr = mag("climate.t_diurnal_range_k")
    seasonal = t_mean + amp * np.cos(2 * np.pi * (doy - 206.0) / 365.25)
    diurnal = 0.5 * dtr * np.cos(2 * np.pi * (hour - 14.0) / 24.0)
    wet_damp = np.where(wet, 0.4, 1.0)
    anom = ar1(rng, n, 0.985, mag("climate.t_anomaly_sd_k"))[:, 0]

    # --- wind: monsoon + sea breeze + AR(1) perturbations, in (u, v) [m/s]
    def vec(from_deg):
        r = np.deg2rad(from_deg)
        return -np.sin(r), -np.cos(r)

    wu, wv = vec(mag("climate.wind_winter_from_deg"))
    su, sv = vec(mag("climate.wind_summer_from_deg"))
    m = mag("climate.monsoon_wind_m_s")
    wwin = np.clip(0.5 + 0.5 * season, 0, 1) ** 1.5
    wsum = np.clip(0.5 - 0.5 * season, 0, 1) ** 1.5
    u = m * (wwin * wu + wsum * su)
    v = m * (wwin * wv + wsum * sv)
    # sea breeze: from the east (sea lies east), afternoons, stronger in the warm season
    sb = mag("climate.sea_breeze_m_s") * np.clip(np.cos(2 * np.pi * (hour - 15.0) / 24.0), 0, 1) \
        * (0.6 - 0.4 * season)
    u = u - sb
    pert = ar1(rng, n, mag("climate.wind_ar1_hourly"), mag("climate.wind_perturbation_sd_m_s"), 2)
    u, v = u + pert[:, 0], v + pert[:, 1]
    ws = np.hypot(u, v)
    # daytime mixing raises surface wind; nights calmer
    ws = ws * (0.85 + 0.3 * np.clip(np.cos(2 * np.pi * (hour - 14.0) / 24.0), 0, 1))
    ws = np.maximum(ws, 0.2)
    wd = (np.rad2deg(np.arctan2(-u, -v)) + 360.0) % 360.0
    # cold-air outbreaks: strong northerly component -> colder (winter half-year)
    cold = np.clip(-v - 2.0, 0, None) * 0.6 * np.clip(season, 0, None)
    temp_c = seasonal + diurnal * wet_damp + anom - cold

    # --- cloud cover [tenths]
    cl = ar1(rng, n, 0.95, 1.0)[:, 0] + 0.3 * (1 - season) * 0.5
    cloud = np.clip(np.round(5.0 + 3.0 * cl + np.where(wet, 4.0, 0.0)), 0, 10)
    ceiling = np.where(cloud >= 6, np.round(np.where(wet, rng.uniform(300, 900, n),
                                                     rng.uniform(600, 3000, n)), -1), np.nan)

    # --- relative humidity [%]
    rh = mag("climate.rh_annual_mean_pct") - 2.0 + 6.0 * (-season) \
        - 12.0 * np.cos(2 * np.pi * (hour - 14.0) / 24.0) + 8.0 * ar1(rng, n, 0.97, 1.0)[:, 0] \
        + np.where(wet, 12.0, 0.0)
    rh = np.clip(np.round(rh), 25, 100)

    # --- pressure [hPa]
    pres = mag("climate.pressure_annual_mean_hpa") + mag("climate.pressure_seasonal_amplitude_hpa") \
        * season + 4.0 * ar1(rng, n, 0.99, 1.0)[:, 0] + 0.8 * np.cos(2 * np.pi * (hour - 10) / 12)

    # --- mixing height [m]
    hmax = mag("climate.mixing_height_day_max_winter_m") * (0.5 + 0.5 * season) + \
        mag("climate.mixing_height_day_max_summer_m") * (0.5 - 0.5 * season)
    conv = hmax * np.clip(np.sin(np.pi * (hour - 7.0) / 11.0), 0, 1) * (1 - 0.05 * cloud)
    mech = mag("climate.sbl_coef_m") * (mag("climate.ustar_over_ws") * ws) ** 1.5
    mh = np.clip(np.maximum(conv, mech), 50.0, 2500.0)

    return pd.DataFrame({
        "time": t,
        "wind_dir_deg": np.round(wd, 0) % 360.0,
        "wind_speed_m_s": np.round(ws, 1),
        "temp_c": np.round(temp_c, 1),
        "temp_k": np.round(temp_c + 273.15, 2),
        "rh_pct": rh,
        "pressure_hpa": np.round(pres, 1),
        "precip_mm": precip,
        "cloud_cover_tenths": cloud.astype(int),
        "ceiling_height_m": ceiling,
        "mixing_height_m": np.round(mh, 0),
    })
