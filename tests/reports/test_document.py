"""Layout rules of the document writer: tokens never broken inside a cell, full-width
punctuation never at a line start, integers without decimals, a grading list with Chinese
headers and labels."""

from __future__ import annotations

import pandas as pd
import pytest

from ehrisk.reports import document as D


def _lines(p, width: float) -> list[str]:
    """The lines reportlab lays out for Paragraph ``p`` in ``width`` [pt]."""
    p.wrap(width, 10_000)
    out = []
    for ln in p.blPara.lines:
        words = ln[1] if isinstance(ln, tuple) else ln.words
        out.append("".join(w if isinstance(w, str) else getattr(w, "text", "") for w in words))
    return out


@pytest.mark.parametrize("avail", [260.0, 320.0, 420.0])   # least widths sum to 253 pt
def test_tokens_stay_whole_in_cells(avail):
    st = D._styles()
    header = ["计算时间（UTC）", "依据", "问题"]
    rows = [["2026-12-03 06:55", "HJ 941-2018 企业突发环境事件风险分级方法",
             "事故废水收集池容积不足，雨污未分流；91990100MANM4L7W4C（较大-大气（Q3-M2-E3））"]]
    widths = D.col_widths(header, rows, avail, st["cell"].fontName, st["cell"].fontSize)
    assert sum(widths) == pytest.approx(avail)
    for j, cell in enumerate(rows[0]):
        lines = D.break_lines(cell, widths[j] - 8.5, st["cell"].fontName, st["cell"].fontSize)
        # reportlab lays the cell out in exactly these lines
        assert _lines(D._para(cell, st["cell"], widths[j] - 8.5), widths[j] - 8.0) == lines
        joined = "\n".join(lines)
        for tok in D._TOKEN.findall(cell):
            assert tok in joined, (tok, lines)
        assert not any(ln[:1] in D.NO_LINE_START for ln in lines if ln), lines
        assert not any(ln[-1:] in D.NO_LINE_END for ln in lines if ln), lines


def test_fmt_integers_and_blanks():
    assert D.fmt(1.0) == "1" and D.fmt(12345.0) == "12,345" and D.fmt(float("nan")) == ""
    assert D.fmt(3.0836e-06) == "3.08e-06" and D.fmt(0.1095) == "0.1095"
    assert D.fmt(pd.NA) == "" and D.fmt(True) == "是"


def test_grading_table_presentation():
    from ehrisk.reports import grading_tables as gt

    df = pd.DataFrame({"credit_code": ["A"], "name_zh": ["甲醛厂"], "code": ["red"],
                       "code_zh": ["红码"], "code_rank": [3.0], "reasons_zh": [
                           "最大致癌风险贡献 2.0e-04，主要物质 50-00-0"],
                       "m_missing_water": ["water_rainwater_system"],
                       "lon": [121.765166789], "whitelisted": [False]})
    out, zh, en = gt.present(df, "grading/codes")
    assert en == ["credit_code", "name_zh", "code", "code_rank", "reasons_zh",
                  "m_missing_water", "lon", "whitelisted"]
    assert zh[:3] == ["统一社会信用代码", "企业名称", "风险码"]
    r = out.iloc[0]
    assert r["code"] == "红码" and str(out["code_rank"].dtype) == "Int64" and r["code_rank"] == 3
    assert "甲醛（50-00-0）" in r["reasons_zh"]
    assert r["m_missing_water"] == "雨水排水系统风险防控措施"      # hj941_2018_scores name_zh
    assert r["lon"] == 121.765167 and r["whitelisted"] == "否"


def test_grading_csv_and_xlsx(tmp_path):
    from openpyxl import load_workbook

    from ehrisk.reports import grading_tables as gt

    df = pd.DataFrame({"credit_code": ["A", "B"], "name_zh": ["甲", "乙"],
                       "code": ["red", "green"], "code_rank": [3.0, 1.0],
                       "lat": [29.8500811, 30.0]})
    p = gt.write_csv(df, tmp_path / "risk_codes.csv", "risk_codes")
    lines = p.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ("统一社会信用代码（credit_code）,企业名称（name_zh）,风险码（code）,"
                        "风险码序号（code_rank）,纬度（°N）（lat）")
    assert lines[1] == "A,甲,红码,3,29.850081"
    x = gt.write_xlsx({"risk_codes": df}, tmp_path / "g.xlsx")
    ws = load_workbook(x)["环境健康风险码"]
    assert [c.value for c in ws[1]][:3] == ["统一社会信用代码", "企业名称", "风险码"]
    assert [c.value for c in ws[2]][:3] == ["credit_code", "name_zh", "code"]
    assert ws["D3"].value == 3 and isinstance(ws["D3"].value, int)
    assert ws["E3"].number_format == "0.000000"


def test_cli_tables_keep_six_decimals(capsys):
    from ehrisk.commands._common import fmt_coord, print_table

    assert fmt_coord(122.1234567) == "122.123457" and fmt_coord(None) == ""
    print_table([{"credit_code": "A", "lon": 122.1234567, "lat": 29.85, "x": 122.1234567}])
    out = capsys.readouterr().out
    assert "122.123457" in out and "29.850000" in out and "122" in out
