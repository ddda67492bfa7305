"""A study: one reproducible run described by a study file (TOML), with provenance.

The settings are one declarative schema (pydantic models below): it validates the study file,
documents every key (``ehrisk run --schema`` prints it) and is the payload the API will take.
Errors name the file and the key. A run writes its outputs and ``provenance.json`` (settings,
package version, input checksums, reference-table checksums, step timings) to the output
folder. Steps are registered in :data:`STEPS`; each is a function ``step(ctx) -> dict`` that
returns the paths it wrote and a short summary.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ehrisk import SYNTHETIC_LABEL, __version__
from ehrisk.errors import InputError, Problem


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StudyInfo(_Section):
    name: str = Field("ehrisk study", description="Study name (shown in reports).")
    region: Literal["demo", "files"] = Field(
        "files", description="'demo' generates the bundled synthetic demo region; 'files' reads "
                             "the [inputs] files and, if database.url is set, the risk-source "
                             "database (enterprises, stacks, emissions, storages, receptors, "
                             "population) for the risk map and grading.")
    seed: int = Field(20261124, description="Seed for all randomness (demo data, Monte Carlo).")
    output_dir: str = Field("ehrisk-output", description="Folder for outputs, relative to the "
                                                         "study file.")


class Inputs(_Section):
    emissions: str | None = Field(None, description="Emissions inventory CSV/XLSX (enterprise, "
                                                    "substance, medium, amount, unit).")
    population: str | None = Field(None, description="Population near each enterprise CSV.")
    concentrations: str | None = Field(None, description="Concentrations CSV for the risk step.")
    stations: str | None = Field(None, description="Station air-quality CSV for the AQI step.")
    forecast_observations: str | None = Field(None, description="Hourly station table with "
                                              "meteorology for the forecast step "
                                              "(docs/forecast.md, format 'table').")
    meteorology: str | None = Field(None, description="Hourly meteorology CSV for the risk map "
                                                      "(ehrisk.dispersion.met.read_met_csv).")


class ScreeningSettings(_Section):
    enabled: bool = Field(True, description="Run priority-pollutant screening (优先控制污染物筛选).")
    top_n: int = Field(10, ge=1, description="Size of the top of the ranking for the stability "
                                             "report.")


class RiskSettings(_Section):
    enabled: bool = Field(True, description="Run the risk engine on [inputs] concentrations.")
    receptor: str = Field("resident", description="Receptor (resident, worker).")
    params: str = Field("epa-rsl", description="Exposure-factor set (epa-rsl, hj25.3-2019).")


class ScreeningLevelSettings(_Section):
    enabled: bool = Field(True, description="Tabulate screening levels for the listed substances.")
    cas: list[str] = Field(default_factory=list, description="CAS numbers; empty = the "
                                                            "substances of the emissions inventory.")
    media: list[Literal["air", "tapwater", "soil"]] = Field(["air"], description="Media.")
    receptors: list[str] = Field(["resident", "worker"], description="Receptors.")
    params: str = Field("epa-rsl", description="Exposure-factor set.")
    target_risk: float = Field(1e-6, gt=0, lt=1, description="Target excess lifetime cancer risk.")
    target_hq: float = Field(1.0, gt=0, description="Target hazard quotient.")


class AqiSettings(_Section):
    enabled: bool = Field(True, description="Daily AQI reports from station data.")
    standard: str = Field("auto", description="hj633-2026, hj633-2012 or auto (by date).")


class RiskMapSettings(_Section):
    enabled: bool = Field(True, description="Dispersion -> risk map (一图) with attribution and "
                                            "zoning (needs the demo region for now).")
    resolution_m: float = Field(250.0, gt=0, description="Grid cell size [m].")
    cutoff_m: float = Field(20000.0, gt=0, description="Dispersion cut-off distance [m].")
    blend: Literal["ratio", "residual_idw", "replace_idw", "none"] = Field(
        "ratio", description="Monitoring blend with the VOC stations.")
    maps: bool = Field(True, description="Draw PNG/PDF maps.")


class GradingSettings(_Section):
    enabled: bool = Field(True, description="HJ 941-2018 levels, risk codes (风险码), whitelist, "
                                            "problem lists and supervision list.")


class DatabaseSettings(_Section):
    enabled: bool = Field(True, description="Use the risk-source database (一库): the demo is "
                                            "loaded into it; results and risk codes (with "
                                            "history) are stored in it; enterprise files "
                                            "(一企一档) are written from it.")
    url: str | None = Field(None, description="Database URL or SQLite path; demo default: "
                                              "ehrisk.sqlite in the output folder.")
    year: int | None = Field(None, description="Inventory year read from the database "
                                               "(default: the latest).")
    enterprise_files: int = Field(1, ge=0, description="How many enterprise files (DOCX and PDF) "
                                                       "to write, largest emitters first.")


class ForecastSettings(_Section):
    enabled: bool = Field(True, description="Daily AQI/AQHI forecast for the days after the "
                                            "data, its hold-out evaluation and warnings.")
    days: int = Field(3, ge=1, le=7, description="Days ahead (HJ 633-2026: at least 3).")
    evaluate: bool = Field(True, description="Score the model on the last `holdout_days` "
                                             "(train on the days before).")
    holdout_days: int = Field(365, ge=30, description="Length of the hold-out period [d].")
    eval_lead_days: list[int] = Field([1], description="Lead times scored in the hold-out.")
    max_iter: int = Field(300, ge=20, description="Boosting iterations (600 = the setting of "
                                                  "the Beijing validation; fewer is faster).")
    aqhi_method: str = Field("chen-2012-shanghai", description="Daily AQHI of the forecast.")

    @field_validator("aqhi_method")
    @classmethod
    def _daily_aqhi(cls, v: str) -> str:
        from ehrisk.air.forecast import daily_aqhi_set
        try:
            daily_aqhi_set(v)
        except (KeyError, ValueError) as exc:
            raise ValueError(str(exc).strip("'\"")) from None
        return v


class HealthImpactSettings(_Section):
    enabled: bool = Field(True, description="PM2.5 health burden and a policy what-if "
                                            "(环境—经济—健康后评估) on the grid: needs the "
                                            "region's PM2.5 inventory, stations and population.")
    crf: str = Field("gemm-2018", description="Concentration-response function (crf table id; "
                                              "`ehrisk impact crfs` lists them).")
    parks: list[str] = Field(default_factory=list, description="The what-if acts on the "
                                                               "sources in these parks (empty: "
                                                               "all sources).")
    reduction: float = Field(0.3, ge=0, le=1, description="Fractional cut of their PM2.5 "
                                                          "emissions in the what-if.")
    y0_per_person_yr: float | None = Field(None, gt=0, description="Baseline death rate "
                                           "[deaths/person/yr]; default: crude rate of the "
                                           "region's daily death series.")
    value_id: str | None = Field("cao2023-china-vsl", description="Value per death (valuation "
                                                                  "table id); empty: no value.")
    draws: int = Field(1000, ge=1, description="Monte Carlo draws of the CRF coefficient.")

    @field_validator("crf")
    @classmethod
    def _known_crf(cls, v: str) -> str:
        from ehrisk.impact.crf import load_crf
        from ehrisk.refdata import RefdataError
        try:
            load_crf(v)
        except RefdataError as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("value_id")
    @classmethod
    def _known_value(cls, v: str | None) -> str | None:
        if v:
            from ehrisk.impact.valuation import valuation_table
            known = valuation_table()["value_id"].tolist()
            if v not in known:
                raise ValueError(f"no value {v!r} in the valuation table; known: "
                                 f"{', '.join(known)}")
        return v or None


class StudySettings(_Section):
    """The whole study file."""

    study: StudyInfo = Field(default_factory=StudyInfo)
    inputs: Inputs = Field(default_factory=Inputs)
    screening: ScreeningSettings = Field(default_factory=ScreeningSettings)
    screening_levels: ScreeningLevelSettings = Field(default_factory=ScreeningLevelSettings)
    risk: RiskSettings = Field(default_factory=RiskSettings)
    aqi: AqiSettings = Field(default_factory=AqiSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    risk_map: RiskMapSettings = Field(default_factory=RiskMapSettings)
    grading: GradingSettings = Field(default_factory=GradingSettings)
    forecast: ForecastSettings = Field(default_factory=ForecastSettings)
    health_impact: HealthImpactSettings = Field(default_factory=HealthImpactSettings)


def load_settings(path: str | Path) -> StudySettings:
    """Read and validate a study file; every problem names the file and the key."""
    p = Path(path)
    fname = str(path)
    if not p.exists():
        raise InputError.single(fname, "study file not found")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(fname, f"not a valid TOML file: {exc}") from None
    return settings_from_dict(data, fname)


def settings_from_dict(data: dict, fname: str = "<study>") -> StudySettings:
    """Validate a settings mapping (from TOML or an API payload)."""
    try:
        return StudySettings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            key = ".".join(str(x) for x in e["loc"])
            msg = e["msg"]
            if e["type"] == "extra_forbidden":
                msg = "unknown key (see `ehrisk run --schema`)"
            problems.append(Problem(file=fname, reason=msg, column=key))
        raise InputError(problems) from None


def schema_doc() -> list[dict]:
    """Every key of the study file with its type, default and description (drives the docs)."""
    rows = []
    for sec_name, sec_field in StudySettings.model_fields.items():
        model = sec_field.annotation
        for key, f in model.model_fields.items():
            default = f.get_default(call_default_factory=True)
            rows.append({"key": f"{sec_name}.{key}", "type": _type_name(f.annotation),
                         "default": default, "description": f.description or ""})
    return rows


def _type_name(t: Any) -> str:
    return getattr(t, "__name__", None) or str(t).replace("typing.", "")


@dataclass
class RunContext:
    """What a step sees: settings, the study folder, the output folder, shared data."""

    settings: StudySettings
    base_dir: Path
    out_dir: Path
    data: dict = field(default_factory=dict)
    progress: Callable[[str], None] = lambda msg: None

    def input_path(self, name: str) -> Path | None:
        value = getattr(self.settings.inputs, name)
        if value is None:
            return None
        p = Path(value)
        return p if p.is_absolute() else self.base_dir / p


StepFn = Callable[[RunContext], dict]
STEPS: dict[str, StepFn] = {}


def step(name: str) -> Callable[[StepFn], StepFn]:
    """Register a study step under ``name`` (run in registration order)."""
    def deco(fn: StepFn) -> StepFn:
        STEPS[name] = fn
        return fn
    return deco


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_study(settings: StudySettings, base_dir: Path, out_dir: Path | None = None,
              progress: Callable[[str], None] | None = None,
              only: list[str] | None = None) -> dict:
    """Run every enabled step; write provenance.json; return the provenance record."""
    from ehrisk import study_steps  # noqa: F401  (registers the steps)
    from ehrisk.refdata import editions

    out = out_dir or (base_dir / settings.study.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(settings=settings, base_dir=base_dir, out_dir=out,
                     progress=progress or (lambda msg: None))
    inputs = {}
    for name in Inputs.model_fields:
        p = ctx.input_path(name)
        if p is not None:
            if not p.exists():
                raise InputError.single(str(p), f"input file given as inputs.{name} not found")
            inputs[name] = {"path": str(p), "sha256": sha256_file(p)}
    started = datetime.now(UTC)
    results: dict[str, Any] = {}
    for name, fn in STEPS.items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        ctx.progress(name)
        res = fn(ctx)
        if res is None:
            continue
        res["seconds"] = round(time.perf_counter() - t0, 3)
        results[name] = res
    record = {
        "ehrisk_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "started_utc": started.isoformat(),
        "finished_utc": datetime.now(UTC).isoformat(),
        "settings": settings.model_dump(mode="json"),
        "inputs": inputs,
        "refdata_sha256": editions(),
        "steps": results,
        "synthetic": settings.study.region == "demo",
    }
    if record["synthetic"]:
        record["label"] = SYNTHETIC_LABEL
    outputs = {}
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.name != "provenance.json":
            outputs[str(p.relative_to(out))] = sha256_file(p)
    record["outputs_sha256"] = outputs
    (out / "provenance.json").write_text(json.dumps(record, ensure_ascii=False, indent=2,
                                                    default=str), encoding="utf-8")
    return record
