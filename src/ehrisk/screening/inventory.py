"""Check and normalise the screening inputs: the emissions inventory, the enterprises'
coordinates and the population table.

Works on the all-string frames of :func:`ehrisk.io.tables.read_raw` and collects every problem
(file, row, column, reason) before raising one :class:`ehrisk.errors.InputError`: schema
problems, unknown units, unknown substances (with suggestions), missing populations.

The headers are those of :mod:`ehrisk.io.tables` (:data:`~ehrisk.io.tables.HEADERS`), so the
import templates (``ehrisk template emissions``, ``enterprises``, ``population``) are accepted
as they are: ``统一社会信用代码``, ``污染物(CAS号或名称)``, ``介质``, ``年份``, ``数据来源``,
``排放量`` + ``单位`` (or ``排放量（吨/年）``), ``经度``/``纬度``, ``中心经度``/``中心纬度``,
``人口(人)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.errors import InputError, Problem
from ehrisk.io.tables import MEDIUM_CHOICES, Column, Schema, headers, parse_frame
from ehrisk.screening.catalog import SubstanceCatalog, UnknownSubstance
from ehrisk.screening.config import ScreeningWeights
from ehrisk.screening.exposure import population_near_sources

MEDIUM_WORDS = dict(MEDIUM_CHOICES)
"""Accepted spellings of a medium (lower case) -> ``air``/``water``/``soil``."""

ENTERPRISE_ALIASES = ("enterprise_id", "企业", "企业编号", "风险源", *headers("credit_code"))

EMISSIONS_SCHEMA = Schema([
    Column("enterprise", required=False, aliases=ENTERPRISE_ALIASES,
           description="enterprise id or unified social credit code"),
    Column("enterprise_name", required=False, allow_blank=True,
           aliases=headers("enterprise_name"), description="enterprise name"),
    Column("substance", aliases=headers("substance", "cas"),
           description="CAS number or Chinese/English name"),
    Column("medium", kind="choice", choices=MEDIUM_WORDS, aliases=headers("medium"),
           help_zh="大气/水/土壤 (air/water/soil)", description="air / water / soil"),
    Column("amount", kind="float", required=False, min_value=0.0, aliases=headers("amount"),
           description="amount per year (in `unit`)"),
    Column("unit", required=False, aliases=headers("unit"), description="t/yr, kg/yr, g/yr ..."),
    Column("emission_t_yr", kind="float", required=False, min_value=0.0,
           aliases=headers("emission_t_yr"), description="amount [t/yr] (instead of amount+unit)"),
    Column("year", kind="int", required=False, allow_blank=True, min_value=1900,
           aliases=headers("year"), description="inventory year"),
    Column("basis", required=False, allow_blank=True, aliases=headers("basis"),
           description="data source (permit, census, monitoring, estimate)"),
    Column("source_id", required=False, allow_blank=True,
           aliases=headers("source_id", "排气筒编号", "stack_id", "outfall_id"),
           description="stack or outfall id (blank: whole plant)"),
    Column("lon", kind="float", required=False, allow_blank=True, min_value=-180, max_value=180,
           aliases=headers("lon"), description="enterprise longitude [deg]"),
    Column("lat", kind="float", required=False, allow_blank=True, min_value=-90, max_value=90,
           aliases=headers("lat"), description="enterprise latitude [deg]"),
], name="emissions")

ENTERPRISES_SCHEMA = Schema([
    Column("enterprise", required=False, aliases=ENTERPRISE_ALIASES),
    Column("enterprise_name", required=False, allow_blank=True,
           aliases=headers("enterprise_name")),
    Column("lon", kind="float", allow_blank=True, min_value=-180, max_value=180,
           aliases=headers("lon")),
    Column("lat", kind="float", allow_blank=True, min_value=-90, max_value=90,
           aliases=headers("lat")),
], name="enterprises (coordinates)")

POPULATION_TABLE_SCHEMA = Schema([
    Column("enterprise", aliases=ENTERPRISE_ALIASES),
    Column("population_5km", kind="float", min_value=0.0,
           aliases=("5km人口", "周边人口", "population_within_5km", *headers("population"))),
], name="population (per enterprise)")

POPULATION_GRID_SCHEMA = Schema([
    Column("lon", kind="float", min_value=-180, max_value=180, aliases=headers("lon")),
    Column("lat", kind="float", min_value=-90, max_value=90, aliases=headers("lat")),
    Column("population", kind="float", min_value=0.0, aliases=headers("population")),
], name="population grid")


def _structure_problems(raw: pd.DataFrame, fname: str) -> list[Problem]:
    """Columns the emissions file needs beyond its schema's required ones: an enterprise id
    or name, and either amount with unit or an amount in t/yr."""
    present = {EMISSIONS_SCHEMA.canonical(str(h)) for h in raw.columns}
    found = ", ".join(map(str, raw.columns))
    out = []
    if not {"enterprise", "enterprise_name"} & present:
        out.append(Problem(fname, "required column missing (expected an enterprise id or "
                           "credit code: 'enterprise', '统一社会信用代码', 'credit_code'; or "
                           f"'企业名称'); found columns: {found}", column="enterprise"))
    if "emission_t_yr" not in present:
        for c in ("amount", "unit"):
            if c not in present:
                alts = " or ".join(repr(h) for h in EMISSIONS_SCHEMA.column(c).headers)
                out.append(Problem(fname, f"required column missing (expected {alts}, or an "
                                   f"amount in t/yr as '排放量（吨/年）'/'emission_t_yr'); "
                                   f"found columns: {found}", column=c))
    return out


def prepare_emissions(raw: pd.DataFrame, fname: str, catalog: SubstanceCatalog,
                      year: int | None = None) -> pd.DataFrame:
    """Check an emissions table and return it normalised.

    Parameters
    ----------
    raw : DataFrame
        All-string table as read from the user's file (header = row 1).
    fname : str
        File name used in problem messages.
    catalog : SubstanceCatalog
        Resolves substances (CAS, Chinese or English names).
    year : int or None
        Screen only the rows of this year (needs a ``year``/``年份`` column). Without it, a
        file with more than one year is refused (amounts of several years must not add up).

    Returns
    -------
    DataFrame
        Columns ``row`` (spreadsheet row), ``enterprise`` (id or credit code; the name where
        only a name is given), ``enterprise_name``, ``substance_input``, ``cas``, ``medium``
        (``air``/``water``/``soil``), ``emission_t_yr`` [t/yr], ``lon``, ``lat`` [deg, NaN if
        not given].

    Raises
    ------
    InputError
        Listing every problem of the file at once.
    """
    problems: list[Problem] = _structure_problems(raw, fname)
    try:
        df = parse_frame(raw, EMISSIONS_SCHEMA, fname)
    except InputError as exc:
        problems.extend(exc.problems)
        if any(p.row is None for p in problems):  # missing columns or empty table
            raise InputError(problems) from None
        df = raw.rename(columns={h: EMISSIONS_SCHEMA.canonical(str(h)) or h
                                 for h in raw.columns})
        df["medium"] = [MEDIUM_WORDS.get(str(m).strip().lower(), "") for m in df["medium"]]
        df.attrs["rows"] = raw.attrs.get("rows")
    rows = df.attrs.get("rows")
    rows = list(rows) if rows is not None and len(rows) == len(df) else list(
        range(2, len(df) + 2))
    n = len(df)
    col = {c: (df[c].tolist() if c in df.columns else [None] * n)
           for c in EMISSIONS_SCHEMA.names}
    cas_out: list[str] = []
    t_yr: list[float] = []
    for i in range(n):
        row = rows[i]
        s = str(col["substance"][i]).strip()
        cas = ""
        if s:
            try:
                cas = catalog.resolve(s)
            except UnknownSubstance as exc:
                problems.append(Problem(fname, str(exc), row, "substance"))
        cas_out.append(cas)
        t = _t_yr(col["amount"][i], col["unit"][i], col["emission_t_yr"][i], row, fname,
                  problems)
        t_yr.append(t)
    ent = [str(e).strip() if e is not None and str(e).strip() not in ("", "nan") else ""
           for e in col["enterprise"]]
    names = [str(e).strip() if e is not None and str(e).strip() not in ("", "nan") else ""
             for e in col["enterprise_name"]]
    for i in range(n):
        if not ent[i] and not names[i]:
            problems.append(Problem(fname, "no enterprise id, credit code or name", rows[i],
                                    "enterprise"))
        ent[i] = ent[i] or names[i]
    out = pd.DataFrame({
        "row": np.asarray(rows, dtype=int),
        "enterprise": ent,
        "enterprise_name": names,
        "substance_input": [str(x).strip() for x in col["substance"]],
        "cas": cas_out,
        "medium": [str(m) for m in col["medium"]],
        "emission_t_yr": np.asarray(t_yr, dtype=float),
        "lon": pd.to_numeric(pd.Series(col["lon"], dtype=object), errors="coerce").to_numpy(),
        "lat": pd.to_numeric(pd.Series(col["lat"], dtype=object), errors="coerce").to_numpy(),
        "year": pd.to_numeric(pd.Series(col["year"], dtype=object), errors="coerce").to_numpy(),
        "basis": ["" if b is None else str(b).strip() for b in col["basis"]],
        "source_id": ["" if b is None else str(b).strip() for b in col["source_id"]],
    })
    problems += _basis_problems(out, fname)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise InputError(problems)
    out = _one_year(out, fname, year)
    return out.drop(columns=["year", "basis", "source_id"]).reset_index(drop=True)


def _t_yr(amount, unit, t_given, row: int, fname: str, problems: list[Problem]) -> float:
    """Amount in t/yr from ``amount`` + ``unit`` or from an amount already in t/yr."""
    def given(v) -> bool:
        return v is not None and not (isinstance(v, float) and np.isnan(v)) and str(v) != ""

    if given(amount) and given(unit):
        try:
            return float(units.to_t_yr(float(amount), str(unit).strip()))
        except KeyError as exc:
            problems.append(Problem(fname, str(exc.args[0]), row, "unit"))
            return np.nan
        except (TypeError, ValueError):
            return np.nan
    if given(t_given):
        return float(t_given)
    return np.nan


def _basis_problems(out: pd.DataFrame, fname: str) -> list[Problem]:
    """The same emission given from several data sources (e.g. permit and monitoring) would
    be counted twice."""
    if not (out["basis"] != "").any():
        return []
    key = ["enterprise", "cas", "medium", "source_id", "year"]
    probs = []
    g = out[out["cas"] != ""].fillna({"year": -1}).groupby(key, sort=False)
    for _k, grp in g:
        bases = sorted(set(grp["basis"]) - {""})
        if len(bases) > 1:
            rows = ", ".join(str(r) for r in grp["row"])
            probs.append(Problem(fname, f"the same emission is given from several data "
                                 f"sources ({', '.join(bases)}; rows {rows}); keep one "
                                 "source per emission so that it is not counted twice",
                                 int(grp["row"].iloc[1]), "basis"))
    return probs


def _one_year(out: pd.DataFrame, fname: str, year: int | None) -> pd.DataFrame:
    years = sorted({int(y) for y in out["year"].dropna()})
    if year is not None:
        if not years:
            raise InputError.single(fname, f"--year {year} given but the file has no year "
                                    "column (年份)", column="year")
        if year not in years:
            raise InputError.single(fname, f"no rows of year {year}; years in the file: "
                                    f"{', '.join(map(str, years))}", column="year")
        return out[out["year"] == year]
    if len(years) > 1:
        raise InputError.single(fname, f"the file has emissions of several years "
                                f"({', '.join(map(str, years))}); screen one year with "
                                "--year", column="year")
    return out


def attach_coordinates(emissions: pd.DataFrame, raw: pd.DataFrame, fname: str
                       ) -> pd.DataFrame:
    """Fill the missing ``lon``/``lat`` of the enterprises of ``emissions`` from an
    enterprises file (e.g. the ``ehrisk template enterprises`` workbook), matched by id or
    credit code, else by name.

    Parameters
    ----------
    emissions : DataFrame
        Output of :func:`prepare_emissions`.
    raw : DataFrame
        All-string enterprises table: an id/credit code and/or ``企业名称``, and ``lon``,
        ``lat`` [deg] (``经度``/``纬度``).
    fname : str
        Enterprises file name, for problems.

    Returns
    -------
    DataFrame
        ``emissions`` with ``lon``/``lat`` filled where the file gives them.
    """
    df = parse_frame(raw, ENTERPRISES_SCHEMA, fname)
    rows = df.attrs.get("rows") or list(range(2, len(df) + 2))
    if "enterprise" not in df.columns and "enterprise_name" not in df.columns:
        raise InputError.single(fname, "required column missing (expected an enterprise id or "
                                "credit code ('统一社会信用代码') or '企业名称')",
                                column="enterprise")
    by_id: dict[str, tuple[float, float]] = {}
    by_name: dict[str, tuple[float, float]] = {}
    problems = []
    for i, r in enumerate(df.to_dict("records")):
        lon, lat = r["lon"], r["lat"]
        if np.isnan(lon) or np.isnan(lat):
            continue
        for col, book in (("enterprise", by_id), ("enterprise_name", by_name)):
            k = str(r.get(col) or "").strip().upper()
            if not k:
                continue
            if k in book and book[k] != (lon, lat):
                problems.append(Problem(fname, f"enterprise {k!r} is given twice with "
                                        "different coordinates", rows[i], col))
            book[k] = (lon, lat)
    if problems:
        raise InputError(problems)
    out = emissions.copy()
    for i, r in enumerate(out.itertuples(index=False)):
        if not (np.isnan(r.lon) or np.isnan(r.lat)):
            continue
        hit = by_id.get(str(r.enterprise).upper()) or by_name.get(str(r.enterprise).upper())
        if hit is None and r.enterprise_name:
            hit = by_name.get(str(r.enterprise_name).upper())
        if hit is not None:
            out.iloc[i, out.columns.get_loc("lon")] = hit[0]
            out.iloc[i, out.columns.get_loc("lat")] = hit[1]
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
                                  "enterprise (lon/lat in the emissions file, or an "
                                  "enterprises file with --enterprises)", None, "lon")
                          for e in bad])
    coords = coords.reindex(enterprises)
    radius = weights["exposure_radius_km"]
    linear = weights["population_kernel_linear"] == 1.0
    p = population_near_sources(coords["lon"], coords["lat"], grid["lon"], grid["lat"],
                                grid["population"], radius, weights["earth_radius_km"], linear)
    kernel = "linear 1-d/R" if linear else "uniform"
    return (pd.Series(p, index=pd.Index(enterprises, name="enterprise")),
            f"population grid within {radius:g} km, {kernel} kernel ({len(grid)} cells)")
