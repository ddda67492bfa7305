"""Check and normalise the screening inputs: the emissions inventory and the population table.

Works on the all-string frames of :func:`ehrisk.io.tables.read_raw` and collects every problem
(file, row, column, reason) before raising one :class:`ehrisk.errors.InputError`: schema
problems, unknown units, unknown substances (with suggestions), missing populations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.errors import InputError, Problem
from ehrisk.io.tables import Column, Schema, parse_frame
from ehrisk.screening.catalog import SubstanceCatalog, UnknownSubstance
from ehrisk.screening.config import ScreeningWeights
from ehrisk.screening.exposure import population_near_sources

MEDIUM_WORDS = {
    "air": "air", "大气": "air", "废气": "air", "空气": "air", "气": "air",
    "water": "water", "水": "water", "废水": "water", "水体": "water", "地表水": "water",
    "soil": "soil", "土壤": "soil", "土": "soil",
}

EMISSIONS_SCHEMA = Schema([
    Column("enterprise", aliases=("enterprise_id", "credit_code", "企业", "企业名称", "企业编号",
                                  "统一社会信用代码", "风险源"),
           description="enterprise id or unified social credit code"),
    Column("substance", aliases=("cas", "pollutant", "污染物", "物质", "污染物名称", "CAS号"),
           description="CAS number or Chinese/English name"),
    Column("medium", choices=tuple(MEDIUM_WORDS), aliases=("media", "介质", "排放去向", "环境介质"),
           description="air / water / soil"),
    Column("amount", kind="float", min_value=0.0,
           aliases=("emission", "quantity", "排放量", "年排放量"), description="amount per year"),
    Column("unit", aliases=("单位", "units"), description="t/yr, kg/yr, g/yr ..."),
    Column("lon", kind="float", required=False, allow_blank=True, min_value=-180, max_value=180,
           aliases=("longitude", "经度"), description="enterprise longitude [deg]"),
    Column("lat", kind="float", required=False, allow_blank=True, min_value=-90, max_value=90,
           aliases=("latitude", "纬度"), description="enterprise latitude [deg]"),
], name="emissions")

POPULATION_TABLE_SCHEMA = Schema([
    Column("enterprise", aliases=("enterprise_id", "credit_code", "企业", "企业名称", "企业编号",
                                  "统一社会信用代码")),
    Column("population_5km", kind="float", min_value=0.0,
           aliases=("population", "人口", "5km人口", "周边人口", "population_within_5km")),
], name="population (per enterprise)")

POPULATION_GRID_SCHEMA = Schema([
    Column("lon", kind="float", min_value=-180, max_value=180, aliases=("longitude", "经度")),
    Column("lat", kind="float", min_value=-90, max_value=90, aliases=("latitude", "纬度")),
    Column("population", kind="float", min_value=0.0, aliases=("人口", "pop", "persons")),
], name="population grid")


def prepare_emissions(raw: pd.DataFrame, fname: str, catalog: SubstanceCatalog) -> pd.DataFrame:
    """Check an emissions table and return it normalised.

    Parameters
    ----------
    raw : DataFrame
        All-string table as read from the user's file (header = row 1).
    fname : str
        File name used in problem messages.
    catalog : SubstanceCatalog
        Resolves substances (CAS, Chinese or English names).

    Returns
    -------
    DataFrame
        Columns ``row`` (spreadsheet row), ``enterprise``, ``substance_input``, ``cas``,
        ``medium`` (``air``/``water``/``soil``), ``emission_t_yr`` [t/yr], ``lon``, ``lat``
        [deg, NaN if not given].

    Raises
    ------
    InputError
        Listing every problem of the file at once.
    """
    problems: list[Problem] = []
    try:
        df = parse_frame(raw, EMISSIONS_SCHEMA, fname)
    except InputError as exc:
        problems.extend(exc.problems)
        if any(p.row is None for p in exc.problems):  # missing columns or empty table
            raise
        df = raw.rename(columns={h: EMISSIONS_SCHEMA.canonical(str(h)) or h for h in raw.columns})
    cas_out: list[str] = []
    t_yr: list[float] = []
    for i, (subst, unit, amount) in enumerate(zip(df["substance"], df["unit"], df["amount"],
                                                  strict=True)):
        row = i + 2
        s = str(subst).strip()
        if s:
            try:
                cas_out.append(catalog.resolve(s))
            except UnknownSubstance as exc:
                problems.append(Problem(fname, str(exc), row, "substance"))
                cas_out.append("")
        else:
            cas_out.append("")
        u = str(unit).strip()
        try:
            amt = float(amount)
        except (TypeError, ValueError):
            amt = np.nan
        if u:
            try:
                t_yr.append(float(units.to_t_yr(amt, u)))
            except KeyError as exc:
                problems.append(Problem(fname, str(exc.args[0]), row, "unit"))
                t_yr.append(np.nan)
        else:
            t_yr.append(np.nan)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise InputError(problems)
    out = pd.DataFrame({
        "row": np.arange(2, len(df) + 2),
        "enterprise": df["enterprise"].astype(str).str.strip().to_numpy(),
        "substance_input": df["substance"].astype(str).str.strip().to_numpy(),
        "cas": cas_out,
        "medium": [MEDIUM_WORDS[str(m).strip().lower()] for m in df["medium"]],
        "emission_t_yr": np.asarray(t_yr, dtype=float),
        "lon": pd.to_numeric(df["lon"], errors="coerce") if "lon" in df else np.nan,
        "lat": pd.to_numeric(df["lat"], errors="coerce") if "lat" in df else np.nan,
    })
    return out


def population_mode(raw: pd.DataFrame) -> str:
    """``"table"`` (enterprise, population_5km) or ``"grid"`` (lon, lat, population), from the
    headers; ``"table"`` when neither is complete (its schema then names what is missing)."""
    table_cols = {POPULATION_TABLE_SCHEMA.canonical(str(h)) for h in raw.columns}
    grid_cols = {POPULATION_GRID_SCHEMA.canonical(str(h)) for h in raw.columns}
    if "enterprise" in table_cols:
        return "table"
    if {"lon", "lat", "population"} <= grid_cols:
        return "grid"
    return "table"


def prepare_population(raw: pd.DataFrame, fname: str, emissions: pd.DataFrame,
                       weights: ScreeningWeights, emissions_fname: str = "emissions"
                       ) -> tuple[pd.Series, str]:
    """Population near each enterprise of ``emissions`` from a population file.

    Parameters
    ----------
    raw : DataFrame
        All-string table: either ``enterprise, population_5km`` [persons] per enterprise, or a
        grid ``lon, lat, population`` [deg, deg, persons] (then ``emissions`` must give ``lon``
        and ``lat`` for every enterprise).
    fname : str
        Population file name, for problem messages.
    emissions : DataFrame
        Output of :func:`prepare_emissions`.
    weights : ScreeningWeights
        Supplies ``exposure_radius_km``, ``earth_radius_km`` and ``population_kernel_linear``.
    emissions_fname : str
        Emissions file name, for problems about missing coordinates.

    Returns
    -------
    (Series, str)
        Population [persons] indexed by enterprise, and a description of the method.

    Raises
    ------
    InputError
        Every problem at once (bad cells, enterprises without a population or coordinates).
    """
    enterprises = list(dict.fromkeys(emissions["enterprise"]))
    if population_mode(raw) == "table":
        df = parse_frame(raw, POPULATION_TABLE_SCHEMA, fname)
        df["enterprise"] = df["enterprise"].astype(str).str.strip()
        problems = [Problem(fname, f"enterprise {e!r} appears more than once", int(i) + 2,
                            "enterprise")
                    for i, e in df["enterprise"][df["enterprise"].duplicated()].items()]
        pop = df.drop_duplicates("enterprise").set_index("enterprise")["population_5km"]
        missing = [e for e in enterprises if e not in pop.index]
        problems += [Problem(fname, f"no population for enterprise {e!r} of the emissions file",
                             None, "enterprise") for e in missing]
        if problems:
            raise InputError(problems)
        return pop.reindex(enterprises).astype(float), "population_5km per enterprise (given)"
    grid = parse_frame(raw, POPULATION_GRID_SCHEMA, fname)
    coords = emissions.groupby("enterprise", sort=False)[["lon", "lat"]].first()
    bad = coords.index[coords["lon"].isna() | coords["lat"].isna()].tolist()
    if bad:
        raise InputError([Problem(emissions_fname, f"enterprise {e!r} has no lon/lat; a "
                                  f"population grid ({fname}) needs coordinates for every "
                                  "enterprise", None, "lon") for e in bad])
    coords = coords.reindex(enterprises)
    radius = weights["exposure_radius_km"]
    linear = weights["population_kernel_linear"] == 1.0
    p = population_near_sources(coords["lon"], coords["lat"], grid["lon"], grid["lat"],
                                grid["population"], radius, weights["earth_radius_km"], linear)
    kernel = "linear 1-d/R" if linear else "uniform"
    return (pd.Series(p, index=pd.Index(enterprises, name="enterprise")),
            f"population grid within {radius:g} km, {kernel} kernel ({len(grid)} cells)")
