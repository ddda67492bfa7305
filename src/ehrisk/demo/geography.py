"""Geography of the fictional Binhai District: coastline, towns, admin units, industrial parks,
population grid and sensitive receptors.

Everything is built in UTM zone 51N metres (EPSG:32651) around the centre given in
``demo_magnitudes`` (``site.center_lon``/``site.center_lat``, on the real Ningbo-Zhoushan
coastline) and returned in longitude/latitude (EPSG:4326). Names and codes are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import affinity
from shapely.geometry import MultiPoint, Point, Polygon, box
from shapely.ops import unary_union

from ehrisk.demo._common import GEO_CRS, mag, mag_range, to_lonlat, to_xy

DISTRICT_CODE = "990100"
"""Fictional 6-digit division code of the district: prefix 99 is not used by any province
(GB/T 2260 province codes run 11-82)."""

DISTRICT_NAME_ZH = "滨海新区（虚构）"
DISTRICT_NAME_EN = "Binhai District (fictional)"

# Towns/subdistricts: name_zh, name_en, position in km from the SW corner (east, north), core
# density scale (fraction of pop.town_core_density_per_km2), core radius [km]. Design, not data.
TOWNS = (
    ("澄波街道", "Chengbo Subdistrict", 17.0, 22.0, 1.25, 1.5),
    ("望潮镇", "Wangchao Town", 25.5, 31.5, 0.95, 1.1),
    ("青屿镇", "Qingyu Town", 24.0, 8.5, 0.85, 1.0),
    ("鹿溪镇", "Luxi Town", 7.5, 29.0, 0.75, 1.0),
    ("云岙街道", "Yun'ao Subdistrict", 9.5, 12.5, 1.0, 1.2),
    ("石湾镇", "Shiwan Town", 20.0, 15.0, 0.7, 0.9),
)

# Industrial parks: id, name_zh, name_en, kind, rectangle (km from SW corner: x0, y0, x1, y1).
PARKS = (
    ("P1", "滨海石化园区（虚构）", "Binhai Petrochemical Park (fictional)", "refinery_petrochemical",
     (24.0, 12.5, 32.0, 17.5)),
    ("P2", "望潮精细化工园区（虚构）", "Wangchao Fine Chemicals Park (fictional)", "fine_chemicals",
     (24.5, 22.5, 32.0, 26.5)),
    ("P3", "云岙先进制造园区（虚构）", "Yun'ao Advanced Manufacturing Park (fictional)",
     "mixed_manufacturing_metal_finishing", (12.0, 5.0, 16.5, 8.5)),
)


@dataclass(frozen=True)
class Frame:
    """The study-area frame in UTM 51N metres: SW corner ``(x0, y0)`` and side ``size_m``."""

    x0: float
    y0: float
    size_m: float

    def xy(self, east_km, north_km):
        """Frame-relative kilometres -> UTM metres."""
        return self.x0 + np.asarray(east_km) * 1000.0, self.y0 + np.asarray(north_km) * 1000.0


def frame() -> Frame:
    """The study-area frame centred on ``site.center_lon/lat`` with side ``site.size_km``."""
    cx, cy = to_xy(mag("site.center_lon"), mag("site.center_lat"))
    size = mag("site.size_km") * 1000.0
    # Round the corner to whole 100 m so grids are tidy and reproducible.
    x0 = float(np.round((float(cx) - size / 2) / 100.0) * 100.0)
    y0 = float(np.round((float(cy) - size / 2) / 100.0) * 100.0)
    return Frame(x0, y0, size)


def coast_x_km(north_km):
    """East coordinate of the coastline [km from the frame's west edge] at ``north_km`` [km].

    Sea lies east of this line. A smooth, fixed (not random) shape with two bays.
    """
    y = np.asarray(north_km, dtype=float)
    return 31.0 + 2.5 * np.sin(2 * np.pi * y / 19.0) + 1.2 * np.sin(2 * np.pi * y / 7.0 + 1.0)


def land_polygon(fr: Frame) -> Polygon:
    """Land part of the frame (UTM metres)."""
    ys = np.linspace(0.0, fr.size_m / 1000.0, 401)
    xs = coast_x_km(ys)
    pts = [(0.0, 0.0)] + list(zip(xs, ys, strict=True)) + [(0.0, fr.size_m / 1000.0)]
    poly = Polygon([(fr.x0 + x * 1000.0, fr.y0 + y * 1000.0) for x, y in pts])
    return poly.intersection(box(fr.x0, fr.y0, fr.x0 + fr.size_m, fr.y0 + fr.size_m))


def _to_geo(geom):
    import shapely

    def f(x, y):
        return to_lonlat(x, y)

    return shapely.transform(geom, f, interleaved=False)


def parks_utm(fr: Frame, land: Polygon) -> list[tuple]:
    out = []
    for pid, zh, en, kind, (x0, y0, x1, y1) in PARKS:
        xa, ya = fr.xy(x0, y0)
        xb, yb = fr.xy(x1, y1)
        out.append((pid, zh, en, kind, box(float(xa), float(ya), float(xb), float(yb)).intersection(land)))
    return out


def town_points(fr: Frame) -> pd.DataFrame:
    """Town centres with their admin codes (``990101``..)."""
    rows = []
    for i, (zh, en, ex, ny, dens, r_km) in enumerate(TOWNS):
        x, y = fr.xy(ex, ny)
        rows.append(dict(admin_code=f"{DISTRICT_CODE[:4]}{i + 1:02d}", name_zh=zh, name_en=en,
                         x_m=float(x), y_m=float(y), core_scale=dens, core_radius_km=r_km))
    return pd.DataFrame(rows)


def admin_units(fr: Frame, land: Polygon, towns: pd.DataFrame) -> gpd.GeoDataFrame:
    """Town/subdistrict polygons: Voronoi cells of the town centres clipped to land."""
    from shapely import voronoi_polygons

    pts = MultiPoint([Point(x, y) for x, y in zip(towns.x_m, towns.y_m, strict=True)])
    env = box(fr.x0 - 5e4, fr.y0 - 5e4, fr.x0 + fr.size_m + 5e4, fr.y0 + fr.size_m + 5e4)
    cells = list(voronoi_polygons(pts, extend_to=env).geoms)
    geoms = []
    for x, y in zip(towns.x_m, towns.y_m, strict=True):
        p = Point(x, y)
        cell = next(c for c in cells if c.contains(p))
        geoms.append(_to_geo(cell.intersection(land)))
    df = towns[["admin_code", "name_zh", "name_en"]].copy()
    df["district_code"] = DISTRICT_CODE
    df["district_name"] = f"{DISTRICT_NAME_ZH} / {DISTRICT_NAME_EN}"
    return gpd.GeoDataFrame(df, geometry=geoms, crs=GEO_CRS)


def population_grid(fr: Frame, land: Polygon, parks: list[tuple], towns: pd.DataFrame,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Residents per grid cell from a town-core + rural density model.

    density = rural * (hills factor) * noise + sum_t core * scale_t * exp(-r^2 / (2 R_t^2)),
    zero at sea and inside industrial parks; then scaled so the total equals
    ``pop.total_target``. Cell side ``site.cell_size_m``.

    Parameters
    ----------
    fr : Frame
    land : shapely Polygon (UTM metres)
    parks : list of park tuples (UTM geometry last)
    towns : DataFrame with x_m, y_m, core_scale, core_radius_km
    rng : numpy.random.Generator

    Returns
    -------
    DataFrame
        cell_id, x_m, y_m (UTM 51N centre), lon, lat, land (bool), admin_code (blank at sea),
        density_per_km2, pop_persons.
    """
    import shapely

    cell = mag("site.cell_size_m")
    n = int(round(fr.size_m / cell))
    c = (np.arange(n) + 0.5) * cell
    xx, yy = np.meshgrid(fr.x0 + c, fr.y0 + c)
    xx, yy = xx.ravel(), yy.ravel()
    pts = shapely.points(xx, yy)
    on_land = shapely.contains(land, pts)
    in_park = np.zeros_like(on_land)
    for *_, geom in parks:
        in_park |= shapely.contains(geom, pts)
    rural = mag("pop.rural_density_per_km2")
    core = mag("pop.town_core_density_per_km2")
    east_km = (xx - fr.x0) / 1000.0
    hills = np.clip(0.35 + 0.65 * (east_km - 2.0) / 6.0, 0.35, 1.0)  # hilly west edge
    dens = rural * hills * rng.lognormal(0.0, 0.35, xx.size)
    for t in towns.itertuples():
        r2 = ((xx - t.x_m) ** 2 + (yy - t.y_m) ** 2) / 1e6
        dens = dens + core * t.core_scale * np.exp(-r2 / (2.0 * t.core_radius_km ** 2))
    dens = np.where(on_land & ~in_park, dens, 0.0)
    area_km2 = (cell / 1000.0) ** 2
    raw_total = float((dens * area_km2).sum())
    dens = dens * mag("pop.total_target") / raw_total
    pop = np.round(dens * area_km2).astype(np.int64)
    lon, lat = to_lonlat(xx, yy)
    # admin code: nearest town centre (= the Voronoi cell it lies in)
    d2 = (xx[:, None] - towns.x_m.to_numpy()[None, :]) ** 2 + \
         (yy[:, None] - towns.y_m.to_numpy()[None, :]) ** 2
    admin = towns.admin_code.to_numpy()[np.argmin(d2, axis=1)]
    return pd.DataFrame({
        "cell_id": [f"G{i:05d}" for i in range(xx.size)],
        "x_m": xx, "y_m": yy, "lon": lon, "lat": lat, "land": on_land,
        "admin_code": np.where(on_land, admin, ""),
        "density_per_km2": np.round(dens, 1), "pop_persons": pop,
    })


def cell_polygons(grid: pd.DataFrame, cell_size_m: float | None = None) -> gpd.GeoDataFrame:
    """Square polygons (EPSG:4326) for grid cells given by UTM centres ``x_m``, ``y_m``.

    Parameters
    ----------
    grid : DataFrame
        With ``x_m``, ``y_m`` [m, UTM 51N] columns (other columns are kept).
    cell_size_m : float, optional
        Cell side [m]; defaults to ``site.cell_size_m``.
    """
    import shapely

    s = (cell_size_m or mag("site.cell_size_m")) / 2.0
    x, y = grid["x_m"].to_numpy(), grid["y_m"].to_numpy()
    corners_x = np.stack([x - s, x + s, x + s, x - s, x - s], axis=1)
    corners_y = np.stack([y - s, y - s, y + s, y + s, y - s], axis=1)
    lon, lat = to_lonlat(corners_x.ravel(), corners_y.ravel())
    coords = np.stack([lon, lat], axis=1).reshape(len(x), 5, 2)
    polys = shapely.polygons(coords)
    return gpd.GeoDataFrame(grid.copy(), geometry=polys, crs=GEO_CRS)


def _sample_cells(rng, grid, n, weights):
    p = weights / weights.sum()
    idx = rng.choice(len(grid), size=n, replace=False, p=p)
    return np.sort(idx)


RECEPTOR_PLAN = (
    # type, count, name suffix zh, en, capacity range (low, high), capacity meaning
    ("school", 24, "学校", "School", (600, 2500)),
    ("kindergarten", 20, "幼儿园", "Kindergarten", (120, 450)),
    ("hospital", 7, "医院", "Hospital", (100, 1200)),
    ("care_home", 10, "养老院", "Care Home", (50, 300)),
    ("residential_area", 30, "小区", "Residential Area", (0, 0)),
)
_NAME_STEMS = (("海", "Hai"), ("潮", "Chao"), ("澜", "Lan"), ("屿", "Yu"), ("岚", "Lan"),
               ("泓", "Hong"), ("汀", "Ting"), ("桐", "Tong"), ("榕", "Rong"), ("柏", "Bai"),
               ("晴", "Qing"), ("弘", "Hong"), ("盈", "Ying"), ("安", "An"), ("和", "He"),
               ("嘉", "Jia"), ("宁", "Ning"), ("新", "Xin"), ("东", "Dong"), ("南", "Nan"))


def receptors(fr: Frame, land: Polygon, grid: pd.DataFrame, towns: pd.DataFrame,
              rng: np.random.Generator) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Sensitive receptors: points for all, polygons for residential areas and the
    drinking-water source protection zone.

    Locations are drawn among populated land cells with probability proportional to residents
    (so schools and hospitals sit in towns). Capacities: pupils, beds or residents.

    Returns
    -------
    points : DataFrame
        receptor_id, type, name_zh, name_en, admin_code, lon, lat, population, population_kind.
    areas : GeoDataFrame (EPSG:4326)
        receptor_id, type, name_zh, name_en, zone, geometry (polygons).
    """
    rows, areas = [], []
    popw = grid["pop_persons"].to_numpy(dtype=float)
    cell = mag("site.cell_size_m")
    town_names = dict(zip(towns.admin_code, towns.name_zh, strict=True))
    town_en = dict(zip(towns.admin_code, towns.name_en, strict=True))
    k = 0
    for rtype, count, zh_suffix, en_suffix, (lo, hi) in RECEPTOR_PLAN:
        w = popw ** (1.5 if rtype in ("hospital", "school") else 1.0)
        idx = _sample_cells(rng, grid, count, w)
        for j, i in enumerate(idx):
            k += 1
            g = grid.iloc[i]
            x = g.x_m + rng.uniform(-0.4, 0.4) * cell
            y = g.y_m + rng.uniform(-0.4, 0.4) * cell
            stem_zh, stem_en = _NAME_STEMS[(j * 7 + k) % len(_NAME_STEMS)]
            tzh = town_names[g.admin_code].replace("街道", "").replace("镇", "")
            ten = town_en[g.admin_code].split()[0]
            if rtype == "residential_area":
                side = rng.uniform(350.0, 800.0)
                poly = box(x - side / 2, y - side / 2, x + side / 2, y + side / 2).intersection(land)
                cap = int(round(float(g.density_per_km2) * poly.area / 1e6 * 0.9))
                areas.append(dict(receptor_id=f"R{k:03d}", type=rtype,
                                  name_zh=f"{tzh}{stem_zh}{j + 1}号{zh_suffix}",
                                  name_en=f"{ten} {stem_en} No.{j + 1} {en_suffix}",
                                  zone="residential", geometry=_to_geo(poly)))
                kind = "residents"
            else:
                cap = int(rng.integers(lo, hi + 1))
                if rtype == "hospital" and j == 0:
                    cap = hi  # the district general hospital
                kind = "pupils" if rtype in ("school", "kindergarten") else "beds"
            lon, lat = to_lonlat(x, y)
            rows.append(dict(receptor_id=f"R{k:03d}", type=rtype,
                             name_zh=f"{tzh}{stem_zh}{j + 1}号{zh_suffix}" if rtype != "hospital"
                             else f"{tzh}{'人民' if j == 0 else stem_zh}{zh_suffix}",
                             name_en=f"{ten} {stem_en} No.{j + 1} {en_suffix}" if rtype != "hospital"
                             else f"{ten} {'People' if j == 0 else stem_en} {en_suffix}",
                             admin_code=g.admin_code, lon=float(lon), lat=float(lat),
                             population=cap, population_kind=kind))
    # Drinking-water source: a reservoir in the western hills with a protection zone.
    k += 1
    rx, ry = fr.xy(3.5, 20.0)
    res = affinity.scale(Point(float(rx), float(ry)).buffer(1000.0), xfact=1.4, yfact=0.7)
    zone1 = res.buffer(300.0).intersection(land)
    zone2 = res.buffer(2000.0).intersection(land)
    lon, lat = to_lonlat(rx, ry)
    rows.append(dict(receptor_id=f"R{k:03d}", type="drinking_water_source",
                     name_zh="青岚水库饮用水水源地（虚构）",
                     name_en="Qinglan Reservoir drinking-water source (fictional)",
                     admin_code=str(grid.loc[np.argmin((grid.x_m - rx) ** 2 + (grid.y_m - ry) ** 2),
                                             "admin_code"]),
                     lon=float(lon), lat=float(lat), population=0, population_kind="served (n/a)"))
    for zone, geom in (("reservoir", res), ("protection_zone_1", zone1),
                       ("protection_zone_2", unary_union([zone2]).difference(zone1))):
        areas.append(dict(receptor_id=f"R{k:03d}", type="drinking_water_source",
                          name_zh="青岚水库饮用水水源地（虚构）",
                          name_en="Qinglan Reservoir drinking-water source (fictional)",
                          zone=zone, geometry=_to_geo(geom)))
    return pd.DataFrame(rows), gpd.GeoDataFrame(pd.DataFrame(areas), geometry="geometry", crs=GEO_CRS)


def study_area(fr: Frame, land: Polygon) -> gpd.GeoDataFrame:
    """Land and sea polygons of the frame (EPSG:4326)."""
    sea = box(fr.x0, fr.y0, fr.x0 + fr.size_m, fr.y0 + fr.size_m).difference(land)
    return gpd.GeoDataFrame({"part": ["land", "sea"],
                             "name_zh": [DISTRICT_NAME_ZH, "东海（近岸海域）"],
                             "name_en": [DISTRICT_NAME_EN, "East China Sea (coastal waters)"]},
                            geometry=[_to_geo(land), _to_geo(sea)], crs=GEO_CRS)


def parks_gdf(parks: list[tuple], towns: pd.DataFrame) -> gpd.GeoDataFrame:
    """Industrial park polygons (EPSG:4326) with the admin unit of their centroid."""
    rows, geoms = [], []
    for pid, zh, en, kind, geom in parks:
        c = geom.centroid
        d2 = (towns.x_m - c.x) ** 2 + (towns.y_m - c.y) ** 2
        rows.append(dict(park_id=pid, name_zh=zh, name_en=en, kind=kind,
                         admin_code=towns.admin_code.iloc[int(np.argmin(d2))],
                         area_km2=round(geom.area / 1e6, 2)))
        geoms.append(_to_geo(geom))
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=GEO_CRS)


def random_point_in(rng: np.random.Generator, geom, min_dist_from=None, min_dist_m=0.0,
                    max_tries: int = 1000) -> tuple[float, float]:
    """A uniform random point inside ``geom`` (UTM), optionally at least ``min_dist_m`` away
    from every point in ``min_dist_from`` (array of shape (n, 2))."""
    x0, y0, x1, y1 = geom.bounds
    for _ in range(max_tries):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if not geom.contains(Point(x, y)):
            continue
        if min_dist_from is not None and len(min_dist_from):
            d = np.hypot(min_dist_from[:, 0] - x, min_dist_from[:, 1] - y).min()
            if d < min_dist_m:
                continue
        return float(x), float(y)
    raise RuntimeError("could not place a point in the geometry")


__all__ = ["DISTRICT_CODE", "DISTRICT_NAME_EN", "DISTRICT_NAME_ZH", "Frame", "admin_units",
           "cell_polygons", "coast_x_km", "frame", "land_polygon", "mag_range", "parks_gdf",
           "parks_utm", "population_grid", "random_point_in", "receptors", "study_area",
           "town_points"]
