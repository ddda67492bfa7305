"""CLI: db init, template, import, enterprise list/show/history/file, export."""

from __future__ import annotations

import json

import pyogrio
import pytest

from .conftest import CODES


def test_cli_end_to_end(cli, db_url, files, tmp_path):
    code, out, err = cli("db", "init", "--db", db_url, "--json")
    assert code == 0, err
    assert json.loads(out)["revision"] == "0003"
    code, out, _ = cli("template", "stacks", "-o", tmp_path / "stacks.xlsx", "--json")
    assert code == 0 and (tmp_path / "stacks.xlsx").exists()
    for k in ("enterprises", "stacks", "emissions"):
        code, out, err = cli("import", k, files[k], "--db", db_url, "--json")
        assert code == 0, err
        assert json.loads(out)["inserted"] == 3
    code, out, _ = cli("import", "stacks", files["stacks"], "--db", db_url)
    assert code == 0 and "unchanged" in out
    code, out, _ = cli("enterprise", "list", "--db", db_url, "--json")
    assert sorted(r["credit_code"] for r in json.loads(out)) == sorted(CODES[:3])
    code, out, _ = cli("enterprise", "show", CODES[0], "--db", db_url, "--json", "--near", "3")
    d = json.loads(out)
    assert len(d["stacks"]) == 2 and d["enterprises"][0]["name"] == "甲化工有限公司"
    assert d["surroundings"]["rings"][0]["radius_km"] == 3
    code, out, _ = cli("enterprise", "history", CODES[0], "--db", db_url, "--json")
    h = json.loads(out)
    assert {c["entity"] for c in h} == {"enterprises", "stacks", "emissions"}
    code, out, err = cli("enterprise", "file", CODES[0], "-o", tmp_path / "f.docx", "--db",
                         db_url, "--json")
    assert code == 0, err
    assert json.loads(out)["sections"] == 9
    code, out, err = cli("export", "gpkg", tmp_path / "all.gpkg", "--db", db_url, "--json")
    assert code == 0, err
    layers = {n for n, _ in pyogrio.list_layers(tmp_path / "all.gpkg")}
    assert {"enterprises", "stacks", "emissions"} <= layers
    code, out, _ = cli("export", "xlsx", tmp_path / "all.xlsx", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["rows"]["emissions"] == 3
    code, out, _ = cli("export", "csv", tmp_path / "csv", "--db", db_url, "--kind", "stacks")
    assert code == 0 and (tmp_path / "csv" / "stacks.csv").exists()


def test_cli_bad_file_exit_2_no_traceback(cli, db_url, tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("统一社会信用代码,企业名称\n123,甲\n", encoding="utf-8")
    code, out, err = cli("import", "enterprises", p, "--db", db_url)
    assert code == 2
    assert "Traceback" not in err and "row 2" in err and "18 characters" in err
    code, out, err = cli("import", "nonsense", p, "--db", db_url)
    assert code == 2 and "unknown kind" in err
    code, out, err = cli("enterprise", "show", CODES[4], "--db", db_url)
    assert code == 2 and "no enterprise" in err


@pytest.mark.parametrize("kind", ["enterprises", "emissions", "problems", "observations"])
def test_templates_have_chinese_headers(cli, tmp_path, kind):
    from openpyxl import load_workbook

    from ehrisk.store import kinds as K

    code, _, _ = cli("template", kind, "-o", tmp_path / "t.xlsx")
    assert code == 0
    wb = load_workbook(tmp_path / "t.xlsx")
    assert [c.value for c in wb.worksheets[0][1]] == [f.zh for f in K.KINDS[kind].fields]
