"""The `steppe` command run in-process (Typer's CliRunner), with main()'s error handling."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from steppe.cli.main import app, cli_message, command_path
from steppe.errors import SteppeError


@dataclass
class Run:
    """What one command printed and how it exited, like a finished subprocess."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout)


def run_in_process(*args: str, env: dict[str, str] | None = None) -> Run:
    """Invoke the CLI like steppe.cli.main.main: a SteppeError becomes 'Error: ...' and its exit code."""
    runner = CliRunner()
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    stderr = result.stderr
    code = result.exit_code
    if isinstance(result.exception, SteppeError):
        stderr += f"Error: {cli_message(result.exception, command_path(args)[0])}\n"
        code = result.exception.exit_code
    elif result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(code, result.stdout, stderr)


@pytest.fixture
def steppe():
    """Run `steppe ARGS...` in-process; returns a :class:`Run`."""
    return run_in_process
