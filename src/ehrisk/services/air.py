"""Services of air quality and health: daily AQI (HJ 633), hourly AQHI, the local
exposure-response model, and the AQI/AQHI forecast with its evaluation and warnings.

All read the inventory's hourly station table ``air_hourly`` (one reader,
:mod:`ehrisk.io.station_hourly`, whether it came from a file, the database or the demo) or its
daily health series ``health_daily``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import Field, field_validator, model_validator

from ehrisk.inventory import Inventory
from ehrisk.services import NotRun, Products, Section, StepContext, StepResult, service, writer


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


# -- AQI ------------------------------------------------------------------------------------
class AqiSettings(Section):
    enabled: bool = Field(True, description="Daily AQI reports from the hourly station table.")
    standard: str = Field("auto", description="hj633-2026, hj633-2012 or auto (edition by "
                                              "date).")


@service("aqi", AqiSettings, needs=("air_hourly",), provides=("aqi_daily",),
         title_zh="空气质量指数")
def run_aqi(inv: Inventory, s: AqiSettings, products: Products, ctx: StepContext
            ) -> StepResult:
    """Daily AQI per station and day (HJ 633; daily values by the GB 3095 validity rules)."""
    from ehrisk.air.aqi import aqi_daily_reports

    if not s.enabled:
        raise NotRun("disabled in the settings")
    report = aqi_daily_reports(inv.air_hourly, standard=s.standard)
    valid = report[report["aqi"].notna()]
    share = valid.groupby("category_zh").size() / max(len(valid), 1)
    return StepResult(
        summary={"station_days": int(len(report)), "valid_days": int(len(valid)),
                 "editions": sorted(str(e) for e in report["edition"].unique()),
                 "share_by_category": {str(k): round(float(v), 3) for k, v in share.items()}},
        tables={"aqi/daily": report}, products={"aqi_daily": report})


@writer("aqi")
def write_aqi(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    return {"aqi_daily.csv": _write_csv(res.tables["aqi/daily"],
                                        Path(out_dir) / "air" / "aqi_daily.csv")}


# -- AQHI -----------------------------------------------------------------------------------
class AqhiSettings(Section):
    enabled: bool = Field(True, description="Hourly AQHI per station from the hourly station "
                                            "table.")
    method: str = Field("chen-2012-shanghai", description="AQHI method (ehrisk aqhi --help "
                                                          "lists them).")


@service("aqhi", AqhiSettings, needs=("air_hourly",), title_zh="空气质量健康指数")
def run_aqhi(inv: Inventory, s: AqhiSettings, products: Products, ctx: StepContext
             ) -> StepResult:
    """Hourly AQHI per station with the method's moving means
    (:func:`ehrisk.air.aqhi.from_hourly`)."""
    from ehrisk.air.aqhi import from_hourly

    if not s.enabled:
        raise NotRun("disabled in the settings")
    parts = []
    for sid, g in inv.air_hourly.groupby("station_id", sort=True):
        h = from_hourly(g.sort_values("time"), s.method)
        h.insert(0, "station_id", sid)
        parts.append(h)
    table = pd.concat(parts, ignore_index=True)
    lvl = pd.to_numeric(table["level"], errors="coerce")
    return StepResult(summary={"method": s.method, "station_hours": int(len(table)),
                               "valid_hours": int(lvl.notna().sum()),
                               "max_level": None if lvl.dropna().empty else int(lvl.max())},
                      tables={"aqhi/hourly": table})


@writer("aqhi")
def write_aqhi(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    return {"aqhi_hourly.csv": _write_csv(res.tables["aqhi/hourly"],
                                          Path(out_dir) / "air" / "aqhi_hourly.csv")}


# -- response model -------------------------------------------------------------------------
class ResponseSettings(Section):
    enabled: bool = Field(True, description="Local exposure-response model (Poisson time "
                                            "series) on the daily health series.")
    outcome: str = Field("death", description="Outcome column (death, cvd, resp).")
    exposure: str = Field("pm25_ug_m3", description="Exposure column of the daily series.")
    lag: str = Field("0-1", description="Lag: '1' (single day), '0-1' (moving mean) or "
                                        "'dl0-3' (distributed).")
    card: bool = Field(True, description="Write the model card (Markdown + HTML).")

    @field_validator("lag")
    @classmethod
    def _lag(cls, v: str) -> str:
        from ehrisk.air.response import parse_lag

        try:
            parse_lag(v)
        except Exception as exc:  # parse_lag raises the package's input errors
            raise ValueError(str(exc)) from None
        return v


@service("response", ResponseSettings, needs=("health_daily",), title_zh="暴露-反应关系")
def run_response(inv: Inventory, s: ResponseSettings, products: Products, ctx: StepContext
                 ) -> StepResult:
    """Fit the local exposure-response model (:func:`ehrisk.air.response.fit_response`)."""
    from ehrisk.air.response import fit_response, parse_lag
    from ehrisk.errors import InputError

    if not s.enabled:
        raise NotRun("disabled in the settings")
    data = inv.health_daily
    for col, key in ((s.outcome, "response.outcome"), (s.exposure, "response.exposure")):
        if col not in data.columns:
            raise InputError.single("daily health series", f"no column {col!r} (columns: "
                                    f"{', '.join(map(str, data.columns))})", column=key)
    fit = fit_response(data, s.outcome, [s.exposure], lag=parse_lag(s.lag))
    summ = fit.summary()
    est = pd.DataFrame(summ.pop("estimates"))
    summary = {k: summ[k] for k in ("outcome", "lag", "er_percent_per_10", "ci_low", "ci_high",
                                    "n_days", "increment")}
    summary["exposure"] = s.exposure
    truth = inv.meta.get("health_truth")
    if truth is not None:
        summary["true_effect_in_demo"] = truth
    return StepResult(summary=summary, tables={"response/estimates": est},
                      payload=(data, fit, s.card))


@writer("response")
def write_response(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    from ehrisk.air.response_card import write_card

    data, fit, card = res.payload
    d = Path(out_dir) / "response"
    paths = {"estimates.csv": _write_csv(res.tables["response/estimates"], d / "estimates.csv")}
    if card:
        for k, p in write_card(data, fit, d).items():
            paths[f"model_card_{k}"] = Path(p)
    return paths


# -- forecast -------------------------------------------------------------------------------
FORECAST_STANDARDS = ("auto", "hj633-2012", "hj633-2026")


class ForecastSettings(Section):
    enabled: bool = Field(True, description="Daily AQI/AQHI forecast for the days after the "
                                            "data, its hold-out evaluation and warnings.")
    days: int = Field(3, ge=1, le=7, description="Days ahead (1-7; HJ 633-2026 asks for at "
                                                 "least 3).")
    standard: str = Field("auto", description="AQI standard of the forecast: hj633-2012, "
                                              "hj633-2026 or auto (the edition in force at the "
                                              "data end).")
    evaluate: bool = Field(True, description="Score the model on the last `holdout_days` "
                                             "(train on the days before); a history too short "
                                             "for it is reported and the forecast continues.")
    holdout_days: int = Field(365, ge=30, description="Length of the hold-out period (days).")
    eval_lead_days: list[int] = Field([1], description="Lead times scored in the hold-out.")
    max_iter: int = Field(300, ge=20, description="Boosting iterations (600 = the setting of "
                                                  "the Beijing validation; fewer is faster).")
    learning_rate: float = Field(0.04, gt=0.0, le=1.0, description="Learning rate of the AQI "
                                 "models (0.04 in the Beijing validation; with fewer "
                                 "iterations a larger rate, e.g. 40 x 0.1).")
    max_bins: int = Field(255, ge=8, le=255, description="Histogram bins per feature (255 in "
                                                        "the Beijing validation; 63 is faster).")
    max_leaf_nodes: int = Field(31, ge=2, le=255, description="Leaves per tree (31 in the "
                                                             "Beijing validation; 15 is "
                                                             "faster).")
    warnings: bool = Field(True, description="Also issue heavy-pollution (and AQHI health) "
                                             "warnings.")
    aqhi_method: str = Field("chen-2012-shanghai", description="Daily AQHI method of the "
                                                               "forecast (only daily-mean "
                                                               "indices).")
    aqhi_coefficients: str | None = Field(
        None, description="Daily AQHI from a coefficient-set file (averaging_h = 24) instead "
                          "of aqhi_method (give one of the two).")

    @field_validator("standard")
    @classmethod
    def _standard(cls, v: str) -> str:
        if v not in FORECAST_STANDARDS:
            raise ValueError(f"unknown standard {v!r}; known: {', '.join(FORECAST_STANDARDS)}")
        return v

    @field_validator("aqhi_method")
    @classmethod
    def _daily_aqhi(cls, v: str) -> str:
        from ehrisk.air.forecast import daily_aqhi_set

        try:
            daily_aqhi_set(v)
        except (KeyError, ValueError) as exc:
            raise ValueError(str(exc).strip("'\"")) from None
        return v

    @field_validator("aqhi_coefficients")
    @classmethod
    def _coefficients(cls, v: str | None) -> str | None:
        if v is not None:
            _coefficient_set(v)  # an InputError naming the file
        return v

    @model_validator(mode="after")
    def _one_aqhi(self) -> ForecastSettings:
        if self.aqhi_coefficients is not None and "aqhi_method" in self.model_fields_set:
            raise ValueError("give either aqhi_method or aqhi_coefficients, not both (二者择一)")
        return self

    def aqhi_set(self):
        """The daily AQHI of the forecast: the coefficient-set file's, else the method's."""
        from ehrisk.air.forecast import daily_aqhi_set

        if self.aqhi_coefficients is not None:
            return _coefficient_set(self.aqhi_coefficients)
        return daily_aqhi_set(self.aqhi_method)


def _coefficient_set(path: str):
    """A daily AQHI coefficient set from a file (InputError naming the file)."""
    from ehrisk.air.aqhi_set import load_set
    from ehrisk.air.forecast import daily_aqhi_set
    from ehrisk.errors import InputError

    cs = load_set(Path(path))
    try:
        return daily_aqhi_set(cs)
    except ValueError as exc:
        raise InputError.single(str(path), str(exc)) from None


@service("forecast", ForecastSettings, needs=("air_hourly",), title_zh="空气质量预报")
def run_forecast(inv: Inventory, s: ForecastSettings, products: Products, ctx: StepContext
                 ) -> StepResult:
    """Hold-out evaluation (when the history allows it), the forecast and its warnings.

    ``payload`` is a dict: ``evaluation`` (the hold-out scores, or None), ``edition``,
    ``meteorology`` (the assumption about the days ahead), ``aqhi_set`` (the daily AQHI used,
    with a note when its warnings were not issued), ``forecast`` and ``warnings`` (tables).
    """
    from ehrisk.air.forecast import (
        InsufficientHistory,
        evaluate_holdout,
        forecast_ahead,
        prepare_daily,
    )
    from ehrisk.air.forecast_eval import persistence_cautions
    from ehrisk.air.warnings import issue_aqhi_warnings, issue_warnings
    from ehrisk.io.jsonsafe import clean
    from ehrisk.io.station_hourly import check_met

    if not s.enabled:
        raise NotRun("disabled in the settings")
    hourly = inv.air_hourly
    missing = check_met(hourly)
    if missing:
        raise NotRun(f"the hourly station table lacks the meteorology the forecast needs: "
                     f"{', '.join(missing)}")
    edition = None if s.standard == "auto" else s.standard
    aqhi = s.aqhi_set()

    def progress(msg: str) -> None:
        ctx.progress(msg, 0, 0)

    summary: dict = {}
    tables: dict[str, pd.DataFrame] = {}
    evaluation = None
    model_kw = dict(seed=ctx.seed, max_iter=s.max_iter, learning_rate=s.learning_rate,
                    max_bins=s.max_bins, max_leaf_nodes=s.max_leaf_nodes, progress=progress)
    daily = prepare_daily(hourly, edition)
    if s.evaluate:
        last = pd.to_datetime(hourly["time"]).max().normalize()
        train_until = (last - pd.Timedelta(days=s.holdout_days)).strftime("%Y-%m-%d")
        try:
            ev = evaluate_holdout(hourly, train_until, lead_days=s.eval_lead_days,
                                  edition=edition, baselines=("persistence",), daily=daily,
                                  **model_kw)
        except InsufficientHistory as exc:
            summary["evaluation"] = f"not evaluated: {exc}"
            summary["warnings"] = [f"预报未做留出评估 / forecast not evaluated: {exc}"]
        else:
            ev.pop("pairs", None)
            evaluation = clean(ev)
            by_lead = ev["model"]["lead_days"]
            k = s.eval_lead_days[0]
            m = (by_lead[k] if k in by_lead else by_lead[str(k)])["station_mean"]
            p = ev["persistence"]["lead_days"][k]["station_mean"]
            summary.update({"holdout": ev["test_period"], "eval_lead_days": k,
                            "single_grade_accuracy": round(m["single_grade_accuracy"], 3),
                            "two_grade_accuracy": round(m["two_grade_accuracy"], 3),
                            "rmse": round(m["rmse"], 1),
                            "rmse_persistence": round(p["rmse"], 1),
                            "interval_coverage": round(m["interval_coverage"], 3)})
            if ev["cautions"]:
                summary["caution"] = " ".join(ev["cautions"])
                summary["warnings"] = list(ev["cautions"])
            rows = []
            for lead, v in by_lead.items():
                sk = ev["skill"].get(int(lead), {})
                rows.append({"lead_days": int(lead), **{kk: vv for kk, vv in v[
                    "station_mean"].items() if not isinstance(vv, (dict, list))},
                    "rmse_persistence": sk.get("rmse", {}).get("persistence"),
                    "rmse_skill": sk.get("rmse_skill"),
                    "worse_than_persistence": ", ".join(sk.get("worse", [])),
                    "caution": " ".join(persistence_cautions({int(lead): sk}) if sk else [])})
            tables["forecast/evaluation"] = pd.DataFrame(rows)
    try:
        fc = forecast_ahead(hourly, s.days, edition=edition, aqhi_method=aqhi, daily=daily,
                            **model_kw)
    except InsufficientHistory as exc:
        raise NotRun(f"forecast not made: {exc}") from None
    aqhi_info = dict(fc.attrs.get("aqhi", {}))
    parts = [issue_warnings(fc)] if s.warnings else []
    if s.warnings and fc.attrs.get("aqhi_canada_bands", True):
        parts.append(issue_aqhi_warnings(fc))
    elif s.warnings:
        aqhi_info["warnings"] = (
            "AQHI health warnings (aqhi-hc: index >= 7, > 10) not issued: the set's bands "
            "differ from the 1-10/10+ scale they assume / 该系数集分级与加拿大1-10级不同, "
            "未发布AQHI健康预警")
    full = [p for p in parts if len(p)]
    warn = (pd.concat(full, ignore_index=True) if full
            else parts[0] if parts else pd.DataFrame())
    city = fc[fc["area"] == "city"]
    summary.update({"edition": fc.attrs.get("edition"),
                    "city_aqi": [int(round(v)) for v in city["aqi"]],
                    "city_aqhi": [str(v) for v in city["aqhi"]],
                    "pollution_warnings": int(len(warn))})
    tables["forecast/latest"] = fc
    tables["forecast/warnings"] = warn
    payload = {"evaluation": evaluation, "edition": fc.attrs.get("edition"),
               "meteorology": fc.attrs.get("meteorology"), "aqhi_set": aqhi_info,
               "forecast": fc, "warnings": warn}
    return StepResult(summary=summary, tables=tables, payload=payload)


@writer("forecast")
def write_forecast(res: StepResult, inv: Inventory, out_dir: Path) -> dict[str, Path]:
    from ehrisk.io import jsonsafe

    d = Path(out_dir) / "forecast"
    paths = {"forecast.csv": _write_csv(res.tables["forecast/latest"], d / "forecast.csv"),
             "warnings.csv": _write_csv(res.tables["forecast/warnings"], d / "warnings.csv")}
    if res.payload.get("evaluation") is not None:
        p = d / "evaluation.json"
        p.write_text(jsonsafe.dumps(res.payload["evaluation"], indent=2), encoding="utf-8")
        paths["evaluation.json"] = p
    return paths
