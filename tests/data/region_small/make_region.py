"""Write the small hand-built test region 清河县（虚构）/ Qinghe County (fictional).

Every file of ``tests/data/region_small/`` is written by this script (numpy seed below), so a
reviewer can regenerate them::

    .venv/bin/python tests/data/region_small/make_region.py

The region is NOT made by ``ehrisk.demo``: enterprises, sources, receptors, parks and townships
are listed by hand below; only the random weather, air quality, population and daily deaths
come from numpy. From ehrisk it uses the XLSX templates (``ehrisk.store.templates``, so the
files are filled exactly as a user fills ``ehrisk template all``) and, as a cross-check of the
hand-written code below, ``ehrisk.demo.codes.uscc_check_char``.

Fictional and synthetic; licence CC0-1.0.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
SEED = 20250917
LON0, LAT0 = 113.60, 34.70          # centre of the study box (UTM zone 49N)
HALF_M = 7_500.0                    # the box is 15 km x 15 km
COUNTY = "410199"                   # fictional GB/T 2260-style county code (not a real county)
YEAR = 2025
TZ = "Asia/Shanghai"
AQ_START = pd.Timestamp("2025-11-10 00:00")   # 49 days (seven weeks) of hourly air quality
AQ_DAYS = 49
HEALTH_START, HEALTH_END = "2023-01-01", "2025-12-31"
TRUE_BETA = 0.0006                  # per ug/m3 of the lag 0-1 mean of daily PM2.5
BASE_DEATHS = 40.0                  # mean non-accidental deaths per day (about 2.1 M people)
HEALTH_POPULATION = 2_100_000

FWD = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)
INV = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)
X0, Y0 = FWD.transform(LON0, LAT0)


def ll(x, y):
    """Local metres (east, north of the centre) -> (lon, lat) rounded to 1e-6 deg."""
    lon, lat = INV.transform(X0 + np.asarray(x, float), Y0 + np.asarray(y, float))
    return np.round(lon, 6), np.round(lat, 6)


def poly_wkt(pts):
    """Polygon WKT from local-metre vertices (closed automatically)."""
    pts = list(pts) + [pts[0]]
    lon, lat = ll([p[0] for p in pts], [p[1] for p in pts])
    return "POLYGON ((" + ", ".join(f"{a:.6f} {b:.6f}" for a, b in zip(lon, lat, strict=True)) + "))"


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# --------------------------------------------------------------------------- credit codes
# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^(i-1) mod 31, C18 = 31 - sum mod 31.
USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_check(body8: str) -> str:
    """GB 11714-1997 modulus-11 check of the organisation code."""
    s = sum(ORG.index(c) * w for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c = 11 - s % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def uscc(body8: str) -> str:
    first17 = "91" + COUNTY + body8 + org_check(body8)
    total = sum(USCC.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    check = USCC[(31 - total % 31) % 31]
    from ehrisk.demo.codes import uscc_check_char  # cross-check only

    assert uscc_check_char(first17) == check, first17
    return first17 + check


# --------------------------------------------------------------------------- the inventory
TOWNS = [  # admin_code, name, name_en, polygon (local metres), resident population
    ("410199100", "城关镇（虚构）", "Chengguan Town (fictional)",
     [(-HALF_M, 0), (0, 0), (HALF_M, 0), (HALF_M, HALF_M), (-HALF_M, HALF_M)], 0),
    ("410199101", "河西乡（虚构）", "Hexi Township (fictional)",
     rect(-HALF_M, -HALF_M, 0, 0), 0),
    ("410199102", "河东乡（虚构）", "Hedong Township (fictional)",
     rect(0, -HALF_M, HALF_M, 0), 0),
]
PARKS = [  # park_id, name, name_en, kind, admin_code, rectangle (local metres)
    ("QHP1", "清河化工园区（虚构）", "Qinghe Chemical Park (fictional)", "化工园区", "410199102",
     (2000, -4500, 4500, -2000)),
    ("QHP2", "清河高新技术产业园（虚构）", "Qinghe Hi-Tech Park (fictional)", "高新技术产业园区",
     "410199100", (-5000, 1500, -2500, 4000)),
]
# body8 of the organisation code, name, name_en, industry, park, x, y, employees, permit class
ENTERPRISES = [
    ("MA3QH001", "清河石化有限公司（虚构）", "Qinghe Petrochemical Co. (fictional)",
     "2511", "原油加工及石油制品制造", "QHP1", 2600, -2700, 820, "重点管理"),
    ("MA3QH002", "豫中有机化工有限公司（虚构）", "Yuzhong Organic Chemicals (fictional)",
     "2614", "有机化学原料制造", "QHP1", 3500, -2500, 310, "重点管理"),
    ("MA3QH003", "中原合成橡胶有限公司（虚构）", "Zhongyuan Synthetic Rubber (fictional)",
     "2652", "合成橡胶制造", "QHP1", 4000, -3400, 260, "重点管理"),
    ("MA3QH004", "清河树脂有限公司（虚构）", "Qinghe Resins Co. (fictional)",
     "2651", "初级形态塑料及合成树脂制造", "QHP1", 2800, -3900, 180, "重点管理"),
    ("MA3QH005", "华清涂料有限公司（虚构）", "Huaqing Coatings Co. (fictional)",
     "2641", "涂料制造", "QHP1", 3700, -4100, 95, "简化管理"),
    ("MA3QH006", "清河制药有限公司（虚构）", "Qinghe Pharmaceutical Co. (fictional)",
     "2710", "化学药品原料药制造", "QHP2", -4300, 2300, 420, "重点管理"),
    ("MA3QH007", "清河电子电路有限公司（虚构）", "Qinghe Circuits Co. (fictional)",
     "3982", "电子电路制造", "QHP2", -3300, 2100, 650, "重点管理"),
    ("MA3QH008", "豫清表面处理有限公司（虚构）", "Yuqing Surface Treatment (fictional)",
     "3360", "金属表面处理及热处理加工", "QHP2", -3800, 3300, 70, "重点管理"),
    ("MA3QH009", "清河专用化学品有限公司（虚构）", "Qinghe Specialty Chemicals (fictional)",
     "2662", "专项化学用品制造", "QHP2", -4500, 3600, 120, "简化管理"),
    ("MA3QH010", "清河印务有限公司（虚构）", "Qinghe Printing Co. (fictional)",
     "2319", "包装装潢及其他印刷", "QHP2", -2900, 3500, 140, "简化管理"),
    ("MA3QH011", "清河热电有限公司（虚构）", "Qinghe Combined Heat and Power (fictional)",
     "4412", "热电联产", None, 5200, 1800, 230, "重点管理"),
    ("MA3QH012", "清河人造板有限公司（虚构）", "Qinghe Wood Panels Co. (fictional)",
     "2022", "纤维板制造", None, -5600, -4200, 160, "简化管理"),
]
# enterprise index, stack id, name, height m, diameter m, velocity m/s, temp C, dx, dy
STACKS = [
    (0, "DA001", "加热炉排气筒", 60, 2.2, 12.0, 160, 0, 40),
    (0, "DA002", "催化裂化再生烟气排气筒", 80, 2.8, 14.0, 190, 60, -30),
    (1, "DA001", "工艺废气焚烧炉排气筒", 40, 1.2, 11.0, 120, 0, 20),
    (1, "DA002", "罐区VOCs治理排气筒", 25, 0.8, 9.0, 35, -40, -20),
    (2, "DA001", "聚合工段排气筒", 35, 1.0, 10.0, 60, 10, 30),
    (3, "DA001", "合成车间排气筒", 30, 0.9, 10.5, 45, 0, 25),
    (3, "DA002", "RTO排气筒", 25, 0.8, 12.0, 90, 35, -10),
    (4, "DA001", "调漆车间排气筒", 20, 0.7, 9.5, 30, 0, 15),
    (5, "DA001", "发酵/合成废气排气筒", 30, 1.0, 10.0, 40, 20, 20),
    (5, "DA002", "锅炉排气筒", 35, 1.2, 8.0, 140, -30, 10),
    (6, "DA001", "蚀刻/电镀废气排气筒", 25, 0.9, 11.0, 30, 0, 30),
    (7, "DA001", "电镀铬雾排气筒", 20, 0.6, 10.0, 28, 10, 10),
    (8, "DA001", "反应釜废气排气筒", 25, 0.7, 9.0, 40, 0, 20),
    (9, "DA001", "印刷烘干废气排气筒", 20, 0.8, 10.0, 50, 0, 20),
    (10, "DA001", "1号锅炉烟囱", 100, 3.5, 15.0, 120, 0, 0),
    (10, "DA002", "2号锅炉烟囱", 100, 3.5, 15.0, 120, 80, 0),
    (11, "DA001", "热压废气排气筒", 25, 1.4, 11.0, 65, 0, 30),
    (11, "DA002", "干燥/砂光粉尘排气筒", 22, 1.0, 12.0, 45, -40, 0),
]
# enterprise index, outfall id, discharge type, receiving water, dx, dy
OUTFALLS = [
    (0, "DW001", "间接排放", "清河化工园区污水处理厂（虚构）", 120, -80),
    (1, "DW001", "间接排放", "清河化工园区污水处理厂（虚构）", 80, -60),
    (6, "DW001", "间接排放", "清河县第二污水处理厂（虚构）", 60, -50),
    (7, "DW001", "直接排放", "清河（虚构）", 150, -120),
    (10, "DW001", "间接排放", "清河县第一污水处理厂（虚构）", -90, -60),
]
# enterprise index, source id ("" = whole plant), substance, medium, basis, amount, unit
EMISSIONS = [
    (0, "DA001", "苯", "大气", "排污许可", 1.8, "t/a"),
    (0, "DA001", "71-43-2", "大气", "监测", 1.2, "t/a"),
    (0, "DA001", "甲苯", "大气", "排污许可", 4.5, "t/a"),
    (0, "DA002", "PM2.5", "大气", "排污许可", 18.0, "t/a"),
    (0, "DA002", "二氧化硫", "大气", "排污许可", 65.0, "t/a"),
    (0, "DA002", "氮氧化物", "大气", "排污许可", 120.0, "t/a"),
    (0, "", "X-VOCs", "大气", "排污许可", 85.0, "t/a"),
    (0, "DW001", "苯", "水", "排污许可", 0.004, "t/a"),
    (0, "DW001", "氨", "水", "排污许可", 3.2, "t/a"),
    (1, "DA001", "71-43-2", "大气", "排污许可", 0.9, "t/a"),
    (1, "DA001", "50-00-0", "大气", "排污许可", 0.45, "t/a"),
    (1, "DA002", "108-88-3", "大气", "排污许可", 3.1, "t/a"),
    (1, "DA001", "PM2.5", "大气", "排污许可", 2.5, "t/a"),
    (1, "DW001", "甲醛", "水", "排污许可", 0.02, "t/a"),
    (1, "DW001", "甲苯", "水", "排污许可", 0.006, "t/a"),
    (2, "DA001", "106-99-0", "大气", "排污许可", 1.1, "t/a"),
    (2, "DA001", "108-88-3", "大气", "排污许可", 1.6, "t/a"),
    (2, "DA001", "苯乙烯", "大气", "排污许可", 0.8, "t/a"),
    (2, "", "X-VOCs", "大气", "估算", 12.0, "t/a"),
    (3, "DA001", "甲醛", "大气", "排污许可", 0.6, "t/a"),
    (3, "DA002", "苯酚", "大气", "排污许可", 0.35, "t/a"),
    (3, "DA002", "PM2.5", "大气", "排污许可", 1.4, "t/a"),
    (4, "DA001", "甲苯", "大气", "排污许可", 2.4, "t/a"),
    (4, "DA001", "二甲苯", "大气", "排污许可", 3.0, "t/a"),
    (4, "DA001", "1,3-丁二烯", "大气", "估算", 150.0, "kg/a"),
    (5, "DA001", "二氯甲烷", "大气", "排污许可", 2.2, "t/a"),
    (5, "DA001", "甲苯", "大气", "排污许可", 1.3, "t/a"),
    (5, "DA002", "PM2.5", "大气", "排污许可", 1.8, "t/a"),
    (5, "DA002", "二氧化硫", "大气", "排污许可", 6.0, "t/a"),
    (5, "DA002", "氮氧化物", "大气", "排污许可", 14.0, "t/a"),
    (6, "DA001", "甲醛", "大气", "排污许可", 0.25, "t/a"),
    (6, "DA001", "氯化氢", "大气", "排污许可", 0.9, "t/a"),
    (6, "DW001", "镍", "水", "排污许可", 0.012, "t/a"),
    (7, "DA001", "六价铬", "大气", "监测", 0.8, "kg/a"),
    (7, "DW001", "六价铬", "水", "排污许可", 1.5, "kg/a"),
    (7, "DW001", "镍", "水", "排污许可", 6.0, "kg/a"),
    (8, "DA001", "甲醛", "大气", "排污许可", 0.3, "t/a"),
    (8, "DA001", "苯", "大气", "排污许可", 0.25, "t/a"),
    (8, "DA001", "甲苯", "大气", "排污许可", 0.9, "t/a"),
    (9, "DA001", "甲苯", "大气", "排污许可", 5.5, "t/a"),
    (9, "DA001", "X-VOCs", "大气", "排污许可", 22.0, "t/a"),
    (10, "DA001", "PM2.5", "大气", "监测", 28.0, "t/a"),
    (10, "DA001", "PM10", "大气", "监测", 45.0, "t/a"),
    (10, "DA001", "二氧化硫", "大气", "监测", 140.0, "t/a"),
    (10, "DA001", "氮氧化物", "大气", "监测", 260.0, "t/a"),
    (10, "DA002", "PM2.5", "大气", "监测", 24.0, "t/a"),
    (10, "DA002", "二氧化硫", "大气", "监测", 120.0, "t/a"),
    (10, "DA002", "氮氧化物", "大气", "监测", 230.0, "t/a"),
    (10, "DA001", "汞", "大气", "监测", 12.0, "kg/a"),
    (10, "DW001", "氨", "水", "排污许可", 1.1, "t/a"),
    (11, "DA001", "甲醛", "大气", "排污许可", 1.4, "t/a"),
    (11, "DA002", "PM2.5", "大气", "排污许可", 6.5, "t/a"),
    (11, "DA002", "PM10", "大气", "排污许可", 11.0, "t/a"),
]
# enterprise index, CAS, name, max quantity t, storage form, process units
STORAGES = [
    (0, "71-43-2", "苯", 420.0, "储罐", "芳烃抽提"),
    (0, "108-88-3", "甲苯", 650.0, "储罐", "芳烃抽提"),
    (0, "8002-05-9", "原油", 38000.0, "储罐", "常减压蒸馏"),
    (0, "7783-06-4", "硫化氢", 0.8, "管线存量", "加氢精制"),
    (0, "68476-85-7", "液化石油气", 900.0, "球罐", "气体分馏"),
    (1, "71-43-2", "苯", 180.0, "储罐", "烷基化"),
    (1, "50-00-0", "甲醛", 35.0, "储罐", "甲醛合成"),
    (1, "67-56-1", "甲醇", 260.0, "储罐", "甲醛合成"),
    (1, "108-88-3", "甲苯", 90.0, "储罐", "溶剂回收"),
    (2, "106-99-0", "1,3-丁二烯", 240.0, "球罐", "聚合"),
    (2, "100-42-5", "苯乙烯", 150.0, "储罐", "聚合"),
    (3, "50-00-0", "甲醛", 60.0, "储罐", "缩聚"),
    (3, "108-95-2", "苯酚", 80.0, "储罐", "缩聚"),
    (4, "108-88-3", "甲苯", 25.0, "桶装", "调漆"),
    (4, "1330-20-7", "二甲苯", 40.0, "桶装", "调漆"),
    (5, "75-09-2", "二氯甲烷", 55.0, "储罐", "萃取"),
    (5, "67-56-1", "甲醇", 30.0, "储罐", "结晶"),
    (6, "7647-01-0", "氯化氢（盐酸）", 12.0, "储罐", "蚀刻"),
    (6, "7664-41-7", "氨（氨水）", 3.0, "储罐", "碱性蚀刻"),
    (7, "18540-29-9", "六价铬化合物（铬酐）", 2.5, "桶装", "镀铬"),
    (8, "7782-50-5", "氯", 4.0, "钢瓶", "氯化"),
    (9, "108-88-3", "甲苯", 8.0, "桶装", "印刷"),
    (10, "7664-41-7", "液氨", 45.0, "储罐", "脱硝"),
    (11, "50-00-0", "甲醛", 6.0, "储罐", "制胶"),
]
# HJ 941-2018 M attributes per enterprise index (hazardous process sets, other sets, tank farms,
# phase-out sets, toxic gas monitoring, distance ok, air events, water events, penalised,
# 7 water measures)
RISK_MGMT = {
    0: ("常减压x1;催化裂化x1;加氢x2;储罐区x3", 4, 2, 3, 0, "是", "是", "无", "无", "否", "是"),
    1: ("氧化x1;烷基化x1;储罐区x1", 2, 1, 1, 0, "是", "是", "一般", "无", "否", "是"),
    2: ("聚合x2;球罐区x1", 2, 0, 1, 0, "否", "是", "无", "无", "是", "否"),
    3: ("缩聚x1;储罐区x1", 1, 1, 1, 0, "是", "是", "无", "无", "否", "是"),
    4: ("调漆x1", 0, 0, 0, 0, "否", "是", "无", "无", "否", "是"),
    5: ("硝化x1;萃取x1;储罐区x1", 1, 2, 1, 0, "是", "是", "无", "无", "否", "是"),
    6: ("蚀刻x1;电镀x1", 0, 1, 1, 0, "否", "是", "无", "一般", "否", "否"),
    7: ("镀铬x1", 0, 0, 0, 1, "否", "否", "无", "无", "是", "否"),
    8: ("氯化x1", 1, 0, 0, 0, "是", "是", "无", "无", "否", "是"),
    9: ("凹版印刷x2", 0, 0, 0, 0, "否", "是", "无", "无", "否", "是"),
    10: ("锅炉x2;脱硝氨区x1", 0, 2, 1, 0, "是", "是", "无", "无", "否", "是"),
    11: ("热压x1;制胶x1", 0, 1, 1, 0, "否", "是", "无", "无", "否", "是"),
}
# receptor id, type, name, name_en, x, y, population, population kind, polygon half-size m
RECEPTORS = [
    ("QH-R01", "学校", "清河县第一中学（虚构）", "Qinghe No.1 Middle School (fictional)",
     -800, 3600, 2400, "学生", 0),
    ("QH-R02", "学校", "城关镇中心小学（虚构）", "Chengguan Central Primary School (fictional)",
     400, 2600, 1300, "学生", 0),
    ("QH-R03", "学校", "河东乡中学（虚构）", "Hedong Township Middle School (fictional)",
     5200, -1000, 680, "学生", 0),
    ("QH-R04", "幼儿园", "河西乡中心幼儿园（虚构）", "Hexi Central Kindergarten (fictional)",
     -3000, -2600, 210, "幼儿", 0),
    ("QH-R05", "医院", "清河县人民医院（虚构）", "Qinghe County People's Hospital (fictional)",
     -300, 2100, 600, "床位", 0),
    ("QH-R06", "医院", "河东乡卫生院（虚构）", "Hedong Township Health Centre (fictional)",
     5600, -1600, 60, "床位", 0),
    ("QH-R07", "养老院", "清河县敬老院（虚构）", "Qinghe County Care Home (fictional)",
     1800, 4800, 150, "床位", 0),
    ("QH-R08", "居民区", "城关镇老城区（虚构）", "Chengguan old town (fictional)",
     -400, 3000, 21000, "居民", 900),
    ("QH-R09", "居民区", "清河新村（虚构）", "Qinghe New Village (fictional)",
     1500, 1200, 6500, "居民", 500),
    ("QH-R10", "居民区", "东李庄（虚构）", "Dongli Village (fictional)",
     5400, -2000, 1800, "居民", 350),
    ("QH-R11", "居民区", "西王村（虚构）", "Xiwang Village (fictional)",
     -3400, -3000, 1500, "居民", 300),
    ("QH-R12", "饮用水水源地", "清河县清河饮用水水源地（虚构）",
     "Qinghe River drinking-water source (fictional)", -6000, 5800, 0, "", 600),
]
STATIONS = [  # id, kind, name, name_en, park, x, y
    ("QH-AQ1", "大气", "清河县城关站（虚构）", "Chengguan air station (fictional)", None, -200, 2900),
    ("QH-AQ2", "大气", "清河化工园区站（虚构）", "Chemical park air station (fictional)", "QHP1",
     3300, -1600),
    ("QH-MET", "气象", "清河县气象站（虚构）", "Qinghe weather station (fictional)", None, 1500, 4500),
]


def enterprise_frame() -> pd.DataFrame:
    rows = []
    for i, (body, name, name_en, ind, ind_name, park, x, y, emp, pclass) in enumerate(ENTERPRISES):
        lon, lat = ll(x, y)
        town = "410199102" if (x >= 0 and y < 0) else ("410199101" if y < 0 else "410199100")
        rows.append({
            "统一社会信用代码": uscc(body), "企业名称": name, "英文名称": name_en,
            "行业代码": ind, "行业名称": ind_name, "所在园区编号": park,
            "地址": f"河南省清河县（虚构）{'化工园区' if park == 'QHP1' else ('高新区' if park == 'QHP2' else '')}"
                    f"纬{i + 1}路{(i + 3) * 11}号",
            "行政区划代码": town, "经度": float(lon), "纬度": float(lat),
            "排污许可证编号": uscc(body) + f"{i + 1:03d}P", "排污许可管理类别": pclass,
            "生产状态": "在产", "职工人数": emp, "联系人及电话": f"张工 0371-6{i + 1:02d}8{i + 7:04d}"})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- weather and air
def hourly_weather(rng: np.random.Generator, start: str, end: str) -> pd.DataFrame:
    """Hourly surface weather (local time) for a continental monsoon climate near 34.7N."""
    t = pd.date_range(start, end, freq="h")
    n = len(t)
    doy = t.dayofyear.to_numpy(float)
    hour = t.hour.to_numpy(float)
    days = (t.normalize() - t[0].normalize()).days.to_numpy()
    nd = days.max() + 1
    season = -np.cos(2 * np.pi * (doy - 15) / 365.25)          # -1 mid-Jan, +1 mid-Jul
    # day-to-day anomalies: AR(1) per day, interpolated to hours
    def ar1(phi, sd, size):
        e = rng.normal(0, sd * np.sqrt(1 - phi ** 2), size)
        out = np.empty(size)
        out[0] = rng.normal(0, sd)
        for k in range(1, size):
            out[k] = phi * out[k - 1] + e[k]
        return out
    t_anom = ar1(0.75, 2.6, nd)[days]
    synoptic = ar1(0.7, 1.0, nd)[days]                     # stagnation index (+ = stagnant)
    temp_c = 15.3 + 13.8 * season + t_anom + (4.5 - 1.0 * season) * np.sin(
        2 * np.pi * (hour - 9) / 24) + rng.normal(0, 0.6, n)
    rh = np.clip(62 + 12 * season + 6 * synoptic - 12 * np.sin(2 * np.pi * (hour - 9) / 24)
                 + rng.normal(0, 5, n), 12, 100)
    pres = 1006.5 - 11.5 * season - 2.5 * synoptic + rng.normal(0, 0.8, n)
    cloud = np.clip(np.round(4.5 + 1.5 * season + 1.8 * synoptic + rng.normal(0, 2.5, n)), 0, 10)
    wet = rng.random(n) < np.clip(0.02 + 0.05 * (season + 1) / 2 + 0.03 * (cloud >= 8), 0, 1)
    rain = np.where(wet, np.round(rng.gamma(0.8, 2.2 + 3 * (season + 1), n), 1), 0.0)
    cloud = np.where(rain > 0, np.maximum(cloud, 8), cloud)
    wspd = rng.weibull(1.8, n) * (2.3 - 0.5 * synoptic) * (1 + 0.35 * np.sin(
        2 * np.pi * (hour - 9) / 24))
    wspd = np.round(np.clip(wspd, 0.0, 14.0), 1)
    # prevailing NE in winter, S in summer (a bimodal rose), random otherwise
    summer = rng.random(n) < (0.5 + 0.35 * season)
    wdir = np.where(summer, rng.normal(180, 35, n), rng.normal(45, 40, n))
    wdir = np.where(rng.random(n) < 0.25, rng.uniform(0, 360, n), wdir) % 360
    wdir = np.round(wdir)
    wdir = np.where(wdir == 0, 360.0, wdir)
    return pd.DataFrame({"time": t, "temp_c": np.round(temp_c, 1), "rh_pct": np.round(rh),
                         "pres_hpa": np.round(pres, 1), "rain_mm": rain,
                         "wind_speed_m_s": wspd, "wind_dir_deg": wdir,
                         "cloud_cover_tenths": cloud, "synoptic": synoptic})


def hourly_city_air(rng: np.random.Generator, w: pd.DataFrame) -> pd.DataFrame:
    """Hourly county-mean pollutant concentrations driven by season, stagnation and hour."""
    n = len(w)
    doy = w["time"].dt.dayofyear.to_numpy(float)
    hour = w["time"].dt.hour.to_numpy(float)
    winter = np.cos(2 * np.pi * (doy - 15) / 365.25)          # +1 mid-Jan
    heating = ((doy >= 319) | (doy <= 74)).astype(float)       # 15 Nov - 15 Mar
    syn = w["synoptic"].to_numpy()
    def ar1(phi, sd):
        e = rng.normal(0, sd * np.sqrt(1 - phi ** 2), n)
        out = np.empty(n)
        out[0] = 0.0
        for k in range(1, n):
            out[k] = phi * out[k - 1] + e[k]
        return out
    noise = ar1(0.9, 0.25)
    days = (w["time"].dt.normalize() - w["time"].iloc[0].normalize()).dt.days.to_numpy()
    day_noise = rng.normal(0, 0.45, days.max() + 1)          # day-to-day PM2.5 episodes
    day_noise = (day_noise + 0.4 * np.roll(day_noise, 1))[days]
    lpm = (np.log(38) + 0.45 * winter + 0.15 * heating + 0.38 * syn + noise + day_noise
           + 0.10 * np.cos(2 * np.pi * (hour - 22) / 24) - 0.02 * w["rain_mm"].to_numpy())
    pm25 = np.exp(lpm)
    pm10 = pm25 * np.exp(rng.normal(np.log(1.65), 0.12, n)) + 8 * (w["wind_speed_m_s"] > 5)
    rush = np.exp(-0.5 * ((hour - 8) / 1.5) ** 2) + np.exp(-0.5 * ((hour - 19) / 2) ** 2)
    no2 = np.exp(np.log(30) + 0.25 * winter + 0.25 * syn + 0.35 * rush + 0.5 * noise)
    so2 = np.exp(np.log(9) + 0.45 * winter + 0.35 * heating + 0.2 * syn + 0.6 * noise
                 + rng.normal(0, 0.15, n))
    co = np.exp(np.log(0.75) + 0.35 * winter + 0.2 * heating + 0.25 * syn + 0.6 * noise
                + rng.normal(0, 0.08, n))
    sun = np.clip(np.sin(np.pi * (hour - 6) / 13), 0, None)
    o3 = np.clip((45 - 25 * winter) * (0.45 + 1.6 * sun) - 0.4 * (no2 - 30)
                 + rng.normal(0, 8, n), 2, None)
    return pd.DataFrame({"time": w["time"], "pm25_ug_m3": pm25, "pm10_ug_m3": pm10,
                         "so2_ug_m3": so2, "no2_ug_m3": no2, "co_mg_m3": co, "o3_ug_m3": o3})


def natural_holidays(dates: pd.DatetimeIndex) -> np.ndarray:
    return np.zeros(len(dates))


# --------------------------------------------------------------------------- writers
def fill_template(kind: str, frame: pd.DataFrame, path: Path) -> None:
    """Fill the XLSX template of ``kind`` (written by ehrisk) with ``frame`` (Chinese headers)."""
    import openpyxl

    from ehrisk.store.templates import write_template

    write_template(kind, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    unknown = [c for c in frame.columns if c not in headers]
    assert not unknown, (kind, unknown, headers)
    for rec in frame.itertuples(index=False):
        d = dict(zip(frame.columns, rec, strict=True))
        row = []
        for h in headers:
            v = d.get(h)
            if v is None or (isinstance(v, float) and np.isnan(v)):
                v = None
            elif isinstance(v, np.generic):
                v = v.item()
            row.append(v)
        ws.append(row)
    fixed = pd.Timestamp("2025-12-31 12:00").to_pydatetime()
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "ehrisk tests/data/region_small/make_region.py"
    wb.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """Rewrite the XLSX (a zip) with fixed entry times so that regenerating gives equal bytes."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == "docProps/core.xml":   # openpyxl stamps 'modified' with now
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-12-31T12:00:00Z",
                              data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 12, 31, 12, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    path.write_bytes(buf.getvalue())


def main() -> dict:
    rng = np.random.default_rng(SEED)
    out = HERE
    counts: dict[str, int] = {}

    def put(kind, frame, name=None):
        fill_template(kind, frame, out / f"{name or kind}.xlsx")
        counts[name or kind] = len(frame)

    # admin units, parks
    put("admin_units", pd.DataFrame([
        {"行政区划代码": c, "名称": n, "英文名称": e, "上级区划代码": COUNTY, "常住人口": None,
         "范围(WKT)": poly_wkt(p)} for c, n, e, p, _ in TOWNS]))
    put("parks", pd.DataFrame([
        {"园区编号": pid, "园区名称": n, "英文名称": e, "园区类型": k, "行政区划代码": a,
         "范围(WKT)": poly_wkt(rect(*r))} for pid, n, e, k, a, r in PARKS]))
    ent = enterprise_frame()
    put("enterprises", ent)
    codes = ent["统一社会信用代码"].tolist()
    exy = [(e[6], e[7]) for e in ENTERPRISES]

    def at(i, dx, dy):
        lon, lat = ll(exy[i][0] + dx, exy[i][1] + dy)
        return float(lon), float(lat)

    put("stacks", pd.DataFrame([
        {"统一社会信用代码": codes[i], "排气筒编号": sid, "排气筒名称": nm, "高度(m)": h,
         "出口内径(m)": d, "烟气流速(m/s)": v, "烟气温度(K)": round(tc + 273.15, 2),
         "经度": at(i, dx, dy)[0], "纬度": at(i, dx, dy)[1]}
        for i, sid, nm, h, d, v, tc, dx, dy in STACKS]))
    put("outfalls", pd.DataFrame([
        {"统一社会信用代码": codes[i], "排放口编号": oid, "排放方式": t, "受纳水体": rw,
         "经度": at(i, dx, dy)[0], "纬度": at(i, dx, dy)[1]}
        for i, oid, t, rw, dx, dy in OUTFALLS]))
    put("emissions", pd.DataFrame([
        {"统一社会信用代码": codes[i], "排放口编号": sid or None, "污染物(CAS号或名称)": s,
         "介质": med, "年份": YEAR, "数据来源": b, "排放量": a, "单位": u}
        for i, sid, s, med, b, a, u in EMISSIONS]))
    put("storages", pd.DataFrame([
        {"统一社会信用代码": codes[i], "CAS号": cas, "物质名称": nm, "最大存在总量(t)": q,
         "储存方式": form, "涉及工艺单元": pu} for i, cas, nm, q, form, pu in STORAGES]))
    rm_rows = []
    water_zh = ["截流措施", "事故废水收集措施", "清净废水系统风险防控", "雨水排水系统风险防控",
                "生产废水处理系统风险防控", "依法获取污水排入排水管网许可", "危险废物规范管理"]
    for i, (pu, nh, no, nt, npo, tox, dist, ae, we, pen, water) in RISK_MGMT.items():
        r = {"统一社会信用代码": codes[i], "生产工艺": pu, "危险工艺套数": nh,
             "其他高温高压工艺套数": no, "储罐区个数": nt, "淘汰类工艺套数": npo,
             "毒性气体泄漏监控预警": tox, "卫生/大气防护距离符合要求": dist,
             "近3年大气突发环境事件": ae, "近3年水突发环境事件": we, "近3年环境违法处罚": pen}
        for k, zh in enumerate(water_zh):
            # enterprises marked "否" lack the accident-wastewater and rain-water measures
            r[zh] = "否" if (water == "否" and k in (1, 3)) else "是"
        rm_rows.append(r)
    put("risk_management", pd.DataFrame(rm_rows))
    rec_rows = []
    for rid, typ, nm, en, x, y, pop, pk, half in RECEPTORS:
        lon, lat = ll(x, y)
        town = "410199102" if (x >= 0 and y < 0) else ("410199101" if y < 0 else "410199100")
        rec_rows.append({"受体编号": rid, "受体类型": typ, "名称": nm, "英文名称": en,
                         "行政区划代码": town, "经度": float(lon), "纬度": float(lat),
                         "人数": pop or None, "人数类别": pk or None,
                         "范围(WKT)": poly_wkt(rect(x - half, y - half, x + half, y + half))
                         if half else None})
    put("receptors", pd.DataFrame(rec_rows))

    # population grid: 500 m cells over the 15 km box (30 x 30)
    cell = 500.0
    centres = np.arange(-HALF_M + cell / 2, HALF_M, cell)
    gx, gy = np.meshgrid(centres, centres)
    gx, gy = gx.ravel(), gy.ravel()
    dens = (30.0 + 2600.0 * np.exp(-((gx + 300) ** 2 + (gy - 2900) ** 2) / (2 * 1300.0 ** 2))
            + 700.0 * np.exp(-((gx - 1500) ** 2 + (gy - 1200) ** 2) / (2 * 600.0 ** 2)))
    for _, _, _, _, x, y, pop, _, half in RECEPTORS:   # villages
        if half and pop < 5000:
            dens += pop / 2.0 * np.exp(-((gx - x) ** 2 + (gy - y) ** 2) / (2 * 350.0 ** 2))
    for *_, r in PARKS:
        inside = (gx > r[0]) & (gx < r[2]) & (gy > r[1]) & (gy < r[3])
        dens[inside] = 0.0
    pop = np.round(0.4 * dens * rng.lognormal(0, 0.25, dens.size))
    plon, plat = ll(gx, gy)
    town = np.where(gy > 0, "410199100", np.where(gx < 0, "410199101", "410199102"))
    put("population", pd.DataFrame({
        "网格编号": [f"QH500-{int((x + HALF_M) // cell):02d}-{int((y + HALF_M) // cell):02d}"
                 for x, y in zip(gx, gy, strict=True)],
        "中心经度": plon, "中心纬度": plat, "人口(人)": pop, "网格边长(m)": cell,
        "行政区划代码": town}))
    total_pop = int(pop.sum())

    st_rows = []
    for sid, kind, nm, en, park, x, y in STATIONS:
        lon, lat = ll(x, y)
        st_rows.append({"站点编号": sid, "站点类型": kind, "站点名称": nm, "英文名称": en,
                        "所在园区编号": park, "经度": float(lon), "纬度": float(lat)})
    put("stations", pd.DataFrame(st_rows))

    # weather 2022-12-25 .. 2025-12-31 (the extra days give the lag of 2023-01-01)
    w = hourly_weather(rng, "2022-12-25 00:00", "2025-12-31 23:00")
    city = hourly_city_air(rng, w)

    # met station: hourly 2025, long format, and the dispersion model's CSV
    w25 = w[w["time"].dt.year == YEAR].reset_index(drop=True)
    met_cols = {"wind_dir_deg": "deg", "wind_speed_m_s": "m/s", "temp_c": "degC",
                "cloud_cover_tenths": "tenths"}
    tstr = w25["time"].dt.strftime("%Y-%m-%d %H:%M")
    met_long = pd.concat([pd.DataFrame({"站点编号": "QH-MET", "监测项目(CAS号或名称)": p,
                                        "监测时间": tstr, "监测值": w25[p], "单位": u})
                          for p, u in met_cols.items()], ignore_index=True)
    put("observations", met_long, "observations_met")
    met_csv = pd.DataFrame({"time": tstr, "wind_dir_deg": w25["wind_dir_deg"],
                            "wind_speed_m_s": w25["wind_speed_m_s"], "temp_c": w25["temp_c"],
                            "cloud_cover_tenths": w25["cloud_cover_tenths"]})
    met_csv.to_csv(out / "met_2025.csv", index=False, lineterminator="\n")

    # two air-quality stations: seven weeks of hourly data
    aq_t = pd.date_range(AQ_START, periods=AQ_DAYS * 24, freq="h")
    sel = city["time"].isin(aq_t).to_numpy()
    base = city[sel].reset_index(drop=True)
    wb_ = w[sel].reset_index(drop=True)
    pol = ["pm25_ug_m3", "pm10_ug_m3", "so2_ug_m3", "no2_ug_m3", "co_mg_m3", "o3_ug_m3"]
    factors = {"QH-AQ1": dict(pm25_ug_m3=1.05, pm10_ug_m3=1.05, so2_ug_m3=0.95, no2_ug_m3=1.15,
                              co_mg_m3=1.05, o3_ug_m3=0.92),
               "QH-AQ2": dict(pm25_ug_m3=0.97, pm10_ug_m3=1.02, so2_ug_m3=1.25, no2_ug_m3=0.9,
                              co_mg_m3=1.0, o3_ug_m3=1.05)}
    tables = []
    for sid, f in factors.items():
        d = pd.DataFrame({"station": sid, "time": aq_t.strftime("%Y-%m-%d %H:%M")})
        for p in pol:
            v = base[p].to_numpy() * f[p] * rng.lognormal(0, 0.08, len(base))
            d[p] = np.round(v, 2) if p == "co_mg_m3" else np.round(v)
        d["o3_ug_m3"] = np.maximum(d["o3_ug_m3"], 1)
        d["temp_c"] = wb_["temp_c"].to_numpy()
        d["pres_hpa"] = wb_["pres_hpa"].to_numpy()
        d["rh_pct"] = wb_["rh_pct"].to_numpy()
        d["rain_mm"] = wb_["rain_mm"].to_numpy()
        d["wspm_m_s"] = wb_["wind_speed_m_s"].to_numpy()
        d["wd_deg"] = wb_["wind_dir_deg"].to_numpy()
        # a few missing hours (analyser calibration): blank pollutant cells
        miss = rng.choice(len(d), size=6, replace=False)
        d.loc[miss, pol] = np.nan
        tables.append(d)
    sh = pd.concat(tables, ignore_index=True)
    sh.to_csv(out / "stations_hourly.csv", index=False, lineterminator="\n")
    names = {"pm25_ug_m3": ("PM2.5", "μg/m3"), "pm10_ug_m3": ("PM10", "μg/m3"),
             "so2_ug_m3": ("SO2", "μg/m3"), "no2_ug_m3": ("NO2", "μg/m3"),
             "co_mg_m3": ("CO", "mg/m3"), "o3_ug_m3": ("O3", "μg/m3")}
    aq_long = []
    for p, (nm, u) in names.items():
        d = sh[["station", "time", p]].dropna()
        aq_long.append(pd.DataFrame({"站点编号": d["station"], "监测项目(CAS号或名称)": nm,
                                     "监测时间": d["time"], "监测值": d[p], "单位": u}))
    put("observations", pd.concat(aq_long, ignore_index=True), "observations_air")

    # inspections and problems
    put("inspections", pd.DataFrame([
        {"统一社会信用代码": codes[7], "检查编号": "QH-JC-2025-031", "检查日期": "2025-06-12",
         "检查人员": "李工；赵工", "检查类型": "专项检查", "检查情况": "镀铬槽铬雾抑制剂未按规定添加，事故池容积不足"},
        {"统一社会信用代码": codes[2], "检查编号": "QH-JC-2025-047", "检查日期": "2025-09-03",
         "检查人员": "王工", "检查类型": "日常检查", "检查情况": "丁二烯球罐区可燃/有毒气体报警仪未联网"},
    ]))
    put("problems", pd.DataFrame([
        {"统一社会信用代码": codes[7], "问题编号": "QH-WT-2025-001", "检查编号": "QH-JC-2025-031",
         "发现日期": "2025-06-12", "发现人": "李工", "问题描述": "事故废水收集池容积不足，雨污未分流",
         "整改要求": "扩建事故池至不小于200 m3，完成雨污分流改造", "整改期限": "2025-09-30",
         "整改状态": "整改中", "整改佐证": None, "销号日期": None},
        {"统一社会信用代码": codes[2], "问题编号": "QH-WT-2025-002", "检查编号": "QH-JC-2025-047",
         "发现日期": "2025-09-03", "发现人": "王工", "问题描述": "有毒气体泄漏监控预警系统未接入园区平台",
         "整改要求": "报警仪联网并接入园区监控平台", "整改期限": "2025-11-30",
         "整改状态": "已整改", "整改佐证": "联网验收记录（虚构）", "销号日期": None},
    ]))

    # daily health series 2023-2025: Poisson log-linear with a known PM2.5 effect
    day = w.assign(date=w["time"].dt.normalize()).groupby("date")
    wd = day[["temp_c", "rh_pct"]].mean()
    cd = city.assign(date=city["time"].dt.normalize()).groupby("date")[pol].mean()
    dd = wd.join(cd)
    lag01 = (dd["pm25_ug_m3"] + dd["pm25_ug_m3"].shift(1)) / 2
    dd = dd.loc[HEALTH_START:HEALTH_END].copy()
    lag01 = lag01.loc[HEALTH_START:HEALTH_END].to_numpy()
    dates = dd.index
    tt = np.arange(len(dates)) / 365.25
    doy = dates.dayofyear.to_numpy(float)
    seasonal = 0.09 * np.cos(2 * np.pi * (doy - 10) / 365.25) + 0.02 * np.cos(
        4 * np.pi * (doy - 10) / 365.25)
    temp = dd["temp_c"].to_numpy()
    temp_u = 0.00055 * (temp - 21.0) ** 2 + 0.0012 * np.clip(temp - 28.0, 0, None) ** 2
    dow = np.array([0.02, 0.01, 0.0, 0.0, 0.0, -0.01, -0.02])[dates.dayofweek]
    log_mu = (np.log(BASE_DEATHS) - 0.09 + 0.012 * tt + seasonal + temp_u - 0.12 + dow
              + TRUE_BETA * lag01)
    mu = np.exp(log_mu)
    death = rng.poisson(mu)
    cvd = rng.binomial(death, 0.44)
    resp = rng.binomial(death - cvd, 0.20)
    health = pd.DataFrame({
        "date": dates.strftime("%Y-%m-%d"), "death": death, "cvd": cvd, "resp": resp,
        "temp_c": np.round(temp, 1), "rh_pct": np.round(dd["rh_pct"].to_numpy(), 1),
        "pm25_ug_m3": np.round(dd["pm25_ug_m3"].to_numpy(), 1),
        "pm10_ug_m3": np.round(dd["pm10_ug_m3"].to_numpy(), 1),
        "no2_ug_m3": np.round(dd["no2_ug_m3"].to_numpy(), 1),
        "o3_ug_m3": np.round(dd["o3_ug_m3"].to_numpy(), 1)})
    health.to_csv(out / "health_daily.csv", index=False, lineterminator="\n")

    truth = {
        "region": "清河县（虚构）/ Qinghe County (fictional)", "synthetic": True,
        "licence": "CC0-1.0", "seed": SEED, "centre_lon_lat": [LON0, LAT0],
        "metric_crs": "EPSG:32649", "box_km": 2 * HALF_M / 1000,
        "inventory_year": YEAR,
        "health_daily": {
            "outcome": "death", "exposure": "pm25_ug_m3", "lag": "0-1",
            "beta_per_ug_m3": TRUE_BETA,
            "er_percent_per_10_ug_m3": round(100 * (np.exp(10 * TRUE_BETA) - 1), 4),
            "applies_to": ["death", "cvd", "resp"],
            "other_pollutants": "pm10, no2 and o3 have no effect of their own (correlated "
                                "with PM2.5)",
            "population": HEALTH_POPULATION, "mean_deaths_per_day": round(float(death.mean()), 2),
            "first_date": HEALTH_START, "last_date": HEALTH_END,
            "model": "log E[death_t] = a + 0.012 t[yr] + 0.09 cos(2 pi (doy-10)/365.25) + "
                     "0.02 cos(4 pi (doy-10)/365.25) + 0.00055 (T-21)^2 + "
                     "0.0012 max(T-28, 0)^2 + dow + beta * (PM2.5_t + PM2.5_t-1)/2; "
                     "death ~ Poisson; cvd ~ Binomial(death, 0.44); "
                     "resp ~ Binomial(death - cvd, 0.20)"},
        "counts": counts,
        "population_grid_total": total_pop,
        "air_quality_hours": {"stations": list(factors), "first": str(aq_t[0]),
                              "last": str(aq_t[-1]), "days": AQ_DAYS},
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    return truth


if __name__ == "__main__":
    t = main()
    print(json.dumps(t["counts"], ensure_ascii=False), "population", t["population_grid_total"],
          "deaths/day", t["health_daily"]["mean_deaths_per_day"])
