"""`ehrisk chem`: chemical lookup, national list membership and toxicity by dataset.

Thin: parse, call :mod:`ehrisk.refdata.chemicals`, format (rich or ``--json``).
"""

from __future__ import annotations

import typer
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ehrisk.commands._common import _fmt, console, print_json, print_table
from ehrisk.errors import EhriskError
from ehrisk.refdata import RefdataError
from ehrisk.refdata import chemicals as chem

# Toxicity columns shown in the human view, with the column naming their reference.
TOX_FIELDS = (
    ("iur_per_ug_m3", "IUR [(ug/m3)^-1]", "iur_ref"),
    ("rfc_mg_m3", "RfC [mg/m3]", "rfc_ref"),
    ("sfo_per_mg_kg_day", "SFo [(mg/kg-day)^-1]", "sfo_ref"),
    ("rfd_mg_kg_day", "RfD [mg/kg-day]", "rfd_ref"),
    ("giabs", "GIABS [-]", None),
    ("absd", "ABSd [-]", None),
)


def _resolve(query: str) -> str:
    try:
        return str(chem.lookup(query)["cas"])
    except RefdataError as exc:
        raise EhriskError(str(exc)) from None


def _fmt_full(v) -> str:
    return "" if v is None else f"{v:g}"


def _identity_table(ident: dict) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    rows = [
        ("CAS", ident["cas"]),
        ("中文名", ident["name_zh"]),
        ("name", ident["name_en"]),
        ("synonyms / 别名", "; ".join(ident["synonyms"])),
        ("formula", ident.get("formula") or ""),
        ("MW [g/mol]", _fmt_full(ident.get("mw_g_mol"))),
        ("IARC group", ident.get("iarc_group") or "not classified"),
        ("mutagenic MOA (EPA)", "yes" if ident.get("mutagen") else "no"),
        ("target organs / 靶器官", "; ".join(ident["target_organs"])),
        ("log Kow [-]", _fmt_full(ident.get("log_kow"))),
        ("BCF [L/kg]", _fmt(ident.get("bcf_l_kg"))),
        ("persistent / bioaccumulative",
         f"{'yes' if ident.get('persistent') else 'no'} / "
         f"{'yes' if ident.get('bioaccumulative') else 'no'}"),
        ("medium / 介质", ident.get("medium_hint") or ""),
        ("category", ident.get("category") or ""),
        ("note", ident.get("note") or ""),
    ]
    for k, v in rows:
        t.add_row(escape(k), escape(str(v)))
    return t


def _lists_table(lists: list[dict]) -> Table:
    t = Table(title="national lists / 名录", title_justify="left", expand=False)
    for c in ("list", "item", "as written / 名录原文", "source"):
        t.add_column(c)
    for r in lists:
        t.add_row(*(escape(str(r[c])) for c in ("list_id", "item_no", "item_name_zh", "source")))
    return t


def _tox_table(tox: dict, missing: list[str]) -> Table:
    t = Table(title="toxicity by dataset / 毒性参数", title_justify="left")
    t.add_column("dataset")
    t.add_column("value")
    t.add_column("reference")
    for dataset, vals in tox.items():
        first = True
        for col, label, ref in TOX_FIELDS:
            if vals.get(col) is None:
                continue
            t.add_row(dataset if first else "", escape(f"{label} = {_fmt(vals[col])}"),
                      escape(str(vals.get(ref, ""))) if ref else "")
            first = False
        t.add_row(dataset if first else "", "source", escape(str(vals.get("source", ""))))
    for dataset in missing:
        t.add_row(dataset, "(table not packaged yet)", "")
    return t


def _show_human(p: dict) -> None:
    ident = p["identity"]
    parts = [_identity_table(ident)]
    parts.append(_lists_table(p["lists"]) if p["lists"] else "on no national list in the table")
    if p["toxicity"] or p["toxicity_datasets_missing"]:
        parts.append(_tox_table(p["toxicity"], p["toxicity_datasets_missing"]))
    else:
        parts.append("no toxicity values in the packaged datasets")
    title = escape(f"{ident['name_zh']} / {ident['name_en']} ({ident['cas']})")
    console.print(Panel(Group(*parts), title=title, title_align="left"))


def register(app: typer.Typer) -> None:
    chem_app = typer.Typer(help="Chemicals: lookup, national lists, toxicity / 化学物质查询.",
                           no_args_is_help=True)
    app.add_typer(chem_app, name="chem")

    @chem_app.command("show")
    def show(
        query: str = typer.Argument(..., help="CAS number, Chinese or English name, synonym."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Show one substance: names, identity, lists, toxicity by dataset / 查看物质."""
        cas = _resolve(query)
        p = chem.profile(cas)
        if json_out:
            print_json(p)
        else:
            _show_human(p)

    @chem_app.command("list")
    def list_cmd(
        list_id: str = typer.Option(None, "--list",
                                    help="A list id (e.g. new_pollutants_2023); see `chem lists`."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """List all substances, or the members of one national list / 物质清单."""
        if list_id is None:
            df = chem.chemicals()
            cols = ["cas", "name_zh", "name_en", "category", "iarc_group"]
            rows = df[cols].to_dict(orient="records")
            title = f"chemicals ({len(rows)})"
        else:
            try:
                df = chem.members(list_id)
            except RefdataError as exc:
                raise EhriskError(str(exc)) from None
            cols = ["item_no", "item_name_zh", "cas", "name_zh", "name_en"]
            rows = df[cols].to_dict(orient="records")
            title = f"{df['list_id'].iloc[0]}: {len(rows)} substances"
        if json_out:
            print_json(rows)
        else:
            print_table(rows, title=title, columns=cols)

    @chem_app.command("lists")
    def lists_cmd(json_out: bool = typer.Option(False, "--json", help="Print JSON only.")) -> None:
        """The national lists in the table, with item counts and sources / 名录."""
        rows = chem.list_ids().to_dict(orient="records")
        if json_out:
            print_json(rows)
        else:
            print_table(rows, title="lists / 名录")

    @chem_app.command("search")
    def search_cmd(
        text: str = typer.Argument(..., help="Part of a name, synonym or CAS number."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Find substances by part of a name, synonym or CAS / 模糊查找."""
        rows = chem.search(text).to_dict(orient="records")
        if json_out:
            print_json(rows)
        elif rows:
            print_table(rows, title=f"matches for {text!r}")
        else:
            console.print(f"no substance matches {text!r}")
