"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_shared() -> Path | None:
    env = os.environ.get("EHRISK_SHARED_DIR")
    if env and Path(env).is_dir():
        return Path(env)
    for cand in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (cand / "refdata").is_dir():
            return cand
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ``../shared`` folder with public reference data (skip if absent)."""
    d = _find_shared()
    if d is None:
        pytest.skip("../shared not found (set EHRISK_SHARED_DIR)")
    return d


@pytest.fixture()
def cli(capsys):
    """Run the CLI in-process: returns (exit_code, stdout, stderr)."""
    from ehrisk.cli import run

    def _run(*args: str):
        code = run([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run
