"""``ehrisk forecast``: daily AQI forecasts, their evaluation and heavy-pollution warnings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError

FORMATS = ("prsa", "table")
STANDARDS = ("hj633-2012", "hj633-2026")


def _read(observations: Path, fmt: str) -> pd.DataFrame:
    if fmt not in FORMATS:
        raise InputError.single("--format", f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "table":
        from ehrisk.io.station_hourly import read_station_hourly
        files = (sorted(p for p in observations.iterdir()
                        if p.suffix.lower() in (".csv", ".xlsx"))
                 if observations.is_dir() else [observations])
        if not files:
            raise InputError.single(str(observations), "no CSV/XLSX files in the folder")
        return pd.concat([read_station_hourly(f) for f in files], ignore_index=True)
    from ehrisk.io.prsa import read_prsa_dir, read_prsa_file
    return read_prsa_dir(observations) if observations.is_dir() else read_prsa_file(observations)


def _standard(standard: str | None) -> str | None:
    if standard is not None and standard not in STANDARDS:
        raise InputError.single("--standard", f"unknown standard {standard!r}; known: "
                                f"{', '.join(STANDARDS)}")
    return standard


def _aqhi_choice(method: str | None, coefficients: Path | None):
    """The daily AQHI of ``forecast run``: checked before any data are read or models fit."""
    from ehrisk.air.aqhi_set import load_set
    from ehrisk.air.forecast import DAILY_AQHI_METHOD, daily_aqhi_set

    if method is not None and coefficients is not None:
        raise InputError.single("--aqhi-method", "give either --aqhi-method or "
                                "--aqhi-coefficients, not both (二者择一)")
    if coefficients is not None:
        cs = load_set(coefficients)
        try:
            return daily_aqhi_set(cs)
        except ValueError as exc:
            raise InputError.single(str(coefficients), str(exc)) from None
    try:
        return daily_aqhi_set(method or DAILY_AQHI_METHOD)
    except (KeyError, ValueError) as exc:
        raise InputError.single("--aqhi-method", str(exc.args[0])) from None


def _progress(json_out: bool):
    if json_out:
        return None
    return lambda msg: console.print(f"[dim]{msg}[/]")


def register(app: typer.Typer) -> None:
    fc = typer.Typer(help="空气质量预报 / daily AQI forecasts, evaluation and warnings.",
                     no_args_is_help=True)
    app.add_typer(fc, name="forecast")

    @fc.command("evaluate")
    def evaluate(
        observations: Path = typer.Option(..., "--observations", help="Folder (or file) of "
                                          "hourly station observations."),
        fmt: str = typer.Option("prsa", "--format", help="Input format: prsa (Beijing "
                                 "multi-site files) or table (ehrisk hourly station table, "
                                 "docs/forecast.md)."),
        train_until: str = typer.Option(..., "--train-until", help="Last training day "
                                        "(YYYY-MM-DD); later days are forecast and scored."),
        lead_days: list[int] = typer.Option([1], "--lead-days", help="Lead day(s), 1-7; "
                                            "repeat the option for several."),
        standard: str = typer.Option(None, "--standard", help="hj633-2012 or hj633-2026 "
                                     "(default: the edition in force at the data end)."),
        range_half_width: float = typer.Option(0.25, "--range-half-width", help="Relative "
                                               "half-width of the issued AQI range."),
        baselines: bool = typer.Option(True, "--baselines/--no-baselines",
                                       help="Also score persistence and a plain GBM."),
        seed: int = typer.Option(0, "--seed"),
        max_iter: int = typer.Option(600, "--max-iter", min=20, help="Boosting iterations."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Train up to --train-until and score forecasts of the later days (预报效果评估)."""
        from ehrisk.air.forecast import evaluate_holdout
        hourly = _read(observations, fmt)
        try:
            t = pd.Timestamp(train_until)
        except ValueError:
            raise InputError.single("--train-until", f"not a date: {train_until!r}") from None
        try:
            res = evaluate_holdout(hourly, t, lead_days, edition=_standard(standard),
                                   baselines=baselines, range_half_width=range_half_width,
                                   seed=seed, max_iter=max_iter, progress=_progress(json_out))
        except ValueError as exc:
            raise EhriskError(str(exc)) from None
        res.pop("pairs")
        if json_out:
            print_json(res)
            return
        console.print(f"edition {res['edition']}; test period {res['test_period'][0]} .. "
                      f"{res['test_period'][1]}; {res['meteorology']}")
        rows = []
        for name in ("model", "plain_gbm", "persistence"):
            if name not in res:
                continue
            for k, v in res[name]["lead_days"].items():
                rows.append({"forecaster": name, "lead": k, **{
                    key: v["station_mean"][key] for key in (
                        "single_grade_accuracy", "two_grade_accuracy", "aqi_range_accuracy",
                        "primary_pollutant_accuracy", "bias", "rmse")}})
        print_table(rows, title="mean over stations / 各站平均")

    @fc.command("run")
    def run(
        observations: Path = typer.Option(..., "--observations"),
        fmt: str = typer.Option("prsa", "--format", help="prsa or table."),
        days: int = typer.Option(3, "--days", min=1, max=7, help="Days ahead (1-7; HJ "
                                 "633-2026 asks for at least 3)."),
        standard: str = typer.Option(None, "--standard"),
        warnings: bool = typer.Option(True, "--warnings/--no-warnings",
                                      help="Also issue heavy-pollution warnings."),
        seed: int = typer.Option(0, "--seed"),
        max_iter: int = typer.Option(600, "--max-iter", min=20, help="Boosting iterations."),
        aqhi_method: str = typer.Option(None, "--aqhi-method", help="Daily AQHI method "
                                        "(default chen-2012-shanghai; only daily-mean indices)."),
        aqhi_coefficients: Path = typer.Option(None, "--aqhi-coefficients", help="Daily AQHI "
                                               "from a coefficient-set file (averaging_h = 24)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Forecast the days after the end of the observations, per station and city."""
        from ehrisk.air.forecast import forecast_ahead
        from ehrisk.air.warnings import issue_aqhi_warnings, issue_warnings
        aqhi_cs = _aqhi_choice(aqhi_method, aqhi_coefficients)
        hourly = _read(observations, fmt)
        try:
            fc_df = forecast_ahead(hourly, days, edition=_standard(standard), seed=seed,
                                   max_iter=max_iter, progress=_progress(json_out),
                                   aqhi_method=aqhi_cs)
        except ValueError as exc:
            raise EhriskError(str(exc)) from None
        aqhi_info = dict(fc_df.attrs["aqhi"])
        parts = [issue_warnings(fc_df)] if warnings else []
        if warnings and fc_df.attrs["aqhi_canada_bands"]:
            parts.append(issue_aqhi_warnings(fc_df))
        elif warnings:
            aqhi_info["warnings"] = (
                "AQHI health warnings (aqhi-hc: index >= 7, > 10) not issued: the set's bands "
                "differ from the 1-10/10+ scale they assume / 该系数集分级与加拿大1-10级不同, "
                "未发布AQHI健康预警")
        warn = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        out = {"edition": fc_df.attrs["edition"], "meteorology": fc_df.attrs["meteorology"],
               "aqhi_set": aqhi_info,
               "forecast": fc_df.to_dict(orient="records"),
               "warnings": warn.to_dict(orient="records")}
        if json_out:
            print_json(out)
            return
        console.print(f"edition {out['edition']}; {out['meteorology']}")
        city = fc_df[fc_df["area"] == "city"].copy()
        city["target_date"] = pd.to_datetime(city["target_date"]).dt.strftime("%Y-%m-%d")
        print_table(city[[
            "target_date", "lead_days", "aqi", "aqi_lo", "aqi_hi", "category_zh",
            "primary_pollutant", "aqhi", "aqhi_category_zh"]].to_dict(orient="records"),
            title=f"city forecast / 城市预报 (AQHI: {aqhi_info['name']})")
        if "warnings" in aqhi_info:
            console.print(aqhi_info["warnings"])
        if len(warn):
            print_table(warn[["level", "start", "end", "message_en"]].to_dict(orient="records"),
                        title="warnings / 预警")
