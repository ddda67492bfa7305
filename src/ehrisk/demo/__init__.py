"""Deterministic demo region: a fictional coastal petrochemical district (synthetic data).

``generate(seed)`` builds "滨海新区（虚构） / Binhai District (fictional)" on the real
Ningbo-Zhoushan coastline (about 121.7E 29.9N, 40 km x 40 km, sea to the east): about 150
enterprises in three industrial parks plus scattered small firms, their stacks, yearly
emissions of 30+ substances and on-site hazardous-substance storage, sensitive receptors, a
500 m population grid, hourly meteorology and air-quality monitoring for 2023-2025 and daily
deaths with a known PM2.5 effect. ``write(region, outdir)`` writes CSV tables, a GeoPackage
and a metadata JSON, every one labelled synthetic (:data:`ehrisk.SYNTHETIC_LABEL`).

Every magnitude the generator uses is read from the cited table ``demo_magnitudes``.
The same seed gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import geopandas as gpd
import numpy as np
import pandas as pd

from ehrisk import DEFAULT_SEED, SYNTHETIC_LABEL, __version__
from ehrisk.demo import enterprises as _ent
from ehrisk.demo import geography as _geo
from ehrisk.demo import health as _health
from ehrisk.demo import meteorology as _met
from ehrisk.demo import monitoring as _mon
from ehrisk.demo._common import (
    DATASET_TAG,
    GEO_CRS,
    MAGNITUDES_TABLE,
    METRIC_CRS,
    SERIES_END,
    SERIES_START,
    TIMEZONE,
    magnitudes,
    streams,
    to_lonlat,
)
from ehrisk.demo.codes import uscc_check_char, uscc_valid

"""Value of the ``dataset`` column written as the first column of every CSV."""


@dataclass
class DemoRegion:
    """All tables of the demo region (units in column names; lon/lat in EPSG:4326, x_m/y_m in
    UTM 51N EPSG:32651; times local, UTC+8).

    Attributes
    ----------
    meta : dict
        Label, seed, version, CRS, series period, sources and the true health coefficients.
    study_area, admin_units, parks, receptor_areas : GeoDataFrame
        Polygons (EPSG:4326).
    population_grid : DataFrame
        500 m cells: cell_id, x_m, y_m, lon, lat, land, admin_code, density_per_km2, pop_persons.
    enterprises, stacks, emissions, storages, risk_management, water_outfalls : DataFrame
    receptors : DataFrame
        Points of all receptors (polygons of residential areas and the water source in
        ``receptor_areas``).
    met_stations, meteorology, aq_stations, air_quality, voc_stations, voc, health : DataFrame
    """

    meta: dict
    study_area: gpd.GeoDataFrame
    admin_units: gpd.GeoDataFrame
    parks: gpd.GeoDataFrame
    population_grid: pd.DataFrame
    enterprises: pd.DataFrame
    stacks: pd.DataFrame
    emissions: pd.DataFrame
    storages: pd.DataFrame
    risk_management: pd.DataFrame
    water_outfalls: pd.DataFrame
    receptors: pd.DataFrame
    receptor_areas: gpd.GeoDataFrame
    met_stations: pd.DataFrame
    meteorology: pd.DataFrame
    aq_stations: pd.DataFrame
    air_quality: pd.DataFrame
    voc_stations: pd.DataFrame
    voc: pd.DataFrame
    health: pd.DataFrame
    label: str = field(default=SYNTHETIC_LABEL)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (GeoDataFrames included)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("meta", "label")}

    def population_polygons(self) -> gpd.GeoDataFrame:
        """The population grid as square polygons (EPSG:4326)."""
        return _geo.cell_polygons(self.population_grid)


def _park_summary(parks_utm, ent: pd.DataFrame, em: pd.DataFrame) -> pd.DataFrame:
    air23 = em[(em["medium"] == "air") & (em["year"] == 2023)]
    tot = air23.merge(ent[["credit_code", "park_id"]], on="credit_code")
    rows = []
    for pid, zh, en, _kind, geom in parks_utm:
        sel = tot[tot["park_id"] == pid]
        by = sel.groupby("cas")["amount_t_yr"].sum()
        c = geom.centroid
        row = dict(park_id=pid, name_zh=zh, name_en=en, x_m=c.x, y_m=c.y,
                   so2_t_yr=float(by.get("7446-09-5", 0.0)))
        for cas, _col in _mon.VOC_SPECIES:
            row[f"voc_{cas.replace('-', '_')}_t_yr"] = float(by.get(cas, 0.0))
        rows.append(row)
    return pd.DataFrame(rows)


def generate(seed: int = DEFAULT_SEED) -> DemoRegion:
    """Generate the demo region.

    Parameters
    ----------
    seed : int
        Master seed [-]; each component draws from its own stream split from it
        (``numpy.random.SeedSequence.spawn``), so the same seed gives the same region.

    Returns
    -------
    DemoRegion
        Every table labelled synthetic (``meta['label']``, ``DemoRegion.label``).

    References
    ----------
    Magnitudes: packaged table ``demo_magnitudes`` (source column on every row); identifier
    check characters: GB 32100-2015 and GB 11714-1997; industry codes: GB/T 4754-2017.
    """
    rng = streams(seed)
    fr = _geo.frame()
    land = _geo.land_polygon(fr)
    towns = _geo.town_points(fr)
    parks_utm = _geo.parks_utm(fr, land)
    grid = _geo.population_grid(fr, land, parks_utm, towns, rng["population"])
    rec, rec_areas = _geo.receptors(fr, land, grid, towns, rng["receptors"])

    ent = _ent.enterprises(fr, land, parks_utm, towns, rng["enterprises"], rng["codes"])
    stk = _ent.stacks(ent, rng["stacks"])
    outf = _ent.water_outfalls(ent, rng["storages"])
    em = _ent.emissions(ent, stk, outf, rng["emissions"])
    rm = _ent.risk_management(ent, rng["storages"])
    sto = _ent.storages(ent, rm, rng["storages"])

    mx, my = fr.xy(17.0, 20.0)
    mlon, mlat = to_lonlat(mx, my)
    met_st = pd.DataFrame([dict(station_id="MET01", name_zh="滨海新区气象站（虚构）",
                                name_en="Binhai surface weather station (fictional)",
                                lon=float(mlon), lat=float(mlat), x_m=float(mx), y_m=float(my),
                                anemometer_height_m=10.0)])
    met = _met.meteorology(rng["meteorology"], float(mlon), float(mlat))
    park_sum = _park_summary(parks_utm, ent, em)
    aq_st = _mon.stations(towns, fr)
    aq = _mon.air_quality(met, aq_st, park_sum, rng["monitoring"])
    vst = _mon.voc_stations(park_sum)
    vc = _mon.voc(met, vst, park_sum, rng["voc"])
    expo = _health.daily_exposures(met, aq)
    total_pop = int(grid["pop_persons"].sum())
    hl = _health.daily_deaths(expo, total_pop, rng["health"])

    grid_admin = grid.groupby("admin_code")["pop_persons"].sum()
    admin = _geo.admin_units(fr, land, towns)
    admin["pop_persons"] = admin["admin_code"].map(grid_admin).fillna(0).astype(int)

    mags = magnitudes()
    meta = {
        "label": SYNTHETIC_LABEL,
        "dataset": DATASET_TAG,
        "name_zh": _geo.DISTRICT_NAME_ZH,
        "name_en": _geo.DISTRICT_NAME_EN,
        "district_code": _geo.DISTRICT_CODE,
        "note": "Fictional district on a real coastline; enterprises, people, receptors and all "
                "series are synthetic. Do not use for decisions about any real place.",
        "seed": int(seed),
        "ehrisk_version": __version__,
        "crs": {"lonlat": GEO_CRS, "metric_x_m_y_m": METRIC_CRS},
        "time": {"timezone": TIMEZONE, "utc_offset": "+08:00", "start": SERIES_START,
                 "end": SERIES_END, "hours": len(met)},
        "units": {"cloud_cover_tenths": "tenths of sky covered (0-10), Chinese surface "
                  "observation convention", "ceiling_height_m": "blank = no ceiling",
                  "wind_dir_deg": "direction the wind blows from, degrees clockwise from north",
                  "co_mg_m3": "mg/m3", "others": "ug/m3 at reference state"},
        "population_total": total_pop,
        "health_truth": _health.true_coefficients(),
        "magnitudes_table": MAGNITUDES_TABLE,
        "sources": sorted(set(mags["source"])),
        "unconfirmed_magnitudes": sorted(mags.loc[mags["note"].str.contains("UNCONFIRMED"),
                                                  "key"].tolist()),
    }
    return DemoRegion(
        meta=meta, study_area=_geo.study_area(fr, land), admin_units=admin,
        parks=_geo.parks_gdf(parks_utm, towns), population_grid=grid, enterprises=ent,
        stacks=stk, emissions=em, storages=sto, risk_management=rm, water_outfalls=outf,
        receptors=rec, receptor_areas=rec_areas, met_stations=met_st, meteorology=met,
        aq_stations=aq_st, air_quality=aq, voc_stations=vst, voc=vc, health=hl)


def write(region: DemoRegion, outdir) -> dict:
    """Write the region: one UTF-8 CSV per table, a GeoPackage and ``metadata.json`` +
    ``README.md``; see :func:`ehrisk.demo.writer.write`."""
    from ehrisk.demo.writer import write as _write

    return _write(region, outdir)


__all__ = ["DATASET_TAG", "DEFAULT_SEED", "DemoRegion", "generate", "uscc_check_char",
           "uscc_valid", "write"]

_ = np  # numpy is part of the public types of DemoRegion tables
