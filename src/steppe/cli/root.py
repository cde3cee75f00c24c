"""The root of `steppe`: its options (``--db``, ``--debug``, ``--version``) and `steppe init`.

Typer commands, so imported only when :func:`steppe.cli.main.build_app` builds the Typer app
(the lean path of :mod:`steppe.cli.lean` reads the root options itself).
"""

from __future__ import annotations

import typer

from steppe import __version__
from steppe.cli.output import console


def _version(value: bool) -> None:
    """``--version`` (eager): print the version and stop."""
    if value:
        console.print(f"steppe {__version__}")
        raise typer.Exit()


def root(
    db: str = typer.Option(
        None, "--db", help="Store: a DuckDB file or a postgresql:// URL (overrides STEPPE_DB)."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an unexpected error (to report a bug)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """steppe: every number sourced, every method declared."""
    from steppe.cli import session

    session.configure(db)
    if debug:
        from steppe.cli.main import show_tracebacks

        show_tracebacks()


def init(
    force: bool = typer.Option(False, "--force", help="Reload the KB even if it is current."),
) -> None:
    """Create the store and load the bundled knowledge base."""
    from steppe.cli.session import session

    s = session()
    loaded = s.ensure_kb(force=force)
    counts = s.kb.counts()
    what = "loaded" if loaded else "already current"
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    console.print(f"Store {s.store.path}: knowledge base {what} ({summary}).")
