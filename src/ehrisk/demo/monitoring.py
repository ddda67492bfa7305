"""Hourly air-quality monitoring (national-control style stations) and characteristic-pollutant
(VOC) stations near the parks, consistent with the demo meteorology.

Statistical model per pollutant: a seasonal cycle, a regional log-AR(1) component shared by all
stations, a local AR(1) component, ventilation (wind speed x mixing height), wind-direction
(continental vs marine air), rain washout and diurnal cycles; each series is then scaled so its
annual mean (O3: the 90th percentile of the daily maximum 8-h mean) matches the targets of
``demo_magnitudes`` (``aq.target.*``). Gaps of 1-72 h make about ``aq.missing_fraction`` of hours
missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.demo._common import ar1, mag, to_lonlat

POLLUTANTS = ("pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3", "o3_ug_m3")


def o3_mda8(o3_hourly: np.ndarray) -> np.ndarray:
    """Daily maximum 8-h running mean [same unit] of hourly series shaped (n_days*24,).

    8-h means ending at hours 07..23 of the same day (HJ 663 convention: a day's 8-h values are
    those whose window starts at 00-16 h), NaN-tolerant (needs 6 of 8 hours).
    """
    x = np.asarray(o3_hourly, dtype=float)
    n = x.size
    ok = np.isfinite(x)
    xv = np.where(ok, x, 0.0)
    c = np.concatenate([[0.0], np.cumsum(xv)])
    k = np.concatenate([[0], np.cumsum(ok)])
    s8 = c[8:] - c[:-8]
    k8 = k[8:] - k[:-8]
    m8 = np.where(k8 >= 6, s8 / np.maximum(k8, 1), np.nan)  # window starting at hour i
    start = np.arange(n - 7)
    hour = start % 24
    day = start // 24
    m8 = np.where(hour <= 16, m8, np.nan)
    out = np.full(n // 24, np.nan)
    df = pd.DataFrame({"d": day, "v": m8})
    g = df.groupby("d")["v"].max()
    out[g.index.to_numpy()] = g.to_numpy()
    return out


def stations(towns: pd.DataFrame, fr) -> pd.DataFrame:
    """Five air-quality stations: town centres of five towns (the park-side town included)."""
    rows = []
    for i, code in enumerate(["990101", "990102", "990103", "990105", "990106"]):
        t = towns.loc[towns.admin_code == code].iloc[0]
        x, y = t.x_m + 300.0 * (i % 2), t.y_m - 200.0 * ((i + 1) % 2)
        lon, lat = to_lonlat(x, y)
        rows.append(dict(station_id=f"AQ{i + 1:02d}", name_zh=f"{t.name_zh}站（虚构）",
                         name_en=f"{t.name_en} station (fictional)", kind="ambient",
                         lon=float(lon), lat=float(lat), x_m=float(x), y_m=float(y)))
    return pd.DataFrame(rows)


def _gaps(rng, n, frac):
    miss = np.zeros(n, bool)
    target = int(frac * n)
    while miss.sum() < target:
        start = int(rng.integers(0, n))
        length = int(min(rng.geometric(1 / 8.0), 72))
        miss[start:start + length] = True
    return miss


def _scale_to(x, target, stat=np.nanmean):
    return x * (target / stat(x))


def air_quality(met: pd.DataFrame, st: pd.DataFrame, parks: pd.DataFrame,
                rng: np.random.Generator) -> pd.DataFrame:
    """Hourly PM2.5, PM10, SO2, NO2 [ug/m3], CO [mg/m3] and O3 [ug/m3] at each station.

    Parameters
    ----------
    met : DataFrame from :func:`ehrisk.demo.meteorology.meteorology`
    st : DataFrame of stations (station_id, x_m, y_m)
    parks : DataFrame with park_id, x_m, y_m (park centroids, UTM 51N) and so2_t_yr
    rng : numpy.random.Generator

    Returns
    -------
    DataFrame
        station_id, time, pm25_ug_m3, pm10_ug_m3, so2_ug_m3, no2_ug_m3, co_mg_m3, o3_ug_m3
        (NaN = missing). ug/m3 values are whole numbers, CO to 0.1 mg/m3, as published.
    """
    n = len(met)
    ns = len(st)
    t = met["time"]
    doy = t.dt.dayofyear.to_numpy().astype(float)
    hour = t.dt.hour.to_numpy().astype(float)
    season = np.cos(2 * np.pi * (doy - 15.0) / 365.25)
    ws = met["wind_speed_m_s"].to_numpy()
    wd = met["wind_dir_deg"].to_numpy()
    mh = met["mixing_height_m"].to_numpy()
    rain = met["precip_mm"].to_numpy()
    temp = met["temp_c"].to_numpy()
    cloud = met["cloud_cover_tenths"].to_numpy()

    vent = np.clip(np.sqrt(np.median(ws * mh) / np.maximum(ws * mh, 50.0)), 0.4, 3.0)
    rain6 = pd.Series(rain).rolling(6, min_periods=1).sum().to_numpy()
    wash = np.clip(1.0 - mag("aq.washout_per_mm") * rain6, 0.4, 1.0)
    continental = np.exp(0.3 * np.cos(np.deg2rad(wd - mag("climate.wind_winter_from_deg"))))
    seas_pm = np.exp(0.5 * np.log(mag("aq.pm25_winter_summer_ratio")) * season)
    regional = np.exp(ar1(rng, n, 0.985, 0.45)[:, 0])
    local = np.exp(ar1(rng, n, 0.9, 0.2, ns))
    diurnal_pm = 1.0 + 0.08 * np.cos(2 * np.pi * (hour - 9.0) / 12.0)
    station_f = 1.0 + 0.12 * rng.uniform(-1, 1, ns)

    common = seas_pm * vent * wash * continental * regional * diurnal_pm
    pm25 = common[:, None] * local * station_f[None, :]
    pm25 = _scale_to(pm25, mag("aq.target.pm25_annual_ug_m3"))

    coarse = pm25 * (1.0 / mag("aq.pm25_pm10_ratio") - 1.0) * \
        np.exp(ar1(rng, n, 0.9, 0.3, ns)) * (0.8 + 0.08 * ws)[:, None] * wash[:, None]
    pm10 = pm25 + (coarse * (mag("aq.target.pm10_annual_ug_m3") - np.nanmean(pm25)) /
                   np.nanmean(coarse))

    traffic = 1.0 + 0.35 * np.exp(-0.5 * ((hour - 8.0) / 1.5) ** 2) + \
        0.45 * np.exp(-0.5 * ((hour - 19.0) / 2.0) ** 2)
    no2 = (np.exp(0.3 * season) * vent ** 0.8 * traffic * wash ** 0.5)[:, None] * \
        np.exp(ar1(rng, n, 0.95, 0.3, ns)) * station_f[None, :]
    no2 = _scale_to(no2, mag("aq.target.no2_annual_ug_m3"))

    # SO2: background + plumes from the parks (weighted by their SO2 emissions) when the wind
    # blows from a park towards the station
    so2 = (np.exp(0.2 * season) * vent)[:, None] * np.exp(ar1(rng, n, 0.95, 0.35, ns))
    for p in parks.itertuples():
        dx = st["x_m"].to_numpy() - p.x_m
        dy = st["y_m"].to_numpy() - p.y_m
        dist = np.hypot(dx, dy)
        bearing_to = (np.rad2deg(np.arctan2(dx, dy)) + 360.0) % 360.0  # direction park->station
        wind_to = (wd + 180.0) % 360.0
        dang = (wind_to[:, None] - bearing_to[None, :] + 180.0) % 360.0 - 180.0
        q_g_s = float(units.t_yr_to_g_s(p.so2_t_yr))
        plume = q_g_s * np.exp(-0.5 * (dang / 20.0) ** 2) / (
            np.maximum(ws, 0.5)[:, None] * np.maximum(mh, 100.0)[:, None] * (0.35 * dist[None, :]))
        so2 = so2 + plume * 1e6 / 4.0  # g/m3 -> ug/m3, with loss to the sea/dilution (design)
    so2 = _scale_to(so2, mag("aq.target.so2_annual_ug_m3"))

    co = (0.5 + 0.5 * pm25 / np.nanmean(pm25)) * np.exp(ar1(rng, n, 0.9, 0.15, ns))
    co = _scale_to(co, mag("aq.target.co_annual_mg_m3"))

    # O3: background + photochemical production (sunlight, temperature, cloud) - NO titration
    sun = np.clip(np.sin(np.pi * (hour - 6.0) / 13.0), 0, None) * \
        (1.0 + 0.35 * np.cos(2 * np.pi * (doy - 172.0) / 365.25))
    photo = sun * (1.0 - 0.07 * cloud) * np.exp(0.035 * (temp - 20.0)) * \
        np.where(rain > 0, 0.5, 1.0)
    o3 = (30.0 + 150.0 * photo)[:, None] * np.exp(ar1(rng, n, 0.98, 0.3, ns)) - \
        0.6 * (no2 - np.nanmean(no2))
    o3 = np.clip(o3, 2.0, None)
    p90 = np.nanmean([np.nanpercentile(o3_mda8(o3[:, j]), 90) for j in range(ns)])
    o3 = o3 * mag("aq.target.o3_8h_p90_ug_m3") / p90

    frames = []
    for j, sid in enumerate(st["station_id"]):
        miss_all = _gaps(rng, n, mag("aq.missing_fraction") * 0.6)
        d = {"station_id": sid, "time": t}
        for name, arr, nd in (("pm25_ug_m3", pm25, 0), ("pm10_ug_m3", pm10, 0),
                              ("so2_ug_m3", so2, 0), ("no2_ug_m3", no2, 0),
                              ("co_mg_m3", co, 1), ("o3_ug_m3", o3, 0)):
            miss = miss_all | _gaps(rng, n, mag("aq.missing_fraction") * 0.4)
            v = np.round(np.maximum(arr[:, j], 10.0 ** -nd), nd)
            d[name] = np.where(miss, np.nan, v)
        frames.append(pd.DataFrame(d))
    return pd.concat(frames, ignore_index=True)


VOC_SPECIES = (("71-43-2", "benzene_ug_m3"), ("108-88-3", "toluene_ug_m3"),
               ("1330-20-7", "xylenes_ug_m3"))


def voc_stations(parks: pd.DataFrame) -> pd.DataFrame:
    """One characteristic-pollutant station 1.2 km west (inland side) of each park centroid."""
    rows = []
    for i, p in enumerate(parks.itertuples()):
        x, y = p.x_m - 1200.0, p.y_m + 300.0
        lon, lat = to_lonlat(x, y)
        rows.append(dict(station_id=f"VOC{i + 1:02d}", name_zh=f"{p.name_zh}边界特征污染物站",
                         name_en=f"{p.name_en} fence-line VOC station", kind="voc",
                         park_id=p.park_id, lon=float(lon), lat=float(lat), x_m=float(x),
                         y_m=float(y)))
    return pd.DataFrame(rows)


def voc(met: pd.DataFrame, vst: pd.DataFrame, parks: pd.DataFrame,
        rng: np.random.Generator) -> pd.DataFrame:
    """Hourly benzene, toluene and xylenes [ug/m3] at the VOC stations.

    c = background (``voc.background.<cas>``) x diurnal/ventilation factor x lognormal noise
        + sum over parks of q / (u * h * 0.35 x) * exp(-0.5 (dtheta / 20 deg)^2)
    where q [g/s] is the park's yearly air emission of the species (2023, all enterprises,
    ``units.t_yr_to_g_s``), u wind speed [m/s], h mixing height [m], x distance [m] and
    dtheta the angle between the wind and the park->station bearing: a crude sector-averaged
    box model, enough to make concentrations respond to wind direction and emissions.

    Returns
    -------
    DataFrame
        station_id, park_id, time, benzene_ug_m3, toluene_ug_m3, xylenes_ug_m3.
    """
    n = len(met)
    ws = np.maximum(met["wind_speed_m_s"].to_numpy(), 0.5)
    wd = met["wind_dir_deg"].to_numpy()
    mh = np.maximum(met["mixing_height_m"].to_numpy(), 100.0)
    vent = np.clip(np.sqrt(np.median(ws * mh) / (ws * mh)), 0.4, 3.0)
    frames = []
    for s in vst.itertuples():
        d = {"station_id": s.station_id, "park_id": s.park_id, "time": met["time"]}
        for cas, col in VOC_SPECIES:
            c = mag(f"voc.background.{cas}") * vent * np.exp(ar1(rng, n, 0.9, 0.35)[:, 0])
            for p in parks.itertuples():
                q = float(units.t_yr_to_g_s(getattr(p, f"voc_{cas.replace('-', '_')}_t_yr")))
                if q <= 0:
                    continue
                dx, dy = s.x_m - p.x_m, s.y_m - p.y_m
                dist = max(float(np.hypot(dx, dy)), 300.0)
                bearing = (np.rad2deg(np.arctan2(dx, dy)) + 360.0) % 360.0
                dang = ((wd + 180.0) % 360.0 - bearing + 180.0) % 360.0 - 180.0
                c = c + 1e6 * q * np.exp(-0.5 * (dang / 20.0) ** 2) / (ws * mh * 0.35 * dist)
            miss = _gaps(rng, n, mag("aq.missing_fraction"))
            d[col] = np.where(miss, np.nan, np.round(c, 2))
        frames.append(pd.DataFrame(d))
    return pd.concat(frames, ignore_index=True)
