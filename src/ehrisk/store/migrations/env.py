"""Alembic environment for ehrisk's store; run programmatically by :mod:`ehrisk.store.db`.

The caller passes an open connection in ``config.attributes["connection"]``; without one (the
``alembic`` command line) ``sqlalchemy.url`` from the config or ``EHRISK_DATABASE_URL`` is used.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from ehrisk.store.models import Base

target_metadata = Base.metadata
config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        _run(conn)
        return
    from ehrisk.store.db import resolve_url

    url = config.get_main_option("sqlalchemy.url") or resolve_url(None)
    with create_engine(url).connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():  # pragma: no cover - offline SQL generation is not supported
    raise SystemExit("ehrisk migrations run online only (ehrisk db upgrade)")
run_migrations_online()
