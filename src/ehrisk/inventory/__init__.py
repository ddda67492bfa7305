"""The inventory (一库 in memory): every table a study step reads, validated once.

One type, :class:`Inventory`, is built by the demo generator (:func:`ehrisk.demo.inventory`),
by the risk-source database (:func:`ehrisk.store.inventory.inventory_from_store`) and by a
study's input files (:func:`ehrisk.inventory.files.add_files`). Steps never ask "is this the
demo?": they ask the inventory for the tables they need (:meth:`Inventory.require`), and a
missing table is a step reported as not run, with the reason, never a fallback to demo values.

Tables (``None`` when the inventory has none; units in column names; lon/lat in EPSG:4326,
``x_m, y_m`` in :attr:`Inventory.metric_crs`; times local, naive, in :attr:`Inventory.timezone`):

============== ===========================================================================
enterprises    credit_code, name_zh, lon, lat, x_m, y_m, status, park_id, industry_code ...
stacks         stack_id, credit_code, height_m, diameter_m, exit_velocity_m_s, exit_temp_k,
               lon, lat, x_m, y_m
emissions      credit_code, stack_id, outfall_id, cas, medium, amount_t_yr, emission_g_s,
               year, basis (every year the source has; :meth:`Inventory.emissions_of_year`)
storages       credit_code, cas, max_quantity_t
risk_management credit_code, n_hazardous_process_sets, measures (HJ 941-2018 inputs)
outfalls       outfall_id, credit_code, discharge_type, receiving_water, lon, lat
receptors      receptor_id, type, name_zh, lon, lat
parks          GeoDataFrame: park_id, name_zh, geometry (EPSG:4326)
admin_units    GeoDataFrame: admin_code, name_zh, geometry (EPSG:4326)
population_grid cell_id, lon, lat, x_m, y_m, pop_persons, admin_code (a regular metric grid)
meteorology    hourly surface meteorology for dispersion: time, wind_dir_deg, wind_speed_m_s,
               temp_k, cloud_cover_tenths[, ceiling_height_m, mixing_height_m]
stations       station_id, name_zh, kind (air_quality | voc | met), lon, lat, x_m, y_m
air_hourly     the canonical hourly station table (:mod:`ehrisk.io.station_hourly`): station_id,
               time, pm25_ug_m3 ... o3_ug_m3 [, meteorology columns]
voc_hourly     station_id, time, <substance>_ug_m3 (fence-line VOC stations)
health_daily   the daily health series (:func:`ehrisk.io.nmmaps.read_daily_series` columns:
               date, death[, cvd, resp], temp_c[, rh_pct], pm25_ug_m3 ...)
problems       credit_code, problem_id, status[, deadline, finding]
============== ===========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields

import geopandas as gpd
import numpy as np
import pandas as pd

from ehrisk.errors import EhriskError, InputError, Problem

TABLES: dict[str, tuple[str, ...]] = {
    "enterprises": ("credit_code", "lon", "lat"),
    "stacks": ("stack_id", "credit_code", "height_m", "diameter_m", "exit_velocity_m_s",
               "exit_temp_k", "lon", "lat"),
    "emissions": ("credit_code", "cas", "medium", "amount_t_yr", "year"),
    "storages": ("credit_code", "cas", "max_quantity_t"),
    "risk_management": ("credit_code",),
    "outfalls": ("outfall_id", "credit_code"),
    "receptors": ("receptor_id", "type", "lon", "lat"),
    "parks": ("park_id", "geometry"),
    "admin_units": ("admin_code", "geometry"),
    "population_grid": ("cell_id", "lon", "lat", "pop_persons"),
    "meteorology": ("time", "wind_dir_deg", "wind_speed_m_s", "temp_k", "cloud_cover_tenths"),
    "stations": ("station_id", "kind", "lon", "lat"),
    "air_hourly": ("station_id", "time"),
    "voc_hourly": ("station_id", "time"),
    "health_daily": ("date",),
    "problems": ("credit_code", "problem_id", "status"),
}
"""Every inventory table and the columns it must have."""

VOC_COLUMNS = {"71-43-2": "benzene_ug_m3", "108-88-3": "toluene_ug_m3",
               "1330-20-7": "xylenes_ug_m3"}
"""CAS -> column of the fence-line VOC table ``voc_hourly``."""

XY_TABLES = ("enterprises", "stacks", "population_grid", "stations", "receptors")
"""Tables that get metric ``x_m, y_m`` from their lon/lat."""

HOW_TO_GIVE: dict[str, str] = {
    "enterprises": "import enterprises (ehrisk import enterprises) into the study's database",
    "stacks": "import stacks (ehrisk import stacks)",
    "emissions": "import emissions (ehrisk import emissions) or give [inputs] emissions",
    "storages": "import storages (ehrisk import storages)",
    "risk_management": "import risk_management (ehrisk import risk_management)",
    "outfalls": "import outfalls (ehrisk import outfalls)",
    "receptors": "import receptors (ehrisk import receptors)",
    "parks": "import parks (ehrisk import parks)",
    "admin_units": "import admin_units (ehrisk import admin_units)",
    "population_grid": "import population (ehrisk import population) or give [inputs] "
                       "population",
    "meteorology": "give [inputs] meteorology (hourly CSV) or import a met station with hourly "
                   "observations",
    "stations": "import stations (ehrisk import stations)",
    "air_hourly": "give [inputs] stations (the hourly station table) or import air-quality "
                  "stations with hourly observations",
    "voc_hourly": "import VOC stations with hourly observations",
    "health_daily": "give [inputs] health_daily (daily deaths with pollutants and weather)",
    "problems": "import problems (ehrisk import problems)",
}


class MissingInput(EhriskError):
    """A step cannot run because the inventory lacks tables; the step is reported as not run
    with :attr:`reason`."""

    def __init__(self, missing: Iterable[str], what: str = "") -> None:
        self.missing = list(missing)
        hints = "; ".join(f"{n}: {HOW_TO_GIVE.get(n, 'not in the inventory')}"
                          for n in self.missing)
        self.reason = (f"{what + ' ' if what else ''}needs {', '.join(self.missing)} "
                       f"({hints})")
        super().__init__(self.reason)


@dataclass
class Inventory:
    """Everything a study knows about its region; see the module docstring for the tables.

    Attributes
    ----------
    name_zh, name_en : str
        Region name (shown in reports).
    source : {"demo", "database", "files"}
        What built it.
    synthetic : bool
        True for the demo; every output then says it is synthetic.
    metric_crs : str
        Projected CRS of every ``x_m, y_m`` column (a UTM zone estimated from the data, see
        :func:`ehrisk.geo.metric_crs_for`).
    year : int or None
        The inventory year (emissions of that year are "the inventory"; other years are kept).
    timezone : str
        Time zone of the naive local times of the hourly and daily tables.
    meta : dict
        Label, seed, where each table came from, notes.
    warnings : list of str
        What the builder noticed and the user must be told (e.g. enterprises left out of the
        inventory year).
    """

    name_zh: str
    name_en: str
    source: str
    metric_crs: str | None
    synthetic: bool = False
    year: int | None = None
    timezone: str = "Asia/Shanghai"
    meta: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    enterprises: pd.DataFrame | None = None
    stacks: pd.DataFrame | None = None
    emissions: pd.DataFrame | None = None
    storages: pd.DataFrame | None = None
    risk_management: pd.DataFrame | None = None
    outfalls: pd.DataFrame | None = None
    receptors: pd.DataFrame | None = None
    parks: gpd.GeoDataFrame | None = None
    admin_units: gpd.GeoDataFrame | None = None
    population_grid: pd.DataFrame | None = None
    meteorology: pd.DataFrame | None = None
    stations: pd.DataFrame | None = None
    air_hourly: pd.DataFrame | None = None
    voc_hourly: pd.DataFrame | None = None
    health_daily: pd.DataFrame | None = None
    problems: pd.DataFrame | None = None

    # -- access ---------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """Dataset label written on every output."""
        return str(self.meta.get("label") or (f"{self.name_zh} / {self.name_en}"))

    def has(self, name: str) -> bool:
        """Whether the inventory has a non-empty table ``name``."""
        if name not in TABLES:
            raise KeyError(f"no inventory table {name!r}; known: {', '.join(TABLES)}")
        t = getattr(self, name)
        return t is not None and len(t) > 0

    def require(self, *names: str, what: str = "") -> None:
        """Raise :class:`MissingInput` naming every table of ``names`` that is missing."""
        missing = [n for n in names if not self.has(n)]
        if missing:
            raise MissingInput(missing, what)

    def table_names(self) -> list[str]:
        """The tables this inventory has (non-empty)."""
        return [n for n in TABLES if self.has(n)]

    def emissions_of_year(self, year: int | None = None) -> pd.DataFrame:
        """Emissions of the inventory year (or ``year``)."""
        self.require("emissions")
        y = self.year if year is None else year
        em = self.emissions
        return em if y is None else em[em["year"] == int(y)].reset_index(drop=True)

    def stations_of_kind(self, kind: str) -> pd.DataFrame:
        """Stations of one kind (``air_quality``, ``voc``, ``met``); empty when none."""
        if not self.has("stations"):
            return pd.DataFrame(columns=list(TABLES["stations"]))
        st = self.stations
        return st[st["kind"] == kind].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """Rows per table (tables it has)."""
        return {n: int(len(getattr(self, n))) for n in self.table_names()}

    # -- validation -----------------------------------------------------------------------
    def validate(self) -> Inventory:
        """Check every table once: required columns, metric coordinates, unique keys, the
        inventory year present. Raises :class:`ehrisk.errors.InputError` naming the table and
        column; returns ``self``."""
        problems: list[Problem] = []
        where = f"inventory ({self.source})"
        for name, cols in TABLES.items():
            t = getattr(self, name)
            if t is None:
                continue
            if not isinstance(t, pd.DataFrame):
                problems.append(Problem(where, f"table {name} is not a table", column=name))
                continue
            for c in cols:
                if c not in t.columns:
                    problems.append(Problem(where, f"table {name} lacks column {c!r}",
                                            column=f"{name}.{c}"))
            if name in XY_TABLES and len(t) and not {"x_m", "y_m"} <= set(t.columns):
                problems.append(Problem(where, f"table {name} has no metric coordinates "
                                        f"(x_m, y_m in {self.metric_crs})",
                                        column=f"{name}.x_m"))
        for name, key in (("enterprises", ["credit_code"]), ("stacks", ["credit_code",
                                                                        "stack_id"]),
                          ("receptors", ["receptor_id"]), ("population_grid", ["cell_id"])):
            t = getattr(self, name)
            if t is not None and len(t) and set(key) <= set(t.columns):
                dup = t.duplicated(key)
                if dup.any():
                    problems.append(Problem(where, f"table {name}: duplicate {'/'.join(key)} "
                                            f"{t.loc[dup, key].iloc[0].tolist()}",
                                            column=f"{name}.{key[-1]}"))
        if self.has("emissions") and self.year is not None and \
                not (self.emissions["year"] == self.year).any():
            years = sorted(int(y) for y in self.emissions["year"].unique())
            problems.append(Problem(where, f"no emissions for the inventory year {self.year} "
                                    f"(years: {years})", column="emissions.year"))
        for g in ("parks", "admin_units"):
            t = getattr(self, g)
            if t is not None and len(t) and not isinstance(t, gpd.GeoDataFrame):
                problems.append(Problem(where, f"table {g} has no geometry", column=g))
        if problems:
            raise InputError(problems)
        return self

    def replace(self, **changes) -> Inventory:
        """A copy with some tables or attributes replaced (the inventory is not mutated)."""
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        kw.update(changes)
        kw["meta"] = dict(kw["meta"])
        kw["warnings"] = list(kw["warnings"])
        return Inventory(**kw)


def add_xy(df: pd.DataFrame | None, crs: str) -> pd.DataFrame | None:
    """``df`` with ``x_m, y_m`` [m] in ``crs`` from its ``lon, lat`` [deg] (rows without
    coordinates get NaN)."""
    if df is None:
        return None
    from ehrisk.geo import to_metric

    out = df.copy()
    if len(out) == 0:
        out["x_m"] = pd.Series(dtype=float)
        out["y_m"] = pd.Series(dtype=float)
        return out
    lon = pd.to_numeric(out["lon"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(out["lat"], errors="coerce").to_numpy(float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    if ok.any():
        x[ok], y[ok] = to_metric(lon[ok], lat[ok], crs)
    out["x_m"], out["y_m"] = x, y
    return out


__all__ = ["HOW_TO_GIVE", "Inventory", "MissingInput", "TABLES", "VOC_COLUMNS", "add_xy"]
