"""CLI: screening-level and risk."""

from __future__ import annotations

import json

import pytest

from ehrisk.risk import hj25_3_2019


def test_screening_level_json(cli):
    code, out, err = cli("screening-level", "--cas", "71-43-2", "--medium", "air", "--receptor",
                         "resident", "--params", "epa-rsl", "--json")
    assert code == 0, err
    d = json.loads(out)
    for k in ("cas", "medium", "receptor", "cancer_sl", "noncancer_sl", "sl", "unit", "params"):
        assert k in d
    # RSL User's Guide: 1E-06 x 25550 / (350 x 26 x 1 x 7.8E-06)
    assert d["cancer_sl"] == pytest.approx(1e-6 * 25550 / (350 * 26 * 7.8e-6))
    assert d["unit"] == "ug/m3"


def test_screening_level_by_name(cli):
    code, out, err = cli("screening-level", "--cas", "benzene", "--medium", "air", "--json")
    assert code == 0, err
    assert json.loads(out)["cas"] == "71-43-2"


def test_screening_level_errors(cli):
    code, out, err = cli("screening-level", "--cas", "7440-36-0", "--medium", "air")
    assert code == 2 and "Traceback" not in err and "7440-36-0" in err
    code, out, err = cli("screening-level", "--cas", "71-43-2", "--medium", "air", "--params", "x")
    assert code == 2 and "unknown parameter set" in err


def test_hj25_route(cli):
    code, out, err = cli("screening-level", "--cas", "71-43-2", "--medium", "soil",
                         "--land-use", "first-class", "--params", "hj25.3-2019", "--json")
    # benzene has every HJ 25.3-2019 input: the command succeeds and prints the engine's value
    assert code == 0, err
    d = json.loads(out)
    assert d["params"] == "hj25.3-2019" and d["unit"] == "mg/kg"
    lib = hj25_3_2019.screening_level("71-43-2", medium="soil", land_use="first-class")
    assert d["sl"] == pytest.approx(lib.sl, rel=1e-12)
    assert d["cancer_sl"] == pytest.approx(lib.cancer_sl, rel=1e-12)
    assert set(d["details"]["pathways"]) == {"ois", "dcs", "pis", "iov1", "iov2", "iiv1"}
    # benzene's risk-based value (0.76 mg/kg) is far below its Csat: reported, not limiting
    assert d["csat_mg_kg"] > d["risk_based_sl"] == pytest.approx(d["sl"])
    assert d["limited_by_saturation"] is False


def test_hj25_soil_saturation_fields(cli):
    code, out, err = cli("screening-level", "--cas", "toluene", "--medium", "soil",
                         "--land-use", "second-class", "--params", "hj25.3-2019", "--json")
    assert code == 0, err
    d = json.loads(out)
    # GB 36600-2018 toluene: 1200 mg/kg (its Csat) in both columns
    assert d["limited_by_saturation"] is True
    assert d["sl"] == pytest.approx(d["csat_mg_kg"]) == pytest.approx(1200, rel=0.05)
    assert d["risk_based_sl"] > d["csat_mg_kg"]


def _write(tmp_path, text, enc="utf-8"):
    p = tmp_path / "c.csv"
    p.write_bytes(text.encode(enc))
    return p


def test_risk_json_and_out(cli, tmp_path):
    p = _write(tmp_path, "cas,medium,concentration,unit,location_id\n"
                         "71-43-2,air,0.36,ug/m3,A\n7440-38-2,soil,680,ug/kg,A\n"
                         "79-01-6,tapwater,0.0005,mg/L,B\n")
    out = tmp_path / "r.csv"
    code, stdout, err = cli("risk", str(p), "--json", "--out", str(out), "--monte-carlo", "500",
                            "--seed", "1")
    assert code == 0, err
    d = json.loads(stdout)
    tot = {t["location_id"]: t for t in d["totals"]}
    air = [r for r in d["detail"] if r["cas"] == "71-43-2"][0]
    assert air["risk"] == pytest.approx(0.36 * 7.8e-6 * 350 * 26 / 25550)
    assert tot["A"]["total_risk"] > air["risk"]
    assert out.exists() and len(d["monte_carlo"]["locations"]) == 2


def test_risk_all_problems_at_once(cli, tmp_path):
    p = _write(tmp_path, "cas,medium,concentration,unit\n"
                         "99-99-9,air,1,ug/m3\n71-43-2,air,-1,ug/m3\n71-43-2,air,abc,ug/m3\n"
                         "71-43-2,air,1,ppm\n7440-36-0,air,1,ug/m3\n")
    code, out, err = cli("risk", str(p))
    assert code == 2 and "Traceback" not in err
    for frag in ("row 2", "row 3", "row 4", "row 5", "row 6", "negative", "not a number",
                 "unknown unit", "7440-36-0"):
        assert frag in err, frag


def test_risk_wrong_columns(cli, tmp_path):
    p = _write(tmp_path, "chem,where,amount\nbenzene,air,1\n")
    code, out, err = cli("risk", str(p))
    assert code == 2 and "required column missing" in err


def test_risk_gbk_file(cli, tmp_path):
    p = _write(tmp_path, "名称,介质,浓度,单位\nbenzene,空气,0.36,ug/m3\n", enc="gbk")
    code, out, err = cli("risk", str(p), "--json")
    assert code == 0, err
    assert json.loads(out)["totals"][0]["total_risk"] == pytest.approx(1e-6, rel=1e-3)
    p = _write(tmp_path, "名称,介质,浓度,单位\nbenzene,空气,-3,ug/m3\n", enc="gbk")
    code, out, err = cli("risk", str(p))
    assert code == 2 and "row 2" in err and "negative" in err


def test_risk_hj25_soil_at_gb36600_screening_value_is_target_risk(cli, tmp_path):
    """At the GB 36600-2018 first-class screening value of benzene (1 mg/kg, Table 1 item 23)
    the CLI's HJ 25.3-2019 forward risk is the back-calculation's: ACR x C / RCVS (CR is
    linear in C). RCVS itself is 0.761 x GB's value, a known, pinned difference (vapour
    intrusion reading, tests/reference/test_gb36600_2018.py), so the risk is 1.31e-6."""
    import json

    f = tmp_path / "soil.csv"
    f.write_text("cas,medium,concentration,unit,location_id\n71-43-2,soil,1,mg/kg,S1\n",
                 encoding="utf-8")
    code, out, err = cli("risk", f, "--params", "hj25.3-2019", "--land-use", "first-class",
                         "--json")
    assert code == 0, err
    d = json.loads(out)
    rcvs = hj25_3_2019.screening_level("71-43-2", land_use="first-class").cancer_sl
    assert d["totals"][0]["total_risk"] == pytest.approx(1e-6 * 1.0 / rcvs, rel=1e-9)


def test_risk_hj25_rejects_air_medium(cli, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("cas,medium,concentration,unit\n71-43-2,air,1,ug/m3\n", encoding="utf-8")
    code, out, err = cli("risk", f, "--params", "hj25.3-2019")
    assert code == 2 and "row 2" in err and "medium" in err and "Traceback" not in err
