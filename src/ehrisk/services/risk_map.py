"""The risk map service (风险地图, 一图): inventory -> per-cell risk with attribution, monitoring
blend, zoning and the unit-emission what-if state; the writer turns the result into GIS files
and maps.

Extract names: ``risk_map/cells``, ``risk_map/zones``, ``risk_map/admin_summary``,
``risk_map/park_summary``, ``risk_map/receptors``, ``risk_map/enterprise_risk``,
``risk_map/blend_stations``; arrays ``risk_map/enterprise_scenarios`` (read back with
:func:`enterprise_risk_from_arrays`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ehrisk.errors import EhriskError
from ehrisk.inventory import Inventory
from ehrisk.io.jsonsafe import clean
from ehrisk.mapping.compute import NoMappableSubstance, RiskMapResult, compute_risk_map
from ehrisk.mapping.scenario_io import enterprise_risk_from_arrays, enterprise_risk_to_arrays
from ehrisk.services import NotRun, Products, Section, StepContext, StepResult, service, writer

__all__ = ["LevelRuleSpec", "RiskMapResult", "RiskMapSettings", "enterprise_risk_from_arrays",
           "run_risk_map", "write_risk_map"]

BLENDS = ("ratio", "residual_idw", "replace_idw", "none")
SCENARIOS = "risk_map/enterprise_scenarios"


class LevelRuleSpec(BaseModel):
    """One zoning rule: ``metric`` in [lower, upper) gives ``level`` (upper None: no bound)."""

    model_config = ConfigDict(extra="forbid")
    metric: Literal["cancer_risk", "hazard_index"]
    level: Literal["low", "medium", "high"]
    lower: float
    upper: float | None = None


class RiskMapSettings(Section):
    """Settings of the risk map (study section ``[risk_map]``, options of ``ehrisk map run``)."""

    enabled: bool = Field(True, description="Compute the risk map in a study")
    resolution_m: float = Field(250.0, description="Cell size of the map grid [m] (50-5000)")
    cutoff_m: float = Field(20_000.0, description="Dispersion cut-off distance [m] "
                            "(1000-100000)")
    blend: Literal["ratio", "residual_idw", "replace_idw", "none"] = Field(
        "ratio", description="Monitoring blend with the VOC stations: ratio | residual_idw | "
        "replace_idw | none")
    blend_radius_m: float = Field(5000.0, description="Influence radius of the blend [m] (> 0)")
    substances: list[str] = Field(default_factory=list, description="CAS numbers to map "
                                  "(default: every substance emitted to air with an "
                                  "inhalation toxicity value)")
    maps: bool = Field(True, description="Draw PNG/PDF maps")
    tile_cells: int = Field(64, description="Cells per tile side of the source-receptor "
                            "matrix (memory per tile; results do not depend on it)")
    issuer: str | None = Field(None, description="Issuing unit on the maps and the atlas "
                               "(编制单位); default [study] issuer.")
    zoning_rules: list[LevelRuleSpec] = Field(
        default_factory=list, description="Zoning rules (default: rule set 'default' of "
        "table zoning_rules)")

    @field_validator("resolution_m")
    @classmethod
    def _res(cls, v: float) -> float:
        if not 50.0 <= v <= 5000.0:
            raise ValueError(f"resolution_m must be between 50 and 5000 m, not {v:g}")
        return v

    @field_validator("cutoff_m")
    @classmethod
    def _cut(cls, v: float) -> float:
        if not 1000.0 <= v <= 100_000.0:
            raise ValueError(f"cutoff_m must be between 1000 and 100000 m, not {v:g}")
        return v

    @field_validator("blend_radius_m")
    @classmethod
    def _rad(cls, v: float) -> float:
        if not v > 0:
            raise ValueError(f"blend_radius_m must be > 0 m, not {v:g}")
        return v

    @field_validator("tile_cells")
    @classmethod
    def _tile(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"tile_cells must be >= 1, not {v}")
        return v

    @field_validator("substances")
    @classmethod
    def _subs(cls, v: list[str]) -> list[str]:
        out = [str(c).strip() for c in v if str(c).strip()]
        if len(set(out)) != len(out):
            raise ValueError("substances are given twice")
        return out

    def level_rules(self):
        """The zoning rules as :class:`ehrisk.mapping.zoning.LevelRule` (None: default set)."""
        if not self.zoning_rules:
            return None
        import pandas as pd

        from ehrisk.mapping import zoning

        try:
            return zoning.rules_from_frame(pd.DataFrame([r.model_dump() for r in
                                                         self.zoning_rules]))
        except ValueError as exc:
            raise EhriskError(f"risk_map.zoning_rules: {exc}") from None


TABLES = ("cells", "zones", "admin_summary", "park_summary", "receptors", "enterprise_risk",
          "blend_stations")


@service("risk_map", RiskMapSettings,
         needs=("enterprises", "stacks", "emissions", "meteorology", "population_grid"),
         provides=("risk_map", "enterprise_risk"), title_zh="风险地图")
def run_risk_map(inv: Inventory, s: RiskMapSettings, products: Products,
                 ctx: StepContext) -> StepResult:
    """Risk map of the inventory: long-term dispersion (unit-emission SRM per tile), optional
    blend with the VOC stations, per-cell resident/worker risk, attribution, zoning and the
    per-enterprise attributable risk with its what-if state.

    Not run (with the reason) when disabled or when no emitted substance has an inhalation
    toxicity value; inconsistent data is an :class:`~ehrisk.errors.EhriskError` naming it.
    """
    if not s.enabled:
        raise NotRun("risk_map.enabled is false")
    try:
        res = compute_risk_map(inv, resolution_m=s.resolution_m, cutoff_m=s.cutoff_m,
                               blend=None if s.blend == "none" else s.blend,
                               blend_radius_m=s.blend_radius_m, substances=s.substances or None,
                               tile_cells=s.tile_cells, level_rules=s.level_rules(),
                               progress=ctx.progress)
    except NoMappableSubstance as exc:
        raise NotRun(str(exc)) from None
    except (ValueError, KeyError) as exc:
        raise EhriskError(f"risk map: {exc}") from None
    res.summary["maps"] = bool(s.maps)
    res.summary["issuer"] = s.issuer
    _dominance_warning(res, inv)
    res.summary = clean(res.summary)
    tables = {f"risk_map/{n}": getattr(res, n) for n in TABLES}
    return StepResult(summary=res.summary, tables=tables,
                      arrays={SCENARIOS: enterprise_risk_to_arrays(res.scenarios)},
                      products={"risk_map": res, "enterprise_risk": res.scenarios},
                      payload=res)


SOURCE_ZH = {"demo": "ehrisk 合成示范区（演示数据）", "database": "风险源数据库（一库）",
             "files": "研究输入文件"}


def area_names(inv: Inventory) -> tuple[str, str]:
    """The area's names for document titles: the inventory's, or, when the database has no
    single top-level administrative unit (its name is then the placeholder "风险源数据库"),
    the names of its administrative units (up to three)."""
    if inv.source == "database" and inv.name_zh == "风险源数据库" and inv.has("admin_units"):
        a = inv.admin_units
        zh = [str(v) for v in a.get("name_zh", a["admin_code"]).astype(str)]
        en = [str(v) for v in a["name_en"].astype(str)] if "name_en" in a.columns else []
        if len(zh) <= 3:
            return "、".join(zh), ", ".join(en)
        return f"{zh[0]}等 {len(zh)} 个行政区", f"{en[0]} and {len(en) - 1} more" if en else ""
    return inv.name_zh, inv.name_en


def doc_info(inv: Inventory, res: RiskMapResult):
    """What the map documents say about the data: area, year, data source and dates, issuer
    (``risk_map.issuer``, default the study file's ``[study] issuer``; a line to fill in when
    none), date, fonts."""
    import datetime as dt

    from ehrisk import __version__
    from ehrisk.mapping.atlas import DocInfo
    from ehrisk.reports.document import BLANK_ISSUER
    from ehrisk.reports.fonts import matplotlib_rc

    year = res.summary.get("inventory_year") or inv.year
    parts = [SOURCE_ZH.get(inv.source, inv.source)]
    if year:
        parts.append(f"{int(year)}年排放清单")
    if inv.has("meteorology"):
        t = inv.meteorology["time"]
        t = t[t.dt.year == int(year)] if year and (t.dt.year == int(year)).any() else t
        parts.append(f"逐时气象 {t.min():%Y-%m-%d} 至 {t.max():%Y-%m-%d}"
                     + (f"（{inv.meta['met_source']}）" if inv.meta.get("met_source") else ""))
    if inv.has("population_grid"):
        parts.append("人口网格")
    zh, en = area_names(inv)
    return DocInfo(area_zh=zh, area_en=en, year=int(year) if year else None,
                   data_zh="；".join(parts),
                   issuer=str(res.summary.get("issuer") or BLANK_ISSUER),
                   made_on=dt.date.today().isoformat(), software=f"ehrisk {__version__}",
                   synthetic=bool(inv.synthetic), rc=matplotlib_rc())


def _dominance_warning(res: RiskMapResult, inv: Inventory) -> None:
    """Warn in the summary when a few enterprises drive most of the population-weighted risk
    (:mod:`ehrisk.mapping.dominance`): ``summary["dominance"]`` and ``summary["warnings"]``."""
    from ehrisk.mapping.dominance import dominance, enterprise_shares

    cells = res.cells
    populated = (cells["pop_persons"].to_numpy(float) > 0) & ~cells["in_park"].to_numpy(bool)
    shares = enterprise_shares(res.scenarios, cells["pop_persons"].to_numpy(float)[populated])
    names = {}
    if inv.has("enterprises") and "name_zh" in inv.enterprises.columns:
        names = dict(zip(inv.enterprises["credit_code"].astype(str),
                         inv.enterprises["name_zh"].fillna("").astype(str), strict=False))
    d = dominance(shares, names)
    res.summary["dominance"] = d or {"top_share": None, "enterprises": []}
    if d is not None:
        res.summary.setdefault("warnings", []).append(f"{d['message_zh']} / {d['message_en']}")


@writer("risk_map")
def write_risk_map(result: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    """GeoPackage, GeoTIFF, GeoJSON, CSV, metadata, what-if arrays and (unless the run's
    ``maps`` is false) one PNG per map and the atlas ``risk_map_atlas.pdf`` under
    ``out_dir / "risk_map"``, from the result and the inventory's names only (artefacts
    ``files/risk_map/<stem>_png``, ``files/risk_map/risk_map_atlas_pdf``)."""
    from ehrisk.mapping.outputs import write_risk_map as write

    res: RiskMapResult = result.payload
    maps = bool(res.summary.get("maps", True))
    return write(res, Path(out_dir) / "risk_map", maps=maps,
                 doc=doc_info(inv, res) if maps else None)
