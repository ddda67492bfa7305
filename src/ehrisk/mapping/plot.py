"""Publication-quality risk maps (matplotlib, Agg): zoning levels or a metric on a log scale,
admin boundaries, parks, sensitive receptors and enterprises, legend, scale bar, north arrow,
the concentration basis (modelled / blended) and the dataset label. Chinese labels use a Noto
CJK font when one is installed and fall back to English-only labels otherwise.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

LEVEL_COLOURS = {"low": "#a6d96a", "medium": "#fdae61", "high": "#d7191c"}
METRIC_LABELS = {"cancer_risk": "excess lifetime cancer risk [-]", "hi": "hazard index HI [-]",
                 "risk_resident": "resident cancer risk [-]", "hi_resident": "resident HI [-]"}
CJK_CANDIDATES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei",
                  "SimHei", "Microsoft YaHei")
CJK_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def cjk_font() -> str | None:
    """Name of an installed CJK font family, or None (then labels are English only)."""
    for f in CJK_FILES:
        if Path(f).exists():
            try:
                font_manager.fontManager.addfont(f)
            except (OSError, RuntimeError):  # pragma: no cover - broken font file
                pass
    names = {f.name for f in font_manager.fontManager.ttflist}
    for c in CJK_CANDIDATES:
        if c in names:
            return c
    return None


def _label(zh: str, en: str, cjk: bool) -> str:
    return f"{zh} / {en}" if cjk else en


def _nice_length(span_m: float) -> float:
    target = span_m / 5.0
    mag = 10 ** np.floor(np.log10(target))
    for m in (5, 2, 1):
        if m * mag <= target:
            return float(m * mag)
    return float(mag)


def _scale_bar(ax, cjk: bool) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    bx, by = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    for i in range(2):
        ax.add_patch(plt.Rectangle((bx + i * length / 2, by), length / 2, h,
                                   facecolor="black" if i == 0 else "white", edgecolor="black",
                                   lw=0.8, zorder=10))
    ax.text(bx, by + 2 * h, "0", ha="center", va="bottom", fontsize=7, zorder=10)
    ax.text(bx + length, by + 2 * h, f"{length / 1000:g} km", ha="center", va="bottom",
            fontsize=7, zorder=10)


def _north_arrow(ax, cjk: bool) -> None:
    ax.annotate("N" if not cjk else "N 北", xy=(0.94, 0.95), xytext=(0.94, 0.85),
                xycoords="axes fraction", ha="center", va="center", fontsize=9,
                fontweight="bold", arrowprops=dict(facecolor="black", width=4, headwidth=10),
                zorder=10)


def risk_map_figure(cells: gpd.GeoDataFrame, *, metric: str = "level", admin=None, parks=None,
                    receptors=None, enterprises=None, title: str = "", label: str = "",
                    basis_text: str = "", figsize=(8.0, 8.0)):
    """Draw a risk map and return the matplotlib figure.

    Parameters
    ----------
    cells : GeoDataFrame
        Cell polygons (metric CRS) with ``level`` or the metric column.
    metric : str
        ``"level"`` (categorical zoning) or a numeric column (log colour scale), e.g.
        ``"cancer_risk"``, ``"hi"``.
    admin, parks : GeoDataFrame, optional
        Boundaries drawn on top (names labelled).
    receptors, enterprises : GeoDataFrame, optional
        Points (receptors by ``type``; enterprises as small black triangles).
    title, label, basis_text : str
        Title; dataset label (e.g. the synthetic label) and concentration basis, printed at the
        bottom.
    """
    font = cjk_font()
    cjk = font is not None
    rc = {"font.family": [font, "DejaVu Sans"] if cjk else ["DejaVu Sans"],
          "axes.unicode_minus": False}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=figsize, dpi=150)
        crs = cells.crs
        handles = []
        if metric == "level":
            for lv, col in LEVEL_COLOURS.items():
                sel = cells[cells["level"] == lv]
                if len(sel):
                    sel.plot(ax=ax, color=col, linewidth=0, alpha=0.85)
                zh = {"low": "低", "medium": "中", "high": "高"}[lv]
                handles.append(Patch(facecolor=col, label=_label(f"{zh}风险", f"{lv} risk", cjk)))
        else:
            v = cells[metric].to_numpy(float)
            pos = v[np.isfinite(v) & (v > 0)]
            if len(pos):
                norm = LogNorm(vmin=max(pos.min(), pos.max() * 1e-6), vmax=pos.max())
                sel = cells[np.isfinite(v) & (v > 0)]
                sel.plot(ax=ax, column=metric, norm=norm, cmap="magma_r", linewidth=0,
                         legend=True, legend_kwds={"shrink": 0.6,
                                                  "label": METRIC_LABELS.get(metric, metric)})
        if admin is not None and len(admin):
            a = admin.to_crs(crs)
            a.boundary.plot(ax=ax, color="#555555", linewidth=0.6)
            for _, r in a.iterrows():
                pt = r.geometry.representative_point()
                name = r.get("name_zh") if cjk and "name_zh" in r else r.get("name_en", "")
                ax.text(pt.x, pt.y, str(name), fontsize=6, color="#333333", ha="center",
                        alpha=0.8)
            handles.append(plt.Line2D([], [], color="#555555", lw=0.8,
                                      label=_label("行政区界", "admin boundary", cjk)))
        if parks is not None and len(parks):
            parks.to_crs(crs).boundary.plot(ax=ax, color="#1f4e9c", linewidth=1.2,
                                            linestyle="--")
            handles.append(plt.Line2D([], [], color="#1f4e9c", lw=1.2, ls="--",
                                      label=_label("工业园区", "industrial park", cjk)))
        if enterprises is not None and len(enterprises):
            e = enterprises.to_crs(crs)
            ax.scatter(e.geometry.x, e.geometry.y, marker="^", s=6, c="black", zorder=5)
            handles.append(plt.Line2D([], [], marker="^", color="black", ls="", ms=4,
                                      label=_label("企业", "enterprise", cjk)))
        if receptors is not None and len(receptors):
            r = receptors.to_crs(crs)
            ax.scatter(r.geometry.x, r.geometry.y, marker="o", s=12, facecolors="white",
                       edgecolors="#2c7bb6", linewidths=0.9, zorder=6)
            handles.append(plt.Line2D([], [], marker="o", color="#2c7bb6", mfc="white", ls="",
                                      ms=4, label=_label("敏感受体", "sensitive receptor", cjk)))
        b = cells.total_bounds
        ax.set_xlim(b[0], b[2])
        ax.set_ylim(b[1], b[3])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
        _scale_bar(ax, cjk)
        _north_arrow(ax, cjk)
        ax.set_title(title, fontsize=11)
        foot = " | ".join(t for t in (basis_text, label, f"CRS {crs.to_string()}") if t)
        fig.text(0.5, 0.02, foot, ha="center", fontsize=6.5, wrap=True)
        fig.subplots_adjust(left=0.03, right=0.97, top=0.93, bottom=0.07)
    return fig


def save_map(fig, path) -> str:
    """Save a figure as PNG or PDF (by suffix) and close it."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, dpi=200 if p.suffix.lower() == ".png" else None)
    plt.close(fig)
    return str(p)
