"""The grading lists as documents (presentation layer): HJ 941-2018 levels, risk codes,
supervision list, whitelist, problem lists and code changes with Chinese headers, enterprise
names beside credit codes, Chinese labels for code values, substances as ``名称（CAS）``,
integers as integers and coordinates to six decimals.

- CSV (UTF-8 with BOM, so that Excel opens the Chinese text): one header row
  ``中文（english_column）`` (the English column name is the extract's, so a reader can match
  the two).
- XLSX: one sheet per list; row 1 the Chinese headers, row 2 the English column names, data
  from row 3 (panes frozen, filter on row 2, number formats per column).
- PDF (:func:`write_pdf`): the risk-code list, supervision list, whitelist and problem list as
  one document with a cover (area, year, date, issuing unit).

The machine-readable tables (English column names, codes as codes) stay in the read layer:
``ehrisk extract <run> grading/codes`` (:mod:`ehrisk.results`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk import labels as L

HEADERS_ZH = {
    "credit_code": "统一社会信用代码", "name_zh": "企业名称", "name": "企业名称",
    "code_rank": "风险码序号", "fired_rules": "触发规则", "reasons_zh": "判定原因",
    "reasons_en": "判定原因（英文）", "hj941_level_rank": "HJ 941 等级序号",
    "hj941_code": "HJ 941 风险等级表征", "m_missing_air": "缺失的大气风险防控措施",
    "m_missing_water": "缺失的水风险防控措施",
    "max_cancer_risk_contribution": "最大致癌风险贡献",
    "max_hi_contribution": "最大危害指数贡献",
    "attributable_cases_per_yr": "归因超额癌症病例（例/年）",
    "top_substance": "主要贡献物质", "has_attributable": "有归因风险数据",
    "priority_emitted": "排放的优先控制污染物",
    "n_priority_pollutants_emitted": "优先控制污染物（种）",
    "open_problem_ids": "未整改问题编号", "n_open_problems": "未整改问题（项）",
    "overdue_problem_ids": "逾期问题编号", "n_overdue_problems": "逾期问题（项）",
    "whitelisted": "列入白名单", "frequency_zh": "监管要求", "frequency_en": "监管要求（英文）",
    "inspections_per_yr": "现场检查（次/年）", "online_monitoring": "在线监测",
    "positive_list": "正面清单", "basis_zh": "列入依据", "basis_en": "列入依据（英文）",
    "item_no": "序号", "category": "类别", "rules": "规则", "finding_zh": "问题",
    "finding_en": "问题（英文）", "measure_zh": "整改措施", "measure_en": "整改措施（英文）",
    "substance_cas": "削减物质", "reduction_fraction": "削减比例",
    "cancer_before": "整改前致癌风险", "cancer_after": "整改后致癌风险",
    "hi_before": "整改前危害指数", "hi_after": "整改后危害指数",
    "level_before": "整改前风险等级", "level_after": "整改后风险等级",
    "code_after": "整改后风险码", "changes_code": "改变风险码",
    "previous_code": "上次风险码", "current_code": "本次风险码", "change": "变化",
    "previous_rules": "上次触发规则", "current_rules": "本次触发规则",
    "lon": "经度（°E）", "lat": "纬度（°N）",
    "level_before_upgrade": "调级前风险等级", "penalised_3yr": "近三年受处罚",
    "upgraded": "上调一级", "level": "突发环境事件风险等级", "level_rank": "等级序号",
    "level_en": "风险等级（英文）", "unlisted_cas": "未列入附录 A 的物质",
}
for _m, _zh in (("air", "大气"), ("water", "水")):
    HEADERS_ZH.update({f"q_{_m}": f"{_zh} Q 值", f"q_code_{_m}": f"{_zh} Q 分级",
                       f"m_{_m}": f"{_zh} M 值", f"m_code_{_m}": f"{_zh} M 分级",
                       f"e_code_{_m}": f"{_zh} E 分级", f"level_{_m}": f"{_zh}风险等级",
                       f"code_{_m}": f"{_zh}风险等级表征",
                       f"top_substance_{_m}": f"{_zh}主要风险物质",
                       f"m_missing_{_m}": f"缺失的{_zh}风险防控措施"})
HEADER_BY_TABLE = {"hj941": {"code": "风险等级表征"}}
"""Per-table headers where a column name means something else there."""

SHEETS_ZH = {"hj941": "HJ941风险等级", "codes": "环境健康风险码", "risk_codes": "环境健康风险码",
             "supervision": "分级监管清单", "supervision_list": "分级监管清单",
             "whitelist": "白名单", "problems": "问题清单", "problem_lists": "问题清单",
             "changes": "风险码变化"}
CODE_COLUMNS = ("code", "code_after", "previous_code", "current_code")
DROP = ("code_zh", "change_zh")   # duplicates of a translated column
CAS_COLUMNS = ("top_substance", "substance_cas", "priority_emitted", "unlisted_cas",
               "top_substance_air", "top_substance_water")
TEXT_WITH_CAS = ("reasons_zh", "finding_zh", "measure_zh", "basis_zh")
SCI_COLUMNS = ("max_cancer_risk_contribution", "max_hi_contribution", "cancer_before",
               "cancer_after", "hi_before", "hi_after", "attributable_cases_per_yr")
INT_RE = re.compile(r"(^n_|_rank$|^item_no$|^inspections_per_yr$|_per_set$|^employees$)")
COORD_COLUMNS = ("lon", "lat")
CAS_RE = re.compile(r"(?<![\w-])(\d{2,7}-\d{2}-\d|X-[A-Za-z0-9.]+[A-Za-z0-9])(?![\w-])")
IDENT_RE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _kind(table: str) -> str:
    """Short table name: ``grading/codes`` -> ``codes``; ``risk_codes.csv`` -> ``risk_codes``."""
    return table.rsplit("/", 1)[-1].removesuffix(".csv")


@functools.lru_cache(maxsize=1)
def measure_labels() -> dict[str, str]:
    """Risk-control measure codes (``water_rainwater_system``) -> their Chinese item names,
    from the HJ 941-2018 scores table (``hj941_2018_scores``, column ``name_zh``)."""
    from ehrisk.refdata import load_table

    t = load_table("hj941_2018_scores")
    t = t[t["section"] == "m_control"]
    return {str(k): str(v) for k, v in zip(t["metric"], t["name_zh"], strict=True)}


def cas_in_text(text) -> str:
    """Chinese text as documents print it: every CAS number written ``名称（CAS）`` (e.g.
    ``主要物质 50-00-0`` -> ``主要物质 甲醛（50-00-0）``), the package's pseudo-ids by name
    (``X-VOCs`` -> ``挥发性有机物``) and column identifiers (``max_hi_contribution``) by their
    Chinese header."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    out = CAS_RE.sub(lambda mt: L.substance(mt.group(1)), str(text))
    return IDENT_RE.sub(lambda mt: HEADERS_ZH.get(mt.group(0), mt.group(0)), out)


def _measures(v) -> str:
    if v is None or (isinstance(v, float) and v != v) or str(v) == "":
        return ""
    lab = measure_labels()
    return "；".join(lab.get(x.strip(), x.strip()) for x in str(v).split(";") if x.strip())


def _bool(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, str):
        return {"true": "是", "false": "否"}.get(v.strip().lower(), v)
    return "是" if bool(v) else "否"


def present(df: pd.DataFrame, table: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The document version of one grading table.

    Parameters
    ----------
    df : DataFrame
        The table as the grading step returns it (English columns, codes).
    table : str
        Its name (``grading/codes``, ``risk_codes``, ``hj941`` ...).

    Returns
    -------
    (DataFrame, list of str, list of str)
        Values with Chinese labels (integers as ``Int64``, coordinates rounded to 6
        decimals), the Chinese headers and the English column names, in column order.
    """
    kind = _kind(table)
    out = df.drop(columns=[c for c in DROP if c in df.columns]).copy()
    for c in out.columns:
        s = out[c]
        if c in CODE_COLUMNS and kind != "hj941":
            out[c] = s.map(lambda v: L.label(L.CODE_ZH, v))
        elif c == "change":
            out[c] = s.map(lambda v: L.label(L.CODE_CHANGE_ZH, v))
        elif c == "category":
            out[c] = s.map(lambda v: L.label(L.PROBLEM_CATEGORY_ZH, v))
        elif c in CAS_COLUMNS:
            out[c] = s.map(L.substances)
        elif c in TEXT_WITH_CAS:
            out[c] = s.map(cas_in_text)
        elif c.startswith("m_missing"):
            out[c] = s.map(_measures)
        elif s.dtype == bool or (s.dtype == object and s.dropna().map(
                lambda v: isinstance(v, (bool, np.bool_))).all() and s.notna().any()):
            out[c] = s.map(_bool)
        elif c in COORD_COLUMNS:
            out[c] = pd.to_numeric(s, errors="coerce").round(6)
        elif INT_RE.search(c) and pd.api.types.is_numeric_dtype(s):
            v = pd.to_numeric(s, errors="coerce")
            if (v.dropna() == v.dropna().round()).all():
                out[c] = v.round().astype("Int64")
    over = HEADER_BY_TABLE.get(kind, {})
    zh = [over.get(c, HEADERS_ZH.get(c, c)) for c in out.columns]
    if kind != "hj941":
        zh = ["风险码" if c == "code" else h for c, h in zip(out.columns, zh, strict=True)]
    return out, zh, [str(c) for c in out.columns]


def write_csv(df: pd.DataFrame, path: str | Path, table: str) -> Path:
    """The document version of ``df`` as CSV: header ``中文（english）``, UTF-8 with BOM,
    coordinates with six decimals."""
    out, zh, en = present(df, table)
    out.columns = [f"{z}（{e}）" if z != e else e for z, e in zip(zh, en, strict=True)]
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fmt = {c: (lambda v: "" if pd.isna(v) else f"{v:.6f}")
           for c, e in zip(out.columns, en, strict=True) if e in COORD_COLUMNS}
    for c, f in fmt.items():
        out[c] = out[c].map(f)
    out.to_csv(p, index=False, encoding="utf-8-sig")
    return p


def _text_width(s: str) -> float:
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in s)


def write_xlsx(tables: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """All tables in one workbook, one sheet each (Chinese sheet names): row 1 Chinese
    headers, row 2 English column names, data from row 3."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    for name, df in tables.items():
        out, zh, en = present(df, name)
        ws = wb.create_sheet(SHEETS_ZH.get(_kind(name), _kind(name))[:31])
        ws.append(zh)
        ws.append(en)
        for row in out.itertuples(index=False):
            ws.append([None if (v is None or v is pd.NA or (isinstance(v, float) and v != v))
                       else (int(v) if isinstance(v, np.integer) else
                             float(v) if isinstance(v, np.floating) else v) for v in row])
        for j, c in enumerate(en, start=1):
            col = get_column_letter(j)
            h1, h2 = ws.cell(1, j), ws.cell(2, j)
            h1.font = Font(bold=True)
            h2.font = Font(italic=True, color="666666", size=9)
            for h in (h1, h2):
                h.fill = PatternFill("solid", fgColor="E8E8E8")
                h.alignment = Alignment(wrap_text=True, vertical="top")
                h.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            fmt = ("0.000000" if c in COORD_COLUMNS else "0.00E+00" if c in SCI_COLUMNS
                   else "0" if str(out[c].dtype) == "Int64" else None)
            texts = [zh[j - 1]] + [str(v) for v in out[c].head(200) if v is not None]
            width = min(max([_text_width(t) for t in texts] + [8.0]) + 2, 60)
            ws.column_dimensions[col].width = width
            for i in range(3, len(out) + 3):
                cell = ws.cell(i, j)
                if fmt:
                    cell.number_format = fmt
                if width >= 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "C3" if len(en) > 2 and en[1] in ("name_zh", "name") else "A3"
        ws.auto_filter.ref = f"A2:{get_column_letter(len(en))}{len(out) + 2}"
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


PDF_COLUMNS = {
    "codes": ["credit_code", "name_zh", "code", "hj941_code", "reasons_zh"],
    "supervision": ["credit_code", "name_zh", "code", "frequency_zh", "inspections_per_yr",
                    "online_monitoring"],
    "whitelist": ["credit_code", "name_zh", "hj941_code", "basis_zh"],
    "problems": ["name_zh", "code", "item_no", "finding_zh", "measure_zh", "code_after"],
}
PDF_TITLES = {"codes": "一、环境健康风险码", "supervision": "二、分级监管清单",
              "whitelist": "三、白名单", "problems": "四、问题清单"}


def document_blocks(tables: dict[str, pd.DataFrame]) -> list:
    """Blocks of the grading-lists document (:mod:`ehrisk.reports.document`): a summary line
    and one table per list, with the columns a bureau reads (all columns are in the XLSX)."""
    from ehrisk.reports.document import Block

    by_kind = {_kind(k).removeprefix("risk_").removesuffix("_list").removesuffix("_lists"): v
               for k, v in tables.items()}
    by_kind.setdefault("problems", by_kind.get("problem"))
    blocks = []
    codes = by_kind.get("codes")
    if codes is not None and len(codes):
        n = codes["code"].value_counts()
        blocks.append(Block("p", f"共评定企业 {len(codes)} 家：" + "，".join(
            f"{L.CODE_ZH[c]} {int(n.get(c, 0))} 家" for c in ("red", "yellow", "green"))
            + "。规则见 docs/grading.md；全部字段见同目录 XLSX 文件。"))
    for kind, title in PDF_TITLES.items():
        df = by_kind.get(kind)
        if df is None:
            continue
        blocks.append(Block("h2", title))
        if not len(df):
            blocks.append(Block("p", "无。"))
            continue
        cols = [c for c in PDF_COLUMNS[kind] if c in df.columns]
        if "code" in df.columns and kind != "whitelist":   # red first, then yellow, green
            order = df["code"].map({"red": 0, "yellow": 1, "green": 2}).fillna(3)
            df = df.assign(_o=order).sort_values(["_o", "credit_code"], kind="stable")
        out, zh, en = present(df[cols], kind)
        align = ["r" if str(out[c].dtype) == "Int64" else "l" for c in en]
        blocks.append(Block("table", header=zh, rows=out.astype(object).where(
            out.notna(), None).values.tolist(), align=align))
    return blocks


def write_document(tables: dict[str, pd.DataFrame], path: str | Path, *, area: str = "",
                   year: int | None = None, issuer: str | None = None,
                   synthetic: bool = False, today=None) -> Path:
    """The grading lists as one PDF (``.pdf``) or DOCX (``.docx``) document with a cover:
    area, inventory year, date, issuing unit (a line to fill in when None)."""
    import datetime as dt

    from ehrisk import SYNTHETIC_LABEL
    from ehrisk.reports import document as D

    day = today or dt.date.today()
    fields = [("评估区域", area or "—"), ("清单年份", f"{year} 年" if year else "—"),
              ("数据日期", f"{day:%Y-%m-%d}"),
              ("编制单位", issuer.strip() if issuer and issuer.strip() else D.BLANK_ISSUER),
              ("编制日期", f"{day:%Y 年 %m 月 %d 日}")]
    note = "方法：HJ 941-2018 企业突发环境事件风险分级与 ehrisk 环境健康风险码规则（见 docs/grading.md）。"
    if synthetic:
        note = f"{SYNTHETIC_LABEL}。本清单所用数据为合成演示数据，不代表任何真实企业。" + note
    cover = D.Cover(title="企业环境健康风险分级管理清单", subject=area or "评估区域",
                    fields=fields, short_title=f"风险分级管理清单 · {area}", note=note)
    blocks = document_blocks(tables)
    p = Path(path)
    if p.suffix.lower() == ".docx":
        return D.write_docx(blocks, p, cover)
    return D.write_pdf(blocks, p, cover, landscape=True)
