"""The one place fonts are found and registered: a Simplified Chinese face for matplotlib,
python-docx and the PDF writer (reportlab), regular and bold.

The package ships a subset of Noto Sans SC 2.004 (SIL Open Font License 1.1, licence in
``reports/fonts/OFL.txt``; TrueType outlines; every GB 2312-80 character, Latin, Greek,
punctuation and symbols, and every character the package writes itself; built by
``tools/subset_fonts.py``). Nothing has to be installed on the machine: no system font is
needed and none is looked up by default, so a run gives the same document on every machine.

Environment
-----------
``EHRISK_CJK_FONT`` / ``EHRISK_CJK_FONT_BOLD``
    Paths of TrueType (``glyf``) font files to use instead of the packaged subset, e.g. the
    full ``NotoSansSC-Regular.ttf`` when names contain characters outside GB 2312. The bold
    file defaults to the regular one.
``EHRISK_FONTS``
    ``package`` ignores both variables above and uses the packaged subset only (used by the
    tests to prove a fresh machine needs nothing else).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

FONT_DIR = Path(__file__).resolve().with_name("fonts")
FAMILY = "Noto Sans SC"
FILES = {"regular": "NotoSansSC-Regular.subset.ttf", "bold": "NotoSansSC-Bold.subset.ttf"}
LICENCE = FONT_DIR / "OFL.txt"
ENV_FILE = {"regular": "EHRISK_CJK_FONT", "bold": "EHRISK_CJK_FONT_BOLD"}
ENV_MODE = "EHRISK_FONTS"
#: reportlab's registered names for the two weights
PDF_REGULAR = "EhriskSC"
PDF_BOLD = "EhriskSC-Bold"


def _check_weight(weight: str) -> str:
    if weight not in FILES:
        raise ValueError(f"font weight must be 'regular' or 'bold', not {weight!r}")
    return weight


def cjk_font_path(weight: str = "regular") -> Path:
    """Path of the Simplified Chinese TrueType font file for ``weight``.

    Parameters
    ----------
    weight : {"regular", "bold"}

    Returns
    -------
    Path
        The packaged Noto Sans SC subset, or the file named by ``EHRISK_CJK_FONT`` /
        ``EHRISK_CJK_FONT_BOLD`` unless ``EHRISK_FONTS=package``.
    """
    _check_weight(weight)
    if os.environ.get(ENV_MODE, "").strip().lower() != "package":
        env = os.environ.get(ENV_FILE[weight]) or (
            os.environ.get(ENV_FILE["regular"]) if weight == "bold" else None)
        if env:
            p = Path(env).expanduser()
            if not p.is_file():
                from ehrisk.errors import EhriskError

                raise EhriskError(f"{ENV_FILE[weight]}={env!r} is not a font file")
            return p
    p = FONT_DIR / FILES[weight]
    if not p.is_file():  # a broken install, not a user error
        raise FileNotFoundError(f"packaged font missing: {p} (reinstall ehrisk)")
    return p


@functools.lru_cache(maxsize=8)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as f:
        return frozenset(f.getBestCmap())


def missing_chars(text: str, weight: str = "regular") -> str:
    """Characters of ``text`` that the chosen font cannot draw (sorted, without repeats;
    whitespace and control characters ignored)."""
    cmap = _cmap(str(cjk_font_path(weight)))
    return "".join(sorted({c for c in text if c.isprintable() and not c.isspace()
                           and ord(c) not in cmap}))


def family_name(weight: str = "regular") -> str:
    """The family name recorded in the font file (``Noto Sans SC`` for the packaged one)."""
    from matplotlib import font_manager as fm

    return fm.FontProperties(fname=str(cjk_font_path(weight))).get_name()


@functools.lru_cache(maxsize=4)
def _register_matplotlib(regular: str, bold: str) -> str:
    from matplotlib import font_manager as fm

    for p in dict.fromkeys((regular, bold)):
        fm.fontManager.addfont(p)
    return fm.FontProperties(fname=regular).get_name()


def use_cjk_matplotlib() -> str:
    """Register the Simplified Chinese face (regular and bold) with matplotlib and make it the
    default: ``font.family`` = [the face, DejaVu Sans] (DejaVu Sans for the few glyphs it
    lacks, e.g. subscript digits), the face also first in ``font.sans-serif``, ``pdf.fonttype``/``ps.fonttype`` 42 (embed the
    TrueType font, so PDFs carry the SC face). Idempotent.

    Returns
    -------
    str
        The family name (``"Noto Sans SC"``).
    """
    import matplotlib as mpl

    name = _register_matplotlib(str(cjk_font_path("regular")), str(cjk_font_path("bold")))
    mpl.rcParams.update(_rc(name))
    return name


def matplotlib_rc() -> dict:
    """rcParams to pass to ``matplotlib.rc_context`` for Chinese text without changing the
    global defaults (registers the fonts first)."""
    return _rc(_register_matplotlib(str(cjk_font_path("regular")), str(cjk_font_path("bold"))))


def _rc(name: str) -> dict:
    import matplotlib as mpl

    # font.family lists the faces by name: matplotlib falls back glyph by glyph only along
    # named families (a generic "sans-serif" resolves to one face)
    return {"font.family": [name, "DejaVu Sans"],
            "font.sans-serif": [name] + [f for f in mpl.rcParams["font.sans-serif"]
                                         if f != name],
            "pdf.fonttype": 42, "ps.fonttype": 42,
            "axes.unicode_minus": True}   # U+2212 is in the font


@functools.lru_cache(maxsize=4)
def _register_reportlab(regular: str, bold: str) -> tuple[str, str]:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(PDF_REGULAR, regular))
    pdfmetrics.registerFont(TTFont(PDF_BOLD, bold))
    for b, i, name in ((0, 0, PDF_REGULAR), (1, 0, PDF_BOLD), (0, 1, PDF_REGULAR),
                       (1, 1, PDF_BOLD)):
        addMapping(PDF_REGULAR, b, i, name)
    return PDF_REGULAR, PDF_BOLD


def use_cjk_reportlab() -> tuple[str, str]:
    """Register the two weights with reportlab (TrueType, embedded as subsets) and return
    their names ``(regular, bold)``; ``<b>`` in a Paragraph selects the bold file."""
    return _register_reportlab(str(cjk_font_path("regular")), str(cjk_font_path("bold")))


def set_docx_font(style_or_run, size_pt: float | None = None) -> None:
    """Give a python-docx style or run the Simplified Chinese face for every script
    (``w:rFonts`` ascii/hAnsi/eastAsia) and the language ``zh-CN`` for East Asian text, so
    Word and LibreOffice pick the SC glyph forms. DOCX files name fonts, they do not carry
    them: a reader without Noto Sans SC sees the same text in its own Chinese sans-serif."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = FAMILY
    if size_pt is not None:
        font.size = Pt(size_pt)
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for k in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(k), None)        # a theme font would take precedence
    for k in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(k), FAMILY)
    rfonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
