"""One table-schema system, one reader and one JSON encoder.

The import templates (``ehrisk template``) are filled in the way a user would and given, as
they are, both to ``ehrisk import`` and to ``ehrisk screen``; every schema that accepts a header
of the shared vocabulary (:data:`ehrisk.io.tables.HEADERS`) accepts all of that concept's
headers for one column, so one header means one thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from tests.store.conftest import CODES

from ehrisk.errors import InputError
from ehrisk.io import jsonsafe
from ehrisk.io.tables import HEADERS, Column, Schema, _norm_header, read_table
from ehrisk.screening import inventory as inv
from ehrisk.store import kinds as K

EARTH_RADIUS_KM = 6371.0088   # IUGG mean Earth radius


def _fill(path: Path, rows: list[dict]) -> Path:
    """Write ``rows`` (template header -> value) below the header of the template's first
    sheet, as a user filling it in Excel would."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    for i, r in enumerate(rows, start=2):
        for h, v in r.items():
            ws.cell(row=i, column=col[h], value=v)
    wb.save(path)
    return path


def _haversine_km(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@pytest.fixture()
def templates(cli, tmp_path):
    """The emissions, enterprises and population templates, two rows each."""
    out = {}
    for kind in ("emissions", "enterprises", "population"):
        code, _, err = cli("template", kind, "-o", tmp_path / f"{kind}.xlsx")
        assert code == 0, err
        out[kind] = tmp_path / f"{kind}.xlsx"
    _fill(out["enterprises"], [
        {"统一社会信用代码": CODES[0], "企业名称": "甲化工有限公司", "经度": 121.70, "纬度": 29.90},
        {"统一社会信用代码": CODES[1], "企业名称": "乙树脂有限公司", "经度": 121.72, "纬度": 29.91},
    ])
    _fill(out["emissions"], [
        {"统一社会信用代码": CODES[0], "污染物(CAS号或名称)": "苯", "介质": "大气", "年份": 2024,
         "数据来源": "监测", "排放量": 1.5, "单位": "t/a"},
        {"统一社会信用代码": CODES[1], "污染物(CAS号或名称)": "甲醛", "介质": "大气",
         "年份": 2024, "数据来源": "排污许可", "排放量": 2000, "单位": "kg/a"},
    ])
    _fill(out["population"], [
        {"网格编号": "C1", "中心经度": 121.70, "中心纬度": 29.90, "人口(人)": 1000},
        {"网格编号": "C2", "中心经度": 121.70, "中心纬度": 30.00, "人口(人)": 5000},  # 11 km
    ])
    return out


def test_filled_templates_are_imported_and_screened(cli, tmp_path, templates):
    db = f"sqlite:///{tmp_path / 'e.sqlite'}"
    for kind in ("enterprises", "emissions", "population"):
        code, out, err = cli("import", kind, templates[kind], "--db", db, "--json")
        assert code == 0, err
        assert json.loads(out)["inserted"] == 2
    code, out, err = cli("screen", templates["emissions"], "--enterprises",
                         templates["enterprises"], "--population", templates["population"],
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    subs = {s["cas"]: s for s in doc["substances"]}
    assert set(subs) == {"71-43-2", "50-00-0"}
    assert subs["71-43-2"]["emission_t_yr"] == pytest.approx(1.5)
    assert subs["50-00-0"]["emission_t_yr"] == pytest.approx(2.0)     # 2000 kg/a
    # Population within 5 km (linear kernel 1 - d/R, as in docs/screening.md): the first
    # enterprise sits on cell C1 (weight 1); C2 is 11 km away (weight 0).
    d = _haversine_km(121.72, 29.91, 121.70, 29.90)
    assert 1.0 < d < 5.0
    assert subs["71-43-2"]["population_max"] == pytest.approx(1000.0, rel=1e-6)
    assert subs["50-00-0"]["population_max"] == pytest.approx(1000.0 * (1 - d / 5.0), rel=1e-3)
    assert "grid" in doc["population_method"]
    # without a population the same files screen too
    code, out, err = cli("screen", templates["emissions"], "--json")
    assert code == 0, err
    assert {s["cas"] for s in json.loads(out)["substances"]} == {"71-43-2", "50-00-0"}


def test_grid_population_without_coordinates_names_the_remedy(cli, templates):
    code, out, err = cli("screen", templates["emissions"], "--population",
                         templates["population"])
    err = " ".join(err.split())
    assert code == 2 and "Traceback" not in err
    assert "no lon/lat" in err and "--enterprises" in err


def test_several_years_and_double_sources_are_refused(cli, tmp_path):
    em = tmp_path / "em.csv"
    em.write_text("统一社会信用代码,污染物(CAS号或名称),介质,年份,数据来源,排放量（吨/年）\n"
                  f"{CODES[0]},苯,大气,2023,监测,1\n"
                  f"{CODES[0]},苯,大气,2024,监测,2\n"
                  f"{CODES[1]},甲醛,大气,2024,监测,4\n", encoding="utf-8")
    code, out, err = cli("screen", em, "--json")
    err = " ".join(err.split())
    assert code == 2 and "several years" in err and "2023, 2024" in err
    code, out, err = cli("screen", em, "--json", "--year", "2024")
    assert code == 0, err
    subs = {s["cas"]: s["emission_t_yr"] for s in json.loads(out)["substances"]}
    assert subs == {"71-43-2": pytest.approx(2.0), "50-00-0": pytest.approx(4.0)}
    dup = tmp_path / "dup.csv"
    dup.write_text("统一社会信用代码,污染物(CAS号或名称),介质,年份,数据来源,排放量,单位\n"
                   f"{CODES[0]},苯,大气,2024,监测,1,t/a\n"
                   f"{CODES[0]},71-43-2,air,2024,排污许可,2,t/a\n", encoding="utf-8")
    code, out, err = cli("screen", dup)
    err = " ".join(err.split())
    assert code == 2 and "several data sources" in err and "row 3" in err


def _schemas() -> list[Schema]:
    return [k.schema for k in K.KINDS.values()] + [
        inv.EMISSIONS_SCHEMA, inv.ENTERPRISES_SCHEMA, inv.POPULATION_TABLE_SCHEMA,
        inv.POPULATION_GRID_SCHEMA]


@pytest.mark.parametrize("concept", sorted(HEADERS))
def test_one_header_one_meaning(concept):
    """A schema that accepts any header of a concept accepts all of them, for one column."""
    heads = HEADERS[concept]
    seen = 0
    for schema in _schemas():
        cols = {schema.canonical(h) for h in heads}
        if cols == {None}:
            continue
        seen += 1
        assert len(cols) == 1 and None not in cols, (schema.name, concept, cols)
    assert seen >= 1


def test_schema_refuses_one_header_for_two_columns():
    with pytest.raises(ValueError, match="names both"):
        Schema([Column("a", aliases=("人口",)), Column("b", aliases=("人口 ",))])


def test_import_and_template_help_list_every_kind(cli):
    for cmd in ("import", "template"):
        code, out, _ = cli(cmd, "--help")
        text = "".join(out.split())
        assert code == 0
        for name in K.KINDS:
            assert name.replace(" ", "") in text, (cmd, name)
    assert "risk_management" in K.KINDS


def test_xlsx_rows_as_the_user_sees_them(tmp_path):
    """read_table reads workbooks with the importer's reader: title row skipped, blank rows
    dropped, problems at the spreadsheet's own row numbers."""
    wb = Workbook()
    ws = wb.active
    ws.append(["某区测试表"])
    ws.append(["CAS号", "浓度"])
    ws.append(["71-43-2", 1.5])
    ws.append([])
    ws.append(["71-43-2", -2])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    schema = Schema([Column("cas", "cas", aliases=("CAS号",)),
                     Column("conc_ug_m3", "float", aliases=("浓度",), min_value=0)])
    with pytest.raises(InputError) as ei:
        read_table(p, schema)
    (prob,) = ei.value.problems
    assert (prob.row, prob.column) == (5, "conc_ug_m3") and "negative" in prob.reason


def test_csv_blank_lines_keep_row_numbers(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("cas,conc\n71-43-2,1\n\n71-43-2,x\n", encoding="utf-8")
    schema = Schema([Column("cas", "cas"), Column("conc", "float")])
    with pytest.raises(InputError) as ei:
        read_table(p, schema)
    assert [(q.row, q.column) for q in ei.value.problems] == [(4, "conc")]


def test_same_cell_rules_in_store_and_tables():
    """Yes/no words and medium spellings come from one place."""
    from ehrisk.io import tables as T

    assert K.MEDIUM == T.MEDIUM_CHOICES == inv.MEDIUM_WORDS
    assert T.parse_cell("有", Column("x", "bool")) is True
    assert T.parse_cell("f", K.KINDS["risk_management"].field("penalised_3yr")) is False
    assert _norm_header("排放量（吨/年）") == _norm_header("排放量(吨/年)")


def test_jsonsafe_one_encoder():
    obj = {"a": np.float64("nan"), "b": np.int64(3), "c": np.array([1.5, np.inf]),
           "d": pd.Timestamp("2024-01-02 03:04:05"), "e": dt.date(2024, 5, 1),
           "f": Path("x/y.csv"), "g": pd.DataFrame({"v": [1, None]}), 7: {np.bool_(True)},
           "h": pd.NaT, "i": float("-inf")}
    text = jsonsafe.dumps(obj, sort_keys=True)
    assert "NaN" not in text and "Infinity" not in text
    back = json.loads(text)
    assert back == {"a": None, "b": 3, "c": [1.5, None], "d": "2024-01-02T03:04:05",
                    "e": "2024-05-01", "f": "x/y.csv", "g": [{"v": 1.0}, {"v": None}],
                    "7": [True], "h": None, "i": None}
    assert json.loads(json.dumps({"x": np.float32(0.5)}, default=jsonsafe.default)) == \
        {"x": 0.5}
    with pytest.raises(TypeError):
        jsonsafe.dumps({"x": object()})
    assert jsonsafe.dumps({"x": object()}, unknown_as_text=True).startswith('{"x": "<object')
    assert jsonsafe.dumps(["苯"]) == '["苯"]'
