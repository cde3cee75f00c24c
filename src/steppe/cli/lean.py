"""The lean path: the knowledge-base lookups typed many times a day, run without Typer.

Building Typer's command line costs about 150 ms before any command runs (Typer converts every
option through pydantic), more than a lookup itself. For the commands in :data:`LEAN`, whose
parameters are a few strings, :func:`steppe.cli.main.main` parses the command line here and calls
the same function the Typer command calls (:mod:`steppe.cli.kb_lookup`), so the output is the
same and ``steppe kb members sco --format json`` starts about as fast as Python and DuckDB do
(``benchmarks/cli_startup.py``).

The parser accepts only what it fully understands: the root options ``--db`` and ``--debug``,
the command's own options (``--opt value`` or ``--opt=value``; ``-f value``), its positional
arguments, and the formats table, json and csv. Anything else (``--help``, an unknown or
repeated option, a missing value or argument, a value starting with ``-``, ``--format xlsx``)
returns None and Typer parses the line as always, so every help text and usage error is
Typer's. A test checks each entry here against the Typer command of the same path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The formats the lean path prints itself (xlsx goes through Typer's --format callback).
FORMATS = ("table", "json", "csv")
#: The spellings of the format option, on every lean command.
FORMAT_FLAGS = {"--format": "fmt", "-f": "fmt"}


@dataclass(frozen=True)
class LeanCommand:
    """One command the lean path runs: where it is, what it takes, what it calls."""

    path: tuple[str, ...]
    #: Positional parameters, in order; all required.
    arguments: tuple[str, ...]
    #: Option spelling (``--as-of``) to parameter name (``as_of``), besides ``--format``/``-f``.
    options: Mapping[str, str]
    #: ``module:function`` called with the parameters as keywords.
    target: str
    #: Parameters whose option may be given many times (a list, empty when not given).
    repeated: frozenset[str] = field(default_factory=frozenset)

    @property
    def flags(self) -> dict[str, str]:
        """Every option spelling of this command to its parameter (``--format`` and ``-f`` too)."""
        return {**self.options, **FORMAT_FLAGS}

    def function(self) -> Callable[..., Any]:
        module, name = self.target.split(":")
        found: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return found


LEAN: tuple[LeanCommand, ...] = (
    LeanCommand(
        ("kb", "members"),
        ("org",),
        {"--as-of": "as_of", "--role": "role"},
        "steppe.cli.kb_lookup:members",
        frozenset({"role"}),
    ),
    LeanCommand(
        ("kb", "memberships"), ("country",), {"--as-of": "as_of"}, "steppe.cli.kb_lookup:memberships"
    ),
    LeanCommand(
        ("kb", "overlap"),
        (),
        {"--as-of": "as_of", "--countries": "countries", "--orgs": "orgs"},
        "steppe.cli.kb_lookup:overlap",
    ),
)


@dataclass(frozen=True)
class LeanCall:
    """A command line the lean path runs: the command, its parameters and the root options."""

    command: LeanCommand
    params: dict[str, Any]
    db: str | None
    debug: bool

    def run(self) -> None:
        """Call the command's function (the root options are the caller's to apply)."""
        from steppe.cli.output import OutputFormat

        params = {**self.params, "fmt": OutputFormat(self.params.get("fmt", "table"))}
        self.command.function()(**params)


def _split(token: str) -> tuple[str, str | None]:
    """``--as-of=2018`` gives ``("--as-of", "2018")``; other tokens ``(token, None)``."""
    if token.startswith("--") and "=" in token:
        name, value = token.split("=", 1)
        return name, value
    return token, None


def parse(args: Sequence[str], commands: Sequence[LeanCommand] = LEAN) -> LeanCall | None:
    """The lean call ``args`` make, or None when Typer should parse them (see the module doc)."""
    tokens = list(args)
    db: str | None = None
    debug = False
    while tokens and tokens[0].startswith("-"):  # the root options, before the command
        name, value = _split(tokens.pop(0))
        if name == "--debug" and value is None and not debug:
            debug = True
        elif name == "--db" and db is None:
            if value is None:
                if not tokens or tokens[0].startswith("-"):
                    return None
                value = tokens.pop(0)
            db = value
        else:
            return None
    found = next((c for c in commands if tuple(tokens[: len(c.path)]) == c.path), None)
    if found is None:
        return None
    tokens = tokens[len(found.path) :]
    flags = found.flags
    params: dict[str, Any] = {p: [] for p in found.repeated}
    positional: list[str] = []
    while tokens:
        name, value = _split(tokens.pop(0))
        if not name.startswith("-") or name == "-":
            positional.append(name)
            continue
        param = flags.get(name)
        if param is None:
            return None  # --help, an unknown option, `--`, short options run together: Typer's
        if value is None:
            if not tokens or tokens[0].startswith("-"):
                return None
            value = tokens.pop(0)
        if param in found.repeated:
            params[param].append(value)
        elif param in params:
            return None  # given twice: Typer decides
        else:
            params[param] = value
    if len(positional) != len(found.arguments) or params.get("fmt", "table") not in FORMATS:
        return None
    params.update(zip(found.arguments, positional, strict=True))
    for option in found.options.values():
        params.setdefault(option, None)
    return LeanCall(found, params, db, debug)
