"""Running services as recorded runs: one entry for the CLI commands (one service) and for the
study (many, ordered by what they use and provide). Every run is recorded in the database
(:mod:`ehrisk.results`): settings, provenance, step outcomes, result tables, arrays and
documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from ehrisk import DEFAULT_SEED
from ehrisk.inventory import Inventory
from ehrisk.services import (
    SERVICES,
    Outcome,
    Products,
    StepContext,
    load_all,
    plan,
    run_service,
)


def inventory_provenance(inv: Inventory) -> dict:
    """What the run must remember about its inventory."""
    return {"name_zh": inv.name_zh, "name_en": inv.name_en, "source": inv.source,
            "synthetic": inv.synthetic, "year": inv.year, "metric_crs": inv.metric_crs,
            "tables": inv.counts(), "warnings": list(inv.warnings),
            "seed": inv.meta.get("seed"), "label": inv.label}


def run_steps(inv: Inventory, sections: dict[str, BaseModel], *, engine=None,
              store_engine=..., kind: str = "study", settings_record: dict | None = None,
              input_files: dict[str, Path] | None = None, out_dir: Path | None = None,
              seed: int = DEFAULT_SEED, progress: Callable[[str, int, int], None] | None = None,
              products: Products | None = None
              ) -> tuple[int | None, list[Outcome], dict[str, object]]:
    """Run the services named by ``sections`` (name -> settings section) in dependency order.

    Returns ``(run_id, outcomes, results)``; ``run_id`` is None without a database engine.
    The run is recorded in ``engine``'s database when given (failed runs too).
    ``store_engine`` is the risk-source database the services may write domain records to
    (risk codes with history, enterprise files): by default ``engine``; None when the
    inventory did not come from that database.
    """
    if store_engine is ...:
        store_engine = engine
    load_all()
    names = plan([n for n in sections if n in SERVICES])
    products = products or Products()
    outcomes: list[Outcome] = []
    results: dict[str, object] = {}
    recorder = None
    if engine is not None:
        from ehrisk.results import provenance
        from ehrisk.results.runs import RunRecorder

        prov = provenance(input_files or {})
        prov["inventory"] = inventory_provenance(inv)
        prov["seed"] = int(seed)   # drives every random step (forecast model, impact draws)
        recorder = RunRecorder.start(
            engine, kind, settings=settings_record or {
                n: s.model_dump(mode="json") for n, s in sections.items()},
            provenance=prov, label=inv.label, synthetic=inv.synthetic)
    ctx = StepContext(seed=seed, progress=progress or (lambda s, d, t: None),
                      engine=store_engine,
                      run_id=None if recorder is None else recorder.run_id)
    try:
        for n in names:
            ctx.progress(n, 0, 1)
            out, res = run_service(n, inv, sections[n], products, ctx, out_dir=out_dir,
                                   recorder=recorder)
            outcomes.append(out)
            if res is not None:
                results[n] = res
    except BaseException as exc:
        if recorder is not None:
            recorder.finish("failed", f"{type(exc).__name__}: {exc}")
        raise
    if recorder is not None:
        recorder.finish("completed")
    return (None if recorder is None else recorder.run_id), outcomes, results


def run_one(name: str, inv: Inventory, section: BaseModel, **kw):
    """Run one service as a recorded run of kind ``name`` (the CLI commands' entry).

    Returns ``(run_id, outcome, result)``."""
    run_id, outs, res = run_steps(inv, {name: section}, kind=kw.pop("kind", name), **kw)
    return run_id, outs[0], res.get(name)
