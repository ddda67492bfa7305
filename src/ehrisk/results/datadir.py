"""The data directory of a database: where a run's arrays and documents lie as files.

* SQLite database ``/x/y/ehrisk.sqlite``: ``/x/y/ehrisk.sqlite.data/`` (derived from the file,
  never stored, so moving the file together with its ``.data`` folder keeps every artefact).
* PostgreSQL: ``$EHRISK_DATA_DIR`` when set, else ``$XDG_DATA_HOME/ehrisk/data``
  (``~/.local/share/ehrisk/data`` without ``XDG_DATA_HOME``). Every machine that reads the
  database's file artefacts needs the same folder (a shared mount) under that name.

The database records each file by its path relative to this folder; run folders are named
``runs/<run id>-<first 8 hex digits of the run's uid>`` so that two databases sharing one
folder never write into each other's runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine

from ehrisk.errors import EhriskError

ENV_DATA_DIR = "EHRISK_DATA_DIR"


def data_dir(engine: Engine) -> Path:
    """The data directory of ``engine``'s database (see the module docstring); not created.

    Raises
    ------
    EhriskError
        For an in-memory SQLite database (it has no folder to keep files in).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        db = url.database
        if not db or db == ":memory:":
            raise EhriskError("an in-memory SQLite database has no data directory for run "
                              "files; use a database file")
        p = Path(db).expanduser().resolve()
        return p.with_name(p.name + ".data")
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser().resolve() / "ehrisk" / "data"


def run_folder(run_id: int, uid: str) -> str:
    """Relative folder of a run's files (POSIX separators)."""
    return f"runs/{int(run_id)}-{uid[:8]}"
