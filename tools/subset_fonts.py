"""Build the Simplified Chinese font subset shipped in ``src/ehrisk/reports/fonts/``.

Source: Noto Sans SC 2.004 (Google Fonts static instances, TrueType outlines; OFL-1.1), as
published on the npm registry in ``@expo-google-fonts/noto-sans-sc`` (``400Regular`` and
``700Bold``). TrueType outlines are needed because reportlab embeds only TrueType (``glyf``)
fonts; Debian's ``fonts-noto-cjk`` are CFF-outline OpenType collections.

The subset keeps: Basic Latin, Latin-1, Greek, general punctuation, super/subscripts,
letter-like symbols (℃), arrows, mathematical operators, enclosed alphanumerics, box drawing,
CJK symbols and punctuation, full-width forms, every character of GB 2312-80 (6,763 hanzi and
682 symbols; decoded with Python's ``gb2312`` codec) and every non-ASCII character that appears
in the package's own source and reference tables.

Usage::

    npm pack @expo-google-fonts/noto-sans-sc@0.4.3 && tar xzf expo-google-fonts-*.tgz
    python tools/subset_fonts.py package/400Regular/NotoSansSC_400Regular.ttf \
        package/700Bold/NotoSansSC_700Bold.ttf package/LICENSE_FONT
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "ehrisk" / "reports" / "fonts"
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2000, 0x206F), (0x2070, 0x209F),
          (0x2100, 0x214F), (0x2150, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF),
          (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x3000, 0x303F),
          (0xFF00, 0xFFEF)]


def gb2312() -> set[int]:
    """Code points of every character defined in GB 2312-80 (rows 0xA1-0xF7)."""
    cps = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                cps.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return cps


def package_chars() -> set[int]:
    """Non-ASCII characters in the package's source, tables and docs."""
    cps = set()
    for pat in ("src/**/*.py", "src/**/*.csv", "src/**/*.md", "docs/**/*.md", "README.md"):
        for p in ROOT.glob(pat):
            cps |= {ord(c) for c in p.read_text(encoding="utf-8", errors="ignore") if ord(c) > 0x7F}
    return cps


def main(regular: str, bold: str, licence: str) -> None:
    cps = gb2312() | package_chars()
    for a, b in RANGES:
        cps |= set(range(a, b + 1))
    OUT.mkdir(parents=True, exist_ok=True)
    for src, name in ((regular, "NotoSansSC-Regular.subset.ttf"),
                      (bold, "NotoSansSC-Bold.subset.ttf")):
        opts = subset.Options()
        opts.layout_features = ["kern", "liga", "locl", "vert", "palt", "halt"]
        opts.hinting = False
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        font = subset.load_font(src, opts)
        s = subset.Subsetter(opts)
        s.populate(unicodes=sorted(cps))
        s.subset(font)
        subset.save_font(font, str(OUT / name), opts)
        print(name, (OUT / name).stat().st_size, "bytes,", len(font.getBestCmap()), "chars")
    shutil.copy(licence, OUT / "OFL.txt")


if __name__ == "__main__":
    main(*sys.argv[1:4])
