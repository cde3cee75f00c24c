"""The `steppe` entry point: the root app, first-use initialisation and the top-level error guard.

No traceback reaches a user: :func:`main` turns a :class:`SteppeError` into its one sentence
and exit code, a malformed command line into one sentence naming the option and the help to
read (exit 2), and any unexpected exception into one sentence plus a ``--debug`` hint (exit 1;
``steppe --debug ...`` or STEPPE_DEBUG=1 shows the traceback instead).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from steppe import __version__
from steppe.cli import output
from steppe.cli.output import err_console, printable
from steppe.errors import SteppeError

if TYPE_CHECKING:
    import typer

#: The root's sub-commands, imported and registered on demand: a run builds only the group it
#: calls (building all of them costs more than the command itself), `steppe --help` all of
#: them. name -> (module, attribute, whether it is a group of commands, modules it extends).
SUBCOMMANDS: dict[str, tuple[str, str, bool, tuple[str, ...]]] = {
    "kb": ("steppe.cli.kb", "app", True, ("steppe.cli.kb_team",)),
    "data": ("steppe.cli.data", "app", True, ()),
    "fetch": ("steppe.cli.fetch", "fetch", False, ()),
    "indicators": ("steppe.cli.indicators", "indicators", False, ()),
    "index": ("steppe.cli.index", "app", True, ()),
    "report": ("steppe.cli.report", "app", True, ()),
    "gravity": ("steppe.cli.gravity", "app", True, ()),
    "texts": ("steppe.cli.texts", "app", True, ("steppe.cli.texts_team",)),
    "frameworks": ("steppe.cli.frameworks", "app", True, ()),
    "serve": ("steppe.cli.serve", "serve", False, ()),
    "users": ("steppe.cli.users", "app", True, ()),
    "db": ("steppe.cli.db", "app", True, ()),
}
#: Options of the root that take a value.
ROOT_VALUES = ("--db",)

#: Commands that only read the store: while another process writes it (a long fetch) they read
#: a snapshot of its last commit instead of waiting (steppe.store.db.reading). Every other
#: command that opens the store waits for the writer, saying so.
KB_READERS = ("members", "memberships", "overlap", "timeline", "events", "sources", "orgs", "countries",
              "delegation", "contested", "stats", "proposals", "proposal", "history")  # fmt: skip
READ_ONLY: frozenset[tuple[str, ...]] = frozenset(
    {
        *(("kb", c) for c in KB_READERS),
        ("data", "list"),
        ("data", "editions"),
        ("db", "info"),
        ("db", "dump"),
        ("indicators",),
        ("index", "compute"),
        ("index", "sensitivity"),
        ("index", "show"),
        ("report", "central-asia"),
        *(("texts", c) for c in ("list", "segments")),
        ("texts", "codebook", "list"),
        ("texts", "codebook", "codes"),
        ("texts", "code", "list"),
        ("texts", "suggest", "list"),
        ("texts", "agree"),
        ("texts", "adjudications"),
        ("users", "list"),
        ("users", "tokens"),
        *(("texts", "query", c) for c in ("freq", "actors", "crosstab", "cooccur", "kwic")),
    }
)

_DEBUG = [False]


def build_app(only: str | None = None) -> typer.Typer:
    """The root app with every sub-command, or with only the one named ``only`` (and ``init``)."""
    import importlib

    import typer

    from steppe.cli.root import init, root

    root_app = typer.Typer(
        name="steppe",
        help="Measure, explain and explore regional integration in Central Asia.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    root_app.callback()(root)
    for name, (module, attribute, group, extends) in SUBCOMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(module), attribute)
        for extra in extends:  # team-mode commands added to `steppe kb` and `steppe texts` (docs/team.md)
            importlib.import_module(extra)
        if group:
            root_app.add_typer(target, name=name)
        else:
            root_app.command(name=name)(target)
    root_app.command(name="init")(init)
    return root_app


_APPS: dict[str | None, typer.Typer] = {}


def first_command(args: Sequence[str]) -> str | None:
    """The sub-command ``args`` call (``kb`` in ``--db x kb members sco``), if it is a known one."""
    tokens = list(args)
    while tokens:
        token = tokens.pop(0)
        if token.startswith("-"):
            if token in ROOT_VALUES and tokens:
                tokens.pop(0)
            continue
        return token if token in SUBCOMMANDS else None
    return None


def app_for(args: Sequence[str]) -> typer.Typer:
    """The smallest root app that runs ``args`` (every sub-command for help and unknown names)."""
    only = first_command(args)
    if only not in _APPS:
        _APPS[only] = build_app(only)
    return _APPS[only]


def __getattr__(name: str) -> Any:
    """``app``: the root app with every sub-command, built on first use (tests, docs)."""
    if name == "app":
        return app_for([])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_path(args: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """The sub-command names in ``args`` and the root options before them.

    ``['--db', 'x', 'kb', 'orgs', '-f', 'json']`` gives ``(('kb', 'orgs'), ['--db', 'x'])``.
    """
    from typer.main import get_command

    group: Any = get_command(app_for(args))
    path: list[str] = []
    root: list[str] = []
    tokens = list(args)
    while tokens:
        token = tokens.pop(0)
        if token.startswith("-"):
            if not path:
                root.append(token)
                if token == "--db" and tokens:
                    root.append(tokens.pop(0))
            continue
        commands = getattr(group, "commands", None)
        if not commands or token not in commands:
            break
        path.append(token)
        group = commands[token]
    return tuple(path), root


#: Python parameter names whose option is spelled otherwise on every command (the API takes a
#: list where the CLI repeats an option).
PARAM_OPTIONS = {
    "coders": "--coder",
    "doc_ids": "--doc",
    "docs": "--doc",
    "roles": "--role",
    "types": "--type",
    "target": "--change",
}


def flag_names(path: Sequence[str]) -> dict[str, str]:
    """Python parameter name to command-line option for the command at ``path`` (and the root).

    ``kb events`` gives ``{"start": "--from", "end": "--to", ...}``: a parameter an error names is
    shown as the option a CLI user types.
    """
    from typer.main import get_command

    group: Any = get_command(app_for(path))
    found: dict[str, str] = dict(PARAM_OPTIONS)
    commands = [group]
    for name in path:
        group = getattr(group, "commands", {}).get(name)
        if group is None:
            break
        commands.append(group)
    for command in commands:
        for param in getattr(command, "params", []):
            is_option = getattr(param, "param_type_name", "") == "option"
            longs = [o for o in param.opts if o.startswith("--")] if is_option else []
            if param.name and longs:
                found[param.name] = longs[0]
    return found


def cli_message(exc: SteppeError, path: Sequence[str]) -> str:
    """``exc``'s sentence with the Python parameters it names written as the command's options.

    Only the names in ``exc.params`` are rewritten, as whole words outside quoted values;
    a parameter with no option of that name becomes ``--name-with-dashes``.
    """
    import re

    text = str(exc)
    params = [p for p in exc.params if not p.startswith("-")]  # '--date' is already an option
    if not params:
        return text
    flags = flag_names(path)
    names = "|".join(map(re.escape, params))
    pattern = re.compile(r"(?<![\w./-])(" + names + r")(?![\w/-]|\.\w)")
    parts = re.split(r"('[^']*')", text)  # quoted values (what the user typed) stay as they are
    for i in range(0, len(parts), 2):
        parts[i] = pattern.sub(lambda m: flags.get(m.group(1), "--" + m.group(1).replace("_", "-")), parts[i])
    return "".join(parts)


def _say(text: str) -> None:
    err_console.print(printable(text), markup=False, highlight=False, soft_wrap=True)


def _usage_hint(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    return f"'{ctx.command_path} --help'" if ctx is not None else "'steppe --help'"


def show_tracebacks() -> None:
    """``--debug``: let an unexpected error show its traceback (to report a bug)."""
    _DEBUG[0] = True


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors are one sentence on stderr, never a traceback.

    The hot lookups (:mod:`steppe.cli.lean`) run without building Typer; every other command line
    goes through the Typer app. Both run under the same guard below.
    """
    from steppe.cli import lean, session
    from steppe.store import db as store_db

    args = list(sys.argv[1:] if argv is None else argv)
    if first_command(args) is None and "--version" in args:  # answered before any command is built
        sys.stdout.write(f"steppe {__version__}\n")
        return 0
    call = lean.parse(args)
    if call is not None:
        path, debugging = call.command.path, call.debug
    else:
        path, root_options = command_path(args)
        debugging = "--debug" in root_options
    _DEBUG[0] = debugging
    store_db.notify = lambda text: _say(f"Note: {text}")
    code = 0
    try:
        with store_db.reading(path in READ_ONLY):
            if call is not None:
                session.configure(call.db)  # what the root callback does on the Typer path
                call.run()
            else:
                result = app_for(args)(args=args, prog_name="steppe", standalone_mode=False)
                code = result if isinstance(result, int) else 0
        if code == 0:
            output.finish_xlsx()  # --format xlsx: the workbook of every table printed
    except SteppeError as exc:
        _say(f"Error: {cli_message(exc, path)}")
        code = exc.exit_code
    except KeyboardInterrupt:
        _say("Interrupted.")
        code = 130
    except BrokenPipeError:  # `steppe ... | head`: the reader left; nothing to say
        code = 0
    except Exception as exc:
        code = _other_error(exc)
    finally:
        output.discard_xlsx()
        store_db.notify = store_db.log.info
        if code == 0:
            _starter_note(path)
        session.close()
        session.configure(None)
        store_db.close_defaults()
    return code


def _other_error(exc: Exception) -> int:
    """The exit code of ``exc``, said in one sentence: Typer's exits and command-line errors
    (exit 2: a malformed command line), else an unexpected error (exit 1, a bug to report).

    Typer's exceptions are looked up only when Typer ran (the lean path never imports it).
    """
    from steppe.config import debug

    typer = sys.modules.get("typer")
    if typer is not None:
        if isinstance(exc, typer.Exit):
            return int(exc.exit_code)
        if isinstance(exc, typer.Abort):
            _say("Interrupted.")
            return 130
        if isinstance(exc, typer.TyperException):  # Typer's click: a malformed command line, a bad file
            code = int(getattr(exc, "exit_code", 1))
            show = getattr(exc, "show", None)  # Typer's bundled click exceptions print themselves
            if type(exc).__name__ == "NoArgsIsHelpError" and callable(show):
                show()  # `steppe kb` alone: the help, as click prints it
                return code
            message = exc.format_message().strip().rstrip(".")
            if code == 2:
                message = f"{message}; see {_usage_hint(exc)}"
            _say(f"Error: {message}.")
            return code
    if _DEBUG[0] or debug():
        raise exc
    what = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    _say(
        f"Error: steppe failed unexpectedly ({type(exc).__name__}{': ' + what if what else ''}); "
        "this is a bug: run the same command with 'steppe --debug ...' to see the traceback "
        "and report it."
    )
    return 1


#: Commands whose output may come from stored datasets, so may come from the starter snapshot.
_DATA_COMMANDS = ("indicators", "index", "report", "frameworks", "data")


def _starter_note(path: tuple[str, ...]) -> None:
    """Say on stderr when the store this command read holds starter-snapshot datasets."""
    if not path or path[0] not in _DATA_COMMANDS:
        return
    from steppe.cli import session
    from steppe.starter import describe, starter_datasets
    from steppe.store import db as store_db

    for store in [*session.open_stores(), *store_db.open_defaults()]:
        rows = starter_datasets(store)
        if rows:
            _say(
                f"Note: {describe(rows)} 'steppe fetch SOURCE' replaces each with fresh data; "
                "'steppe data list' shows them."
            )
            return


if __name__ == "__main__":
    sys.exit(main())
