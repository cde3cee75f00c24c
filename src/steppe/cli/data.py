"""`steppe data ...`: what fetched data the store holds, from which source and edition, when.

``editions`` shows every edition of every source with the one readers use by default (the
pinned one, else the newest); ``pin`` keeps an edition the default whatever is loaded later.
"""

from __future__ import annotations

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, printable

app = typer.Typer(help="List, pin and remove fetched datasets and their editions.", no_args_is_help=True)

COLUMNS = ["dataset_id", "source", "dataset", "edition", "rows", "tables", "retrieved_at", "location"]
#: The same for people: the id already reads source:dataset:edition, so the table leaves those
#: three out and keeps room for the rows and the time of retrieval (csv and json keep them all).
TABLE_COLUMNS = ["dataset_id", "rows", "retrieved_at", "tables", "location"]
EDITION_COLUMNS = ["source", "dataset", "edition", "default", "rows", "loaded_at", "dataset_id"]


@app.command("list")
def list_(
    source: str = typer.Option(None, "--source", help="Only datasets of this source id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every stored dataset with its provenance, newest first."""
    from steppe.cli.session import session
    from steppe.session.frames import records as rows_of

    rows = rows_of(session().data.datasets(source))
    if fmt is OutputFormat.json:
        emit(rows, fmt)
        return
    if fmt is OutputFormat.table:  # to the minute for people; csv keeps the full timestamp
        rows = [{**r, "retrieved_at": str(r.get("retrieved_at") or "")[:16].replace("T", " ")} for r in rows]
    emit(
        rows,
        fmt,
        TABLE_COLUMNS if fmt is OutputFormat.table else COLUMNS,
        title="stored datasets",
        empty="No datasets stored yet; run 'steppe fetch SOURCE'.",
    )


@app.command()
def editions(
    source: str = typer.Argument(None, help="Only this source id (wdi, imf_dots, ...)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Editions per source and dataset; 'default' says which one readers use (pinned or newest)."""
    from steppe.cli.session import session
    from steppe.session.frames import records as rows_of

    rows = rows_of(session().data.editions(source))
    if fmt is OutputFormat.json:
        emit(rows, fmt)
        return
    emit(
        rows,
        fmt,
        EDITION_COLUMNS,
        title="editions",
        empty="No datasets stored yet; run 'steppe fetch SOURCE'.",
    )


@app.command()
def pin(dataset_id: str = typer.Argument(..., help="A dataset_id from 'steppe data editions'.")) -> None:
    """Make an edition the default of its source and dataset, whatever is loaded later."""
    from steppe.cli.session import session

    done = session().data.pin(dataset_id)
    console.print(printable(f"{done['pinned']} is now the default of {done['source']}:{done['dataset']}."))


@app.command()
def unpin(
    group: str = typer.Argument(..., help="A source id, SOURCE:DATASET or the pinned dataset_id."),
) -> None:
    """Remove a pin: the newest edition is the default again."""
    from steppe.cli.session import session

    removed = session().data.unpin(group)
    console.print(printable(f"Unpinned {', '.join(removed)}; the newest edition is the default again."))


@app.command()
def drop(dataset_id: str = typer.Argument(..., help="A dataset_id from 'steppe data list'.")) -> None:
    """Remove one dataset and all its rows (one transaction)."""
    from steppe.cli.session import session

    rows = session().data.drop(dataset_id)
    console.print(printable(f"Removed {dataset_id} ({rows:,} rows)."))
