"""The grading service (分级与风险码) on a hand-built inventory in another UTM zone, on the demo
with the same run's screening, with a database (codes history, extracts), the enterprise-files
service, and ``ehrisk grade --db`` after a recorded risk map (what-ifs kept)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from pyproj import Geod

from ehrisk.geo import metric_crs_for, to_lonlat, to_metric
from ehrisk.inventory import Inventory, add_xy
from ehrisk.services import Products, StepContext, run_service
from ehrisk.services.grading import NO_RISK_MAP, NOT_SCREENED, GradingSettings

LON0, LAT0 = 87.6, 43.8          # Urumqi: UTM 45N, far from the demo's 51N
STEP_M = 400.0


def tiny_inventory() -> Inventory:
    """Three enterprises (A emits formaldehyde, B benzene, C is closed), a 3 x 3 population
    grid 400 m apart centred on A, persons 100..900; no storages, no risk management."""
    crs = metric_crs_for([LON0], [LAT0])
    x0, y0 = to_metric([LON0], [LAT0], crs)
    cells = []
    k = 1
    for j in (1, 0, -1):
        for i in (-1, 0, 1):
            cells.append({"cell_id": f"G{k}", "x_m": x0[0] + i * STEP_M,
                          "y_m": y0[0] + j * STEP_M, "pop_persons": 100.0 * k})
            k += 1
    grid = pd.DataFrame(cells)
    grid["lon"], grid["lat"] = to_lonlat(grid["x_m"], grid["y_m"], crs)
    geod = Geod(ellps="WGS84")
    lon_b, lat_b, _ = geod.fwd(LON0, LAT0, 90.0, 20000.0)
    ent = pd.DataFrame({"credit_code": ["A", "B", "C"], "name_zh": ["甲醛厂", "苯厂", "关闭厂"],
                        "lon": [LON0, lon_b, LON0], "lat": [LAT0, lat_b, LAT0],
                        "status": ["operating", "operating", "closed"]})
    em = pd.DataFrame({"credit_code": ["A", "B"], "stack_id": ["S1", "S1"],
                       "outfall_id": ["", ""], "cas": ["50-00-0", "71-43-2"],
                       "medium": ["air", "air"], "amount_t_yr": [2.0, 3.0],
                       "emission_g_s": [0.0634, 0.0951], "year": [2025, 2025],
                       "basis": ["permit", "permit"]})
    return Inventory(name_zh="手工区域", name_en="hand-built", source="files", metric_crs=crs,
                     year=2025, enterprises=add_xy(ent, crs), emissions=em,
                     population_grid=grid).validate()


def _grade(inv, products, ctx=None):
    out, res = run_service("grading", inv, GradingSettings(), products, ctx or StepContext())
    assert out.status == "ran", out.reason
    return out, res


def test_tiny_inventory_other_zone_population_and_missing_tables():
    inv = tiny_inventory()
    assert inv.metric_crs == "EPSG:32645"
    out, res = _grade(inv, Products())
    hj = res.tables["grading/hj941"].set_index("credit_code")
    # closed C is not graded; A sits on the centre cell: 500 m holds the centre (500) and the
    # four cells 400 m away (200, 400, 600, 800); the diagonals are 566 m away. 5 km: all nine.
    assert list(hj.index) == ["A", "B"]
    sens = res.products["hj941"][2].set_index("credit_code")
    assert sens.loc["A", "pop_500m"] == 500 + 200 + 400 + 600 + 800
    assert sens.loc["A", "pop_5km"] == sum(range(100, 1000, 100))
    assert sens.loc["B", "pop_5km"] == 0        # 20 km east
    # no storages: Q = 0 -> Q0 -> 一般 for both; the summary says why
    assert set(hj["level"]) == {"一般"}
    notes = " | ".join(out.summary["notes"])
    assert "no storages" in notes and "without risk_management" in notes
    assert out.summary["priority_rule"] == NOT_SCREENED
    assert out.summary["attributable_risk"] == NO_RISK_MAP
    codes = res.tables["grading/codes"]
    assert list(codes.columns[:2]) == ["credit_code", "name_zh"]
    assert codes.set_index("credit_code").loc["A", "name_zh"] == "甲醛厂"
    assert codes["n_priority_pollutants_emitted"].isna().all()
    assert codes["reasons_en"].str.contains("priority-pollutant rule not evaluated").all()


def test_priority_rule_follows_the_runs_priority_list():
    inv = tiny_inventory()
    # formaldehyde in the run's priority tier: A (formaldehyde) gets the priority rule, B not
    _, res = _grade(inv, Products(priority_cas=frozenset({"50-00-0"})))
    c = res.tables["grading/codes"].set_index("credit_code")
    assert c.loc["A", "n_priority_pollutants_emitted"] == 1
    assert "Y5" in c.loc["A", "fired_rules"] and c.loc["A", "code"] == "yellow"
    assert c.loc["B", "n_priority_pollutants_emitted"] == 0 and c.loc["B", "code"] == "green"
    # benzene instead: the other way round
    _, res = _grade(inv, Products(priority_cas=frozenset({"71-43-2"})))
    c = res.tables["grading/codes"].set_index("credit_code")
    assert c.loc["A", "code"] == "green" and c.loc["B", "code"] == "yellow"


def test_attributable_risk_and_whatifs_from_product():
    from ehrisk.mapping.attribution import EnterpriseRisk

    inv = tiny_inventory()
    # one populated cell, one source of A emitting 1 g/s benzene; unit risk coefficient chosen
    # so that the contribution is 2e-4 (red, R2 >= 1e-4); reducing by f leaves (1-f) 2e-4.
    table = pd.DataFrame({"credit_code": ["A"], "max_cancer_risk_contribution": [2e-4],
                          "max_hi_contribution": [0.0], "attributable_cases_per_yr": [0.0],
                          "top_substance": ["71-43-2"]})
    er = EnterpriseRisk(table, sp.csr_matrix(np.array([[1.0]])), np.array([[1.0]]),
                        np.array(["A"]), ["71-43-2"], np.array([2e-4]), np.array([0.0]))
    out, res = _grade(inv, Products(priority_cas=frozenset(), enterprise_risk=er))
    c = res.tables["grading/codes"].set_index("credit_code")
    assert c.loc["A", "code"] == "red" and "R2" in c.loc["A", "fired_rules"]
    pl = res.tables["grading/problems"]
    h = pl[(pl["credit_code"] == "A") & (pl["category"] == "health")].iloc[0]
    # fractions 0.25, 0.5, 0.75, 0.9: 2e-4 (1-f) < 1e-4 first at f = 0.75 (5e-5; yellow, Y2)
    assert h["reduction_fraction"] == 0.75
    assert h["cancer_after"] == pytest.approx(5e-5, rel=1e-12)
    assert h["code_after"] == "yellow"
    assert out.summary["attributable_risk"] == "applied"


def test_writer_csv(tmp_path):
    inv = tiny_inventory()
    out, res = run_service("grading", inv, GradingSettings(), Products(), StepContext(),
                           out_dir=tmp_path)
    names = sorted(p.split("/")[-1] for p in out.outputs)
    assert names == ["grading_lists.pdf", "grading_lists.xlsx", "hj941_levels.csv",
                     "problem_lists.csv", "risk_codes.csv", "supervision_list.csv",
                     "whitelist.csv"]
    raw = (tmp_path / "grading" / "risk_codes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "甲醛厂".encode() in raw
    # the document: Chinese header with the extract's name in brackets, names beside codes,
    # code labels, integers without ".0"
    head, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert head.startswith("统一社会信用代码（credit_code）,企业名称（name_zh）,风险码（code）")
    codes = res.payload.codes.set_index("credit_code")
    cells = first.split(",")
    assert cells[2] == {"red": "红码", "yellow": "黄码", "green": "绿码"}[
        codes.loc[cells[0], "code"]]
    rank = head.split(",").index("风险码序号（code_rank）")
    assert cells[rank] == str(int(codes.loc[cells[0], "code_rank"]))


def test_database_history_and_extract(tmp_path):
    import ehrisk.results as results
    from ehrisk.services.runner import run_steps

    inv = tiny_inventory()
    eng = results.open_run_engine(f"sqlite:///{tmp_path / 'g.sqlite'}")
    rid, outs, _ = run_steps(inv, {"grading": GradingSettings()}, engine=eng, kind="grade",
                             products=Products(priority_cas=frozenset({"50-00-0"})))
    assert outs[0].summary["code_history_rows_added"] == 2
    codes = results.extract(eng, rid, "grading/codes").set_index("credit_code")
    assert codes.loc["A", "code"] == "yellow" and codes.loc["A", "name_zh"] == "甲醛厂"
    for name in ("grading/hj941", "grading/problems", "grading/supervision",
                 "grading/whitelist"):
        results.extract(eng, rid, name)
    _, outs, _ = run_steps(inv, {"grading": GradingSettings()}, engine=eng, kind="grade",
                           products=Products(priority_cas=frozenset({"50-00-0"})))
    assert outs[0].summary["code_history_rows_added"] == 0
    # formaldehyde no longer a priority pollutant: A's code changes -> one history row
    _, outs, _ = run_steps(inv, {"grading": GradingSettings()}, engine=eng, kind="grade",
                           products=Products(priority_cas=frozenset()))
    assert outs[0].summary["code_history_rows_added"] == 1


def test_enterprise_files_need_database():
    from ehrisk.services.enterprise_files import EnterpriseFilesSettings

    out, _ = run_service("enterprise_files", tiny_inventory(), EnterpriseFilesSettings(),
                         Products(), StepContext())
    assert out.status == "not_run" and "database" in out.reason


@pytest.fixture(scope="module")
def demo_inv():
    from ehrisk.demo.inventory import inventory

    return inventory()


def test_demo_uses_the_same_runs_screening(demo_inv):
    import ehrisk.services.screening  # noqa: F401  (registers the screening service)
    from ehrisk.services import SERVICES, load_all

    load_all()
    products = Products()
    o, _ = run_service("screening", demo_inv, SERVICES["screening"].settings(), products,
                       StepContext())
    assert o.status == "ran"
    _, res = _grade(demo_inv, products)
    c = res.tables["grading/codes"]
    em = demo_inv.emissions_of_year()
    em = em[em["amount_t_yr"] > 0]
    emits = set(em.loc[em["cas"].isin(products.priority_cas), "credit_code"])
    graded = set(c["credit_code"])
    has = set(c.loc[c["n_priority_pollutants_emitted"] >= 1, "credit_code"])
    assert has == emits & graded
    listed = {x for s in c["priority_emitted"] for x in str(s).split(";") if x}
    assert listed <= set(products.priority_cas)


def test_grade_db_after_recorded_risk_map_keeps_whatifs(tmp_path, cli):
    import ehrisk.results as results
    import ehrisk.services.risk_map as rm
    from ehrisk import demo
    from ehrisk.mapping.attribution import EnterpriseRisk
    from ehrisk.results import provenance
    from ehrisk.results.runs import RunRecorder
    from ehrisk.store import load_demo
    from ehrisk.store.db import session_scope

    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    eng = results.open_run_engine(url)
    region = demo.generate(demo.DEFAULT_SEED)
    with session_scope(eng) as s:
        load_demo(s, region, observations="none")
    em = region.emissions[region.emissions["year"] == region.emissions["year"].max()]
    x = str(em.loc[(em["cas"] == "71-43-2") & (em["medium"] == "air"), "credit_code"].iloc[0])
    table = pd.DataFrame({"credit_code": [x], "max_cancer_risk_contribution": [2e-4],
                          "max_hi_contribution": [0.0], "attributable_cases_per_yr": [0.0],
                          "top_substance": ["71-43-2"]})
    er = EnterpriseRisk(table, sp.csr_matrix(np.array([[1.0]])), np.array([[1.0]]),
                        np.array([x]), ["71-43-2"], np.array([2e-4]), np.array([0.0]))
    rec = RunRecorder.start(eng, "map", settings={}, provenance=provenance({}))
    rec.add_table("risk_map/enterprise_risk", table)
    rec.add_arrays(rm.SCENARIOS, rm.enterprise_risk_to_arrays(er))
    rec.finish("completed")
    code, out, err = cli("grade", "lists", "--db", url, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["scenario_risk"].startswith("computed")
    pl = pd.DataFrame(d["problems"])
    h = pl[(pl["credit_code"] == x) & (pl["category"] == "health")]
    assert len(h) and h["reduction_fraction"].notna().all()
    f = float(h["reduction_fraction"].iloc[0])
    assert float(h["cancer_after"].iloc[0]) == pytest.approx((1 - f) * 2e-4, rel=1e-12)
    code, out, err = cli("grade", "code", "--db", url, "--json")
    assert code == 0, err
    d = json.loads(out)
    c = {r["credit_code"]: r for r in d["codes"]}
    assert "R2" in c[x]["fired_rules"] and d["stored"]["risk_map_run_id"] == rec.run_id
    # the enterprise file reads the risk map through the run read layer (no folder path)
    code, out, err = cli("enterprise", "show", x, "--db", url, "--json")
    assert code == 0, err
    risk = json.loads(out)["risk"]
    assert risk["risk_map"]["run_id"] == rec.run_id
    assert risk["risk_map"]["max_cancer_risk_contribution"] == pytest.approx(2e-4)
    assert risk["current"]["code"] == c[x]["code"]
