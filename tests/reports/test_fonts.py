"""The packaged Simplified Chinese font: found without any system font, covers GB 2312, is
registered for matplotlib without warnings, and PDFs embed the SC face (not JP)."""

from __future__ import annotations

import re
import warnings

import pytest

from ehrisk.reports import fonts


def gb2312_hanzi() -> set[int]:
    """The 6,763 hanzi of GB 2312-80 (rows 16-87, bytes 0xB0A1-0xF7FE), decoded with Python's
    own ``gb2312`` codec (independent of the font and of tools/subset_fonts.py)."""
    out = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


def pdf_base_fonts(data: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-_,]+)", data)}


@pytest.fixture
def package_fonts_only(monkeypatch):
    """A fresh machine: EHRISK_FONTS=package and matplotlib's font list without any system
    font (only those shipped with matplotlib and ehrisk)."""
    from matplotlib import font_manager as fm

    monkeypatch.setenv("EHRISK_FONTS", "package")
    monkeypatch.setenv("EHRISK_CJK_FONT", "/nonexistent/ignored.ttf")
    kept = [f for f in fm.fontManager.ttflist if "site-packages" in f.fname
            or "/src/ehrisk/" in f.fname]
    monkeypatch.setattr(fm.fontManager, "ttflist", kept)
    fm.fontManager._findfont_cached.cache_clear()
    yield
    fm.fontManager._findfont_cached.cache_clear()


def test_packaged_font_is_truetype_sc_and_covers_gb2312(package_fonts_only):
    from fontTools.ttLib import TTFont

    assert len(gb2312_hanzi()) == 6763          # GB 2312-80: 3,755 level-1 + 3,008 level-2
    for weight, os2_weight in (("regular", 400), ("bold", 700)):
        p = fonts.cjk_font_path(weight)
        assert p.is_relative_to(fonts.FONT_DIR)
        f = TTFont(p)
        assert "glyf" in f and "CFF " not in f       # TrueType outlines: reportlab embeds them
        assert f["name"].getDebugName(1) == "Noto Sans SC"
        assert f["OS/2"].usWeightClass == os2_weight
        missing = gb2312_hanzi() - set(f.getBestCmap())
        assert not missing, "".join(chr(c) for c in sorted(missing)[:20])
    assert (fonts.FONT_DIR / "OFL.txt").read_text().count("SIL Open Font License") >= 1


def test_explicit_font_must_exist(monkeypatch):
    from ehrisk.errors import EhriskError

    monkeypatch.delenv("EHRISK_FONTS", raising=False)
    monkeypatch.setenv("EHRISK_CJK_FONT", "/nonexistent/x.ttf")
    with pytest.raises(EhriskError, match="EHRISK_CJK_FONT"):
        fonts.cjk_font_path()
    with pytest.raises(ValueError):
        fonts.cjk_font_path("italic")


def test_matplotlib_draws_chinese_without_warnings_and_embeds_sc(package_fonts_only, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ehrisk import labels

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with plt.rc_context():
            name = fonts.use_cjk_matplotlib()
            assert name == "Noto Sans SC"
            fig, ax = plt.subplots()
            ax.set_title("风险地图 滨海新区 2025 年", weight="bold")
            for i, t in enumerate(labels.RECEPTOR_ZH.values()):
                ax.text(0.1, 0.1 * i, f"{t} −1 PM₂.₅ μg/m³ ℃")
            ax.set_xlabel("经度（°E）")
            fig.savefig(tmp_path / "f.pdf")
            fig.savefig(tmp_path / "f.png")
            plt.close(fig)
    names = pdf_base_fonts((tmp_path / "f.pdf").read_bytes())
    assert any(n.endswith("NotoSansSC-Regular") for n in names)
    assert any(n.endswith("NotoSansSC-Bold") for n in names)
    assert not any("JP" in n.upper() or "CJKJP" in n.upper() for n in names)


def test_missing_chars():
    assert fonts.missing_chars("一企一档 甲醛（50-00-0） 第 1 页 共 3 页") == ""
    assert fonts.missing_chars("𠀀") == "𠀀"       # CJK Ext. B: outside the subset
