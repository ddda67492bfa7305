"""National lists against their published announcements.

Sources (the expected values below are transcribed from these, not from the package):

- 有毒有害大气污染物名录（2018年）, MEE/NHC announcement 2019 No. 4 (2019-01-23): 11 items,
  6 VOCs and 5 metal groups.
- 有毒有害水污染物名录（第一批）, MEE/NHC announcement of 2019-07-23 (No. 28): 10 items.
- 有毒有害水污染物名录（第二批）, MEE/NDCPA release: 11 items, of which 铊及铊化合物,
  五氯酚及五氯酚钠, 苯, 甲苯 are named in the release.
- 优先控制化学品名录（第一批）, MEP/MIIT/NHFPC announcement 2017 No. 83 (2017-12-27):
  PC001-PC022 with CAS numbers (annex table).
- 优先控制化学品名录（第二批）, 2020 (published 2020-11-02): PC023-PC040 with CAS numbers.
- 重点管控新污染物清单（2023年版）, MEE et al. Order No. 28 (2022-12-29): 14 items (一 to 十四),
  item 十四 "已淘汰类" naming 10 substances.
- 重点控制的土壤有毒有害物质名录（第一批）, 2025: 18 items.
- GB 36600-2018: Table 1, 45 basic items; Table 2, 40 other items.
- GB 3095-2026: Table 1 basic items SO2, NO2, CO, O3, PM10, PM2.5; Table 2 TSP, NOx, Pb, BaP.
"""

from __future__ import annotations

import csv

import pytest

from ehrisk.refdata import chemicals as chem

# Item counts must match the announcements exactly.
COUNT_TOLERANCE = 0

PUBLISHED_ITEM_COUNTS = {
    "air_toxics_2018": 11,                 # announcement 2019 No. 4
    "water_toxics_2019": 10,               # announcement of 2019-07-23
    "priority_chemicals_batch1_2017": 22,  # announcement 2017 No. 83, PC001-PC022
    "priority_chemicals_batch2_2020": 18,  # second batch 2020, PC023-PC040
    "new_pollutants_2023": 14,             # Order No. 28, items 一 to 十四
    "soil_toxics_batch1_2025": 18,
    "gb36600_2018": 85,                    # Table 1 (45) + Table 2 (40)
    "gb3095_2026": 10,                     # Table 1 (6) + Table 2 (4)
}

# Single-substance items with the CAS printed in the priority-chemicals annexes.
PRIORITY_CAS = {
    "PC001": "120-82-1", "PC002": "106-99-0", "PC003": "81-15-2", "PC004": "27417-40-9",
    "PC005": "85535-84-8", "PC006": "75-09-2", "PC009": "50-00-0", "PC011": "77-47-4",
    "PC012": "25637-99-4", "PC013": "91-20-3", "PC015": "1763-23-1", "PC017": "67-66-3",
    "PC018": "79-01-6", "PC020": "1163-19-5", "PC021": "127-18-4", "PC022": "75-07-0",
    "PC023": "75-35-4", "PC024": "78-87-5", "PC025": "121-14-2", "PC026": "732-26-3",
    "PC027": "71-43-2", "PC030": "108-88-3", "PC031": "95-53-4", "PC032": "115-96-8",
    "PC033": "87-68-3", "PC035": "335-67-1", "PC037": "7440-28-0", "PC038": "87-86-5",
    "PC039": "133-49-3", "PC040": "68937-41-7",
}


def _items(list_id: str) -> list[str]:
    return chem.members(list_id)["item_no"].tolist()


@pytest.mark.parametrize("list_id, expected", sorted(PUBLISHED_ITEM_COUNTS.items()))
def test_item_count_matches_announcement(list_id, expected):
    assert abs(len(set(_items(list_id))) - expected) <= COUNT_TOLERANCE


def test_list_ids_summary_reports_the_published_counts():
    summary = chem.list_ids().set_index("list_id")["n_items"].to_dict()
    for list_id, expected in PUBLISHED_ITEM_COUNTS.items():
        assert summary[list_id] == expected, list_id


def test_priority_chemicals_pc001_to_pc040_all_present():
    items = set(_items("priority_chemicals_batch1_2017")) | set(
        _items("priority_chemicals_batch2_2020"))
    assert items == {f"PC{i:03d}" for i in range(1, 41)}
    assert set(_items("priority_chemicals_batch1_2017")) == {f"PC{i:03d}" for i in range(1, 23)}


@pytest.mark.parametrize("item_no, cas", sorted(PRIORITY_CAS.items()))
def test_priority_chemical_cas_matches_annex(item_no, cas):
    df = chem.list_table()
    sel = df[df["item_no"] == item_no]
    assert cas in set(sel["cas"])


def test_priority_group_items_name_the_listed_members():
    df = chem.list_table()
    pahs = set(df.loc[df["item_no"] == "PC028", "cas"])
    assert pahs == {"56-55-3", "218-01-9", "50-32-8", "205-99-2", "207-08-9", "120-12-7",
                    "53-70-3"}
    assert set(df.loc[df["item_no"] == "PC034", "cas"]) == {"608-93-5", "118-74-1"}
    assert set(df.loc[df["item_no"] == "PC016", "cas"]) == {"25154-52-3", "84852-15-3",
                                                             "9016-45-9"}


def test_air_toxics_2018_items():
    m = chem.members("air_toxics_2018")
    names = list(dict.fromkeys(m["item_name_zh"]))
    assert names == ["二氯甲烷", "甲醛", "三氯甲烷", "三氯乙烯", "四氯乙烯", "乙醛",
                     "镉及其化合物", "铬及其化合物", "汞及其化合物", "铅及其化合物",
                     "砷及其化合物"]
    assert {"75-09-2", "50-00-0", "67-66-3", "79-01-6", "127-18-4", "75-07-0"} <= set(m["cas"])


def test_water_toxics_2019_items_in_order():
    m = chem.members("water_toxics_2019")
    assert list(dict.fromkeys(m["item_name_zh"])) == [
        "二氯甲烷", "三氯甲烷", "三氯乙烯", "四氯乙烯", "甲醛", "镉及镉化合物", "汞及汞化合物",
        "六价铬化合物", "铅及铅化合物", "砷及砷化合物"]


def test_water_toxics_batch2_is_marked_partial():
    m = chem.members("water_toxics_batch2")
    assert len(m) <= 11
    assert {"7440-28-0", "87-86-5", "71-43-2", "108-88-3"} <= set(m["cas"])
    assert m["note"].str.contains("PARTIAL").all()


def test_new_pollutants_2023_items():
    m = chem.members("new_pollutants_2023")
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
                "十三", "十四"]
    assert list(dict.fromkeys(m["item_no"])) == numerals
    phased_out = set(m.loc[m["item_no"] == "十四", "cas"])
    # 六溴环十二烷, 氯丹, 灭蚁灵, 六氯苯, 滴滴涕, α-HCH, β-HCH, 林丹, 硫丹, 多氯联苯
    assert phased_out == {"25637-99-4", "12789-03-6", "2385-85-5", "118-74-1", "50-29-3",
                          "319-84-6", "319-85-7", "58-89-9", "115-29-7", "1336-36-3"}
    first = dict(zip(m["item_no"], m["cas"], strict=False))
    assert first["一"] == "1763-23-1" and first["二"] == "335-67-1"
    assert first["十"] == "75-09-2" and first["十一"] == "67-66-3"


def test_every_list_member_is_in_the_chemicals_table():
    table = set(chem.chemicals().index)
    assert sorted(set(chem.list_table()["cas"]) - table) == []


def test_every_membership_row_has_a_source():
    df = chem.list_table()
    assert (df["source"].str.strip() != "").all()


def test_gb36600_items_match_the_transcribed_standard(refdata_dir):
    path = refdata_dir / "gb36600_2018_screening_control_values.csv"
    with path.open(encoding="utf-8") as fh:
        std = list(csv.DictReader(fh))
    assert len(std) == 85
    m = chem.members("gb36600_2018")
    ours = {(r["item_no"], r["cas"]) for r in m.to_dict(orient="records")}
    for r in std:
        item = f"{r['table']}-{r['item_no']}"
        for cas in (c.strip() for c in r["cas"].split(",")):
            if cas and cas != "—":
                assert (item, cas) in ours, (item, cas)
    assert sum(1 for r in std if r["table"] == "表1") == 45


def test_gb3095_basic_items():
    m = chem.members("gb3095_2026")
    basic = set(m.loc[m["item_no"].str.startswith("表1"), "cas"])
    assert basic == {"7446-09-5", "10102-44-0", "630-08-0", "10028-15-6", "X-PM10", "X-PM2.5"}
