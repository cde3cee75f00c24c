"""`steppe data ...`: what fetched data the store holds, from which source and edition, when."""

from __future__ import annotations

import typer

from steppe.cli.output import FORMAT_OPTION, OutputFormat, console, emit

app = typer.Typer(help="List and remove fetched datasets.", no_args_is_help=True)

COLUMNS = ["dataset_id", "source", "dataset", "edition", "rows", "tables", "retrieved_at", "location"]


@app.command("list")
def list_(
    source: str = typer.Option(None, "--source", help="Only datasets of this source id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every stored dataset with its provenance, newest first."""
    from steppe.sources import list_datasets
    from steppe.store import open_store

    with open_store() as store:
        rows = list_datasets(store, source)
    if fmt is OutputFormat.json:
        emit(rows, fmt)
        return
    emit(
        rows,
        fmt,
        COLUMNS,
        title="stored datasets",
        empty="No datasets stored yet; run 'steppe fetch SOURCE'.",
    )


@app.command()
def drop(dataset_id: str = typer.Argument(..., help="A dataset_id from 'steppe data list'.")) -> None:
    """Remove one dataset and all its rows (one transaction)."""
    from steppe.store import data, open_store

    with open_store() as store:
        rows = data.drop_dataset(store, dataset_id)
    console.print(f"Removed {dataset_id} ({rows:,} rows).")
