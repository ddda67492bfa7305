"""The `ehrisk demo` pipeline end to end (integration; the demo region is synthetic)."""

import json

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from ehrisk.cli import run

    out = tmp_path_factory.mktemp("demo")
    code = run(["demo", "--out", str(out), "--json"])
    return code, out


def _steps(prov: dict) -> dict:
    return {s["step"]: s for s in prov["steps"]}


def test_demo_runs_and_records_provenance(demo_run):
    code, out = demo_run
    assert code == 0
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["synthetic"] is True and "合成" in prov["label"]
    steps = _steps(prov)
    # every step of the demo ran
    assert {n for n, s in steps.items() if s["status"] == "ran"} == {
        "screening", "screening_levels", "risk", "aqi", "aqhi", "response", "forecast",
        "risk_map", "grading", "health_impact", "enterprise_files"}
    codes = steps["grading"]["summary"]["codes"]
    assert sum(codes.values()) == len(pd.read_csv(out / "grading" / "risk_codes.csv"))
    assert (out / "risk_map" / "risk_map.tif").exists()
    assert prov["inventory"]["tables"]["enterprises"] == 150
    assert any(p.endswith(".pdf") for p in steps["enterprise_files"]["outputs"])
    assert steps["grading"]["summary"]["code_history_rows_added"] == sum(codes.values())
    # the run is in the demo's database with its inputs' and reference tables' checksums
    from ehrisk.results import get_run, open_run_engine

    eng = open_run_engine(str(out / "ehrisk.sqlite"))
    run = get_run(eng, prov["run_id"])
    assert run["status"] == "completed" and run["kind"] == "study"
    assert "toxicity_epa_rsl" in str(run["provenance"])
    names = {a["name"] for a in run["artefacts"]}
    assert {"grading/codes", "risk_map/cells", "screening/priority_list",
            "risk_map/enterprise_scenarios"} <= names
    eng.dispose()


def test_demo_risk_matches_engine_by_hand(demo_run):
    """Recompute benzene's resident cancer risk at one station independently:
    risk = C x IUR x (EF x ED x ET/24) / (AT) with RSL resident defaults
    (EF 350 d/yr, ED 26 yr, ET 24 h/d, AT 70 yr x 365 d/yr; IUR 7.8e-6 per ug/m3,
    RSL User's Guide eq. 4.9 / IRIS benzene)."""
    _, out = demo_run
    voc = pd.read_csv(out / "region" / "voc.csv")
    voc = voc[pd.to_datetime(voc["time"].str.slice(0, 19)).dt.year == 2025]
    detail = pd.read_csv(out / "risk" / "risk_by_pathway.csv")
    sid = sorted(voc["station_id"].unique())[0]
    conc = voc.loc[voc["station_id"] == sid, "benzene_ug_m3"].mean()  # annual mean, 2025
    row = detail[(detail.cas == "71-43-2") & (detail.location_id == sid)].iloc[0]
    expected = conc * 7.8e-6 * (350 * 26 * 24 / 24) / (70 * 365)
    assert row.risk == pytest.approx(expected, rel=1e-3)


def test_demo_health_impact_post_evaluation(demo_run):
    """The PM2.5 what-if of the demo: totals equal the sums of the per-cell and per-town
    tables, the cut can only help, and the report is written."""
    _, out = demo_run
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    step = _steps(prov)["health_impact"]["summary"]
    summ = json.loads((out / "health_impact" / "summary.json").read_text(encoding="utf-8"))
    cells = pd.read_csv(out / "health_impact" / "cells.csv")
    towns = pd.read_csv(out / "health_impact" / "admin_summary.csv")
    assert summ["avoided_cases"] == pytest.approx(cells["avoided_cases"].sum(), rel=1e-9)
    assert towns["avoided_deaths"].sum() == pytest.approx(summ["avoided_cases"], rel=1e-6)
    assert towns["population"].sum() == pytest.approx(cells["population"].sum())
    assert (cells["delta_ug_m3"] >= 0).all() and summ["avoided_cases"] > 0
    assert summ["burden"]["attributable_lo"] < summ["burden"]["attributable_deaths"] \
        < summ["burden"]["attributable_hi"]
    # value = avoided deaths x the VSL of Cao et al. 2023 (CNY 4.76 million)
    assert summ["value"] == pytest.approx(summ["avoided_cases"] * 4.76e6, rel=1e-9)
    assert step["scenario"].endswith("cut by 30%")
    assert (out / "health_impact" / "post_evaluation.docx").exists()


def test_demo_forecast_aqhi_and_evaluation(demo_run):
    """Three days ahead per station and city (HJ 633-2026 asks for at least three); the daily
    AQHI of each row is the Shanghai formula (Chen et al. 2012, Chin J Prev Med 46(5):443-446:
    10/17 x 100 x (exp(0.000153 PM10) - 1 + exp(0.000662 NO2) - 1)) of the forecast PM10 and
    NO2, recomputed here by hand."""
    import numpy as np

    _, out = demo_run
    fc = pd.read_csv(out / "forecast" / "forecast.csv")
    city = fc[fc["area"] == "city"]
    assert list(city["lead_days"]) == [1, 2, 3]
    assert (pd.to_datetime(city["target_date"]) > pd.to_datetime(city["issue_date"])).all()
    value = 10 / 17 * 100 * (np.expm1(0.000153 * fc["pm10_ug_m3"])
                             + np.expm1(0.000662 * fc["no2_ug_m3"]))
    np.testing.assert_allclose(fc["aqhi_value"], value, rtol=1e-9)
    assert (fc["aqi_lo"] <= fc["aqi"]).all() and (fc["aqi"] <= fc["aqi_hi"]).all()
    ev = json.loads((out / "forecast" / "evaluation.json").read_text(encoding="utf-8"))
    lead1 = ev["model"]["lead_days"]["1"]["station_mean"]
    assert 0 < lead1["single_grade_accuracy"] <= lead1["two_grade_accuracy"] <= 1
    assert ev["test_period"][1] == "2025-12-31"


def test_demo_overview_links_every_output(demo_run):
    """The overview page (issue 10) links every file the run's steps wrote, the study file,
    provenance.json and the database, and every link resolves to a file that exists."""
    from html.parser import HTMLParser
    from pathlib import Path
    from urllib.parse import unquote

    _, out = demo_run
    page = out / "overview.html"
    hrefs: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                hrefs.extend(v for k, v in attrs if k == "href")

    Links().feed(page.read_text(encoding="utf-8"))
    targets = {(page.parent / unquote(h)).resolve() for h in hrefs}
    assert hrefs and all("://" not in h and not h.startswith("/") for h in hrefs)
    assert all(t.is_file() for t in targets), [t for t in targets if not t.is_file()]
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    outputs = {Path(p).resolve() for s in prov["steps"] for p in s.get("outputs", [])}
    assert outputs and outputs <= targets, outputs - targets
    for name in ("provenance.json", "demo_study.toml", "ehrisk.sqlite"):
        assert (out / name).resolve() in targets


def test_demo_forecast_points_strictly_inside_intervals(demo_run):
    """Every forecast row (stations and city): aqi_lo < aqi < aqi_hi (the interval is built
    around the point forecast); the evaluation compares the model with persistence."""
    _, out = demo_run
    fc = pd.read_csv(out / "forecast" / "forecast.csv")
    assert (fc["aqi_lo"] < fc["aqi"]).all() and (fc["aqi"] < fc["aqi_hi"]).all(), fc
    ev = json.loads((out / "forecast" / "evaluation.json").read_text(encoding="utf-8"))
    sk = ev["skill"]["1"]
    assert set(ev) >= {"persistence", "skill", "cautions"}
    assert bool(ev["cautions"]) == bool(sk["worse"])
    assert 0 < ev["model"]["lead_days"]["1"]["station_mean"]["interval_coverage"] <= 1
