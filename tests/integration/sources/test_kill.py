"""A load killed with SIGKILL in the middle leaves the store exactly as it was (real subprocess)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steppe.sources import fetch
from steppe.store import open_store
from tests.integration.sources import formats

pytestmark = pytest.mark.subprocess

CHILD = """
import os, sys, time
from pathlib import Path
from steppe.sources import fetch
from steppe.store import open_store

db, mirror, marker = sys.argv[1:4]
store = open_store(db)

def progress(what, done, total):
    # Called inside the load's transaction after the first yearly file is in trade_flows. The
    # marker appears whole (written aside, then renamed): the parent kills as soon as it exists.
    Path(marker + ".part").write_text(f"{what} {done}/{total}")
    os.replace(marker + ".part", marker)
    time.sleep(120)

fetch("baci", store=store, mirror=mirror, progress=progress)
"""


def _snapshot(db: Path) -> dict:
    with open_store(db) as store:
        return {
            "datasets": store.rows("SELECT dataset_id, rows, content_hash FROM datasets ORDER BY dataset_id"),
            "trade_flows": store.rows(
                "SELECT dataset_id, count(*) AS n, sum(value_usd) AS v FROM trade_flows GROUP BY 1 ORDER BY 1"
            ),
            "flags": store.execute("SELECT count(*) FROM trade_flow_flags").fetchall()[0][0],
        }


def test_sigkill_during_a_load_leaves_the_store_as_before(
    isolated_env: Path, tmp_path: Path, monkeypatch
) -> None:
    db = isolated_env
    scratch = tmp_path / "scratch"
    monkeypatch.setenv("STEPPE_SCRATCH", str(scratch))  # the child inherits it
    formats.baci_zip(tmp_path / "earlier", version="V202401")
    with open_store(db) as store:  # an earlier edition, committed before the killed load
        fetch("baci", store=store, mirror=tmp_path / "earlier")
    before = _snapshot(db)
    assert before["trade_flows"] and len(before["datasets"]) == 1

    mirror = tmp_path / "mirror"
    formats.baci_zip(mirror)
    marker = tmp_path / "inside-the-transaction"
    errors = tmp_path / "child-stderr.txt"
    with errors.open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(mirror), str(marker)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, errors.read_text()
            assert time.monotonic() < deadline, "the child never reached the load"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert marker.read_text().startswith("import BACI_HS92_V202501.zip 1/2")

    assert _snapshot(db) == before  # nothing of the half-done BACI load survived
    left = list(scratch.glob(f"fetch-{child.pid}-baci-*"))
    assert len(left) == 1  # the killed load's scratch folder is still there
    with open_store(db) as store:  # and the store works: the same load now completes
        result = fetch("baci", store=store, mirror=mirror)
    assert result.loaded and result.rows == 5
    assert not left[0].exists()  # the next fetch cleaned the dead process's scratch folder
    assert list(scratch.iterdir()) == []
    assert len(_snapshot(db)["datasets"]) == 2


CHILD_FRAMES = """
import sys, time
from pathlib import Path
from steppe.sources import fetch
from steppe.store import open_store
from steppe.store.db import Store

db, mirror, marker = sys.argv[1:4]
store = open_store(db)
insert = Store.insert_frame

def slow_insert(self, table, frame):
    n = insert(self, table, frame)
    # trade_flows is in (inside the transaction); die before the flags and the provenance row.
    Path(marker).write_text(f"{table} {n}")
    time.sleep(120)
    return n

Store.insert_frame = slow_insert
fetch("imf_dots", store=store, mirror=mirror)
"""


def test_sigkill_during_a_frame_load(isolated_env: Path, shared_data: Path, tmp_path: Path) -> None:
    db = isolated_env
    with open_store(db) as store:
        fetch("aiddata", store=store, mirror=shared_data)
    before = _snapshot(db)
    marker = tmp_path / "inside"
    with (tmp_path / "err.txt").open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD_FRAMES, str(db), str(shared_data), str(marker)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, (tmp_path / "err.txt").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert marker.read_text().startswith("trade_flows ") and int(marker.read_text().split()[1]) > 40_000
    assert _snapshot(db) == before
    with open_store(db) as store:
        assert store.execute("SELECT count(*) FROM development_finance").fetchall()[0][0] == 7233
