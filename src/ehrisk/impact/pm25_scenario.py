"""PM2.5 health burden and a policy what-if on a region (环境—经济—健康后评估 on a grid).

The exposure surface is the modelled PM2.5 of the inventory's sources (unit-emission
source-receptor matrices of :mod:`ehrisk.mapping.field`) plus a uniform regional background
calibrated on the monitoring stations::

    C(cell) = B + sum_s SRM[cell, s] Q_s,   B = max(0, mean_k (C_obs,k - C_model,k))

(the additive "model + monitor residual" fusion; the mean residual over the stations is the
part of PM2.5 the inventory does not explain - regional transport and secondary aerosol).
The what-if lowers the emissions of the chosen sources by a fraction r; by superposition
(ISC3 User's Guide vol. II, EPA-454/B-95-003b) the after surface is C - r x C_chosen.

Health: attributable deaths at the base year and avoided deaths of the what-if with the CRF's
health impact function (BenMAP-CE User Manual, Appendix C; GEMM: Burnett et al. 2018, PNAS
115(38):9592-9597), Monte Carlo over the CRF coefficient, and value by a VSL (see
:mod:`ehrisk.impact.valuation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ehrisk.impact.hif import CRF, attributable_to_level, draw_coefficients
from ehrisk.impact.post_evaluation import PERCENTILES, post_evaluation
from ehrisk.units import per_day_to_per_year

PM25_ID = "X-PM2.5"


@dataclass
class Pm25Surface:
    """PM2.5 annual-mean surface on the grid and its parts.

    Attributes
    ----------
    cells : DataFrame
        ``cell_id, x_m, y_m`` [m].
    population : ndarray
        Residents per cell [persons].
    modelled_ug_m3 : ndarray
        Modelled contribution of all inventory sources [ug/m3].
    chosen_ug_m3 : ndarray
        Modelled contribution of the sources the what-if acts on [ug/m3].
    background_ug_m3 : float
        Uniform background from the stations [ug/m3].
    stations : DataFrame
        ``station_id, observed_ug_m3, modelled_ug_m3, residual_ug_m3``.
    """

    cells: pd.DataFrame
    population: np.ndarray
    modelled_ug_m3: np.ndarray
    chosen_ug_m3: np.ndarray
    background_ug_m3: float
    stations: pd.DataFrame

    @property
    def total_ug_m3(self) -> np.ndarray:
        """Background plus modelled [ug/m3]."""
        return self.background_ug_m3 + self.modelled_ug_m3


def background_from_stations(observed_ug_m3, modelled_ug_m3) -> float:
    """Uniform background B = max(0, mean(observed - modelled)) over the stations [ug/m3].

    Parameters
    ----------
    observed_ug_m3, modelled_ug_m3 : array_like
        Annual means at the stations: measured, and modelled from the inventory [ug/m3].
    """
    o = np.asarray(observed_ug_m3, dtype=float)
    m = np.asarray(modelled_ug_m3, dtype=float)
    ok = np.isfinite(o) & np.isfinite(m)
    if not ok.any():
        raise ValueError("no station with an observed and a modelled annual mean")
    return float(max(0.0, np.mean(o[ok] - m[ok])))


def crude_rate_per_person_yr(daily_deaths, population: float) -> float:
    """Crude death rate [deaths/person/yr] = mean daily deaths x 365.25 / population."""
    d = np.asarray(daily_deaths, dtype=float)
    d = d[np.isfinite(d)]
    if len(d) == 0 or population <= 0:
        raise ValueError("need daily deaths and a positive population")
    return float(per_day_to_per_year(d.mean()) / population)


def burden(surface_ug_m3, population, y0_per_person_yr, crf: CRF, n_draws: int = 1000,
           seed: int = 0) -> tuple[dict, np.ndarray]:
    """Deaths attributable to exposure above the CRF's counterfactual.

    Returns the totals (central and 2.5/50/97.5 percentiles over the CRF coefficient) and the
    central value per cell: y0 x pop x (RR - 1)/RR (WHO AirQ+ attributable proportion;
    BenMAP-CE Appendix C).
    """
    c = np.asarray(surface_ug_m3, dtype=float)
    pop = np.asarray(population, dtype=float)
    cells = attributable_to_level(crf, y0_per_person_yr, pop, c)
    draws = draw_coefficients(crf, n_draws, seed)
    mc = attributable_to_level(crf, y0_per_person_yr, pop[None, :], c[None, :],
                               coef=draws[:, None]).sum(axis=1)
    lo, mid, hi = np.percentile(mc, PERCENTILES)
    total = float(cells.sum())
    baseline = float(np.sum(pop * y0_per_person_yr))
    return ({"attributable_deaths": total, "attributable_lo": float(lo),
             "attributable_p50": float(mid), "attributable_hi": float(hi),
             "baseline_deaths": baseline,
             "attributable_fraction": total / baseline if baseline else None}, cells)


def scenario(surface: Pm25Surface, reduction: float, y0_per_person_yr: float, crf: CRF,
             unit_value: float | None = None, n_draws: int = 1000, seed: int = 0
             ) -> tuple[dict, pd.DataFrame]:
    """Base-year burden and the avoided deaths when the chosen sources cut PM2.5 emissions by
    ``reduction`` (0-1).

    Returns
    -------
    summary : dict
        ``background_ug_m3``, the burden (:func:`burden`) and the post-evaluation totals
        (:func:`ehrisk.impact.post_evaluation.post_evaluation`).
    cells : DataFrame
        Per cell: ``cell_id, x_m, y_m, population, before_ug_m3, after_ug_m3, delta_ug_m3,
        attributable_deaths, avoided_cases, avoided_lo, avoided_hi`` (+ ``value``).
    """
    if not 0.0 <= reduction <= 1.0:
        raise ValueError(f"reduction must be within 0-1, got {reduction}")
    before = surface.total_ug_m3
    after = before - reduction * surface.chosen_ug_m3
    summ, per_cell = post_evaluation(before, after, surface.population, y0_per_person_yr, crf,
                                     unit_value, n_draws, seed,
                                     cell_ids=surface.cells["cell_id"].to_numpy())
    b_summ, b_cells = burden(before, surface.population, y0_per_person_yr, crf, n_draws, seed)
    per_cell.insert(1, "x_m", surface.cells["x_m"].to_numpy())
    per_cell.insert(2, "y_m", surface.cells["y_m"].to_numpy())
    per_cell["attributable_deaths"] = b_cells
    summ = {"background_ug_m3": surface.background_ug_m3, "reduction": reduction,
            "y0_per_person_yr": y0_per_person_yr, "burden": b_summ, **summ}
    return summ, per_cell


def surface_from_field(fld, population_grid: pd.DataFrame, enterprises: pd.DataFrame,
                       stations: pd.DataFrame, air_hourly: pd.DataFrame, year: int,
                       parks: list[str] | None = None) -> Pm25Surface:
    """PM2.5 surface from a modelled PM2.5 field and the monitoring stations.

    Parameters
    ----------
    fld : ehrisk.mapping.field.ConcentrationField
        Long-term field of the inventory's PM2.5 sources (first substance = PM2.5) with its
        source-receptor matrix, in a metric CRS.
    population_grid : DataFrame
        ``x_m, y_m, pop_persons`` (a regular grid in the field's CRS).
    enterprises : DataFrame
        ``credit_code, park_id``.
    stations : DataFrame
        Air-quality stations ``station_id, x_m, y_m`` [m, field CRS].
    air_hourly : DataFrame
        Hourly station table (``station_id, time, pm25_ug_m3``).
    year : int
        Year of the station annual means (the inventory year).
    parks : list of str, optional
        The what-if acts on the sources of enterprises in these parks (None or empty: all).
    """
    from ehrisk.mapping.blend import station_cells
    from ehrisk.mapping.run import population_to_cells

    modelled = fld.conc_ug_m3[:, 0]
    codes = fld.sources["credit_code"].to_numpy()
    if parks:
        chosen_codes = set(enterprises.loc[enterprises["park_id"].isin(parks), "credit_code"])
        mask = np.isin(codes, list(chosen_codes))
    else:
        mask = np.ones(len(codes), bool)
    q = fld.emission_g_s[:, 0] * mask
    chosen = np.asarray(fld.srm @ q).ravel()
    pg = population_grid
    pres = float(np.median(np.diff(np.unique(pg["x_m"]))))
    pop = population_to_cells(fld.cells, pg["x_m"], pg["y_m"], pg["pop_persons"], pres,
                              fld.resolution_m)
    aq = air_hourly[pd.to_datetime(air_hourly["time"]).dt.year == int(year)]
    obs = aq.groupby("station_id")["pm25_ug_m3"].mean().dropna()
    st = stations[stations["station_id"].isin(obs.index)].dropna(subset=["x_m", "y_m"])
    idx = station_cells(fld, st["x_m"].to_numpy(float), st["y_m"].to_numpy(float))
    out = pd.DataFrame({"station_id": st["station_id"].to_numpy(),
                        "observed_ug_m3": obs.loc[st["station_id"]].to_numpy(),
                        "modelled_ug_m3": modelled[idx]})
    out["residual_ug_m3"] = out["observed_ug_m3"] - out["modelled_ug_m3"]
    bg = background_from_stations(out["observed_ug_m3"], out["modelled_ug_m3"]) if len(out) \
        else 0.0
    return Pm25Surface(fld.cells[["cell_id", "x_m", "y_m"]].copy(), np.asarray(pop, float),
                       modelled, chosen, bg, out)


def area_summary(cells: pd.DataFrame, areas, key: str) -> pd.DataFrame:
    """Totals per area (cell centre in the area): population, population-weighted PM2.5
    before/after [ug/m3], attributable and avoided deaths [deaths/yr].

    ``cells``: the per-cell table of :func:`scenario`; ``areas``: GeoDataFrame in the cells'
    CRS with column ``key``. Cells outside every area are left out.
    """
    import geopandas as gpd

    pts = gpd.GeoDataFrame(cells[["cell_id"]].copy(),
                           geometry=gpd.points_from_xy(cells["x_m"], cells["y_m"]),
                           crs=areas.crs)
    joined = gpd.sjoin(pts, areas[[key, "geometry"]], how="inner", predicate="within")
    joined = joined.drop_duplicates("cell_id")
    df = cells.merge(joined[["cell_id", key]], on="cell_id")
    df["pb"] = df["before_ug_m3"] * df["population"]
    df["pa"] = df["after_ug_m3"] * df["population"]
    g = df.groupby(key).agg(population=("population", "sum"), pb=("pb", "sum"),
                            pa=("pa", "sum"),
                            attributable_deaths=("attributable_deaths", "sum"),
                            avoided_deaths=("avoided_cases", "sum")).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        g["pm25_before_ug_m3"] = g["pb"] / g["population"]
        g["pm25_after_ug_m3"] = g["pa"] / g["population"]
    return g.drop(columns=["pb", "pa"])[[key, "population", "pm25_before_ug_m3",
                                         "pm25_after_ug_m3", "attributable_deaths",
                                         "avoided_deaths"]]
