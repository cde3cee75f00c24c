"""The `steppe` command run in this process: ``steppe.cli.main.main`` under Click's isolation.

``main()`` is what the installed command runs, so its error handling (one sentence on stderr,
the exit code of the error, the read-only flag of read commands, closing the default stores)
is what the tests see, without starting an interpreter per command. Only the subprocess smoke
tests (tests/e2e/test_smoke_subprocess.py) start the real executable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner

#: What the subprocess runner sets as well: a wide terminal and no colour codes.
BASE_ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


@dataclass
class Run:
    """How one command exited and what it printed, shaped like a finished subprocess."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def code(self) -> int:
        return self.returncode

    @property
    def error(self) -> str:
        """The 'Error: ...' sentence main() printed on stderr, to its end ('' if none)."""
        at = self.stderr.find("Error: ")
        return self.stderr[at:].strip() if at >= 0 else ""

    def json(self) -> Any:
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout)


def run(*args: str, env: Mapping[str, str] | None = None, input: str | None = None, **_: Any) -> Run:
    """``steppe ARGS`` in this process; ``env`` is set for the call only (like a subprocess's).

    Extra keyword arguments of the subprocess runner (``timeout``) are accepted and ignored.
    """
    from steppe.cli import output
    from steppe.cli.main import main

    # rich reads COLUMNS once, when the consoles are made at import: give them the width the
    # subprocess runs get (the same for every in-process run)
    for console in (output.console, output.err_console):
        console.width = int(BASE_ENV["COLUMNS"])
    runner = CliRunner()
    with runner.isolation(input=input, env={**BASE_ENV, **(env or {})}) as (out, err, _both):
        try:
            code = main([str(a) for a in args])
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return Run(code, stdout, stderr)


#: The name the frameworks and GDELT tests use.
invoke = run
Outcome = Run
