"""Runs and results in the database, and the one read layer.

Every computation that produces results (a study, ``map run``, ``grade``, ``screen``,
``forecast run`` ...) is a **run**: an id, its kind, settings and provenance, status, step
outcomes with timings and a catalogue of its artefacts. Result tables are stored in the
database; large arrays (source-receptor and what-if matrices) and documents (maps, DOCX, PDF)
are files under the database's data directory (:mod:`ehrisk.results.datadir`), recorded by a
path relative to it.

Write with :class:`ehrisk.results.runs.RunRecorder`; read with :func:`list_runs`,
:func:`get_run`, :func:`extract` (named extracts, :data:`EXTRACTS`), :func:`load_arrays` and
:func:`artefact_path`. A run is named by its id, ``"latest"`` or ``"latest:<kind>"``.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from ehrisk import __version__
from ehrisk.errors import EhriskError
from ehrisk.results.datadir import data_dir
from ehrisk.results.extract import (
    EXTRACTS,
    Extract,
    extract,
    register_extract,
    registry_markdown,
    registry_table,
)
from ehrisk.results.read import (
    artefact_path,
    get_run,
    list_runs,
    load_arrays,
    read_table,
    run_id_of,
)

__all__ = ["EXTRACTS", "Extract", "artefact_path", "data_dir", "extract", "get_run",
           "list_runs", "load_arrays", "open_run_engine", "provenance", "read_table",
           "register_extract", "registry_markdown", "registry_table", "run_id_of"]


def open_run_engine(db: str | None = None) -> Engine:
    """The engine of the database that records runs: ``--db`` (URL or SQLite file path), else
    ``$EHRISK_DATABASE_URL``, else the embedded default; a new database is created and
    migrated on first use (see :func:`ehrisk.store.db.open_engine`)."""
    from ehrisk.store.db import open_engine

    return open_engine(db)


def _input_record(p: Path) -> dict:
    if p.is_file():
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return {"file": p.name, "bytes": p.stat().st_size, "sha256": h.hexdigest()}
    files = sorted(q for q in p.rglob("*") if q.is_file())
    h = hashlib.sha256()
    total = 0
    for q in files:
        h.update(q.relative_to(p).as_posix().encode("utf-8") + b"\0")
        with open(q, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        total += q.stat().st_size
    return {"folder": p.name, "files": len(files), "bytes": total, "sha256": h.hexdigest()}


def provenance(inputs: dict[str, Path]) -> dict:
    """Provenance of a run: package version, Python, platform, every input's SHA-256 and the
    checksums of the packaged reference tables (:func:`ehrisk.refdata.editions`).

    Parameters
    ----------
    inputs : dict
        Input name (``"emissions"``) -> file or folder path. Only the file name is recorded
        with its size and checksum (a folder: its file count and one SHA-256 over the relative
        names and contents of its files), never the path of one machine.

    Raises
    ------
    EhriskError
        An input does not exist.
    """
    from ehrisk.refdata import editions

    recs = {}
    for k, v in (inputs or {}).items():
        p = Path(v)
        if not p.exists():
            raise EhriskError(f"input {k}: {p} does not exist")
        recs[str(k)] = _input_record(p)
    return {"ehrisk_version": __version__, "python": sys.version.split()[0],
            "platform": platform.platform(), "inputs": recs, "reference_tables": editions()}
