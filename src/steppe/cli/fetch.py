"""`steppe fetch SOURCE`: fetch one source into the store, from the network or a mirror folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from steppe.cli.output import FORMAT_OPTION, OutputFormat, emit, err_console


@contextmanager
def _progress(enabled: bool) -> Iterator[object]:
    """A rich progress display on stderr; the callback takes (what, done, total)."""
    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[amount]}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    tasks: dict[str, int] = {}

    def update(what: str, done: int, total: int | None) -> None:
        # Downloads report bytes; imports report files done out of total.
        if what.startswith("import "):
            amount = f"{done}/{total} files"
        else:
            amount = f"{done / 1e6:,.1f}" + (f"/{total / 1e6:,.1f} MB" if total else " MB")
        if what not in tasks:
            tasks[what] = bars.add_task(what, total=total, amount=amount)
        bars.update(tasks[what], completed=done, total=total, amount=amount)

    with bars:
        yield update


def fetch(
    source: str = typer.Argument(
        ..., help="Source id: wdi, imf_dots, comtrade, baci, aiddata, gravity or gdelt."
    ),
    mirror: Path = typer.Option(
        None,
        "--mirror",
        help="Read files from this folder (layout of ../shared/data) instead of the network.",
    ),
    base_url: str = typer.Option(
        None, "--base-url", help="Another server for network mode (tests, proxies)."
    ),
    dataset: str = typer.Option(None, "--dataset", help="Dataset of the source (see docs/sources.md)."),
    years: str = typer.Option(None, "--years", help="Years to keep, e.g. 2000:2022."),
    countries: str = typer.Option(
        None, "--countries", help="Comma-separated ISO3 codes (reporters); gdelt: GDELT source countries."
    ),
    indicators: str = typer.Option(None, "--indicators", help="wdi: comma-separated indicator codes."),
    products: str = typer.Option(None, "--products", help="comtrade: HS codes or TOTAL."),
    version: str = typer.Option(None, "--version", help="baci: release, e.g. V202501."),
    measure: str = typer.Option(None, "--measure", help="aiddata: amount or adjusted."),
    actors: str = typer.Option(None, "--actors", help="gdelt: comma-separated actors (CHN,bri,RUS,USA,eu)."),
    keywords: str = typer.Option(None, "--keywords", help="gdelt: a free GDELT query instead of --actors."),
    sha256: str = typer.Option(None, "--sha256", help="Expected sha256 of the file read (bulk zips)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars on stderr."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Fetch SOURCE into the store in one transaction (nothing is stored if anything fails)."""
    from steppe.sources import fetch as fetch_source
    from steppe.store import open_store

    options = {
        "dataset": dataset,
        "years": years,
        "countries": countries,
        "indicators": indicators,
        "products": products,
        "version": version,
        "measure": measure,
        "actors": actors,
        "keywords": keywords,
    }
    options = {k: v for k, v in options.items() if v is not None}
    with open_store() as store, _progress(progress and fmt is OutputFormat.table) as update:
        result = fetch_source(
            source, store=store, mirror=mirror, base_url=base_url, progress=update, sha256=sha256, **options
        )
    row = {
        "dataset_id": result.dataset_id,
        "source": result.source,
        "edition": result.edition,
        "rows": result.rows,
        "loaded": result.loaded,
        "location": result.location,
    }
    if fmt is OutputFormat.table:
        what = "loaded" if result.loaded else "already stored, nothing added"
        err_console.print(f"{result.dataset_id}: {result.rows:,} rows {what}.")
    emit([row], fmt, list(row), title="fetched")
