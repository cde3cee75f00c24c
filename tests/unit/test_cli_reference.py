"""The CLI reference is generated from --help and every command is documented."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import typer

from steppe.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_md_is_current() -> None:
    script = _script()
    current = (ROOT / "docs" / "cli.md").read_text()
    assert current == script.render(), "docs/cli.md is stale: run python scripts/cli_reference.py"


def test_every_command_has_help_and_is_named_in_the_readme() -> None:
    script = _script()
    readme = (ROOT / "README.md").read_text()
    root = typer.main.get_command(app)
    for path in script.commands(root)[1:]:
        command = root
        for name in path:
            command = command.commands[name]
        assert (command.help or "").strip(), f"steppe {' '.join(path)} has no help text"
        if len(path) == 1:
            assert re.search(rf"steppe {re.escape(path[0])}\b", readme), (
                f"the README never mentions 'steppe {path[0]}'"
            )
