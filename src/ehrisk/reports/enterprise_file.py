"""The per-enterprise file (一企一档): identity, location map, stacks, outfalls, emissions,
storages, receptors and population within 1/3/5 km, monitoring nearby, inspections and
problems, as DOCX (python-docx) and PDF.

The content is built once as a list of blocks (:func:`build`) and rendered by
:func:`write_docx` and :func:`write_pdf`. PDF: LibreOffice converts the DOCX when ``soffice``
is installed (``libreoffice-writer-nogui``); otherwise matplotlib's PDF backend draws the same
blocks with a CJK font (Debian ``fonts-noto-cjk``; or set ``EHRISK_CJK_FONT`` to a font file).
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehrisk.errors import EhriskError
from ehrisk.refdata import chemicals as chem
from ehrisk.store import history, spatial
from ehrisk.store import models as m

RADII_KM = (1.0, 3.0, 5.0)
MAX_RECEPTOR_ROWS = 40
FONT_ENV = "EHRISK_CJK_FONT"
FONT_GLOBS = ("/usr/share/fonts/**/NotoSansCJK-Regular.ttc", "/usr/share/fonts/**/NotoSansCJK*.ttc",
              "/usr/share/fonts/**/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/**/wqy-*.tt[cf]",
              "/usr/share/fonts/**/*SourceHan*.tt[cf]", "/usr/share/fonts/**/*SourceHan*.otf")
TYPE_ZH = {"school": "学校", "kindergarten": "幼儿园", "hospital": "医院", "care_home": "养老院",
           "residential_area": "居民区", "drinking_water_source": "饮用水水源地", "other": "其他"}
MEDIUM_ZH = {"air": "大气", "water": "水", "soil": "土壤"}
BASIS_ZH = {"permit": "排污许可", "census": "污染源普查", "monitoring": "监测", "estimate": "估算"}
STATUS_ZH = {"operating": "在产", "suspended": "停产", "closed": "关闭"}


@dataclass
class Block:
    """One piece of the file: ``kind`` is ``h1``, ``h2``, ``p``, ``table`` or ``image``."""

    kind: str
    text: str = ""
    header: list | None = None
    rows: list | None = None
    path: str | None = None


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def _name(cas: str) -> str:
    try:
        return str(chem.lookup(cas)["name_zh"])
    except chem.UnknownChemicalError:
        return cas


def _geodesic_ring(lon, lat, r_m):
    az = np.linspace(0, 360, 181)
    x, y, _ = spatial.GEOD.fwd(np.full_like(az, lon), np.full_like(az, lat), az,
                               np.full_like(az, r_m))
    return np.asarray(x), np.asarray(y)


def cjk_font() -> str | None:
    """Path of a font with Chinese glyphs, or None."""
    env = os.environ.get(FONT_ENV)
    if env and Path(env).is_file():
        return env
    for g in FONT_GLOBS:
        hits = sorted(glob.glob(g, recursive=True))
        if hits:
            return hits[0]
    return None


def _use_font(plt) -> bool:
    from matplotlib import font_manager as fm

    path = cjk_font()
    if path is None:
        return False
    fm.fontManager.addfont(path)
    name = fm.FontProperties(fname=path).get_name()
    plt.rcParams["font.family"] = [name, "DejaVu Sans"]
    plt.rcParams["pdf.fonttype"] = 42
    plt.rcParams["axes.unicode_minus"] = False
    return True


def _map(session, ent, rec: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from shapely import from_wkt

    cjk = _use_font(plt)
    fig, ax = plt.subplots(figsize=(6.3, 6.0), dpi=150)
    if ent.park_id:
        park = session.scalar(select(m.Park).where(m.Park.park_id == ent.park_id))
        if park is not None and park.geom_wkt:
            g = from_wkt(park.geom_wkt)
            for poly in getattr(g, "geoms", [g]):
                x, y = poly.exterior.xy
                ax.fill(x, y, color="#f2e6d9", ec="#b08060", lw=0.8,
                        label=(park.name if cjk else park.park_id))
    for r in RADII_KM:
        x, y = _geodesic_ring(ent.lon, ent.lat, r * 1000.0)
        ax.plot(x, y, color="0.5", lw=0.7, ls="--")
        ax.annotate(f"{r:g} km", (x[45], y[45]), fontsize=7, color="0.4")
    stacks = session.execute(select(m.Stack.lon, m.Stack.lat).where(
        m.Stack.enterprise_id == ent.id)).all()
    if stacks:
        ax.scatter([s[0] for s in stacks], [s[1] for s in stacks], marker="^", s=14,
                   color="#444", label="排气筒" if cjk else "stacks", zorder=3)
    markers = {"school": "s", "kindergarten": "s", "hospital": "P", "care_home": "P",
               "residential_area": "o", "drinking_water_source": "D"}
    for t, g in rec.groupby("type"):
        ax.scatter(g["lon"], g["lat"], marker=markers.get(t, "x"), s=18,
                   label=TYPE_ZH.get(t, t) if cjk else t, zorder=3)
    ax.scatter([ent.lon], [ent.lat], marker="*", s=160, color="red", zorder=4,
               label="企业位置" if cjk else "enterprise")
    ax.set_aspect(1.0 / np.cos(np.radians(ent.lat)))
    x, y = _geodesic_ring(ent.lon, ent.lat, max(RADII_KM) * 1100.0)
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(y.min(), y.max())
    ax.set_xlabel("经度 / longitude (°E)" if cjk else "longitude (°E)")
    ax.set_ylabel("纬度 / latitude (°N)" if cjk else "latitude (°N)")
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(lw=0.3, alpha=0.5)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def build(session: Session, code: str, workdir: Path, as_of: dt.datetime | None = None
          ) -> list[Block]:
    """Assemble the file's content for enterprise ``code`` (map image written to
    ``workdir``). ``as_of`` (naive UTC) renders the enterprise and its children as they
    stood then (history); surroundings and monitoring are always the current data."""
    ent = history.get_enterprise(session, code)
    state = history.enterprise_as_of(session, ent.credit_code, as_of or m.utcnow())
    e = state["enterprises"][0]
    B: list[Block] = []
    stamp = (as_of or m.utcnow()).strftime("%Y-%m-%d %H:%M UTC")
    B.append(Block("h1", f"一企一档：{e['name']}"))
    B.append(Block("p", f"统一社会信用代码 {e['credit_code']}；数据截至 {stamp}；"
                        f"由 ehrisk 风险源数据库生成。"))
    B.append(Block("h2", "一、基本信息"))
    ident = [("企业名称", e["name"]), ("英文名称", e.get("name_en")),
             ("统一社会信用代码", e["credit_code"]),
             ("行业", f"{e.get('industry_code') or ''} {e.get('industry_name') or ''}".strip()),
             ("所在园区", e.get("park_id")), ("地址", e.get("address")),
             ("行政区划代码", e.get("admin_code")),
             ("经纬度", f"{e['lon']:.6f}, {e['lat']:.6f}" if e.get("lon") is not None else ""),
             ("排污许可证编号", e.get("permit_no")), ("管理类别", e.get("permit_class")),
             ("生产状态", STATUS_ZH.get(e.get("status"), e.get("status"))),
             ("职工人数", e.get("employees")), ("联系人", e.get("contact"))]
    B.append(Block("table", header=["项目", "内容"], rows=[[k, _fmt(v)] for k, v in ident]))
    sur = None
    if ent.lon is not None:
        sur = spatial.surroundings(session, ent.credit_code, RADII_KM)
        rec = pd.DataFrame(sur["receptors"], columns=["receptor_id", "type", "name", "population",
                                                      "lon", "lat", "distance_m"])
        img = workdir / f"map_{ent.credit_code}.png"
        _map(session, ent, rec, img)
        B.append(Block("h2", "二、位置图"))
        B.append(Block("image", path=str(img),
                       text="企业位置、排气筒、1/3/5 km 范围及敏感受体（WGS84 经纬度）"))
    B.append(Block("h2", "三、排气筒与废水排放口"))
    st = state["stacks"]
    B.append(Block("table", header=["编号", "高度(m)", "内径(m)", "流速(m/s)", "温度(K)"],
                   rows=[[s["stack_id"], _fmt(s["height_m"]), _fmt(s["diameter_m"]),
                          _fmt(s["exit_velocity_m_s"]), _fmt(s["exit_temp_k"])] for s in st])
             if st else Block("p", "无排气筒记录。"))
    of = state["outfalls"]
    if of:
        B.append(Block("table", header=["排放口编号", "排放方式", "受纳水体"],
                       rows=[[o["outfall_id"], o.get("discharge_type") or "",
                              o.get("receiving_water") or ""] for o in of]))
    B.append(Block("h2", "四、污染物排放"))
    em = pd.DataFrame(state["emissions"])
    if len(em):
        year = int(em["year"].max())
        g = (em[em["year"] == year].groupby(["cas", "medium", "basis"], as_index=False)
             ["amount_t_yr"].sum().sort_values("amount_t_yr", ascending=False))
        B.append(Block("p", f"{year} 年各污染物排放量（各排放口合计，t/a）；"
                            f"共 {len(em)} 条排放记录，年份 {int(em['year'].min())}–{year}。"))
        B.append(Block("table", header=["污染物", "CAS号", "介质", "数据来源", "排放量(t/a)"],
                       rows=[[_name(r.cas), r.cas, MEDIUM_ZH.get(r.medium, r.medium),
                              BASIS_ZH.get(r.basis, r.basis), _fmt(r.amount_t_yr)]
                             for r in g.itertuples()]))
    else:
        B.append(Block("p", "无排放记录。"))
    B.append(Block("h2", "五、风险物质储存"))
    sto = state["storages"]
    B.append(Block("table", header=["物质", "CAS号", "最大存在总量(t)", "储存方式"],
                   rows=[[s.get("substance_name") or _name(s["cas"]), s["cas"],
                          _fmt(s["max_quantity_t"]), s.get("storage_form") or ""] for s in sto])
             if sto else Block("p", "无风险物质记录。"))
    B.append(Block("h2", "六、周边敏感受体与人口"))
    if sur is None:
        B.append(Block("p", "企业无坐标，无法统计周边受体。"))
    else:
        B.append(Block("table", header=["半径(km)", "网格人口(人)", "敏感受体数", "其中"],
                       rows=[[f"{r['radius_km']:g}", _fmt(r["population"]), r["n_receptors"],
                              "、".join(f"{TYPE_ZH.get(k, k)}{v}"
                                       for k, v in r["by_type"].items())]
                             for r in sur["rings"]]))
        if len(rec):
            B.append(Block("table", header=["受体", "类型", "距离(m)", "人数"],
                           rows=[[r.name, TYPE_ZH.get(r.type, r.type), f"{r.distance_m:,.0f}",
                                  _fmt(r.population)]
                                 for r in rec.head(MAX_RECEPTOR_ROWS).itertuples()]))
        B.append(Block("p", "距离为 WGS84 椭球面测地线距离；人口按网格中心是否在范围内计。"))
    B.append(Block("h2", "七、监测"))
    B.extend(_monitoring(session, ent))
    B.append(Block("h2", "八、检查记录与问题清单"))
    ins = state["inspections"]
    B.append(Block("table", header=["编号", "日期", "检查人员", "类型", "情况"],
                   rows=[[i["inspection_id"], i["date"], i["inspector"], i.get("kind") or "",
                          i.get("summary") or ""] for i in ins])
             if ins else Block("p", "无检查记录。"))
    pr = state["problems"]
    B.append(Block("table", header=["编号", "发现日期", "问题", "整改要求", "期限", "状态"],
                   rows=[[p["problem_id"], p["found_on"], p["finding"], p.get("measure") or "",
                          p.get("deadline") or "", p["status"]] for p in pr])
             if pr else Block("p", "无问题记录。"))
    B.append(Block("h2", "九、风险评估结果与风险码"))
    B.extend(_risk_blocks(session, ent.credit_code))
    return B


def _risk_blocks(session, code: str) -> list[Block]:
    """Section 9: current risk code with reasons, its history, HJ 941-2018 level, problems
    still open and the attributable risk of the newest risk map (from the database: the newest
    run with ``risk_map/enterprise_risk``, read through :func:`ehrisk.results.extract`; see
    :func:`ehrisk.results.enterprise.risk_map_result`)."""
    from ehrisk.results.enterprise import CODE_ZH, enterprise_risk_summary

    r = enterprise_risk_summary(session, code)
    out: list[Block] = []
    cur = r["current"]
    if cur is None:
        out.append(Block("p", "尚未计算环境健康风险码（运行 ehrisk grade code --db 或含 [grading] 的 ehrisk run 后纳入本档案）。"))
    else:
        out.append(Block("p", f"当前环境健康风险码：{CODE_ZH.get(cur['code'], cur['code'])}"
                              f"（{cur['code']}），计算时间 {cur['computed_at']} UTC；"
                              f"HJ 941-2018 企业突发环境事件风险等级：{cur['level'] or '—'}。"))
        out.append(Block("p", f"原因：{cur['reasons_zh'] or '—'}"))
        out.append(Block("table", header=["计算时间(UTC)", "风险码", "变化", "触发规则", "原因"],
                         rows=[[h["computed_at"], CODE_ZH.get(h["code"], h["code"]),
                                h["change"] or "", h["fired_rules"] or "",
                                h["reasons_zh"] or ""] for h in r["history"]]))
    if r["open_problems"]:
        out.append(Block("p", f"未销号问题 {len(r['open_problems'])} 项："
                              + "；".join(f"{p['problem_id']}（{p['status']}）"
                                         for p in r["open_problems"])))
    rm = r["risk_map"]
    if rm is None:
        out.append(Block("p", "尚无风险地图结果（运行 ehrisk map run --db 后纳入本档案）。"))
    else:
        out.append(Block("table", header=["项目", "数值"], rows=[
            ["最大致癌风险贡献（居住人群）", _fmt(rm["max_cancer_risk_contribution"])],
            ["最大危害指数贡献", _fmt(rm["max_hi_contribution"])],
            ["归因超额病例(例/年)", _fmt(rm["attributable_cases_per_yr"])],
            ["主要贡献物质", (_name(rm["top_substance"]) + f"（{rm['top_substance']}）")
             if rm["top_substance"] else "—"],
            ["风险地图", _run_text(rm)]]))
    return out


def _run_text(rm: dict) -> str:
    """Which run the risk-map numbers come from (its id, time, inventory year, grid)."""
    parts = [f"第 {rm['run_id']} 次运行（{rm.get('run_kind') or 'risk_map'}）",
             f"{rm['computed_at']} UTC"]
    if rm.get("inventory_year") is not None:
        parts.append(f"{rm['inventory_year']} 年清单")
    if rm.get("resolution_m") is not None:
        parts.append(f"网格 {float(rm['resolution_m']):g} m")
    return "，".join(parts)


def _monitoring(session, ent) -> list[Block]:
    if ent.lon is None:
        return [Block("p", "企业无坐标。")]
    st = pd.DataFrame(session.execute(select(m.Station.id, m.Station.station_id, m.Station.name,
                                             m.Station.kind, m.Station.lon, m.Station.lat,
                                             m.Station.credit_code)).all(),
                      columns=["id", "station_id", "name", "kind", "lon", "lat", "credit_code"])
    if st.empty:
        return [Block("p", "数据库中无监测站点。")]
    st["distance_m"] = spatial.distance_m(ent.lon, ent.lat, st["lon"].fillna(0.0),
                                          st["lat"].fillna(0.0))
    sel = st[(st["distance_m"] <= max(RADII_KM) * 1000.0) | (st["credit_code"] == ent.credit_code)]
    if sel.empty:
        return [Block("p", f"{max(RADII_KM):g} km 内无监测站点。")]
    from sqlalchemy import func

    rows = []
    for s in sel.sort_values("distance_m").itertuples():
        q = select(m.Observation.parameter, m.Observation.unit, func.count(),
                   func.avg(m.Observation.value), func.min(m.Observation.time_utc),
                   func.max(m.Observation.time_utc)).where(
            m.Observation.station_id == s.id).group_by(m.Observation.parameter,
                                                        m.Observation.unit)
        for par, unit, n, mean, t0, t1 in session.execute(q):
            rows.append([s.station_id, f"{s.distance_m:,.0f}", _name(par), unit, n, _fmt(mean),
                         f"{pd.Timestamp(t0):%Y-%m-%d}–{pd.Timestamp(t1):%Y-%m-%d}"])
    if not rows:
        return [Block("p", "附近站点无监测数据。")]
    return [Block("table", header=["站点", "距离(m)", "项目", "单位", "数据条数", "平均值", "时段"],
                  rows=rows)]


def write_docx(blocks: list[Block], path: str | Path) -> Path:
    """Render blocks to a DOCX file (body font 宋体/SimSun for East Asian text)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for b in blocks:
        if b.kind == "h1":
            doc.add_heading(b.text, level=0)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=1)
        elif b.kind == "p":
            doc.add_paragraph(b.text)
        elif b.kind == "image":
            doc.add_picture(b.path, width=Cm(15))
            doc.add_paragraph(b.text)
        elif b.kind == "table":
            t = doc.add_table(rows=1, cols=len(b.header))
            t.style = "Table Grid"
            for j, h in enumerate(b.header):
                t.rows[0].cells[j].text = str(h)
            for r in b.rows:
                cells = t.add_row().cells
                for j, v in enumerate(r):
                    cells[j].text = _fmt(v)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doc.save(p)
    return p


def _pdf_matplotlib(blocks: list[Block], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    if not _use_font(plt):
        raise EhriskError("no font with Chinese characters found for the PDF; install "
                          "fonts-noto-cjk (Debian) or set EHRISK_CJK_FONT to a .ttf/.ttc file")
    W, H, top, bottom, line = 8.27, 11.69, 0.95, 0.05, 0.018   # A4 portrait [in], fractions
    with PdfPages(path) as pdf:
        state = {"fig": None, "y": top}

        def new_page():
            if state["fig"] is not None:
                pdf.savefig(state["fig"])
                plt.close(state["fig"])
            state["fig"] = plt.figure(figsize=(W, H))
            state["y"] = top

        def need(h):
            if state["fig"] is None or state["y"] - h < bottom:
                new_page()

        def text_line(s, size=9, weight="normal"):
            need(line * size / 9)
            state["fig"].text(0.07, state["y"], s, fontsize=size, weight=weight, va="top")
            state["y"] -= line * size / 9 * 1.25

        for b in blocks:
            if b.kind == "h1":
                text_line(b.text, 15, "bold")
            elif b.kind == "h2":
                state["y"] -= line * 0.5
                text_line(b.text, 11.5, "bold")
            elif b.kind == "p":
                for i in range(0, len(b.text), 48):
                    text_line(b.text[i:i + 48])
            elif b.kind == "image":
                h = 0.5
                need(h)
                ax = state["fig"].add_axes([0.12, state["y"] - h, 0.76, h])
                ax.imshow(plt.imread(b.path))
                ax.axis("off")
                state["y"] -= h + line
                text_line(b.text, 8)
            elif b.kind == "table":
                rows = [[_fmt(v)[:28] for v in r] for r in b.rows]
                i = 0
                while True:
                    room = int((state["y"] - bottom) / line) - 1 if state["fig"] else 0
                    if room < 3:
                        new_page()
                        continue
                    chunk = rows[i:i + room]
                    h = line * (len(chunk) + 1)
                    ax = state["fig"].add_axes([0.07, state["y"] - h, 0.86, h])
                    ax.axis("off")
                    tab = ax.table(cellText=chunk or [[""] * len(b.header)],
                                   colLabels=b.header, loc="upper center", cellLoc="left",
                                   bbox=[0, 0, 1, 1])
                    tab.auto_set_font_size(False)
                    tab.set_fontsize(7)
                    state["y"] -= h + line * 0.6
                    i += room
                    if i >= len(rows):
                        break
                    new_page()
        if state["fig"] is not None:
            pdf.savefig(state["fig"])
            plt.close(state["fig"])
    return path


def write_pdf(blocks: list[Block], path: str | Path, engine: str = "auto") -> tuple[Path, str]:
    """Render blocks to PDF. ``engine``: ``libreoffice`` (convert the DOCX with soffice),
    ``matplotlib``, or ``auto`` (LibreOffice if installed). Returns (path, engine used)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if engine == "libreoffice" and soffice is None:
        raise EhriskError("LibreOffice (soffice) is not installed; use --pdf-engine matplotlib "
                          "or apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    if engine in ("libreoffice", "auto") and soffice is not None:
        with tempfile.TemporaryDirectory() as d:
            docx = write_docx(blocks, Path(d) / (p.stem + ".docx"))
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", d,
                            str(docx)], check=True, capture_output=True, timeout=180)
            shutil.move(str(Path(d) / (p.stem + ".pdf")), p)
        return p, "libreoffice"
    return _pdf_matplotlib(blocks, p), "matplotlib"


def write_file(session: Session, code: str, path: str | Path, *,
               as_of: dt.datetime | None = None, pdf_engine: str = "auto") -> dict:
    """Write the enterprise file to ``path`` (``.docx`` or ``.pdf``)."""
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise EhriskError(f"the enterprise file is written as .docx or .pdf, not {p.name!r}")
    with tempfile.TemporaryDirectory() as d:
        blocks = build(session, code, Path(d), as_of)
        if fmt == "docx":
            write_docx(blocks, p)
            used = "python-docx"
        else:
            _, used = write_pdf(blocks, p, pdf_engine)
    return {"credit_code": code.upper(), "file": str(p), "format": fmt, "engine": used,
            "sections": sum(1 for b in blocks if b.kind == "h2")}
