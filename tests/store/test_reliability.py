"""Atomic imports (injected failure, killed process), concurrent imports, malformed files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ehrisk.errors import InputError
from ehrisk.store import models as m
from ehrisk.store.db import session_scope
from ehrisk.store.importers import FAIL_ENV, PAUSE_ENV, import_file

from .conftest import CODES, make_code


def snapshot(engine) -> dict:
    with session_scope(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (m.Enterprise, m.Stack, m.Emission, m.ChangeLog, m.ImportBatch)} | {
            "heights": sorted((x.stack_id, x.height_m) for x in s.scalars(select(m.Stack)))}


def big_stacks(tmp_path, n=400):
    p = tmp_path / "many.csv"
    lines = ["统一社会信用代码,排气筒编号,高度(m),出口内径(m)"]
    lines += [f"{CODES[0]},DA{i:04d},{20 + i % 50},1.0" for i in range(n)]
    lines.append(f"{CODES[0]},DA001,99,1.2")     # also an update of an existing stack
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_injected_failure_leaves_db_unchanged(loaded, tmp_path, monkeypatch):
    before = snapshot(loaded)
    monkeypatch.setenv(FAIL_ENV, "10")
    with pytest.raises(RuntimeError, match="injected failure"):
        import_file(loaded, "stacks", big_stacks(tmp_path))
    assert snapshot(loaded) == before


def test_killed_process_leaves_db_unchanged(loaded, db_url, tmp_path):
    before = snapshot(loaded)
    flag = tmp_path / "written.flag"
    env = dict(os.environ, **{PAUSE_ENV: str(flag)})
    code = ("import sys; from ehrisk.store.db import open_engine; "
            "from ehrisk.store.importers import import_file; "
            "import_file(open_engine(sys.argv[1]), 'stacks', sys.argv[2])")
    proc = subprocess.Popen([sys.executable, "-c", code, db_url, str(big_stacks(tmp_path))],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        t0 = time.time()
        while not flag.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.time() - t0 < 60, "import did not reach the write"
            time.sleep(0.05)
        proc.kill()                 # SIGKILL: no chance to clean up
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    loaded.dispose()
    assert snapshot(loaded) == before


def test_concurrent_imports_postgres(db_url, engine, files, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrency is exercised against PostgreSQL")
    # more rows, so that the two transactions overlap
    p = tmp_path / "ents.csv"
    rows = ["统一社会信用代码,企业名称,经度,纬度"]
    rows += [f"{make_code(100 + i)},企业{i},121.{i % 90 + 10:02d},29.9" for i in range(300)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "ehrisk.cli", "import", "enterprises", str(p), "--db", db_url,
           "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [pr.communicate(timeout=120) for pr in procs]
    assert [pr.returncode for pr in procs] == [0, 0], [o[1].decode() for o in outs]
    res = sorted((json.loads(o[0]) for o in outs), key=lambda r: -r["inserted"])
    assert (res[0]["inserted"], res[0]["unchanged"]) == (300, 0)
    assert (res[1]["inserted"], res[1]["unchanged"]) == (0, 300)
    assert snapshot(engine)["enterprise"] == 300


# ------------------------------------------------------------------ malformed files

def test_truncated_xlsx(engine, tmp_path):
    from ehrisk.store.templates import write_template

    p = write_template("enterprises", tmp_path / "t.xlsx")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="cannot read the workbook"):
        import_file(engine, "enterprises", p)


def test_utf16_csv(engine, tmp_path, files):
    p = tmp_path / "u16.csv"
    p.write_bytes(files["enterprises"].read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        import_file(engine, "enterprises", p)


def test_empty_sheet(engine, tmp_path):
    p = tmp_path / "empty.xlsx"
    Workbook().save(p)
    with pytest.raises(InputError, match="empty"):
        import_file(engine, "enterprises", p)


def test_header_only(engine, tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("统一社会信用代码,企业名称\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        import_file(engine, "enterprises", p)


def test_formula_without_saved_value(engine, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "职工人数"])
    ws.append([CODES[0], "甲", "=100+20"])        # written by a program: no cached value
    p = tmp_path / "f.xlsx"
    wb.save(p)
    with pytest.raises(InputError) as ei:
        import_file(engine, "enterprises", p)
    (prob,) = ei.value.problems
    assert prob.row == 2 and prob.column == "C" and "formula" in prob.reason
    assert snapshot(engine)["enterprise"] == 0


def test_merged_title_and_two_row_header(engine, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    ws["A1"] = "某区重点企业基本信息表（2025年）"
    ws.merge_cells("A1:D1")                       # title row across the table
    ws["A2"] = "统一社会信用代码"
    ws.merge_cells("A2:A3")                       # vertical merges of a two-row header
    ws["B2"] = "企业名称"
    ws.merge_cells("B2:B3")
    ws["C2"] = "坐标"
    ws.merge_cells("C2:D2")                       # group label over two columns
    ws["C3"] = "经度"
    ws["D3"] = "纬度"
    ws.append([CODES[0], "甲化工", 121.7, 29.9])
    ws.append([])                                 # blank row is skipped
    ws.append(["91350100M000100Y44", "乙", 121.7, 29.9])
    p = tmp_path / "merged.xlsx"
    wb.save(p)
    with pytest.raises(InputError) as ei:
        import_file(engine, "enterprises", p)
    (prob,) = ei.value.problems
    assert (prob.row, prob.sheet) == (6, "企业") and "check character" in prob.reason
    ws.delete_rows(6)
    wb.save(p)
    assert import_file(engine, "enterprises", p)["inserted"] == 1
    with session_scope(engine) as s:
        e = s.scalar(select(m.Enterprise))
    assert (e.name, e.lon, e.lat) == ("甲化工", 121.7, 29.9)


def test_missing_column_lists_expected_headers(engine, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("企业名称,经度\n甲,121.7\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        import_file(engine, "enterprises", p)
    assert "统一社会信用代码" in str(ei.value)
