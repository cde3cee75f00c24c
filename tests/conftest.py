"""Shared fixtures: every test runs against its own store, never the user's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steppe.config import BUNDLED_KB

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point STEPPE_DB at a fresh file and clear other STEPPE_* settings.

    New stores get no starter snapshot (STEPPE_STARTER=0), so a "fresh store" in a test has no
    data until the test fetches some; tests of the snapshot turn it back on.
    """
    for name in list(os.environ):
        if name.startswith("STEPPE_"):
            monkeypatch.delenv(name)
    db = tmp_path / "store" / "steppe.duckdb"
    monkeypatch.setenv("STEPPE_DB", str(db))
    monkeypatch.setenv("STEPPE_STARTER", "0")
    return db


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled KB to break or extend in a test."""
    target = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def store(isolated_env: Path):
    """An open store with the bundled KB loaded."""
    from steppe.kb.sync import kb_store
    from steppe.store import open_store

    s = kb_store(open_store(isolated_env))
    yield s
    s.close()


def steppe_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run the installed `steppe` command as a subprocess; return the CompletedProcess."""
    exe = Path(sys.executable).parent / "steppe"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "steppe.cli.main"]
    full_env = {**os.environ, **(env or {}), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def cli():
    return steppe_cli


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the checkout")
    return SHARED_DATA
