"""CLI: ``ehrisk screening-level`` and ``ehrisk risk`` (US EPA RSL engine, HJ 25.3 dispatch)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import typer

from ehrisk import units
from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError, ProblemCollector
from ehrisk.io.tables import Column, Schema, parse_frame, read_raw
from ehrisk.refdata import RefdataError

MEDIUM_ALIASES = {"air": "air", "空气": "air", "tapwater": "tapwater", "water": "tapwater",
                  "饮用水": "tapwater", "水": "tapwater", "soil": "soil", "土壤": "soil"}
UNIT_MAPS = {"air": units.AIR_CONC_TO_UG_M3, "tapwater": units.WATER_CONC_TO_UG_L,
             "soil": units.SOIL_CONC_TO_MG_KG}

CONC_SCHEMA = Schema([
    Column("cas", required=False, allow_blank=True, aliases=("CAS号", "CAS RN", "cas_no")),
    Column("name", required=False, allow_blank=True, aliases=("名称", "chemical", "substance", "污染物")),
    Column("medium", aliases=("介质",)),
    Column("concentration", kind="float", min_value=0, aliases=("conc", "浓度", "value")),
    Column("unit", aliases=("单位",)),
    Column("location_id", required=False, allow_blank=True, aliases=("点位", "location", "site")),
], name="concentrations")


def _resolve_cas(query: str) -> str:
    """CAS as given, or looked up by name when ``ehrisk.refdata.chemicals`` is present."""
    q = query.strip()
    from ehrisk.io.tables import CAS_RE
    if CAS_RE.match(q) or q.upper().startswith("X-"):
        return q
    try:
        from ehrisk.refdata import chemicals as chem_mod
    except ImportError:
        raise KeyError(f"{q!r} is not a CAS number (name lookup not available)") from None
    try:
        return str(chem_mod.lookup(q)["cas"])
    except (RefdataError, LookupError) as exc:
        raise KeyError(str(exc)) from None


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
    print_table([{k: d[k] for k in ("cas", "medium", "receptor", "cancer_sl", "noncancer_sl",
                                     "sl", "unit", "params")}],
                title=f"Screening level / 筛选值 (TR={target_risk:g}, THQ={target_hq:g})")


def read_concentrations(path: Path) -> pd.DataFrame:
    """Read and check a concentration table; return ``location_id, cas, medium, conc`` in
    standard units (ug/m3, ug/L, mg/kg). All problems are raised together (InputError)."""
    from ehrisk.risk import rsl

    fname = str(path)
    raw = read_raw(path)
    try:
        df = parse_frame(raw, CONC_SCHEMA, fname)
        cell_problems = []
    except InputError as exc:  # keep cell problems, go on to find the semantic ones too
        if any(p.row is None for p in exc.problems):
            raise
        cell_problems = exc.problems
        df = raw.rename(columns={h: CONC_SCHEMA.canonical(str(h)) or h for h in raw.columns})
        df["concentration"] = pd.to_numeric(df["concentration"], errors="coerce")
    pc = ProblemCollector(fname)
    if "cas" not in df.columns and "name" not in df.columns:
        pc.add("required column missing: give 'cas' or 'name'", column="cas")
        pc.raise_if_any()
    tox = rsl._tox(rsl.PARAMS)
    out = []
    for i, r in enumerate(df.to_dict("records")):
        row = i + 2
        cas_in = str(r.get("cas", "") or "").strip()
        name_in = str(r.get("name", "") or "").strip()
        col = "cas" if cas_in else "name"
        cas = None
        if not cas_in and not name_in:
            pc.add("no CAS number or name given", row=row, column="cas")
        else:
            try:
                cas = _resolve_cas(cas_in or name_in)
            except KeyError as exc:
                pc.add(str(exc.args[0] if exc.args else exc), row=row, column=col)
        medium = MEDIUM_ALIASES.get(str(r["medium"]).strip().lower())
        if medium is None:
            pc.add(f"unknown medium {r['medium']!r}; expected air, tapwater or soil", row=row,
                   column="medium")
        unit_key = str(r["unit"]).strip().lower().replace(" ", "").replace("³", "3")
        factor = None
        if medium is not None:
            factor = UNIT_MAPS[medium].get(unit_key)
            if factor is None:
                pc.add(f"unknown unit {r['unit']!r} for {medium}; accepted: "
                       f"{', '.join(UNIT_MAPS[medium])}", row=row, column="unit")
        if cas is not None:
            if cas not in tox.index:
                pc.add(f"no US EPA RSL toxicity values for {cas}", row=row, column=col)
            elif medium is not None and not rsl.has_values(tox.loc[[cas]], medium)[0]:
                pc.add(f"{cas} has no RSL toxicity value for the {medium} pathways "
                       f"(inhalation needs IUR or RfC; oral needs SFO or RfD)", row=row, column=col)
        conc = r["concentration"]
        if factor is not None and cas is not None and not math.isnan(conc) and conc >= 0:
            loc = str(r.get("location_id", "") or "").strip() or "all"
            out.append({"location_id": loc, "cas": cas, "medium": medium,
                        "conc": float(conc) * factor})
    problems = sorted([*cell_problems, *pc.problems], key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(out)


def _risk(path: Path, receptor: str, params: str, as_json: bool, out: Path | None,
          monte_carlo: int, seed: int | None) -> None:
    from ehrisk.risk import engine
    from ehrisk.risk import montecarlo as mc

    if params != "epa-rsl":
        raise EhriskError(f"forward risk supports --params epa-rsl only (got {params!r})")
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
        params: str = typer.Option("epa-rsl", "--params", help="epa-rsl"),
        as_json: bool = typer.Option(False, "--json", help="print JSON only"),
        out: Path = typer.Option(None, "--out", help="write per-pathway results to this CSV"),
        monte_carlo: int = typer.Option(0, "--monte-carlo", min=0, help="number of MC samples"),
        seed: int = typer.Option(None, "--seed", help="random seed for --monte-carlo"),
    ) -> None:
        """Forward health risk (HQ, HI, cancer risk) for given concentrations / 健康风险计算."""
        _risk(path, receptor, params, as_json, out, monte_carlo, seed)
