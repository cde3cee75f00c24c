"""Start-up time of the CLI: `steppe kb members sco --format json` against `python -c "import duckdb"`.

    .venv/bin/python benchmarks/cli_startup.py --rows 15

A query a user types many times a day should feel instant. The baseline is the floor any
command that reads the embedded store pays: starting Python and importing DuckDB. Target
(issue 15): steppe takes no more than twice the baseline, i.e. ``ratio`` (baseline_s /
steppe_s) of 0.5 or more.

Both commands run ``--rows`` times, interleaved (so a busy machine slows both alike), after one
untimed warm-up each; the medians are compared. The store is a fresh one in a temporary folder,
created and given the knowledge base by the warm-up (no starter snapshot, STEPPE_STARTER=0, so
the warm-up stays short). Python writes its bytecode cache as on a user's install (this
environment's PYTHONDONTWRITEBYTECODE is dropped for the runs), so the timed runs read compiled
modules. ``peak_rss_mib`` is the largest resident set of a steppe run (``wait4``). The last line
is the JSON contract of benchmarks/ (docs: DEVELOPERS.md, "Performance").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cli_args import positive_int

BASELINE = 'python -c "import duckdb"'


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of one run (a failure stops the benchmark)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {os.waitstatus_to_exitcode(status)}).")
    return seconds, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=positive_int, default=10, help="timed runs of each command")
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "steppe"
    steppe = [str(exe)] if exe.exists() else [sys.executable, "-m", "steppe.cli.main"]
    command = [*steppe, "kb", "members", "sco", "--format", "json"]
    baseline = [sys.executable, "-c", "import duckdb"]
    with tempfile.TemporaryDirectory(prefix="steppe-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update({"STEPPE_DB": str(Path(tmp) / "steppe.duckdb"), "STEPPE_STARTER": "0"})
        _, _, out = timed(command, env)  # warm-up: creates the store, loads the KB, writes bytecode
        rows = json.loads(out)
        assert rows and all("country" in r for r in rows), "steppe kb members sco gave no members"
        timed(baseline, env)
        ours: list[float] = []
        theirs: list[float] = []
        peak = 0.0
        for _ in range(args.rows):
            seconds, rss, _ = timed(command, env)
            ours.append(seconds)
            peak = max(peak, rss)
            theirs.append(timed(baseline, env)[0])
    steppe_s = statistics.median(ours)
    baseline_s = statistics.median(theirs)
    print(
        f"steppe kb members sco --format json: median {steppe_s:.3f} s over {args.rows} runs; "
        f"{BASELINE}: {baseline_s:.3f} s; steppe takes {steppe_s / baseline_s:.2f}x the baseline "
        "(target: 2x or less)."
    )
    print(
        json.dumps(
            {
                "benchmark": "cli_startup",
                "size": args.rows,
                "steppe_s": round(steppe_s, 4),
                "baseline": BASELINE,
                "baseline_s": round(baseline_s, 4),
                "ratio": round(baseline_s / steppe_s, 3),
                "peak_rss_mib": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
