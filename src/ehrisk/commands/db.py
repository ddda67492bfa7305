"""CLI for the risk-source database (一库): ``ehrisk db``, ``ehrisk import``, ``ehrisk template``,
``ehrisk enterprise`` and ``ehrisk export``.

Every command takes ``--db`` (a SQLite file path or a ``postgresql://`` URL; default
``EHRISK_DATABASE_URL`` or ``~/.local/share/ehrisk/ehrisk.sqlite``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from ehrisk.commands._common import COORD_COLUMNS, console, fmt_coord, print_json, print_table
from ehrisk.errors import EhriskError, InputError

DB_OPT = typer.Option(None, "--db", help="Database: SQLite file path or postgresql://user:pw@"
                      "host/db (default: $EHRISK_DATABASE_URL or "
                      "~/.local/share/ehrisk/ehrisk.sqlite).")
JSON_OPT = typer.Option(False, "--json", help="Print only JSON.")

db_app = typer.Typer(help="风险源数据库 / the risk-source database: create, upgrade, demo.",
                     no_args_is_help=True)
ent_app = typer.Typer(help="企业 / enterprises: list, show, history, per-enterprise file.",
                      no_args_is_help=True)
export_app = typer.Typer(help="导出 / export the database: gpkg, xlsx, csv.",
                         no_args_is_help=True)


def _engine(db, create=True):
    from ehrisk.store.db import open_engine

    return open_engine(db, create=create)


def _parse_when(s: str | None) -> dt.datetime | None:
    """A date or date-time given in local time (UTC+8) -> naive UTC; a bare date means the
    end of that day."""
    if not s:
        return None
    import pandas as pd

    try:
        ts = pd.Timestamp(s)
    except ValueError:
        raise InputError.single("--as-of", f"not a date: {s!r} (use YYYY-MM-DD)") from None
    if len(s.strip()) <= 10:
        ts = ts + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if ts.tzinfo is None:
        ts = ts.tz_localize("Asia/Shanghai")
    return ts.tz_convert("UTC").tz_localize(None).to_pydatetime()


@db_app.command("init")
def db_init(db: str = DB_OPT, as_json: bool = JSON_OPT) -> None:
    """Create the database (or bring it to the current schema)."""
    from sqlalchemy.engine import make_url

    from ehrisk.store.db import make_engine, resolve_url, upgrade

    url = resolve_url(db)
    before, after = upgrade(make_engine(url))
    out = {"database": make_url(url).render_as_string(), "revision_before": before,
           "revision": after}
    if as_json:
        print_json(out)
    else:
        console.print(f"database {out['database']} at schema {after}"
                      + (" (created)" if before is None else ""))


@db_app.command("upgrade")
def db_upgrade(db: str = DB_OPT, as_json: bool = JSON_OPT) -> None:
    """Run the schema migrations up to the current version."""
    db_init(db, as_json)


@db_app.command("info")
def db_info(db: str = DB_OPT, as_json: bool = JSON_OPT) -> None:
    """Rows per table."""
    from sqlalchemy import func, select

    from ehrisk.store import kinds as K
    from ehrisk.store.db import session_scope

    with session_scope(_engine(db)) as s:
        counts = {n: s.scalar(select(func.count()).select_from(k.model))
                  for n, k in K.KINDS.items()}
    if as_json:
        print_json(counts)
    else:
        print_table([{"table": k, "rows": v} for k, v in counts.items()])


@db_app.command("load-demo")
def db_load_demo(db: str = DB_OPT, seed: int = typer.Option(None, help="Demo seed."),
                 observations: str = typer.Option("daily", help="daily | hourly | none"),
                 as_json: bool = JSON_OPT) -> None:
    """Load the synthetic demo region (虚构示范区) into the database."""
    from ehrisk.demo import DEFAULT_SEED, generate
    from ehrisk.store import load_demo
    from ehrisk.store.db import session_scope

    if observations not in ("daily", "hourly", "none"):
        raise InputError.single("--observations", "use daily, hourly or none")
    region = generate(DEFAULT_SEED if seed is None else seed)
    with session_scope(_engine(db)) as s:
        res = load_demo(s, region, observations=observations)
    if as_json:
        print_json(res)
    else:
        print_table(res, title="demo region loaded (synthetic data)",
                    columns=["kind", "rows", "inserted", "updated", "unchanged"])


def _kind_list() -> str:
    """The importable kinds, from the registry (the Chinese names are accepted too)."""
    from ehrisk.store import kinds as K

    return " | ".join(K.KINDS)


KINDS_HELP = _kind_list()


def _import(kind: str = typer.Argument(..., help=f"What the file holds: {KINDS_HELP}."),
            file: Path = typer.Argument(..., help="XLSX, CSV (UTF-8/GBK), GeoJSON or GPKG."),
            db: str = DB_OPT,
            crs: str = typer.Option("wgs84", help="Coordinates in the file: wgs84, cgcs2000 or "
                                    "gcj02 (AMap/Tencent; converted to WGS84)."),
            tz: str = typer.Option("Asia/Shanghai", help="Time zone of times without one."),
            sheet: str = typer.Option(None, help="Sheet (XLSX) or layer (GPKG) to read."),
            user: str = typer.Option(None, help="Who imports (default $EHRISK_USER or login)."),
            reason: str = typer.Option(None, help="Why (kept in the history)."),
            replace: bool = typer.Option(False, "--replace", help="Rows of the enterprises in "
                                         "the file that the file no longer has are deleted."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Validate only."),
            accept_outliers: bool = typer.Option(
                False, "--accept-outliers", help="Import emission amounts flagged as orders of "
                "magnitude above comparable enterprises (likely unit slips) anyway; the "
                "acceptance is kept in the change history."),
            as_json: bool = JSON_OPT) -> None:
    """导入 / import a file: all rows or none; re-importing changes nothing."""
    from ehrisk.store import kinds as K
    from ehrisk.store.importers import import_file

    try:
        K.get(kind)
    except KeyError as exc:
        raise InputError.single("<kind>", str(exc).strip("'\"")) from None
    res = import_file(_engine(db), kind, file, crs=crs, tz=tz, sheet=sheet, user=user,
                      reason=reason, replace_children=replace, dry_run=dry_run,
                      accept_outliers=accept_outliers)
    if as_json:
        print_json(res)
        return
    for o in res.get("accepted_outliers", []):
        console.print(f"warning: accepted implausible amount (--accept-outliers) / 已接受异常值: "
                      f"{o['credit_code']} {o['cas']} {o['medium']} {o['amount_t_yr']:.6g} t/yr "
                      f"= {o['amount_kg_yr']:.6g} kg/yr, {o['orders']:.1f} orders above "
                      f"{o['basis']}", highlight=False)
    if dry_run:
        console.print(f"{file}: {res['rows']} rows, no problems (nothing written)")
    elif res["inserted"] + res["updated"] + res["deleted"] == 0:
        console.print(f"{file}: {res['rows']} rows, all unchanged - nothing to do "
                      "(已是最新，无变化)")
    else:
        console.print(f"{file}: {res['rows']} rows: {res['inserted']} new, {res['updated']} "
                      f"updated, {res['unchanged']} unchanged, {res['deleted']} deleted")


def _template(kind: str = typer.Argument(..., help=f"{KINDS_HELP}; or 'all'."),
              output: Path = typer.Option(None, "-o", "--output",
                                          help="File (one kind) or folder (all)."),
              as_json: bool = JSON_OPT) -> None:
    """导入模板 / write the XLSX import template with Chinese headers."""
    from ehrisk.store import kinds as K
    from ehrisk.store.templates import write_template

    if kind == "all":
        folder = output or Path(".")
        written = [str(write_template(n, folder / f"{n}.xlsx")) for n in K.KINDS]
    else:
        try:
            k = K.get(kind)
        except KeyError as exc:
            raise InputError.single("<kind>", str(exc).strip("'\"")) from None
        written = [str(write_template(k.name, output or Path(f"{k.name}.xlsx")))]
    if as_json:
        print_json({"written": written})
    else:
        for w in written:
            console.print(f"wrote {w}")


@ent_app.command("list")
def ent_list(db: str = DB_OPT,
             park: str = typer.Option(None, help="Only enterprises inside this park's boundary "
                                      "(spatial)."),
             status: str = typer.Option(None, help="operating | suspended | closed"),
             as_json: bool = JSON_OPT) -> None:
    """List enterprises."""
    from sqlalchemy import select

    from ehrisk.store import models as m
    from ehrisk.store import spatial
    from ehrisk.store.db import session_scope

    with session_scope(_engine(db)) as s:
        q = select(m.Enterprise).order_by(m.Enterprise.credit_code)
        if status:
            q = q.where(m.Enterprise.status == status)
        ents = list(s.scalars(q))
        if park:
            inside = set(spatial.enterprises_in_park(s, park))
            ents = [e for e in ents if e.credit_code in inside]
        rows = [{"credit_code": e.credit_code, "name": e.name, "industry_code": e.industry_code,
                 "park_id": e.park_id, "status": e.status, "lon": e.lon, "lat": e.lat}
                for e in ents]
    if as_json:
        print_json(rows)
    else:
        print_table(rows, title=f"{len(rows)} enterprises")


@ent_app.command("show")
def ent_show(code: str, db: str = DB_OPT,
             as_of: str = typer.Option(None, "--as-of", help="Show as it stood then "
                                       "(YYYY-MM-DD or YYYY-MM-DD HH:MM, Beijing time)."),
             radius_km: float = typer.Option(None, "--near", help="Also list receptors and "
                                             "population within this radius [km]."),
             as_json: bool = JSON_OPT) -> None:
    """Show one enterprise and its stacks, outfalls, emissions, storages, inspections and
    problems."""
    from ehrisk.results import enterprise as results
    from ehrisk.store import history, spatial
    from ehrisk.store.db import session_scope
    from ehrisk.store.models import utcnow

    when = _parse_when(as_of)
    with session_scope(_engine(db)) as s:
        state = history.enterprise_as_of(s, code, when or utcnow())
        state["risk"] = results.enterprise_risk_summary(s, code)
        if radius_km is not None:
            state["surroundings"] = spatial.surroundings(s, code, (radius_km,))
    if as_json:
        print_json(state)
        return
    e = state["enterprises"][0]
    print_table([{"field": k, "value": fmt_coord(v) if k in COORD_COLUMNS else v}
                 for k, v in e.items()],
                title=f"{e['name']}" + (f" as of {as_of}" if as_of else ""))
    for kname in ("stacks", "outfalls", "storages", "inspections", "problems"):
        if state.get(kname):
            print_table(state[kname], title=kname)
    if state.get("emissions"):
        console.print(f"emissions: {len(state['emissions'])} rows "
                      "(use --json or `ehrisk export` for all)")
    if "surroundings" in state:
        print_table(state["surroundings"]["rings"], title="surroundings")
    risk = state["risk"]
    cur = risk["current"]
    if cur is None:
        console.print("环境健康风险码 risk code: not computed yet (run `ehrisk grade code --db`)")
    else:
        console.print(f"环境健康风险码 risk code: [bold]{results.CODE_ZH.get(cur['code'], '')} "
                      f"{cur['code']}[/] (HJ 941-2018: {cur['level']}; computed "
                      f"{cur['computed_at']} UTC)\n  {cur['reasons_zh'] or ''}\n  "
                      f"{cur['reasons_en'] or ''}", highlight=False)
        print_table([{k: h[k] for k in ("computed_at", "code", "change", "fired_rules")}
                     for h in risk["history"]], title="risk code history / 风险码历史")
    if risk["risk_map"]:
        print_table([risk["risk_map"]], title="risk map / 风险地图 attributable risk")


@ent_app.command("history")
def ent_history(code: str, db: str = DB_OPT, as_json: bool = JSON_OPT) -> None:
    """版本记录 / every change of an enterprise and its children: who, when, what, why."""
    from ehrisk.store import history
    from ehrisk.store.db import session_scope

    with session_scope(_engine(db)) as s:
        rows = history.enterprise_history(s, code)
    if as_json:
        print_json(rows)
        return
    flat = []
    for r in rows:
        for f, (old, new) in r["changes"].items():
            flat.append({"at (UTC)": r["at"], "user": r["user"], "op": r["op"],
                         "table": r["entity"], "key": "/".join(map(str, r["key"][1:])) or
                         r["key"][0], "field": f, "old": old, "new": new,
                         "reason": r["reason"]})
    print_table(flat, title=f"history of {code}: {len(rows)} changes")


@ent_app.command("file")
def ent_file(code: str,
             output: Path = typer.Option(None, "-o", "--output", help="out.docx or out.pdf"),
             fmt: str = typer.Option("docx", "--format", help="docx | pdf (when -o not given)"),
             db: str = DB_OPT,
             as_of: str = typer.Option(None, "--as-of", help="As it stood then (YYYY-MM-DD)."),
             pdf_engine: str = typer.Option("auto", help="auto (= reportlab) | reportlab | "
                                            "libreoffice"),
             issuer: str = typer.Option(None, "--issuer", help="Issuing unit on the cover "
                                        "(编制单位); a blank line to fill in when omitted."),
             as_json: bool = JSON_OPT) -> None:
    """一企一档 / write the per-enterprise file as DOCX or PDF."""
    from ehrisk.reports.enterprise_file import write_file
    from ehrisk.store.db import session_scope

    out = output or Path(f"{code.upper()}.{fmt}")
    with session_scope(_engine(db)) as s:
        res = write_file(s, code, out, as_of=_parse_when(as_of), pdf_engine=pdf_engine,
                         issuer=issuer)
    if as_json:
        print_json(res)
    else:
        console.print(f"wrote {res['file']} ({res['engine']}, {res['sections']} sections)")


def _kinds_opt(kinds: list[str] | None):
    from ehrisk.store import kinds as K

    if not kinds:
        return None
    try:
        return tuple(K.get(k).name for k in kinds)
    except KeyError as exc:
        raise InputError.single("--kind", str(exc).strip("'\"")) from None


KIND_OPT = typer.Option(None, "--kind", help="Only these tables (repeatable).")
OBS_OPT = typer.Option(False, "--observations", help="Include monitoring observations.")


@export_app.command("gpkg")
def export_gpkg_cmd(output: Path, db: str = DB_OPT, kind: list[str] = KIND_OPT,
                    observations: bool = OBS_OPT, as_json: bool = JSON_OPT) -> None:
    """All tables as layers of one GeoPackage (EPSG:4326)."""
    from ehrisk.store.db import session_scope
    from ehrisk.store.exports import export_gpkg

    with session_scope(_engine(db)) as s:
        counts = export_gpkg(s, output, _kinds_opt(kind), observations)
    _report_export(output, counts, as_json)


@export_app.command("xlsx")
def export_xlsx_cmd(output: Path, db: str = DB_OPT, kind: list[str] = KIND_OPT,
                    observations: bool = OBS_OPT, as_json: bool = JSON_OPT) -> None:
    """One workbook, one sheet per table."""
    _tables(output, db, kind, observations, as_json, ".xlsx")


@export_app.command("csv")
def export_csv_cmd(output: Path, db: str = DB_OPT, kind: list[str] = KIND_OPT,
                   observations: bool = OBS_OPT, as_json: bool = JSON_OPT) -> None:
    """A folder with one UTF-8 CSV per table."""
    _tables(output, db, kind, observations, as_json, "")


def _tables(output, db, kind, observations, as_json, suffix):
    from ehrisk.store.db import session_scope
    from ehrisk.store.exports import export_tables

    if suffix == ".xlsx" and output.suffix.lower() != ".xlsx":
        raise EhriskError(f"{output}: the workbook name must end in .xlsx")
    with session_scope(_engine(db)) as s:
        counts = export_tables(s, output, _kinds_opt(kind), observations)
    _report_export(output, counts, as_json)


def _report_export(output, counts, as_json):
    if as_json:
        print_json({"output": str(output), "rows": counts})
    else:
        print_table([{"table": k, "rows": v} for k, v in counts.items()],
                    title=f"wrote {output}")


def register(app: typer.Typer) -> None:
    """Add ``db``, ``import``, ``template``, ``enterprise`` and ``export``."""
    app.add_typer(db_app, name="db")
    app.add_typer(ent_app, name="enterprise")
    app.add_typer(export_app, name="export")
    app.command("import")(_import)
    app.command("template")(_template)
