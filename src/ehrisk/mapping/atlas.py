"""Risk-map documents: one page per map (title with area, year and metric; the map with its
graticule, base, enterprises of interest and receptors; a legend with the class thresholds; a
source line) and the atlas (风险地图集): one multi-page PDF with a cover, the maps of the run
and page numbers.

Pages are A4, portrait for square or tall areas and landscape for wide ones; the PNG of each
map is the same page cropped to its content. Class breaks of the risk maps include the run's
zoning thresholds (``summary["zoning_rules"]``; the default rule set is table
``zoning_rules.csv``), so every class lies in one zoning level.

Chinese text needs a font with Chinese glyphs: the caller passes matplotlib rcParams in
:attr:`DocInfo.rc` (the writer uses ``ehrisk.reports.fonts.matplotlib_rc()``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from ehrisk.mapping import plot  # noqa: E402

A4_IN = (8.27, 11.69)
MARGIN_IN = 0.45
TITLE_IN = 1.0
LEGEND_IN = 1.75
FOOTER_IN = 0.8
TICKS_IN = 0.32


@dataclass(frozen=True)
class MapSpec:
    """One map of the atlas: the cell column, file stem, titles, colour map, legend heading,
    how the enterprises of interest are ranked and the value shown for them."""

    column: str
    stem: str
    title_zh: str
    title_en: str
    cmap: str
    legend_zh: str
    rank_by: str
    rank_zh: str
    no_data_zh: str | None = None


MAPS = (
    MapSpec("level", "risk_map_levels", "环境健康风险分区分级", "risk zoning", "", "风险等级",
            "attributable_cases_per_yr", "归因超额病例（例/年）"),
    MapSpec("cancer_risk", "risk_map_cancer", "大气污染物终生致癌风险", "lifetime cancer risk",
            "YlOrRd", "终生致癌风险（无量纲）", "max_cancer_risk_contribution",
            "最大致癌风险贡献"),
    MapSpec("hi", "risk_map_hi", "大气污染物非致癌危害指数", "hazard index (HI)", "RdPu",
            "危害指数 HI（无量纲）", "max_hi_contribution", "最大危害指数贡献"),
    MapSpec("risk_resident", "risk_map_resident", "居民终生致癌风险（全域按居民暴露）",
            "resident lifetime cancer risk, every cell as residents", "YlOrRd",
            "居民终生致癌风险（无量纲）", "max_cancer_risk_contribution", "最大致癌风险贡献"),
    MapSpec("cases_per_yr", "risk_map_cases", "人口加权风险：超额致癌病例",
            "population-weighted risk: excess cancer cases", "Purples",
            "每网格超额致癌病例（例/年）", "attributable_cases_per_yr", "归因超额病例（例/年）",
            no_data_zh="无常住人口"),
)
"""The maps of a run, in atlas order."""


def spec_for(column: str) -> MapSpec:
    """The atlas's spec of a map column, or a plain spec for another numeric column."""
    for sp in MAPS:
        if sp.column == column:
            return sp
    return MapSpec(column, f"risk_map_{column}", column, column, "viridis", column,
                   "max_cancer_risk_contribution", "最大致癌风险贡献")


@dataclass
class DocInfo:
    """What a document says about its data beyond the result: area, year, data, issuer.

    Attributes
    ----------
    area_zh, area_en : str
        Area name (from the inventory).
    year : int or None
        Inventory year.
    data_zh : str
        Where the data came from and their dates (e.g. "风险源数据库；2025年排放清单；气象
        2025-01-01至2025-12-31").
    issuer : str
        Issuing unit (编制单位; from the study file), "" when not given.
    made_on : str
        Date the document was made (ISO).
    software : str
        ``ehrisk <version>``.
    synthetic : bool
        Synthetic demo data (stated on every page).
    rc : dict
        matplotlib rcParams with a Chinese font (None: the current ones).
    """

    area_zh: str
    area_en: str = ""
    year: int | None = None
    data_zh: str = ""
    issuer: str = ""
    made_on: str = ""
    software: str = ""
    synthetic: bool = False
    rc: dict | None = field(default=None, repr=False)


def zone_rule_text(rules: list[plot.Rule]) -> dict[str, str]:
    """The zoning rules in words per level, high to low: ``{"high": "高风险：致癌风险 ≥
    1×10⁻⁴ 或 HI ≥ 1", ...}``; the lowest level without rules reads "其余网格（...）"."""
    out = {}
    for lv in reversed(plot.LEVELS):
        parts = []
        for r in rules:
            if r.level != lv:
                continue
            m = plot.METRIC_ZH.get(r.metric, r.metric)
            lo = plot.fmt_value(r.lower)
            if np.isfinite(r.upper):
                parts.append(f"{lo} ≤ {m} < {plot.fmt_value(r.upper)}")
            else:
                parts.append(f"{m} ≥ {lo}")
        if parts:
            out[lv] = f"{plot.LEVEL_ZH[lv]}：" + " 或 ".join(parts)
        elif lv == "low":
            lows: dict[str, float] = {}
            for r in rules:
                if r.level != "low":
                    lows[r.metric] = min(lows.get(r.metric, np.inf), r.lower)
            cond = " 且 ".join(f"{plot.METRIC_ZH.get(m, m)} < {plot.fmt_value(v)}"
                              for m, v in lows.items())
            out[lv] = f"{plot.LEVEL_ZH[lv]}：其余网格" + (f"（{cond}）" if cond else "")
    return out


def zone_rule_lines(rules: list[plot.Rule]) -> list[str]:
    """:func:`zone_rule_text` as lines, high to low."""
    return list(zone_rule_text(rules).values())


def _substance_zh(cas) -> str:
    from ehrisk.refdata.chemicals import lookup

    if not isinstance(cas, str) or not cas:
        return ""
    try:
        return str(lookup(cas)["name_zh"])
    except Exception:  # noqa: BLE001 - an unknown id is shown as given
        return cas


_CAS = re.compile(r"\b\d{2,7}-\d{2}-\d\b")


def with_names(text: str) -> str:
    """``text`` with each CAS number replaced by the substance's Chinese name."""
    return _CAS.sub(lambda m: _substance_zh(m.group(0)), text)


def key_enterprises(ent: pd.DataFrame, spec: MapSpec, n: int = 5) -> pd.DataFrame:
    """The ``n`` enterprises with the largest ``spec.rank_by`` (> 0) and a location."""
    if ent is None or not len(ent) or spec.rank_by not in ent.columns:
        return pd.DataFrame(columns=["x_m", "y_m"])
    e = ent.dropna(subset=["x_m", "y_m"])
    e = e[pd.to_numeric(e[spec.rank_by], errors="coerce") > 0]
    return e.sort_values(spec.rank_by, ascending=False).head(n)


_TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+")


def wrap_mixed(text: str, width: float) -> list[str]:
    """Wrap Chinese and Latin text to ``width`` units (a Chinese character or full-width sign
    is 1 unit, a Latin character 0.55), breaking between Chinese characters or at spaces,
    never inside a Latin word or number."""
    lines, cur, w = [], "", 0.0
    for tok in _TOKENS.findall(text):
        tw = sum(1.0 if ord(c) >= 0x2E80 else 0.55 for c in tok)
        if cur and w + tw > width and not tok.isspace():
            lines.append(cur.rstrip())
            cur, w = "", 0.0
        if not cur and tok.isspace():
            continue
        cur += tok
        w += tw
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def _page_size(aspect: float) -> tuple[float, float]:
    return A4_IN if aspect >= 0.8 else (A4_IN[1], A4_IN[0])


def _footer_lines(res, doc: DocInfo, width: float) -> list[str]:
    s = res.summary
    model = s.get("model", {})
    cut = model.get("cutoff_m")
    lines = wrap_mixed(f"数据：{doc.data_zh}" if doc.data_zh else "数据：—", width)
    method = (f"方法：ISCLT 长期高斯烟羽扩散（{res.resolution_m:g} m 网格"
              + (f"，扩散截断 {float(cut) / 1000:g} km" if cut else "") + "）；吸入风险按 US EPA "
              "RSL（2024年11月）居民情景，工业园区内网格按职业人群（工业）情景；浓度："
              + with_names(str(res.legend or res.basis)))
    lines += wrap_mixed(method, width)
    tail = (f"坐标系：{res.crs}，图廓经纬度为 WGS 84；编制单位：{doc.issuer or '（未注明）'}；"
            f"制图：{doc.software or 'ehrisk'}，{doc.made_on}")
    lines += wrap_mixed(tail, width)
    if doc.synthetic:
        lines += wrap_mixed(f"{res.label}：合成演示数据，非真实地区，不得用于管理决策", width)
    return lines


def map_figure(res, spec: MapSpec, doc: DocInfo):
    """One map page (A4) of a :class:`~ehrisk.mapping.compute.RiskMapResult` and return the
    figure; its artists carry the title, the legend's class thresholds and the labels."""
    cells = res.cells
    rules = plot.rules_from_summary(res.summary.get("zoning_rules"))
    crs = res.crs
    b = cells.total_bounds
    aspect = (b[3] - b[1]) / (b[2] - b[0])
    W, H = _page_size(aspect)
    fig = plt.figure(figsize=(W, H))
    # map box [in]
    max_w = W - 2 * MARGIN_IN - TICKS_IN
    max_h = H - MARGIN_IN - TITLE_IN - TICKS_IN - LEGEND_IN - FOOTER_IN - 0.25
    mh = min(max_h, max_w * aspect)
    mw = mh / aspect
    left = MARGIN_IN + TICKS_IN + (max_w - mw) / 2
    top = H - MARGIN_IN - TITLE_IN
    ax = fig.add_axes((left / W, (top - mh) / H, mw / W, mh / H))
    # title
    year = f" {doc.year}年" if doc.year else ""
    title = f"{doc.area_zh}{year} {spec.title_zh}"
    fs = 15 if len(wrap_mixed(title, (W - 2 * MARGIN_IN) * 72 / 15)) == 1 else 11.5
    fig.text(0.5, (H - MARGIN_IN) / H, "\n".join(wrap_mixed(title, (W - 2 * MARGIN_IN) * 72
                                                              / fs)),
             ha="center", va="top", fontsize=fs, fontweight="bold", linespacing=1.1)
    en = ", ".join(t for t in (doc.area_en, str(doc.year or "")) if t)
    en = f"{en} — {spec.title_en}" if en else spec.title_en
    fig.text(0.5, (H - MARGIN_IN - 0.36) / H, en, ha="center", va="top",
             fontsize=9.5 if len(en) < 110 else 7.5, color="#333333")
    sub = ("园区外网格为居民（儿童+成人）吸入暴露，工业园区内网格为职业人群吸入暴露"
           if spec.column in ("level", "cancer_risk", "hi") else
           "每个网格均按居民（儿童+成人）吸入暴露计算，园区内亦然，便于比较浓度梯度"
           if spec.column == "risk_resident" else
           "网格人口 × 居民终生致癌风险 ÷ 70 年；园区内无常住人口")
    fig.text(0.5, (H - MARGIN_IN - 0.62) / H, sub, ha="center", va="top", fontsize=8,
             color="#555555")
    # cells
    if spec.column == "level":
        classes = plot.level_classes(cells["level"])
        words = zone_rule_text(rules)
        classes.levels = [""] * len(classes.labels)
        classes.labels = ["\n".join(wrap_mixed(words.get(lv, lab), 19))
                          for lv, lab in zip(plot.LEVELS, classes.labels, strict=True)]
    else:
        classes = plot.metric_classes(cells[spec.column], spec.column, rules, spec.cmap)
    no_data = spec.no_data_zh
    if spec.column == "cases_per_yr":
        classes.index[(cells["pop_persons"].to_numpy(float) <= 0)] = -1
    handles = plot.draw_classes(ax, cells, classes, res.resolution_m, no_data)
    base = plot.draw_admin(ax, res.admin_summary if len(res.admin_summary) else None, crs)
    base += plot.draw_parks(ax, res.park_summary if len(res.park_summary) else None, crs)
    key = key_enterprises(res.enterprise_risk, spec)
    base += plot.draw_enterprises(ax, res.enterprise_risk, key)
    base += plot.draw_receptors(ax, res.receptors if len(res.receptors) else None, crs)
    plot.graticule(ax, crs)
    plot.scale_bar(ax)
    plot.north_arrow(ax, crs)
    ax.set_xlabel("")
    ax.set_ylabel("")
    for sp in ax.spines.values():
        sp.set_linewidth(0.8)
    # legend block
    lb_top = top - mh - TICKS_IN - 0.05
    inner = W - 2 * MARGIN_IN
    widths = (0.32 * inner, 0.37 * inner, 0.31 * inner)

    def block(i: int):
        x = MARGIN_IN + sum(widths[:i])
        a = fig.add_axes((x / W, (lb_top - LEGEND_IN) / H, widths[i] / W, LEGEND_IN / H))
        a.set_axis_off()
        return a

    a1 = block(0)
    leg = a1.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1), frameon=False,
              fontsize=7.5, title=spec.legend_zh, title_fontsize=8.5, alignment="left",
              borderaxespad=0, handlelength=1.6, handleheight=1.0, labelspacing=0.35)
    if spec.column != "level" and plot.RULE_METRIC.get(spec.column):
        note = ("分级阈值（分区规则）：\n" + "\n".join(zone_rule_lines(rules))) if rules else ""
        bb = leg.get_window_extent(fig.canvas.get_renderer()).transformed(
            a1.transAxes.inverted())
        a1.text(0, bb.y0 - 0.06, note, transform=a1.transAxes, fontsize=6.8, va="top",
                ha="left", color="#333333", linespacing=1.35)
    a2 = block(1)
    if base:
        a2.legend(handles=base, loc="upper left", bbox_to_anchor=(0.04, 1), frameon=False,
                  fontsize=7.5, title="图例", title_fontsize=8.5, alignment="left",
                  borderaxespad=0, ncol=2 if len(base) > 7 else 1, columnspacing=0.8,
                  handlelength=1.6, labelspacing=0.45)
    a3 = block(2)
    if len(key):
        rows = [f"重点企业（按{spec.rank_zh}）"]
        for i, (_, r) in enumerate(key.iterrows(), start=1):
            name = str(r.get("name_zh") or r.get("name_en") or r.get("credit_code"))
            val = _sig(r[spec.rank_by])
            subst = _substance_zh(r.get("top_substance"))
            rows.append(f"{i}  {name}")
            rows.append(f"    {val}" + (f"，主要物质：{subst}" if subst else ""))
        a3.text(0.02, 1, rows[0], transform=a3.transAxes, fontsize=8.5, va="top")
        a3.text(0.02, 0.9, "\n".join(rows[1:]), transform=a3.transAxes, fontsize=7.2,
                va="top", linespacing=1.45)
    # footer
    ft = lb_top - LEGEND_IN - 0.08
    fig.text(MARGIN_IN / W, ft / H, "\n".join(_footer_lines(res, doc, (W - 2 * MARGIN_IN) * 72 / 6.5)), ha="left", va="top",
             fontsize=6.5, color="#333333", linespacing=1.4)
    return fig


def _finite(v) -> bool:
    try:
        return bool(np.isfinite(float(v)))
    except (TypeError, ValueError):
        return False


def _sig(v, digits: int = 2) -> str:
    """``v`` to ``digits`` significant figures as a legend number (``3.2×10⁻⁵``), "—" if
    not finite."""
    if not _finite(v):
        return "—"
    return plot.fmt_value(float(f"{float(v):.{digits}g}"))


def _rule_of_cover_table(ax, x0, x1, y):
    ax.plot([x0, x1], [y, y], color="#333333", lw=0.6, transform=ax.transAxes,
            clip_on=False)


def cover_figure(res, doc: DocInfo, contents: list[tuple[str, int]]):
    """The atlas cover (A4 portrait): title, area, year, data, issuer, date, zoning rules, the
    key figures per level and the contents with page numbers."""
    W, H = A4_IN
    fig = plt.figure(figsize=(W, H))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.autoscale(False)
    s = res.summary
    y = 0.90
    if doc.synthetic:
        ax.text(0.5, 0.955, "合成演示数据 · 非真实地区 / SYNTHETIC DEMO DATA, not a real place",
                ha="center", fontsize=10, color="#b2182b", fontweight="bold")
    year = f"{doc.year}年" if doc.year else ""
    ax.text(0.5, y, doc.area_zh, ha="center", va="top", fontsize=24, fontweight="bold")
    ax.text(0.5, y - 0.055, f"{year}环境健康风险地图集", ha="center", va="top", fontsize=24,
            fontweight="bold")
    en = ", ".join(t for t in (doc.area_en, str(doc.year or "")) if t)
    ax.text(0.5, y - 0.115, f"Environmental health risk atlas — {en}" if en else
            "Environmental health risk atlas", ha="center", va="top", fontsize=12,
            color="#333333")
    info = [("评价区域", doc.area_zh), ("数据", doc.data_zh or "—"),
            ("网格", f"{res.resolution_m:g} m × {res.resolution_m:g} m，共 "
             f"{int(s.get('n_cells', len(res.cells)))} 个网格；坐标系 {res.crs}"),
            ("浓度依据", with_names(str(res.legend or res.basis))),
            ("编制单位", doc.issuer or "（未注明）"), ("制图日期", doc.made_on),
            ("软件", doc.software or "ehrisk")]
    y = 0.745
    line = 0.0185
    for k, v in info:
        lines = wrap_mixed(str(v), 44) or [""]
        ax.text(0.12, y, k, fontsize=9.5, va="top", fontweight="bold")
        ax.text(0.25, y, "\n".join(lines), fontsize=9.5, va="top", linespacing=1.4)
        y -= line * len(lines) + 0.007
    # key figures by level
    y -= 0.015
    ax.text(0.12, y, "主要结果 / key figures", fontsize=11, fontweight="bold", va="top")
    y -= 0.03
    cols = [0.12, 0.30, 0.45, 0.62, 0.80]
    head = ["风险等级", "网格数", "面积（km²）", "常住人口（人）", "敏感目标（个）"]
    _rule_of_cover_table(ax, 0.12, 0.92, y + 0.01)
    for c, t in zip(cols, head, strict=True):
        ax.text(c, y, t, fontsize=9, va="top", fontweight="bold")
    y -= 0.022
    _rule_of_cover_table(ax, 0.12, 0.92, y + 0.005)
    cell_km2 = (res.resolution_m / 1000.0) ** 2
    rec = s.get("receptors_by_level", {}) or {}
    for lv in reversed(plot.LEVELS):
        n = int(s.get("cells_by_level", {}).get(lv, 0))
        vals = [plot.LEVEL_ZH[lv], f"{n:,}", f"{n * cell_km2:,.1f}",
                f"{float(s.get('pop_by_level', {}).get(lv, 0.0)):,.0f}", f"{int(rec.get(lv, 0))}"]
        for c, t in zip(cols, vals, strict=True):
            ax.text(c, y, t, fontsize=9, va="top")
        y -= 0.02
    _rule_of_cover_table(ax, 0.12, 0.92, y + 0.006)
    y -= 0.01
    pwr = s.get("pop_weighted_risk")
    extra = [f"人口加权居民终生致癌风险：{_sig(pwr)}" if _finite(pwr) else "",
             f"预期超额致癌病例：{float(s.get('cases_per_yr') or 0.0):.3g} 例/年",
             f"有人口网格的最大居民致癌风险：{_sig(s.get('max_risk_populated'))}；"
             f"最大危害指数：{_sig(s.get('max_hi_populated'))}"]
    rules = plot.rules_from_summary(s.get("zoning_rules"))
    extra += ["分区规则：" + "；".join(zone_rule_lines(rules))] if rules else []
    for t in [e for e in extra if e]:
        lines = wrap_mixed(t, 50)
        ax.text(0.12, y, "\n".join(lines), fontsize=9, va="top", linespacing=1.4)
        y -= 0.0175 * len(lines) + 0.004
    # contents
    y -= 0.015
    ax.text(0.12, y, "目录 / contents", fontsize=11, fontweight="bold", va="top")
    y -= 0.03
    for title, page in contents:
        ax.text(0.12, y, title, fontsize=9.5, va="top")
        ax.text(0.92, y, str(page), fontsize=9.5, va="top", ha="right")
        ax.plot([0.12, 0.92], [y - 0.017, y - 0.017], color="#bbbbbb", lw=0.4,
                ls=(0, (1, 2)))
        y -= 0.024
    return fig


PNG_DPI = 150
"""Resolution of the map PNGs (A4 at 150 dpi: 1240 x 1754 px; the atlas PDF is vector)."""


def save_page(fig, path) -> Path:
    """Save a map page as PNG (cropped to its content) or PDF (the A4 page) and close it."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() == ".png":
        fig.savefig(p, dpi=PNG_DPI, bbox_inches="tight", pad_inches=0.12)
    else:
        fig.savefig(p)
    plt.close(fig)
    return p


def _page_number(fig, page: int, total: int) -> None:
    fig.text(0.5, 0.22 / fig.get_size_inches()[1], f"第 {page} 页 / 共 {total} 页",
             ha="center", fontsize=7.5, color="#555555")


def write_maps(res, out_dir, doc: DocInfo, specs=MAPS) -> dict[str, Path]:
    """Write each map as PNG (the page cropped to its content) and the atlas
    ``risk_map_atlas.pdf`` (cover + one page per map, numbered). Returns name -> path
    (``<stem>_png`` per map, ``risk_map_atlas_pdf``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    specs = [s for s in specs if s.column in res.cells.columns]
    total = len(specs) + 1
    paths: dict[str, Path] = {}
    year = f"{doc.year}年 " if doc.year else ""
    contents = [(f"{year}{s.title_zh} / {s.title_en}", i + 2) for i, s in enumerate(specs)]
    atlas = out / "risk_map_atlas.pdf"
    with plt.rc_context(doc.rc or {}):
        with PdfPages(atlas, metadata={
                "Title": f"{doc.area_zh} {year}环境健康风险地图集",
                "Author": doc.issuer or "ehrisk", "Creator": doc.software or "ehrisk",
                "Subject": "environmental health risk atlas"}) as pdf:
            fig = cover_figure(res, doc, contents)
            _page_number(fig, 1, total)
            pdf.savefig(fig)
            plt.close(fig)
            for i, spec in enumerate(specs, start=2):
                fig = map_figure(res, spec, doc)
                png = out / f"{spec.stem}.png"
                fig.savefig(png, dpi=PNG_DPI, bbox_inches="tight", pad_inches=0.12)
                paths[f"{spec.stem}_png"] = png
                _page_number(fig, i, total)
                pdf.savefig(fig)
                plt.close(fig)
    paths["risk_map_atlas_pdf"] = atlas
    return paths
