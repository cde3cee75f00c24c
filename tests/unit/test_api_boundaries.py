"""Boundaries of the Python API: only config.py reads the environment; only cli/ knows flags."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import steppe

PACKAGE = Path(steppe.__file__).parent
#: A command-line option inside a string: ``--as-of``, ``--years``.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def modules(*, outside: tuple[str, ...]) -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if not any(p.relative_to(PACKAGE).as_posix().startswith(o) for o in outside)
    )


def test_only_config_reads_the_environment() -> None:
    found = []
    for path in modules(outside=("config.py",)):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            attribute = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            names = ("environ", "getenv", "putenv", "unsetenv")
            if attribute and node.value.id == "os" and node.attr in names:  # type: ignore[attr-defined]
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} os.{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "os":
                names = {a.name for a in node.names} & {"environ", "getenv", "putenv", "unsetenv"}
                found += [f"{path.relative_to(PACKAGE)}:{node.lineno} from os import {n}" for n in names]
    assert found == [], "only steppe/config.py may read or write the environment: " + "; ".join(found)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (modules, classes, functions)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal outside docstrings, f-strings joined (their literal parts)."""
    skip = _docstrings(tree)
    inner: set[int] = set()
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            inner.update(id(v) for v in node.values)
            out.append((node.lineno, "".join(parts)))
    for node in ast.walk(tree):
        text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if text and id(node) not in skip and id(node) not in inner:
            out.append((node.lineno, node.value))
    return out


#: Strings outside cli/ that may hold options: arguments steppe passes to Chromium.
OTHER_PROGRAMS = {"report/build.py": ("--headless", "--no-sandbox", "--disable-", "--no-first-run",
                                      "--no-pdf-header-footer", "--print-to-pdf", "--window-size",
                                      "--run-all-compositor-stages", "--virtual-time-budget")}  # fmt: skip


def test_no_module_outside_cli_names_a_command_line_option() -> None:
    """Errors and hints name Python parameters (``as_of``); the CLI shows its options in their place.

    A whole command a reader can run (``steppe fetch wdi --dataset gdp``) may stand in a hint.
    """
    found = []
    for path in modules(outside=("cli/",)):
        rel = path.relative_to(PACKAGE).as_posix()
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            commands = re.findall(r"steppe [a-z][^'`;()<]*", text)
            rest = text
            for command in commands:
                rest = rest.replace(command, "")
            for flag in FLAG.findall(rest):
                if not flag.startswith(OTHER_PROGRAMS.get(rel, ())):
                    found.append(f"{rel}:{line} {flag}")
    assert found == [], "options named outside cli/: " + "; ".join(found)


@pytest.mark.parametrize(
    ("message", "params", "path", "expected"),
    [
        ("Invalid as_of '2018-13-01': that day does not exist.", ("as_of",), ("kb", "members"),
         "Invalid --as-of '2018-13-01': that day does not exist."),
        ("end 2010-01-01 is before start 2020-01-01; swap them.", ("start", "end"), ("kb", "events"),
         "--to 2010-01-01 is before --from 2020-01-01; swap them."),
        ("Name two people, for example coders 'alice' and 'bob'.", ("coders",), ("texts", "agree"),
         "Name two people, for example --coder 'alice' and 'bob'."),
        # a quoted value is what the user typed: it stays as it is
        ("Invalid years 'years': use a year.", ("years",), ("indicators",),
         "Invalid --years 'years': use a year."),
        ("http://host/mirror/x failed; or use a local folder (mirror).", ("mirror",), ("fetch",),
         "http://host/mirror/x failed; or use a local folder (--mirror)."),
    ],
)  # fmt: skip
def test_the_cli_writes_parameters_as_its_options(message, params, path, expected) -> None:
    from steppe.cli.main import cli_message
    from steppe.errors import UsageError

    assert cli_message(UsageError(message, params=params), path) == expected
