"""`steppe db ...`: which store this is, and backups of it (dump and restore).

The store is the one ``--db`` or STEPPE_DB names: a DuckDB file (the default) or a PostgreSQL
database (``postgresql://...``). A dump is a portable ZIP file (``steppe.store.dump``) that
restores into either backend.
"""

from __future__ import annotations

from pathlib import Path

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, emit_json

app = typer.Typer(help="The store: what it holds, backups (dump) and restoring them.", no_args_is_help=True)


@app.command()
def info(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """The store's backend, location, schema version and rows per table."""
    from steppe.cli.session import session
    from steppe.store import dump as store_dump

    store = session().store
    counts = [{"table": table, "rows": n} for table, n in store_dump.row_counts(store).items()]
    about = {"backend": store.dialect.name, "store": store.path, "schema_version": store.schema_version()}
    if fmt is OutputFormat.json:
        emit_json({**about, "tables": counts})
        return
    console.print(f"Store {about['store']} ({about['backend']}), schema version {about['schema_version']}.")
    emit(counts, fmt, ["table", "rows"], title="rows per table")


@app.command()
def dump(
    file: Path = typer.Argument(..., help="The backup file to write (a ZIP; e.g. steppe-2026-12-06.zip)."),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
) -> None:
    """Write every table of the store to one portable file (restores into DuckDB or PostgreSQL)."""
    from steppe.cli.session import session
    from steppe.errors import UsageError
    from steppe.store import dump as store_dump

    target = file.expanduser()
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; give another file name or add --force to overwrite it.")
    store = session().store
    manifest = store_dump.dump(store, target)
    where = store.path
    rows = sum(t["rows"] for t in manifest["tables"])
    console.print(
        f"Dumped {len(manifest['tables'])} tables ({rows:,} rows, schema version "
        f"{manifest['schema_version']}) of {where} to {target}."
    )


@app.command()
def restore(
    file: Path = typer.Argument(..., help="A file written by 'steppe db dump'."),
    replace: bool = typer.Option(
        False, "--replace", help="Replace everything the store holds (otherwise only an empty store)."
    ),
) -> None:
    """Load a dump into the store, in one transaction; refuses a non-empty store without --replace."""
    from steppe.store import dump as store_dump
    from steppe.store import open_store

    # not the session's store: a session migrates the store as it opens it, and a restore must find
    # it as it is (the dump brings its own schema version); --db still chooses the store
    with open_store(migrate=False) as store:
        manifest = store_dump.restore(store, file, replace=replace)
        where = store.path
    rows = sum(t["rows"] for t in manifest["tables"])
    console.print(
        f"Restored {len(manifest['tables'])} tables ({rows:,} rows, dumped from {manifest['backend']} "
        f"at schema version {manifest['schema_version']} on {manifest['created_at']}) into {where}."
    )
