"""What can be imported: one :class:`Kind` per table, its fields, Chinese template headers,
natural key and accepted values (English codes with their Chinese equivalents).

This is the single declarative schema that drives the importer, the XLSX templates
(``ehrisk template <kind>``) and the documentation of the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ehrisk.io import tables as T
from ehrisk.io.tables import Column, Schema, headers
from ehrisk.store import credit_code as _credit
from ehrisk.store import models as m

MET_PARAMETERS = ("wind_dir_deg", "wind_speed_m_s", "temp_k", "temp_c", "cloud_cover_tenths",
                  "ceiling_height_m", "mixing_height_m")
"""Observation parameters accepted for meteorological stations (hourly surface observations
read by :func:`ehrisk.store.region.met_from_store`), kept as written."""


def _parse_credit(s: str, c: Column, ctx: dict) -> str:
    why = _credit.problem(s)
    if why:
        raise T.CellError(why)
    return _credit.normalize(s)


T.register_kind("credit", _parse_credit)


def Field(name: str, zh: str, kind: str = "str", required: bool = False,  # noqa: N802
          choices: dict | None = None, min_value: float | None = None,
          limit: str | None = None, aliases: tuple[str, ...] = (), help_zh: str = "",
          keep: tuple[str, ...] = ()) -> Column:
    """One column of an import file, as an :class:`ehrisk.io.tables.Column`.

    Parameters
    ----------
    name : str
        Canonical name (model attribute or a special input such as ``unit``).
    zh : str
        Chinese header written in the template (units in brackets); names the column in
        problems.
    kind : {"str", "float", "int", "bool", "date", "datetime", "credit", "cas", "substance",
            "choice"}
        How a cell is parsed and checked.
    required : bool
        Whether the column must be present and every cell filled.
    choices : dict or None
        Accepted spellings (lower case) -> stored code, for ``kind="choice"``.
    min_value : float or None
        Smallest accepted value of a number.
    limit : str or None
        Key in the ``store_checks`` table for the largest plausible value.
    aliases : tuple of str
        Other accepted headers.
    help_zh : str
        Explanation written into the template's 说明 sheet.
    keep : tuple of str
        Values accepted as written.
    """
    return Column(name, kind, required=required, aliases=tuple(aliases),
                  min_value=min_value, allow_blank=not required, choices=choices, zh=zh,
                  limit=limit, help_zh=help_zh, keep=tuple(keep))


@dataclass(frozen=True)
class Kind:
    """One importable table: its columns (a :class:`ehrisk.io.tables.Schema`), the model it
    is stored in and its natural key."""

    name: str
    zh: str
    model: type
    key: tuple[str, ...]
    fields: tuple[Column, ...]
    child: bool = False           # belongs to an enterprise (has credit_code -> enterprise_id)
    geometry: str | None = None   # "point" (lon/lat) or "polygon" (geom_wkt) from GIS files
    versioned: bool = True
    extra: dict = field(default_factory=dict)
    schema: Schema = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema", Schema(self.fields, name=self.name))

    def field(self, name: str) -> Column:
        return self.schema.column(name)

    @property
    def stored(self) -> tuple[str, ...]:
        """Model attributes written from the file (credit_code of children excluded)."""
        cols = set(self.model.__table__.columns.keys())
        return tuple(f.name for f in self.fields if f.name in cols and f.name != "id")


def _choices(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, spellings in pairs.items():
        for s in (code, code.replace("_", " "), *spellings):
            out[s.lower()] = code
    return out


STATUS = _choices({"operating": ("在产", "运行", "正常生产", "生产"),
                   "suspended": ("停产", "停产整治", "临时停产"),
                   "closed": ("关闭", "关停", "注销", "已关闭")})
MEDIUM = dict(T.MEDIUM_CHOICES)
BASIS = _choices({"permit": ("排污许可", "许可", "许可排放量"),
                  "census": ("污染源普查", "普查", "二污普"),
                  "monitoring": ("监测", "自行监测", "在线监测", "监督性监测"),
                  "estimate": ("估算", "核算", "产排污系数")})
RECEPTOR = _choices({"school": ("学校", "中小学"), "kindergarten": ("幼儿园", "托儿所"),
                     "hospital": ("医院", "医疗机构"),
                     "care_home": ("养老院", "敬老院", "养老机构", "care home"),
                     "residential_area": ("居民区", "居住区", "小区", "村庄"),
                     "drinking_water_source": ("饮用水水源地", "水源地", "饮用水源"),
                     "other": ("其他",)})
STATION = _choices({"air": ("大气", "空气", "环境空气"), "water": ("水", "地表水", "地下水"),
                    "soil": ("土壤",), "voc": ("VOCs", "特征污染物"), "met": ("气象",)})
DISCHARGE = _choices({"direct": ("直接排放", "直排"), "indirect": ("间接排放", "间排", "纳管")})
PROBLEM = _choices({"open": ("待整改", "未整改", "新发现"), "in_progress": ("整改中",),
                    "rectified": ("已整改", "整改完成"), "verified": ("已销号", "已核查", "销号"),
                    "overdue": ("逾期", "超期")})

CREDIT = Field("credit_code", "统一社会信用代码", "credit", True, aliases=headers("credit_code"),
               help_zh="18位，按GB 32100-2015校验")
LON = Field("lon", "经度", "float", aliases=headers("lon", "x"),
            help_zh="十进制度，WGS84/CGCS2000；高德/腾讯坐标（GCJ-02）导入时加 --crs gcj02")
LAT = Field("lat", "纬度", "float", aliases=headers("lat", "y"), help_zh="十进制度")

KINDS: dict[str, Kind] = {}


def _add(k: Kind) -> None:
    KINDS[k.name] = k


_add(Kind("enterprises", "企业", m.Enterprise, ("credit_code",), (
    CREDIT,
    Field("name", "企业名称", required=True, aliases=headers("enterprise_name", "name_zh", "名称")),
    Field("name_en", "英文名称"),
    Field("industry_code", "行业代码", aliases=("行业类别代码",), help_zh="GB/T 4754-2017 国民经济行业分类代码"),
    Field("industry_name", "行业名称", aliases=("行业类别",)),
    Field("park_id", "所在园区编号", aliases=("园区编号", "园区")),
    Field("address", "地址", aliases=("生产经营场所地址",)),
    Field("admin_code", "行政区划代码", aliases=("区划代码",), help_zh="GB/T 2260 行政区划代码"),
    LON, LAT,
    Field("permit_no", "排污许可证编号", aliases=("许可证编号",)),
    Field("permit_class", "排污许可管理类别", aliases=("管理类别",), help_zh="重点管理/简化管理/登记管理"),
    Field("status", "生产状态", "choice", choices=STATUS, help_zh="在产/停产/关闭"),
    Field("employees", "职工人数", "int", min_value=0),
    Field("contact", "联系人及电话", aliases=("联系人",)),
), geometry="point"))

_add(Kind("stacks", "排气筒", m.Stack, ("credit_code", "stack_id"), (
    CREDIT,
    Field("stack_id", "排气筒编号", required=True, aliases=headers("source_id", "stack_id"),
          help_zh="如 DA001"),
    Field("name", "排气筒名称"),
    Field("height_m", "高度(m)", "float", True, min_value=0, limit="stack_height_m_max",
          aliases=("排气筒高度(m)", "height")),
    Field("diameter_m", "出口内径(m)", "float", True, min_value=0, limit="stack_diameter_m_max",
          aliases=("内径(m)", "diameter")),
    Field("exit_velocity_m_s", "烟气流速(m/s)", "float", min_value=0,
          limit="exit_velocity_m_s_max", aliases=("出口流速(m/s)",)),
    Field("exit_temp_k", "烟气温度(K)", "float", min_value=0, aliases=("出口温度(K)",),
          help_zh="开尔文；摄氏度请加273.15"),
    LON, LAT,
), child=True, geometry="point"))

_add(Kind("outfalls", "废水排放口", m.Outfall, ("credit_code", "outfall_id"), (
    CREDIT,
    Field("outfall_id", "排放口编号", required=True, aliases=headers("source_id", "outfall_id"),
          help_zh="如 DW001"),
    Field("discharge_type", "排放方式", "choice", choices=DISCHARGE, help_zh="直接排放/间接排放"),
    Field("receiving_water", "受纳水体", aliases=("受纳水体名称",)),
    LON, LAT,
), child=True, geometry="point"))

_add(Kind("emissions", "排放量", m.Emission,
          ("credit_code", "source_id", "cas", "medium", "year", "basis"), (
    CREDIT,
    Field("source_id", "排放口编号", aliases=headers("source_id", "排气筒编号", "stack_id",
                                                    "outfall_id"),
          help_zh="可空（全厂合计）；填写时须已导入该排气筒/排放口"),
    Field("cas", "污染物(CAS号或名称)", "substance", True, aliases=headers("substance", "cas")),
    Field("medium", "介质", "choice", True, choices=MEDIUM, aliases=headers("medium"),
          help_zh="大气/水/土壤"),
    Field("year", "年份", "int", True, min_value=1900, aliases=headers("year")),
    Field("basis", "数据来源", "choice", True, choices=BASIS, aliases=headers("basis"),
          help_zh="排污许可/污染源普查/监测/估算"),
    Field("amount_as_given", "排放量", "float", True, min_value=0, aliases=headers("amount")),
    Field("unit_as_given", "单位", "str", True, aliases=headers("unit"),
          help_zh="t/a、kg/a、g/a 等"),
), child=True))

_add(Kind("storages", "风险物质", m.Storage, ("credit_code", "cas", "storage_form"), (
    CREDIT,
    Field("cas", "CAS号", "cas", True, aliases=headers("substance", "cas")),
    Field("substance_name", "物质名称", aliases=("风险物质名称",)),
    Field("max_quantity_t", "最大存在总量(t)", "float", True, min_value=0, limit="storage_t_max",
          aliases=("最大存在量(t)",), help_zh="HJ 941-2018 Q值计算用"),
    Field("storage_form", "储存方式", aliases=("储存形式",), help_zh="储罐/桶装/钢瓶 等"),
    Field("process_units", "涉及工艺单元", aliases=("生产工艺",)),
), child=True))

_add(Kind("receptors", "敏感受体", m.Receptor, ("receptor_id",), (
    Field("receptor_id", "受体编号", required=True),
    Field("type", "受体类型", "choice", True, choices=RECEPTOR,
          help_zh="学校/幼儿园/医院/养老院/居民区/饮用水水源地/其他"),
    Field("name", "名称", required=True, aliases=("name_zh",)),
    Field("name_en", "英文名称"),
    Field("admin_code", "行政区划代码"),
    LON, LAT,
    Field("population", "人数", "int", min_value=0, limit="receptor_population_max",
          aliases=headers("population")),
    Field("population_kind", "人数类别", help_zh="学生/床位/居民 等"),
    Field("geom_wkt", "范围(WKT)", aliases=("wkt", "geometry")),
), geometry="point"))

_add(Kind("parks", "园区", m.Park, ("park_id",), (
    Field("park_id", "园区编号", required=True),
    Field("name", "园区名称", required=True, aliases=("name_zh",)),
    Field("name_en", "英文名称"),
    Field("kind", "园区类型"),
    Field("admin_code", "行政区划代码"),
    Field("geom_wkt", "范围(WKT)", aliases=("wkt", "geometry")),
), geometry="polygon"))

_add(Kind("admin_units", "行政区", m.AdminUnit, ("admin_code",), (
    Field("admin_code", "行政区划代码", required=True),
    Field("name", "名称", required=True, aliases=("name_zh",)),
    Field("name_en", "英文名称"),
    Field("parent_code", "上级区划代码", aliases=("district_code",)),
    Field("population", "常住人口", "int", min_value=0, aliases=headers("population")),
    Field("geom_wkt", "范围(WKT)", aliases=("wkt", "geometry")),
), geometry="polygon"))

_add(Kind("population", "人口网格", m.PopulationCell, ("cell_id",), (
    Field("cell_id", "网格编号", required=True),
    Field("lon", "中心经度", "float", True, aliases=headers("lon")),
    Field("lat", "中心纬度", "float", True, aliases=headers("lat")),
    Field("pop_persons", "人口(人)", "float", True, min_value=0, aliases=headers("population")),
    Field("cell_size_m", "网格边长(m)", "float", min_value=0),
    Field("admin_code", "行政区划代码"),
), geometry="point", versioned=False))

_add(Kind("stations", "监测站点", m.Station, ("station_id",), (
    Field("station_id", "站点编号", required=True),
    Field("kind", "站点类型", "choice", True, choices=STATION, help_zh="大气/水/土壤/VOCs/气象"),
    Field("name", "站点名称", required=True, aliases=("name_zh",)),
    Field("name_en", "英文名称"),
    Field("park_id", "所在园区编号"),
    Field("credit_code", "企业统一社会信用代码", aliases=headers("credit_code"),
          help_zh="企业自行监测点位填写"),
    LON, LAT,
), geometry="point"))

_add(Kind("observations", "监测数据", m.Observation, ("station_id", "parameter", "time_utc"), (
    Field("station_id", "站点编号", required=True),
    Field("parameter", "监测项目(CAS号或名称)", "substance", True,
          aliases=headers("substance", "监测项目", "parameter"), keep=MET_PARAMETERS),
    Field("time_utc", "监测时间", "datetime", True, aliases=("时间", "time"),
          help_zh="如 2024-01-01 08:00；未注明时区按 --tz（默认北京时间）"),
    Field("value", "监测值", "float", True, aliases=("浓度", "value")),
    Field("unit", "单位", required=True, aliases=headers("unit"),
          help_zh="μg/m3、mg/m3、mg/L、mg/kg 等"),
), versioned=False))

_add(Kind("inspections", "检查记录", m.Inspection, ("credit_code", "inspection_id"), (
    CREDIT,
    Field("inspection_id", "检查编号", required=True),
    Field("date", "检查日期", "date", True),
    Field("inspector", "检查人员", required=True, aliases=("检查人",)),
    Field("kind", "检查类型", help_zh="日常检查/专项检查/执法检查 等"),
    Field("summary", "检查情况"),
), child=True))

_add(Kind("problems", "问题清单", m.Problem, ("credit_code", "problem_id"), (
    CREDIT,
    Field("problem_id", "问题编号", required=True),
    Field("inspection_id", "检查编号"),
    Field("found_on", "发现日期", "date", True),
    Field("found_by", "发现人"),
    Field("finding", "问题描述", required=True),
    Field("measure", "整改要求", aliases=("整改措施",)),
    Field("deadline", "整改期限", "date"),
    Field("status", "整改状态", "choice", True, choices=PROBLEM,
          help_zh="待整改/整改中/已整改/已销号/逾期"),
    Field("evidence", "整改佐证", aliases=("佐证材料",)),
    Field("closed_on", "销号日期", "date"),
), child=True))

EVENTS = _choices({"none": ("无", "没有", "0"), "general": ("一般", "一般事件"),
                   "larger": ("较大", "较大事件"), "major": ("重大", "特别重大", "重大事件")})
WATER_MEASURE_ZH = {"containment": "截流措施", "accident_wastewater_collection": "事故废水收集措施",
                    "clean_wastewater_system": "清净废水系统风险防控",
                    "rainwater_system": "雨水排水系统风险防控",
                    "wastewater_treatment": "生产废水处理系统风险防控",
                    "sewer_discharge_permit": "依法获取污水排入排水管网许可",
                    "hazardous_waste_management": "危险废物规范管理"}
YESNO = "是/否（true/false、有/无、1/0）"

_add(Kind("risk_management", "环境风险管理", m.RiskManagement, ("credit_code",), (
    CREDIT,
    Field("process_units", "生产工艺", aliases=("涉及工艺",), help_zh="如 加氢x4;储罐区x3"),
    Field("n_hazardous_process_sets", "危险工艺套数", "int", True, min_value=0,
          help_zh="HJ 941-2018 表C.1 涉及危险工艺的套数"),
    Field("n_other_process_sets", "其他高温高压工艺套数", "int", min_value=0),
    Field("n_tank_farms", "储罐区个数", "int", min_value=0, aliases=("罐区数",)),
    Field("n_phase_out_sets", "淘汰类工艺套数", "int", min_value=0),
    Field("toxic_gas_leak_monitoring", "毒性气体泄漏监控预警", "bool", help_zh=YESNO),
    Field("protection_distance_ok", "卫生/大气防护距离符合要求", "bool", help_zh=YESNO),
    Field("air_events_3yr", "近3年大气突发环境事件", "choice", choices=EVENTS,
          help_zh="无/一般/较大/重大"),
    Field("water_events_3yr", "近3年水突发环境事件", "choice", choices=EVENTS,
          help_zh="无/一般/较大/重大"),
    Field("penalised_3yr", "近3年环境违法处罚", "bool", help_zh=YESNO),
    *[Field(f"water_{k}", v, "bool", help_zh=YESNO) for k, v in WATER_MEASURE_ZH.items()],
), child=True))

CHILD_KINDS = tuple(k for k, v in KINDS.items() if v.child)


def get(kind: str) -> Kind:
    """The kind named ``kind`` (English name, or its Chinese name)."""
    k = kind.strip().lower().replace("-", "_")
    if k in KINDS:
        return KINDS[k]
    for v in KINDS.values():
        if v.zh == kind.strip():
            return v
    raise KeyError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
