"""Reading runs back: the run list, one run with its steps and artefacts, tables, arrays and
file paths. A run is named by its id (``7`` or ``"7"``), ``"latest"`` (the newest run) or
``"latest:<kind>"`` (the newest run of that kind)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from ehrisk.errors import EhriskError
from ehrisk.results import codec
from ehrisk.results.datadir import data_dir
from ehrisk.store import models as m
from ehrisk.store.db import session_scope


def _loads(text: str | None, default=None):
    return default if text is None else json.loads(text)


def run_id_of(engine: Engine, run: int | str) -> int:
    """The id of the run named by ``run``: an id, ``"latest"`` or ``"latest:<kind>"``.

    Raises
    ------
    EhriskError
        No such run, or ``run`` is not a run name.
    """
    if isinstance(run, bool):
        raise EhriskError(f"bad run {run!r}: give an id, 'latest' or 'latest:<kind>'")
    text = str(run).strip()
    with session_scope(engine) as s:
        if text == "latest" or text.startswith("latest:"):
            kind = text.partition(":")[2].strip() or None
            q = select(m.Run.id).order_by(m.Run.id.desc()).limit(1)
            if kind:
                q = q.where(m.Run.kind == kind)
            rid = s.execute(q).scalar()
            if rid is None:
                if kind is None:
                    raise EhriskError("the database has no runs yet")
                kinds = sorted(s.execute(select(m.Run.kind).distinct()).scalars())
                raise EhriskError(f"no run of kind {kind!r} in the database (kinds there: "
                                  f"{', '.join(kinds) or 'none'})")
            return int(rid)
        try:
            rid = int(text)
        except ValueError:
            raise EhriskError(f"bad run {text!r}: give an id, 'latest' or 'latest:<kind>'"
                              ) from None
        if s.get(m.Run, rid) is None:
            raise EhriskError(f"no run {rid} in the database (see `ehrisk runs list`)")
        return rid


def _step_counts(rows) -> dict[str, int]:
    counts = {k: 0 for k in m.STEP_STATUS}
    for status, n in rows:
        counts[status] = counts.get(status, 0) + int(n)
    return counts


def list_runs(engine: Engine, kind: str | None = None, limit: int = 50) -> list[dict]:
    """The newest runs first: id, kind, label, status, started_utc, finished_utc, synthetic,
    error and step counts ``{"ran": n, "not_run": n, "failed": n}``."""
    with session_scope(engine) as s:
        q = select(m.Run).order_by(m.Run.id.desc()).limit(int(limit))
        if kind:
            q = q.where(m.Run.kind == kind)
        runs = list(s.execute(q).scalars())
        ids = [r.id for r in runs]
        counts: dict[int, list] = {i: [] for i in ids}
        if ids:
            for rid, status, n in s.execute(
                    select(m.RunStep.run_id, m.RunStep.status, func.count())
                    .where(m.RunStep.run_id.in_(ids))
                    .group_by(m.RunStep.run_id, m.RunStep.status)):
                counts[rid].append((status, n))
        return [{"id": r.id, "kind": r.kind, "label": r.label, "status": r.status,
                 "started_utc": r.started_utc, "finished_utc": r.finished_utc,
                 "synthetic": bool(r.synthetic), "error": r.error,
                 "steps": _step_counts(counts[r.id])} for r in runs]


def _artefact_dict(a: m.RunArtefact) -> dict:
    meta = _loads(a.meta, {}) or {}
    return {"name": a.name, "kind": a.kind, "rows": a.rows, "columns": _loads(a.columns),
            "relpath": a.relpath, "sha256": a.sha256, "bytes": a.bytes,
            "geometry": meta.get("geometry"), "created_utc": a.created_utc}


def get_run(engine: Engine, run: int | str) -> dict:
    """One run: id, uid, kind, label, status, times, synthetic, ehrisk_version, error,
    settings, provenance, steps (list of outcomes in order), step counts and artefacts (name,
    kind, rows, columns, relpath, sha256, bytes, geometry)."""
    rid = run_id_of(engine, run)
    with session_scope(engine) as s:
        r = s.get(m.Run, rid)
        steps = list(s.execute(select(m.RunStep).where(m.RunStep.run_id == rid)
                               .order_by(m.RunStep.seq)).scalars())
        arts = list(s.execute(select(m.RunArtefact).where(m.RunArtefact.run_id == rid)
                              .order_by(m.RunArtefact.id)).scalars())
        return {"id": r.id, "uid": r.uid, "kind": r.kind, "label": r.label, "status": r.status,
                "started_utc": r.started_utc, "finished_utc": r.finished_utc,
                "synthetic": bool(r.synthetic), "ehrisk_version": r.ehrisk_version,
                "error": r.error, "settings": _loads(r.settings, {}),
                "provenance": _loads(r.provenance, {}),
                "steps": [_loads(st.outcome, {}) for st in steps],
                "step_counts": _step_counts([(st.status, 1) for st in steps]),
                "artefacts": [_artefact_dict(a) for a in arts]}


def _artefact(s, rid: int, name: str) -> m.RunArtefact | None:
    return s.execute(select(m.RunArtefact).where(m.RunArtefact.run_id == rid,
                                                 m.RunArtefact.name == name)).scalar()


def _names_of(s, rid: int) -> list[str]:
    return list(s.execute(select(m.RunArtefact.name).where(m.RunArtefact.run_id == rid)
                          .order_by(m.RunArtefact.name)).scalars())


def _require(s, rid: int, name: str, kinds: tuple[str, ...]) -> m.RunArtefact:
    a = _artefact(s, rid, name)
    if a is None:
        names = _names_of(s, rid)
        raise EhriskError(f"run {rid} has no artefact {name!r} (it has: "
                          f"{', '.join(names) or 'none'})")
    if a.kind not in kinds:
        raise EhriskError(f"{name} of run {rid} is a {a.kind} artefact, not "
                          f"{' or '.join(kinds)}")
    return a


def has_artefact(engine: Engine, run: int | str, name: str) -> bool:
    """Whether the run has an artefact of that name."""
    rid = run_id_of(engine, run)
    with session_scope(engine) as s:
        return _artefact(s, rid, name) is not None


def read_table(engine: Engine, run: int | str, name: str) -> pd.DataFrame:
    """The stored table ``name`` of a run (a GeoDataFrame where it had geometry)."""
    rid = run_id_of(engine, run)
    with session_scope(engine) as s:
        a = _require(s, rid, name, ("table",))
        row = s.get(m.RunTable, a.id)
        data, meta = row.data, _loads(a.meta, {})
    return codec.decode_table(bytes(data), meta)


def _file_of(engine: Engine, rid: int, a: m.RunArtefact) -> Path:
    base = data_dir(engine)
    p = base.joinpath(*a.relpath.split("/"))
    if not p.is_file():
        raise EhriskError(f"the file of {a.name} of run {rid} is missing: expected {p} "
                          f"(a database must move together with its data directory {base})")
    return p


def artefact_path(engine: Engine, run: int | str, name: str) -> Path:
    """Absolute path of a file (or arrays) artefact under the database's data directory.

    Raises
    ------
    EhriskError
        Unknown run or artefact, a table artefact (it has no file), or the file is missing.
    """
    rid = run_id_of(engine, run)
    with session_scope(engine) as s:
        a = _require(s, rid, name, ("file", "arrays"))
        return _file_of(engine, rid, a)


def load_arrays(engine: Engine, run: int | str, name: str) -> dict:
    """The ``{array name: ndarray or scipy.sparse}`` dict stored by
    :meth:`RunRecorder.add_arrays`; the file's SHA-256 is checked first.

    Raises
    ------
    EhriskError
        Unknown run or artefact, file missing or changed since it was recorded.
    """
    rid = run_id_of(engine, run)
    with session_scope(engine) as s:
        a = _require(s, rid, name, ("arrays",))
        p = _file_of(engine, rid, a)
        sha = a.sha256
    if codec.sha256_file(p) != sha:
        raise EhriskError(f"the file of {name} of run {rid} ({p}) has changed since the run "
                          "recorded it (SHA-256 differs)")
    return codec.read_arrays(p)
