"""Benchmark: team-mode coding through the web API on a PostgreSQL store vs DuckDB in process.

Starts a private PostgreSQL server (``.ci/postgres start DIR``; stopped again at the end, also on
failure) and fills its database and a DuckDB file the same way: a fixture corpus written here
(synthetic briefs, enough (passage, code) units that no client repeats one), the bundled
``ecdpm`` codebook and ``--clients`` coder accounts with an API token each. Then:

- **steppe** (the measured side): ``steppe serve``'s app (uvicorn, one process) over the
  PostgreSQL store; ``--clients`` client threads, each over one keep-alive connection with its
  own ``Authorization: Bearer`` token, send ``--rows`` ``POST /api/texts/codings`` each, all
  coding the same corpus (each client in its own order). ``codings_per_s`` is accepted codings
  over the wall time; p50 and p95 are of every request's latency as the client sees it.
- **baseline**: the same codings, one after the other, through the Python API in this process
  on the DuckDB file: ``steppe.connect(db).team.code(doc, seg, code, user=...)``.

``ratio`` = baseline_s / steppe_s. ``peak_rss_mib`` is the server process's peak resident memory.
Without a PostgreSQL server (``.ci/postgres start`` fails) it says so and exits 1; a web app that
cannot open the store also stops it with one sentence before measuring anything. ``--store
duckdb`` serves a second DuckDB file instead (the same workload; the JSON line says ``"store":
"duckdb"``).

    python benchmarks/team.py --rows 50
    python benchmarks/team.py --rows 50 --store duckdb
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from cli_args import positive_int
from webserver import free_port, peak_rss_mib, start_server

REPO = Path(__file__).resolve().parents[1]
MAX_ROWS = 5000
MAX_CLIENTS = 100
PASSAGES = 20
CODES = ("ecdpm:structural", "ecdpm:institutions", "ecdpm:actors", "ecdpm:sectors", "ecdpm:hegemons")
PASSWORD = "a long enough password"


def bounded(limit: int):  # type: ignore[no-untyped-def]
    """argparse type: a whole number from 1 to ``limit``."""

    def check(text: str) -> int:
        value = positive_int(text)
        if value > limit:
            raise argparse.ArgumentTypeError(f"{value} is too large: give at most {limit}")
        return value

    return check


def units(rows: int) -> list[tuple[str, int, str]]:
    """The first ``rows`` (document, passage, code) units of the corpus."""
    per_doc = PASSAGES * len(CODES)
    return [
        (f"brief-{k // per_doc}", (k % per_doc) // len(CODES), CODES[k % len(CODES)]) for k in range(rows)
    ]


def sequence(client: int, rows: int) -> list[tuple[str, int, str]]:
    """One client's codings: the same units as every client, in the client's own order."""
    mine = units(rows)
    random.Random(client).shuffle(mine)
    return mine


def fill(db: str, folder: Path, rows: int, clients: int) -> dict[str, str]:
    """Corpus, codebook and coder accounts in the store ``db``; the coders' API tokens."""
    import steppe
    from steppe.team import auth

    folder.mkdir(parents=True, exist_ok=True)
    docs = -(-rows // (PASSAGES * len(CODES)))
    files = []
    for d in range(docs):
        path = folder / f"brief-{d}.md"
        path.write_text(
            "\n\n".join(f"Brief {d}, passage {p}: water, power and roads." for p in range(PASSAGES)),
            encoding="utf-8",
        )
        files.append(path)
    # account creation is set-up, not what is measured: cheap hashes (tokens are SHA-256 anyway)
    auth.HASH_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    tokens = {}
    with steppe.connect(db=db) as session:
        session.ensure_kb()
        session.texts.add(files)
        session.texts.load_codebook("ecdpm")
        accounts = session.team.accounts()
        for c in range(clients):
            name = f"coder-{c:03d}"
            accounts.add(name, "coder", PASSWORD)
            tokens[name] = accounts.create_token(name)
    return tokens


def run_clients(port: int, tokens: dict[str, str], rows: int) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens) + 1)

    def client(c: int, name: str, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine = []
        barrier.wait()
        for doc_id, seg_no, code in sequence(c, rows):
            body = json.dumps({"doc_id": doc_id, "seg_no": seg_no, "code": code})
            t = time.perf_counter()
            conn.request("POST", "/api/texts/codings", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            mine.append(time.perf_counter() - t)
            if response.status != 200 or json.loads(answer).get("coder") != name:
                with lock:
                    errors.append(f"{name}: {response.status} {answer[:200]!r}")
        with lock:
            latencies.extend(mine)

    threads = [
        threading.Thread(target=client, args=(c, name, token))
        for c, (name, token) in enumerate(tokens.items())
    ]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors


def baseline(db: str, names: list[str], rows: int) -> float:
    """Seconds for the Python API in this process to make every client's codings, serially."""
    import steppe

    with steppe.connect(db=db) as session:
        accounts = session.team.accounts()
        users = [accounts.as_user(name) for name in names]
        start = time.perf_counter()
        for c, user in enumerate(users):
            for doc_id, seg_no, code in sequence(c, rows):
                session.team.code(doc_id, seg_no, code, user=user)
        return time.perf_counter() - start


def stored_codings(db: str) -> int:
    import steppe

    with steppe.connect(db=db) as session:
        frame = session.texts.codings()
        return int((frame["origin"] == "manual").sum())


def start_postgres(folder: Path) -> str:
    script = REPO / ".ci" / "postgres"
    try:
        done = subprocess.run(
            [str(script), "start", str(folder)], capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        done = None
        reason = str(error)
    if done is None or done.returncode != 0 or not done.stdout.strip():
        if done is not None:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(
            f"No PostgreSQL server is available for this benchmark (.ci/postgres start: {reason}).",
            file=sys.stderr,
        )
        raise SystemExit(1)
    return done.stdout.strip().splitlines()[-1]


def api_can_open(db: str) -> None:
    """Stop with one sentence when the web app cannot serve the store ``db``."""
    from steppe.errors import SteppeError
    from steppe.web.data import WebData

    try:
        WebData(db)
    except SteppeError as error:
        raise SystemExit(f"The web app cannot serve this store, so nothing was measured: {error}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows", type=bounded(MAX_ROWS), default=50, help=f"codings per client (1-{MAX_ROWS})"
    )
    parser.add_argument("--clients", type=bounded(MAX_CLIENTS), default=20, help="concurrent coders")
    parser.add_argument(
        "--store",
        choices=("postgresql", "duckdb"),
        default="postgresql",
        help="the store the web app serves (duckdb: a second DuckDB file, no PostgreSQL needed)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="steppe-team-bench-"))
    if os.geteuid() == 0:
        os.chmod(tmp, 0o755)  # the cluster's folder inside is owned by the 'postgres' user
    pg_dir = tmp / "pg"
    result: dict[str, Any] = {}
    try:
        url = start_postgres(pg_dir) if args.store == "postgresql" else str(tmp / "served.duckdb")
        api_can_open(url)
        duck = str(tmp / "team.duckdb")
        tokens = fill(url, tmp / "corpus", args.rows, args.clients)
        fill(duck, tmp / "corpus", args.rows, args.clients)

        port = free_port()
        server = start_server(url, port)
        try:
            wall, latencies, errors = run_clients(port, tokens, args.rows)
            rss = peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if errors:
            raise SystemExit(f"{len(errors)} codings failed, the first: {errors[0]}")
        expected = args.clients * args.rows
        if (found := stored_codings(url)) != expected:
            raise SystemExit(f"The served store holds {found} codings, {expected} were accepted")

        baseline_s = baseline(duck, sorted(tokens), args.rows)
        if (found := stored_codings(duck)) != expected:
            raise SystemExit(f"DuckDB holds {found} codings, {expected} were made")

        many = len(latencies) > 1
        q = statistics.quantiles(latencies, n=100, method="inclusive") if many else latencies * 99
        result = {
            "benchmark": "team",
            "size": expected,
            "steppe_s": round(wall, 4),
            "baseline": "DuckDB through the Python API in process, serial (steppe.connect().team.code)",
            "baseline_s": round(baseline_s, 4),
            "ratio": round(baseline_s / wall, 3),
            "peak_rss_mib": round(rss, 1),
            "codings_per_s": round(expected / wall, 1),
            "p50_ms": round(q[49] * 1000, 2),
            "p95_ms": round(q[94] * 1000, 2),
            "clients": args.clients,
            "store": args.store,
        }
    finally:
        if args.store == "postgresql":
            subprocess.run([str(REPO / ".ci" / "postgres"), "stop", str(pg_dir)], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"{args.clients} coders x {args.rows} codings through the API on {args.store}: "
        f"{result['steppe_s']:.2f} s, {result['codings_per_s']} codings/s, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms; DuckDB in process, serial: {result['baseline_s']:.2f} s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
