"""HJ 941-2018 inputs (storages, management, sensitivity) from inventory tables. Pure:
DataFrames in, DataFrames out; the same functions serve the demo, the database and files.

**Population within 5 km and 500 m** (HJ 941-2018 表4) is one spatial join for every path:
candidate (enterprise, population cell) pairs come from a k-d tree on the metric coordinates
(``x_m, y_m`` in the inventory's metric CRS, searched with a margin of
:data:`PROJECTED_SEARCH_MARGIN`), and a cell counts when the **geodesic distance on the WGS 84
ellipsoid** (:class:`pyproj.Geod`, Karney 2013) from the enterprise point to the cell centre is
at most the radius. The result therefore does not depend on which UTM zone the study is
projected in, and it equals the geodesic distances the enterprise file (一企一档) prints. The
standard counts from the plant boundary; the enterprise point is a simplification.

**Water E flags** (HJ 941-2018 表8) need a river network that inventories rarely have.
:func:`water_flags_by_distance` approximates "a drinking-water source within 10 km downstream"
by a drinking-water-source receptor within 10 km (geodesic, straight line) of an outfall that
discharges directly to a river; indirect discharge (to a sewage plant) and discharge to the sea
set no flag. Flags given by the user in ``risk_management`` (columns of
:data:`ehrisk.grading.hj941_2018.WATER_E_FLAGS` and ``special_area_5km``) override the
approximation wherever they are filled in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Geod
from scipy.spatial import cKDTree

from ehrisk.grading.hj941_2018 import WATER_E_FLAGS, e_param

GEOD = Geod(ellps="WGS84")
"""The WGS 84 ellipsoid for geodesic distances."""
PROJECTED_SEARCH_MARGIN = 1.10
"""Candidate pairs are searched within ``radius * 1.10`` in the metric CRS: the transverse
Mercator scale factor k = 0.9996 / sqrt(1 - (cos(lat) sin(dlon))^2) is 0.9996-1.001 inside a
UTM zone and stays below 1.10 up to about 24 degrees of longitude from the central meridian, so
no pair within the geodesic radius is missed."""
RIVER_WORDS = ("河", "river", "江", "溪")
SENSITIVITY_FLAGS = ("special_area_5km", *WATER_E_FLAGS)
"""Sensitivity flags a user may give per enterprise (in ``risk_management``)."""
PROCESS_COUNTS = ("n_hazardous_process_sets", "n_other_process_sets", "n_tank_farms",
                  "n_phase_out_sets")


def _bool_or_nan(s: pd.Series) -> pd.Series:
    """True/False where given (bool, 1/0, true/false, 是/否), NaN where blank."""
    words = {"true": True, "1": True, "yes": True, "是": True, "y": True,
             "false": False, "0": False, "no": False, "否": False, "n": False}

    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return np.nan
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        t = str(v).strip().lower()
        if t in ("", "nan", "none"):
            return np.nan
        if t not in words:
            raise ValueError(f"not a yes/no value: {v!r}")
        return words[t]
    return s.map(one).astype(object)


def population_within(points_xy_m, points_lonlat_deg, cells_xy_m, cells_lonlat_deg, cell_pop,
                      radius_m: float) -> np.ndarray:
    """Persons in population cells whose centre lies within ``radius_m`` (geodesic) of each
    point.

    Parameters
    ----------
    points_xy_m, cells_xy_m : array_like, shape (E, 2) and (C, 2)
        Metric coordinates [m] of the points and cell centres in one projected CRS (only used
        to find candidate pairs).
    points_lonlat_deg, cells_lonlat_deg : array_like, shape (E, 2) and (C, 2)
        The same points as lon, lat [deg] (WGS 84); the distance that decides.
    cell_pop : array_like, shape (C,)
        Persons per cell [persons].
    radius_m : float
        Radius [m] (HJ 941-2018 表4: 5 000 m and 500 m).

    Returns
    -------
    ndarray, shape (E,)
        Persons [persons]; NaN for a point without coordinates.

    References
    ----------
    HJ 941-2018 §6.3 表4 (radii); geodesic distance on the WGS 84 ellipsoid after Karney
    (2013), J. Geodesy 87:43-55, as implemented by PROJ's ``geod`` (:class:`pyproj.Geod`).
    """
    pxy = np.atleast_2d(np.asarray(points_xy_m, dtype=float))
    pll = np.atleast_2d(np.asarray(points_lonlat_deg, dtype=float))
    cxy = np.atleast_2d(np.asarray(cells_xy_m, dtype=float))
    cll = np.atleast_2d(np.asarray(cells_lonlat_deg, dtype=float))
    pop = np.asarray(cell_pop, dtype=float)
    if radius_m < 0 or not np.isfinite(radius_m):
        raise ValueError(f"radius must be finite and >= 0, got {radius_m}")
    out = np.full(len(pxy), np.nan)
    ok_p = np.isfinite(pxy).all(axis=1) & np.isfinite(pll).all(axis=1)
    ok_c = np.isfinite(cxy).all(axis=1) & np.isfinite(cll).all(axis=1) & np.isfinite(pop)
    out[ok_p] = 0.0
    if not ok_c.any() or not ok_p.any():
        return out
    ci = np.flatnonzero(ok_c)
    tree = cKDTree(cxy[ci])
    for i in np.flatnonzero(ok_p):
        cand = ci[tree.query_ball_point(pxy[i], radius_m * PROJECTED_SEARCH_MARGIN + 1.0)]
        if len(cand) == 0:
            continue
        _, _, d = GEOD.inv(np.full(len(cand), pll[i, 0]), np.full(len(cand), pll[i, 1]),
                           cll[cand, 0], cll[cand, 1])
        out[i] = float(pop[cand][np.asarray(d) <= radius_m].sum())
    return out


def air_sensitivity(enterprises: pd.DataFrame, population_grid: pd.DataFrame | None
                    ) -> pd.DataFrame:
    """Population within 5 km and 500 m of each enterprise point (:func:`population_within`).

    Parameters
    ----------
    enterprises : DataFrame
        ``credit_code``, ``lon``, ``lat`` [deg], ``x_m``, ``y_m`` [m].
    population_grid : DataFrame or None
        ``lon``, ``lat`` [deg], ``x_m``, ``y_m`` [m] of cell centres (same metric CRS),
        ``pop_persons`` [persons]. None: no population (0 persons, E3 unless flagged).

    Returns
    -------
    DataFrame
        ``credit_code``, ``pop_5km``, ``pop_500m`` [persons].

    References
    ----------
    HJ 941-2018 §6.3 表4 (radii ``radius_5km_km`` and ``radius_500m_km`` of the table
    ``hj941_2018_scores``).
    """
    pxy = enterprises[["x_m", "y_m"]].to_numpy(float)
    pll = enterprises[["lon", "lat"]].to_numpy(float)
    out = pd.DataFrame({"credit_code": enterprises["credit_code"].to_numpy()})
    if population_grid is None or len(population_grid) == 0:
        out["pop_5km"] = np.where(np.isfinite(pll).all(axis=1), 0.0, np.nan)
        out["pop_500m"] = out["pop_5km"]
        return out
    g = population_grid
    args = (pxy, pll, g[["x_m", "y_m"]].to_numpy(float), g[["lon", "lat"]].to_numpy(float),
            g["pop_persons"].to_numpy(float))
    out["pop_5km"] = population_within(*args, e_param("radius_5km_km") * 1000.0)
    out["pop_500m"] = population_within(*args, e_param("radius_500m_km") * 1000.0)
    return out


def water_flags_by_distance(enterprises: pd.DataFrame, outfalls: pd.DataFrame | None,
                            receptors: pd.DataFrame | None) -> pd.DataFrame:
    """Water E flag "drinking-water source within 10 km downstream" by straight-line distance
    (approximation without a river network, see the module docstring).

    Parameters
    ----------
    enterprises : DataFrame
        ``credit_code``.
    outfalls : DataFrame or None
        ``credit_code``, ``discharge_type`` (``direct``/``indirect``), ``receiving_water``
        (name; a river when it contains 河/江/溪/river), ``lon``, ``lat`` [deg].
    receptors : DataFrame or None
        ``type`` (``drinking_water_source``), ``lon``, ``lat`` [deg].

    Returns
    -------
    DataFrame
        ``credit_code``, ``drinking_water_10km_downstream`` (bool).

    References
    ----------
    HJ 941-2018 §7.3 表8 (E1: drinking-water source within the downstream distance
    ``downstream_distance_km`` of the table ``hj941_2018_scores``); geodesic distance on the
    WGS 84 ellipsoid (Karney 2013).
    """
    codes = enterprises["credit_code"].to_numpy()
    flag = pd.Series(False, index=codes)
    need_of = {"credit_code", "discharge_type", "receiving_water", "lon", "lat"}
    if outfalls is not None and len(outfalls) and need_of <= set(outfalls.columns) and \
            receptors is not None and len(receptors):
        dw = receptors[receptors["type"] == "drinking_water_source"]
        dw = dw[np.isfinite(dw[["lon", "lat"]].to_numpy(float)).all(axis=1)]
        river = outfalls["receiving_water"].fillna("").astype(str).str.lower().str.contains(
            "|".join(RIVER_WORDS))
        direct = outfalls[(outfalls["discharge_type"].astype(str) == "direct") & river]
        direct = direct[np.isfinite(direct[["lon", "lat"]].to_numpy(float)).all(axis=1)]
        if len(direct) and len(dw):
            a = np.repeat(direct[["lon", "lat"]].to_numpy(float), len(dw), axis=0)
            b = np.tile(dw[["lon", "lat"]].to_numpy(float), (len(direct), 1))
            _, _, d = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
            near = (np.asarray(d).reshape(len(direct), len(dw))
                    <= e_param("downstream_distance_km") * 1000.0).any(axis=1)
            hit = set(direct["credit_code"].to_numpy()[near])
            flag.loc[flag.index.isin(hit)] = True
    return pd.DataFrame({"credit_code": codes, "drinking_water_10km_downstream":
                         flag.to_numpy(dtype=bool)})


def management_table(enterprises: pd.DataFrame, risk_management: pd.DataFrame | None
                     ) -> tuple[pd.DataFrame, list[str]]:
    """One management row per enterprise of ``enterprises`` (HJ 941-2018 M inputs).

    Enterprises without a ``risk_management`` row get a row with only ``credit_code``: no
    process sets and the defaults of :data:`ehrisk.grading.hj941_2018.MANAGEMENT_DEFAULTS`
    for the air measures; a missing water measure counts as not in place (see
    :func:`ehrisk.grading.hj941_2018.m_score`).

    Returns
    -------
    (DataFrame, list of str)
        The management table and the credit codes that had no row.

    References
    ----------
    HJ 941-2018 §6.2 表1/表2 and §7.2 表5 (M inputs).
    """
    codes = enterprises[["credit_code"]].drop_duplicates()
    if risk_management is None or len(risk_management) == 0:
        return codes.reset_index(drop=True), codes["credit_code"].astype(str).tolist()
    rm = risk_management.drop(columns=[c for c in ("process_units", *SENSITIVITY_FLAGS)
                                       if c in risk_management.columns])
    rm = rm.drop_duplicates("credit_code", keep="last")
    mg = codes.merge(rm, on="credit_code", how="left")
    missing = sorted(set(codes["credit_code"]) - set(rm["credit_code"]))
    for c in PROCESS_COUNTS:
        if c in mg.columns:
            mg[c] = pd.to_numeric(mg[c], errors="coerce").fillna(0).astype(int)
    for c in mg.columns:
        if c.startswith("water_") and c not in ("water_events_3yr",) or c in (
                "toxic_gas_leak_monitoring", "protection_distance_ok", "penalised_3yr"):
            v = _bool_or_nan(mg[c])
            default = {"toxic_gas_leak_monitoring": True, "protection_distance_ok": True,
                       "penalised_3yr": False}.get(c, False)
            mg[c] = v.where(v.notna(), default).astype(bool)
    for c in ("air_events_3yr", "water_events_3yr"):
        if c in mg.columns:
            mg[c] = mg[c].where(mg[c].notna() & (mg[c].astype(str).str.strip() != ""), "none")
    return mg.reset_index(drop=True), [str(c) for c in missing]


def hj941_inputs(enterprises: pd.DataFrame, storages: pd.DataFrame | None,
                 risk_management: pd.DataFrame | None, outfalls: pd.DataFrame | None,
                 receptors: pd.DataFrame | None, population_grid: pd.DataFrame | None
                 ) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], dict]:
    """``(storages, management, sensitivity)`` for
    :func:`ehrisk.grading.hj941_2018.grade_hj941_2018` from inventory tables, and notes on
    what was missing.

    Closed enterprises (``status == "closed"``) are left out. Population by
    :func:`air_sensitivity`; water flags by :func:`water_flags_by_distance`, overridden per
    enterprise by the flags of ``risk_management`` where filled in (also ``special_area_5km``).

    Returns
    -------
    ((storages, management, sensitivity), notes)
        ``notes``: ``no_storages`` (bool: every Q is 0), ``no_management`` (credit codes
        without a risk-management row), ``user_flags`` (number of enterprise flags given),
        ``no_population`` (bool).

    References
    ----------
    HJ 941-2018 §6 (air: Q, M 表1/表2, E 表4), §7 (water: Q, M 表5, E 表8).
    """
    ent = enterprises
    if "status" in ent.columns:
        ent = ent[ent["status"].astype(str) != "closed"]
    ent = ent.reset_index(drop=True)
    if storages is None or len(storages) == 0:
        sto = pd.DataFrame({"credit_code": pd.Series(dtype=str), "cas": pd.Series(dtype=str),
                            "max_quantity_t": pd.Series(dtype=float)})
    else:
        sto = storages[storages["credit_code"].isin(ent["credit_code"])][
            ["credit_code", "cas", "max_quantity_t"]].reset_index(drop=True)
    mg, no_mg = management_table(ent, risk_management)
    sens = air_sensitivity(ent, population_grid).merge(
        water_flags_by_distance(ent, outfalls, receptors), on="credit_code")
    n_user = 0
    if risk_management is not None and len(risk_management):
        given = [c for c in SENSITIVITY_FLAGS if c in risk_management.columns]
        if given:
            rm = risk_management.drop_duplicates("credit_code", keep="last").set_index(
                "credit_code")
            for c in given:
                user = sens["credit_code"].map(_bool_or_nan(rm[c]))
                if c not in sens.columns:
                    sens[c] = False
                filled = user.notna()
                n_user += int(filled.sum())
                sens[c] = np.where(filled, user, sens[c]).astype(bool)
    notes = {"no_storages": bool(len(sto) == 0), "no_management": no_mg,
             "user_flags": n_user,
             "no_population": population_grid is None or len(population_grid) == 0}
    return (sto, mg, sens), notes
