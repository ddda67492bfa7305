"""``ehrisk aqi`` and ``ehrisk aqhi``: air quality index (HJ 633 / US EPA) and AQHI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import typer

from ehrisk.air import aqhi as aqhi_mod
from ehrisk.air import aqi as aqi_mod
from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError, Problem
from ehrisk.io.tables import Column, Schema, read_table

STANDARDS = ("hj633-2026", "hj633-2012", "us-epa", "us-epa-2024")
AQHI_METHODS = aqhi_mod.METHOD_ALIASES


def _num(name: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, "float", required=False, aliases=aliases, min_value=0, allow_blank=True)


AQI_SCHEMA = Schema([
    Column("station", "str", required=False, aliases=("站点", "site", "station_name"),
           allow_blank=True),
    Column("date", "str", required=False, aliases=("time", "datetime", "日期", "时间"),
           allow_blank=True),
    _num("pm25_ug_m3", ("pm2.5", "pm25", "PM2.5(ug/m3)")),
    _num("pm10_ug_m3", ("pm10",)),
    _num("so2_ug_m3", ("so2",)),
    _num("no2_ug_m3", ("no2",)),
    _num("co_mg_m3", ("co",)),
    _num("o3_8h_ug_m3", ("o3_8h", "o3-8h", "O3_8h(ug/m3)")),
    _num("o3_1h_ug_m3", ("o3_1h", "o3-1h")),
    _num("o3_ug_m3", ("o3",)),
    _num("so2_24h_ug_m3", ("so2_24h",)),
], name="aqi stations")


def _check_nonnegative(values: dict[str, float | None]) -> None:
    bad = [Problem("--" + k.replace("_ug_m3", "").replace("_mg_m3", "").replace("_", "-"),
                   f"negative concentration: {v}") for k, v in values.items()
           if v is not None and v < 0]
    if bad:
        raise InputError(bad)


def _standard(standard: str | None, date: str | None) -> str:
    if standard:
        return aqi_mod._edition(standard)
    if date:
        try:
            return aqi_mod.aqi_standard_for(date)
        except (ValueError, TypeError):
            raise InputError.single("--date", f"not a date: {date!r} (use YYYY-MM-DD)") from None
    return "hj633-2026"


def _report(df: pd.DataFrame, edition: str, report: str) -> pd.DataFrame:
    if edition == "us-epa-2024":
        df = aqi_mod.epa_columns_from_metric(df)
    return aqi_mod.aqi_report(df, edition, report)


def _refuse_hourly_rows(df: pd.DataFrame, path: Path) -> None:
    """The daily ``--batch`` mode takes one row per station and day; hourly rows are refused."""
    if "date" not in df.columns:
        return
    t = pd.to_datetime(df["date"].astype(str).str.strip(), errors="coerce", format="mixed")
    st = df["station"].astype(str) if "station" in df.columns else pd.Series("", index=df.index)
    keys = pd.DataFrame({"station": st, "day": t.dt.normalize()})[t.notna().to_numpy()]
    n = keys.groupby(["station", "day"]).size()
    many = n[n > 1]
    if many.empty:
        return
    (sid, day), count = many.index[0], int(many.iloc[0])
    who = f"station {sid}" if sid else "the file"
    raise InputError.single(str(path), f"these rows are hourly ({who} has {count} rows on "
                            f"{day:%Y-%m-%d}); use --hourly FILE for daily reports formed "
                            "from hourly rows (GB 3095 / HJ 663 validity rules)",
                            column="date")


def _batch(path: Path, standard: str | None, date: str | None, report: str) -> tuple:
    df = read_table(path, AQI_SCHEMA)
    if report == "daily":
        _refuse_hourly_rows(df, path)
    pollutant_cols = [c.name for c in AQI_SCHEMA.columns if c.kind == "float"]
    if not any(c in df.columns for c in pollutant_cols):
        raise InputError.single(str(path), "no pollutant columns found; expected some of: "
                                + ", ".join(pollutant_cols))
    if standard or date or "date" not in df.columns:
        eds = pd.Series([_standard(standard, date)] * len(df), index=df.index)
    else:
        problems = []
        eds = []
        for i, v in enumerate(df["date"].tolist()):
            try:
                eds.append(aqi_mod.aqi_standard_for(v) if v else "hj633-2026")
            except (ValueError, TypeError):
                problems.append(Problem(str(path), f"not a date: {v!r}", row=i + 2, column="date"))
                eds.append("")
        if problems:
            raise InputError(problems)
        eds = pd.Series(eds, index=df.index)
    parts = [_report(df[eds == ed], ed, report) for ed in eds.unique()]
    return pd.concat(parts).sort_index(), eds


def _hourly_cmd(path: Path, standard: str | None, report_kind: str, out: Path | None,
                as_json: bool) -> None:
    """``ehrisk aqi --hourly FILE``: reports per station from the canonical hourly table."""
    from ehrisk.io.station_hourly import read_station_hourly

    if report_kind not in ("daily", "hourly"):
        raise InputError.single("--report", f"must be daily or hourly, not {report_kind!r}")
    ed = "auto" if not standard else aqi_mod._edition(standard)
    table = read_station_hourly(path)
    fn = aqi_mod.aqi_daily_reports if report_kind == "daily" else aqi_mod.aqi_hourly_reports
    try:
        res = fn(table, standard=ed)
    except (KeyError, ValueError) as exc:
        raise InputError.single(str(path), str(exc)) from None
    when = "date" if report_kind == "daily" else "time"
    if report_kind == "hourly":
        res["time"] = pd.to_datetime(res["time"]).dt.strftime("%Y-%m-%d %H:%M")
    if out is not None:
        res.to_csv(out, index=False, encoding="utf-8")
    if as_json:
        rows = []
        for _, r in res.iterrows():
            s = aqi_mod.summary(r, r["edition"], report_kind)
            s["station_id"] = r["station_id"]
            s[when] = r[when]
            rows.append(s)
        print_json(rows)
        return
    keep = ["station_id", when, "aqi", "primary", "grade", "category_zh", "category_en",
            "edition"]
    print_table(res[keep].to_dict("records"), title=f"AQI ({report_kind} reports)")
    if out is not None:
        console.print(f"report written to {out}")


def register(app: typer.Typer) -> None:
    """Add the ``aqi`` and ``aqhi`` commands to the root app."""

    @app.command("aqi")
    def aqi_cmd(
        standard: str = typer.Option(None, "--standard", "-s",
                                     help="hj633-2026 (default) | hj633-2012 | us-epa."),
        date: str = typer.Option(None, "--date",
                                 help="Date of the data (YYYY-MM-DD): picks the HJ 633 edition."),
        averaging: str = typer.Option("24h", "--averaging",
                                      help="24h: daily report (日报); 1h: hourly report (实时报)."),
        pm25: float = typer.Option(None, "--pm25", help="PM2.5 [ug/m3]."),
        pm10: float = typer.Option(None, "--pm10", help="PM10 [ug/m3]."),
        so2: float = typer.Option(None, "--so2", help="SO2 [ug/m3]."),
        no2: float = typer.Option(None, "--no2", help="NO2 [ug/m3]."),
        co: float = typer.Option(None, "--co", help="CO [mg/m3]."),
        o3_8h: float = typer.Option(None, "--o3-8h",
                                    help="O3 8-hour (daily max 8h for 24h) [ug/m3]."),
        o3_1h: float = typer.Option(None, "--o3-1h", "--o3",
                                    help="O3 1-hour (daily max 1h for 24h) [ug/m3]."),
        so2_24h: float = typer.Option(None, "--so2-24h",
                                      help="SO2 24h [ug/m3] for the 2012 SO2 1h > 800 rule."),
        batch: Path = typer.Option(None, "--batch", help="CSV/XLSX of station rows (one per "
                                   "station and day for 24h)."),
        hourly: Path = typer.Option(None, "--hourly", help="CSV/XLSX hourly station table "
                                    "(station_id, time, pollutants): daily reports per "
                                    "station and day (GB 3095 validity rules)."),
        report_kind: str = typer.Option("daily", "--report",
                                        help="With --hourly: daily (日报) or hourly (实时报)."),
        out: Path = typer.Option(None, "--out", help="Write the batch report as CSV."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Air quality index (空气质量指数, HJ 633-2026/2012, US EPA): IAQI, AQI, primary, grade."""
        if averaging not in ("24h", "1h"):
            raise InputError.single("--averaging", f"must be 24h or 1h, not {averaging!r}")
        report = "daily" if averaging == "24h" else "hourly"
        if standard and standard.lower() not in STANDARDS:
            raise InputError.single("--standard", f"unknown standard {standard!r}; known: "
                                    + ", ".join(STANDARDS))
        if hourly is not None:
            if batch is not None:
                raise InputError.single("--hourly", "give either --hourly or --batch, not both")
            _hourly_cmd(hourly, standard, report_kind, out, as_json)
            return
        if batch is not None:
            res, eds = _batch(batch, standard, date, report)
            if out is not None:
                res.to_csv(out, index=False, encoding="utf-8")
            if as_json:
                rows = []
                for i, r in res.iterrows():
                    s = aqi_mod.summary(r, eds[i], report)
                    for k in ("station", "date"):
                        if k in res.columns:
                            s[k] = r[k]
                    rows.append(s)
                print_json(rows)
            else:
                keep = [c for c in ("station", "date", "aqi", "primary", "grade", "category_zh",
                                    "category_en", "edition") if c in res.columns]
                print_table(res[keep].to_dict("records"), title="AQI")
                if out is not None:
                    console.print(f"report written to {out}")
            return
        ed = _standard(standard, date)
        vals = {"pm25_ug_m3": pm25, "pm10_ug_m3": pm10, "so2_ug_m3": so2, "no2_ug_m3": no2,
                "co_mg_m3": co, "o3_8h_ug_m3": o3_8h, "so2_24h_ug_m3": so2_24h}
        vals["o3_1h_ug_m3" if report == "daily" else "o3_ug_m3"] = o3_1h
        _check_nonnegative(vals)
        if all(v is None for v in vals.values()):
            raise InputError.single("ehrisk aqi", "give at least one concentration "
                                    "(--pm25, --pm10, --so2, --no2, --co, --o3-8h, --o3-1h) "
                                    "or --batch FILE")
        df = pd.DataFrame([{k: (np.nan if v is None else v) for k, v in vals.items()}])
        try:
            res = _report(df, ed, report)
        except (KeyError, ValueError) as exc:
            raise EhriskError(str(exc)) from None
        s = aqi_mod.summary(res.iloc[0], ed, report)
        if as_json:
            print_json(s)
            return
        print_table([{"pollutant": k, "IAQI": v} for k, v in s["iaqi"].items()],
                    title=f"{ed} {averaging}")
        console.print(f"AQI {s['aqi']}  {s['grade'] or ''} {s['category'] or ''} "
                      f"({s['category_en'] or 'not available'}); primary: "
                      f"{', '.join(s['primary']) or '-'}")
        if s["advice"]:
            console.print(f"{s['advice']}\n{s['advice_en']}")

    @app.command("aqhi")
    def aqhi_cmd(
        method: str = typer.Option(None, "--method", "-m", help="stieb-2008 (default) | "
                                   "aqhi-plus | hk-epd | chen-2012-shanghai."),
        coefficients: Path = typer.Option(None, "--coefficients", "-c", help="Coefficient-set "
                                          "file (.json/.toml; docs/air.md) instead of --method."),
        no2_ppb: float = typer.Option(None, "--no2-ppb", help="NO2 3-h mean [ppb]."),
        o3_ppb: float = typer.Option(None, "--o3-ppb", help="O3 3-h mean [ppb]."),
        pm25_ug_m3: float = typer.Option(None, "--pm25-ug-m3", help="PM2.5 [ug/m3]."),
        pm10_ug_m3: float = typer.Option(None, "--pm10-ug-m3", help="PM10 [ug/m3]."),
        no2_ug_m3: float = typer.Option(None, "--no2-ug-m3", help="NO2 [ug/m3]."),
        so2_ug_m3: float = typer.Option(None, "--so2-ug-m3", help="SO2 [ug/m3]."),
        o3_ug_m3: float = typer.Option(None, "--o3-ug-m3", help="O3 [ug/m3]."),
        so2_ppb: float = typer.Option(None, "--so2-ppb", help="SO2 [ppb] (coefficient sets)."),
        co_mg_m3: float = typer.Option(None, "--co-mg-m3", help="CO [mg/m3] (coefficient sets)."),
        o3_8h_ug_m3: float = typer.Option(None, "--o3-8h-ug-m3",
                                          help="O3 daily max 8-h mean [ug/m3] (coefficient sets)."),
        o3_8h_ppb: float = typer.Option(None, "--o3-8h-ppb",
                                        help="O3 daily max 8-h mean [ppb] (coefficient sets)."),
        pm25_1h: float = typer.Option(None, "--pm25-1h-ug-m3",
                                      help="1-hour PM2.5 for AQHI+ [ug/m3]."),
        hourly: Path = typer.Option(None, "--hourly",
                                    help="CSV of one station's hourly values (column 'time')."),
        out: Path = typer.Option(None, "--out", help="Write the hourly result as CSV."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Air quality health index (空气质量健康指数): Canada, AQHI+, Hong Kong, Shanghai, or a
        coefficient-set file (a city's published or locally derived formula)."""
        given = {"no2_ppb": no2_ppb, "o3_ppb": o3_ppb, "pm25_ug_m3": pm25_ug_m3,
                 "pm10_ug_m3": pm10_ug_m3, "no2_ug_m3": no2_ug_m3, "so2_ug_m3": so2_ug_m3,
                 "o3_ug_m3": o3_ug_m3, "so2_ppb": so2_ppb, "co_mg_m3": co_mg_m3,
                 "o3_8h_ug_m3": o3_8h_ug_m3, "o3_8h_ppb": o3_8h_ppb}
        if coefficients is not None:
            if method is not None:
                raise InputError.single("--method", "give either --method or --coefficients, "
                                        "not both (二者择一)")
            _aqhi_from_file(coefficients, given, pm25_1h, hourly, out, as_json)
            return
        key = (method or "stieb-2008").strip().lower()
        if key not in AQHI_METHODS:
            raise InputError.single("--method", f"unknown method {method!r}; known: "
                                    + ", ".join(AQHI_METHODS)
                                    + " (or --coefficients FILE for another formula)")
        m = AQHI_METHODS[key]
        if hourly is not None:
            cols = [Column("time", "str", aliases=("date", "datetime", "时间"))]
            names = set(aqhi_mod.METHOD_INPUTS.get(m, {"pm25": "pm25_ug_m3"}).values())
            cols += [Column(n, "float", required=False, min_value=0, allow_blank=True)
                     for n in sorted(names | {"pm25_ug_m3"})]
            df = _read_hourly(hourly, cols)
            try:
                res = aqhi_mod.from_hourly(df, m)
            except (KeyError, ValueError) as exc:
                raise InputError.single(str(hourly), str(exc)) from None
            _hourly_output(res, m, out, as_json, {})
            return
        _check_nonnegative_options({**given, "pm25_1h_ug_m3": pm25_1h})
        if m == "aqhi-plus":
            pm1 = pm25_1h if pm25_1h is not None else pm25_ug_m3
            if pm1 is None:
                raise InputError.single("--pm25-1h-ug-m3", "aqhi-plus needs 1-hour PM2.5")
            res = aqhi_mod.aqhi(m, {}, pm25_1h_ug_m3=pm1)
        else:
            need = aqhi_mod.METHOD_INPUTS[m]
            optional = {p for g in aqhi_mod.max_groups(m) for p in g}
            missing = [k for p, k in need.items() if p not in optional and given[k] is None]
            if optional and all(given[need[p]] is None for p in optional):
                missing.append(" or --".join(need[p].replace("_", "-") for p in sorted(optional)))
            if missing:
                raise InputError([Problem("--" + k.replace("_", "-"),
                                          f"required by method {m}") for k in missing])
            conc = {k: (np.nan if given[k] is None else given[k]) for k in need.values()}
            res = aqhi_mod.aqhi(m, conc, pm25_1h_ug_m3=pm25_1h)
        _single_output(res.iloc[0], m, as_json, {})


def _option(column: str) -> str:
    return "--" + column.replace("_", "-")


def _pollutant_of(column: str) -> str:
    for suffix in ("_ug_m3", "_mg_m3", "_ppb"):
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def _check_nonnegative_options(values: dict) -> None:
    bad = [Problem(_option(k), f"negative concentration: {v}") for k, v in values.items()
           if v is not None and v < 0]
    if bad:
        raise InputError(bad)


def _read_hourly(path: Path, cols: list[Column]) -> pd.DataFrame:
    df = read_table(path, Schema(cols))
    bad = pd.to_datetime(df["time"], errors="coerce").isna()
    if bad.any():
        raise InputError([Problem(str(path), f"not a time: {df['time'][i]!r}",
                                  row=i + 2, column="time") for i in np.where(bad)[0]])
    return df


def _hourly_output(res: pd.DataFrame, label: str, out: Path | None, as_json: bool,
                   extra: dict) -> None:
    if out is not None:
        res.to_csv(out, index=False, encoding="utf-8")
    if as_json:
        print_json([{**_aqhi_json(label, r), **extra} for _, r in res.iterrows()])
    else:
        print_table(res[["time", "level", "category_en", "category_zh"]]
                    .astype(str).to_dict("records"), title=f"AQHI {label}")


def _single_output(r: pd.Series, label: str, as_json: bool, extra: dict) -> None:
    if as_json:
        print_json({**_aqhi_json(label, r), **extra})
        return
    console.print(f"AQHI ({label}): {r['level']}  {r['category_zh']} / {r['category_en']}")
    if extra.get("source"):
        console.print(f"来源 / source: {extra['source']}")
    console.print(f"general: {r['general_zh']} / {r['general_en']}")
    console.print(f"sensitive: {r['sensitive_zh']} / {r['sensitive_en']}")


def _aqhi_from_file(path: Path, given: dict, pm25_1h: float | None, hourly: Path | None,
                    out: Path | None, as_json: bool) -> None:
    """``ehrisk aqhi --coefficients FILE``: single values or an hourly series."""
    from ehrisk.air import aqhi_set

    cs = aqhi_set.load_set(path)
    extra = {"coefficients_file": str(path), "source": cs.source}
    if pm25_1h is not None:
        raise InputError.single("--pm25-1h-ug-m3", "the AQHI+ override belongs to "
                                "--method stieb-2008; a coefficient set has none")
    cols = list(cs.inputs.values())
    if hourly is not None:
        if "o3_8h" in cs.betas:
            raise InputError.single(str(path), "key 'pollutants.o3_8h': the daily maximum "
                                    "8-hour O3 cannot be formed by --hourly moving means; give "
                                    "daily values with --o3-8h-* instead")
        schema = [Column("time", "str", aliases=("date", "datetime", "时间"))]
        schema += [Column(c, "float", required=False, min_value=0, allow_blank=True)
                   for c in cols]
        df = _read_hourly(hourly, schema)
        lack = [" or ".join(g) for g in cs.required_inputs if not any(c in df.columns for c in g)]
        if lack:
            raise InputError([Problem(str(hourly), f"no column {c} (needed by the coefficient "
                                      f"set {cs.name!r} of {path})") for c in lack])
        try:
            res = aqhi_set.from_hourly(df, cs)
        except (KeyError, ValueError) as exc:
            raise InputError.single(str(hourly), str(exc)) from None
        _hourly_output(res, cs.name, out, as_json, extra)
        return
    _check_nonnegative_options(given)
    problems = []
    for group in cs.required_inputs:
        if any(given.get(c) is not None for c in group):
            continue
        opt = " or ".join(_option(c) for c in group)
        hint = ""
        for c in group:
            pol = _pollutant_of(c)
            other = [k for k in given if given[k] is not None and k != c
                     and _pollutant_of(k) == pol]
            if other:
                hint += (f"; {', '.join(_option(k) for k in other)} was given, but the set's "
                         f"{pol} coefficient is per {cs.units[pol]}")
        problems.append(Problem(opt, f"required by the coefficient set {cs.name!r} of "
                                     f"{path}{hint}"))
    if problems:
        raise InputError(problems)
    conc = {c: (np.nan if given.get(c) is None else given[c]) for c in cols}
    res = aqhi_set.evaluate(cs, conc)
    _single_output(res.iloc[0], cs.name, as_json, extra)


def _aqhi_json(method: str, r: pd.Series) -> dict:
    level = r["level"]
    out = {"method": method,
           "aqhi": (None if not level else
                    (int(level) if level.isascii() and level.isdigit() else level)),
           "category": r["category_zh"] or None, "category_en": r["category_en"] or None,
           "value": float(r["value"]), "er_total_pct": float(r["er_total_pct"]),
           "aqhi_plus": (r["aqhi_plus"] or None),
           "messages": {"general_zh": r["general_zh"], "general_en": r["general_en"],
                        "sensitive_zh": r["sensitive_zh"], "sensitive_en": r["sensitive_en"]}}
    if "time" in r.index:
        out["time"] = str(r["time"])
    return out
