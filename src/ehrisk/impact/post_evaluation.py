"""Policy post-evaluation (环境—经济—健康后评估): avoided cases and their value between a
"before" and an "after" concentration surface, with Monte Carlo uncertainty, and its report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ehrisk.impact.hif import CRF, avoided_cases, draw_coefficients

PERCENTILES = (2.5, 50.0, 97.5)


def post_evaluation(before_conc, after_conc, population, y0, crf: CRF,
                    unit_value: float | None = None, n_draws: int = 1000, seed: int = 0,
                    cell_ids=None) -> tuple[dict, pd.DataFrame]:
    """Avoided cases and value per cell and in total.

    Parameters
    ----------
    before_conc, after_conc : array_like
        Concentration per cell before and after the policy [ug/m3] (monitoring surfaces or
        dispersion what-if results).
    population : array_like
        Exposed population per cell [persons].
    y0 : float or array_like
        Baseline incidence [cases/person/yr].
    crf : CRF
        Concentration-response function (:func:`ehrisk.impact.crf.load_crf`).
    unit_value : float or None
        Value per case [currency/case] (VSL or cost of illness); None skips valuation.
    n_draws : int
        Monte Carlo draws of the CRF coefficient (normal on its SE).
    seed : int
        Random seed; the same seed gives the same result.

    Returns
    -------
    summary : dict
        Totals: population, population-weighted concentrations [ug/m3], avoided cases
        (central and 2.5/50/97.5 percentiles), value [currency] with the same percentiles.
    per_cell : DataFrame
        ``cell_id, population, before_ug_m3, after_ug_m3, delta_ug_m3, avoided_cases,
        avoided_lo, avoided_hi`` (+ ``value``).

    References
    ----------
    BenMAP-CE User Manual, Appendix C (health impact function) and ch. 4 (valuation);
    Burnett et al. 2018 (GEMM).
    """
    b = np.asarray(before_conc, dtype=float)
    a = np.asarray(after_conc, dtype=float)
    pop = np.asarray(population, dtype=float)
    if not (b.shape == a.shape == pop.shape):
        raise ValueError(f"before, after and population differ in shape: {b.shape}, "
                         f"{a.shape}, {pop.shape}")
    y = np.broadcast_to(np.asarray(y0, dtype=float), b.shape)
    central = avoided_cases(crf, y, pop, b, a)
    draws = draw_coefficients(crf, n_draws, seed)
    cells_mc = avoided_cases(crf, y[None, :], pop[None, :], b[None, :], a[None, :],
                             coef=draws[:, None])
    lo, hi = np.percentile(cells_mc, [PERCENTILES[0], PERCENTILES[2]], axis=0)
    total_mc = cells_mc.sum(axis=1)
    ids = np.arange(len(b)) if cell_ids is None else np.asarray(cell_ids)
    per_cell = pd.DataFrame({"cell_id": ids, "population": pop, "before_ug_m3": b,
                             "after_ug_m3": a, "delta_ug_m3": b - a,
                             "avoided_cases": central, "avoided_lo": lo, "avoided_hi": hi})
    wsum = pop.sum()
    pct = np.percentile(total_mc, PERCENTILES)
    summary = {
        "crf": crf.name, "reference": crf.reference, "endpoint": crf.endpoint,
        "age_group": crf.age_group, "counterfactual_ug_m3": crf.counterfactual_ug_m3,
        "n_cells": int(len(b)), "population": float(wsum),
        "pop_weighted_before_ug_m3": float((b * pop).sum() / wsum) if wsum else None,
        "pop_weighted_after_ug_m3": float((a * pop).sum() / wsum) if wsum else None,
        "avoided_cases": float(central.sum()),
        "avoided_cases_p2_5": float(pct[0]), "avoided_cases_p50": float(pct[1]),
        "avoided_cases_p97_5": float(pct[2]), "n_draws": int(n_draws), "seed": int(seed),
    }
    if unit_value is not None:
        per_cell["value"] = central * unit_value
        summary.update({"unit_value": float(unit_value),
                        "value": float(central.sum() * unit_value),
                        "value_p2_5": float(pct[0] * unit_value),
                        "value_p97_5": float(pct[2] * unit_value)})
    return summary, per_cell


def _n(x: float) -> str:
    """A count for the report: one decimal from 10 up, three significant digits below."""
    return f"{x:,.1f}" if abs(x) >= 10 else f"{x:.3g}"


def report_markdown(summary: dict, per_cell: pd.DataFrame, top: int = 10) -> str:
    """A short Markdown report (zh/en) of a post-evaluation."""
    s = summary
    lines = [
        "# 环境—经济—健康后评估 / Environment-economy-health post-evaluation", "",
        f"- 浓度-反应函数 / CRF: `{s['crf']}` — {s['reference']}",
        f"- 健康终点 / endpoint: {s['endpoint']} ({s['age_group']}); counterfactual "
        f"{s['counterfactual_ug_m3']} ug/m3",
        f"- 人口 / population: {s['population']:,.0f} in {s['n_cells']} cells",
        f"- 人口加权浓度 / population-weighted concentration: "
        f"{s['pop_weighted_before_ug_m3']:.2f} -> {s['pop_weighted_after_ug_m3']:.2f} ug/m3",
        f"- 避免病例 / avoided cases: **{_n(s['avoided_cases'])}** (95 % MC interval "
        f"{_n(s['avoided_cases_p2_5'])} - {_n(s['avoided_cases_p97_5'])}; "
        f"{s['n_draws']} draws, seed {s['seed']})",
    ]
    if "scenario" in s:
        lines.insert(2, f"- 情景 / scenario: {s['scenario']}")
    if "burden" in s:
        b = s["burden"]
        lines.append(f"- 基准年归因死亡 / deaths attributable at the base year: "
                     f"**{_n(b['attributable_deaths'])}** (95 % MC interval "
                     f"{_n(b['attributable_lo'])} - {_n(b['attributable_hi'])}) of "
                     f"{b['baseline_deaths']:,.0f} baseline deaths")
    if "y0_basis" in s:
        lines.append(f"- 基线死亡率 / baseline rate: {s['y0_per_person_yr']:.5f} per person-year "
                     f"({s['y0_basis']})")
    if "value" in s:
        lines.append(f"- 经济价值 / value: **{s['value']:,.0f}** (95 % interval "
                     f"{s['value_p2_5']:,.0f} - {s['value_p97_5']:,.0f}) at "
                     f"{s['unit_value']:,.0f} {s.get('value_unit', '')} per case")
    lines += ["", f"## 避免病例最多的单元 / top {top} cells", "",
              "| cell | population | before | after | avoided (95 % MC) |", "|---|---|---|---|---|"]
    for r in per_cell.nlargest(top, "avoided_cases").itertuples():
        lines.append(f"| {r.cell_id} | {r.population:,.0f} | {r.before_ug_m3:.2f} | "
                     f"{r.after_ug_m3:.2f} | {r.avoided_cases:.3g} ({r.avoided_lo:.3g}-"
                     f"{r.avoided_hi:.3g}) |")
    return "\n".join(lines) + "\n"


def write_docx(path: str | Path, summary: dict, per_cell: pd.DataFrame, top: int = 10) -> Path:
    """Write the post-evaluation report as a Word document (python-docx)."""
    from docx import Document
    doc = Document()
    md = report_markdown(summary, per_cell, top).splitlines()
    doc.add_heading(md[0].lstrip("# "), level=1)
    for line in md[1:]:
        if line.startswith("## "):
            doc.add_heading(line[3:], level=2)
        elif line.startswith("- "):
            doc.add_paragraph(line[2:].replace("**", ""), style="List Bullet")
    cells = per_cell.nlargest(top, "avoided_cases")
    table = doc.add_table(rows=1, cols=5)
    for i, h in enumerate(("cell", "population", "before ug/m3", "after ug/m3", "avoided")):
        table.rows[0].cells[i].text = h
    for r in cells.itertuples():
        row = table.add_row().cells
        for i, v in enumerate((str(r.cell_id), f"{r.population:,.0f}", f"{r.before_ug_m3:.2f}",
                               f"{r.after_ug_m3:.2f}", f"{r.avoided_cases:.3g}")):
            row[i].text = v
    p = Path(path)
    doc.save(p)
    return p
