"""`steppe serve` as a user runs it: one subprocess smoke test, and its bad options in process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.web.conftest import free_port


@pytest.mark.subprocess
def test_steppe_serve_answers_on_loopback(isolated_env: Path, tmp_path: Path):
    exe = Path(sys.executable).parent / "steppe"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "steppe.cli.main"]
    port = free_port()
    env = {**os.environ, "STEPPE_DB": str(isolated_env), "STEPPE_STARTER": "0", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
                    health = json.load(r)
                break
            except OSError:
                time.sleep(0.3)
        assert health is not None, proc.stderr.read() if proc.poll() is not None else "no answer in 90 s"
        assert health["read_only"] is True and health["store"] == str(isolated_env)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/institutions", timeout=30) as r:
            page = r.read().decode()
            assert r.status == 200 and "<h1>Institutions</h1>" in page and "/api/charts/institutions" in page
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [(["serve", "--port", "0"], "--port 0 is not a TCP port"), (["serve", "--host", " "], "--host is empty")],
)
def test_bad_serve_options_are_one_sentence(args, words, capsys):
    from steppe.cli.main import main

    assert main(args) != 0
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
