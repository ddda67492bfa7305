"""One overview page of a study run (运行总览): what the run found and a link to every output.

:func:`findings` turns the step summaries of a run record (:func:`ehrisk.study.run_study`) into
a few sentences, Chinese first; :func:`write_overview` writes ``overview.html`` into the output
folder with those sentences, a table of the steps (status, time, cautions) and a relative link
to every file each step wrote, the study file, ``provenance.json``, the database file and the
input files written beside them (the demo's ``region/`` folder). Links are relative, so the
folder can be moved or zipped and sent as it is.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path

OVERVIEW_NAME = "overview.html"

_STEP_TITLES_EN = {
    "screening": "priority substances", "screening_levels": "screening levels",
    "risk": "health risk at stations", "aqi": "air quality index", "aqhi": "AQHI",
    "response": "exposure-response model", "forecast": "air-quality forecast",
    "risk_map": "risk map", "grading": "enterprise grading and risk codes",
    "health_impact": "health impact", "enterprise_files": "enterprise files",
}


def _steps(record: dict) -> dict[str, dict]:
    return {s["step"]: s for s in record.get("steps", []) if s.get("status") == "ran"}


def _num(v, fmt: str = ".3g") -> str:
    try:
        return format(float(v), fmt)
    except (TypeError, ValueError):
        return str(v)


def findings(record: dict) -> list[str]:
    """Short sentences (Chinese / English) on what a run found, from its step summaries.

    Parameters
    ----------
    record : dict
        A run record (``steps`` with ``step``, ``status``, ``summary``).

    Returns
    -------
    list of str
        One sentence per step that ran and has something to report; steps whose summaries
        lack the expected keys are left out rather than guessed.
    """
    st = _steps(record)
    out: list[str] = []

    def get(step: str, key: str):
        return st.get(step, {}).get("summary", {}).get(key)

    if (top := get("screening", "top_substance")) is not None:
        tiers = get("screening", "tiers") or {}
        n = tiers.get("priority") if isinstance(tiers, dict) else None
        out.append(f"优先控制污染物 / priority substances: {n if n is not None else '?'}; "
                   f"排名第一 / first: {top}")
    if (r := get("risk", "max_cancer_risk")) is not None:
        out.append(f"监测点最大致癌风险 / highest cancer risk at a station: {_num(r)} "
                   f"({get('risk', 'max_cancer_risk_location')}), HI {_num(get('risk', 'max_hi'))}")
    if (c := get("risk_map", "cells_by_level")) is not None and isinstance(c, dict):
        pop = get("risk_map", "pop_by_level") or {}
        high = pop.get("high") if isinstance(pop, dict) else None
        out.append(f"风险地图 / risk map: {c.get('high', 0)} 高风险网格 / high cells"
                   + (f", {_num(high, ',.0f')} 人 / people in them" if high is not None else "")
                   + f"; 人口加权风险 / population-weighted risk "
                   f"{_num(get('risk_map', 'pop_weighted_risk'))}")
    if (codes := get("grading", "codes")) is not None and isinstance(codes, dict):
        zh = {"red": "红码", "yellow": "黄码", "green": "绿码"}
        order = [k for k in ("red", "yellow", "green") if k in codes] + sorted(
            k for k in codes if k not in zh)
        out.append("企业风险码 / enterprise risk codes: " + ", ".join(
            f"{zh.get(k, k)} / {k} {codes[k]}" for k in order))
    if (aqi := get("forecast", "city_aqi")) is not None:
        line = f"未来{len(aqi)}天城市AQI预报 / city AQI, next {len(aqi)} days: {aqi}"
        if (acc := get("forecast", "single_grade_accuracy")) is not None:
            line += (f"; 留出期级别准确率 / hold-out single-grade accuracy {acc:.1%}, RMSE "
                     f"{get('forecast', 'rmse')} (持续性 / persistence "
                     f"{get('forecast', 'rmse_persistence')})")
        out.append(line)
    if (d := get("health_impact", "attributable_deaths_per_yr")) is not None:
        line = f"PM2.5归因死亡 / PM2.5-attributable deaths: {_num(d)} per yr"
        if (a := get("health_impact", "avoided_deaths_per_yr")) is not None:
            line += f"; 情景可避免 / avoided by the scenario: {_num(a)} per yr"
        out.append(line)
    if "enterprise_files" in st:
        n = sum(1 for p in st["enterprise_files"].get("outputs", []) if str(p).endswith(".pdf"))
        out.append(f"一企一档 / enterprise files: {n} PDF")
    return out


def cautions(record: dict) -> list[str]:
    """Every warning and caution the run recorded (inventory and steps)."""
    out = [str(w) for w in record.get("warnings", []) or []]
    for s in record.get("steps", []):
        ws = s.get("summary", {}).get("warnings") if s.get("status") == "ran" else None
        if isinstance(ws, list):
            out += [f"{s['step']}: {w}" for w in ws]
    return out


def _rel(path: Path, base: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()


def _size(path: Path) -> str:
    n = Path(path).stat().st_size
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return ""  # pragma: no cover


def _links(paths: Iterable[Path], base: Path) -> str:
    items = []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            continue
        rel = _rel(p, base)
        items.append(f'<li><a href="{html.escape(rel, quote=True)}">{html.escape(rel)}</a> '
                     f'<span class="size">{_size(p)}</span></li>')
    return "<ul>" + "".join(items) + "</ul>" if items else "<p>—</p>"


def overview_files(record: dict, out_dir: Path, extra: Iterable[Path] = ()) -> dict[str, list]:
    """The files the overview links, by group: each step's outputs, then ``run`` (study
    file, provenance, database and ``extra``) and ``inputs`` (a ``region/`` folder of input
    files written beside them, when there is one)."""
    out_dir = Path(out_dir)
    groups: dict[str, list] = {}
    for s in record.get("steps", []):
        groups[s["step"]] = [Path(p) for p in s.get("outputs", []) or []]
    run = [Path(p) for p in extra] + [out_dir / "provenance.json"]
    db = str(record.get("database", ""))
    if db.startswith("sqlite:///"):
        run.append(Path(db[len("sqlite:///"):]))
    groups["run"] = run
    region = out_dir / "region"
    groups["inputs"] = sorted(p for p in region.rglob("*") if p.is_file()) if region.is_dir() \
        else []
    return groups


_CSS = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
max-width:60em;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;
vertical-align:top;text-align:left}.size{color:#777;font-size:.85em}.label{background:#fff3cd;
padding:.4em .6em;border:1px solid #e0c060}.caution{color:#8a4b00}ul{margin:.2em 0}"""


def write_overview(record: dict, out_dir: Path, title: str,
                   extra: Iterable[Path] = ()) -> Path:
    """Write ``overview.html`` into ``out_dir``: findings, steps, cautions, and a relative
    link to every output of the run (:func:`overview_files`).

    Parameters
    ----------
    record : dict
        The run record (:func:`ehrisk.study.run_study`).
    out_dir : Path
        The run's output folder; the page is written there.
    title : str
        Page title (the study name).
    extra : iterable of Path
        Further files of the run to link (e.g. the study file).

    Returns
    -------
    Path
        The page.
    """
    from ehrisk.services import SERVICES

    out_dir = Path(out_dir)
    groups = overview_files(record, out_dir, extra)
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
             f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(title)}</h1>"]
    if record.get("label"):
        parts.append(f"<p class='label'>{e(record['label'])}</p>")
    parts.append(f"<p>运行 / run {e(str(record.get('run_id')))} · ehrisk "
                 f"{e(str(record.get('ehrisk_version', '')))} · 数据库 / database "
                 f"<code>{e(str(record.get('database', '')))}</code></p>")
    parts.append("<h2>主要结果 / What the run found</h2><ul>"
                 + "".join(f"<li>{e(x)}</li>" for x in findings(record)) + "</ul>")
    cs = cautions(record)
    if cs:
        parts.append("<h2>注意事项 / Cautions</h2><ul>"
                     + "".join(f"<li class='caution'>{e(c)}</li>" for c in cs) + "</ul>")
    rows = []
    for s in record.get("steps", []):
        svc = SERVICES.get(s["step"])
        zh = svc.title_zh if svc is not None else ""
        en = _STEP_TITLES_EN.get(s["step"], s["step"])
        status = (f"运行 / ran, {s.get('seconds', 0):.1f} s" if s.get("status") == "ran"
                  else f"未运行 / not run: {s.get('reason', '')}")
        rows.append(f"<tr><td>{e(zh)}<br>{e(en)} (<code>{e(s['step'])}</code>)</td>"
                    f"<td>{e(status)}</td><td>{_links(groups.get(s['step'], []), out_dir)}"
                    "</td></tr>")
    parts.append("<h2>步骤与输出 / Steps and their outputs</h2><table><tr><th>步骤 / step</th>"
                 "<th>状态 / status</th><th>输出 / outputs</th></tr>" + "".join(rows)
                 + "</table>")
    parts.append("<h2>运行记录 / Run record</h2>" + _links(groups["run"], out_dir))
    if groups["inputs"]:
        parts.append("<h2>输入数据 / Input data</h2>" + _links(groups["inputs"], out_dir))
    parts.append("</body></html>")
    path = out_dir / OVERVIEW_NAME
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
