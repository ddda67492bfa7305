"""XLSX import templates with Chinese headers (``ehrisk template <kind>``).

Sheet 1 (named after the kind, e.g. 企业) has the header row people fill in below; sheet
说明 explains each column: the English field name, whether it is required, accepted values.
"""

from __future__ import annotations

from pathlib import Path

from ehrisk.io.tables import Column
from ehrisk.store import kinds as K


def _accepted(f: Column) -> str:
    """What a column accepts, in words for the 说明 sheet."""
    if isinstance(f.choices, dict) and f.choices:
        groups: dict[str, list[str]] = {}
        for s, code in f.choices.items():
            groups.setdefault(code, []).append(s)
        return "; ".join(f"{code}: {'/'.join(v for v in vs if v != code)}"
                         for code, vs in groups.items())
    return {"float": "数字", "int": "整数", "date": "日期 YYYY-MM-DD",
            "datetime": "日期时间 YYYY-MM-DD HH:MM", "credit": "18位统一社会信用代码",
            "cas": "CAS号（含校验位）", "substance": "CAS号、中文名或英文名",
            "bool": "是/否"}.get(f.kind, "文本")


def write_template(kind: str, path: str | Path) -> Path:
    """Write the XLSX template of ``kind`` to ``path`` and return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    k = K.get(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = k.zh
    bold = Font(bold=True)
    for j, f in enumerate(k.fields, start=1):
        c = ws.cell(row=1, column=j, value=f.zh)
        c.font = bold
        if f.required:
            c.fill = PatternFill("solid", fgColor="FFF2CC")
        ws.column_dimensions[c.column_letter].width = max(12, 2 * len(f.zh) + 4)
    ws.freeze_panes = "A2"
    info = wb.create_sheet("说明")
    info.append(["列名", "字段 (field)", "必填 (required)", "格式 / 可选值", "说明",
                 "也接受的列名 (other accepted headers)"])
    for c in info[1]:
        c.font = bold
    for f in k.fields:
        other = [h for h in f.headers if h != f.zh]
        info.append([f.zh, f.name, "是" if f.required else "否", _accepted(f), f.help_zh,
                     "、".join(other)])
    info.append([])
    info.append([f"ehrisk import {k.name} <文件>：同一文件重复导入不会产生重复数据；"
                 "任何一行有误则整个文件不导入，并列出所有问题。"])
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p
