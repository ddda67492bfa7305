"""Services: one function per capability, ``run_x(inventory, settings, products, ctx)``.

A service takes the :class:`~ehrisk.inventory.Inventory`, its pydantic settings section (the
single declaration of its parameters: the study file, the CLI options and the API payload come
from it) and the :class:`Products` of the steps before it, and returns a :class:`StepResult`:
a summary, the result tables under their extract names (``"grading/codes"``), the large arrays
to keep with the run, and typed products for later steps. Services compute; they do not write
files. A separate writer (``Service.write``) turns a result into the documents a user reads
(CSV, XLSX, maps, reports).

Each service is registered with what it **needs** (inventory tables: a missing one makes the
step "not run" with the reason, never a fallback) and what it **uses** and **provides**
(products of other steps): the run order follows from that (:func:`plan`). The CLI commands
and the study call the same services through :func:`run_service` / :func:`run_steps`, which
record every outcome: ran (with its summary and timing), not run (with the reason) or failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from ehrisk import DEFAULT_SEED
from ehrisk.errors import EhriskError
from ehrisk.inventory import Inventory, MissingInput

if TYPE_CHECKING:  # pragma: no cover
    from ehrisk.results.runs import RunRecorder


class Section(BaseModel):
    """Base of every settings section (unknown keys refused)."""

    model_config = ConfigDict(extra="forbid")


class NotRun(EhriskError):
    """Raised by a service that has nothing to do, with the reason (reported, not an error)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass
class Products:
    """What steps hand to later steps (typed; ``None`` until a step provides it).

    Attributes
    ----------
    emitted_cas : list of str
        Substances emitted in the inventory year (with a CAS number).
    priority_list : DataFrame
        The screening ranking (优先控制污染物清单) of this run.
    priority_cas : frozenset of str
        CAS numbers in the priority tier of that list (grading's priority-pollutant rule).
    risk_map : object
        :class:`ehrisk.services.risk_map.RiskMapResult` of this run.
    enterprise_risk : object
        :class:`ehrisk.mapping.attribution.EnterpriseRisk` (per-enterprise attributable risk
        and the unit-emission what-if risks).
    hj941 : tuple of DataFrame
        ``(storages, management, sensitivity)`` inputs of HJ 941-2018 grading.
    risk_codes : DataFrame
        Risk codes of this run.
    aqi_daily : DataFrame
        Daily AQI reports of this run.
    """

    emitted_cas: list[str] | None = None
    priority_list: pd.DataFrame | None = None
    priority_cas: frozenset[str] | None = None
    risk_map: Any = None
    enterprise_risk: Any = None
    hj941: tuple | None = None
    risk_codes: pd.DataFrame | None = None
    aqi_daily: pd.DataFrame | None = None

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


@dataclass
class StepContext:
    """Run-wide facts a service may use: the seed, a progress callback, the database engine
    (or None) and the run id (or None)."""

    seed: int = DEFAULT_SEED
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None
    engine: Any = None
    run_id: int | None = None


@dataclass
class StepResult:
    """What a service returns.

    Attributes
    ----------
    summary : dict
        JSON-safe summary (shown by ``ehrisk runs show`` and stored with the run).
    tables : dict
        Extract name (``"grading/codes"``) -> DataFrame (GeoDataFrame allowed); stored in the
        database with the run and read back by :func:`ehrisk.results.extract`.
    arrays : dict
        Name -> ``{array name: ndarray or scipy.sparse matrix}``; stored as files under the
        database's data directory with the run (e.g. the unit-emission what-if matrices).
    products : dict
        Field of :class:`Products` -> value for later steps.
    payload : object
        The typed result itself, for writers and callers.
    """

    summary: dict = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    arrays: dict[str, dict] = field(default_factory=dict)
    products: dict[str, Any] = field(default_factory=dict)
    payload: Any = None


ServiceFn = Callable[[Inventory, BaseModel, Products, StepContext], StepResult]
WriterFn = Callable[[StepResult, Inventory, Path], dict[str, Path]]


@dataclass(frozen=True)
class Service:
    """A registered capability."""

    name: str
    fn: ServiceFn
    settings: type[BaseModel]
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    title_zh: str = ""
    write: WriterFn | None = None


SERVICES: dict[str, Service] = {}


def service(name: str, settings: type[BaseModel], *, needs: tuple[str, ...] = (),
            uses: tuple[str, ...] = (), provides: tuple[str, ...] = (), title_zh: str = ""
            ) -> Callable[[ServiceFn], ServiceFn]:
    """Register ``fn`` as the service ``name`` (see :class:`Service`)."""
    known = Products.names()
    bad = [p for p in (*uses, *provides) if p not in known]
    if bad:
        raise ValueError(f"service {name}: unknown products {bad}")

    def deco(fn: ServiceFn) -> ServiceFn:
        SERVICES[name] = Service(name, fn, settings, tuple(needs), tuple(uses),
                                 tuple(provides), title_zh)
        return fn
    return deco


def writer(name: str) -> Callable[[WriterFn], WriterFn]:
    """Register the writer of service ``name``."""
    def deco(fn: WriterFn) -> WriterFn:
        s = SERVICES[name]
        SERVICES[name] = Service(s.name, s.fn, s.settings, s.needs, s.uses, s.provides,
                                 s.title_zh, fn)
        return fn
    return deco


def load_all() -> dict[str, Service]:
    """Import every service module (registers them) and return the registry."""
    import importlib

    for mod in SERVICE_MODULES:
        try:
            importlib.import_module(f"ehrisk.services.{mod}")
        except ModuleNotFoundError as exc:  # a service not present in this checkout
            if exc.name != f"ehrisk.services.{mod}":
                raise
    return SERVICES


SERVICE_MODULES = ("screening", "risk", "air", "risk_map", "grading", "impact",
                   "enterprise_files")


def plan(names: list[str]) -> list[str]:
    """Order services so that each comes after the services that provide what it uses
    (stable: otherwise the given order)."""
    provider = {}
    for n in names:
        for p in SERVICES[n].provides:
            provider.setdefault(p, n)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, path: tuple[str, ...]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            raise ValueError(f"services use each other in a circle: {' -> '.join(path + (n,))}")
        state[n] = 1
        for u in SERVICES[n].uses:
            dep = provider.get(u)
            if dep is not None and dep != n:
                visit(dep, path + (n,))
        state[n] = 2
        order.append(n)

    for n in names:
        visit(n, ())
    return order


@dataclass
class Outcome:
    """The outcome of one step: ``ran`` (summary), ``not_run`` (reason) or ``failed``."""

    name: str
    status: str
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)
    reason: str = ""
    outputs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = {"step": self.name, "status": self.status, "seconds": round(self.seconds, 3)}
        if self.status == "ran":
            d["summary"] = self.summary
            if self.outputs:
                d["outputs"] = self.outputs
        else:
            d["reason"] = self.reason
        return d


def run_service(name: str, inv: Inventory, settings: BaseModel, products: Products,
                ctx: StepContext, *, out_dir: Path | None = None,
                recorder: RunRecorder | None = None) -> tuple[Outcome, StepResult | None]:
    """Run one service: check its needs, call it, record its tables and arrays with the run,
    write its documents to ``out_dir`` (when given) and hand its products on.

    A missing input (:class:`~ehrisk.inventory.MissingInput`) or :class:`NotRun` gives the
    outcome ``not_run`` with the reason. Input errors (:class:`ehrisk.errors.EhriskError`)
    propagate: they name the input and the CLI exits 2.
    """
    svc = SERVICES[name]
    t0 = time.perf_counter()
    try:
        inv.require(*svc.needs, what=f"step {name}")
        res = svc.fn(inv, settings, products, ctx)
    except (MissingInput, NotRun) as exc:
        out = Outcome(name, "not_run", time.perf_counter() - t0, reason=exc.reason)
        if recorder is not None:
            recorder.step(out.as_dict())
        return out, None
    for k, v in res.products.items():
        if k not in svc.provides:
            raise ValueError(f"service {name} provided {k!r}, which it does not declare")
        setattr(products, k, v)
    written: dict[str, Path] = {}
    if out_dir is not None and svc.write is not None:
        written = svc.write(res, inv, Path(out_dir)) or {}
    out = Outcome(name, "ran", time.perf_counter() - t0, summary=dict(res.summary),
                  outputs=[str(p) for p in written.values()])
    if recorder is not None:
        for tname, df in res.tables.items():
            recorder.add_table(tname, df)
        for aname, arrs in res.arrays.items():
            recorder.add_arrays(aname, arrs)
        for fname, path in written.items():
            recorder.add_file(f"files/{name}/{fname}", Path(path))
        recorder.step(out.as_dict())
    return out, res
