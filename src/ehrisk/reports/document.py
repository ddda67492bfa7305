"""Documents a bureau sends: a list of blocks (headings, paragraphs, tables, images) with a
cover, written as PDF (reportlab) and DOCX (python-docx) in the Simplified Chinese face of
:mod:`ehrisk.reports.fonts`.

Layout (both writers): A4 portrait, a cover page (title, subject, a table of area, year, data
date, issuing unit and date of issue), a running header with the document's short title, page
numbers ``第 x 页 共 y 页`` in the footer, headings kept with what follows them, tables with a
repeated header row whose cells wrap (Chinese text between any two characters, Latin words,
numbers, codes and dates only at spaces), column widths from the content (the longest
unbreakable token of a column sets its least width).

References
----------
GB/T 9704-2012 党政机关公文格式 (A4 paper, page numbers in the footer) is followed loosely:
the page number is written ``第 x 页 共 y 页`` as technical reports do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from ehrisk.reports import fonts

BLANK_ISSUER = "＿＿＿＿＿＿＿＿＿＿＿＿（编制单位，请填写）"
"""What the cover shows when the study names no issuing unit ([study] issuer): a line to fill
in, never a made-up unit."""

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_TOKEN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


@dataclass
class Block:
    """One piece of a document: ``kind`` is ``h1``, ``h2``, ``p``, ``note`` (small grey
    text), ``table`` (``header``, ``rows``; optional ``header_en`` second header line,
    ``align`` per column ``l``/``r``/``c``), ``image`` (``path``, caption in ``text``) or
    ``pagebreak``."""

    kind: str
    text: str = ""
    header: list | None = None
    rows: list | None = None
    path: str | None = None
    header_en: list | None = None
    align: list | None = None


@dataclass
class Cover:
    """The cover page: ``title`` (kind of document), ``subject`` (whom/what it is about),
    ``fields`` (label, value) rows; ``short_title`` heads every later page; ``note`` is
    printed under the table (e.g. the synthetic-data label)."""

    title: str
    subject: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    short_title: str = ""
    note: str = ""


def fmt(v) -> str:
    """A cell value as text: blank for missing; integers without decimals; other numbers to 4
    significant figures (thousands separated from 10 000 on)."""
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "是" if v else "否"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}" if abs(int(v)) >= 10000 else str(int(v))
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return ""
        if float(v).is_integer() and abs(v) < 1e15:
            return f"{int(v):,}" if abs(v) >= 1e4 else str(int(v))
        if abs(v) >= 1e4:
            return f"{v:,.0f}"
        if 0 < abs(v) < 1e-3:
            return f"{v:.3g}"
        return f"{v:.4g}"
    s = str(v)
    return "" if s in ("nan", "NaT", "None", "<NA>") else s


# ---------------------------------------------------------------------------------- PDF

NO_LINE_START = "，；：！？）》〉」』”’％"
"""Full-width punctuation that never starts a line (GB/T 15834-2011 标点符号用法, 5.1: 句号、
问号、叹号、逗号、顿号、分号、冒号 and closing marks stay at the end of the line); reportlab's
own list (Japanese rules) lacks the full-width comma, semicolon, colon, ! and ?."""


NO_LINE_END = "（《〈「『“‘［【〔"
"""Opening marks that never end a line (GB/T 15834-2011, 5.1): kept with what follows."""


def _chinese_line_breaking() -> None:
    """Add :data:`NO_LINE_START` to reportlab's list (both line breakers read it: one-font
    paragraphs ``textsplit.wordSplit``, mixed ones ``paragraph.cjkFragSplit``)."""
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for mod in (textsplit, paragraph):
        missing = "".join(c for c in NO_LINE_START if c not in mod.ALL_CANNOT_START)
        if missing:
            mod.ALL_CANNOT_START = mod.ALL_CANNOT_START + missing


def _styles():
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    reg, bold = fonts.use_cjk_reportlab()
    _chinese_line_breaking()
    base = dict(fontName=reg, wordWrap="CJK", allowOrphans=0, allowWidows=0)
    return {
        "p": ParagraphStyle("p", fontSize=10.5, leading=16, spaceAfter=4, **base),
        "note": ParagraphStyle("note", fontSize=8.5, leading=12, spaceAfter=4,
                               textColor=colors.HexColor("#555555"), **base),
        "h1": ParagraphStyle("h1", fontSize=16, leading=22, spaceBefore=6, spaceAfter=10,
                             **{**base, "fontName": bold}),
        "h2": ParagraphStyle("h2", fontSize=13, leading=18, spaceBefore=10, spaceAfter=6,
                             **{**base, "fontName": bold}),
        "cell": ParagraphStyle("cell", fontSize=9, leading=12, **base),
        "cell_r": ParagraphStyle("cell_r", fontSize=9, leading=12, alignment=2, **base),
        "cell_c": ParagraphStyle("cell_c", fontSize=9, leading=12, alignment=1, **base),
        "head": ParagraphStyle("head", fontSize=9, leading=12, **{**base, "fontName": bold}),
        "head_en": ParagraphStyle("head_en", fontSize=7, leading=9,
                                  textColor=colors.HexColor("#555555"), **base),
        "caption": ParagraphStyle("caption", fontSize=9, leading=13, alignment=TA_CENTER,
                                  spaceBefore=2, spaceAfter=8, **base),
        "cover_title": ParagraphStyle("cover_title", fontSize=24, leading=34,
                                      alignment=TA_CENTER, **{**base, "fontName": bold}),
        "cover_subject": ParagraphStyle("cover_subject", fontSize=16, leading=24,
                                        alignment=TA_CENTER, **{**base, "fontName": bold}),
        "cover_field": ParagraphStyle("cover_field", fontSize=12, leading=18, **base),
    }


def _para(text: str, style, width: float | None = None):
    """A Paragraph; with ``width`` [pt] the lines are broken here (:func:`break_lines`)
    so that no token is split."""
    from reportlab.platypus import Paragraph

    if width is None:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
    lines = []
    for part in str(text).split("\n"):
        lines += break_lines(part, width, style.fontName, style.fontSize)
    return Paragraph("<br/>".join(escape(ln) for ln in lines), style)


_ATOM = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+\s*|\s+|.")


def break_lines(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy line breaking for Chinese text with Latin tokens: a line may end between any
    two Chinese characters or at a space, never inside a token (a run of Latin letters,
    digits and ASCII punctuation such as ``06:55``, ``HJ 941-2018``'s ``941-2018``, a credit
    code); full-width punctuation (:data:`NO_LINE_START`) never starts a line, it stays with
    the character before it, and opening marks (:data:`NO_LINE_END`) never end one. A token wider than the line is split by characters (the only
    case a token breaks).

    Parameters
    ----------
    text : str
    width : float
        Line width [pt].
    font, size : str, float
        Registered reportlab font name and size [pt].
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    atoms: list[str] = []
    for a in _ATOM.findall(text):
        if atoms and (a[0] in NO_LINE_START or atoms[-1][-1] in NO_LINE_END):
            atoms[-1] += a
        else:
            atoms.append(a)
    lines: list[str] = []
    cur = ""
    for a in atoms:
        if stringWidth((cur + a).rstrip(), font, size) <= width or not cur.strip():
            if not cur.strip() and stringWidth(a.rstrip(), font, size) > width:
                for ch in a:                       # a token longer than the line
                    if cur and stringWidth(cur + ch, font, size) > width:
                        lines.append(cur)
                        cur = ""
                    cur += ch
                continue
            cur += a
        else:
            lines.append(cur.rstrip())
            cur = a.lstrip()
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return lines


def col_widths(header: list, rows: list, avail: float, font: str, size: float,
               pad: float = 9.0) -> list[float]:
    """Column widths [pt] that fill ``avail``: each column at least as wide as its longest
    unbreakable token (Latin word, number, code, date) and its widest header character run;
    the rest shared in proportion to how much wider each column's longest cell is.

    When even the least widths do not fit, they are scaled down together (long tokens then
    wrap inside the cell)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    n = len(header)
    least = np.zeros(n)
    natural = np.zeros(n)
    for j in range(n):
        texts = [fmt(header[j])] + [fmt(r[j]) for r in rows]
        toks = [t for s in texts for t in _TOKEN.findall(s)]
        cjk_char = stringWidth("中", font, size)
        head_w = stringWidth(fmt(header[j]), font, size) if len(fmt(header[j])) <= 6 else 0.0
        natural[j] = max(stringWidth(s, font, size) for s in texts) + pad
        # short text (names) on one or two lines: at least 7 characters wide when it has them
        least[j] = max([stringWidth(t, font, size) for t in toks]
                       + [2 * cjk_char, head_w, min(natural[j] - pad, 7 * cjk_char)]) + pad
    natural = np.maximum(natural, least)
    if least.sum() >= avail:
        return list(least * avail / least.sum())
    if natural.sum() <= avail:
        return list(natural + (avail - natural.sum()) * natural / natural.sum())
    extra = natural - least
    return list(least + (avail - least.sum()) * extra / extra.sum())


def _table(b: Block, st: dict, avail: float):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    header = [str(h) for h in b.header]
    rows = [[fmt(v) for v in r] for r in (b.rows or [])]
    widths = col_widths(header, rows, avail, st["cell"].fontName, st["cell"].fontSize)
    align = b.align or ["l"] * len(header)
    cell = {"l": st["cell"], "r": st["cell_r"], "c": st["cell_c"]}
    head = []
    for j, h in enumerate(header):
        if b.header_en:
            head.append([_para(h, st["head"]), _para(b.header_en[j], st["head_en"])])
        else:
            head.append(_para(h, st["head"]))
    inner = [w - 8.0 - 0.5 for w in widths]      # minus the cell padding (4 + 4 pt)
    data = [head] + [[_para(v, cell[align[j]], inner[j]) for j, v in enumerate(r)]
                     for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), st["cell"].fontName, st["cell"].fontSize),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    t.spaceAfter = 8
    return t


def _image(b: Block, st: dict, avail_w: float, avail_h: float):
    from PIL import Image as PILImage
    from reportlab.platypus import Image

    with PILImage.open(b.path) as im:
        w, h = im.size
    scale = min(avail_w / w, avail_h * 0.72 / h)
    img = Image(b.path, width=w * scale, height=h * scale)
    return [img, _para(b.text, st["caption"])] if b.text else [img]


def _numbered_canvas(short_title: str, font: str):
    """A canvas class that writes the running header and ``第 x 页 共 y 页`` once the
    page count is known (pages are kept until ``save``)."""
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *a, **kw):
            kw.setdefault("initialFontName", font)
            super().__init__(*a, **kw)
            self._pages = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = self._pagesize
            n = self._pageNumber
            self.saveState()
            self.setFont(font, 9)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawCentredString(w / 2, 1.2 * 28.3465, f"第 {n} 页 共 {total} 页")
            if n > 1 and short_title:
                self.drawString(2.2 * 28.3465, h - 1.35 * 28.3465, short_title)
                self.setStrokeColor(colors.HexColor("#999999"))
                self.setLineWidth(0.5)
                self.line(2.2 * 28.3465, h - 1.5 * 28.3465, w - 2.2 * 28.3465,
                          h - 1.5 * 28.3465)
            self.restoreState()

    return NumberedCanvas


def _cover_story(cover: Cover, st: dict, avail: float) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

    rows = [[_para(k, st["cover_field"]), _para(v, st["cover_field"])] for k, v in cover.fields]
    t = Table(rows, colWidths=[4.2 * cm, min(avail - 6.2 * cm, 11 * cm)], hAlign="CENTER")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), st["cover_field"].fontName, 12),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 6),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    top = 4.5 * cm if avail < 20 * cm else 2.5 * cm
    story = [Spacer(1, top), _para(cover.title, st["cover_title"]), Spacer(1, 1.0 * cm),
             _para(cover.subject, st["cover_subject"]), Spacer(1, top * 0.6), t]
    if cover.note:
        story += [Spacer(1, 1.5 * cm), _para(cover.note, st["note"])]
    return story + [PageBreak()]


def write_pdf(blocks: list[Block], path: str | Path, cover: Cover | None = None,
              landscape: bool = False) -> Path:
    """Write ``blocks`` (after ``cover``) as an A4 PDF (portrait, or ``landscape`` for wide
    lists) with the packaged Simplified Chinese font embedded (reportlab; TrueType
    subsets)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as _landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, SimpleDocTemplate

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    st = _styles()
    margin = 2.2 * cm
    doc = SimpleDocTemplate(str(p), pagesize=_landscape(A4) if landscape else A4, leftMargin=margin, rightMargin=margin,
                            topMargin=2.2 * cm, bottomMargin=2.0 * cm,
                            title=(cover.title + "：" + cover.subject) if cover else "",
                            author="ehrisk", creator="ehrisk", initialFontName=st["p"].fontName)
    avail_w, avail_h = doc.width - 12.0, doc.height - 12.0   # the frame pads 6 pt a side
    story = _cover_story(cover, st, avail_w) if cover else []
    for i, b in enumerate(blocks):
        if b.kind in ("h1", "h2"):
            # a heading never ends a page: it moves on with its image, or with the first
            # rows of its table/paragraphs (CondPageBreak: a new page when < 5 cm are left)
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is not None and nxt.kind == "image":
                continue
            story.append(CondPageBreak(5 * cm))
            story.append(_para(b.text, st[b.kind]))
        elif b.kind in ("p", "note"):
            story.append(_para(b.text, st[b.kind], avail_w - 0.5))
        elif b.kind == "table":
            story.append(_table(b, st, avail_w))
        elif b.kind == "image":
            parts = _image(b, st, avail_w, avail_h)
            prev = blocks[i - 1] if i else None
            if prev is not None and prev.kind in ("h1", "h2"):
                parts = [_para(prev.text, st[prev.kind])] + parts
            story.append(KeepTogether(parts))
        elif b.kind == "pagebreak":
            story.append(PageBreak())
        else:
            raise ValueError(f"unknown block kind {b.kind!r}")
    doc.build(story, canvasmaker=_numbered_canvas(cover.short_title if cover else "",
                                                  st["p"].fontName))
    return p


# --------------------------------------------------------------------------------- DOCX

def _docx_field(run, instr: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instr} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _docx_repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)


def write_docx(blocks: list[Block], path: str | Path, cover: Cover | None = None) -> Path:
    """Write ``blocks`` (after ``cover``) as DOCX: the Simplified Chinese face named for
    every style (``w:eastAsia``, language zh-CN), headings kept with the next paragraph,
    table header rows repeated on each page, page numbers ``第 x 页 共 y 页`` as fields."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.2))
    sec.top_margin, sec.bottom_margin = Cm(2.2), Cm(2.0)
    fonts.set_docx_font(doc.styles["Normal"], 10.5)
    for name, size in (("Heading 1", 16), ("Heading 2", 13)):
        s = doc.styles[name]
        fonts.set_docx_font(s, size)
        s.font.color.rgb = RGBColor(0, 0, 0)
        s.font.bold = True
        s.paragraph_format.keep_with_next = True
    avail_cm = 21.0 - 4.4
    if cover:
        for _ in range(5):
            doc.add_paragraph()
        t = doc.add_paragraph()
        t.alignment = WD_ALIGN_PARAGRAPH.CENTER
        tr = t.add_run(cover.title)
        tr.bold = True
        tr.font.size = Pt(22)
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = sub.add_run(cover.subject)
        r.bold = True
        r.font.size = Pt(16)
        doc.add_paragraph()
        ft = doc.add_table(rows=0, cols=2)
        ft.autofit = False
        cw = (Cm(4.2), Cm(min(avail_cm - 4.2, 11.0)))
        for k, v in cover.fields:
            cells = ft.add_row().cells
            cells[0].text, cells[1].text = k, v
            for c, w in zip(cells, cw, strict=True):
                c.width = w
        for col, w in zip(ft.columns, cw, strict=True):
            col.width = w
        if cover.note:
            doc.add_paragraph()
            doc.add_paragraph(cover.note).runs[0].font.size = Pt(8.5)
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        sec.different_first_page_header_footer = False
        doc.sections[0].different_first_page_header_footer = True
        sec.header.is_linked_to_previous = False
        hp = sec.header.paragraphs[0]
        hp.text = cover.short_title
        hp.runs[0].font.size = Pt(9)
    for s in doc.sections:
        s.footer.is_linked_to_previous = False
        fp = s.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
            run = fp.add_run()
            run.font.size = Pt(9)
            if part in ("PAGE", "NUMPAGES"):
                _docx_field(run, part)
            else:
                run.text = part
        if s is doc.sections[0] and cover:
            s.first_page_footer.paragraphs[0].text = ""
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1].kind if i + 1 < len(blocks) else None
        if b.kind == "h1":
            doc.add_heading(b.text, level=1)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=2)
        elif b.kind == "p":
            para = doc.add_paragraph(b.text)
            if nxt == "table":        # an introducing line stays with its table
                para.paragraph_format.keep_with_next = True
        elif b.kind == "note":
            doc.add_paragraph(b.text).runs[0].font.size = Pt(8.5)
        elif b.kind == "pagebreak":
            doc.add_page_break()
        elif b.kind == "image":
            doc.add_picture(b.path, width=Cm(15))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            c = doc.add_paragraph(b.text)
            c.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "table":
            _docx_table(doc, b, avail_cm)
        else:
            raise ValueError(f"unknown block kind {b.kind!r}")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doc.save(p)
    return p


_INNER_HYPHEN = re.compile(r"(?<=[0-9A-Za-z])-(?=[0-9A-Za-z])")


def _docx_text(para, text: str, size) -> None:
    """Add ``text`` to a DOCX paragraph with every hyphen inside a token (CAS numbers, dates,
    ``HJ 941-2018``) as Word's non-breaking hyphen (``w:noBreakHyphen``), so that Word and
    LibreOffice do not break a line there."""
    from docx.oxml import OxmlElement

    parts = _INNER_HYPHEN.split(text)
    for k, part in enumerate(parts):
        if k:
            run = para.add_run()
            run.font.size = size
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if part:
            para.add_run(part).font.size = size


def _docx_table(doc, b: Block, avail_cm: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    header = [str(h) for h in b.header]
    rows = [[fmt(v) for v in r] for r in (b.rows or [])]
    fonts.use_cjk_reportlab()
    # Word's default cell margins are 0.19 cm a side (10.8 pt together) and it measures a
    # little wider than reportlab: 14 pt of padding keeps every token on one line
    widths = col_widths(header, rows, avail_cm / 2.54 * 72, fonts.PDF_REGULAR, 9, pad=14.0)
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.autofit = False
    align = b.align or ["l"] * len(header)
    al = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT,
          "c": WD_ALIGN_PARAGRAPH.CENTER}
    for j, h in enumerate(header):
        c = t.rows[0].cells[j]
        c.text = ""
        run = c.paragraphs[0].add_run(h)
        run.bold = True
        run.font.size = Pt(9)
        if b.header_en:
            r2 = c.add_paragraph().add_run(str(b.header_en[j]))
            r2.font.size = Pt(7)
            r2.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    _docx_repeat_header(t.rows[0])
    for r in rows:
        cells = t.add_row().cells
        for j, v in enumerate(r):
            cells[j].text = ""
            para = cells[j].paragraphs[0]
            para.alignment = al[align[j]]
            _docx_text(para, v, Pt(9))
    for row in t.rows:
        for j, c in enumerate(row.cells):
            c.width = Cm(widths[j] / 72 * 2.54)
    for j, col in enumerate(t.columns):        # the table grid (w:gridCol) as well
        col.width = Cm(widths[j] / 72 * 2.54)
    for para in t.rows[0].cells[0].paragraphs:   # the header row stays with the first row
        para.paragraph_format.keep_with_next = True
    doc.add_paragraph()
