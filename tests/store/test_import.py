"""Import: validation of whole files, upsert, re-import, history, GCJ-02, formats."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ehrisk.errors import InputError
from ehrisk.store import history
from ehrisk.store import models as m
from ehrisk.store.db import session_scope
from ehrisk.store.importers import import_file

from .conftest import CODES


def count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_and_reimport_changes_nothing(engine, files):
    r1 = import_file(engine, "enterprises", files["enterprises"])
    assert (r1["inserted"], r1["updated"], r1["unchanged"]) == (3, 0, 0)
    import_file(engine, "stacks", files["stacks"])
    r3 = import_file(engine, "emissions", files["emissions"])
    assert r3["inserted"] == 3
    n_log = count(engine, m.ChangeLog)
    n_batch = count(engine, m.ImportBatch)
    for k in ("enterprises", "stacks", "emissions"):
        again = import_file(engine, k, files[k])
        assert again["inserted"] == again["updated"] == 0
        assert again["unchanged"] == 3
        assert again["batch_id"] is None
    assert count(engine, m.ChangeLog) == n_log
    assert count(engine, m.ImportBatch) == n_batch


def test_units_and_names_converted(loaded):
    with session_scope(loaded) as s:
        rows = {e.cas: e for e in s.scalars(select(m.Emission))}
    assert set(rows) == {"71-43-2", "108-88-3", "1330-20-7"}   # 甲苯 -> toluene, 二甲苯
    assert rows["108-88-3"].amount_t_yr == pytest.approx(2.5)    # 2500 kg/a = 2.5 t/a
    assert rows["108-88-3"].unit_as_given == "kg/a"
    assert rows["1330-20-7"].amount_t_yr == pytest.approx(0.8)
    assert rows["71-43-2"].medium == "air" and rows["71-43-2"].basis == "monitoring"
    with session_scope(loaded) as s:
        e = s.scalar(select(m.Enterprise).where(m.Enterprise.credit_code == CODES[2]))
    assert e.status == "suspended"                               # 停产


def test_update_is_versioned_and_as_of(loaded, tmp_path):
    t_before = m.utcnow()
    p = tmp_path / "stacks2.csv"
    p.write_text("统一社会信用代码,排气筒编号,高度(m),出口内径(m)\n"
                 f"{CODES[0]},DA001,60,1.2\n", encoding="utf-8")
    r = import_file(loaded, "stacks", p, user="alice", reason="permit renewal 2025")
    assert (r["updated"], r["unchanged"]) == (1, 0)
    with session_scope(loaded) as s:
        h = history.enterprise_history(s, CODES[0])
        upd = [c for c in h if c["op"] == "update"]
        assert len(upd) == 1
        assert upd[0]["user"] == "alice" and upd[0]["reason"] == "permit renewal 2025"
        assert upd[0]["changes"]["height_m"] == [45.0, 60.0]
        # blank optional cells in the new file cleared velocity/temperature/location
        assert upd[0]["changes"]["exit_velocity_m_s"] == [12.5, None]
        old = history.enterprise_as_of(s, CODES[0], t_before)
        now = history.enterprise_as_of(s, CODES[0], m.utcnow())
    h_old = {x["stack_id"]: x["height_m"] for x in old["stacks"]}
    h_now = {x["stack_id"]: x["height_m"] for x in now["stacks"]}
    assert h_old == {"DA001": 45.0, "DA002": 30.0}
    assert h_now == {"DA001": 60.0, "DA002": 30.0}


def test_as_of_before_creation_raises(loaded):
    from ehrisk.store.db import StoreError

    with session_scope(loaded) as s, pytest.raises(StoreError, match="did not exist"):
        history.enterprise_as_of(s, CODES[0], dt.datetime(2000, 1, 1))


def test_replace_deletes_missing_children_and_history_restores(loaded, tmp_path):
    t_before = m.utcnow()
    p = tmp_path / "stacks3.csv"
    p.write_text("统一社会信用代码,排气筒编号,高度(m),出口内径(m),烟气流速(m/s),烟气温度(K),经度,纬度\n"
                 f"{CODES[0]},DA001,45,1.2,12.5,393.15,121.7001,29.9001\n", encoding="utf-8")
    r = import_file(loaded, "stacks", p, replace_children=True)
    assert (r["deleted"], r["unchanged"]) == (1, 1)
    with session_scope(loaded) as s:
        now = history.enterprise_as_of(s, CODES[0], m.utcnow())
        old = history.enterprise_as_of(s, CODES[0], t_before)
    assert [x["stack_id"] for x in now["stacks"]] == ["DA001"]
    assert sorted(x["stack_id"] for x in old["stacks"]) == ["DA001", "DA002"]
    assert count(loaded, m.Stack) == 2      # CODES[1]'s stack untouched


def test_every_problem_reported_at_once_and_nothing_written(engine, files, tmp_path):
    import_file(engine, "enterprises", files["enterprises"])
    import_file(engine, "stacks", files["stacks"])
    bad = tmp_path / "bad_emissions.csv"
    bad.write_text(
        "统一社会信用代码,排放口编号,污染物(CAS号或名称),介质,年份,数据来源,排放量,单位\n"
        f"{CODES[0]},DA001,71-43-2,大气,2024,监测,1.5,t/a\n"             # ok (row 2)
        "91350100M000100Y44,,71-43-2,大气,2024,监测,1,t/a\n"            # bad check char
        f"{CODES[0]},,71-43-3,大气,2024,监测,1,t/a\n"                   # bad CAS check digit
        f"{CODES[0]},,benzen,大气,2024,监测,1,t/a\n"                    # unknown name
        f"{CODES[0]},,71-43-2,大气,2024,监测,1,pounds\n"                # unknown unit
        f"{CODES[0]},,71-43-2,大气,2023,监测,-4,t/a\n"                  # negative
        f"{CODES[0]},DA001,71-43-2,大气,2024,监测,2,t/a\n"              # duplicate of row 2
        f"{CODES[3]},,71-43-2,大气,2024,监测,1,t/a\n"                   # no such enterprise
        f"{CODES[0]},DA009,71-43-2,大气,2024,监测,1,t/a\n"              # no such stack
        f"{CODES[0]},,71-43-2,大气,2022,监测,5e9,kg/a\n",               # implausible
        encoding="utf-8")
    with pytest.raises(InputError) as ei:
        import_file(engine, "emissions", bad)
    probs = ei.value.problems
    by_row = {}
    for p in probs:
        by_row.setdefault(p.row, []).append(p.reason)
        assert p.file == str(bad)
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "check character" in by_row[3][0]
    assert "CAS check digit" in by_row[4][0]
    assert "did you mean" in by_row[5][0] and "benzene" in by_row[5][0]
    assert "unknown unit" in by_row[6][0]
    assert "negative" in by_row[7][0]
    assert "duplicate of row 2" in by_row[8][0]
    assert "import the enterprises first" in by_row[9][0]
    assert "DA009" in by_row[10][0]
    assert "implausible" in by_row[11][0]
    assert count(engine, m.Emission) == 0
    assert {p.column for p in probs if p.row == 6} == {"单位"}


def test_coordinates_swapped_and_outside(engine, tmp_path):
    p = tmp_path / "ent.csv"
    p.write_text("统一社会信用代码,企业名称,经度,纬度\n"
                 f"{CODES[0]},甲,29.9,121.7\n"        # swapped
                 f"{CODES[1]},乙,2.35,48.85\n"        # Paris: outside China
                 f"{CODES[2]},丙,121.7,\n", encoding="utf-8")   # only one coordinate
    with pytest.raises(InputError) as ei:
        import_file(engine, "enterprises", p)
    reasons = {pr.row: pr.reason for pr in ei.value.problems}
    assert "swapped" in reasons[2]
    assert "outside China" in reasons[3]
    assert "both longitude and latitude" in reasons[4]
    assert count(engine, m.Enterprise) == 0


def test_study_area_from_admin_units(engine, tmp_path):
    a = tmp_path / "admin.csv"
    a.write_text("行政区划代码,名称,范围(WKT)\n"
                 "330201,示例区,\"POLYGON((121.5 29.7, 121.9 29.7, 121.9 30.1, 121.5 30.1, "
                 "121.5 29.7))\"\n", encoding="utf-8")
    import_file(engine, "admin_units", a)
    p = tmp_path / "ent.csv"
    p.write_text("统一社会信用代码,企业名称,经度,纬度\n"
                 f"{CODES[0]},甲,121.7,29.9\n"
                 f"{CODES[1]},乙,116.4,39.9\n", encoding="utf-8")   # Beijing: in China only
    with pytest.raises(InputError) as ei:
        import_file(engine, "enterprises", p)
    (prob,) = ei.value.problems
    assert prob.row == 3 and "outside the study area" in prob.reason


def test_gcj02_converted_on_request(engine, tmp_path):
    # eviltransform test vector (Shanghai): WGS84 (121.5272106, 31.1774276) is GCJ-02
    # (121.531541859215, 31.17530398364597)
    p = tmp_path / "ent.csv"
    p.write_text("统一社会信用代码,企业名称,经度,纬度\n"
                 f"{CODES[0]},甲,121.531541859215,31.17530398364597\n", encoding="utf-8")
    import_file(engine, "enterprises", p, crs="gcj02")
    with session_scope(engine) as s:
        e = s.scalar(select(m.Enterprise))
    assert e.lon == pytest.approx(121.5272106, abs=1e-7)
    assert e.lat == pytest.approx(31.1774276, abs=1e-7)


def test_gbk_csv(engine, tmp_path, files):
    p = tmp_path / "gbk.csv"
    p.write_bytes(files["enterprises"].read_text(encoding="utf-8").encode("gbk"))
    r = import_file(engine, "enterprises", p)
    assert r["inserted"] == 3
    with session_scope(engine) as s:
        names = sorted(s.scalars(select(m.Enterprise.name)))
    assert names == sorted(["甲化工有限公司", "乙涂料有限公司", "丙印刷有限公司"])


def test_template_round_trip(engine, tmp_path):
    from openpyxl import load_workbook

    from ehrisk.store import kinds as K
    from ehrisk.store.templates import write_template

    path = write_template("enterprises", tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["企业"]
    header = [c.value for c in ws[1]]
    assert header == [f.zh for f in K.KINDS["enterprises"].fields]
    assert "说明" in wb.sheetnames
    col = {h: i + 1 for i, h in enumerate(header)}
    ws.cell(2, col["统一社会信用代码"], CODES[0])
    ws.cell(2, col["企业名称"], "甲化工")
    ws.cell(2, col["经度"], 121.7)
    ws.cell(2, col["纬度"], 29.9)
    ws.cell(2, col["职工人数"], 120)
    wb.save(path)
    r = import_file(engine, "enterprises", path)
    assert r["inserted"] == 1
    with session_scope(engine) as s:
        e = s.scalar(select(m.Enterprise))
    assert (e.credit_code, e.name, e.lon, e.employees) == (CODES[0], "甲化工", 121.7, 120)


def test_geojson_receptors_and_parks(engine, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point, Polygon

    g = gpd.GeoDataFrame({"受体编号": ["R1", "R2"], "受体类型": ["学校", "hospital"],
                          "名称": ["一小", "人民医院"], "人数": [800, 300]},
                         geometry=[Point(121.70, 29.90), Point(121.71, 29.91)], crs=4326)
    p = tmp_path / "rec.geojson"
    g.to_file(p, driver="GeoJSON")
    assert import_file(engine, "receptors", p)["inserted"] == 2
    parks = gpd.GeoDataFrame({"park_id": ["P1"], "name": ["园区"]},
                             geometry=[Polygon([(121.6, 29.8), (121.8, 29.8), (121.8, 30.0),
                                                (121.6, 30.0)])], crs=4326).to_crs(32651)
    q = tmp_path / "parks.gpkg"
    parks.to_file(q, layer="parks", driver="GPKG")    # in UTM: reprojected on import
    assert import_file(engine, "parks", q)["inserted"] == 1
    with session_scope(engine) as s:
        rec = {r.receptor_id: r for r in s.scalars(select(m.Receptor))}
        park = s.scalar(select(m.Park))
    assert rec["R1"].type == "school" and rec["R1"].lon == pytest.approx(121.70)
    from shapely import from_wkt

    assert from_wkt(park.geom_wkt).bounds == pytest.approx((121.6, 29.8, 121.8, 30.0), abs=1e-6)


def test_inspections_and_problems_closed_loop(loaded, tmp_path):
    i = tmp_path / "ins.csv"
    i.write_text("统一社会信用代码,检查编号,检查日期,检查人员,检查情况\n"
                 f"{CODES[0]},JC-2025-001,2025-03-02,张三,储罐区VOCs泄漏\n", encoding="utf-8")
    import_file(loaded, "inspections", i)
    p = tmp_path / "prob.csv"
    p.write_text("统一社会信用代码,问题编号,检查编号,发现日期,问题描述,整改要求,整改期限,整改状态\n"
                 f"{CODES[0]},WT-001,JC-2025-001,2025-03-02,储罐呼吸阀泄漏,更换呼吸阀,"
                 "2025-04-30,待整改\n", encoding="utf-8")
    import_file(loaded, "problems", p)
    p.write_text("统一社会信用代码,问题编号,检查编号,发现日期,问题描述,整改要求,整改期限,整改状态,"
                 "整改佐证,销号日期\n"
                 f"{CODES[0]},WT-001,JC-2025-001,2025-03-02,储罐呼吸阀泄漏,更换呼吸阀,"
                 "2025-04-30,已销号,更换记录及复测报告,2025-04-20\n", encoding="utf-8")
    r = import_file(loaded, "problems", p, user="李四", reason="复查销号")
    assert r["updated"] == 1
    with session_scope(loaded) as s:
        pr = s.scalar(select(m.Problem))
        h = [c for c in history.enterprise_history(s, CODES[0]) if c["entity"] == "problems"]
    assert pr.status == "verified" and pr.closed_on == dt.date(2025, 4, 20)
    assert h[-1]["changes"]["status"] == ["open", "verified"]
    assert h[-1]["user"] == "李四"
