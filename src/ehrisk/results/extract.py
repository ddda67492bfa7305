"""The extract registry: results read by name (``extract(engine, run, "grading/codes")``), one
read layer for the CLI, the reports and the API (as OpenQuake's ``extract`` serves its WebUI,
QGIS plugin and CLI).

By default an extract reads the run's stored table of the same name (stored by the step that
computed it, see :meth:`ehrisk.results.runs.RunRecorder.add_table`). A function registered
with :func:`register_extract` may instead compute the extract from the run's stored tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine

from ehrisk.errors import EhriskError
from ehrisk.results.read import get_run, has_artefact, read_table, run_id_of

ExtractFn = Callable[[Engine, int], pd.DataFrame]


@dataclass(frozen=True)
class Extract:
    """A named extract.

    Attributes
    ----------
    name : str
        ``"<topic>/<table>"``, e.g. ``"grading/codes"``.
    title_zh : str
        Chinese title (shown by ``ehrisk extract --list``).
    description : str
        One line in English.
    fn : callable or None
        ``fn(engine, run_id) -> DataFrame``; None reads the stored table of the same name.
    steps : tuple of str
        Names of the steps that produce it (to explain a missing extract); by default its
        topic (the part before ``/``).
    """

    name: str
    title_zh: str = ""
    description: str = ""
    fn: ExtractFn | None = None
    steps: tuple[str, ...] = ()


EXTRACTS: dict[str, Extract] = {}


def register_extract(name: str, title_zh: str = "", description: str = "", *,
                     steps: tuple[str, ...] = ()) -> Callable[[ExtractFn], ExtractFn]:
    """Decorator: register ``fn(engine, run_id) -> DataFrame`` as the extract ``name``.

    Examples
    --------
    >>> @register_extract("grading/red", "红码企业", "Enterprises with a red code")
    ... def _red(engine, run_id):
    ...     codes = read_table(engine, run_id, "grading/codes")
    ...     return codes[codes["code"] == "red"]
    """
    def deco(fn: ExtractFn) -> ExtractFn:
        EXTRACTS[name] = Extract(name, title_zh, description, fn,
                                 tuple(steps) or (name.split("/")[0],))
        return fn
    return deco


def _stored(name: str, title_zh: str, description: str, steps: tuple[str, ...] = ()) -> None:
    EXTRACTS[name] = Extract(name, title_zh, description, None,
                             tuple(steps) or (name.split("/")[0],))


def _missing_message(engine: Engine, rid: int, name: str, ex: Extract) -> str:
    run = get_run(engine, rid)
    steps = run["steps"]
    listed = ", ".join(f"{o.get('step')} {str(o.get('status')).replace('_', ' ')}"
                       for o in steps) or "none recorded"
    why = None
    for o in steps:
        if o.get("step") in ex.steps:
            st = o.get("status")
            if st == "not_run":
                why = f"the {o['step']} step did not run: {o.get('reason') or 'no reason given'}"
            elif st == "failed":
                why = f"the {o['step']} step failed: {o.get('reason') or 'no reason given'}"
            else:
                why = f"the {o['step']} step ran but stored no {name}"
            break
    if why is None:
        why = (f"no {' or '.join(ex.steps)} step in this run" if ex.steps
               else "no step of this run produced it")
        if run["status"] != "completed":
            why += f"; the run is {run['status']}" + (f": {run['error']}" if run["error"]
                                                       else "")
    return f"run {rid} has no {name} (its steps: {listed}; {why})"


def extract(engine: Engine, run: int | str, name: str) -> pd.DataFrame:
    """The extract ``name`` of a run as a DataFrame (a GeoDataFrame where it has geometry).

    Parameters
    ----------
    engine : Engine
        The database.
    run : int or str
        Run id, ``"latest"`` or ``"latest:<kind>"``.
    name : str
        A registered extract (:data:`EXTRACTS`) or the name of a table the run stored.

    Raises
    ------
    EhriskError
        Unknown run; unknown name (the message lists the known names); a registered extract
        the run does not have (the message says which step did not run and why).
    """
    rid = run_id_of(engine, run)
    ex = EXTRACTS.get(name)
    if ex is not None and ex.fn is not None:
        return ex.fn(engine, rid)
    if has_artefact(engine, rid, name):
        return read_table(engine, rid, name)
    if ex is None:
        tables = [a["name"] for a in get_run(engine, rid)["artefacts"] if a["kind"] == "table"]
        raise EhriskError(f"unknown extract {name!r}; known extracts: {', '.join(sorted(EXTRACTS))}"
                          + (f"; run {rid} also has the tables {', '.join(tables)}"
                             if tables else ""))
    raise EhriskError(_missing_message(engine, rid, name, ex))


def registry_table() -> list[dict]:
    """The registry as rows (name, title_zh, description), sorted by name."""
    return [{"name": e.name, "title_zh": e.title_zh, "description": e.description}
            for e in sorted(EXTRACTS.values(), key=lambda e: e.name)]


def registry_markdown() -> str:
    """The registry as a Markdown table (docs/results.md keeps a copy; a test compares)."""
    lines = ["| name | 中文 | description |", "|---|---|---|"]
    lines += [f"| `{r['name']}` | {r['title_zh']} | {r['description']} |"
              for r in registry_table()]
    return "\n".join(lines)


_AIR = "air"
for _n, _zh, _d, _steps in (
    ("screening/priority_list", "优先控制污染物清单",
     "Ranked substances with scores, tiers and the priority tier (the run's screening)", ()),
    ("screening/priority_by_medium", "分介质分终点排名",
     "Substances ranked within each medium (air, water, soil) and endpoint (cancer, "
     "non-cancer), with the picks of the priority-list rule", ()),
    ("risk/screening_levels", "筛选值", "Screening levels per substance, medium and receptor",
     ()),
    ("risk/totals", "风险汇总", "Cancer risk and hazard index totals per receptor or station",
     ()),
    ("aqi/daily", "每日空气质量指数", "Daily AQI per station with sub-indices and primary "
     "pollutant", ("aqi", _AIR)),
    ("aqhi/hourly", "逐时空气质量健康指数", "Hourly AQHI per station with its health advice",
     ("aqhi", _AIR)),
    ("response/estimates", "暴露-反应关系估计", "Local exposure-response estimates (relative "
     "risk per increment, 95 % interval)", ("response", _AIR)),
    ("forecast/latest", "最新预报", "The latest 1-7 day AQI/AQHI forecast per station and day",
     ("forecast", _AIR)),
    ("forecast/evaluation", "预报评估", "Hold-out evaluation of the forecast by lead day",
     ("forecast", _AIR)),
    ("forecast/warnings", "重污染预警", "Heavy-pollution warnings issued from the forecast",
     ("forecast", _AIR)),
    ("impact/summary", "健康效益汇总", "Health impact and valuation totals (avoided cases, "
     "value)", ("impact", "health_impact")),
    ("impact/cells", "健康影响（网格）", "Health impact per population grid cell",
     ("impact", "health_impact")),
    ("risk_map/cells", "风险地图网格", "Per-cell cancer risk and hazard index with the "
     "leading enterprise and substance", ()),
    ("risk_map/zones", "风险分区", "Risk zones (polygons) by level", ()),
    ("risk_map/admin_summary", "行政区风险汇总", "Risk and exposed population per "
     "administrative unit", ()),
    ("risk_map/park_summary", "园区风险汇总", "Risk per industrial park", ()),
    ("risk_map/receptors", "敏感受体风险", "Risk at each sensitive receptor", ()),
    ("risk_map/enterprise_risk", "企业贡献风险", "Attributable risk and cases per enterprise",
     ()),
    ("risk_map/blend_stations", "融合监测站点", "Monitoring stations used in the blend with "
     "their modelled and observed concentrations", ()),
    ("risk/by_pathway", "分途径风险", "Intake, cancer risk and hazard quotient per location, "
     "substance and pathway", ()),
    ("screening/stability", "清单稳定性", "Stability of the priority list under weight "
     "changes (top-n overlap, rank correlation)", ()),
    ("impact/admin_summary", "健康影响（行政区）", "Health impact per administrative unit",
     ("impact", "health_impact")),
    ("grading/hj941", "HJ 941-2018 风险等级", "Enterprise environmental risk levels by "
     "HJ 941-2018 (Q, M, E)", ()),
    ("grading/codes", "环境健康风险码", "Risk code (red/yellow/green) per enterprise with the "
     "rules that fired", ()),
    ("grading/problems", "问题清单", "Per-enterprise problems with measures and what-if "
     "effects", ()),
    ("grading/supervision", "重点监管名单", "Enterprises for key supervision with reasons",
     ()),
    ("grading/whitelist", "白名单", "Enterprises with no or acceptable risk", ()),
):
    _stored(_n, _zh, _d, _steps)


__all__ = ["EXTRACTS", "Extract", "extract", "register_extract", "registry_markdown",
           "registry_table", "run_id_of", "read_table"]
