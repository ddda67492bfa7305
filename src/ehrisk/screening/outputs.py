"""Shapes of the screening outputs: records for JSON, a table with Chinese headers.

Pure: builds dicts and frames; writing files is the command's job.
"""

from __future__ import annotations

import pandas as pd

from ehrisk.io.jsonsafe import plain
from ehrisk.screening.ranking import ScreeningResult

#: Chinese headers (中文表头) for the priority-list sheet, by column.
HEADERS_ZH = {
    "rank": "排名", "cas": "CAS号", "name_zh": "中文名称", "name_en": "英文名称",
    "tier_name_zh": "管控级别", "tier_name": "tier", "score": "综合得分", "share": "得分占比",
    "cum_share": "累计占比", "base_score": "基础得分(毒性×排放×暴露)", "score_air": "大气得分",
    "score_water": "水得分", "score_soil": "土壤得分",
    "persistence_multiplier": "持久性系数", "bioaccumulation_multiplier": "生物累积性系数",
    "list_multiplier": "名录加成系数", "tw_inh": "吸入毒性权重", "tw_inh_basis": "吸入毒性依据",
    "tw_oral": "经口毒性权重", "tw_oral_basis": "经口毒性依据", "emission_t_yr": "年排放量(t)",
    "emission_t_yr_air": "大气排放(t)", "emission_t_yr_water": "水排放(t)",
    "emission_t_yr_soil": "土壤排放(t)", "n_enterprises": "排放企业数",
    "population_max": "周边人口最大值(人)", "top_enterprise": "贡献最大企业",
    "persistent": "持久性", "bioaccumulative": "生物累积性", "lists": "所列名录",
    "national_lists_zh": "所列国家名录", "priority_basis": "优先控制入选依据",
    "main_medium": "主要介质", "main_endpoint": "主要健康终点",
    "score_air_cancer": "大气致癌得分", "score_air_noncancer": "大气非致癌得分",
    "score_water_cancer": "水致癌得分", "score_water_noncancer": "水非致癌得分",
    "score_soil_cancer": "土壤致癌得分", "score_soil_noncancer": "土壤非致癌得分",
    "rank_air_cancer": "大气致癌排名", "rank_air_noncancer": "大气非致癌排名",
    "rank_water_cancer": "水致癌排名", "rank_water_noncancer": "水非致癌排名",
    "rank_soil_cancer": "土壤致癌排名", "rank_soil_noncancer": "土壤非致癌排名",
    "reason_zh": "理由", "reason_en": "reason (English)",
}

#: Chinese headers of the per-medium, per-endpoint rankings (sheet 分介质分终点排名).
VIEW_HEADERS_ZH = {
    "medium": "介质", "endpoint": "健康终点", "rank": "排名", "cas": "CAS号",
    "name_zh": "中文名称", "score": "得分", "share": "占该介质终点得分比例",
    "cum_share": "累计占比", "view_share_of_total": "该介质终点占总分比例",
    "view_counted": "参与遴选", "selected": "入选优先控制",
}




def substance_records(result: ScreeningResult) -> list[dict]:
    """One dict per substance in rank order; NaN becomes None, ``lists`` a list."""
    out = []
    for rec in result.table.to_dict(orient="records"):
        d = {k: plain(v) for k, v in rec.items()}
        d["lists"] = [x for x in str(rec["lists"]).split(";") if x]
        if d.get("rank") is not None:
            d["rank"] = int(d["rank"])
        for k in ("tier", "tier_by_score", "n_enterprises"):
            d[k] = int(d[k])
        for k in d:
            if k.startswith("rank_") and d[k] is not None:
                d[k] = int(d[k])
        out.append(d)
    return out


def chinese_table(result: ScreeningResult) -> pd.DataFrame:
    """The priority list with Chinese headers (for the XLSX sheet 优先控制污染物清单)."""
    cols = [c for c in HEADERS_ZH if c in result.table.columns]
    t = result.table[cols].copy()
    t["persistent"] = t["persistent"].map({True: "是", False: "否"})
    t["bioaccumulative"] = t["bioaccumulative"].map({True: "是", False: "否"})
    return t.rename(columns=HEADERS_ZH)


def views_table(result: ScreeningResult) -> pd.DataFrame:
    """The rankings per medium and endpoint with Chinese headers and words (sheet
    分介质分终点排名)."""
    from ehrisk.screening.priority import ENDPOINT_ZH, MEDIUM_ZH

    v = result.views if result.views is not None else pd.DataFrame(columns=list(VIEW_HEADERS_ZH))
    t = v[[c for c in VIEW_HEADERS_ZH if c in v.columns]].copy()
    t["medium"] = t["medium"].map(MEDIUM_ZH)
    t["endpoint"] = t["endpoint"].map(ENDPOINT_ZH)
    for c in ("view_counted", "selected"):
        t[c] = t[c].map({True: "是", False: "否"})
    return t.rename(columns=VIEW_HEADERS_ZH)


def result_json(result: ScreeningResult, stability: dict | None = None,
                inputs: dict | None = None) -> dict:
    """The document ``ehrisk screen --json`` prints: ``substances``, ``tiers``,
    ``stability``, ``weights``, plus ``population_method``, ``warnings`` and ``inputs``."""
    return {
        "substances": substance_records(result),
        "tiers": result.tiers(),
        "by_medium": ([{k: plain(v) for k, v in r.items()}
                       for r in result.views.to_dict(orient="records")]
                      if result.views is not None else []),
        "stability": stability or {},
        "weights": result.weights.as_dict(),
        "population_method": result.population_method,
        "warnings": list(result.warnings),
        "inputs": inputs or {},
    }
