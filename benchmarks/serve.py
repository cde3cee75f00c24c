"""Benchmark: `steppe serve` under 20 concurrent clients on loopback vs the session API in process.

Starts the server (``steppe.web.app.serve``, uvicorn, one process) over a store filled from a
mirror of the sources (``--mirror``, default ``../shared/data``, loaded through the connectors)
or over ``--db``. Twenty client threads each send ``--rows`` GET requests over one keep-alive
connection, a bounded loop alternating the two endpoints the issue names:

- the indicator endpoint, ``/api/indicators/{members|regional}?region=...`` over four regions;
- the overlap endpoint, ``/api/kb/overlap?as_of=YYYY-07-01`` over 30 years (1995-2024);

so the run includes the first (uncached) answer of every distinct question. p50 and p95 are of
every request's latency as the client sees it. The baseline answers the same request sequence
through the Python API in this process (``steppe.connect(db).indicators.compute`` and
``.kb.overlap``, one session kept open, as in a notebook), one request after the other, with no
cache: ``--baseline-rows`` requests of the sequence are timed and the time scaled to the whole
sequence (stated in the JSON line as ``baseline_sampled``). ``ratio`` = baseline_s / steppe_s.
``peak_rss_mib`` is the server process's peak resident memory.

    python benchmarks/serve.py --rows 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from cli_args import positive_int
from webserver import free_port, peak_rss_mib, start_server

REPO = Path(__file__).resolve().parents[1]
CLIENTS = 20
REGIONS = ("c5", "c5_afg", "asean", "mercosur")
YEARS = list(range(1995, 2025))


def requests_for(client: int, rows: int) -> list[tuple[str, str, str]]:
    """(kind, path, key) of one client's requests: indicator and overlap alternately."""
    out = []
    for n in range(rows):
        k = client * rows + n
        if n % 2 == 0:
            name = "members" if (k // 2) % 2 == 0 else "regional"
            region = REGIONS[(k // 4) % len(REGIONS)]
            out.append(("indicator", f"/api/indicators/{name}?region={region}", f"{name}:{region}"))
        else:
            year = YEARS[(k * 7) % len(YEARS)]
            out.append(("overlap", f"/api/kb/overlap?as_of={year}-07-01", str(year)))
    return out


def fill(db: Path, mirror: Path) -> None:
    import steppe

    with steppe.connect(db=db, mirror=mirror) as session:
        session.ensure_kb()
        for source, options in [
            ("imf_dots", {}),
            ("comtrade", {}),
            ("aiddata", {}),
            ("wdi", {}),
            ("wdi", {"dataset": "gdp"}),
        ]:
            session.fetch(source, **options)


def run_clients(port: int, rows: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        mine = []
        barrier.wait()
        for _, path, _ in requests_for(c, rows):
            t = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors[0]


def baseline(db: Path, rows: int, sample: int) -> tuple[float, int]:
    """Seconds for the session API to answer the whole request sequence (sampled, scaled)."""
    from datetime import date

    import steppe

    sequence = [r for c in range(CLIENTS) for r in requests_for(c, rows)]
    step = max(1, len(sequence) // sample)
    picked = sequence[::step][:sample]
    with steppe.connect(db=db, read_only=True) as session:
        session.ensure_kb()
        start = time.perf_counter()
        for kind, _, key in picked:
            if kind == "indicator":
                name, region = key.split(":")
                session.indicators.compute(name, region)
            else:
                session.kb.overlap(date(int(key), 7, 1)).as_dict()
        took = time.perf_counter() - start
    return took * len(sequence) / len(picked), len(picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=positive_int, default=50, help="requests per client (20 clients)")
    parser.add_argument("--baseline-rows", type=positive_int, default=40, help="baseline requests timed")
    parser.add_argument("--db", type=Path, help="an existing store (default: a new one from --mirror)")
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="steppe-serve-bench-") as tmp:
        db = args.db
        if db is None:
            if not args.mirror.is_dir():
                raise SystemExit(f"no mirror at {args.mirror}: give --mirror DIR or --db FILE")
            db = Path(tmp) / "steppe.duckdb"
            fill(db, args.mirror)
        port = free_port()
        server = start_server(db, port)
        try:
            wall, latencies, errors = run_clients(port, args.rows)
            rss = peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if errors:
            raise SystemExit(f"{errors} requests failed")
        baseline_s, sampled = baseline(db, args.rows, args.baseline_rows)

    q = statistics.quantiles(latencies, n=100, method="inclusive")
    result = {
        "benchmark": "serve",
        "size": CLIENTS * args.rows,
        "steppe_s": round(wall, 4),
        "baseline": "session API in process, serial, no cache (steppe.connect().indicators/.kb)",
        "baseline_s": round(baseline_s, 4),
        "baseline_sampled": sampled,
        "ratio": round(baseline_s / wall, 3),
        "peak_rss_mib": round(rss, 1),
        "p50_ms": round(q[49] * 1000, 2),
        "p95_ms": round(q[94] * 1000, 2),
        "clients": CLIENTS,
    }
    print(
        f"{CLIENTS} clients x {args.rows} requests: {wall:.2f} s, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms (target < 300 ms); baseline {baseline_s:.2f} s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
