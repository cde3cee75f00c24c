"""A steppe web server in a child process for the API benchmarks (serve.py, team.py): a free
loopback port, start-up with a health check, and the process's peak memory."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str | Path, port: int) -> subprocess.Popen[bytes]:
    """``steppe.web`` over the store ``db`` (a file or a server URL) on ``port``, once
    ``/api/health`` answers; one sentence and exit when it dies or takes over 120 s."""
    code = (
        "import uvicorn; from steppe.web.app import create_app; "
        f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "STEPPE_DB": str(db)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory of process ``pid`` in MiB (Linux /proc; nan elsewhere)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return float("nan")
    for line in lines:
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
