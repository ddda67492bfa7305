"""Service: PM2.5 health burden and a policy what-if on the grid (环境—经济—健康后评估).

Modelled PM2.5 of the inventory's sources (unit-emission source-receptor matrices) plus the
station-calibrated background (:mod:`ehrisk.impact.pm25_scenario`), deaths attributable and
avoided with Monte Carlo intervals, value by VSL, per-cell and per-area tables and a report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import Field, field_validator

from ehrisk.inventory import Inventory
from ehrisk.services import NotRun, Products, Section, StepContext, StepResult, service, writer


def _max_crude_rate() -> float:
    """A plausibility bound of ours (table ``impact_checks``, not a published value): a crude
    all-cause death rate above it means the daily series and the grid describe different
    populations."""
    from ehrisk.refdata import load_table

    t = load_table("impact_checks", numeric=["value"]).set_index("parameter")
    return float(t.loc["max_plausible_crude_death_rate", "value"])


MAX_PLAUSIBLE_CRUDE_RATE = _max_crude_rate()
"""Per person per year (see :func:`_max_crude_rate`)."""


class HealthImpactSettings(Section):
    enabled: bool = Field(True, description="PM2.5 health burden and a policy what-if "
                                            "(环境—经济—健康后评估) on the grid: needs the "
                                            "inventory's PM2.5 emissions, air-quality "
                                            "stations and population.")
    crf: str = Field("gemm-2018", description="Concentration-response function (crf table id; "
                                              "`ehrisk impact crfs` lists them).")
    parks: list[str] = Field(default_factory=list, description="The what-if acts on the "
                                                               "sources in these parks (empty: "
                                                               "all sources).")
    reduction: float = Field(0.3, ge=0, le=1, description="Fractional cut of their PM2.5 "
                                                          "emissions in the what-if.")
    y0_per_person_yr: float | None = Field(None, gt=0, description="Baseline death rate "
                                           "[deaths/person/yr]; default: crude rate of the "
                                           "daily health series.")
    value_id: str | None = Field("cao2023-china-vsl", description="Value per death (valuation "
                                                                  "table id); empty: no value.")
    draws: int = Field(1000, ge=1, description="Monte Carlo draws of the CRF coefficient.")
    resolution_m: float = Field(250.0, ge=50, le=5000, description="Grid cell size [m].")
    cutoff_m: float = Field(20000.0, gt=0, description="Dispersion cut-off distance [m].")

    @field_validator("crf")
    @classmethod
    def _known_crf(cls, v: str) -> str:
        from ehrisk.impact.crf import load_crf
        from ehrisk.refdata import RefdataError

        try:
            load_crf(v)
        except RefdataError as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("value_id")
    @classmethod
    def _known_value(cls, v: str | None) -> str | None:
        if v:
            from ehrisk.impact.valuation import valuation_table

            known = valuation_table()["value_id"].tolist()
            if v not in known:
                raise ValueError(f"no value {v!r} in the valuation table; known: "
                                 f"{', '.join(known)}")
        return v or None


@service("health_impact", HealthImpactSettings,
         needs=("enterprises", "stacks", "emissions", "meteorology", "population_grid",
                "stations", "air_hourly"), title_zh="健康效益评估")
def run_health_impact(inv: Inventory, s: HealthImpactSettings, products: Products,
                      ctx: StepContext) -> StepResult:
    from ehrisk.errors import InputError
    from ehrisk.impact import pm25_scenario as sc
    from ehrisk.impact.crf import load_crf
    from ehrisk.impact.valuation import valuation_table
    from ehrisk.mapping.run import build_field

    if not s.enabled:
        raise NotRun("disabled in the settings")
    em = inv.emissions_of_year()
    if sc.PM25_ID not in set(em.loc[em["medium"] == "air", "cas"]):
        raise NotRun(f"the inventory has no PM2.5 ({sc.PM25_ID}) emissions to air in {inv.year}")
    stations = inv.stations_of_kind("air_quality")
    if stations.empty:
        raise NotRun("needs air-quality stations (kind air) with coordinates for the "
                     "background")
    if s.y0_per_person_yr is None and not inv.has("health_daily"):
        raise NotRun("needs a baseline death rate: give health_impact.y0_per_person_yr or "
                     "[inputs] health_daily")
    ent = inv.enterprises
    known_parks = {str(p) for p in ent.get("park_id", pd.Series(dtype=str)).dropna()
                   if str(p).strip()}
    unknown = sorted(set(s.parks) - known_parks)
    if unknown:
        raise InputError.single("study file", f"unknown park(s) {', '.join(unknown)}; the "
                                f"region's parks: {', '.join(sorted(known_parks)) or 'none'}",
                                column="health_impact.parks")
    fld = build_field(inv, s.resolution_m, [sc.PM25_ID], s.cutoff_m, year=inv.year)
    surface = sc.surface_from_field(fld, inv.population_grid, ent, stations, inv.air_hourly,
                                    inv.year, s.parks or None)
    if surface.stations.empty:
        raise NotRun(f"no air-quality station has PM2.5 in {inv.year} for the background")
    if s.y0_per_person_yr is not None:
        y0, y0_basis = s.y0_per_person_yr, "study file"
    else:
        col = "death" if "death" in inv.health_daily.columns else None
        if col is None:
            raise NotRun("the daily health series has no 'death' column for the baseline rate")
        y0 = sc.crude_rate_per_person_yr(inv.health_daily[col].dropna(),
                                         float(surface.population.sum()))
        y0_basis = ("crude death rate of the daily health series (all ages; applied to the "
                    "whole population)")
        if y0 > MAX_PLAUSIBLE_CRUDE_RATE:
            raise NotRun(
                f"the daily health series gives {y0 * 1000:.1f} deaths per 1000 persons per year "
                f"over the grid's {surface.population.sum():.0f} residents, more than "
                f"{MAX_PLAUSIBLE_CRUDE_RATE * 1000:g}: the series covers another population "
                "than the grid; set health_impact.y0_per_person_yr")
    unit_value = None
    vt = valuation_table()
    if s.value_id:
        unit_value = float(vt.loc[vt["value_id"] == s.value_id, "value"].iloc[0])
    summ, cells = sc.scenario(surface, s.reduction, y0, load_crf(s.crf), unit_value, s.draws,
                              ctx.seed)
    summ["y0_basis"] = y0_basis
    summ["scenario"] = (f"PM2.5 emissions of the sources in {', '.join(s.parks) or 'all parks'}"
                        f" cut by {s.reduction:.0%}")
    if unit_value is not None:
        summ["value_id"] = s.value_id
        summ["value_unit"] = str(vt[vt["value_id"] == s.value_id].iloc[0]["unit"])
    summ["stations"] = surface.stations.to_dict(orient="records")
    tables = {"impact/cells": cells}
    admin = inv.admin_units
    if admin is not None and len(admin):
        areas = sc.area_summary(cells, admin.to_crs(fld.crs), "admin_code")
        names = admin.drop(columns="geometry").set_index("admin_code")
        for c in ("name_zh", "name_en"):
            if c in names.columns:
                areas.insert(1, c, areas["admin_code"].map(names[c]))
        tables["impact/admin_summary"] = areas
        summ["areas"] = areas.to_dict(orient="records")
    b = summ["burden"]
    flat = {"crf": s.crf, "background_ug_m3": round(surface.background_ug_m3, 2),
            "pm25_pop_weighted_ug_m3": round(summ["pop_weighted_before_ug_m3"], 2),
            "attributable_deaths_per_yr": round(b["attributable_deaths"], 1),
            "attributable_95": [round(b["attributable_lo"], 1), round(b["attributable_hi"], 1)],
            "scenario": summ["scenario"], "avoided_deaths_per_yr": round(summ["avoided_cases"], 3),
            "value": None if unit_value is None else round(summ["value"])}
    tables["impact/summary"] = pd.DataFrame([{k: (str(v) if isinstance(v, list) else v)
                                              for k, v in flat.items()}])
    return StepResult(summary=flat, tables=tables, payload=(summ, cells))


@writer("health_impact")
def write_health_impact(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    from ehrisk.impact.post_evaluation import report_markdown, write_docx
    from ehrisk.io import jsonsafe

    summ, cells = res.payload
    d = Path(out_dir) / "health_impact"
    d.mkdir(parents=True, exist_ok=True)
    paths = {}
    cells.to_csv(d / "cells.csv", index=False, encoding="utf-8-sig")
    paths["cells.csv"] = d / "cells.csv"
    if "impact/admin_summary" in res.tables:
        res.tables["impact/admin_summary"].to_csv(d / "admin_summary.csv", index=False,
                                                  encoding="utf-8-sig")
        paths["admin_summary.csv"] = d / "admin_summary.csv"
    (d / "summary.json").write_text(jsonsafe.dumps(summ, indent=2), encoding="utf-8")
    (d / "post_evaluation.md").write_text(report_markdown(summ, cells), encoding="utf-8")
    write_docx(d / "post_evaluation.docx", summ, cells)
    for n in ("summary.json", "post_evaluation.md", "post_evaluation.docx"):
        paths[n] = d / n
    return paths
