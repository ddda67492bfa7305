"""Enterprises of the fictional district: registry, stacks, yearly emissions, on-site storage of
hazardous substances, risk-management attributes (for HJ 941-2018 scoring) and water outfalls.

Industry codes follow GB/T 4754-2017 (国民经济行业分类). Emission and storage magnitudes come
from the ``emission`` and ``storage`` groups of ``demo_magnitudes`` (typical amounts for a median
firm of each industry, each row with its source) scaled by a firm-size factor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ehrisk import units
from ehrisk.demo._common import mag_group, mag_range, to_lonlat
from ehrisk.demo.codes import make_uscc
from ehrisk.demo.geography import DISTRICT_CODE, random_point_in

YEARS = (2023, 2024, 2025)

# GB/T 4754-2017 codes used: code -> (name_zh, name_en, company-name suffix zh, en, stack class,
# permit class for a median firm). Permit classes simplify the 固定污染源排污许可分类管理名录
# (2019年版): key-management industries are 重点管理; others depend on size (demo rule).
INDUSTRIES = {
    "2511": ("原油加工及石油制品制造", "Crude oil processing and petroleum products", "石化", "Petrochemical", "refinery", "重点管理"),
    "2614": ("有机化学原料制造", "Organic chemical raw materials", "化学", "Chemical", "chemical", "重点管理"),
    "2651": ("初级形态塑料及合成树脂制造", "Primary plastics and synthetic resins", "新材料", "New Materials", "chemical", "重点管理"),
    "2652": ("合成橡胶制造", "Synthetic rubber", "橡胶", "Rubber", "chemical", "重点管理"),
    "2612": ("无机碱制造", "Inorganic alkali (chlor-alkali)", "氯碱", "Chlor-Alkali", "chemical", "重点管理"),
    "2611": ("无机酸制造", "Inorganic acids", "硫酸", "Sulfuric Acid", "chemical", "重点管理"),
    "2521": ("炼焦", "Coking", "焦化", "Coking", "refinery", "重点管理"),
    "2631": ("化学农药制造", "Chemical pesticides", "农化", "Agrochemical", "chemical", "重点管理"),
    "2710": ("化学药品原料药制造", "Active pharmaceutical ingredients", "药业", "Pharmaceutical", "chemical", "重点管理"),
    "2661": ("化学试剂和助剂制造", "Chemical reagents and auxiliaries", "精细化工", "Fine Chemical", "chemical", "简化管理"),
    "2641": ("涂料制造", "Paints and coatings", "涂料", "Coatings", "small", "简化管理"),
    "3360": ("金属表面处理及热处理加工", "Metal surface treatment (electroplating)", "电镀", "Electroplating", "small", "重点管理"),
    "3130": ("钢压延加工", "Steel rolling", "钢业", "Steel", "chemical", "简化管理"),
    "3670": ("汽车零部件及配件制造", "Automobile parts", "汽配", "Auto Parts", "small", "登记管理"),
    "3392": ("有色金属铸造", "Non-ferrous metal casting", "铸造", "Foundry", "small", "简化管理"),
    "4411": ("火力发电", "Thermal power generation", "发电", "Power", "power", "重点管理"),
    "7724": ("危险废物治理", "Hazardous waste treatment", "环境服务", "Environmental Services", "incinerator", "重点管理"),
    "4620": ("污水处理及其再生利用", "Sewage treatment", "水务", "Water", "small", "重点管理"),
    "1713": ("棉印染精加工", "Cotton dyeing and finishing", "印染", "Dyeing", "small", "简化管理"),
    "2319": ("包装装潢及其他印刷", "Packaging printing", "印务", "Printing", "small", "登记管理"),
}

# Composition (design): park -> list of (industry, count). Parks: P1 refinery/petrochemical,
# P2 fine chemicals, P3 mixed manufacturing/metal finishing; "" = scattered firms.
COMPOSITION = {
    "P1": [("2511", 1), ("4411", 1), ("2614", 10), ("2651", 8), ("2652", 4), ("2612", 2),
           ("2611", 2), ("2521", 1), ("7724", 1), ("4620", 1), ("2661", 4)],
    "P2": [("2631", 10), ("2710", 12), ("2661", 12), ("2641", 6), ("2614", 3), ("4620", 1),
           ("7724", 1)],
    "P3": [("3360", 16), ("3130", 6), ("3670", 8), ("3392", 5), ("2641", 2), ("2319", 2),
           ("4620", 1)],
    "": [("3360", 6), ("1713", 6), ("2319", 6), ("3670", 5), ("2641", 3), ("3392", 2),
         ("2661", 2)],
}
FLAGSHIPS = ("2511", "4411")  # one large facility each; size factor 1 (magnitudes are for it)

# HJ 941-2018 Table 1 listed hazardous processes (see ../shared/refdata/standards-facts.md 1.2)
# that each industry typically runs; "储罐区" = hazardous-substance tank farm.
PROCESSES = {
    "2511": ("裂解(裂化)", "加氢", "烷基化", "储罐区"),
    "2614": ("裂解(裂化)", "氧化", "氯化", "储罐区"),
    "2651": ("聚合", "储罐区"),
    "2652": ("聚合", "储罐区"),
    "2612": ("氯碱电解", "氯化"),
    "2611": ("氧化",),
    "2521": ("炼焦", "储罐区"),
    "2631": ("氯化", "硝化", "光气化", "胺基化"),
    "2710": ("硝化", "加氢", "重氮化", "磺化"),
    "2661": ("磺化", "烷基化", "氯化"),
    "2641": ("储罐区",),
    "7724": ("焚烧",),
}

_STEMS = (("海晟", "Haisheng"), ("瀚宇", "Hanyu"), ("东屿", "Dongyu"), ("澄源", "Chengyuan"),
          ("蓝湾", "Lanwan"), ("恒澜", "Henglan"), ("宏岸", "Hong'an"), ("锦潮", "Jinchao"),
          ("明泓", "Minghong"), ("嘉屿", "Jiayu"), ("远帆", "Yuanfan"), ("汇川", "Huichuan"),
          ("晟港", "Shenggang"), ("泰汀", "Taiting"), ("盛岚", "Shenglan"), ("华滨", "Huabin"),
          ("德沣", "Defeng"), ("永湃", "Yongpai"), ("启航", "Qihang"), ("鼎澄", "Dingcheng"),
          ("中屿", "Zhongyu"), ("正澜", "Zhenglan"), ("新潮", "Xinchao"), ("博岸", "Bo'an"),
          ("凯泓", "Kaihong"), ("富汀", "Futing"), ("昌晟", "Changsheng"), ("金汐", "Jinxi"))

STATUS = ("operating", "suspended", "closed")


def _size_factor(rng, n):
    return np.clip(rng.lognormal(0.0, 0.6, n), 0.15, 4.0)


def enterprises(fr, land, parks_utm, towns, rng_ent, rng_codes) -> pd.DataFrame:
    """Registry of about 150 enterprises (three parks plus scattered small firms).

    Parameters
    ----------
    fr : geography.Frame
    land : shapely Polygon [UTM m]
    parks_utm : list of park tuples (id, name_zh, name_en, kind, geometry [UTM m])
    towns : DataFrame of town centres (admin_code, name_zh, name_en, x_m, y_m)
    rng_ent, rng_codes : numpy.random.Generator

    Returns
    -------
    DataFrame
        credit_code (GB 32100-2015, valid check character), name_zh, name_en, industry_code
        (GB/T 4754-2017), industry_name, park_id, address, admin_code, lon, lat, x_m, y_m,
        permit_no, permit_class, status, employees, contact, size_factor.
    """
    park_geom = {p[0]: p[4] for p in parks_utm}
    # scattered firms: on land, outside parks and > 1.5 km from town centres
    outside = land
    for g in park_geom.values():
        outside = outside.difference(g.buffer(300.0))
    town_xy = towns[["x_m", "y_m"]].to_numpy()
    rows, placed = [], []
    n = 0
    for park_id, comp in COMPOSITION.items():
        for ind, count in comp:
            sizes = _size_factor(rng_ent, count)
            for j in range(count):
                n += 1
                if park_id:
                    geom = park_geom[park_id]
                    x, y = random_point_in(rng_ent, geom.buffer(-150.0),
                                           np.array(placed) if placed else None, 350.0)
                else:
                    x, y = random_point_in(rng_ent, outside, town_xy, 1500.0)
                placed.append((x, y))
                size = 1.0 if ind in FLAGSHIPS else float(sizes[j])
                rows.append(dict(ind=ind, park_id=park_id, x=x, y=y, size=size))
    df = pd.DataFrame(rows)
    # admin unit = nearest town centre
    d2 = (df.x.to_numpy()[:, None] - towns.x_m.to_numpy()[None]) ** 2 + \
         (df.y.to_numpy()[:, None] - towns.y_m.to_numpy()[None]) ** 2
    near = np.argmin(d2, axis=1)
    df["admin_code"] = towns.admin_code.to_numpy()[near]
    lon, lat = to_lonlat(df.x, df.y)
    out = []
    used_names: set[str] = set()
    for i, r in df.iterrows():
        zh_ind, en_ind, zh_sfx, en_sfx, _cls, permit_cls = INDUSTRIES[r.ind]
        k = int(rng_ent.integers(len(_STEMS)))
        for step in range(len(_STEMS)):
            stem_zh, stem_en = _STEMS[(k + step) % len(_STEMS)]
            name_zh = f"{stem_zh}{zh_sfx}有限公司（虚构）"
            if name_zh not in used_names:
                break
        else:
            stem_zh, stem_en = f"{_STEMS[k][0]}{i}", f"{_STEMS[k][1]} {i}"
            name_zh = f"{stem_zh}{zh_sfx}有限公司（虚构）"
        used_names.add(name_zh)
        name_en = f"{stem_en} {en_sfx} Co., Ltd. (fictional)"
        code = make_uscc(rng_codes, DISTRICT_CODE)
        size = r["size"]
        if r.ind in FLAGSHIPS:
            pclass = "重点管理"
        elif permit_cls == "简化管理" and size > 1.8:
            pclass = "重点管理"
        elif permit_cls == "登记管理" and size > 1.5:
            pclass = "简化管理"
        else:
            pclass = permit_cls
        # 排污许可证编号: credit code + 3-digit serial + P (permit) / W (registration)
        permit_no = code + "001" + ("W" if pclass == "登记管理" else "P")
        u = rng_ent.uniform()
        status = "operating" if (r.ind in FLAGSHIPS or u < 0.90) else (
            "suspended" if u < 0.96 else "closed")
        base_emp = {"2511": 3500, "4411": 650}.get(r.ind)
        employees = base_emp if base_emp else int(np.clip(round(
            (180 if r.park_id in ("P1", "P2") else 60) * size * rng_ent.lognormal(0, 0.3)), 8, 3000))
        tn = towns.loc[near[i]]
        road_zh = {"P1": "石化", "P2": "望潮", "P3": "云岙", "": "滨海"}[r.park_id]
        road_en = {"P1": "Shihua", "P2": "Wangchao", "P3": "Yun'ao", "": "Binhai"}[r.park_id]
        no = int(rng_ent.integers(1, 999))
        out.append(dict(
            credit_code=code, name_zh=name_zh, name_en=name_en, industry_code=r.ind,
            industry_name=f"{zh_ind} / {en_ind}", park_id=r.park_id,
            address=f"{tn.name_zh}{road_zh}路{no}号（虚构） / No.{no} {road_en} Road, {tn.name_en} (fictional)",
            admin_code=r.admin_code, lon=float(lon[i]), lat=float(lat[i]),
            x_m=round(float(r.x), 1), y_m=round(float(r.y), 1), permit_no=permit_no,
            permit_class=pclass, status=status, employees=int(employees),
            contact=f"EHS officer 环保负责人, tel. 000-0000-{i + 1:04d} (fictional)",
            size_factor=round(size, 3)))
    return pd.DataFrame(out)


def stacks(ent: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Stacks (point sources) of each enterprise, parameters drawn within the ``stack`` ranges
    of ``demo_magnitudes`` for the industry's stack class; larger firms get taller stacks.

    Returns
    -------
    DataFrame
        stack_id, credit_code, height_m, diameter_m, exit_velocity_m_s, exit_temp_k, lon, lat,
        x_m, y_m, stack_class.
    """
    rows = []
    for e in ent.itertuples():
        cls = INDUSTRIES[e.industry_code][4]
        if cls == "small" and e.size_factor > 2.0:
            cls = "chemical"
        n = {"refinery": 10, "power": 2, "incinerator": 1}.get(cls)
        if n is None:
            n = int(np.clip(round(1 + e.size_factor * rng.uniform(0.8, 2.2)), 1, 5))
        for j in range(n):
            # flagship refinery also has a few small process vents
            c = "chemical" if (cls == "refinery" and j >= 7) else cls
            q = float(np.clip(0.3 + 0.25 * np.log(max(e.size_factor, 0.2)) + rng.uniform(0, 0.6),
                              0, 1))
            vals = {}
            for par in ("height_m", "diameter_m", "exit_velocity_m_s", "exit_temp_k"):
                lo, hi = mag_range(f"stack.{c}.{par}")
                frac = q if par in ("height_m", "diameter_m") else rng.uniform()
                vals[par] = lo + frac * (hi - lo)
            dist = rng.uniform(40.0, 400.0 if cls in ("refinery", "power") else 120.0)
            ang = rng.uniform(0, 2 * np.pi)
            x, y = e.x_m + dist * np.cos(ang), e.y_m + dist * np.sin(ang)
            lon, lat = to_lonlat(x, y)
            rows.append(dict(stack_id=f"{e.credit_code[-6:]}-S{j + 1:02d}",
                             credit_code=e.credit_code,
                             height_m=round(vals["height_m"], 1),
                             diameter_m=round(vals["diameter_m"], 2),
                             exit_velocity_m_s=round(vals["exit_velocity_m_s"], 1),
                             exit_temp_k=round(vals["exit_temp_k"], 1),
                             lon=float(lon), lat=float(lat), x_m=round(float(x), 1),
                             y_m=round(float(y), 1), stack_class=c))
    return pd.DataFrame(rows)


FUGITIVE_SHARE_VOC = 0.4  # design: share of VOC emitted as fugitive (tanks, LDAR, loading)
_CRITERIA = {"7446-09-5", "10102-44-0", "X-PM10", "X-PM2.5", "630-08-0"}


def emissions(ent: pd.DataFrame, stk: pd.DataFrame, outfalls: pd.DataFrame,
              rng: np.random.Generator) -> pd.DataFrame:
    """Yearly emissions per enterprise, stack (blank = fugitive or water), substance and year.

    amount = profile [t/yr] x size factor x lognormal(0, 0.3) x trend(year) x status factor,
    with the profile from the ``emission`` group of ``demo_magnitudes``. Stack emissions are split
    over the enterprise's stacks by a random share; a fixed share of VOCs is fugitive.

    Returns
    -------
    DataFrame
        credit_code, stack_id, outfall_id, cas, medium, amount_t_yr, emission_g_s (air, from
        units.t_yr_to_g_s), year, basis (permit/census/monitoring/estimate).
    """
    prof = mag_group("emission")
    by_ind = {k: g for k, g in prof.assign(ind=prof.key.str.split(".").str[1]).groupby("ind")}
    stacks_of = {k: g.stack_id.tolist() for k, g in stk.groupby("credit_code", sort=False)}
    outfall_of = dict(zip(outfalls.credit_code, outfalls.outfall_id, strict=True))
    rows = []
    for e in ent.itertuples():
        p = by_ind.get(e.industry_code)
        if p is None:
            continue
        sids = stacks_of.get(e.credit_code, [])
        share = rng.dirichlet(np.full(len(sids), 2.0)) if sids else np.array([])
        trend = rng.normal(-0.03, 0.03)  # yearly change (emission reductions), design
        for s in p.itertuples():
            base = s.value * e.size_factor * rng.lognormal(0.0, 0.3)
            for yi, year in enumerate(YEARS):
                f = (1.0 + trend) ** yi * rng.lognormal(0.0, 0.08)
                if e.status == "closed" and year == 2025:
                    continue
                if e.status == "suspended" and year == 2025:
                    f *= 0.2
                amount = base * f
                pieces = []
                if s.medium == "water":
                    pieces = [("", outfall_of.get(e.credit_code, ""), amount)]
                else:
                    fug = 0.0
                    if s.cas not in _CRITERIA and not s.cas.startswith("X-PCDD") and sids:
                        is_voc = s.cas == "X-VOCs" or s.cas in _VOC_LIKE
                        fug = FUGITIVE_SHARE_VOC if is_voc else 0.1
                    if not sids:
                        fug = 1.0
                    if fug > 0:
                        pieces.append(("", "", amount * fug))
                    for sid, sh in zip(sids, share, strict=True):
                        pieces.append((sid, "", amount * (1 - fug) * sh))
                if s.cas in _CRITERIA and e.permit_class == "重点管理":
                    basis = "monitoring"
                elif s.medium == "water" and e.permit_class == "重点管理":
                    basis = "monitoring"
                elif e.permit_class == "简化管理":
                    basis = "permit" if s.cas in _CRITERIA else "census"
                else:
                    basis = "estimate"
                for sid, oid, a in pieces:
                    rows.append((e.credit_code, sid, oid, s.cas, s.medium, a, year, basis))
    df = pd.DataFrame(rows, columns=["credit_code", "stack_id", "outfall_id", "cas", "medium",
                                     "amount_t_yr", "year", "basis"])
    df["amount_t_yr"] = _round_sig(df["amount_t_yr"].to_numpy(), 4)
    df["emission_g_s"] = np.where(df["medium"] == "air",
                                  _round_sig(units.t_yr_to_g_s(df["amount_t_yr"]), 4), np.nan)
    return df[["credit_code", "stack_id", "outfall_id", "cas", "medium", "amount_t_yr",
               "emission_g_s", "year", "basis"]]


_VOC_LIKE = {
    "71-43-2", "108-88-3", "1330-20-7", "95-47-6", "108-38-3", "106-42-3", "100-41-4", "100-42-5",
    "106-99-0", "107-13-1", "75-01-4", "75-21-8", "75-56-9", "50-00-0", "75-07-0", "107-02-8",
    "67-66-3", "56-23-5", "75-09-2", "127-18-4", "79-01-6", "107-06-2", "75-34-3", "75-35-4",
    "156-59-2", "156-60-5", "71-55-6", "79-00-5", "630-20-6", "79-34-5", "78-87-5", "96-18-4",
    "108-90-7", "95-50-1", "106-46-7", "91-20-3", "74-87-3", "106-93-4", "87-68-3", "67-56-1",
    "1634-04-4", "110-54-3", "75-15-0", "7783-06-4", "7664-41-7",
}


def _round_sig(x, sig):
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    nz = x != 0
    mag = np.floor(np.log10(np.abs(x[nz])))
    f = 10.0 ** (sig - 1 - mag)
    out[nz] = np.round(x[nz] * f) / f
    return out


def risk_management(ent: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per-enterprise attributes used by HJ 941-2018 M scoring (process sets, tank farms,
    leak monitoring, protection distance, events and penalties in the last 3 years, water
    risk-control measures). Values are drawn; larger firms are better equipped (design).

    Returns
    -------
    DataFrame
        credit_code, process_units (semicolon list), n_hazardous_process_sets, n_tank_farms,
        toxic_gas_leak_monitoring, protection_distance_ok, air_events_3yr, water_events_3yr
        (none/general/larger/major = 无/一般/较大/重大), penalised_3yr, and seven water-measure
        flags (True = in place).
    """
    rows = []
    for e in ent.itertuples():
        procs = PROCESSES.get(e.industry_code, ())
        units_ = []
        n_haz = n_tank = 0
        for p in procs:
            k = 1 + int(rng.poisson(max(e.size_factor - 0.5, 0.0)))
            if e.industry_code in FLAGSHIPS:
                k += 2
            units_.append(f"{p}x{k}")
            if p == "储罐区":
                n_tank += k
            elif p not in ("炼焦", "焚烧"):
                n_haz += k
        good = 0.75 + 0.1 * min(e.size_factor, 2.0)
        ev = rng.choice(["none", "general", "larger", "major"], p=[0.9, 0.07, 0.025, 0.005])
        wev = rng.choice(["none", "general", "larger", "major"], p=[0.93, 0.05, 0.015, 0.005])
        rows.append(dict(
            credit_code=e.credit_code, process_units=";".join(units_),
            n_hazardous_process_sets=n_haz, n_tank_farms=n_tank,
            toxic_gas_leak_monitoring=bool(rng.uniform() < good),
            protection_distance_ok=bool(rng.uniform() < 0.85),
            air_events_3yr=str(ev), water_events_3yr=str(wev),
            penalised_3yr=bool(rng.uniform() < 0.06),
            **{f"water_{m}": bool(rng.uniform() < good) for m in (
                "containment", "accident_wastewater_collection", "clean_wastewater_system",
                "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
                "hazardous_waste_management")}))
    return pd.DataFrame(rows)


def storages(ent: pd.DataFrame, rm: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Maximum on-site quantity of hazardous substances per enterprise.

    max_quantity_t = profile [t] x size_factor^0.8 x lognormal(0, 0.3), profile from the
    ``storage`` group of ``demo_magnitudes``. Process and management columns are copied from
    :func:`risk_management` for convenience (HJ 941-2018 M scoring).

    Returns
    -------
    DataFrame
        credit_code, cas, substance_name, max_quantity_t, storage_form, process_units,
        toxic_gas_leak_monitoring, air_events_3yr, water_events_3yr.
    """
    prof = mag_group("storage")
    prof = prof.assign(ind=prof.key.str.split(".").str[1])
    by_ind = {k: g for k, g in prof.groupby("ind")}
    rmi = rm.set_index("credit_code")
    rows = []
    for e in ent.itertuples():
        p = by_ind.get(e.industry_code)
        if p is None or e.status == "closed":
            continue
        m = rmi.loc[e.credit_code]
        for s in p.itertuples():
            q = s.value * e.size_factor ** 0.8 * rng.lognormal(0.0, 0.3)
            if e.industry_code in FLAGSHIPS:
                q = s.value * rng.lognormal(0.0, 0.05)
            form = "tank" if q >= 20 else ("drum/cylinder" if q < 2 else "small tank")
            rows.append(dict(credit_code=e.credit_code, cas=s.cas, substance_name=s.label,
                             max_quantity_t=float(_round_sig(np.array([q]), 3)[0]),
                             storage_form=form, process_units=m.process_units,
                             toxic_gas_leak_monitoring=bool(m.toxic_gas_leak_monitoring),
                             air_events_3yr=m.air_events_3yr, water_events_3yr=m.water_events_3yr))
    return pd.DataFrame(rows)


def water_outfalls(ent: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One outfall per enterprise with water emissions in its profile. Park firms discharge
    indirectly to their park's sewage plant; park sewage plants and scattered firms directly.

    Returns
    -------
    DataFrame
        outfall_id, credit_code, discharge_type (direct/indirect), receiving_water, lon, lat.
    """
    prof = mag_group("emission")
    water_inds = set(prof.loc[prof.medium == "water", "key"].str.split(".").str[1])
    rows = []
    for e in ent.itertuples():
        if e.industry_code not in water_inds:
            continue
        if e.park_id and e.industry_code != "4620":
            dtype, recv = "indirect", f"{e.park_id} park sewage treatment plant / 园区污水处理厂"
        elif e.park_id:
            dtype, recv = "direct", "东海近岸海域 / East China Sea coastal waters"
        else:
            dtype, recv = "direct", "鹿溪河（虚构） / Luxi River (fictional)"
        x = e.x_m + rng.uniform(-100, 100)
        y = e.y_m + rng.uniform(-100, 100)
        lon, lat = to_lonlat(x, y)
        rows.append(dict(outfall_id=f"{e.credit_code[-6:]}-W01", credit_code=e.credit_code,
                         discharge_type=dtype, receiving_water=recv, lon=float(lon),
                         lat=float(lat)))
    return pd.DataFrame(rows, columns=["outfall_id", "credit_code", "discharge_type",
                                       "receiving_water", "lon", "lat"])
