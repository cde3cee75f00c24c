"""Running the CLI in-process through Typer's CliRunner, with main()'s error handling."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from steppe.cli.main import app, cli_message, command_path
from steppe.errors import SteppeError


@dataclass
class Outcome:
    """Exit code, standard output and the one-sentence error line (as main() would print it)."""

    code: int
    stdout: str
    error: str


def invoke(*args: str) -> Outcome:
    """``steppe ARGS`` in this process: a SteppeError becomes its exit code and 'Error: ...'."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    exc = result.exception
    if isinstance(exc, SteppeError):
        return Outcome(exc.exit_code, result.stdout, f"Error: {cli_message(exc, command_path(args)[0])}")
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc
    return Outcome(result.exit_code, result.stdout, "")
