"""Shared pytest fixtures."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Small published tables shipped with the tests (tests/data/refdata/README.md).
REFDATA_DIR = Path(__file__).resolve().parent / "data" / "refdata"
SHARED_ENV = "EHRISK_SHARED_DIR"
REQUIRE_SHARED_ENV = "EHRISK_REQUIRE_SHARED"


def _find_shared() -> Path | None:
    """``$EHRISK_SHARED_DIR`` if set (it must hold ``refdata/``; an explicit setting is never
    replaced by a guess), else ``../shared`` or ``../../shared`` beside the repository."""
    env = os.environ.get(SHARED_ENV)
    if env:
        return Path(env) if (Path(env) / "refdata").is_dir() else None
    for cand in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (cand / "refdata").is_dir():
            return cand
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ``../shared`` folder with the large public reference data (Beijing PRSA).

    A user's clone does not have it: the test skips, with the reason. CI has it and sets
    ``EHRISK_REQUIRE_SHARED=1``: there a missing folder fails the test instead of skipping it.
    """
    d = _find_shared()
    if d is None:
        why = (f"../shared (large public reference data, not in the repository) not found; "
               f"set {SHARED_ENV} to a folder holding refdata/")
        if os.environ.get(REQUIRE_SHARED_ENV) == "1":
            pytest.fail(f"{why} - {REQUIRE_SHARED_ENV}=1 requires it", pytrace=False)
        pytest.skip(why)
    return d


@pytest.fixture(scope="session")
def refdata_dir() -> Path:
    """``tests/data/refdata``: small published tables shipped with the tests (always there)."""
    return REFDATA_DIR


@pytest.fixture()
def cli(capsys):
    """Run the CLI in-process: returns (exit_code, stdout, stderr)."""
    from ehrisk.cli import run

    def _run(*args: str):
        code = run([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture(autouse=True)
def _isolated_data_home(monkeypatch, tmp_path_factory):
    """Point ``XDG_DATA_HOME`` at a fresh temporary folder and drop ``EHRISK_DATA_DIR`` for
    every test, so that neither the embedded default database nor a run's data directory is
    ever written into the user's home. Tests that set ``EHRISK_DATABASE_URL`` or pass
    ``--db`` are unaffected (the URL wins over the default)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg_data")))
    monkeypatch.delenv("EHRISK_DATA_DIR", raising=False)


PG_ENV = "EHRISK_TEST_PG_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL on each backend: a SQLite file in ``tmp_path``, and a
    throw-away PostgreSQL schema (dropped after the test) when ``EHRISK_TEST_PG_URL`` is set
    (skipped otherwise)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured ({PG_ENV} not set)")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema},public"
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture()
def engine(db_url):
    """An engine on ``db_url``, migrated to the packaged head."""
    from ehrisk.store.db import open_engine

    eng = open_engine(db_url)
    yield eng
    eng.dispose()


REGION_SMALL = Path(__file__).parent / "data" / "region_small"
REGION_SMALL_IMPORTS = [
    ("admin_units", "admin_units.xlsx"), ("parks", "parks.xlsx"),
    ("enterprises", "enterprises.xlsx"), ("stacks", "stacks.xlsx"),
    ("outfalls", "outfalls.xlsx"), ("emissions", "emissions.xlsx"),
    ("storages", "storages.xlsx"), ("risk_management", "risk_management.xlsx"),
    ("receptors", "receptors.xlsx"), ("population", "population.xlsx"),
    ("stations", "stations.xlsx"), ("observations", "observations_air.xlsx"),
    ("observations", "observations_met.xlsx"), ("inspections", "inspections.xlsx"),
    ("problems", "problems.xlsx")]
"""(import kind, file) of the hand-built fixture region, parents before children."""


@pytest.fixture(scope="session")
def region_small(tmp_path_factory):
    """The hand-built fixture region (tests/data/region_small, CC0) copied to a temporary
    folder and imported, file by file, through ``ehrisk import`` into a fresh SQLite database
    there. Returns ``(folder, database file, {file: exit code})``; shared by the tests of the
    fixture and of the study on it (importing takes about a minute)."""
    import shutil

    from ehrisk.cli import run

    d = tmp_path_factory.mktemp("region_small")
    for p in REGION_SMALL.iterdir():
        if p.is_file():
            shutil.copy(p, d / p.name)
    db = d / "qinghe.sqlite"
    codes = {f: run(["import", kind, str(d / f), "--db", str(db), "--json", "--user",
                     "pytest", "--reason", "fixture region"])
             for kind, f in REGION_SMALL_IMPORTS}
    return d, db, codes
