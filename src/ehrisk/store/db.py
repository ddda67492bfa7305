"""Engine, sessions and schema migrations for the risk-source database (一库).

The database is chosen by a URL, in this order: the ``--db`` option, the environment variable
``EHRISK_DATABASE_URL``, else the embedded default, a SQLite file at
``$XDG_DATA_HOME/ehrisk/ehrisk.sqlite`` (``~/.local/share/ehrisk/ehrisk.sqlite`` when
``XDG_DATA_HOME`` is not set). A plain file path is taken as a SQLite file; ``postgresql://``
URLs use the psycopg 3 driver. PostgreSQL needs the PostGIS extension (created by the first
migration; the role needs the right to ``CREATE EXTENSION``).

The schema is managed by Alembic; the migration scripts are packaged in
``ehrisk/store/migrations`` and run programmatically (``ehrisk db init`` / ``ehrisk db
upgrade``). A SQLite file that does not exist yet is created and migrated on first use.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from ehrisk.errors import EhriskError

ENV_URL = "EHRISK_DATABASE_URL"
MIGRATIONS = "ehrisk.store:migrations"


class StoreError(EhriskError):
    """A problem with the database (not reachable, schema out of date, unknown record)."""


def default_sqlite_path() -> Path:
    """The embedded default database file: ``$XDG_DATA_HOME/ehrisk/ehrisk.sqlite``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ehrisk" / "ehrisk.sqlite"


def resolve_url(db: str | None = None) -> str:
    """Turn ``--db`` (a URL or a file path), ``EHRISK_DATABASE_URL`` or the default into a
    SQLAlchemy URL string."""
    raw = db or os.environ.get(ENV_URL) or ""
    if not raw:
        return f"sqlite:///{default_sqlite_path()}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if "://" in raw:
        return raw
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def is_postgres(engine_or_session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) \
        else engine_or_session
    return bind.dialect.name == "postgresql"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; for SQLite the parent folder is created, foreign keys are
    enforced and Python's implicit transaction handling is replaced by explicit ``BEGIN
    IMMEDIATE`` so that an import holds the write lock from its first statement."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 30})
        event.listen(eng, "connect", _sqlite_pragmas)

        @event.listens_for(eng, "connect")
        def _no_pysqlite_tx(dbapi_conn, _rec):  # pragma: no cover - trivial
            dbapi_conn.isolation_level = None

        @event.listens_for(eng, "begin")
        def _begin_immediate(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return eng
    if u.get_backend_name() != "postgresql":
        raise StoreError(f"unsupported database {u.get_backend_name()!r}: use a SQLite file or "
                         "postgresql://user:password@host/dbname")
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """Revision the database is at, None if it has no ehrisk schema yet."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Run the packaged Alembic migrations up to ``revision``; returns (before, after)."""
    from alembic import command

    before = current_revision(engine)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)
    return before, current_revision(engine)


def open_engine(db: str | None = None, create: bool = True) -> Engine:
    """Engine for the chosen database, migrated to the packaged head.

    A database without the ehrisk schema is migrated when ``create`` is true (first use);
    a database behind the packaged schema raises :class:`StoreError` asking for ``ehrisk db
    upgrade``.
    """
    url = resolve_url(db)
    eng = make_engine(url)
    try:
        rev = current_revision(eng)
    except Exception as exc:  # driver errors: connection refused, bad password, ...
        raise StoreError(f"cannot open database {make_url(url).render_as_string()}: "
                         f"{str(exc).splitlines()[0]}") from None
    if rev is None:
        if not create:
            raise StoreError("the database has no ehrisk schema; run `ehrisk db init`")
        upgrade(eng)
    elif rev != head_revision():
        raise StoreError(f"the database schema is at {rev}, the package needs "
                         f"{head_revision()}; run `ehrisk db upgrade`")
    return eng


@contextmanager
def session_scope(engine: Engine):
    """A session whose work is one transaction: committed on success, rolled back on error."""
    maker = sessionmaker(bind=engine, expire_on_commit=False)
    s = maker()
    try:
        with s.begin():
            yield s
    finally:
        s.close()
