"""Zoning (分区分级): risk level per cell by configurable rules, summaries per administrative unit
and park, and zones dissolved from the cells of each level.

Default rules (table ``zoning_rules``, rule set ``default``): cancer risk >= 1E-04 or HI >= 1 is
high (高); 1E-06 <= risk < 1E-04 or 0.1 <= HI < 1 is medium (中); otherwise low (低). A cell takes
the higher of its cancer and non-cancer levels. Lower bounds are inclusive, upper bounds
exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ehrisk.refdata import load_table

LEVELS = ("low", "medium", "high")
LEVEL_ZH = {"low": "低风险", "medium": "中风险", "high": "高风险"}
METRICS = ("cancer_risk", "hazard_index")


@dataclass(frozen=True)
class LevelRule:
    """One rule: ``metric`` in [lower, upper) gives ``level``."""

    metric: str
    level: str
    lower: float
    upper: float
    source: str = ""


def rules(rule_set: str = "default") -> list[LevelRule]:
    """Level rules of a rule set from table ``zoning_rules`` (group ``level``)."""
    df = load_table("zoning_rules", numeric=["lower", "upper"])
    df = df[(df["group"] == "level") & (df["rule_set"] == rule_set)]
    if df.empty:
        sets = sorted(load_table("zoning_rules")["rule_set"].unique())
        raise KeyError(f"no zoning rule set {rule_set!r}; known: {', '.join(sets)}")
    return [LevelRule(m, lv, float(lo), float(up) if np.isfinite(up) else np.inf, s)
            for m, lv, lo, up, s in zip(df["metric"], df["level"], df["lower"], df["upper"],
                                        df["source"], strict=True)]


def rules_from_frame(df: pd.DataFrame) -> list[LevelRule]:
    """Rules from a user frame with ``metric, level, lower, upper`` (upper blank = no bound);
    raises ValueError naming the offending row (header = row 1)."""
    out, problems = [], []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        m, lv = str(r.metric).strip(), str(r.level).strip()
        if m not in METRICS:
            problems.append(f"row {i}: metric must be one of {', '.join(METRICS)}, not {m!r}")
        if lv not in LEVELS:
            problems.append(f"row {i}: level must be one of {', '.join(LEVELS)}, not {lv!r}")
        lo = float(r.lower)
        up = float(r.upper) if pd.notna(r.upper) and str(r.upper).strip() != "" else np.inf
        if not lo < up:
            problems.append(f"row {i}: lower ({lo}) must be below upper ({up})")
        out.append(LevelRule(m, lv, lo, up, "user rules"))
    if problems:
        raise ValueError("; ".join(problems))
    return out


def classify(cancer_risk, hazard_index, level_rules: list[LevelRule] | None = None) -> np.ndarray:
    """Risk level per cell: the highest level whose rule matches either metric.

    Parameters
    ----------
    cancer_risk : array_like
        Excess lifetime cancer risk [-] (NaN = not assessed).
    hazard_index : array_like
        Hazard index [-].
    level_rules : list of LevelRule, optional
        Default: :func:`rules` ("default").

    Returns
    -------
    ndarray of str
        ``"low"``, ``"medium"`` or ``"high"`` (``"low"`` where no rule matches).

    References
    ----------
    Default boundaries: 40 CFR 300.430(e)(2)(i)(A)(2) (NCP 1E-06 to 1E-04 cancer risk range);
    RAGS Part A section 8.2.2 (HI 1); RSL User's Guide (Nov 2024) section 2.3 (THQ 0.1); see
    the ``source`` column of ``zoning_rules.csv``.
    """
    lr = rules() if level_rules is None else level_rules
    values = {"cancer_risk": np.asarray(cancer_risk, float),
              "hazard_index": np.asarray(hazard_index, float)}
    rank = np.zeros(values["cancer_risk"].shape, dtype=int)
    for rule in lr:
        v = values[rule.metric]
        hit = (v >= rule.lower) & (v < rule.upper)
        rank = np.where(hit, np.maximum(rank, LEVELS.index(rule.level)), rank)
    return np.asarray(LEVELS, dtype=object)[rank]


def cell_polygons(x_m, y_m, resolution_m: float) -> np.ndarray:
    """Square cell polygons [m] centred on ``x_m, y_m`` (shapely array)."""
    x = np.asarray(x_m, float)
    y = np.asarray(y_m, float)
    h = resolution_m / 2.0
    return shapely.box(x - h, y - h, x + h, y + h)


def dissolve_zones(cells: gpd.GeoDataFrame, level_col: str = "level") -> gpd.GeoDataFrame:
    """Zones: the union of the cell polygons of each level (shapely ``union_all``), with area
    [km2], cell count and population."""
    rows = []
    for lv in LEVELS:
        sel = cells[cells[level_col] == lv]
        if sel.empty:
            continue
        geom = shapely.union_all(sel.geometry.to_numpy())
        rows.append({"level": lv, "level_zh": LEVEL_ZH[lv], "n_cells": int(len(sel)),
                     "area_km2": float(geom.area) / 1e6,
                     "pop_persons": float(sel["pop_persons"].sum()), "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=cells.crs)


def _assign(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, key: str,
            snap_m: float = 0.0) -> np.ndarray:
    """Area key for each point (first containing polygon; else the nearest polygon within
    ``snap_m`` [m]; "" otherwise)."""
    j = gpd.sjoin(points[["geometry"]], areas[[key, "geometry"]], how="left",
                  predicate="within")
    j = j[~j.index.duplicated(keep="first")]
    out = j[key].reindex(points.index).fillna("").astype(str).to_numpy()
    miss = out == ""
    if snap_m > 0 and miss.any():
        near = gpd.sjoin_nearest(points.loc[miss, ["geometry"]], areas[[key, "geometry"]],
                                 how="left", max_distance=snap_m)
        near = near[~near.index.duplicated(keep="first")]
        out[miss] = near[key].reindex(points.index[miss]).fillna("").astype(str).to_numpy()
    return out


def summarise_areas(cells: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, key: str,
                    receptors: gpd.GeoDataFrame | None = None,
                    snap_m: float = 0.0) -> pd.DataFrame:
    """Per-area summary: cells by level, population by level, max risk/HI, population-weighted
    resident risk, expected cases, and sensitive receptors per level.

    Cells are assigned to the area containing their centre (else, e.g. a coastal cell whose
    centre is at sea, to the nearest area within ``snap_m`` [m]); receptors to the area
    containing them.

    Parameters
    ----------
    cells : GeoDataFrame
        Cell polygons with ``level, pop_persons, cancer_risk, hi, pop_risk, cases_per_yr``.
    areas : GeoDataFrame
        Polygons with column ``key`` (same CRS as ``cells``).
    key : str
    receptors : GeoDataFrame, optional
        Points with ``level`` (of their cell).
    """
    areas = areas.to_crs(cells.crs)
    cent = gpd.GeoDataFrame(cells.drop(columns="geometry"), geometry=cells.geometry.centroid,
                            crs=cells.crs)
    cent["_area"] = _assign(cent, areas, key, snap_m)
    out = []
    for a in areas[key].astype(str):
        sel = cent[cent["_area"] == a]
        pop = float(sel["pop_persons"].sum())
        row = {key: a, "n_cells": int(len(sel)), "pop_persons": pop,
               "max_cancer_risk": float(sel["cancer_risk"].max()) if len(sel) else np.nan,
               "max_hi": float(sel["hi"].max()) if len(sel) else np.nan,
               "pop_weighted_risk": float(sel["pop_risk"].sum() / pop) if pop > 0 else np.nan,
               "cases_per_yr": float(sel["cases_per_yr"].sum())}
        for lv in LEVELS:
            row[f"cells_{lv}"] = int((sel["level"] == lv).sum())
            row[f"pop_{lv}"] = float(sel.loc[sel["level"] == lv, "pop_persons"].sum())
        lvl = np.array(LEVELS)
        ranks = [LEVELS.index(v) for v in sel["level"]] or [0]
        row["level"] = str(lvl[max(ranks)])
        out.append(row)
    df = pd.DataFrame(out)
    if receptors is not None and len(receptors):
        rec = receptors.to_crs(cells.crs).copy()
        rec["_area"] = _assign(rec, areas, key, snap_m)
        for lv in LEVELS:
            cnt = rec[rec["level"] == lv].groupby("_area").size()
            df[f"receptors_{lv}"] = df[key].map(cnt).fillna(0).astype(int)
    return df


def receptor_levels(receptors: gpd.GeoDataFrame, cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each sensitive receptor with the level, risk and HI of the cell it lies in."""
    rec = receptors.to_crs(cells.crs).copy()
    j = gpd.sjoin(rec, cells[["cell_id", "level", "cancer_risk", "hi", "geometry"]],
                  how="left", predicate="within")
    j = j[~j.index.duplicated(keep="first")].drop(columns=["index_right"])
    j["level"] = j["level"].fillna("outside")
    return j
