"""Input files added to an inventory (or making one), each through its one reader.

============== =================================================== ========================
``[inputs]``   reader                                              inventory table
============== =================================================== ========================
stations       :func:`ehrisk.io.station_hourly.read_station_hourly` ``air_hourly`` (+ the
               (also ``forecast_observations``)                     station ids in
                                                                    ``stations``)
meteorology    :func:`ehrisk.dispersion.met.read_met_csv`          ``meteorology``
health_daily   :func:`ehrisk.io.nmmaps.read_daily_series`          ``health_daily``
emissions      :func:`ehrisk.screening.inventory.prepare_emissions` ``emissions`` (+
                                                                    ``enterprises`` from
                                                                    their lon/lat)
population     :data:`ehrisk.screening.inventory.POPULATION_GRID_SCHEMA` ``population_grid``
enterprises    :func:`ehrisk.screening.inventory.attach_coordinates` lon/lat of the
               (with ``emissions`` only)                           ``enterprises`` made
                                                                    from the emissions file
============== =================================================== ========================

An emissions file with a year column (``年份``) gives the inventory year; a file with several
years needs ``year`` (amounts of several years must not add up). Enterprises without lon/lat
get blank metric coordinates (steps that need them say so).

A file replaces the table of the same name that the inventory had (the user's file wins, and
the inventory's ``meta["tables_from_files"]`` says so).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.geo import metric_crs_for
from ehrisk.inventory import Inventory, add_xy


def _stations_from_hourly(hourly: pd.DataFrame, known: pd.DataFrame | None) -> pd.DataFrame:
    ids = sorted(hourly["station_id"].astype(str).unique())
    if known is not None and len(known):
        have = known[known["station_id"].astype(str).isin(ids)]
        extra = [i for i in ids if i not in set(have["station_id"].astype(str))]
        rows = pd.DataFrame({"station_id": extra, "kind": "air_quality", "lon": np.nan,
                             "lat": np.nan})
        others = known[~known["station_id"].astype(str).isin(ids)]
        return pd.concat([others, have.assign(kind="air_quality"), rows], ignore_index=True)
    return pd.DataFrame({"station_id": ids, "kind": "air_quality", "lon": np.nan,
                         "lat": np.nan})


def _emissions_file(path: Path, year: int | None, enterprises: Path | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ehrisk.io.tables import read_raw
    from ehrisk.screening.catalog import build_catalog
    from ehrisk.screening.inventory import (
        EMISSIONS_SCHEMA,
        ENTERPRISES_SCHEMA,
        attach_coordinates,
        prepare_emissions,
    )
    from ehrisk.units import t_yr_to_g_s

    raw = read_raw(path, schema=EMISSIONS_SCHEMA, prefer=("排放量", "emissions"))
    em = prepare_emissions(raw, str(path), build_catalog("epa-rsl"), year=year)
    if enterprises is not None:
        em = attach_coordinates(em, read_raw(enterprises, schema=ENTERPRISES_SCHEMA,
                                             prefer=("企业", "enterprises")), str(enterprises))
    y = int(year) if year is not None else _file_year(raw)
    out = pd.DataFrame({"credit_code": em["enterprise"].astype(str), "stack_id": "",
                        "outfall_id": "", "cas": em["cas"], "medium": em["medium"],
                        "amount_t_yr": em["emission_t_yr"].astype(float),
                        "emission_g_s": t_yr_to_g_s(em["emission_t_yr"].to_numpy(float)),
                        "year": y, "basis": f"file {path.name}"})
    ent = em.groupby("enterprise", sort=False).agg(
        lon=("lon", "first"), lat=("lat", "first"),
        name=("enterprise_name", lambda s: next((v for v in s if v), ""))).reset_index()
    ent = ent.rename(columns={"enterprise": "credit_code"})
    ent["name_zh"] = [n or c for n, c in zip(ent.pop("name"), ent["credit_code"], strict=True)]
    ent["status"] = "operating"
    return out, ent


def _file_year(raw: pd.DataFrame) -> int:
    """The one year of an emissions file's year column (0 when it has none); a file with
    several years was refused by :func:`prepare_emissions` unless a year was given."""
    from ehrisk.screening.inventory import EMISSIONS_SCHEMA

    for h in raw.columns:
        if EMISSIONS_SCHEMA.canonical(str(h)) == "year":
            years = {int(v) for v in pd.to_numeric(raw[h], errors="coerce").dropna()}
            if len(years) == 1:
                return years.pop()
    return 0


def _population_file(path: Path) -> pd.DataFrame:
    from ehrisk.io.tables import parse_frame, read_raw
    from ehrisk.screening.inventory import POPULATION_GRID_SCHEMA

    g = parse_frame(read_raw(path), POPULATION_GRID_SCHEMA, str(path))
    return pd.DataFrame({"cell_id": [f"P{i + 1}" for i in range(len(g))],
                         "lon": g["lon"].astype(float), "lat": g["lat"].astype(float),
                         "pop_persons": g["population"].astype(float), "admin_code": ""})


def add_files(inv: Inventory | None, files: dict[str, Path], *, name_zh: str = "",
              year: int | None = None) -> Inventory:
    """Add the ``[inputs]`` files to ``inv`` (or build an inventory from them alone).

    Parameters
    ----------
    inv : Inventory or None
    files : dict
        ``[inputs]`` key -> path (keys as :class:`ehrisk.study.Inputs`; ``concentrations`` is
        not an inventory table and is ignored here; ``enterprises`` gives the coordinates of
        the enterprises of an ``emissions`` file and is used only with it).
    name_zh : str
        Region name of a files-only inventory.
    year : int, optional
        Inventory year of a files-only inventory (emissions files carry no year).
    """
    from ehrisk.dispersion.met import read_met_csv
    from ehrisk.io.nmmaps import read_daily_series
    from ehrisk.io.station_hourly import read_station_hourly

    tables: dict[str, pd.DataFrame] = {}
    station_file = files.get("stations") or files.get("forecast_observations")
    if station_file is not None:
        tables["air_hourly"] = read_station_hourly(station_file)
    if "meteorology" in files:
        tables["meteorology"] = read_met_csv(files["meteorology"])
    if "health_daily" in files:
        tables["health_daily"] = read_daily_series(files["health_daily"])
    if "emissions" in files and (inv is None or not inv.has("emissions")):
        tables["emissions"], ent = _emissions_file(files["emissions"], year,
                                                   files.get("enterprises"))
        if inv is None or not inv.has("enterprises"):
            tables["enterprises"] = ent
    if "population" in files and (inv is None or not inv.has("population_grid")):
        tables["population_grid"] = _population_file(files["population"])
    if not tables:
        if inv is None:
            from ehrisk.errors import EhriskError

            raise EhriskError("nothing to study: set database.url (the risk-source database) "
                              "or give [inputs] files, or use study.region = 'demo'")
        return inv
    if inv is None:
        lons, lats = [], []
        for t in ("enterprises", "population_grid"):
            if t in tables:
                lons.append(pd.to_numeric(tables[t]["lon"], errors="coerce").to_numpy(float))
                lats.append(pd.to_numeric(tables[t]["lat"], errors="coerce").to_numpy(float))
        lon = np.concatenate(lons) if lons else np.array([])
        lat = np.concatenate(lats) if lats else np.array([])
        crs = metric_crs_for(lon, lat) if np.isfinite(lon).any() else None
        em_year = None
        if "emissions" in tables:
            em_year = int(tables["emissions"]["year"].iloc[0]) if len(tables["emissions"]) \
                else None
        inv = Inventory(name_zh=name_zh or "输入文件", name_en="input files", source="files",
                        metric_crs=crs, year=em_year,
                        meta={"label": f"{name_zh or 'ehrisk study'} (input files)"})
    if "air_hourly" in tables:
        tables["stations"] = _stations_from_hourly(tables["air_hourly"], inv.stations)
    crs = inv.metric_crs
    for t in ("enterprises", "population_grid", "stations"):
        if t in tables and crs is not None:
            tables[t] = add_xy(tables[t], crs)
        elif t in tables:  # no coordinates at all: blank metric ones (no CRS to put them in)
            tables[t] = tables[t].assign(x_m=np.nan, y_m=np.nan)
    meta = dict(inv.meta)
    meta["tables_from_files"] = {**meta.get("tables_from_files", {}),
                                 **{t: str(p) for t, p in (
                                     ("air_hourly", station_file),
                                     ("meteorology", files.get("meteorology")),
                                     ("health_daily", files.get("health_daily")),
                                     ("emissions", files.get("emissions")),
                                     ("enterprises", files.get("enterprises")
                                      if "emissions" in tables else None),
                                     ("population_grid", files.get("population")))
                                    if t in tables and p is not None}}
    if "meteorology" in tables:
        meta["met_source"] = str(files["meteorology"])
    return inv.replace(meta=meta, **tables).validate()
