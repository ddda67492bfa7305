"""Risk maps as documents (issue 10): title with area, year and metric; a legend whose class
breaks are the run's zoning thresholds; labelled parks, enterprises and receptor types; a
graticule in degrees; the atlas PDF with a cover and one page per map, reached through the
run's artefacts; no warning while drawing (warnings are errors here).

The expected words and numbers are written out from the default rule set of
``zoning_rules.csv`` as published (40 CFR 300.430 NCP range 1E-06 to 1E-04; RAGS Part A HI 1;
RSL User's Guide THQ 0.1), not taken from the code under test.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from ehrisk.mapping import atlas, plot

DEFAULT_RULES = [plot.Rule("cancer_risk", "high", 1e-4, np.inf),
                 plot.Rule("cancer_risk", "medium", 1e-6, 1e-4),
                 plot.Rule("hazard_index", "high", 1.0, np.inf),
                 plot.Rule("hazard_index", "medium", 0.1, 1.0)]


def test_numbers_and_rule_words():
    assert plot.fmt_value(1e-6) == "1×10⁻⁶"
    assert plot.fmt_value(5e-5) == "5×10⁻⁵"
    assert plot.fmt_value(0.1) == "0.1" and plot.fmt_value(1.0) == "1"
    words = atlas.zone_rule_text(DEFAULT_RULES)
    assert words == {"high": "高风险：致癌风险 ≥ 1×10⁻⁴ 或 HI ≥ 1",
                     "medium": "中风险：1×10⁻⁶ ≤ 致癌风险 < 1×10⁻⁴ 或 0.1 ≤ HI < 1",
                     "low": "低风险：其余网格（致癌风险 < 1×10⁻⁶ 且 HI < 0.1）"}


def test_class_breaks_contain_the_thresholds():
    # cancer risks from 3e-8 to 2e-5: decades 1e-7 ... plus both thresholds (1e-4 above the
    # data is still a class, so the legend always shows where "high" starts)
    v = np.array([3e-8, 2e-7, 5e-6, 2e-5, np.nan, 0.0])
    c = plot.metric_classes(v, "cancer_risk", DEFAULT_RULES, "YlOrRd")
    assert {1e-6, 1e-4} <= set(c.breaks)
    assert c.labels[-1] == "≥ 1×10⁻⁴" and c.levels[-1] == "high"
    i = c.breaks.index(1e-6)
    assert c.levels[i] == "low" and c.levels[i + 1] == "medium"
    assert c.index.tolist()[-2:] == [-1, -1]          # NaN and 0: no class
    # user thresholds that are not decades become breaks too
    user = [plot.Rule("cancer_risk", "high", 5e-5, np.inf),
            plot.Rule("cancer_risk", "medium", 3e-6, 5e-5)]
    assert {3e-6, 5e-5} <= set(plot.metric_classes(v, "cancer_risk", user, "YlOrRd").breaks)
    # HI: thresholds 0.1 and 1
    h = plot.metric_classes(np.array([0.02, 0.5, 3.0]), "hi", DEFAULT_RULES, "RdPu")
    assert h.breaks == [0.1, 1.0] and h.index.tolist() == [0, 1, 2]  # < 0.1, [0.1, 1), >= 1


def test_mixed_wrap_keeps_tokens():
    lines = atlas.wrap_mixed("方法：ISCLT 长期高斯烟羽扩散；HJ 941-2018 表8；06:55 UTC", 12)
    assert "".join(lines).replace(" ", "") == "方法：ISCLT长期高斯烟羽扩散；HJ941-2018表8；06:55UTC"
    for tok in ("ISCLT", "941-2018", "06:55"):
        assert any(tok in ln for ln in lines)


def _texts(fig) -> str:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        leg = ax.get_legend()
        if leg is not None:
            out += [leg.get_title().get_text()] + [t.get_text() for t in leg.get_texts()]
    return "\n".join(out)


@pytest.fixture(scope="module")
def hand_built_map(tmp_path_factory):
    """The hand-built inventory of tests/test_risk_map_service.py (two enterprises, no demo
    generator) with a park and receptors, mapped and written under warnings-as-errors."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from tests.test_risk_map_service import hand_built

    from ehrisk.services import Products, StepContext
    from ehrisk.services.risk_map import RiskMapSettings, run_risk_map, write_risk_map

    inv = hand_built()
    e = inv.enterprises
    lon, lat = float(e["lon"].mean()), float(e["lat"].mean())
    inv.parks = gpd.GeoDataFrame(
        {"park_id": ["PK1"], "name_zh": ["甲乙化工园区"]},
        geometry=[shapely.box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)], crs="EPSG:4326")
    inv.receptors = pd.DataFrame({"receptor_id": ["R1", "R2"], "type": ["school", "hospital"],
                                  "name_zh": ["一中", "人民医院"], "lon": [lon + 0.03, lon - 0.03],
                                  "lat": [lat + 0.02, lat - 0.02]})
    from ehrisk.inventory import add_xy

    inv.receptors = add_xy(inv.receptors, inv.metric_crs)
    out = tmp_path_factory.mktemp("atlas")
    res = run_risk_map(inv, RiskMapSettings(resolution_m=1000.0, cutoff_m=15_000.0,
                                            issuer="某某环境科学研究院"),
                       Products(), StepContext())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = write_risk_map(res, inv, out)
    return inv, res, paths


def test_map_page_has_title_thresholds_and_labels(hand_built_map):
    inv, res, _ = hand_built_map
    from ehrisk.services.risk_map import doc_info

    doc = doc_info(inv, res.payload)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        import matplotlib.pyplot as plt

        with plt.rc_context(doc.rc):
            fig = atlas.map_figure(res.payload, atlas.spec_for("cancer_risk"), doc)
            text = _texts(fig)
            plt.close(fig)
    assert f"{inv.name_zh} {inv.year}年 大气污染物终生致癌风险" in text
    for want in ("≥ 1×10⁻⁴（高风险）", "1×10⁻⁶ – ", "（中风险）",
                 "高风险：致癌风险 ≥ 1×10⁻⁴ 或 HI ≥ 1",       # the rule set in words
                 "甲乙化工园区", "学校", "医院", "工业园区",   # park label, receptor types
                 "°E", "°N",                                   # graticule in degrees
                 "北", "km",                                   # north arrow, scale bar
                 "编制单位：某某环境科学研究院"):
        assert want in text, want
    ranked = res.tables["risk_map/enterprise_risk"].sort_values(
        "max_cancer_risk_contribution", ascending=False)
    top = ranked[ranked["max_cancer_risk_contribution"] > 0]["name_zh"].iloc[0]
    assert f"1  {top}" in text                                 # enterprise of interest


def test_atlas_pages_are_the_maps(hand_built_map):
    import pypdf

    _, _, paths = hand_built_map
    maps = [k for k in paths if k.endswith("_png")]
    assert len(maps) == len(atlas.MAPS)
    reader = pypdf.PdfReader(paths["risk_map_atlas_pdf"])
    assert len(reader.pages) == 1 + len(maps)
    cover = reader.pages[0].extract_text()
    assert "环境健康风险地图集" in cover and "目录" in cover
    for i, spec in enumerate(atlas.MAPS, start=2):
        page = reader.pages[i - 1].extract_text()
        assert spec.title_zh in page and f"第 {i} 页 / 共 {len(maps) + 1} 页" in page


@pytest.mark.slow
def test_region_small_maps_through_the_run_artefacts(region_small, cli, tmp_path):
    """An imported region (not the demo): ``ehrisk map run`` records the maps and the atlas
    as file artefacts of the run; they are found by name, not by guessing file names."""
    import pypdf

    from ehrisk.results import artefact_path, get_run, open_run_engine

    d, db, codes = region_small
    assert set(codes.values()) == {0}
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)   # glyph and font warnings
        code, out, err = cli("map", "run", "--db", db, "--met", d / "met_2025.csv",
                             "--resolution-m", 500, "--out", tmp_path / "map", "--json")
    assert code == 0, err
    run_id = json.loads(out)["run_id"]
    eng = open_run_engine(str(db))
    names = {a["name"] for a in get_run(eng, run_id)["artefacts"]}
    pngs = sorted(n for n in names if n.startswith("files/risk_map/") and n.endswith("_png"))
    assert len(pngs) == len(atlas.MAPS)
    pdf = artefact_path(eng, run_id, "files/risk_map/risk_map_atlas_pdf")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1 + len(pngs)
    text = reader.pages[2].extract_text()
    assert "城关镇（虚构）" in text and "2025年 大气污染物终生致癌风险" in text
    for want in ("清河化工园区（虚构）", "饮用水水源地", "1×10⁻⁴", "EPSG:32649"):
        assert want in text, want
    eng.dispose()
