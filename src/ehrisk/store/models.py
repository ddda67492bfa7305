"""Data model of the risk-source database (一库), SQLAlchemy 2 declarative.

Coordinates are longitude/latitude in WGS84 (EPSG:4326; CGCS2000 agrees to well under a metre)
in ``lon``/``lat`` columns; polygons are WKT in ``geom_wkt``. On PostgreSQL the migration adds
a PostGIS ``geom`` column to each spatial table, generated from these columns and indexed with
GiST, so that spatial questions are answered by the database; the ORM never writes it.

Natural keys (unique constraints) are what imports upsert on: an enterprise by its unified
social credit code (统一社会信用代码), a stack by (enterprise, stack id), an emission by
(enterprise, source, substance, medium, year, basis), and so on. Times are stored as naive
UTC datetimes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


ENTERPRISE_STATUS = ("operating", "suspended", "closed")
MEDIA = ("air", "water", "soil")
EMISSION_BASIS = ("permit", "census", "monitoring", "estimate")
RECEPTOR_TYPES = ("school", "kindergarten", "hospital", "care_home", "residential_area",
                  "drinking_water_source", "other")
STATION_KINDS = ("air", "water", "soil", "voc", "met")
PROBLEM_STATUS = ("open", "in_progress", "rectified", "verified", "overdue")


class Enterprise(Base):
    """A facility (企业 / 风险源), keyed by its unified social credit code (GB 32100-2015)."""

    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    industry_code: Mapped[str | None] = mapped_column(String(8))   # GB/T 4754-2017
    industry_name: Mapped[str | None] = mapped_column(String(200))
    park_id: Mapped[str | None] = mapped_column(String(40), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    admin_code: Mapped[str | None] = mapped_column(String(12), index=True)   # GB/T 2260
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    permit_no: Mapped[str | None] = mapped_column(String(40))
    permit_class: Mapped[str | None] = mapped_column(String(20))   # 重点/简化/登记管理
    status: Mapped[str | None] = mapped_column(String(20))   # operating/suspended/closed
    employees: Mapped[int | None] = mapped_column(Integer)
    contact: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    stacks: Mapped[list[Stack]] = relationship(back_populates="enterprise",
                                               cascade="all, delete-orphan")


class Stack(Base):
    """An air outlet (排气筒): height [m], inner diameter [m], exit velocity [m/s], exit
    temperature [K]."""

    __tablename__ = "stack"
    __table_args__ = (UniqueConstraint("enterprise_id", "stack_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    stack_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    height_m: Mapped[float | None] = mapped_column(Float)
    diameter_m: Mapped[float | None] = mapped_column(Float)
    exit_velocity_m_s: Mapped[float | None] = mapped_column(Float)
    exit_temp_k: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    enterprise: Mapped[Enterprise] = relationship(back_populates="stacks")


class Outfall(Base):
    """A water outfall (废水排放口) and its receiving water body (受纳水体)."""

    __tablename__ = "outfall"
    __table_args__ = (UniqueConstraint("enterprise_id", "outfall_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    outfall_id: Mapped[str] = mapped_column(String(40))
    discharge_type: Mapped[str | None] = mapped_column(String(20))   # direct / indirect
    receiving_water: Mapped[str | None] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)


class Emission(Base):
    """Yearly emission of one substance (排放量) [t/yr], with the unit and amount as given."""

    __tablename__ = "emission"
    __table_args__ = (UniqueConstraint("enterprise_id", "source_id", "cas", "medium", "year",
                                       "basis"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    source_id: Mapped[str] = mapped_column(String(40), default="")   # stack / outfall id or ""
    cas: Mapped[str] = mapped_column(String(20), index=True)
    medium: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(20))
    amount_t_yr: Mapped[float] = mapped_column(Float)
    amount_as_given: Mapped[float | None] = mapped_column(Float)
    unit_as_given: Mapped[str | None] = mapped_column(String(20))


class Storage(Base):
    """On-site hazardous substance (风险物质) and its maximum quantity [t] (HJ 941 Q value)."""

    __tablename__ = "storage"
    __table_args__ = (UniqueConstraint("enterprise_id", "cas", "storage_form"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    cas: Mapped[str] = mapped_column(String(20))
    substance_name: Mapped[str | None] = mapped_column(String(200))
    max_quantity_t: Mapped[float] = mapped_column(Float)
    storage_form: Mapped[str] = mapped_column(String(40), default="")
    process_units: Mapped[str | None] = mapped_column(Text)


class Receptor(Base):
    """A sensitive receptor (敏感受体): point and optional polygon, population [persons]."""

    __tablename__ = "receptor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receptor_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    admin_code: Mapped[str | None] = mapped_column(String(12))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    population_kind: Mapped[str | None] = mapped_column(String(40))
    geom_wkt: Mapped[str | None] = mapped_column(Text)


class Park(Base):
    """An industrial park (工业园区) polygon."""

    __tablename__ = "park"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(60))
    admin_code: Mapped[str | None] = mapped_column(String(12))
    geom_wkt: Mapped[str | None] = mapped_column(Text)


class AdminUnit(Base):
    """An administrative division (行政区划, GB/T 2260 code) polygon."""

    __tablename__ = "admin_unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    admin_code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(String(12))
    population: Mapped[int | None] = mapped_column(Integer)
    geom_wkt: Mapped[str | None] = mapped_column(Text)


class PopulationCell(Base):
    """A population grid cell: centre lon/lat, population [persons]."""

    __tablename__ = "population_cell"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_id: Mapped[str] = mapped_column(String(40), unique=True)
    lon: Mapped[float] = mapped_column(Float, index=True)
    lat: Mapped[float] = mapped_column(Float, index=True)
    pop_persons: Mapped[float] = mapped_column(Float)
    cell_size_m: Mapped[float | None] = mapped_column(Float)
    admin_code: Mapped[str | None] = mapped_column(String(12))


class Station(Base):
    """A monitoring station (监测站点): air, water, soil, VOC or meteorological."""

    __tablename__ = "station"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    park_id: Mapped[str | None] = mapped_column(String(40))
    credit_code: Mapped[str | None] = mapped_column(String(18))   # enterprise self-monitoring
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)


class Observation(Base):
    """One monitored value: station, parameter (CAS or pseudo-id), time (UTC), value, unit."""

    __tablename__ = "observation"
    __table_args__ = (UniqueConstraint("station_id", "parameter", "time_utc"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id", ondelete="CASCADE"),
                                            index=True)
    parameter: Mapped[str] = mapped_column(String(40))
    time_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))


class Inspection(Base):
    """An inspection (检查) of an enterprise: who, when, what."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("enterprise_id", "inspection_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    inspection_id: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str | None] = mapped_column(Text)


class Problem(Base):
    """A problem (问题) found at an enterprise, its required measure, deadline and status, so
    that control is a closed loop (问题清单)."""

    __tablename__ = "problem"
    __table_args__ = (UniqueConstraint("enterprise_id", "problem_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    problem_id: Mapped[str] = mapped_column(String(40))
    inspection_id: Mapped[str | None] = mapped_column(String(40))
    found_on: Mapped[dt.date] = mapped_column(Date)
    found_by: Mapped[str | None] = mapped_column(String(200))
    finding: Mapped[str] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    evidence: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class ImportBatch(Base):
    """One import run: who, when, which file (SHA-256), what it did."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    n_rows: Mapped[int] = mapped_column(Integer)
    n_inserted: Mapped[int] = mapped_column(Integer)
    n_updated: Mapped[int] = mapped_column(Integer)
    n_unchanged: Mapped[int] = mapped_column(Integer)
    n_deleted: Mapped[int] = mapped_column(Integer, default=0)


class ChangeLog(Base):
    """One versioned change of one record (版本记录): operation, old and new values (JSON)."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    op: Mapped[str] = mapped_column(String(10))          # insert / update / delete
    entity: Mapped[str] = mapped_column(String(40))      # kind name, e.g. "stacks"
    entity_key: Mapped[str] = mapped_column(String(300))  # JSON of the natural key
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    changes: Mapped[str] = mapped_column(Text)            # JSON {field: [old, new]}


EVENT_LEVELS = ("none", "general", "larger", "major")
WATER_MEASURES = ("containment", "accident_wastewater_collection", "clean_wastewater_system",
                  "rainwater_system", "wastewater_treatment", "sewer_discharge_permit",
                  "hazardous_waste_management")


class RiskManagement(Base):
    """Risk-management attributes of an enterprise used by HJ 941-2018 M scoring (环境风险
    管理): process sets, tank farms, leak monitoring, protection distance, events and penalties
    in the last three years, and the seven water risk-control measures (True = in place)."""

    __tablename__ = "risk_management"
    __table_args__ = (UniqueConstraint("enterprise_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               index=True)
    process_units: Mapped[str | None] = mapped_column(Text)
    n_hazardous_process_sets: Mapped[int] = mapped_column(Integer, default=0)
    n_other_process_sets: Mapped[int | None] = mapped_column(Integer)
    n_tank_farms: Mapped[int | None] = mapped_column(Integer)
    n_phase_out_sets: Mapped[int | None] = mapped_column(Integer)
    toxic_gas_leak_monitoring: Mapped[bool | None] = mapped_column(Boolean)
    protection_distance_ok: Mapped[bool | None] = mapped_column(Boolean)
    air_events_3yr: Mapped[str | None] = mapped_column(String(10))
    water_events_3yr: Mapped[str | None] = mapped_column(String(10))
    penalised_3yr: Mapped[bool | None] = mapped_column(Boolean)
    water_containment: Mapped[bool | None] = mapped_column(Boolean)
    water_accident_wastewater_collection: Mapped[bool | None] = mapped_column(Boolean)
    water_clean_wastewater_system: Mapped[bool | None] = mapped_column(Boolean)
    water_rainwater_system: Mapped[bool | None] = mapped_column(Boolean)
    water_wastewater_treatment: Mapped[bool | None] = mapped_column(Boolean)
    water_sewer_discharge_permit: Mapped[bool | None] = mapped_column(Boolean)
    water_hazardous_waste_management: Mapped[bool | None] = mapped_column(Boolean)


class RiskMapRun(Base):
    """One risk-map run (风险地图) computed from the database: when, where its files are,
    its settings and summary (JSON)."""

    __tablename__ = "risk_map_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    out_dir: Mapped[str] = mapped_column(String(1000))
    inventory_year: Mapped[int | None] = mapped_column(Integer)
    resolution_m: Mapped[float] = mapped_column(Float)
    cutoff_m: Mapped[float | None] = mapped_column(Float)
    crs: Mapped[str | None] = mapped_column(String(40))
    basis: Mapped[str | None] = mapped_column(Text)
    met_source: Mapped[str | None] = mapped_column(String(500))
    inputs_sha256: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(Text)      # JSON


class RiskMapResult(Base):
    """Per-enterprise attributable risk of one risk-map run (resident, populated cells)."""

    __tablename__ = "risk_map_result"
    __table_args__ = (UniqueConstraint("run_id", "credit_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("risk_map_run.id", ondelete="CASCADE"),
                                        index=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    max_cancer_risk_contribution: Mapped[float] = mapped_column(Float)
    max_hi_contribution: Mapped[float] = mapped_column(Float)
    attributable_cases_per_yr: Mapped[float] = mapped_column(Float)
    top_substance: Mapped[str | None] = mapped_column(String(20))


class RiskCodeHistory(Base):
    """One computed environmental health risk code (环境健康风险码) of an enterprise. A row is
    added when the code, its rules or its inputs (checksum) change, so the table is the code's
    history; the newest row is the current code."""

    __tablename__ = "risk_code_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    code: Mapped[str] = mapped_column(String(10))
    level: Mapped[str | None] = mapped_column(String(40))          # HJ 941-2018 level code
    fired_rules: Mapped[str | None] = mapped_column(Text)
    reasons_zh: Mapped[str | None] = mapped_column(Text)
    reasons_en: Mapped[str | None] = mapped_column(Text)
    previous_code: Mapped[str | None] = mapped_column(String(10))
    change: Mapped[str | None] = mapped_column(String(20))         # grading.lists.compare_codes
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[str | None] = mapped_column(Text)               # JSON of the inputs
    risk_map_run_id: Mapped[int | None] = mapped_column(Integer)
    user: Mapped[str | None] = mapped_column(String(100))


RUN_STATUS = ("running", "completed", "failed")
STEP_STATUS = ("ran", "not_run", "failed")
ARTEFACT_KINDS = ("table", "arrays", "file")


class Run(Base):
    """One computation that produced results (a study, ``map run``, ``grade``, ``screen``,
    ``forecast run`` ...): its kind, settings and provenance (JSON), status and times (naive
    UTC). ``uid`` names its folder under the database's data directory (see
    :mod:`ehrisk.results`)."""

    __tablename__ = "run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    label: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_utc: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    finished_utc: Mapped[dt.datetime | None] = mapped_column(DateTime)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    ehrisk_version: Mapped[str | None] = mapped_column(String(40))
    settings: Mapped[str] = mapped_column(Text, default="{}")        # JSON
    provenance: Mapped[str] = mapped_column(Text, default="{}")      # JSON
    error: Mapped[str | None] = mapped_column(Text)


class RunStep(Base):
    """The outcome of one step of a run, in order: ``ran`` (summary), ``not_run`` or
    ``failed`` (reason), with its time [s]; ``outcome`` is the whole outcome (JSON)."""

    __tablename__ = "run_step"
    __table_args__ = (UniqueConstraint("run_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    seconds: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(Text)                       # JSON


class RunArtefact(Base):
    """One artefact of a run, by its name (``"grading/codes"``): a ``table`` (bytes in
    :class:`RunTable`), ``arrays`` (an ``.npz`` file) or a ``file`` (a document). Files lie
    under the database's data directory at ``relpath`` (relative, never an absolute path)."""

    __tablename__ = "run_artefact"
    __table_args__ = (UniqueConstraint("run_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    rows: Mapped[int | None] = mapped_column(Integer)
    columns: Mapped[str | None] = mapped_column(Text)                # JSON list
    relpath: Mapped[str | None] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    meta: Mapped[str | None] = mapped_column(Text)                   # JSON
    created_utc: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RunTable(Base):
    """The stored bytes of a table artefact (Parquet; GeoParquet for a GeoDataFrame)."""

    __tablename__ = "run_table"
    artefact_id: Mapped[int] = mapped_column(
        ForeignKey("run_artefact.id", ondelete="CASCADE"), primary_key=True)
    format: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
