"""The lean path (steppe.cli.lean): what it parses, that it matches the Typer commands, and that
a command line prints the same whether the lean path or Typer runs it."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from steppe.cli import lean
from steppe.cli.lean import LEAN, parse
from steppe.cli.output import OutputFormat


def by_path(path: tuple[str, ...]) -> lean.LeanCommand:
    return next(c for c in LEAN if c.path == path)


@pytest.mark.parametrize(
    ("args", "params", "db", "debug"),
    [
        (["kb", "members", "sco"], {"org": "sco", "as_of": None, "role": []}, None, False),
        (
            ["kb", "members", "--format", "json", "sco", "--as-of=2018-01-01", "--role", "a", "--role", "b"],
            {"org": "sco", "as_of": "2018-01-01", "role": ["a", "b"], "fmt": "json"},
            None,
            False,
        ),
        (
            ["--db", "x.duckdb", "kb", "members", "eaeu", "-f", "csv"],
            {"org": "eaeu", "fmt": "csv"},
            "x.duckdb",
            False,
        ),
        (["--debug", "--db=y", "kb", "memberships", "KAZ"], {"country": "KAZ", "as_of": None}, "y", True),
        (["kb", "overlap", "--countries", "KAZ,UZB"], {"countries": "KAZ,UZB", "orgs": None}, None, False),
    ],
)
def test_parses_what_it_fully_understands(args, params, db, debug):
    call = parse(args)
    assert call is not None
    assert call.db == db and call.debug is debug
    assert params.items() <= call.params.items()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--version"],
        ["kb"],
        ["kb", "members"],  # the argument is missing: Typer's usage error
        ["kb", "members", "sco", "extra"],
        ["kb", "members", "sco", "--help"],
        ["--help", "kb", "members", "sco"],
        ["kb", "members", "sco", "--as-of"],  # a missing value
        ["kb", "members", "sco", "--as-of", "--format", "json"],
        ["kb", "members", "sco", "--as-of", "2018", "--as-of", "2019"],  # given twice
        ["kb", "members", "sco", "--format", "xlsx"],  # the workbook callback is Typer's
        ["kb", "members", "sco", "--format", "yaml"],
        ["kb", "members", "sco", "-fjson"],
        ["kb", "members", "sco", "--unknown", "1"],
        ["kb", "members", "--", "sco"],
        ["kb", "members", "sco", "--db", "x"],  # a root option after the command
        ["--db", "a", "--db", "b", "kb", "members", "sco"],
        ["--quiet", "kb", "members", "sco"],
        ["kb", "orgs"],  # not a lean command
        ["kb", "overlap", "KAZ"],
        ["data", "list"],
    ],
)
def test_leaves_everything_else_to_typer(args):
    assert parse(args) is None


def typer_command(path: tuple[str, ...]) -> Any:
    from typer.main import get_command

    from steppe.cli.main import app_for

    command: Any = get_command(app_for(list(path)))
    for name in path:
        command = command.commands[name]
    return command


@pytest.mark.parametrize("entry", LEAN, ids=lambda c: " ".join(c.path))
def test_each_lean_command_matches_its_typer_command(entry):
    """Same options (every spelling), arguments and repeated options as Typer's command, and a
    target that takes exactly the Typer command's parameters."""
    command = typer_command(entry.path)
    options = {o: p.name for p in command.params if p.param_type_name == "option" for o in p.opts}
    arguments = tuple(p.name for p in command.params if p.param_type_name == "argument")
    repeated = {p.name for p in command.params if getattr(p, "multiple", False)}
    assert options == entry.flags
    assert arguments == entry.arguments
    assert repeated == set(entry.repeated)
    assert all(p.required for p in command.params if p.param_type_name == "argument")
    target = inspect.signature(entry.function()).parameters
    assert list(target) == [p.name for p in command.params]
    fmt = next(p for p in command.params if p.name == "fmt")
    assert str(fmt.default) == "table" and set(lean.FORMATS) < {f.value for f in OutputFormat}


LINES = [
    ["kb", "members", "sco", "--format", "json"],
    ["kb", "members", "sco", "--as-of", "2016-01-01"],
    ["kb", "members", "eaeu", "--as-of=2016-01-01", "--role", "observer", "--role", "member", "-f", "csv"],
    ["kb", "members", "Shanghai Cooperation Organisation", "-f", "json"],
    ["kb", "members", "nosuch", "-f", "json"],  # an error: same sentence, options as typed
    ["kb", "members", "sco", "--as-of", "2016-13-01"],
    ["kb", "members", "sco", "--role", "nosuch_role"],
    ["kb", "memberships", "KAZ", "-f", "json"],
    ["kb", "memberships", "Uzbekistan", "--as-of", "2001-06-16"],
    ["kb", "memberships", "nowhere"],
    ["kb", "memberships", "KGZ", "--as-of", "2010"],
    ["kb", "overlap", "--format", "json"],
    ["kb", "overlap", "--as-of", "2016-01-01"],
    ["kb", "overlap", "--countries", "KAZ,UZB", "--orgs", "sco,eaeu", "-f", "csv"],
    ["kb", "overlap", "--countries", "XXX"],
]


@pytest.mark.parametrize("args", LINES, ids=" ".join)
def test_lean_and_typer_print_the_same(args, store, cli, monkeypatch):
    """Exit code, stdout and stderr are identical through either parser (and the lean path ran)."""
    assert parse(args) is not None
    ran: list[Any] = []
    real = lean.LeanCall.run
    monkeypatch.setattr(lean.LeanCall, "run", lambda self: ran.append(self) or real(self))
    fast = cli(*args)
    assert ran, "the lean path did not run"
    monkeypatch.setattr(lean, "parse", lambda *a, **k: None)
    slow = cli(*args)
    assert (fast.code, fast.stdout, fast.stderr) == (slow.code, slow.stdout, slow.stderr)
    assert fast.stdout or fast.error


def test_root_db_option_on_the_lean_path(tmp_path, store, cli):
    """`steppe --db FILE kb members ...` reads that store (a new one gets the KB), not STEPPE_DB."""
    other = tmp_path / "other.duckdb"
    done = cli("--db", str(other), "kb", "members", "sco", "--as-of", "2018-01-01", "-f", "json")
    assert {r["country"] for r in done.json()} >= {"KAZ", "KGZ", "TJK", "UZB", "IND", "PAK"}
    assert other.exists()
