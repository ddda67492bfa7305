"""``ehrisk runs list|show`` and ``ehrisk extract``: runs and their results from the database
(the read layer :mod:`ehrisk.results`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError
from ehrisk.io import jsonsafe

FORMATS = ("json", "csv", "xlsx", "gpkg", "geojson")
_SUFFIX_FORMAT = {".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".gpkg": "gpkg",
                  ".geojson": "geojson"}

runs_app = typer.Typer(help="Runs recorded in the database / 计算记录.", no_args_is_help=True)

DB_HELP = "Database URL or SQLite file (default: $EHRISK_DATABASE_URL or the embedded one)."


def _when(v) -> str:
    return "" if v is None else v.strftime("%Y-%m-%d %H:%M:%S")


@runs_app.command("list")
def runs_list(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    kind: str = typer.Option(None, "--kind", help="Only runs of this kind (study, map, ...)."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many runs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List runs, newest first: id, kind, started (UTC), status and steps ran/not run/failed."""
    from ehrisk.results import list_runs, open_run_engine

    runs = list_runs(open_run_engine(db), kind=kind, limit=limit)
    if as_json:
        print_json(runs)
        return
    rows = [{"id": r["id"], "kind": r["kind"], "label": r["label"] or "",
             "started (UTC)": _when(r["started_utc"]), "status": r["status"],
             "ran / not run / failed": "{ran} / {not_run} / {failed}".format(**r["steps"])}
            for r in runs]
    print_table(rows, title="runs / 计算记录")


@runs_app.command("show")
def runs_show(
    run: str = typer.Argument(..., help="Run id, 'latest' or 'latest:<kind>'."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a run: settings, provenance, each step's outcome and the artefacts."""
    from ehrisk.results import get_run, open_run_engine

    r = get_run(open_run_engine(db), run)
    if as_json:
        print_json(r)
        return
    console.print(f"[bold]run {r['id']}[/] {r['kind']}  {r['label'] or ''}  status: "
                  f"[bold]{r['status']}[/]" + ("  (synthetic / 合成数据)" if r["synthetic"]
                                              else ""), highlight=False)
    console.print(f"started {_when(r['started_utc'])} UTC, finished "
                  f"{_when(r['finished_utc']) or '-'}; ehrisk {r['ehrisk_version']}",
                  highlight=False)
    if r["error"]:
        console.print(f"[red]error:[/] {r['error']}", highlight=False, markup=False)
    console.print("[bold]settings[/]")
    console.print(jsonsafe.dumps(r["settings"], indent=2), markup=False, highlight=False)
    prov = dict(r["provenance"])
    refs = prov.pop("reference_tables", None)
    console.print("[bold]provenance[/]" + (f" ({len(refs)} reference-table checksums, see "
                                           "--json)" if refs else ""))
    console.print(jsonsafe.dumps(prov, indent=2), markup=False, highlight=False)
    steps = [{"step": o.get("step"), "status": o.get("status"), "seconds": o.get("seconds"),
              "summary or reason": o.get("reason") or jsonsafe.dumps(o.get("summary") or {})}
             for o in r["steps"]]
    print_table(steps, title="steps / 步骤")
    arts = [{"name": a["name"], "kind": a["kind"], "rows": a["rows"],
             "bytes": a["bytes"], "file": a["relpath"] or ""} for a in r["artefacts"]]
    print_table(arts, title="artefacts / 结果")


def _plain_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Geometry columns as WKT text (for JSON, CSV and XLSX)."""
    import geopandas as gpd

    if not isinstance(df, gpd.GeoDataFrame):
        return pd.DataFrame(df)
    out = pd.DataFrame(df).copy()
    for c in out.columns:
        if isinstance(out[c].dtype, gpd.array.GeometryDtype):
            out[c] = gpd.GeoSeries(out[c]).to_wkt()
    return out


def _geo(df: pd.DataFrame, name: str, fmt: str):
    import geopandas as gpd

    if not isinstance(df, gpd.GeoDataFrame) or df._geometry_column_name not in df.columns:
        raise EhriskError(f"{name} has no geometry; --format {fmt} needs one (use json, csv "
                          "or xlsx)")
    return df


def _layer(name: str) -> str:
    return name.replace("/", "_")


def _write(df: pd.DataFrame, name: str, fmt: str, out: Path | None) -> None:
    if fmt == "json":
        text = jsonsafe.dumps(_plain_frame(df), indent=2)
        if out is None:
            typer.echo(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
    elif fmt == "csv":
        flat = _plain_frame(df)
        if out is None:
            flat.to_csv(sys.stdout, index=False)
        else:
            flat.to_csv(out, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        if out is None:
            raise EhriskError("--format xlsx needs -o FILE")
        flat = _plain_frame(df)
        for c in flat.columns:
            if isinstance(flat[c].dtype, pd.DatetimeTZDtype):
                flat[c] = flat[c].dt.tz_localize(None)
        flat.to_excel(out, index=False, sheet_name=_layer(name)[:31])
    elif fmt == "gpkg":
        g = _geo(df, name, fmt)
        if out is None:
            raise EhriskError("--format gpkg needs -o FILE")
        g.to_file(out, layer=_layer(name), driver="GPKG")
    elif fmt == "geojson":
        g = _geo(df, name, fmt)
        if g.crs is not None and g.crs.to_epsg() != 4326:
            g = g.to_crs(4326)   # RFC 7946: GeoJSON is in WGS84 longitude/latitude
        if out is None:
            typer.echo(g.to_json(drop_id=True, ensure_ascii=False))
        else:
            out.write_text(g.to_json(drop_id=True, ensure_ascii=False) + "\n",
                           encoding="utf-8")


def extract_cmd(
    run: str = typer.Argument(None, help="Run id, 'latest' or 'latest:<kind>'."),
    name: str = typer.Argument(None, help="Extract name, e.g. grading/codes (see --list)."),
    fmt: str = typer.Option(None, "--format", "-f",
                            help="json | csv | xlsx | gpkg | geojson (default: from -o's "
                                 "suffix, else json)."),
    out: Path = typer.Option(None, "-o", "--out", help="Write to this file."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    list_: bool = typer.Option(False, "--list", help="List the known extracts and exit."),
) -> None:
    """Read a result of a run by name (``ehrisk extract latest grading/codes --format json``).

    ``--format json`` without ``-o`` prints the rows as a JSON list on stdout; ``csv`` without
    ``-o`` prints CSV; ``xlsx`` and ``gpkg`` need ``-o``; ``gpkg`` and ``geojson`` need a table
    with geometry (GeoJSON in WGS84 longitude/latitude).
    """
    from ehrisk.results import extract, open_run_engine, registry_table

    if fmt is not None and fmt not in FORMATS:
        raise EhriskError(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
    if list_:
        rows = registry_table()
        if fmt == "json":
            print_json(rows)
        else:
            print_table([{"name": r["name"], "中文": r["title_zh"],
                          "description": r["description"]} for r in rows],
                        title="extracts / 结果提取")
        return
    if run is None or name is None:
        raise EhriskError("give RUN and NAME (e.g. `ehrisk extract latest grading/codes`), or "
                          "--list")
    if fmt is None:
        if out is not None and out.suffix.lower() in _SUFFIX_FORMAT:
            fmt = _SUFFIX_FORMAT[out.suffix.lower()]
        elif out is not None:
            raise EhriskError(f"cannot tell the format of {out.name}; give --format "
                              f"({', '.join(FORMATS)})")
        else:
            fmt = "json"
    df = extract(open_run_engine(db), run, name)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
    _write(df, name, fmt, out)
    if out is not None:
        typer.echo(f"{name}: {len(df)} rows -> {out}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")
    app.command("extract")(extract_cmd)
