"""The enterprise file (一企一档) as a document, on the hand-built region (tests/data/region_small):
cover, page numbers, Chinese labels for codes, substances by name with CAS, headings never
alone at a page foot, the SC face embedded, no font warning on a machine without CJK fonts."""

from __future__ import annotations

import re
import warnings

import pypdf  # the test extra
import pytest

CODE_WORDS = ("care_home", "residential_area", "drinking_water_source", "in_progress",
              "rectified", "verified", "operating", "suspended", "kindergarten", "hospital",
              "school", "red", "yellow", "green", "new", "tank")


def pdf_base_fonts(data: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-_,]+)", data)}


HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@pytest.fixture(scope="module")
def written(region_small, tmp_path_factory):
    """Enterprise files (PDF and DOCX) of the region's enterprise with problems, written with
    system fonts hidden and warnings as errors."""
    import pandas as pd

    from ehrisk.reports.enterprise_file import write_file
    from ehrisk.store.db import open_engine, session_scope

    folder, db, codes = region_small
    assert set(codes.values()) == {0}
    code = str(pd.read_excel(folder / "problems.xlsx", dtype=str)["统一社会信用代码"].iloc[0])
    out = tmp_path_factory.mktemp("ef")
    mp = pytest.MonkeyPatch()
    mp.setenv("EHRISK_FONTS", "package")
    eng = open_engine(f"sqlite:///{db}", create=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with session_scope(eng) as s:
                res = {ext: write_file(s, code, out / f"{code}.{ext}",
                                       issuer="清河县环境科学研究所（虚构）" if ext == "pdf" else None)
                       for ext in ("pdf", "docx")}
    finally:
        eng.dispose()
        mp.undo()
    return code, out, res, folder


def _pages(path) -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(str(path)).pages]


def test_pdf_is_a_document(written):
    code, out, res, folder = written
    assert res["pdf"]["engine"] == "reportlab" and "characters_not_in_font" not in res["pdf"]
    pages = _pages(out / f"{code}.pdf")
    n = len(pages)
    assert n >= 3
    for i, text in enumerate(pages, start=1):
        assert f"第 {i} 页 共 {n} 页" in text
    cover = pages[0]
    for item in ("企业环境健康风险档案", code, "所在地区", "清单年份", "数据截至",
                 "清河县环境科学研究所（虚构）"):
        assert item in cover
    body = "\n".join(pages)
    words = set(re.findall(r"[A-Za-z_]+", body))
    assert not words & set(CODE_WORDS), words & set(CODE_WORDS)
    # problem states by their label (problems.xlsx gives them in Chinese; stored as codes)
    assert "整改中" in body
    # a heading is never the last line of a page (before the footer)
    for text in pages:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        lines = [ln for ln in lines if not ln.startswith("第 ") and not ln.startswith("一企一档")]
        assert lines and not HEADING.match(lines[-1]), lines[-1]
    fonts = pdf_base_fonts((out / f"{code}.pdf").read_bytes())
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+NotoSansSC-(Regular|Bold)", f) for f in fonts)
    assert any(f.endswith("Bold") for f in fonts)       # headings in the bold weight


def test_substances_by_name_with_cas(written):
    import pandas as pd

    from ehrisk.refdata import chemicals as chem

    code, out, _, folder = written
    em = pd.read_excel(folder / "emissions.xlsx", dtype=str)
    mine = em[em.iloc[:, 0] == code]
    body = re.sub(r"\s+", "", "".join(_pages(out / f"{code}.pdf")))
    cas_col = [c for c in em.columns if "CAS" in c.upper()]
    assert cas_col, em.columns
    checked = 0
    for given in mine[cas_col[0]].dropna().unique():     # CAS or name, as the importer takes
        try:
            row = chem.lookup(given)
        except chem.UnknownChemicalError:
            continue
        cas, name = str(row["cas"]), str(row["name_zh"])
        if str(cas).startswith("X-"):
            continue
        assert f"{name}（{cas}）" in body, (name, cas)
        checked += 1
    assert checked >= 1


def test_docx_fonts_labels_and_page_numbers(written):
    from docx import Document
    from docx.oxml.ns import qn

    code, out, res, _ = written
    doc = Document(out / f"{code}.docx")
    rpr = doc.styles["Normal"].element.rPr
    assert rpr.rFonts.get(qn("w:eastAsia")) == "Noto Sans SC"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads[0] == "一、基本信息" and len(heads) == res["docx"]["sections"] == 9
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert code in cells and "（编制单位，请填写）" in cells      # no issuer: a line to fill
    words = set(re.findall(r"[A-Za-z_]+", cells))
    assert not words & set(CODE_WORDS), words & set(CODE_WORDS)
    footer = doc.sections[-1].footer._element.xml
    assert "NUMPAGES" in footer and "PAGE" in footer
    assert len(doc.inline_shapes) == 1            # the location map


def test_libreoffice_engine_uses_the_packaged_sc_face(written, tmp_path):
    import shutil

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice (soffice) not installed; the engine is optional")
    from ehrisk.reports.enterprise_file import write_file
    from ehrisk.store.db import open_engine, session_scope

    code, _, _, folder = written
    eng = open_engine(f"sqlite:///{folder / 'qinghe.sqlite'}", create=False)
    try:
        with session_scope(eng) as s:
            res = write_file(s, code, tmp_path / "lo.pdf", pdf_engine="libreoffice")
    finally:
        eng.dispose()
    assert res["engine"] == "libreoffice"
    fonts = pdf_base_fonts((tmp_path / "lo.pdf").read_bytes())
    assert fonts and all("NotoSansSC" in f for f in fonts), fonts
