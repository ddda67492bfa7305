"""Build the HJ 941-2018 inputs (storages, management, sensitivity) from the demo region's
tables. Pure: DataFrames in, DataFrames out.

Air sensitivity counts the population grid within 5 km and 500 m of the enterprise point (the
standard counts from the plant boundary). Water sensitivity: the demo has no river network, so
"a drinking-water source within 10 km downstream" is approximated by a drinking-water source
receptor within 10 km (straight line) of an outfall that discharges directly to a river;
indirect discharge (to a park sewage plant) and direct discharge to the sea set no flag. These
are demo approximations, documented in docs/grading.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk.grading.hj941_2018 import e_param, population_within
from ehrisk.refdata import load_table

RIVER_WORDS = ("河", "river", "江", "溪")


def earth_radius_km() -> float:
    """Mean Earth radius [km] from the ``screening_weights`` table (Moritz 2000)."""
    w = load_table("screening_weights", numeric=["value"])
    return float(w.loc[w["parameter"] == "earth_radius_km", "value"].iloc[0])


def air_sensitivity(enterprises: pd.DataFrame, population_grid: pd.DataFrame) -> pd.DataFrame:
    """Population within 5 km and 500 m of each enterprise point.

    Parameters
    ----------
    enterprises : DataFrame
        ``credit_code``, ``lon``, ``lat`` [degrees].
    population_grid : DataFrame
        ``lon``, ``lat`` [degrees] of cell centres, ``pop_persons`` [persons].

    Returns
    -------
    DataFrame
        ``credit_code``, ``pop_5km``, ``pop_500m`` [persons].

    References
    ----------
    HJ 941-2018 表4 (radii from the table ``hj941_2018_scores``).
    """
    r = earth_radius_km()
    args = (enterprises["lon"], enterprises["lat"], population_grid["lon"],
            population_grid["lat"], population_grid["pop_persons"])
    return pd.DataFrame({
        "credit_code": enterprises["credit_code"].to_numpy(),
        "pop_5km": population_within(*args, e_param("radius_5km_km"), r),
        "pop_500m": population_within(*args, e_param("radius_500m_km"), r)})


def demo_water_flags(enterprises: pd.DataFrame, outfalls: pd.DataFrame,
                     receptors: pd.DataFrame) -> pd.DataFrame:
    """Water E flags for the demo (approximation, see the module docstring).

    Returns
    -------
    DataFrame
        ``credit_code``, ``drinking_water_10km_downstream`` (bool).
    """
    from ehrisk.screening.exposure import haversine_km

    dw = receptors[receptors["type"] == "drinking_water_source"]
    flag = pd.Series(False, index=enterprises["credit_code"].to_numpy())
    if len(outfalls) and len(dw):
        direct = outfalls[(outfalls["discharge_type"] == "direct") & outfalls[
            "receiving_water"].str.lower().str.contains("|".join(RIVER_WORDS))]
        if len(direct):
            d = haversine_km(direct["lon"].to_numpy()[:, None], direct["lat"].to_numpy()[:, None],
                             dw["lon"].to_numpy()[None, :], dw["lat"].to_numpy()[None, :],
                             earth_radius_km())
            near = (d <= e_param("downstream_distance_km")).any(axis=1)
            hit = set(direct["credit_code"].to_numpy()[near])
            flag.loc[flag.index.isin(hit)] = True
    return pd.DataFrame({"credit_code": flag.index, "drinking_water_10km_downstream": flag.values})


def demo_inputs(region) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(storages, management, sensitivity)`` for :func:`grade_hj941_2018` from a DemoRegion.

    Closed enterprises are left out (they hold no substances).
    """
    ent = region.enterprises
    ent = ent[ent["status"] != "closed"]
    mg = region.risk_management[region.risk_management["credit_code"].isin(ent["credit_code"])]
    sens = air_sensitivity(ent, region.population_grid).merge(
        demo_water_flags(ent, region.water_outfalls, region.receptors), on="credit_code")
    sto = region.storages[["credit_code", "cas", "max_quantity_t"]]
    return sto.reset_index(drop=True), mg.reset_index(drop=True), sens


def priority_from_screening(emissions: pd.DataFrame) -> set[str]:
    """CAS numbers in the *priority* tier of the screening list of ``emissions``.

    Parameters
    ----------
    emissions : DataFrame
        ``credit_code``, ``cas``, ``medium``, ``amount_t_yr`` [t/yr] (one year).
    """
    from ehrisk.screening import build_catalog, default_weights, screen
    from ehrisk.screening.inventory import prepare_emissions

    raw = pd.DataFrame({"enterprise": emissions["credit_code"].astype(str),
                        "substance": emissions["cas"].astype(str),
                        "medium": emissions["medium"].astype(str),
                        "amount": np.asarray(emissions["amount_t_yr"], dtype=float).astype(str),
                        "unit": "t/yr"})
    cat = build_catalog()
    res = screen(prepare_emissions(raw, "emissions", cat), cat, default_weights())
    return set(res.tiers()["priority"])
