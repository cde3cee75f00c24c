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
#: ../shared beside the checkout (data/ and seeds/, read in place, never copied). The tests of
#: the shared-data rule point STEPPE_TEST_SHARED elsewhere; nothing in steppe reads it.
SHARED = Path(os.environ.get("STEPPE_TEST_SHARED") or REPO.parent / "shared")
SHARED_DATA = SHARED / "data"
SHARED_SEEDS = SHARED / "seeds"
#: The fixtures that read ../shared; a test using one (directly or through another fixture) is
#: marked ``needs_shared``. ``frameworks_store``, ``guide_store`` and ``web_db`` are built from
#: it (tests/integration/frameworks, tests/integration/gravity, tests/e2e/web).
SHARED_FIXTURES = ("shared_root", "shared_data", "shared_seeds", "frameworks_store", "guide_store", "web_db")


def in_ci() -> bool:
    """Whether this is a CI run (CI=true, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_shared(path: Path) -> Path:
    """``path`` (under ../shared) if it is there; otherwise skip, or fail under CI=true.

    A local checkout without ../shared runs what it can; CI must have the data, so a green CI
    run never hides a test that did not run.
    """
    if path.exists():
        return path
    message = f"{path} is missing: these tests read ../shared (data/ and seeds/) beside the checkout"
    if in_ci():
        pytest.fail(f"{message}; CI=true, so they fail instead of skipping.", pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that takes a ../shared fixture ``needs_shared`` (``-m "not needs_shared"``
    runs what a checkout alone can)."""
    for item in items:
        if any(name in SHARED_FIXTURES for name in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.needs_shared)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.needs_shared("data/x", ...)``: those paths under ../shared (default: the
    folder itself) must be there: skip without them, fail under CI=true."""
    for mark in item.iter_markers("needs_shared"):
        for rel in mark.args or (".",):
            require_shared(SHARED / rel)


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
    """Run the installed `steppe` command as a subprocess; return the CompletedProcess.

    Only for what needs a real process (tests/e2e/test_smoke_subprocess.py, signals, two
    processes on one store); everything else uses the in-process ``cli`` fixture.
    """
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
    """Run `steppe ARGS...` in this process (tests/e2e/cli_inprocess.py): same exit codes,
    stdout and stderr as the installed command, without an interpreter per call."""
    from tests.e2e.cli_inprocess import run

    return run


@pytest.fixture
def shared_root() -> Path:
    """``../shared`` (seeds/ and data/): skips without it, fails under CI=true."""
    return require_shared(SHARED)


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``: skips without it, fails under CI=true."""
    return require_shared(SHARED_DATA)


@pytest.fixture
def shared_seeds() -> Path:
    """``../shared/seeds``: skips without it, fails under CI=true."""
    return require_shared(SHARED_SEEDS)
