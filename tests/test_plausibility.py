"""Plausibility of emission amounts on import (issue 10): a unit slip (kilograms typed as
tonnes) is flagged with the value in t and kg; ``--accept-outliers`` imports it and keeps the
acceptance in the change history.

Expected numbers are hand calculations written out in each test: the median and MAD of the
peers' log10 amounts and the modified z-score 0.6745 (y - median) / MAD of Iglewicz and
Hoaglin (1993), threshold 3.5; national totals from 《第二次全国污染源普查公报》(2020).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ehrisk.inventory.plausibility import check_emissions, parameters

REGION = Path(__file__).parent / "data" / "region_small"


def _rows(rows):
    return pd.DataFrame(rows, columns=["credit_code", "cas", "medium", "amount_t_yr"])


# region_small's formaldehyde to air (t/a): 0.45, 0.6, 0.25, 0.3 and the fibreboard plant 1.4
FORMALDEHYDE = [("E1", "50-00-0", "air", 0.45), ("E2", "50-00-0", "air", 0.6),
                ("E3", "50-00-0", "air", 0.25), ("E4", "50-00-0", "air", 0.3)]


def test_thousandfold_slip_is_flagged_with_t_and_kg():
    out = check_emissions(_rows(FORMALDEHYDE + [("E5", "50-00-0", "air", 1400.0)]))
    assert len(out) == 1
    o = out[0]
    # peers' log10: -0.347, -0.222, -0.602, -0.523; median = mean of the middle two
    med = (math.log10(0.3) + math.log10(0.45)) / 2
    assert o.reference_t_yr == pytest.approx(10 ** med)            # 0.367 t/yr
    assert o.orders == pytest.approx(math.log10(1400.0) - med)    # 3.56
    assert o.amount_kg_yr == pytest.approx(1.4e6)
    assert "1,400 吨 = 1,400,000 千克" in o.reason("甲醛") and "3.6 个数量级" in o.reason()
    assert o.n_peers == 4


def test_amount_as_given_is_not_flagged():
    assert check_emissions(_rows(FORMALDEHYDE + [("E5", "50-00-0", "air", 1.4)])) == []


def test_wide_spread_peers_need_a_larger_distance():
    """Peers 0.01 ... 100 t (log10 -2, -1, 0, 1, 2): median 0, MAD 1. 10^2.8 t is 2.8 > 2.5
    orders above the median but its modified z-score 0.6745 x 2.8 / 1 = 1.89 < 3.5."""
    peers = [(f"P{i}", "71-43-2", "air", 10.0 ** e) for i, e in enumerate((-2, -1, 0, 1, 2))]
    assert check_emissions(_rows(peers + [("X", "71-43-2", "air", 10 ** 2.8)])) == []
    # tight peers (all 1 t, MAD 0): only the 2.5-order distance applies
    tight = [(f"P{i}", "71-43-2", "air", 1.0) for i in range(4)]
    assert check_emissions(_rows(tight + [("X", "71-43-2", "air", 10 ** 2.4)])) == []
    assert len(check_emissions(_rows(tight + [("X", "71-43-2", "air", 10 ** 2.6)]))) == 1


def test_same_industry_class_is_the_reference_when_it_has_peers():
    """Three other fibreboard plants (GB/T 4754 class 2022) emit 100 t: a fourth at 300 t is
    normal for its class although 3 orders above the chemical plants' 0.3 t."""
    rows = [(f"C{i}", "50-00-0", "air", 0.3) for i in range(5)]
    rows += [(f"F{i}", "50-00-0", "air", 100.0) for i in range(3)]
    rows += [("F9", "50-00-0", "air", 300.0), ("C9", "50-00-0", "air", 300.0)]
    industry = {**{f"C{i}": "2614" for i in range(10)}, **{f"F{i}": "2022" for i in range(10)}}
    out = check_emissions(_rows(rows), industry=industry)
    assert [o.credit_code for o in out] == ["C9"]
    assert "class 2614" in out[0].basis and out[0].n_peers == 5


def test_above_the_national_total_is_flagged_without_peers():
    """SO2 of all sources in China, 2017: 696.32万吨 = 6 963 200 t (second census bulletin)."""
    out = check_emissions(_rows([("E1", "7446-09-5", "air", 7.0e6)]))
    assert len(out) == 1 and out[0].reference_t_yr == pytest.approx(6_963_200)
    assert "2017 年全国二氧化硫排放总量" in out[0].reason()


def test_parameters_are_the_documented_defaults():
    p = parameters()
    assert p["min_orders_above_peers"] == 2.5 and p["modified_z_threshold"] == 3.5
    assert p["mad_normal_constant"] == pytest.approx(0.67449, abs=1e-4)  # Phi^-1(0.75)


def _slip_copy(src: Path, dst: Path, factor: float, drop_row: int | None = None) -> int:
    """Copy of region_small's emissions with the fibreboard plant's formaldehyde x factor."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb.active
    hit = None
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "91410199MA3QH01217" and row[2].value == "甲醛":
            row[6].value = row[6].value * factor
            hit = row[0].row
    if drop_row is not None:
        ws.delete_rows(drop_row)
        hit = hit - 1 if hit > drop_row else hit
    wb.save(dst)
    return hit


@pytest.fixture()
def qinghe(tmp_path):
    """region_small's parents imported into a fresh database (no emissions yet)."""
    from ehrisk.cli import run

    for p in REGION.glob("*.xlsx"):
        shutil.copy(p, tmp_path / p.name)
    db = tmp_path / "q.sqlite"
    for kind in ("admin_units", "parks", "enterprises", "stacks", "outfalls"):
        assert run(["import", kind, str(tmp_path / f"{kind}.xlsx"), "--db", str(db),
                    "--json"]) == 0
    return tmp_path, db


def test_import_refuses_the_slip_then_accepts_it_with_history(qinghe, cli):
    d, db = qinghe
    code, _, err = cli("import", "emissions", d / "emissions.xlsx", "--db", db, "--json")
    assert code == 0, err                                   # the fixture as given: no flag
    slip = d / "emissions_slip.xlsx"
    row = _slip_copy(d / "emissions.xlsx", slip, 1000.0)    # 1.4 t/a -> 1400 t/a
    code, out, err = cli("import", "emissions", slip, "--db", db)
    assert code == 2
    assert f"row {row}" in err and "'排放量'" in err
    assert "1,400 吨 = 1,400,000 千克" in err and "清河人造板有限公司" in err and "甲醛" in err
    code, out, err = cli("import", "emissions", slip, "--db", db, "--accept-outliers",
                         "--reason", "排污许可证录入", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["updated"] == 1 and res["accepted_outliers"][0]["amount_kg_yr"] == 1.4e6
    code, out, _ = cli("enterprise", "history", "91410199MA3QH01217", "--db", db, "--json")
    hist = json.loads(out)
    hist = hist if isinstance(hist, list) else next(v for v in hist.values()
                                                    if isinstance(v, list))
    reasons = [h["reason"] or "" for h in hist]
    assert any(r.startswith("排污许可证录入; implausible amount accepted (--accept-outliers)")
               and "1.4e+06 kg/yr" in r for r in reasons)
    # re-importing the accepted amount changes nothing and is not refused again
    code, out, err = cli("import", "emissions", slip, "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["unchanged"] == 53


def test_screen_on_files_refuses_the_slip(tmp_path, cli):
    # region_small's refinery benzene has a permit and a monitoring row (refused by screen as
    # counted twice): the copy drops the monitoring row (row 3)
    em = tmp_path / "em.xlsx"
    row = _slip_copy(REGION / "emissions.xlsx", em, 1000.0, drop_row=3)
    code, _, err = cli("screen", em, "--db", tmp_path / "r.sqlite", "--json")
    assert code == 2 and f"row {row}" in err and "1,400,000 千克" in err
    code, out, err = cli("screen", em, "--db", tmp_path / "r.sqlite", "--json",
                         "--accept-outliers")
    assert code == 0, err
    assert any("accepted implausible amount" in w for w in json.loads(out)["warnings"])


def test_study_on_files_refuses_the_slip_unless_accepted(tmp_path, cli):
    """A study with ``[inputs] emissions`` is refused (exit 2, file/row/value) before any step
    runs; ``accept_outliers = true`` runs it and lists the accepted amount as a warning."""
    em = tmp_path / "em.xlsx"
    row = _slip_copy(REGION / "emissions.xlsx", em, 1000.0, drop_row=3)
    body = ('[study]\nname = "slip"\nregion = "files"\noutput_dir = "out"\n'
            '[inputs]\nemissions = "em.xlsx"\n{extra}'
            '[database]\nenabled = false\nyear = 2025\n'
            '[screening]\nenabled = true\n')
    study = tmp_path / "study.toml"
    study.write_text(body.format(extra=""), encoding="utf-8")
    code, _, err = cli("run", study)
    assert code == 2 and "em.xlsx" in err and f"row {row}" in err and "1,400,000 千克" in err
    assert "Traceback" not in err
    study.write_text(body.format(extra="accept_outliers = true\n"), encoding="utf-8")
    code, out, err = cli("run", study, "--json")
    assert code == 0, err
    rec = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
    assert any("accepted implausible amount" in w and "1,400,000 千克" in w
               for w in rec["warnings"])
