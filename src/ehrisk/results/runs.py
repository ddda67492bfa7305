"""Recording a run: :class:`RunRecorder` writes a run, its step outcomes and its artefacts.

A run is inserted with status ``running`` and committed at once, so a crash leaves a visible
run; every artefact and step is committed as it comes. Tables go into the database (Parquet
bytes, see :mod:`ehrisk.results.codec`); arrays (``.npz``) and documents are written under the
database's data directory (:mod:`ehrisk.results.datadir`) and recorded by their relative path,
size and SHA-256.

Examples
--------
>>> with RunRecorder.start(engine, "grade", settings={...}, provenance=provenance({})) as rec:
...     rec.add_table("grading/codes", codes)
...     rec.step({"step": "grading", "status": "ran", "seconds": 1.2, "summary": {...}})
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path, PurePosixPath

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from ehrisk import __version__
from ehrisk.errors import EhriskError
from ehrisk.io.jsonsafe import dumps
from ehrisk.results import codec
from ehrisk.results.datadir import data_dir, run_folder
from ehrisk.store import models as m
from ehrisk.store.db import session_scope

RUN_STATUS_END = ("completed", "failed")
STEP_STATUS = m.STEP_STATUS
_BAD_NAME = re.compile(r"[\\\x00-\x1f\x7f]")
_UNSAFE_CHARS = re.compile(r"[^\w.\-]")


def _json(obj) -> str:
    return dumps(obj, unknown_as_text=True)


def check_name(name: str) -> str:
    """Validate an artefact name (``"grading/codes"``): text of '/'-separated parts, none
    empty, ``.`` or ``..``, no backslash or control characters, at most 300 characters."""
    if not isinstance(name, str) or not name or len(name) > 300:
        raise ValueError(f"artefact name must be text of 1 to 300 characters, not {name!r}")
    parts = name.split("/")
    if _BAD_NAME.search(name) or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"bad artefact name {name!r}: use parts like 'grading/codes'")
    return name


def _safe_relname(name: str) -> PurePosixPath:
    return PurePosixPath(*(_UNSAFE_CHARS.sub("_", p) for p in name.split("/")))


class RunRecorder:
    """Records one run in the database (see the module docstring).

    Use :meth:`start` to create one; as a context manager an exception in the block finishes
    the run as ``failed`` with the error and is re-raised, and a block that ends normally
    finishes it ``completed`` unless :meth:`finish` was called.

    Attributes
    ----------
    run_id : int
        Id of the run in the database.
    uid : str
        Unique id of the run (names its folder in the data directory).
    engine : Engine
        The database.
    """

    def __init__(self, engine: Engine, run_id: int, uid: str) -> None:
        self.engine = engine
        self.run_id = int(run_id)
        self.uid = uid
        self.finished = False
        self._seq = 0

    # ------------------------------------------------------------------ life cycle
    @classmethod
    def start(cls, engine: Engine, kind: str, *, settings: dict, provenance: dict,
              label: str | None = None, synthetic: bool = False) -> RunRecorder:
        """Insert a run with status ``running`` and commit it.

        Parameters
        ----------
        engine : Engine
            The database (migrated; see :func:`ehrisk.results.open_run_engine`).
        kind : str
            What computed it: ``"study"``, ``"map"``, ``"grade"``, ``"screen"``, ... (1 to 40
            characters).
        settings : dict
            The settings of the run (JSON-safe after :func:`ehrisk.io.jsonsafe.clean`).
        provenance : dict
            Package version, inputs and their checksums, reference-table checksums (see
            :func:`ehrisk.results.provenance`).
        label : str, optional
            A name for people (e.g. the region or study name).
        synthetic : bool
            True when the inputs are synthetic (the demo).
        """
        if not isinstance(kind, str) or not kind.strip() or len(kind) > 40 or ":" in kind:
            raise ValueError(f"run kind must be text of 1 to 40 characters without ':', "
                             f"not {kind!r}")
        if not isinstance(settings, dict) or not isinstance(provenance, dict):
            raise TypeError("settings and provenance must be dicts")
        uid = uuid.uuid4().hex
        with session_scope(engine) as s:
            run = m.Run(uid=uid, kind=kind.strip(), label=None if label is None else str(label),
                        status="running", started_utc=m.utcnow(), synthetic=bool(synthetic),
                        ehrisk_version=__version__, settings=_json(settings),
                        provenance=_json(provenance))
            s.add(run)
            s.flush()
            run_id = run.id
        return cls(engine, run_id, uid)

    def finish(self, status: str = "completed", error: str | None = None) -> None:
        """End the run: ``completed`` or ``failed`` (with ``error``); sets its finish time."""
        if status not in RUN_STATUS_END:
            raise ValueError(f"a run finishes {' or '.join(RUN_STATUS_END)}, not {status!r}")
        if self.finished:
            raise ValueError(f"run {self.run_id} is already finished")
        with session_scope(self.engine) as s:
            run = s.get(m.Run, self.run_id)
            run.status = status
            run.error = None if error is None else str(error)
            run.finished_utc = m.utcnow()
        self.finished = True

    def __enter__(self) -> RunRecorder:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self.finished:
            return False
        if exc is not None:
            self.finish("failed", str(exc) or exc_type.__name__)
        else:
            self.finish("completed")
        return False

    # ------------------------------------------------------------------ steps
    def step(self, outcome: dict) -> None:
        """Append one step outcome: ``{"step": name, "status": "ran" | "not_run" | "failed",
        "seconds": float, "summary": {...}}`` or with ``"reason": "..."``."""
        if not isinstance(outcome, dict) or not outcome.get("step"):
            raise ValueError(f"a step outcome is a dict with 'step' and 'status', not "
                             f"{outcome!r}")
        status = outcome.get("status")
        if status not in STEP_STATUS:
            raise ValueError(f"step status must be one of {STEP_STATUS}, not {status!r}")
        self._check_open()
        seconds = outcome.get("seconds")
        self._seq += 1
        with session_scope(self.engine) as s:
            s.add(m.RunStep(run_id=self.run_id, seq=self._seq, step=str(outcome["step"]),
                            status=status, seconds=None if seconds is None else float(seconds),
                            outcome=_json(outcome)))

    # ------------------------------------------------------------------ artefacts
    def _check_open(self) -> None:
        if self.finished:
            raise ValueError(f"run {self.run_id} is finished; nothing more can be recorded")

    def _precheck(self, s, name: str, relpath: str | None) -> None:
        have = s.execute(select(m.RunArtefact.name, m.RunArtefact.relpath).where(
            m.RunArtefact.run_id == self.run_id)).all()
        if any(n == name for n, _ in have):
            raise ValueError(f"run {self.run_id} already has an artefact {name!r}")
        if relpath is not None and any(r == relpath for _, r in have):
            raise ValueError(f"run {self.run_id} already has a file at {relpath!r}")

    def _insert(self, name: str, kind: str, *, sha256: str, nbytes: int, rows=None,
                columns=None, relpath=None, meta=None, data: bytes | None = None) -> None:
        with session_scope(self.engine) as s:
            self._precheck(s, name, relpath)
            art = m.RunArtefact(run_id=self.run_id, name=name, kind=kind, rows=rows,
                                columns=None if columns is None else _json(columns),
                                relpath=relpath, sha256=sha256, bytes=int(nbytes),
                                meta=None if meta is None else _json(meta),
                                created_utc=m.utcnow())
            s.add(art)
            s.flush()
            if data is not None:
                s.add(m.RunTable(artefact_id=art.id, format=codec.TABLE_FORMAT, data=data))

    def add_table(self, name: str, df: pd.DataFrame) -> None:
        """Store a result table in the database under its extract name (``"grading/codes"``).

        A GeoDataFrame keeps its geometry and CRS; dtypes round-trip (see
        :mod:`ehrisk.results.codec`).
        """
        check_name(name)
        self._check_open()
        data, meta = codec.encode_table(df)
        self._insert(name, "table", sha256=codec.sha256_bytes(data), nbytes=len(data),
                     rows=meta.pop("rows"), columns=meta.pop("columns"), meta=meta, data=data)

    def _target(self, name: str, suffix: str) -> tuple[str, Path]:
        rel = PurePosixPath(run_folder(self.run_id, self.uid)) / _safe_relname(name)
        if suffix and not rel.name.lower().endswith(suffix.lower()):
            rel = rel.with_name(rel.name + suffix)
        with session_scope(self.engine) as s:
            self._precheck(s, name, str(rel))
        target = data_dir(self.engine) / Path(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return str(rel), target

    @staticmethod
    def _place(write, target: Path) -> None:
        """Write through a temporary file in the target folder, then rename (atomic)."""
        fd, tmp = tempfile.mkstemp(prefix=".part-", dir=target.parent)
        os.close(fd)
        try:
            write(Path(tmp))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def add_arrays(self, name: str, arrays: dict) -> None:
        """Store ``{array name: ndarray or scipy.sparse matrix}`` as one ``.npz`` under the data
        directory (read back with :func:`ehrisk.results.load_arrays`)."""
        check_name(name)
        self._check_open()
        rel, target = self._target(name, ".npz")
        self._place(lambda p: codec.write_arrays(p, arrays), target)
        import scipy.sparse as sp

        meta = {"arrays": {str(k): {"shape": [int(n) for n in v.shape], "dtype": str(v.dtype),
                                    "sparse": v.format if sp.issparse(v) else None}
                           for k, v in arrays.items()}}
        try:
            self._insert(name, "arrays", sha256=codec.sha256_file(target),
                         nbytes=target.stat().st_size, relpath=rel, meta=meta)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def add_file(self, name: str, path: Path) -> None:
        """Copy a document (map, DOCX, PDF, GeoPackage ...) into the run's folder under the
        data directory; record its relative path, size and SHA-256 (the name keeps the file's
        suffix: ``add_file("risk_map/map", Path("out/map.png"))`` -> ``.../risk_map/map.png``).

        Raises
        ------
        EhriskError
            ``path`` is not an existing file.
        """
        check_name(name)
        self._check_open()
        path = Path(path)
        if not path.is_file():
            raise EhriskError(f"cannot record {name!r} of run {self.run_id}: {path} is not a "
                              "file")
        rel, target = self._target(name, "".join(path.suffixes[-2:]) if
                                   path.name.endswith(".tar.gz") else path.suffix)
        self._place(lambda p: shutil.copyfile(path, p), target)
        try:
            self._insert(name, "file", sha256=codec.sha256_file(target),
                         nbytes=target.stat().st_size, relpath=rel,
                         meta={"file_name": path.name})
        except BaseException:
            target.unlink(missing_ok=True)
            raise
