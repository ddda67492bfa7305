"""The per-enterprise file (一企一档): identity, location map, stacks, outfalls, emissions,
storages, receptors and population within 1/3/5 km, monitoring nearby, inspections and
problems, risk code and attributable risk, as DOCX (python-docx) and PDF (reportlab).

The content is built once as a list of blocks (:func:`build`) with a cover (:func:`cover`:
enterprise, area, inventory year, data date, issuing unit) and laid out by
:mod:`ehrisk.reports.document`; every code value is written with its Chinese label
(:mod:`ehrisk.labels`), substances as ``名称（CAS）``, in the packaged Simplified
Chinese font (:mod:`ehrisk.reports.fonts`; nothing to install). ``pdf_engine="libreoffice"``
converts the DOCX with ``soffice`` instead (given the packaged font through fontconfig).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehrisk import labels as L
from ehrisk.errors import EhriskError
from ehrisk.reports import fonts
from ehrisk.reports.document import BLANK_ISSUER, Block, Cover
from ehrisk.reports.document import fmt as _fmt
from ehrisk.store import history, spatial
from ehrisk.store import models as m

RADII_KM = (1.0, 3.0, 5.0)
MAX_RECEPTOR_ROWS = 40
PDF_ENGINES = ("auto", "reportlab", "libreoffice")
MARKERS = {"school": "s", "kindergarten": "s", "hospital": "P", "care_home": "P",
           "residential_area": "o", "drinking_water_source": "D"}
__all__ = ["Block", "Cover", "build", "cover", "write_docx", "write_pdf", "write_file"]


def _geodesic_ring(lon, lat, r_m):
    az = np.linspace(0, 360, 181)
    x, y, _ = spatial.GEOD.fwd(np.full_like(az, lon), np.full_like(az, lat), az,
                               np.full_like(az, r_m))
    return np.asarray(x), np.asarray(y)


def _map(session, ent, rec: pd.DataFrame, path: Path) -> None:
    """Location map: enterprise, stacks, park outline, 1/3/5 km rings and the receptors by
    type, every label in Chinese (packaged font)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from shapely import from_wkt

    with plt.rc_context(fonts.matplotlib_rc()):
        fig, ax = plt.subplots(figsize=(6.0, 6.0), dpi=160)
        if ent.park_id:
            park = session.scalar(select(m.Park).where(m.Park.park_id == ent.park_id))
            if park is not None and park.geom_wkt:
                g = from_wkt(park.geom_wkt)
                for i, poly in enumerate(getattr(g, "geoms", [g])):
                    x, y = poly.exterior.xy
                    ax.fill(x, y, color="#f2e6d9", ec="#b08060", lw=0.8,
                            label=f"园区：{park.name}" if i == 0 else None)
        for r in RADII_KM:
            x, y = _geodesic_ring(ent.lon, ent.lat, r * 1000.0)
            ax.plot(x, y, color="0.5", lw=0.7, ls="--")
            k = len(x) // 8          # label at azimuth 45° (north-east), inside the frame
            ax.annotate(f"{r:g} km", (x[k], y[k]), fontsize=7, color="0.35", ha="left",
                        va="bottom")
        stacks = session.execute(select(m.Stack.lon, m.Stack.lat).where(
            m.Stack.enterprise_id == ent.id)).all()
        stacks = [s for s in stacks if s[0] is not None]
        if stacks:
            ax.scatter([s[0] for s in stacks], [s[1] for s in stacks], marker="^", s=14,
                       color="#444", label="排气筒", zorder=3)
        for t, g in rec.groupby("type"):
            ax.scatter(g["lon"], g["lat"], marker=MARKERS.get(t, "x"), s=18,
                       label=f"{L.label(L.RECEPTOR_ZH, t)}（{len(g)}）", zorder=3)
        ax.scatter([ent.lon], [ent.lat], marker="*", s=160, color="red", zorder=4,
                   label="企业位置")
        ax.set_aspect(1.0 / np.cos(np.radians(ent.lat)))
        x, y = _geodesic_ring(ent.lon, ent.lat, max(RADII_KM) * 1100.0)
        ax.set_xlim(x.min(), x.max())
        ax.set_ylim(y.min(), y.max())
        ax.set_xlabel("经度（°E）")
        ax.set_ylabel("纬度（°N）")
        ax.ticklabel_format(useOffset=False, style="plain")
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3,
                  frameon=False)
        ax.grid(lw=0.3, alpha=0.5)
        fig.savefig(path, bbox_inches="tight", pad_inches=0.05)
        plt.close(fig)


def _area(session, ent) -> str:
    """Administrative area of the enterprise: its unit's name and code (and the parent's
    name), from the database's admin units."""
    if not ent.admin_code:
        return ""
    u = session.scalar(select(m.AdminUnit).where(m.AdminUnit.admin_code == ent.admin_code))
    if u is None:
        return f"行政区划代码 {ent.admin_code}"
    parent = (session.scalar(select(m.AdminUnit.name).where(
        m.AdminUnit.admin_code == u.parent_code)) if u.parent_code else None)
    return f"{parent + ' ' if parent else ''}{u.name}（{u.admin_code}）"


def _data_date(session, as_of: dt.datetime | None) -> str:
    """Date the data stand at: ``as_of`` when given, else the newest import into the
    database (UTC date)."""
    if as_of is not None:
        return f"{as_of:%Y-%m-%d}（按历史记录回溯）"
    last = session.scalar(select(func.max(m.ImportBatch.at)))
    return f"{(last or m.utcnow()):%Y-%m-%d}（最近一次数据导入）"


def _synthetic(session) -> bool:
    from ehrisk.store.demo import DEMO_REASON

    return session.scalar(select(func.count()).select_from(m.ImportBatch).where(
        m.ImportBatch.reason == DEMO_REASON)) > 0


def cover(session: Session, code: str, as_of: dt.datetime | None = None,
          issuer: str | None = None, today: dt.date | None = None) -> Cover:
    """The cover of enterprise ``code``'s file: name, credit code, area, park, inventory
    year, data date, issuing unit (``issuer``; a line to fill in when None) and date."""
    from ehrisk import SYNTHETIC_LABEL

    ent = history.get_enterprise(session, code)
    year = session.scalar(select(func.max(m.Emission.year)).where(
        m.Emission.enterprise_id == ent.id))
    park = (session.scalar(select(m.Park.name).where(m.Park.park_id == ent.park_id))
            if ent.park_id else None)
    fields = [("统一社会信用代码", ent.credit_code), ("所在地区", _area(session, ent) or "—"),
              ("所在园区", park or ("—" if not ent.park_id else ent.park_id)),
              ("清单年份", f"{year} 年" if year else "—"),
              ("数据截至", _data_date(session, as_of)),
              ("编制单位", issuer.strip() if issuer and issuer.strip() else BLANK_ISSUER),
              ("编制日期", f"{(today or dt.date.today()):%Y 年 %m 月 %d 日}")]
    note = "由 ehrisk 风险源数据库生成。"
    if _synthetic(session):
        note = f"{SYNTHETIC_LABEL}。本档案所用数据为合成演示数据，不代表任何真实企业。" + note
    return Cover(title="企业环境健康风险档案（一企一档）", subject=ent.name, fields=fields,
                 short_title=f"一企一档 · {ent.name}", note=note)


def build(session: Session, code: str, workdir: Path, as_of: dt.datetime | None = None
          ) -> list[Block]:
    """Assemble the file's content for enterprise ``code`` (map image written to
    ``workdir``). ``as_of`` (naive UTC) renders the enterprise and its children as they
    stood then (history); surroundings and monitoring are always the current data."""
    ent = history.get_enterprise(session, code)
    state = history.enterprise_as_of(session, ent.credit_code, as_of or m.utcnow())
    e = state["enterprises"][0]
    B: list[Block] = []
    park = (session.scalar(select(m.Park.name).where(m.Park.park_id == e.get("park_id")))
            if e.get("park_id") else None)
    B.append(Block("h2", "一、基本信息"))
    ident = [("企业名称", e["name"]), ("英文名称", e.get("name_en")),
             ("统一社会信用代码", e["credit_code"]),
             ("行业（GB/T 4754）",
              f"{e.get('industry_code') or ''} {e.get('industry_name') or ''}".strip()),
             ("所在园区", f"{park}（{e['park_id']}）" if park else e.get("park_id")),
             ("地址", e.get("address")), ("所在地区", _area(session, ent)),
             ("经纬度（WGS84）", f"{e['lon']:.6f}°E，{e['lat']:.6f}°N"
              if e.get("lon") is not None else ""),
             ("排污许可证编号", e.get("permit_no")), ("管理类别", e.get("permit_class")),
             ("生产状态", L.label(L.ENTERPRISE_STATUS_ZH, e.get("status"))),
             ("职工人数", e.get("employees")), ("联系人", e.get("contact"))]
    B.append(Block("table", header=["项目", "内容"],
                   rows=[[k, _fmt(v) or "—"] for k, v in ident]))
    sur = None
    if ent.lon is not None:
        sur = spatial.surroundings(session, ent.credit_code, RADII_KM)
        rec = pd.DataFrame(sur["receptors"], columns=["receptor_id", "type", "name", "population",
                                                      "lon", "lat", "distance_m"])
        img = workdir / f"map_{ent.credit_code}.png"
        _map(session, ent, rec, img)
        B.append(Block("h2", "二、位置图"))
        B.append(Block("image", path=str(img),
                       text="图 1 企业位置、排气筒、1/3/5 km 范围及敏感受体（WGS84 经纬度）"))
    B.append(Block("h2", "三、排气筒与废水排放口"))
    st = state["stacks"]
    B.append(Block("table", header=["排气筒编号", "高度（m）", "内径（m）", "烟气流速（m/s）",
                                    "烟气温度（K）"],
                   rows=[[s["stack_id"], _fmt(s["height_m"]), _fmt(s["diameter_m"]),
                          _fmt(s["exit_velocity_m_s"]), _fmt(s["exit_temp_k"])] for s in st],
                   align=["l", "r", "r", "r", "r"])
             if st else Block("p", "无排气筒记录。"))
    of = state["outfalls"]
    if of:
        B.append(Block("table", header=["排放口编号", "排放方式", "受纳水体"],
                       rows=[[o["outfall_id"], L.label(L.DISCHARGE_ZH, o.get("discharge_type")),
                              o.get("receiving_water") or ""] for o in of]))
    B.append(Block("h2", "四、污染物排放"))
    em = pd.DataFrame(state["emissions"])
    if len(em):
        year = int(em["year"].max())
        g = (em[em["year"] == year].groupby(["cas", "medium", "basis"], as_index=False)
             ["amount_t_yr"].sum().sort_values("amount_t_yr", ascending=False))
        B.append(Block("p", f"{year} 年各污染物排放量（各排放口合计）；共 {len(em)} 条排放"
                            f"记录，年份 {int(em['year'].min())}—{year}。"))
        B.append(Block("table", header=["污染物（CAS号）", "介质", "数据来源", "排放量（t/a）"],
                       rows=[[L.substance(r.cas), L.label(L.MEDIUM_ZH, r.medium),
                              L.label(L.BASIS_ZH, r.basis), _fmt(r.amount_t_yr)]
                             for r in g.itertuples()], align=["l", "l", "l", "r"]))
    else:
        B.append(Block("p", "无排放记录。"))
    B.append(Block("h2", "五、风险物质储存"))
    sto = state["storages"]
    B.append(Block("table", header=["物质（CAS号）", "最大存在总量（t）", "储存方式"],
                   rows=[[L.substance(s["cas"], s.get("substance_name")),
                          _fmt(s["max_quantity_t"]), L.label(L.STORAGE_FORM_ZH, s.get("storage_form"))]
                         for s in sto],
                   align=["l", "r", "l"])
             if sto else Block("p", "无风险物质记录。"))
    B.append(Block("h2", "六、周边敏感受体与人口"))
    if sur is None:
        B.append(Block("p", "企业无坐标，无法统计周边受体。"))
    else:
        B.append(Block("table", header=["半径（km）", "网格人口（人）", "敏感受体（个）", "其中"],
                       rows=[[f"{r['radius_km']:g}", _fmt(r["population"]), r["n_receptors"],
                              "、".join(f"{L.label(L.RECEPTOR_ZH, k)} {v}"
                                       for k, v in r["by_type"].items())]
                             for r in sur["rings"]], align=["r", "r", "r", "l"]))
        if len(rec):
            more = len(rec) - MAX_RECEPTOR_ROWS
            B.append(Block("table", header=["敏感受体", "类型", "距离（m）", "人数（人）"],
                           rows=[[r.name, L.label(L.RECEPTOR_ZH, r.type), f"{r.distance_m:,.0f}",
                                  _fmt(r.population)]
                                 for r in rec.head(MAX_RECEPTOR_ROWS).itertuples()],
                           align=["l", "l", "r", "r"]))
            if more > 0:
                B.append(Block("note", f"另有 {more} 个受体未列出（按距离列出最近的 "
                                       f"{MAX_RECEPTOR_ROWS} 个）。"))
        B.append(Block("note", "距离为 WGS84 椭球面测地线距离；人口按网格中心是否在范围内计。"))
    B.append(Block("h2", "七、监测"))
    B.extend(_monitoring(session, ent))
    B.append(Block("h2", "八、检查记录与问题清单"))
    ins = state["inspections"]
    B.append(Block("table", header=["检查编号", "日期", "检查人员", "类型", "检查情况"],
                   rows=[[i["inspection_id"], i["date"], i["inspector"], i.get("kind") or "",
                          i.get("summary") or ""] for i in ins])
             if ins else Block("p", "无检查记录。"))
    pr = state["problems"]
    B.append(Block("table", header=["问题编号", "发现日期", "问题", "整改要求", "整改期限",
                                    "状态"],
                   rows=[[p["problem_id"], p["found_on"], p["finding"], p.get("measure") or "",
                          p.get("deadline") or "", L.label(L.PROBLEM_STATUS_ZH, p["status"])]
                         for p in pr])
             if pr else Block("p", "无问题记录。"))
    B.append(Block("h2", "九、风险评估结果与风险码"))
    B.extend(_risk_blocks(session, ent.credit_code))
    return B


def _risk_blocks(session, code: str) -> list[Block]:
    """Section 9: current risk code with reasons, its history, HJ 941-2018 level, problems
    still open and the attributable risk of the newest risk map (from the database: the newest
    run with ``risk_map/enterprise_risk``, read through :func:`ehrisk.results.extract`; see
    :func:`ehrisk.results.enterprise.risk_map_result`)."""
    from ehrisk.reports.grading_tables import cas_in_text
    from ehrisk.results.enterprise import enterprise_risk_summary

    r = enterprise_risk_summary(session, code)
    out: list[Block] = []
    cur = r["current"]
    if cur is None:
        out.append(Block("p", "尚未计算环境健康风险码（运行 ehrisk grade code --db 或含 "
                              "[grading] 的 ehrisk run 后纳入本档案）。"))
    else:
        out.append(Block("p", f"当前环境健康风险码：{L.label(L.CODE_ZH, cur['code'])}；"
                              f"计算时间 {cur['computed_at']}（UTC）；HJ 941-2018 企业突发环境"
                              f"事件风险等级：{cur['level'] or '—'}。"))
        out.append(Block("p", f"判定原因：{cas_in_text(cur['reasons_zh']) or '—'}"))
        out.append(Block("table", header=["计算时间（UTC）", "风险码", "变化", "触发规则",
                                          "判定原因"],
                         rows=[[h["computed_at"], L.label(L.CODE_ZH, h["code"]),
                                L.label(L.CODE_CHANGE_ZH, h["change"]), h["fired_rules"] or "",
                                cas_in_text(h["reasons_zh"])] for h in r["history"]]))
    if r["open_problems"]:
        out.append(Block("p", f"未销号问题 {len(r['open_problems'])} 项："
                              + "；".join(f"{p['problem_id']}"
                                         f"（{L.label(L.PROBLEM_STATUS_ZH, p['status'])}）"
                                         for p in r["open_problems"]) + "。"))
    rm = r["risk_map"]
    if rm is None:
        out.append(Block("p", "尚无风险地图结果（运行 ehrisk map run --db 后纳入本档案）。"))
    else:
        out.append(Block("table", header=["项目", "数值"], rows=[
            ["对居民所在网格的最大致癌风险贡献", _fmt(rm["max_cancer_risk_contribution"])],
            ["最大危害指数贡献", _fmt(rm["max_hi_contribution"])],
            ["归因超额癌症病例（例/年）", _fmt(rm["attributable_cases_per_yr"])],
            ["主要贡献物质", L.substance(rm["top_substance"]) if rm["top_substance"] else "—"],
            ["风险地图来源", _run_text(rm)]]))
    return out


def _run_text(rm: dict) -> str:
    """Which run the risk-map numbers come from (its id, time, inventory year, grid)."""
    kind = {"risk_map": "风险地图", "study": "评估运行"}.get(rm.get("run_kind") or "risk_map",
                                                          rm.get("run_kind"))
    parts = [f"第 {rm['run_id']} 次运行（{kind}）", f"{rm['computed_at']}（UTC）"]
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
    rows = []
    for s in sel.sort_values("distance_m").itertuples():
        q = select(m.Observation.parameter, m.Observation.unit, func.count(),
                   func.avg(m.Observation.value), func.min(m.Observation.time_utc),
                   func.max(m.Observation.time_utc)).where(
            m.Observation.station_id == s.id).group_by(m.Observation.parameter,
                                                        m.Observation.unit)
        for par, unit, n, mean, t0, t1 in session.execute(q):
            rows.append([s.name or s.station_id, f"{s.distance_m:,.0f}", _parameter(par), L.label(L.UNIT_ZH, unit),
                         n, _fmt(mean),
                         f"{pd.Timestamp(t0):%Y-%m-%d} 至 {pd.Timestamp(t1):%Y-%m-%d}"])
    if not rows:
        return [Block("p", "附近站点无监测数据。")]
    return [Block("table", header=["站点", "距离（m）", "监测项目", "单位", "数据条数", "平均值",
                                   "时段"], rows=rows,
                  align=["l", "r", "l", "l", "r", "r", "l"])]


def _parameter(par: str) -> str:
    """A monitored parameter: a substance as ``名称（CAS）``, other parameters (PM2.5, wind)
    by their Chinese name when the chemicals table knows them, else as written."""
    from ehrisk.refdata import chemicals as chem

    try:
        row = chem.lookup(par)
    except chem.UnknownChemicalError:
        return par
    cas = str(row.name if "cas" not in row.index else row["cas"])
    return L.substance(cas, str(row["name_zh"])) if cas[:1].isdigit() else str(row["name_zh"])


def write_docx(blocks: list[Block], path: str | Path, cover: Cover | None = None) -> Path:
    """Render blocks (after ``cover``) to DOCX (:func:`ehrisk.reports.document.write_docx`)."""
    from ehrisk.reports.document import write_docx as _w

    return _w(blocks, path, cover)


def write_pdf(blocks: list[Block], path: str | Path, engine: str = "auto",
              cover: Cover | None = None) -> tuple[Path, str]:
    """Render blocks to PDF. ``engine``: ``reportlab`` (``auto``; the packaged font embedded)
    or ``libreoffice`` (convert the DOCX with soffice). Returns (path, engine used)."""
    if engine not in PDF_ENGINES:
        raise EhriskError(f"unknown PDF engine {engine!r}; use one of {', '.join(PDF_ENGINES)}")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if engine == "libreoffice":
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise EhriskError("LibreOffice (soffice) is not installed; use --pdf-engine "
                              "reportlab (the default)")
        with tempfile.TemporaryDirectory() as d:
            docx = write_docx(blocks, Path(d) / (p.stem + ".docx"), cover)
            # LibreOffice finds fonts through fontconfig: add the packaged font's folder so
            # that "Noto Sans SC" is the packaged face, not a substitute (Debian's Noto Sans
            # CJK collection would give the Japanese face)
            conf = Path(d) / "fonts.conf"
            conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                            '<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
                            f'</include><dir>{fonts.cjk_font_path().parent}</dir>'
                            f'<cachedir>{d}/fc-cache</cachedir></fontconfig>',
                            encoding="utf-8")
            env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", d,
                            str(docx)], check=True, capture_output=True, timeout=180, env=env)
            shutil.move(str(Path(d) / (p.stem + ".pdf")), p)
        return p, "libreoffice"
    from ehrisk.reports.document import write_pdf as _w

    return _w(blocks, p, cover), "reportlab"


def write_file(session: Session, code: str, path: str | Path, *,
               as_of: dt.datetime | None = None, pdf_engine: str = "auto",
               issuer: str | None = None) -> dict:
    """Write the enterprise file to ``path`` (``.docx`` or ``.pdf``); ``issuer`` is the
    issuing unit on the cover ([study] issuer; a blank line to fill in when None)."""
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise EhriskError(f"the enterprise file is written as .docx or .pdf, not {p.name!r}")
    with tempfile.TemporaryDirectory() as d:
        blocks = build(session, code, Path(d), as_of)
        cv = cover(session, code, as_of, issuer)
        if fmt == "docx":
            write_docx(blocks, p, cv)
            used = "python-docx"
        else:
            _, used = write_pdf(blocks, p, pdf_engine, cv)
    text = " ".join([b.text for b in blocks] + [str(v) for b in blocks if b.rows
                                                 for r in b.rows for v in r]
                    + [str(h) for b in blocks if b.header for h in b.header])
    out = {"credit_code": code.upper(), "file": str(p), "format": fmt, "engine": used,
           "sections": sum(1 for b in blocks if b.kind == "h2")}
    missing = fonts.missing_chars(text)
    if missing:
        out["characters_not_in_font"] = missing
    return out
