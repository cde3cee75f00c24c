"""Readers are never blocked by a writer (two real processes: DuckDB allows one writer process).

A child process runs ``steppe fetch comtrade`` and holds the store inside its load transaction
until the test releases it. Meanwhile, in this process, ``steppe kb orgs`` and ``steppe data
list`` answer from a snapshot of the last commit (with a one-line note), a command that writes
waits with a message and gives up in one sentence after STEPPE_LOCK_WAIT, and once the fetch
has finished everything it loaded is there.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steppe.cli.main import main
from steppe.sources import fetch
from steppe.store import open_store

pytestmark = pytest.mark.subprocess

CHILD = """
import sys, time
from pathlib import Path
from steppe.store.db import Store

marker, release = Path(sys.argv[1]), Path(sys.argv[2])
insert = Store.insert_frame

def held_insert(self, table, frame):
    n = insert(self, table, frame)
    if table == "trade_flows":  # inside the load's transaction: hold the store until released
        marker.write_text(str(n))
        deadline = time.monotonic() + 120
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return n

Store.insert_frame = held_insert
from steppe.cli.main import main
sys.exit(main(["fetch", "comtrade", "--mirror", sys.argv[3], "--years", "2019", "--no-progress"]))
"""


def _start_child(tmp_path: Path, db: Path, shared: Path) -> tuple[subprocess.Popen, Path, Path]:
    marker, release = tmp_path / "inside", tmp_path / "release"
    env = {**os.environ, "STEPPE_DB": str(db)}
    with (tmp_path / "child-err.txt").open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(marker), str(release), str(shared)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, (tmp_path / "child-err.txt").read_text()
        assert time.monotonic() < deadline, "the child never reached its load"
        time.sleep(0.05)
    return child, marker, release


def test_kb_orgs_works_while_fetch_comtrade_loads(
    isolated_env: Path, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    db = isolated_env
    scratch = tmp_path / "scratch"
    monkeypatch.setenv("STEPPE_SCRATCH", str(scratch))
    with open_store(db) as store:  # one committed dataset before the writer starts
        fetch("aiddata", store=store, mirror=shared_data)
    child, _, release = _start_child(tmp_path, db, shared_data)
    try:
        capsys.readouterr()
        assert main(["kb", "orgs", "--format", "json"]) == 0
        out = capsys.readouterr()
        slugs = {row["slug"] for row in json.loads(out.out)}
        assert {"sco", "eaeu", "csto", "cis"} <= slugs
        assert out.err.startswith("Note: The store ") and "last committed state" in out.err
        assert "Traceback" not in out.err
        assert not list(scratch.glob("snapshot-*"))  # the private copy is gone with the command

        assert main(["data", "list", "--format", "json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [r["dataset_id"] for r in listed] == ["aiddata:country_year:3.0"]  # not the half-done load

        monkeypatch.setenv("STEPPE_LOCK_WAIT", "1")
        started = time.monotonic()
        assert main(["data", "drop", "aiddata:country_year:3.0"]) == 1  # a writer waits, then one sentence
        err = capsys.readouterr().err.strip().splitlines()
        assert time.monotonic() - started >= 1
        assert err[0].startswith("Note: The store ") and "waiting for it to finish" in err[0]
        assert err[1].startswith("Error: The store ") and "still being written" in err[1]
        assert "STEPPE_LOCK_WAIT" in err[1] and len(err) == 2
    finally:
        release.write_text("go")
        try:
            child.wait(timeout=120)
        finally:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                child.wait(timeout=30)
    assert child.returncode == 0, (tmp_path / "child-err.txt").read_text()
    with open_store(db) as store:
        sources = [r["source"] for r in store.rows("SELECT source FROM datasets ORDER BY source")]
    assert sources == ["aiddata", "comtrade"]


def test_a_writer_waits_and_then_proceeds(
    isolated_env: Path, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = isolated_env
    child, _, release = _start_child(tmp_path, db, shared_data)
    try:
        capsys.readouterr()
        import threading

        threading.Timer(1.0, lambda: release.write_text("go")).start()
        assert main(["fetch", "aiddata", "--mirror", str(shared_data), "--no-progress"]) == 0
        err = capsys.readouterr().err
        assert "waiting for it to finish" in err and "aiddata:country_year:3.0: 7,233 rows loaded." in err
    finally:
        release.write_text("go")
        child.wait(timeout=120)
    assert child.returncode == 0
