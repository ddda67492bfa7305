"""``ehrisk map``: the risk map (风险地图, 一图): run, zoning of a cell table, plot."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError
from ehrisk.io.tables import Column, Schema, read_table

CELL_SCHEMA = Schema([
    Column("cell_id", "str", aliases=("id", "网格编号", "cell")),
    Column("cancer_risk", "float", aliases=("risk", "致癌风险"), min_value=0, allow_blank=True),
    Column("hi", "float", aliases=("hazard_index", "危害指数"), min_value=0, allow_blank=True),
    Column("pop_persons", "float", required=False, aliases=("population", "人口"), min_value=0,
           allow_blank=True),
], name="risk cells")

RULE_SCHEMA = Schema([
    Column("metric", "str", choices=("cancer_risk", "hazard_index"), aliases=("指标",)),
    Column("level", "str", choices=("low", "medium", "high"), aliases=("等级",)),
    Column("lower", "float", aliases=("下限",)),
    Column("upper", "float", required=False, allow_blank=True, aliases=("上限",)),
], name="zoning rules")


def _rules_frame(path: Path):
    from ehrisk.mapping import zoning

    df = read_table(path, RULE_SCHEMA)
    try:
        rules = zoning.rules_from_frame(df)
    except ValueError as exc:
        raise InputError.single(str(path), str(exc)) from None
    return df, rules


def _load_rules(path: Path | None):
    """Zoning rules of a user CSV (None: the default rule set)."""
    return None if path is None else _rules_frame(path)[1]


def _rule_specs(path: Path | None) -> list[dict] | None:
    """Zoning rules of a user CSV as settings entries (``zoning_rules`` of the section)."""
    if path is None:
        return None
    import math

    return [{"metric": r.metric, "level": r.level, "lower": float(r.lower),
             "upper": float(r.upper) if math.isfinite(r.upper) else None}
            for r in _rules_frame(path)[1]]


def _inventory(demo: bool, seed: int, db: str | None, year: int | None, met: Path | None):
    """The inventory of ``map run``: the demo's or the database's (with ``--met``)."""
    met_df = None
    if met is not None:
        from ehrisk.dispersion.met import read_met_csv

        met_df = read_met_csv(met)
    if demo:
        from ehrisk.demo.inventory import inventory

        inv = inventory(seed)
        if year is not None:
            years = sorted(int(y) for y in inv.emissions["year"].unique())
            if year not in years:
                raise EhriskError(f"--year {year}: the demo has emissions for {years}")
            inv = inv.replace(year=int(year))
        if met_df is not None:
            inv = inv.replace(meteorology=met_df, meta={**inv.meta, "met_source": str(met)})
        return inv.validate()
    from ehrisk.store.db import open_engine, session_scope
    from ehrisk.store.inventory import inventory_from_store

    engine = open_engine(db)
    with session_scope(engine) as s:
        return inventory_from_store(s, year, met=met_df,
                                    met_source=str(met) if met is not None else None)


def register(app: typer.Typer) -> None:
    from ehrisk.commands._options import option, section_from_options
    from ehrisk.services.risk_map import RiskMapSettings as S

    mp = typer.Typer(help="Risk map, source attribution and zoning / 风险地图、来源解析与分区分级",
                     no_args_is_help=True)

    @mp.command("run")
    def run_cmd(
        out: Path = typer.Option(..., "--out", help="Output folder (files under OUT/risk_map)"),
        demo: bool = typer.Option(False, "--demo", help="Run on the synthetic demo region"),
        db: str = typer.Option(None, "--db", help="The risk-source database (SQLite file or "
                               "postgresql:// URL): the inventory comes from it (without "
                               "--demo) and the run is recorded in it (default with --demo: "
                               "the default database)"),
        met: Path = typer.Option(None, "--met", help="Hourly meteorology CSV/XLSX (time, "
                                 "wind_dir_deg, wind_speed_m_s, temp_k|temp_c, "
                                 "cloud_cover_tenths[, ceiling_height_m, mixing_height_m]); "
                                 "default with --db: the database's met station"),
        year: int = typer.Option(None, "--year", help="Inventory year (default: latest)"),
        seed: int = typer.Option(None, "--seed", help="Demo seed (default: the demo's)"),
        resolution_m: float = option(S, "resolution_m"),
        cutoff_m: float = option(S, "cutoff_m"),
        blend: str = option(S, "blend"),
        blend_radius_m: float = option(S, "blend_radius_m"),
        substances: list[str] = option(S, "substances", "--substance"),
        tile_cells: int = option(S, "tile_cells"),
        rules: Path = typer.Option(None, "--rules",
                                   help="Zoning rules CSV (metric, level, lower, upper)"),
        no_maps: bool = typer.Option(False, "--no-maps", help="Skip PNG/PDF maps"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only"),
    ) -> None:
        """Compute the risk map (per-cell risk, attribution, blend, zoning) as a recorded run
        and write GeoPackage, GeoTIFF, GeoJSON, CSV and maps."""
        if not demo and db is None:
            raise EhriskError("give --demo or --db (the risk-source database)")
        settings = section_from_options(
            S, resolution_m=resolution_m, cutoff_m=cutoff_m, blend=blend,
            blend_radius_m=blend_radius_m, substances=list(substances or []),
            tile_cells=tile_cells, maps=not no_maps, zoning_rules=_rule_specs(rules))
        inv = _inventory(demo, seed, db, year, met)
        from ehrisk.results import open_run_engine
        from ehrisk.services.runner import run_one

        engine = open_run_engine(db)
        input_files = {"meteorology": met} if met is not None else None

        def go(prog=None):
            return run_one("risk_map", inv, settings, engine=engine, out_dir=out,
                           kind="map", progress=prog, input_files=input_files,
                           **({"seed": seed} if seed is not None else {}))

        if as_json:
            run_id, outcome, _ = go()
        else:
            from rich.progress import Progress

            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("risk map", total=None)

                def prog(stage, done, total):
                    bar.update(task, description=stage, completed=done, total=total)

                run_id, outcome, _ = go(prog)
        if outcome.status != "ran":
            raise EhriskError(f"risk map not run: {outcome.reason}")
        s = outcome.summary
        if as_json:
            print_json({"run_id": run_id, "summary": s, "outputs": outcome.outputs})
            return
        console.print(f"[bold]{s['label']}[/]  basis: {s['basis']}")
        print_table([{k: s[k] for k in ("n_cells", "population", "pop_weighted_risk",
                                        "cases_per_yr", "max_risk_populated",
                                        "max_hi_populated")}], title="Risk map / 风险地图")
        print_table([{"level": lv, "cells": s["cells_by_level"][lv],
                      "population": s["pop_by_level"][lv]} for lv in s["cells_by_level"]],
                    title="Zoning / 分区分级")
        print_table(s["top_enterprises"], title="Top enterprises / 主要贡献企业")
        for w in s.get("warnings", []):
            console.print(f"[yellow]warning / 警示:[/] {w}", highlight=False)
        if not s["blend"].get("applied"):
            console.print(f"no monitoring blend: {s['blend'].get('reason')}")
        console.print(f"run {run_id}; {len(outcome.outputs)} files in {Path(out) / 'risk_map'}")

    @mp.command("zoning")
    def zoning_cmd(
        cells: Path = typer.Argument(..., help="CSV/XLSX: cell_id, cancer_risk, hi [, pop_persons]"),
        rules: Path = typer.Option(None, "--rules", help="Zoning rules CSV"),
        out: Path = typer.Option(None, "--out", help="Write the classified table (CSV)"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only"),
    ) -> None:
        """Classify cells into high / medium / low risk (default rules: risk >= 1E-4 or HI >= 1
        high; 1E-6 <= risk < 1E-4 or 0.1 <= HI < 1 medium)."""
        from ehrisk.mapping import zoning

        df = read_table(cells, CELL_SCHEMA)
        df["level"] = zoning.classify(df["cancer_risk"], df["hi"], _load_rules(rules))
        pop = df["pop_persons"] if "pop_persons" in df.columns else None
        rows = [{"level": lv, "cells": int((df["level"] == lv).sum()),
                 "pop_persons": float(pop[df["level"] == lv].sum()) if pop is not None else None}
                for lv in zoning.LEVELS]
        if out is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            df.to_csv(out, index=False, encoding="utf-8-sig")
        if as_json:
            print_json({"levels": rows, "cells": df[["cell_id", "level"]].to_dict("records")})
        else:
            print_table(rows, title="Zoning / 分区分级")

    @mp.command("plot")
    def plot_cmd(
        gpkg: Path = typer.Argument(..., help="risk_map.gpkg written by 'ehrisk map run'"),
        out: Path = typer.Option(..., "--out", help="PNG or PDF file"),
        metric: str = typer.Option("level", "--metric", help="level | cancer_risk | hi | ..."),
        title: str = typer.Option("", "--title"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only"),
    ) -> None:
        """Draw a map from a risk-map GeoPackage."""
        import types

        import geopandas as gpd
        import matplotlib.pyplot as plt
        import pandas as pd
        import pyogrio

        from ehrisk.mapping import atlas
        from ehrisk.reports.fonts import matplotlib_rc

        if not gpkg.exists():
            raise InputError.single(str(gpkg), "file not found")
        if out.suffix.lower() not in (".png", ".pdf"):
            raise EhriskError(f"--out must end in .png or .pdf, not {out.suffix!r}")
        try:
            layers = {n for n, _ in pyogrio.list_layers(gpkg)}
        except Exception as exc:  # pyogrio raises DataSourceError subclasses
            raise InputError.single(str(gpkg), f"not a GeoPackage: {exc}") from None
        if "cells" not in layers:
            raise InputError.single(str(gpkg), "no 'cells' layer (write it with 'ehrisk map run')")
        cells = gpd.read_file(gpkg, layer="cells")
        if metric not in cells.columns:
            raise EhriskError(f"--metric {metric!r} is not a column of the cells layer")

        label = str(cells["dataset"].iloc[0]) if "dataset" in cells.columns else ""
        meta_p = gpkg.with_name("risk_map_metadata.json")
        summary = json.loads(meta_p.read_text("utf-8")) if meta_p.exists() else {}
        if "resolution_m" not in summary:
            raise InputError.single(str(meta_p), "risk_map_metadata.json (written with the "
                                    "GeoPackage by 'ehrisk map run') is needed for the cell size")

        def opt(name):
            return gpd.read_file(gpkg, layer=name) if name in layers else pd.DataFrame()

        res = types.SimpleNamespace(
            cells=cells, admin_summary=opt("admin_summary"), park_summary=opt("park_summary"),
            receptors=opt("receptors"), enterprise_risk=opt("enterprises"), summary=summary,
            resolution_m=float(summary["resolution_m"]), crs=cells.crs.to_string(), label=label,
            legend=summary.get("legend", ""), basis=summary.get("basis", ""))
        yr = summary.get("inventory_year")
        doc = atlas.DocInfo(area_zh=title or label, year=int(yr) if yr else None,
                            synthetic=bool(summary.get("synthetic")), rc=matplotlib_rc())
        with plt.rc_context(doc.rc):
            path = str(atlas.save_page(atlas.map_figure(res, atlas.spec_for(metric), doc), out))
        if as_json:
            print_json({"output": path, "metric": metric})
        else:
            console.print(f"wrote {path}")

    app.add_typer(mp, name="map")
