"""Monitoring blend (监测数据融合): calibrate a modelled field with station observations, or
replace it with an interpolation of the stations.

Two calibrations, both anchored on the cell that contains each station and both fading to the
unchanged model beyond an influence radius R:

* **ratio adjustment**: C'(x) = C(x) exp(T(x) IDW_x[ln(O_i / M_i)])
* **residual interpolation**: C'(x) = max(0, C(x) + T(x) IDW_x[O_i - M_i])

with O_i the observed and M_i the modelled concentration at station i, IDW the inverse-distance
weighted mean (Shepard 1968, power p; exact at the stations) and T(x) = max_i (1 - d_i/R)+ a
taper that is 1 at a station and 0 farther than R from all stations. At each station cell the
blended value equals the observation; beyond R the model is unchanged.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ehrisk.mapping.field import ConcentrationField

METHODS = ("ratio", "residual_idw", "replace_idw")


def idw_weights(x_m, y_m, sx_m, sy_m, power: float = 2.0) -> np.ndarray:
    """Inverse-distance weights (n_points, n_stations), rows summing to 1; a point on a station
    takes that station's value exactly.

    Parameters
    ----------
    x_m, y_m : array_like
        Points [m].
    sx_m, sy_m : array_like
        Stations [m].
    power : float
        Distance exponent p [-].

    References
    ----------
    Shepard, D. (1968). A two-dimensional interpolation function for irregularly-spaced data.
    Proc. 23rd ACM National Conference, 517-524 (eq. for w_i = d_i^-p / sum d_j^-p).
    """
    dx = np.asarray(x_m, float)[:, None] - np.asarray(sx_m, float)[None, :]
    dy = np.asarray(y_m, float)[:, None] - np.asarray(sy_m, float)[None, :]
    d = np.hypot(dx, dy)
    on = d == 0
    with np.errstate(divide="ignore"):
        w = np.where(on, 0.0, d ** -power)
    hit = on.any(axis=1)
    w[hit] = on[hit].astype(float)
    return w / w.sum(axis=1, keepdims=True)


def taper(x_m, y_m, sx_m, sy_m, radius_m: float) -> np.ndarray:
    """T = max_i max(0, 1 - d_i / R) [-]: 1 at a station, 0 beyond R from every station."""
    d = np.hypot(np.asarray(x_m, float)[:, None] - np.asarray(sx_m, float)[None, :],
                 np.asarray(y_m, float)[:, None] - np.asarray(sy_m, float)[None, :])
    return np.clip(1.0 - d / radius_m, 0.0, None).max(axis=1)


def station_cells(fld: ConcentrationField, sx_m, sy_m) -> np.ndarray:
    """Index of the cell nearest to each station (the cell containing it, on a regular grid)."""
    cx = fld.cells["x_m"].to_numpy(float)
    cy = fld.cells["y_m"].to_numpy(float)
    d2 = (cx[None, :] - np.asarray(sx_m, float)[:, None]) ** 2 + \
         (cy[None, :] - np.asarray(sy_m, float)[:, None]) ** 2
    return np.argmin(d2, axis=1)


def blend(fld: ConcentrationField, stations: pd.DataFrame, method: str = "ratio",
          radius_m: float = 5000.0, power: float = 2.0) -> ConcentrationField:
    """Calibrate (or replace) a field with station observations.

    Parameters
    ----------
    fld : ConcentrationField
        Modelled field [ug/m3].
    stations : DataFrame
        Long table ``station_id, x_m, y_m, cas, conc_ug_m3`` (observed period means [ug/m3]) in
        the field's CRS.
    method : {"ratio", "residual_idw", "replace_idw"}
        ``replace_idw`` replaces the substance's column by the IDW interpolation of the
        stations (no model; the SRM no longer explains that column).
    radius_m : float
        Influence radius R of the calibration [m].
    power : float
        IDW exponent [-].

    Returns
    -------
    ConcentrationField
        With ``basis`` describing the blend and ``meta["blend"]`` the stations, observed and
        modelled values and factors.

    References
    ----------
    Shepard (1968) inverse-distance weighting; ratio (multiplicative bias) adjustment of
    dispersion results at monitors and residual interpolation as in model-monitor data fusion
    (e.g. US EPA Downscaler / eVNA "enhanced Voronoi neighbour averaging", Timin et al. 2010,
    which scales the model by interpolated observed/model ratios).
    """
    if method not in METHODS:
        raise ValueError(f"unknown blend method {method!r}; expected one of {', '.join(METHODS)}")
    if radius_m <= 0:
        raise ValueError("radius_m must be > 0")
    need = {"station_id", "x_m", "y_m", "cas", "conc_ug_m3"}
    if not need <= set(stations.columns):
        raise ValueError(f"stations need columns {sorted(need)}")
    conc = fld.conc_ug_m3.copy()
    cx = fld.cells["x_m"].to_numpy(float)
    cy = fld.cells["y_m"].to_numpy(float)
    info = []
    used_cas = []
    for cas, grp in stations.groupby("cas", sort=True):
        if cas not in fld.cas:
            continue
        k = fld.cas.index(cas)
        idx = station_cells(fld, grp["x_m"], grp["y_m"])
        sx, sy = cx[idx], cy[idx]
        obs = grp["conc_ug_m3"].to_numpy(float)
        mod = conc[idx, k]
        if method == "replace_idw":
            conc[:, k] = idw_weights(cx, cy, sx, sy, power) @ obs
        else:
            t = taper(cx, cy, sx, sy, radius_m)
            w = idw_weights(cx, cy, sx, sy, power)
            if method == "ratio":
                if np.any(mod <= 0) or np.any(obs <= 0):
                    raise ValueError(f"ratio adjustment of {cas}: observed and modelled values "
                                     "at stations must be > 0 (use residual_idw)")
                conc[:, k] = conc[:, k] * np.exp(t * (w @ np.log(obs / mod)))
            else:
                conc[:, k] = np.maximum(0.0, conc[:, k] + t * (w @ (obs - mod)))
        used_cas.append(cas)
        for sid, o, m, i in zip(grp["station_id"], obs, mod, idx, strict=True):
            info.append({"station_id": str(sid), "cas": cas, "observed_ug_m3": float(o),
                         "modelled_ug_m3": float(m), "ratio": float(o / m) if m > 0 else None,
                         "cell_id": str(fld.cells["cell_id"].iloc[i])})
    if not used_cas:
        raise ValueError("no station substance is in the field")
    n_st = stations["station_id"].nunique()
    if method == "replace_idw":
        basis = f"monitoring (IDW of {n_st} stations) for {', '.join(used_cas)}; modelled otherwise"
    else:
        what = "ratio adjustment" if method == "ratio" else "residual IDW"
        basis = (f"modelled + {what} at {n_st} stations (R = {radius_m:g} m) for "
                 f"{', '.join(used_cas)}")
    meta = dict(fld.meta)
    meta["blend"] = {"method": method, "radius_m": radius_m, "power": power,
                     "substances": used_cas, "stations": info}
    out = replace(fld, conc_ug_m3=conc, basis=basis, meta=meta)
    if method == "replace_idw":
        out = replace(out, srm=None, emission_g_s=None, sources=None)
    return out


def legend_text(fld: ConcentrationField) -> str:
    """Legend line saying how the concentrations were obtained (zh + en)."""
    b = fld.meta.get("blend")
    if not b:
        return "模型模拟 / modelled (Gaussian plume, long-term)"
    zh = {"ratio": "监测比值校准", "residual_idw": "监测残差插值校准",
          "replace_idw": "监测插值替代"}[b["method"]]
    return f"{zh} / {fld.basis}"
