"""The command line on every backend: ``--db`` takes a PostgreSQL URL as it takes a file, and the
JSON answers are the same as on a DuckDB file (in-process, through Typer's runner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.store import db as store_db

from .conftest import StoreFactory, assert_same

COMMANDS = [
    ("kb", "members", "sco", "--as-of", "2018-01-01"),
    ("kb", "memberships", "KAZ", "--as-of", "2010-06-01"),
    ("kb", "overlap", "--as-of", "2019-01-01"),
    ("kb", "events", "--country", "UZB"),
    ("kb", "orgs"),
    ("kb", "stats"),
    ("data", "list"),
    ("texts", "list"),
]


def _close() -> None:
    """What main() does at the end of a command: close the sessions and stores it opened."""
    from steppe.cli import session

    session.close()
    store_db.close_defaults()


def _run(target: str, *args: str) -> object:
    from tests.e2e.cli_inprocess import invoke

    try:
        done = invoke("--db", target, *args, "--format", "json")
    finally:
        _close()
    assert done.code == 0, (args, done.error)
    return json.loads(done.stdout)


@pytest.fixture
def targets(new_store: StoreFactory, new_reference: StoreFactory) -> tuple[str, str]:
    store, reference = new_store(), new_reference()
    store.close()
    reference.close()
    return store.path, reference.path


def test_commands_answer_alike(targets: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPPE_STARTER", "0")
    target, reference = targets
    for args in COMMANDS:
        got = _run(target, *args)
        assert_same(got, _run(reference, *args))
    members = _run(target, "kb", "members", "sco", "--as-of", "2018-01-01")
    assert isinstance(members, list) and {m["country"] for m in members} >= {"KAZ", "CHN", "IND"}
    info = _run(target, "db", "info")
    assert isinstance(info, dict) and info["schema_version"] >= 85


def test_init_names_the_store_without_its_password(tmp_path: Path) -> None:
    """A server URL in messages never shows the password (here: a refused connection's sentence)."""
    from tests.e2e.cli_inprocess import invoke

    done = invoke("--db", "postgresql://alice:s3cret@127.0.0.1:1/nowhere", "init")
    _close()
    assert done.code != 0
    assert "s3cret" not in done.error and "postgresql://alice@127.0.0.1:1/nowhere" in done.error
