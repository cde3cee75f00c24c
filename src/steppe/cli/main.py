"""The `steppe` entry point: the root app, first-use initialisation and error handling."""

from __future__ import annotations

import os
import sys

import typer

from steppe import __version__
from steppe.cli import data, frameworks, gravity, index, indicators, kb, report, texts
from steppe.cli.fetch import fetch
from steppe.cli.output import console, err_console
from steppe.errors import SteppeError

app = typer.Typer(
    name="steppe",
    help="Measure, explain and explore regional integration in Central Asia.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(kb.app, name="kb")
app.add_typer(data.app, name="data")
app.command()(fetch)
app.command(name="indicators")(indicators.indicators)
app.add_typer(index.app, name="index")
app.add_typer(report.app, name="report")
app.add_typer(gravity.app, name="gravity")
app.add_typer(texts.app, name="texts")
app.add_typer(frameworks.app, name="frameworks")


def _version(value: bool) -> None:
    if value:
        console.print(f"steppe {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: str = typer.Option(None, "--db", help="Store file (overrides STEPPE_DB)."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """steppe: every number sourced, every method declared."""
    if db:
        os.environ["STEPPE_DB"] = db


@app.command()
def init(
    force: bool = typer.Option(False, "--force", help="Reload the KB even if it is current."),
) -> None:
    """Create the store and load the bundled knowledge base."""
    from steppe.config import settings
    from steppe.kb.sync import ensure_kb
    from steppe.store import kb as kb_sql
    from steppe.store import open_store

    with open_store() as store:
        loaded = ensure_kb(store, force=force)
        counts = kb_sql.counts(store)
    what = "loaded" if loaded else "already current"
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    console.print(f"Store {settings().db_path}: knowledge base {what} ({summary}).")


def main() -> None:
    """Run the CLI; a user mistake prints one sentence and exits non-zero, never a traceback."""
    try:
        app()
    except SteppeError as exc:
        err_console.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)


if __name__ == "__main__":
    main()
