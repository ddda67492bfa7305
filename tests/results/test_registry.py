"""The extract registry: the names the issue asks for, and docs/results.md in sync."""

from __future__ import annotations

from pathlib import Path

from ehrisk.results import EXTRACTS, registry_markdown

REQUIRED = ["screening/priority_list", "risk/screening_levels", "risk/totals", "aqi/daily",
            "aqhi/hourly", "response/estimates", "forecast/latest", "forecast/evaluation",
            "forecast/warnings", "impact/summary", "impact/cells", "risk_map/cells",
            "risk_map/zones", "risk_map/admin_summary", "risk_map/park_summary",
            "risk_map/receptors", "risk_map/enterprise_risk", "grading/hj941",
            "grading/codes", "grading/problems", "grading/supervision", "grading/whitelist"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "results.md"


def test_required_extracts_registered_with_titles():
    missing = [n for n in REQUIRED if n not in EXTRACTS]
    assert missing == []
    for n in REQUIRED:
        e = EXTRACTS[n]
        assert e.title_zh and e.description, n
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.title_zh), n


def test_docs_table_matches_registry():
    text = DOC.read_text(encoding="utf-8")
    assert registry_markdown() in text, (
        "docs/results.md is out of date; paste ehrisk.results.registry_markdown() into it")
