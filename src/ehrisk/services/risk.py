"""Services: screening levels (US EPA RSL, HJ 25.3-2019) for the study's substances, and the
forward risk (CDI, HQ, HI by organ, cancer risk) of measured concentrations.

Concentrations for the risk step come from a file (``[inputs] concentrations``, the format of
:func:`ehrisk.io.concentrations.read_concentrations`) or, when the inventory has fence-line VOC
stations, from their annual means in the inventory year.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from ehrisk.inventory import Inventory
from ehrisk.services import NotRun, Products, Section, StepContext, StepResult, service, writer


class ScreeningLevelSettings(Section):
    enabled: bool = Field(True, description="Tabulate screening levels for the listed "
                                            "substances.")
    cas: list[str] = Field(default_factory=list, description="CAS numbers; empty = the "
                                                            "substances of the emissions "
                                                            "inventory.")
    media: list[Literal["air", "tapwater", "soil"]] = Field(["air"], description="Media.")
    receptors: list[str] = Field(["resident", "worker"], description="Receptors.")
    params: str = Field("epa-rsl", description="Exposure-factor set.")
    target_risk: float = Field(1e-6, gt=0, lt=1, description="Target excess lifetime cancer "
                                                             "risk.")
    target_hq: float = Field(1.0, gt=0, description="Target hazard quotient.")


class RiskSettings(Section):
    enabled: bool = Field(True, description="Run the risk engine on measured concentrations "
                                            "([inputs] concentrations, or the fence-line VOC "
                                            "stations' annual means).")
    receptor: str = Field("resident", description="Receptor (resident, worker).")
    params: str = Field("epa-rsl", description="Exposure-factor set (epa-rsl, hj25.3-2019).")
    concentrations: str | None = Field(None, description="Concentration table (set from "
                                                         "[inputs] concentrations by the study).")


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


@service("screening_levels", ScreeningLevelSettings, uses=("emitted_cas",),
         title_zh="筛选值")
def run_screening_levels(inv: Inventory, s: ScreeningLevelSettings, products: Products,
                         ctx: StepContext) -> StepResult:
    from ehrisk.risk.screening_levels import screening_level

    if not s.enabled:
        raise NotRun("disabled in the settings")
    cas_list = list(s.cas)
    if not cas_list and products.emitted_cas is not None:
        cas_list = list(products.emitted_cas)
    if not cas_list and inv.has("emissions"):
        cas_list = sorted(c for c in inv.emissions_of_year()["cas"].unique()
                          if not str(c).startswith("X-"))
    if not cas_list:
        raise NotRun("no substances: list screening_levels.cas or give emissions")
    rows = []
    for cas in cas_list:
        for medium in s.media:
            for receptor in s.receptors:
                try:
                    sl = screening_level(cas, medium, receptor=receptor, params=s.params,
                                         target_risk=s.target_risk, target_hq=s.target_hq)
                except (KeyError, ValueError, LookupError) as exc:
                    rows.append({"cas": cas, "medium": medium, "receptor": receptor,
                                 "note": str(exc.args[0] if exc.args else exc)})
                    continue
                d = sl.as_dict()
                d.pop("details", None)
                rows.append(d)
    df = pd.DataFrame(rows)
    n_ok = int(df["sl"].notna().sum()) if "sl" in df else 0
    return StepResult(summary={"levels": n_ok, "without_values": int(len(df) - n_ok)},
                      tables={"risk/screening_levels": df})


@writer("screening_levels")
def write_screening_levels(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    return {"screening_levels.csv": _write_csv(res.tables["risk/screening_levels"],
                                               Path(out_dir) / "screening_levels.csv")}


def fenceline_annual_means(inv: Inventory) -> pd.DataFrame:
    """Annual means of the fence-line VOC stations in the inventory year as a concentration
    table (``location_id, cas, medium, conc`` [ug/m3])."""
    from ehrisk.inventory import VOC_COLUMNS

    voc = inv.voc_hourly
    t = pd.to_datetime(voc["time"])
    if inv.year is not None:
        voc = voc[t.dt.year == inv.year]
    rows = []
    for cas, col in VOC_COLUMNS.items():
        if col not in voc.columns:
            continue
        for sid, v in voc.groupby("station_id")[col].mean().items():
            if pd.notna(v):
                rows.append({"location_id": str(sid), "cas": cas, "medium": "air",
                             "conc": float(v)})
    return pd.DataFrame(rows, columns=["location_id", "cas", "medium", "conc"])


@service("risk", RiskSettings, title_zh="健康风险")
def run_risk(inv: Inventory, s: RiskSettings, products: Products, ctx: StepContext
             ) -> StepResult:
    from ehrisk.risk.engine import risk_table

    if not s.enabled:
        raise NotRun("disabled in the settings")
    if s.concentrations:
        from ehrisk.io.concentrations import read_concentrations

        conc = read_concentrations(Path(s.concentrations), params=s.params)
        basis = f"file {Path(s.concentrations).name}"
    elif inv.has("voc_hourly"):
        conc = fenceline_annual_means(inv)
        if conc.empty:
            raise NotRun(f"the fence-line VOC stations have no data in {inv.year}")
        basis = f"annual means of the fence-line VOC stations in {inv.year}"
    else:
        raise NotRun("needs measured concentrations: give [inputs] concentrations, or import "
                     "VOC stations with hourly observations")
    detail, totals = risk_table(conc, receptor=s.receptor, params=s.params)
    worst = totals.sort_values("total_risk", ascending=False).iloc[0]
    return StepResult(
        summary={"basis": basis, "locations": int(len(totals)),
                 "max_cancer_risk": float(worst["total_risk"]),
                 "max_cancer_risk_location": str(worst["location_id"]),
                 "max_hi": float(totals["hi"].max()) if len(totals) else math.nan},
        tables={"risk/by_pathway": detail, "risk/totals": totals})


@writer("risk")
def write_risk(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    d = Path(out_dir) / "risk"
    return {"risk_by_pathway.csv": _write_csv(res.tables["risk/by_pathway"],
                                              d / "risk_by_pathway.csv"),
            "risk_totals.csv": _write_csv(res.tables["risk/totals"], d / "risk_totals.csv")}
