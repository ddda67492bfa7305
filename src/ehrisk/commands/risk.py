"""CLI: ``ehrisk screening-level`` and ``ehrisk risk`` (US EPA RSL engine, HJ 25.3 dispatch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError
from ehrisk.io.concentrations import _resolve_cas, read_concentrations
from ehrisk.refdata import RefdataError


def _screening_level(cas: str, medium: str, receptor: str, params: str, land_use: str | None,
                     target_risk: float, target_hq: float, as_json: bool) -> None:
    from ehrisk.risk.screening_levels import screening_level

    try:
        cas_id = _resolve_cas(cas)
        sl = screening_level(cas_id, medium, receptor=receptor, params=params, land_use=land_use,
                             target_risk=target_risk, target_hq=target_hq)
    except (KeyError, ValueError, RefdataError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise EhriskError(str(msg)) from None
    d = sl.as_dict()
    if as_json:
        print_json(d)
        return
    cols = ["cas", "medium", "receptor", "cancer_sl", "noncancer_sl", "sl", "unit", "params"]
    if d.get("csat_mg_kg") is not None:  # HJ 25.3 soil: saturation limit next to the level
        cols[5:5] = ["risk_based_sl", "csat_mg_kg", "limited_by_saturation"]
    print_table([{k: d[k] for k in cols}],
                title=f"Screening level / 筛选值 (TR={target_risk:g}, THQ={target_hq:g})")


def _risk_hj25(path: Path, land_use: str, as_json: bool, out: Path | None) -> None:
    """Forward soil/groundwater risk per HJ 25.3-2019 (all pathways of the land use)."""
    import pandas as pd

    from ehrisk.risk import hj25_3_2019 as hj

    if land_use not in ("first-class", "second-class"):
        raise EhriskError(f"unknown --land-use {land_use!r}; expected first-class or "
                          "second-class")
    conc = read_concentrations(path, params="hj25.3-2019")
    parts = []
    for (loc, medium), grp in conc.groupby(["location_id", "medium"], sort=False):
        if medium == "soil":
            res = hj.soil_risk(dict(zip(grp["cas"], grp["conc"], strict=True)), land_use)
        else:  # groundwater, ug/L -> mg/L
            res = hj.groundwater_risk(dict(zip(grp["cas"], grp["conc"] / 1000.0, strict=True)),
                                      land_use)
        if "medium" not in res.columns:
            res.insert(0, "medium", medium)
        res.insert(0, "location_id", loc)
        parts.append(res)
    detail = pd.concat(parts, ignore_index=True)
    tot = detail[detail["pathway"] == "total"]
    totals = tot.groupby("location_id", sort=False).agg(total_risk=("cr", "sum"),
                                                         hi=("hq", "sum")).reset_index()
    if out is not None:
        detail.to_csv(out, index=False, encoding="utf-8-sig")
    if as_json:
        print_json({"params": "hj25.3-2019", "land_use": land_use, "file": str(path),
                    "detail": detail.to_dict("records"), "totals": totals.to_dict("records")})
        return
    cols = [c for c in ("location_id", "medium", "cas", "pathway", "cr", "hq") if c in detail]
    print_table(detail[cols].to_dict("records"),
                title=f"HJ 25.3-2019 risk / 风险 ({land_use})")
    print_table(totals.to_dict("records"), title="Totals / 合计 (CR, HI)")


def _risk(path: Path, receptor: str, params: str, as_json: bool, out: Path | None,
          monte_carlo: int, seed: int | None, land_use: str | None = None) -> None:
    from ehrisk.risk import engine
    from ehrisk.risk import montecarlo as mc

    if params == "hj25.3-2019":
        _risk_hj25(path, land_use or "first-class", as_json, out)
        return
    if params != "epa-rsl":
        raise EhriskError(f"unknown --params {params!r}; expected epa-rsl or hj25.3-2019")
    if receptor not in ("resident", "worker"):
        raise EhriskError(f"unknown receptor {receptor!r}; expected resident or worker")
    conc = read_concentrations(path)
    if receptor == "worker" and (conc["medium"] == "tapwater").any():
        raise InputError.single(str(path), "tap-water risk is defined for the resident only "
                                           "(RSL); use --receptor resident", column="medium")
    detail, totals = engine.risk_table(conc, receptor=receptor, params=params)
    result = {"receptor": receptor, "params": params, "file": str(path),
              "detail": detail.to_dict("records"), "totals": totals.to_dict("records")}
    if monte_carlo:
        factors = mc.sample_factors(monte_carlo, seed)
        locs = list(totals["location_id"])
        risk_s = np.zeros((monte_carlo, len(locs)))
        hi_s = np.zeros((monte_carlo, len(locs)))
        for (medium,), grp in conc.groupby(["medium"], sort=False):
            wide = grp.pivot_table(index="location_id", columns="cas", values="conc",
                                   aggfunc="sum", fill_value=0.0).reindex(locs, fill_value=0.0)
            r = mc.monte_carlo(wide.to_numpy(), [str(c) for c in wide.columns], str(medium),
                               receptor, factors=factors)
            risk_s += r["risk_samples"]
            hi_s += r["hi_samples"]
        result["monte_carlo"] = {
            "n": monte_carlo, "seed": seed,
            "locations": [{"location_id": loc, "risk": mc.summarize(risk_s[:, i]),
                           "hi": mc.summarize(hi_s[:, i])} for i, loc in enumerate(locs)]}
    if out is not None:
        detail.to_csv(out, index=False, encoding="utf-8")
    if as_json:
        print_json(result)
        return
    print_table(detail.to_dict("records"), title="Risk by substance and pathway / 分物质分途径风险",
                columns=["location_id", "cas", "medium", "pathway", "conc", "unit", "risk", "hq"])
    print_table(totals.to_dict("records"), title="Totals / 合计 (total cancer risk, HI)")
    if monte_carlo:
        rows = [{"location_id": x["location_id"], **{f"risk_{k}": v for k, v in x["risk"].items()},
                 **{f"hi_{k}": v for k, v in x["hi"].items()}}
                for x in result["monte_carlo"]["locations"]]
        print_table(rows, title=f"Monte Carlo (n={monte_carlo}, seed={seed})")
    if out is not None:
        console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``screening-level`` and ``risk`` to the root app."""

    @app.command("screening-level")
    def screening_level_cmd(
        cas: str = typer.Option(..., "--cas", help="CAS number or chemical name / CAS号或名称"),
        medium: str = typer.Option(..., "--medium", help="air | tapwater | soil"),
        receptor: str = typer.Option("resident", "--receptor", help="resident | worker"),
        params: str = typer.Option("epa-rsl", "--params", help="epa-rsl | hj25.3-2019"),
        land_use: str = typer.Option(None, "--land-use", help="HJ 25.3: first-class | second-class"),
        target_risk: float = typer.Option(1e-6, "--target-risk", help="target cancer risk"),
        target_hq: float = typer.Option(1.0, "--target-hq", help="target hazard quotient"),
        as_json: bool = typer.Option(False, "--json", help="print JSON only"),
    ) -> None:
        """Back-calculated screening level / 筛选值 (US EPA RSL or HJ 25.3-2019)."""
        _screening_level(cas, medium, receptor, params, land_use, target_risk, target_hq, as_json)

    @app.command("risk")
    def risk_cmd(
        path: Path = typer.Argument(..., help="concentrations CSV/XLSX: cas|name, medium, "
                                              "concentration, unit[, location_id]"),
        receptor: str = typer.Option("resident", "--receptor", help="resident | worker"),
        params: str = typer.Option("epa-rsl", "--params",
                                   help="epa-rsl (air, tapwater, soil) | hj25.3-2019 (soil, "
                                        "groundwater)"),
        land_use: str = typer.Option(None, "--land-use",
                                     help="HJ 25.3: first-class (default) | second-class"),
        as_json: bool = typer.Option(False, "--json", help="print JSON only"),
        out: Path = typer.Option(None, "--out", help="write per-pathway results to this CSV"),
        monte_carlo: int = typer.Option(0, "--monte-carlo", min=0, help="number of MC samples"),
        seed: int = typer.Option(None, "--seed", help="random seed for --monte-carlo"),
    ) -> None:
        """Forward health risk (HQ, HI, cancer risk) for given concentrations / 健康风险计算."""
        _risk(path, receptor, params, as_json, out, monte_carlo, seed, land_use)
