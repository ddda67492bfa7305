import pytest

from ehrisk.errors import InputError
from ehrisk.io.tables import Column, Schema, cas_check_digit_ok, read_table

SCHEMA = Schema([
    Column("cas", "cas", aliases=("CAS号",)),
    Column("conc_ug_m3", "float", aliases=("浓度",), min_value=0),
])


@pytest.mark.parametrize("cas,ok", [("71-43-2", True), ("7440-38-2", True), ("50-00-0", True),
                                    ("71-43-3", False), ("7143-2", False)])
def test_cas_check_digit(cas, ok):
    assert cas_check_digit_ok(cas) is ok


def test_all_problems_reported_at_once(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("cas,conc_ug_m3\n71-43-3,1\n71-43-2,-5\n108-88-3,abc\n", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_table(f, SCHEMA)
    probs = ei.value.problems
    assert [(p.row, p.column) for p in probs] == [(2, "cas"), (3, "conc_ug_m3"),
                                                   (4, "conc_ug_m3")]
    assert "negative" in probs[1].reason and "not a number" in probs[2].reason


def test_gbk_csv_with_chinese_headers(tmp_path):
    f = tmp_path / "gbk.csv"
    f.write_bytes("CAS号,浓度\n71-43-2,3.5\n".encode("gbk"))
    df = read_table(f, SCHEMA)
    assert list(df.columns) == ["cas", "conc_ug_m3"] and df.conc_ug_m3.iloc[0] == 3.5


def test_missing_column_named(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("cas,value\n71-43-2,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="conc_ug_m3"):
        read_table(f, SCHEMA)
