"""Chinese labels of the code values that documents show (one place; every document and
table of the presentation layer reads them from here).

The codes themselves (``care_home``, ``rectified``, ``red``) stay in the database, the
extracts (``ehrisk extract``) and JSON; documents show the label. The receptor, status,
medium, basis and problem-state labels are the first Chinese spelling the importer accepts
for the code (:mod:`ehrisk.store.kinds`), so a label read back on import gives the same code.
"""

from __future__ import annotations

RECEPTOR_ZH = {"school": "学校", "kindergarten": "幼儿园", "hospital": "医院",
               "care_home": "养老院", "residential_area": "居民区",
               "drinking_water_source": "饮用水水源地", "other": "其他敏感目标"}
ENTERPRISE_STATUS_ZH = {"operating": "在产", "suspended": "停产", "closed": "关闭"}
PROBLEM_STATUS_ZH = {"open": "待整改", "in_progress": "整改中", "rectified": "已整改",
                     "verified": "已销号", "overdue": "逾期"}
MEDIUM_ZH = {"air": "大气", "water": "水", "soil": "土壤", "groundwater": "地下水"}
BASIS_ZH = {"permit": "排污许可", "census": "污染源普查", "monitoring": "监测", "estimate": "估算"}
STATION_KIND_ZH = {"air": "大气", "air_quality": "环境空气", "water": "水", "soil": "土壤",
                   "voc": "特征污染物（VOCs）", "met": "气象"}
DISCHARGE_ZH = {"direct": "直接排放", "indirect": "间接排放"}
CODE_ZH = {"red": "红码", "yellow": "黄码", "green": "绿码"}
CODE_CHANGE_ZH = {"new": "新增", "removed": "移除", "raised": "升级", "lowered": "降级",
                  "unchanged": "不变"}
PROBLEM_CATEGORY_ZH = {"hj941": "突发环境事件风险防控", "health": "健康风险削减",
                       "priority": "优先控制污染物", "problem": "检查发现问题",
                       "overdue": "逾期未整改"}
STORAGE_FORM_ZH = {"tank": "储罐", "small tank": "小型储罐", "drum": "桶装", "drums": "桶装",
                   "cylinder": "钢瓶", "cylinders": "钢瓶", "bag": "袋装", "bags": "袋装",
                   "warehouse": "仓库", "silo": "筒仓", "pipeline": "管道", "ibc": "吨桶"}
UNIT_ZH = {"ug/m3": "μg/m³", "mg/m3": "mg/m³", "ng/m3": "ng/m³", "mg/l": "mg/L",
           "ug/l": "μg/L", "degc": "℃"}


def label(mapping: dict, value, default: str | None = None) -> str:
    """The label of ``value`` in ``mapping``; the value itself (or ``default``) when it has
    none; an empty string for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if value in mapping:
        return mapping[value]
    if isinstance(value, str) and value.strip().lower() in mapping:
        return mapping[value.strip().lower()]
    return str(value) if default is None else default


def substance(cas: str | None, name_zh: str | None = None) -> str:
    """A substance as documents write it: Chinese name with the CAS number in brackets
    (``甲醛（50-00-0）``); the name from :mod:`ehrisk.refdata.chemicals` (preferred to
    ``name_zh`` when the table knows the CAS number); the name alone for the package's
    pseudo-identifiers of mixtures (``X-PM2.5`` -> ``细颗粒物（PM2.5）`` as the table names it);
    the CAS number alone when the substance is not in the table."""
    if not cas:
        return name_zh or ""
    from ehrisk.refdata import chemicals as chem

    try:
        name_zh = str(chem.lookup(cas)["name_zh"])
    except chem.UnknownChemicalError:
        pass
    if str(cas).startswith("X-"):
        return name_zh or str(cas)[2:]
    if not name_zh:
        from ehrisk.refdata import chemicals as chem

        try:
            name_zh = str(chem.lookup(cas)["name_zh"])
        except chem.UnknownChemicalError:
            name_zh = ""
    return f"{name_zh}（{cas}）" if name_zh and name_zh != cas else str(cas)


def substances(cas_list: str | None, sep: str = "；") -> str:
    """Several CAS numbers separated by ``;``/``；``/``,`` -> their labels joined by ``sep``."""
    if not cas_list or (isinstance(cas_list, float) and cas_list != cas_list):
        return ""
    import re

    parts = [p.strip() for p in re.split(r"[;；,，]", str(cas_list)) if p.strip()]
    return sep.join(substance(p) for p in parts)
