"""``ehrisk forecast``: daily AQI forecasts, their evaluation and heavy-pollution warnings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from ehrisk.commands._common import console, print_json, print_table
from ehrisk.errors import EhriskError, InputError

FORMATS = ("prsa",)
STANDARDS = ("hj633-2012", "hj633-2026")


def _read(observations: Path, fmt: str) -> pd.DataFrame:
    if fmt not in FORMATS:
        raise InputError.single("--format", f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    from ehrisk.io.prsa import read_prsa_dir, read_prsa_file
    return read_prsa_dir(observations) if observations.is_dir() else read_prsa_file(observations)


def _standard(standard: str | None) -> str | None:
    if standard is not None and standard not in STANDARDS:
        raise InputError.single("--standard", f"unknown standard {standard!r}; known: "
                                f"{', '.join(STANDARDS)}")
    return standard


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
        fmt: str = typer.Option("prsa", "--format", help="Input format: prsa."),
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
        fmt: str = typer.Option("prsa", "--format"),
        days: int = typer.Option(3, "--days", min=1, max=7, help="Days ahead (1-7; HJ "
                                 "633-2026 asks for at least 3)."),
        standard: str = typer.Option(None, "--standard"),
        warnings: bool = typer.Option(True, "--warnings/--no-warnings",
                                      help="Also issue heavy-pollution warnings."),
        seed: int = typer.Option(0, "--seed"),
        max_iter: int = typer.Option(600, "--max-iter", min=20, help="Boosting iterations."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Forecast the days after the end of the observations, per station and city."""
        from ehrisk.air.forecast import forecast_ahead
        from ehrisk.air.warnings import issue_warnings
        hourly = _read(observations, fmt)
        try:
            fc_df = forecast_ahead(hourly, days, edition=_standard(standard), seed=seed,
                                   max_iter=max_iter, progress=_progress(json_out))
        except ValueError as exc:
            raise EhriskError(str(exc)) from None
        warn = pd.concat([issue_warnings(fc_df),
                          issue_warnings(fc_df, scheme="aqhi-hc", index="aqhi_value")],
                         ignore_index=True) if warnings else pd.DataFrame()
        out = {"edition": fc_df.attrs["edition"], "meteorology": fc_df.attrs["meteorology"],
               "forecast": fc_df.to_dict(orient="records"),
               "warnings": warn.to_dict(orient="records")}
        if json_out:
            print_json(out)
            return
        console.print(f"edition {out['edition']}; {out['meteorology']}")
        print_table(fc_df[fc_df["area"] == "city"][[
            "target_date", "lead_days", "aqi", "aqi_lo", "aqi_hi", "category_zh",
            "primary_pollutant", "aqhi", "aqhi_category_zh"]].to_dict(orient="records"),
            title="city forecast / 城市预报 (AQHI: Shanghai daily index, Chen et al. 2012)")
        if len(warn):
            print_table(warn[["level", "start", "end", "message_en"]].to_dict(orient="records"),
                        title="warnings / 预警")
