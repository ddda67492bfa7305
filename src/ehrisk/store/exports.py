"""Export the database: GeoPackage (every table a layer), CSV (one file per table) and XLSX
(one sheet per table). Column names are the canonical field names of :mod:`ehrisk.store.kinds`
(units in the names); children carry their enterprise's credit code.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import from_wkt, points
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehrisk.errors import EhriskError
from ehrisk.store import kinds as K
from ehrisk.store import models as m

XLSX_MAX_ROWS = 1_048_575   # Excel's sheet limit (1 048 576 rows incl. header)


def table(session: Session, kind: str) -> pd.DataFrame:
    """One table as a DataFrame with the kind's fields (children: with credit_code)."""
    k = K.get(kind)
    model = k.model
    cols = [c for c in k.stored if c != "credit_code" or not k.child]
    if k.name == "emissions":
        cols.append("amount_t_yr")
    if k.name == "observations":
        q = select(m.Station.station_id, model.parameter, model.time_utc, model.value,
                   model.unit).join(m.Station, m.Station.id == model.station_id) \
            .order_by(m.Station.station_id, model.parameter, model.time_utc)
        return pd.DataFrame(session.execute(q).all(),
                            columns=["station_id", "parameter", "time_utc", "value", "unit"])
    sel = [getattr(model, c) for c in cols]
    if k.child:
        q = select(m.Enterprise.credit_code, *sel).join(
            m.Enterprise, m.Enterprise.id == model.enterprise_id).order_by(
            m.Enterprise.credit_code, model.id)
        return pd.DataFrame(session.execute(q).all(), columns=["credit_code", *cols])
    q = select(*sel).order_by(model.id)
    return pd.DataFrame(session.execute(q).all(), columns=cols)


def all_tables(session: Session, kinds: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    names = kinds or tuple(K.KINDS)
    return {n: table(session, n) for n in names}


def _geo(df: pd.DataFrame, kind: K.Kind, ent_xy: pd.DataFrame) -> gpd.GeoDataFrame:
    if "geom_wkt" in df.columns and kind.geometry == "polygon":
        geom = [from_wkt(w) if w else None for w in df["geom_wkt"]]
        return gpd.GeoDataFrame(df.drop(columns=["geom_wkt"]), geometry=geom, crs=4326)
    if "lon" in df.columns:
        return gpd.GeoDataFrame(df, geometry=points(df["lon"].to_numpy(dtype=float),
                                                    df["lat"].to_numpy(dtype=float)), crs=4326)
    if "credit_code" in df.columns:
        xy = df[["credit_code"]].merge(ent_xy, on="credit_code", how="left")
        return gpd.GeoDataFrame(df, geometry=points(xy["lon"].to_numpy(dtype=float),
                                                    xy["lat"].to_numpy(dtype=float)), crs=4326)
    return gpd.GeoDataFrame(df, geometry=[None] * len(df), crs=4326)


def export_gpkg(session: Session, path: str | Path, kinds: tuple[str, ...] | None = None,
                include_observations: bool = False) -> dict[str, int]:
    """Write every table as a layer of one GeoPackage (EPSG:4326). Polygons for parks and
    administrative units, points for the rest (children at their own location, else at their
    enterprise's); receptor polygons as an extra layer ``receptor_areas``. Observations only
    when asked (they can be millions of rows)."""
    p = Path(path)
    if p.exists():
        p.unlink()
    names = kinds or tuple(n for n in K.KINDS if include_observations or n != "observations")
    ent_xy = table(session, "enterprises")[["credit_code", "lon", "lat"]]
    counts = {}
    for n in names:
        df = table(session, n)
        if df.empty:
            continue
        k = K.get(n)
        gdf = _geo(df.drop(columns=["geom_wkt"]) if n == "receptors" else df, k, ent_xy)
        gdf.to_file(p, layer=n, driver="GPKG")
        counts[n] = len(gdf)
        if n == "receptors":
            areas = df[df["geom_wkt"].fillna("") != ""]
            if len(areas):
                ga = gpd.GeoDataFrame(areas.drop(columns=["geom_wkt"]),
                                      geometry=[from_wkt(w) for w in areas["geom_wkt"]],
                                      crs=4326)
                ga.to_file(p, layer="receptor_areas", driver="GPKG")
                counts["receptor_areas"] = len(ga)
    return counts


def export_tables(session: Session, path: str | Path, kinds: tuple[str, ...] | None = None,
                  include_observations: bool = False) -> dict[str, int]:
    """``*.xlsx``: one sheet per table; otherwise ``path`` is a folder and each table is a
    UTF-8 CSV (with BOM, so that Excel shows Chinese correctly)."""
    p = Path(path)
    names = kinds or tuple(n for n in K.KINDS if include_observations or n != "observations")
    tabs = all_tables(session, names)
    if p.suffix.lower() == ".xlsx":
        too_big = [n for n, df in tabs.items() if len(df) > XLSX_MAX_ROWS]
        if too_big:
            raise EhriskError(f"tables {too_big} have more rows than an Excel sheet holds; "
                              "export them as CSV")
        p.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(p, engine="openpyxl") as xw:
            for n, df in tabs.items():
                df.to_excel(xw, sheet_name=n[:31], index=False)
    else:
        p.mkdir(parents=True, exist_ok=True)
        for n, df in tabs.items():
            df.to_csv(p / f"{n}.csv", index=False, encoding="utf-8-sig")
    return {n: len(df) for n, df in tabs.items()}
