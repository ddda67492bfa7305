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

BLENDS = ("ratio", "residual_idw", "replace_idw", "none")


def _load_rules(path: Path | None):
    if path is None:
        return None
    from ehrisk.mapping import zoning

    df = read_table(path, RULE_SCHEMA)
    try:
        return zoning.rules_from_frame(df)
    except ValueError as exc:
        raise InputError.single(str(path), str(exc)) from None


def register(app: typer.Typer) -> None:
    mp = typer.Typer(help="Risk map, source attribution and zoning / 风险地图、来源解析与分区分级",
                     no_args_is_help=True)

    @mp.command("run")
    def run_cmd(
        out: Path = typer.Option(..., "--out", help="Output folder"),
        demo: bool = typer.Option(False, "--demo", help="Run on the synthetic demo region"),
        db: str = typer.Option(None, "--db", help="Run on the risk-source database (SQLite "
                               "file or postgresql:// URL); results are stored back"),
        met: Path = typer.Option(None, "--met", help="Hourly meteorology CSV/XLSX (time, "
                                 "wind_dir_deg, wind_speed_m_s, temp_k|temp_c, "
                                 "cloud_cover_tenths[, ceiling_height_m, mixing_height_m]); "
                                 "default with --db: the database's met station"),
        year: int = typer.Option(None, "--year", help="Inventory year (default: latest)"),
        seed: int = typer.Option(20261124, "--seed", help="Demo seed"),
        resolution_m: float = typer.Option(500.0, "--resolution-m", help="Cell size [m]"),
        cutoff_m: float = typer.Option(20_000.0, "--cutoff-m", help="Dispersion cut-off [m]"),
        blend: str = typer.Option("ratio", "--blend",
                                  help="Monitoring blend: ratio | residual_idw | replace_idw | none"),
        blend_radius_m: float = typer.Option(5000.0, "--blend-radius-m",
                                             help="Influence radius of the blend [m]"),
        rules: Path = typer.Option(None, "--rules",
                                   help="Zoning rules CSV (metric, level, lower, upper)"),
        no_maps: bool = typer.Option(False, "--no-maps", help="Skip PNG/PDF maps"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only"),
    ) -> None:
        """Compute the risk map with attribution and zoning and write GeoPackage, GeoTIFF,
        GeoJSON, CSV and maps (and, with --db, store the per-enterprise results)."""
        problems = []
        if demo == (db is not None):
            problems.append("give either --demo or --db (the risk-source database)")
        if blend not in BLENDS:
            problems.append(f"--blend must be one of {', '.join(BLENDS)}, not {blend!r}")
        if not 50 <= resolution_m <= 5000:
            problems.append("--resolution-m must be between 50 and 5000 m")
        if cutoff_m <= 0 or blend_radius_m <= 0:
            problems.append("--cutoff-m and --blend-radius-m must be > 0")
        if problems:
            raise EhriskError("; ".join(problems))
        level_rules = _load_rules(rules)
        from ehrisk.mapping.run import run_risk_map
        from ehrisk.mapping.scenario_io import FILE_NAME, save_enterprise_risk

        met_df = None
        if met is not None:
            from ehrisk.dispersion.met import read_met_csv

            met_df = read_met_csv(met)
        engine = None
        if demo:
            from ehrisk import demo as demo_mod

            region = demo_mod.generate(seed=seed)
            if met_df is not None:
                region.meteorology = met_df
            if year is not None:
                em = region.emissions
                if not (em["year"] == year).any():
                    raise EhriskError(f"--year {year}: the demo has emissions for "
                                      f"{sorted(em['year'].unique().tolist())}")
                region.emissions = em[em["year"] == year]
        else:
            from ehrisk.store.db import open_engine, session_scope
            from ehrisk.store.region import region_from_store

            engine = open_engine(db)
            with session_scope(engine) as s:
                region = region_from_store(s, year, met=met_df,
                                           met_source=str(met) if met is not None else None)
            if region.meteorology is None:
                raise EhriskError("no meteorology: give --met met.csv (hourly) or import a "
                                  "met station with hourly observations into the database")

        def go(prog=None):
            return run_risk_map(region, out, resolution_m, progress=prog,
                                blend_method=None if blend == "none" else blend,
                                blend_radius_m=blend_radius_m, cutoff_m=cutoff_m,
                                level_rules=level_rules, maps=not no_maps)

        try:
            if as_json:
                res = go()
            else:
                from rich.progress import Progress

                with Progress(console=console, transient=True) as bar:
                    task = bar.add_task("risk map", total=None)

                    def prog(stage, done, total):
                        bar.update(task, description=stage, completed=done, total=total)

                    res = go(prog)
        except (ValueError, KeyError) as exc:
            raise EhriskError(f"risk map: {exc}") from None
        res["outputs"].append(save_enterprise_risk(res["enterprise_risk"], Path(out) / FILE_NAME))
        s = res["summary"]
        run_id = None
        if engine is not None:
            from ehrisk.store.db import session_scope
            from ehrisk.store.results import save_risk_map

            with session_scope(engine) as ss:
                run_id = save_risk_map(ss, s, res["enterprise_risk"].table, str(out),
                                       cutoff_m=cutoff_m,
                                       met_source=region.meta.get("met_source"))
        keep = ("label", "basis", "resolution_m", "crs", "n_cells", "population",
                "pop_weighted_risk", "cases_per_yr", "max_risk_populated", "max_hi_populated",
                "cells_by_level", "pop_by_level", "receptors_by_level", "top_enterprises",
                "seconds")
        payload = {"outputs": res["outputs"], "summary": {k: s[k] for k in keep},
                   "risk_map_run_id": run_id}
        if as_json:
            print_json(payload)
            return
        console.print(f"[bold]{s['label']}[/]  basis: {s['basis']}")
        print_table([{k: s[k] for k in ("n_cells", "population", "pop_weighted_risk",
                                        "cases_per_yr", "max_risk_populated",
                                        "max_hi_populated")}], title="Risk map / 风险地图")
        print_table([{"level": lv, "cells": s["cells_by_level"][lv],
                      "population": s["pop_by_level"][lv]} for lv in s["cells_by_level"]],
                    title="Zoning / 分区分级")
        print_table(s["top_enterprises"], title="Top enterprises / 主要贡献企业")
        console.print(f"{len(res['outputs'])} files in {out}"
                      + (f"; stored as risk-map run {run_id}" if run_id else ""))

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
        import geopandas as gpd
        import pyogrio

        from ehrisk.mapping import plot

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

        def opt(name):
            return gpd.read_file(gpkg, layer=name) if name in layers else None

        label = str(cells["dataset"].iloc[0]) if "dataset" in cells.columns else ""
        meta_p = gpkg.with_name("risk_map_metadata.json")
        basis = json.loads(meta_p.read_text("utf-8")).get("legend", "") if meta_p.exists() else ""
        fig = plot.risk_map_figure(cells, metric=metric, admin=opt("admin_summary"),
                                   parks=opt("park_summary"), receptors=opt("receptors"),
                                   enterprises=opt("enterprises"), title=title, label=label,
                                   basis_text=basis)
        path = plot.save_map(fig, out)
        if as_json:
            print_json({"output": path, "metric": metric})
        else:
            console.print(f"wrote {path}")

    app.add_typer(mp, name="map")
