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
        return pd.concat([read_station_hourly(f, need_met=True) for f in files],
                         ignore_index=True)
    from ehrisk.io.prsa import read_prsa_dir, read_prsa_file
    return read_prsa_dir(observations) if observations.is_dir() else read_prsa_file(observations)


def _standard(standard: str | None) -> str | None:
    if standard is not None and standard not in STANDARDS:
        raise InputError.single("--standard", f"unknown standard {standard!r}; known: "
                                f"{', '.join(STANDARDS)}")
    return standard


def _inventory(observations: Path, fmt: str):
    """The inventory of ``forecast run``: the hourly station table (``air_hourly``) of the
    observations. A canonical station-table file goes through the files builder
    (:func:`ehrisk.inventory.files.add_files`); a folder of them and the PRSA files are read
    by :func:`_read` and given the same station list."""
    import numpy as np

    from ehrisk.inventory import Inventory

    if fmt == "table" and observations.is_file():
        from ehrisk.inventory.files import add_files
        from ehrisk.io.station_hourly import require_met

        inv = add_files(None, {"stations": observations}, name_zh=observations.name)
        require_met(inv.air_hourly, str(observations))
        return inv
    hourly = _read(observations, fmt)
    ids = sorted(hourly["station_id"].astype(str).unique())
    stations = pd.DataFrame({"station_id": ids, "kind": "air_quality", "lon": np.nan,
                             "lat": np.nan, "x_m": np.nan, "y_m": np.nan})
    return Inventory(name_zh=observations.name, name_en="station observations",
                     source="files", metric_crs=None, air_hourly=hourly, stations=stations,
                     meta={"label": f"{observations.name} (input files)",
                           "tables_from_files": {"air_hourly": str(observations)}}
                     ).validate()


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
        learning_rate: float = typer.Option(0.04, "--learning-rate", min=0.001, max=1.0,
                                            help="Learning rate of the AQI models."),
        max_bins: int = typer.Option(255, "--max-bins", min=8, max=255,
                                     help="Histogram bins per feature."),
        max_leaf_nodes: int = typer.Option(31, "--max-leaf-nodes", min=2, max=255,
                                           help="Leaves per tree."),
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
                                   seed=seed, max_iter=max_iter, progress=_progress(json_out),
                                   learning_rate=learning_rate, max_bins=max_bins,
                                   max_leaf_nodes=max_leaf_nodes)
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
        for msg in res.get("cautions", []):
            console.print(f"[bold yellow]{msg}[/]", highlight=False)
        if "skill" in res and not res["cautions"]:
            console.print("the model beats persistence on RMSE and grade accuracy at every "
                          "lead / 各预报时效模型均优于持续性预报", highlight=False)

    from ehrisk.commands._options import option, section_from_options
    from ehrisk.services.air import ForecastSettings as S

    @fc.command("run")
    def run(
        observations: Path = typer.Option(..., "--observations", help="File (or folder) of "
                                          "hourly station observations."),
        fmt: str = typer.Option("prsa", "--format", help="prsa or table (the canonical "
                                 "hourly station table, docs/forecast.md)."),
        days: int = option(S, "days", min=1, max=7),
        standard: str = option(S, "standard"),
        warnings: bool = option(S, "warnings", "--warnings/--no-warnings"),
        evaluate: bool = option(S, "evaluate", "--evaluate/--no-evaluate"),
        holdout_days: int = option(S, "holdout_days"),
        seed: int = typer.Option(0, "--seed"),
        max_iter: int = option(S, "max_iter", min=20),
        learning_rate: float = option(S, "learning_rate"),
        max_bins: int = option(S, "max_bins", min=8, max=255),
        max_leaf_nodes: int = option(S, "max_leaf_nodes", min=2, max=255),
        aqhi_method: str = option(S, "aqhi_method"),
        aqhi_coefficients: Path = option(S, "aqhi_coefficients"),
        db: str = typer.Option(None, "--db", help="Database that records the run (SQLite "
                               "file or postgresql:// URL; default: $EHRISK_DATABASE_URL, "
                               "else the default database)."),
        out: Path = typer.Option(None, "--out", help="Folder for forecast.csv, warnings.csv "
                                 "(and evaluation.json) under OUT/forecast."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON only."),
    ) -> None:
        """Forecast the days after the end of the observations, per station and city (a
        recorded run: `ehrisk runs list`, `ehrisk extract RUN forecast/latest`)."""
        from ehrisk.results import open_run_engine
        from ehrisk.services.runner import run_one

        if fmt not in FORMATS:
            raise InputError.single("--format", f"unknown format {fmt!r}; known: "
                                    f"{', '.join(FORMATS)}")
        default_method = S.model_fields["aqhi_method"].default
        if aqhi_coefficients is not None and aqhi_method != default_method:
            raise InputError.single("--aqhi-method", "give either --aqhi-method or "
                                    "--aqhi-coefficients, not both (二者择一)")
        # checked before any data are read or models fit
        settings = section_from_options(
            S, days=days, standard=standard, warnings=warnings, evaluate=evaluate,
            holdout_days=holdout_days, max_iter=max_iter, learning_rate=learning_rate,
            max_bins=max_bins, max_leaf_nodes=max_leaf_nodes,
            aqhi_method=None if aqhi_coefficients is not None else aqhi_method,
            aqhi_coefficients=None if aqhi_coefficients is None else str(aqhi_coefficients))
        inv = _inventory(observations, fmt)
        prog = None if json_out else (lambda stage, done, total: console.print(
            f"[dim]{stage}[/]", highlight=False))
        run_id, outcome, res = run_one(
            "forecast", inv, settings, engine=open_run_engine(db), kind="forecast",
            out_dir=out, seed=seed, progress=prog,
            input_files={"forecast_observations": observations, **(
                {"aqhi_coefficients": aqhi_coefficients} if aqhi_coefficients else {})})
        if outcome.status != "ran":
            raise EhriskError(f"forecast not run: {outcome.reason}")
        p = res.payload
        fc_df, warn, aqhi_info = p["forecast"], p["warnings"], p["aqhi_set"]
        doc = {"run_id": run_id, "edition": p["edition"], "meteorology": p["meteorology"],
               "aqhi_set": aqhi_info, "evaluation": outcome.summary.get("evaluation") or (
                   {k: outcome.summary[k] for k in (
                       "holdout", "eval_lead_days", "single_grade_accuracy",
                       "two_grade_accuracy", "rmse", "rmse_persistence",
                       "interval_coverage", "caution") if k in outcome.summary}
                   if "holdout" in outcome.summary else None),
               "forecast": fc_df.to_dict(orient="records"),
               "warnings": warn.to_dict(orient="records")}
        if outcome.outputs:
            doc["files"] = outcome.outputs
        if json_out:
            print_json(doc)
            return
        console.print(f"edition {doc['edition']}; {doc['meteorology']}")
        ev = doc["evaluation"]
        if isinstance(ev, dict):
            console.print(
                f"evaluation / 预报评估 ({ev['holdout'][0]} .. {ev['holdout'][1]}, lead "
                f"{ev['eval_lead_days']} d, mean over stations): single-grade "
                f"{ev['single_grade_accuracy']:.1%}, two-grade {ev['two_grade_accuracy']:.1%}, "
                f"RMSE {ev['rmse']} (persistence {ev['rmse_persistence']}), 80 % interval "
                f"covered {ev['interval_coverage']:.1%}", highlight=False)
            if "caution" in ev:
                console.print(f"[bold yellow]{ev['caution']}[/]", highlight=False)
        elif ev is not None:
            console.print(f"evaluation / 预报评估: {ev}", highlight=False)
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
        for f in outcome.outputs:
            console.print(f"wrote {f}", highlight=False)
        console.print(f"run {run_id} (ehrisk runs show {run_id}; ehrisk extract {run_id} "
                      "forecast/latest)", highlight=False)
