"""Smoke tests of the installed `steppe` command as a real process.

Every other CLI test runs the command in-process (tests/e2e/cli_inprocess.py); these few
check what only a real process shows: the console script starts, exit codes reach the shell,
errors are one line on stderr without a traceback, and two processes share one store (a reader
answers while a writer holds it). They need nothing beside the checkout: the mirror is a
BACI-format fixture written by tests/integration/sources/formats.py. The other real processes
of the suite (marked ``subprocess`` too): a load killed with SIGKILL (test_kill.py), a reader
and a waiting writer beside a held load (test_busy_store.py).
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

from steppe import __version__
from tests.conftest import steppe_cli
from tests.integration.sources.formats import baci_zip

pytestmark = pytest.mark.subprocess


def test_version() -> None:
    result = steppe_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"steppe {__version__}"
    assert result.stderr == ""


def test_kb_members_json() -> None:
    result = steppe_cli("kb", "members", "sco", "--as-of", "2018-01-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert sorted(r["country"] for r in rows) == ["CHN", "IND", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB"]


def test_bad_input_is_one_sentence_and_exit_2() -> None:
    result = steppe_cli("kb", "members", "sco", "--as-of", "2018-13-01")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: Invalid --as-of '2018-13-01': that day does not exist; use an ISO date such as 2018-01-01."
    ]


def test_malformed_command_line_is_one_sentence_and_exit_2() -> None:
    result = steppe_cli("kb", "members", "sco", "--no-such-option")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: No such option: --no-such-option") and "steppe kb members --help" in line


def test_fetch_from_a_mirror_then_list(tmp_path: Path) -> None:
    baci_zip(tmp_path / "mirror")
    fetched = steppe_cli("fetch", "baci", "--mirror", str(tmp_path / "mirror"), "--no-progress", "-f", "json")
    assert fetched.returncode == 0, fetched.stderr
    [row] = json.loads(fetched.stdout)
    assert row["dataset_id"] == "baci:HS92:V202501" and row["rows"] == 5
    listed = steppe_cli("data", "list", "--format", "json")
    assert [r["dataset_id"] for r in json.loads(listed.stdout)] == ["baci:HS92:V202501"]


def test_report_on_a_fresh_store(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = steppe_cli("report", "central-asia", "--out", str(out), "--draws", "30", "--format", "json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["path"] == str(out) and "membership" in info["sections"]
    assert "steppe fetch imf_dots" in info["missing"]["trade"]
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")


#: A writer in a child interpreter: `steppe fetch baci` that holds the store inside its load
#: transaction until the test releases it.
WRITER = """
import sys, time
from pathlib import Path
from steppe.store import data

marker, release = Path(sys.argv[1]), Path(sys.argv[2])
insert = data.insert_baci_csv

def held_insert(*args, **kwargs):
    n = insert(*args, **kwargs)
    marker.write_text(str(n))
    deadline = time.monotonic() + 120
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return n

data.insert_baci_csv = held_insert
from steppe.cli.main import main
sys.exit(main(["fetch", "baci", "--mirror", sys.argv[3], "--no-progress"]))
"""


def test_a_reader_answers_while_another_process_writes(isolated_env: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    baci_zip(mirror)
    marker, release = tmp_path / "inside", tmp_path / "release"
    with (tmp_path / "writer-err.txt").open("wb") as err:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(marker), str(release), str(mirror)],
            env={**os.environ, "STEPPE_DB": str(isolated_env)},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert writer.poll() is None, (tmp_path / "writer-err.txt").read_text()
            assert time.monotonic() < deadline, "the writer never reached its load"
            time.sleep(0.05)
        reader = steppe_cli("kb", "orgs", "--format", "json")
        assert reader.returncode == 0, reader.stderr
        assert {"sco", "eaeu", "csto", "cis"} <= {row["slug"] for row in json.loads(reader.stdout)}
        assert reader.stderr.startswith("Note: The store ") and "last committed state" in reader.stderr
        listed = steppe_cli("data", "list", "--format", "json")
        assert json.loads(listed.stdout) == []  # the half-done load is not visible
    finally:
        release.write_text("go")
        try:
            writer.wait(timeout=120)
        finally:
            if writer.poll() is None:
                writer.send_signal(signal.SIGKILL)
                writer.wait(timeout=30)
    assert writer.returncode == 0, (tmp_path / "writer-err.txt").read_text()
    listed = steppe_cli("data", "list", "--format", "json")
    assert [r["dataset_id"] for r in json.loads(listed.stdout)] == ["baci:HS92:V202501"]
