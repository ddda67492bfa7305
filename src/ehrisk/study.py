"""A study: one reproducible run described by a study file (TOML), recorded as a run.

The settings are one declarative schema: the sections ``[study]``, ``[inputs]`` and
``[database]`` below, and one section per service, taken from the service's own settings model
(:mod:`ehrisk.services`), so a parameter is declared once for the study file, the CLI options
and the API payload. ``ehrisk run --schema`` prints every key. Errors name the file and the key.

A run builds the :class:`~ehrisk.inventory.Inventory` (the demo generator, the risk-source
database and/or the input files), runs every enabled service in the order that what they use
and provide gives, records the run in the study's database (settings, provenance, step outcomes,
result tables, arrays and documents; read back with ``ehrisk runs`` and ``ehrisk extract``),
writes the documents to the output folder, and writes ``provenance.json`` there.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from ehrisk import DEFAULT_SEED, SYNTHETIC_LABEL, __version__
from ehrisk.errors import InputError, Problem
from ehrisk.services import SERVICES, Section, load_all


class StudyInfo(Section):
    name: str = Field("ehrisk study", description="Study name (shown in reports).")
    region: Literal["demo", "files"] = Field(
        "files", description="'demo' generates the bundled synthetic demo region; 'files' "
                             "reads the risk-source database (database.url) and the [inputs] "
                             "files.")
    seed: int = Field(DEFAULT_SEED, description="Seed for all randomness (demo data, Monte Carlo).")
    output_dir: str = Field("ehrisk-output", description="Folder for outputs, relative to the "
                                                         "study file.")
    issuer: str | None = Field(None, description="Issuing unit shown on documents "
                                                 "(编制单位).")


class Inputs(Section):
    emissions: str | None = Field(None, description="Emissions CSV/XLSX (enterprise, "
                                                    "substance, medium, amount, unit[, lon, "
                                                    "lat]) when there is no database.")
    population: str | None = Field(None, description="Population grid CSV/XLSX (lon, lat, "
                                                     "population) when there is no database.")
    concentrations: str | None = Field(None, description="Measured concentrations for the "
                                                          "risk step.")
    stations: str | None = Field(None, description="Hourly station table (station or "
                                                   "station_id, time, six pollutants[, "
                                                   "meteorology]; docs/air.md) for AQI, AQHI "
                                                   "and the forecast.")
    forecast_observations: str | None = Field(None, description="Same as 'stations' (kept for "
                                                                "older study files).")
    meteorology: str | None = Field(None, description="Hourly meteorology CSV for dispersion "
                                                      "(ehrisk.dispersion.met.read_met_csv).")
    health_daily: str | None = Field(None, description="Daily health series CSV/XLSX (date, "
                                                       "deaths by cause, pollutants, weather; "
                                                       "Chinese or English headers) for the "
                                                       "response model and health impact.")
    accept_outliers: bool = Field(False, description="Use emission amounts of the 'emissions' "
                                                     "file that the plausibility check flags "
                                                     "as likely unit slips (they are then "
                                                     "listed as warnings of the run).")


class DatabaseSettings(Section):
    enabled: bool = Field(True, description="Use the risk-source database (一库): the demo is "
                                            "loaded into it; the run, its results and the risk "
                                            "codes (with history) are stored in it.")
    url: str | None = Field(None, description="Database URL or SQLite path (relative to the "
                                              "study file); demo default: ehrisk.sqlite in the "
                                              "output folder; files default: the embedded "
                                              "database ($EHRISK_DATABASE_URL or "
                                              "~/.local/share/ehrisk/ehrisk.sqlite).")
    year: int | None = Field(None, description="Inventory year (default: the latest year with "
                                               "emissions to air).")


BASE_SECTIONS: dict[str, type[BaseModel]] = {"study": StudyInfo, "inputs": Inputs,
                                             "database": DatabaseSettings}


def _build_settings_model() -> type[BaseModel]:
    load_all()
    fields: dict[str, Any] = {n: (m, Field(default_factory=m)) for n, m in BASE_SECTIONS.items()}
    for name, svc in SERVICES.items():
        fields[name] = (svc.settings, Field(default_factory=svc.settings))
    return create_model("StudySettings", __base__=Section, **fields)


StudySettings = _build_settings_model()
"""The whole study file: the base sections and one section per registered service."""


def load_settings(path: str | Path) -> BaseModel:
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


def settings_from_dict(data: dict, fname: str = "<study>") -> BaseModel:
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


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_paths(settings: BaseModel, base_dir: Path) -> dict[str, Path]:
    """The ``[inputs]`` files, resolved against the study folder; a missing one is an error
    naming the key."""
    out = {}
    for name in Inputs.model_fields:
        value = getattr(settings.inputs, name)
        if value is None or isinstance(value, bool):
            continue
        p = Path(value)
        p = p if p.is_absolute() else base_dir / p
        if not p.exists():
            raise InputError.single(str(p), f"input file given as inputs.{name} not found",
                                    column=f"inputs.{name}")
        out[name] = p
    return out


def _database_url(settings: BaseModel, base_dir: Path, out: Path) -> str | None:
    from ehrisk.store.db import resolve_url

    s = settings.database
    if not s.enabled:
        return None
    if s.url:
        url = s.url
        if "://" not in url and not Path(url).is_absolute():
            url = str((base_dir / url).resolve())
        return resolve_url(url)
    if settings.study.region == "demo":
        return resolve_url(str(out / "ehrisk.sqlite"))
    return resolve_url(None)


def build_inventory(settings: BaseModel, base_dir: Path, out: Path, engine,
                    files: dict[str, Path]):
    """The study's inventory: the demo (loaded into the database when there is one), or the
    database's inventory, with the ``[inputs]`` files added."""
    from ehrisk.inventory.files import add_files

    s = settings.study
    if s.region == "demo":
        from ehrisk import demo
        from ehrisk.demo.inventory import to_inventory

        region = demo.generate(seed=s.seed)
        demo.write(region, out / "region")
        inv = to_inventory(region)
        if engine is not None:
            from ehrisk.store.db import session_scope
            from ehrisk.store.demo import load_demo

            with session_scope(engine) as session:
                load_demo(session, region)
        return add_files(inv, files)
    if engine is not None and settings.database.url:
        from ehrisk.store.db import session_scope
        from ehrisk.store.inventory import inventory_from_store

        met = None
        if "meteorology" in files:
            from ehrisk.dispersion.met import read_met_csv

            met = read_met_csv(files["meteorology"])
        with session_scope(engine) as session:
            inv = inventory_from_store(session, settings.database.year, met=met,
                                       met_source=str(files.get("meteorology") or "") or None)
        return add_files(inv, {k: v for k, v in files.items() if k != "meteorology"})
    return add_files(None, files, name_zh=s.name, year=settings.database.year)


def run_study(settings: BaseModel, base_dir: Path, out_dir: Path | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              only: list[str] | None = None) -> dict:
    """Build the inventory, run every enabled service as one recorded run, write the documents
    and ``provenance.json``; return the run record (run id, database, steps, inventory)."""
    from ehrisk.io import jsonsafe
    from ehrisk.services.runner import run_steps
    from ehrisk.store.db import open_engine

    out = out_dir or (base_dir / settings.study.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = input_paths(settings, base_dir)
    url = _database_url(settings, base_dir, out)
    engine = open_engine(url) if url else None
    try:
        if progress:
            progress("inventory", 0, 1)
        checked: list[str] = []
        if "emissions" in files:   # likely unit slips refused before anything runs
            from ehrisk.services.screening import check_emission_file

            checked = check_emission_file(files["emissions"], settings.database.year,
                                          accept_outliers=settings.inputs.accept_outliers)
        inv = build_inventory(settings, base_dir, out, engine, files)
        if checked:
            inv.warnings.extend(checked)
        store_engine = engine if inv.source in ("demo", "database") else None
        sections = {}
        for name in SERVICES:
            sec = getattr(settings, name)
            if only and name not in only:
                continue
            if not getattr(sec, "enabled", True):
                continue
            if name == "risk" and "concentrations" in files and sec.concentrations is None:
                sec = sec.model_copy(update={"concentrations": str(files["concentrations"])})
            if getattr(sec, "issuer", "absent") is None and settings.study.issuer:
                sec = sec.model_copy(update={"issuer": settings.study.issuer})
            sections[name] = sec
        run_engine = engine
        if run_engine is None:
            from ehrisk.results import open_run_engine

            run_engine = open_run_engine(None)
        run_id, outcomes, _ = run_steps(
            inv, sections, engine=run_engine, store_engine=store_engine, kind="study",
            settings_record=settings.model_dump(mode="json"), input_files=files, out_dir=out,
            seed=settings.study.seed, progress=progress)
    finally:
        if engine is not None:
            engine.dispose()
    from ehrisk.results import get_run

    run = get_run(run_engine, run_id)
    record = {
        "run_id": run_id, "database": _safe_url(str(run_engine.url)),
        "ehrisk_version": __version__, "settings": settings.model_dump(mode="json"),
        "inventory": run["provenance"].get("inventory"),
        "provenance": {k: v for k, v in run["provenance"].items() if k != "inventory"},
        "steps": [o.as_dict() for o in outcomes], "synthetic": inv.synthetic,
        "warnings": list(inv.warnings)}
    if inv.synthetic:
        record["label"] = SYNTHETIC_LABEL
    (out / "provenance.json").write_text(jsonsafe.dumps(record, indent=2), encoding="utf-8")
    return record


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return url
