"""Risk-map drawing (matplotlib, Agg): the cells of one metric in classes whose breaks include
the zoning thresholds, the base (administrative units, industrial parks), enterprises of
interest (numbered), sensitive receptors by type, a longitude/latitude graticule, a scale bar
and a north arrow (rotated by the grid convergence of the map's projected CRS).

Pure drawing on a given axes: no file is written and no font is chosen here. Chinese text needs
a font with Chinese glyphs in the caller's rcParams (the writer passes
``ehrisk.reports.fonts.matplotlib_rc()``). Page layout, titles, legends and the atlas are in
:mod:`ehrisk.mapping.atlas`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ehrisk import labels as L  # noqa: E402

LEVELS = ("low", "medium", "high")
LEVEL_ZH = {"low": "低风险", "medium": "中风险", "high": "高风险"}
LEVEL_COLOURS = {"low": "#a6d96a", "medium": "#fdae61", "high": "#d7191c"}
RULE_METRIC = {"cancer_risk": "cancer_risk", "risk_resident": "cancer_risk", "hi": "hazard_index",
               "hi_resident": "hazard_index"}
"""Map column -> metric of the zoning rules whose thresholds are its class breaks."""
METRIC_ZH = {"cancer_risk": "致癌风险", "hazard_index": "HI"}
RECEPTOR_ZH = L.RECEPTOR_ZH
"""Chinese names of the receptor types (one list: :mod:`ehrisk.labels`)."""
RECEPTOR_MARKERS = {"school": "s", "kindergarten": "D", "hospital": "P", "care_home": "h",
                    "residential_area": "o", "drinking_water_source": "v", "other": "X"}
NO_DATA_COLOUR = "#e6e6e6"
LABEL_BOX = dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none", alpha=0.72)
"""Background of labels on the map (a box, not a path-effect halo: text stays text in the PDF
and can be searched and copied)."""


@dataclass(frozen=True)
class Rule:
    """A zoning rule as drawn: ``metric`` in [lower, upper) is ``level``."""

    metric: str
    level: str
    lower: float
    upper: float


def rules_from_summary(items) -> list[Rule]:
    """Rules from the summary's ``zoning_rules`` (list of dicts; ``upper`` None = no bound)."""
    out = []
    for r in items or []:
        up = r.get("upper")
        out.append(Rule(str(r["metric"]), str(r["level"]), float(r["lower"]),
                        math.inf if up is None else float(up)))
    return out


def fmt_value(v: float) -> str:
    """A class break for a legend: ``1×10⁻⁶``, ``5×10⁻⁵``, ``0.1``, ``1``, ``10``."""
    if v == 0:
        return "0"
    if 1e-2 <= abs(v) < 1e4:
        return f"{v:g}"
    e = int(math.floor(math.log10(abs(v))))
    m = v / 10 ** e
    if abs(m - round(m)) < 1e-9:
        m = round(m)
    sup = str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{m:g}×10{sup}"


def level_at(value: float, metric: str, rules: list[Rule]) -> str:
    """The level the rules of ``metric`` give ``value`` (``low`` where none matches)."""
    rank = 0
    for r in rules:
        if r.metric == metric and r.lower <= value < r.upper:
            rank = max(rank, LEVELS.index(r.level))
    return LEVELS[rank]


def thresholds(metric: str, rules: list[Rule]) -> list[float]:
    """The finite bounds of the rules of ``metric`` (sorted, unique)."""
    v = {b for r in rules if r.metric == metric for b in (r.lower, r.upper) if math.isfinite(b)}
    return sorted(v)


@dataclass
class Classes:
    """Colour classes of a map: ``index`` per cell (-1: no value / no data class), labels and
    colours per class, and each class's zoning level (or "")."""

    index: np.ndarray
    labels: list[str]
    colours: list[str]
    levels: list[str]
    breaks: list[float]


def metric_classes(values, column: str, rules: list[Rule], cmap: str,
                   max_decades: int = 6) -> Classes:
    """Classes of a positive metric: decade breaks over the data's range plus every zoning
    threshold of the metric (so that each class lies in one zoning level).

    Parameters
    ----------
    values : array_like
        Metric per cell (NaN or <= 0: index -1).
    column : str
        Map column (``cancer_risk``, ``hi``, ``risk_resident``, ``cases_per_yr`` ...).
    rules : list of Rule
        The run's zoning rules.
    cmap : str
        Matplotlib colormap the class colours are sampled from.
    max_decades : int
        At most this many decades below the maximum get their own class.
    """
    v = np.asarray(values, float)
    pos = v[np.isfinite(v) & (v > 0)]
    metric = RULE_METRIC.get(column)
    th = thresholds(metric, rules) if metric else []
    dec: list[float] = []
    if len(pos):
        hi_e = int(math.ceil(math.log10(pos.max())))
        lo_e = max(int(math.floor(math.log10(pos.min()))), hi_e - max_decades)
        # decades up to the data's maximum or the top threshold, so that the thresholds'
        # classes show even where no cell reaches them
        top_e = max(hi_e, int(math.ceil(math.log10(th[-1]))) if th else hi_e)
        dec = [10.0 ** e for e in range(lo_e + 1, top_e)]
    breaks = sorted(set(dec) | set(th))
    if not breaks:
        breaks = [float(pos.max())] if len(pos) else [1.0]
    idx = np.full(v.shape, -1, int)
    ok = np.isfinite(v) & (v > 0)
    idx[ok] = np.searchsorted(np.asarray(breaks), v[ok], side="right")
    n = len(breaks) + 1
    cm = plt.get_cmap(cmap)
    colours = [matplotlib.colors.to_hex(cm(0.12 + 0.83 * i / max(n - 1, 1))) for i in range(n)]
    labels, levels = [], []
    for i in range(n):
        if i == 0:
            labels.append(f"< {fmt_value(breaks[0])}")
            probe = breaks[0] / 2
        elif i == n - 1:
            labels.append(f"≥ {fmt_value(breaks[-1])}")
            probe = breaks[-1]
        else:
            labels.append(f"{fmt_value(breaks[i - 1])} – {fmt_value(breaks[i])}")
            probe = breaks[i - 1]
        levels.append(level_at(probe, metric, rules) if metric and th else "")
    return Classes(idx, labels, colours, levels, breaks)


def level_classes(levels) -> Classes:
    """The three zoning levels as classes (index 0 low, 1 medium, 2 high; -1 other)."""
    lv = pd.Series(levels).astype(str)
    idx = lv.map({k: i for i, k in enumerate(LEVELS)}).fillna(-1).astype(int).to_numpy()
    return Classes(idx, [LEVEL_ZH[k] for k in LEVELS], [LEVEL_COLOURS[k] for k in LEVELS],
                   list(LEVELS), [])


def grid_of(cells: pd.DataFrame, values, resolution_m: float):
    """A 2-D array (rows south to north) of per-cell values on the regular grid of the cells'
    centres ``x_m, y_m`` [m], and its extent ``(x0, x1, y0, y1)`` [m]."""
    x = cells["x_m"].to_numpy(float)
    y = cells["y_m"].to_numpy(float)
    ci = np.rint((x - x.min()) / resolution_m).astype(int)
    ri = np.rint((y - y.min()) / resolution_m).astype(int)
    a = np.full((ri.max() + 1, ci.max() + 1), -1, int)
    a[ri, ci] = np.asarray(values)
    h = resolution_m / 2
    return a, (x.min() - h, x.max() + h, y.min() - h, y.max() + h)


def draw_classes(ax, cells: pd.DataFrame, classes: Classes, resolution_m: float,
                 no_data_label: str | None = None) -> list:
    """Draw the cells by class (nearest-neighbour raster, no seams) and return the legend
    handles (one per class; ``no_data_label`` adds a grey class for index -1 cells)."""
    a, extent = grid_of(cells, classes.index, resolution_m)
    colours = list(classes.colours)
    n = len(colours)
    shown = np.ma.masked_less(a, 0) if no_data_label is None else a
    cols = ([NO_DATA_COLOUR] if no_data_label is not None else []) + colours
    off = 1 if no_data_label is not None else 0
    cmap = ListedColormap(cols)
    norm = BoundaryNorm(np.arange(-off - 0.5, n, 1.0), cmap.N)
    ax.imshow(shown, origin="lower", extent=extent, cmap=cmap, norm=norm,
              interpolation="nearest", zorder=1)
    handles = [Patch(facecolor=c, edgecolor="#777777", linewidth=0.4,
                     label=lab + (f"（{LEVEL_ZH[lv]}）" if lv and lab != LEVEL_ZH.get(lv) else ""))
               for lab, c, lv in zip(classes.labels, colours, classes.levels, strict=True)]
    if no_data_label is not None:
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#777777", linewidth=0.4,
                             label=no_data_label))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    return handles


def draw_admin(ax, admin, crs) -> list:
    """Administrative boundaries with their names; legend handle."""
    if admin is None or not len(admin):
        return []
    a = admin.to_crs(crs)
    a.boundary.plot(ax=ax, color="#4d4d4d", linewidth=0.8, zorder=3)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for _, r in a.iterrows():
        pt = r.geometry.representative_point()
        if x0 < pt.x < x1 and y0 < pt.y < y1:
            name = r.get("name_zh") or r.get("name_en") or r.get("admin_code", "")
            ax.text(pt.x, pt.y, str(name), fontsize=8, color="#333333", ha="center",
                    va="center", zorder=7, bbox=LABEL_BOX)
    return [Line2D([], [], color="#4d4d4d", lw=0.8, label="行政区界")]


def draw_parks(ax, parks, crs) -> list:
    """Industrial parks (dashed outline, name above the park); legend handle."""
    if parks is None or not len(parks):
        return []
    p = parks.to_crs(crs)
    p.boundary.plot(ax=ax, color="#08306b", linewidth=1.3, linestyle=(0, (4, 2)), zorder=4)
    y0, y1 = ax.get_ylim()
    for _, r in p.iterrows():
        b = r.geometry.bounds
        name = r.get("name_zh") or r.get("name_en") or r.get("park_id", "")
        top = b[3] + 0.008 * (y1 - y0)
        va = "bottom"
        if top > y1 - 0.04 * (y1 - y0):   # no room above: write it under the park
            top, va = b[1] - 0.008 * (y1 - y0), "top"
        ax.text((b[0] + b[2]) / 2, top, str(name), fontsize=7.5, color="#08306b",
                fontweight="bold", ha="center", va=va, zorder=8, bbox=LABEL_BOX)
    return [Line2D([], [], color="#08306b", lw=1.3, ls=(0, (4, 2)), label="工业园区")]


def draw_enterprises(ax, enterprises: pd.DataFrame | None, key: pd.DataFrame | None) -> list:
    """Every enterprise as a small triangle; the enterprises of interest (``key``, in order)
    as numbered circles. Legend handles."""
    out = []
    if enterprises is not None and len(enterprises):
        e = enterprises.dropna(subset=["x_m", "y_m"])
        ax.scatter(e["x_m"], e["y_m"], marker="^", s=7, c="#252525", linewidths=0, zorder=5)
        out.append(Line2D([], [], marker="^", color="#252525", ls="", ms=3.5, label="企业"))
    if key is not None and len(key):
        for i, (_, r) in enumerate(key.iterrows(), start=1):
            ax.text(r["x_m"], r["y_m"], str(i), fontsize=6.5, color="white", fontweight="bold",
                    ha="center", va="center", zorder=9,
                    bbox=dict(boxstyle="circle,pad=0.18", facecolor="#67000d",
                              edgecolor="white", linewidth=0.8))
        out.append(Line2D([], [], marker="o", color="#67000d", mec="white", ls="", ms=7,
                          label="重点企业（编号见右表）"))
    return out


def draw_receptors(ax, receptors, crs, label_levels=("high",), max_labels: int = 8) -> list:
    """Sensitive receptors, one marker per type (legend in Chinese); receptors in cells of
    ``label_levels`` are labelled with their names (at most ``max_labels``)."""
    if receptors is None or not len(receptors):
        return []
    r = receptors.to_crs(crs)
    handles = []
    types = [t for t in RECEPTOR_ZH if t in set(r["type"].astype(str))]
    types += sorted(set(r["type"].astype(str)) - set(types))
    for t in types:
        sel = r[r["type"].astype(str) == t]
        m = RECEPTOR_MARKERS.get(t, "X")
        ax.scatter(sel.geometry.x, sel.geometry.y, marker=m, s=16, facecolors="white",
                   edgecolors="#08519c", linewidths=0.9, zorder=6)
        handles.append(Line2D([], [], marker=m, color="#08519c", mfc="white", ls="", ms=4.5,
                              label=RECEPTOR_ZH.get(t, t)))
    if "level" in r.columns and "name_zh" in r.columns:
        lab = r[r["level"].astype(str).isin(label_levels)].head(max_labels)
        for _, x in lab.iterrows():
            ax.annotate(str(x["name_zh"]), (x.geometry.x, x.geometry.y), xytext=(4, 3),
                        textcoords="offset points", fontsize=6.5, color="#08306b", zorder=8,
                        bbox=LABEL_BOX)
    return handles


def _step(span_deg: float) -> float:
    for s in (0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0):
        if span_deg / s <= 6:
            return s
    return 10.0


def _deg(v: float, step: float, pos: str, neg: str) -> str:
    dec = max(0, -int(math.floor(math.log10(step) + 1e-9)))
    if step in (0.025, 0.25):
        dec += 1
    return f"{abs(v):.{dec}f}°{pos if v >= 0 else neg}"


def graticule(ax, crs) -> None:
    """Longitude/latitude lines (WGS 84) across the map, labelled where they cross the bottom
    and left frame (degrees, e.g. ``121.50°E``)."""
    from pyproj import Transformer

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    fx = np.r_[np.linspace(x0, x1, 30), np.full(30, x1), np.linspace(x1, x0, 30), np.full(30, x0)]
    fy = np.r_[np.full(30, y0), np.linspace(y0, y1, 30), np.full(30, y1), np.linspace(y1, y0, 30)]
    lon, lat = to_ll.transform(fx, fy)
    lon0, lon1, lat0, lat1 = min(lon), max(lon), min(lat), max(lat)
    step = _step(max(lon1 - lon0, lat1 - lat0))
    xt, xl, yt, yl = [], [], [], []
    style = dict(color="#555555", lw=0.35, alpha=0.6, zorder=2)
    for lo in np.arange(math.ceil(lon0 / step) * step, lon1, step):
        la = np.linspace(lat0 - step, lat1 + step, 60)
        x, y = to_xy.transform(np.full_like(la, lo), la)
        ax.plot(x, y, **style)
        xb = float(np.interp(y0, y, x))
        if x0 < xb < x1:
            xt.append(xb)
            xl.append(_deg(lo, step, "E", "W"))
    for la in np.arange(math.ceil(lat0 / step) * step, lat1, step):
        lo = np.linspace(lon0 - step, lon1 + step, 60)
        x, y = to_xy.transform(lo, np.full_like(lo, la))
        ax.plot(x, y, **style)
        yb = float(np.interp(x0, x, y))
        if y0 < yb < y1:
            yt.append(yb)
            yl.append(_deg(la, step, "N", "S"))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks(xt, xl, fontsize=7)
    ax.set_yticks(yt, yl, fontsize=7, rotation=90, va="center")
    ax.tick_params(length=3, width=0.6, pad=2)


def nice_length(span_m: float) -> float:
    """A round scale-bar length [m] of about a fifth of ``span_m``."""
    target = span_m / 5.0
    mag = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * mag <= target:
            return float(m * mag)
    return float(mag)


def scale_bar(ax) -> None:
    """Alternating two-segment scale bar in the lower left with its length in km."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.011 * (y1 - y0)
    ax.add_patch(plt.Rectangle((bx - 0.02 * (x1 - x0), by - 0.018 * (y1 - y0)),
                               length + 0.05 * (x1 - x0), 0.075 * (y1 - y0), facecolor="white",
                               edgecolor="none", alpha=0.8, zorder=10))
    for i in range(2):
        ax.add_patch(plt.Rectangle((bx + i * length / 2, by), length / 2, h,
                                   facecolor="black" if i == 0 else "white", edgecolor="black",
                                   lw=0.7, zorder=11))
    for f, t in ((0, "0"), (0.5, f"{length / 2000:g}"), (1, f"{length / 1000:g} km")):
        ax.text(bx + f * length, by + 1.6 * h, t, ha="center", va="bottom", fontsize=7,
                zorder=11)


def north_arrow(ax, crs) -> float:
    """North arrow in the upper right, pointing to true north (rotated by the grid
    convergence of ``crs`` at the map centre); returns the convergence [deg]."""
    from pyproj import Transformer

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    xc, yc = (x0 + x1) / 2, (y0 + y1) / 2
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_ll.transform(xc, yc)
    xn, yn = to_xy.transform(lon, lat + 0.01)
    ang = math.atan2(xn - xc, yn - yc)
    span = min(x1 - x0, y1 - y0)
    L = 0.07 * span
    bx, by = x1 - 0.06 * (x1 - x0), y1 - 0.15 * (y1 - y0)
    tip = (bx + L * math.sin(ang), by + L * math.cos(ang))
    ax.annotate("", xy=tip, xytext=(bx, by), zorder=11,
                arrowprops=dict(facecolor="black", edgecolor="white", width=3.5, headwidth=10,
                                headlength=9, lw=0.6))
    ax.text(tip[0], tip[1] + 0.012 * span, "北\nN", ha="center", va="bottom", fontsize=8,
            fontweight="bold", zorder=11, linespacing=0.95, bbox=LABEL_BOX)
    return math.degrees(ang)
