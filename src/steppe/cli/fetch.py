"""`steppe fetch SOURCE`: fetch one source into the store, from the network or a mirror folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, emit, err_console, printable


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A rich progress display on stderr; the callback takes (what, done, total)."""
    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[amount]}"),
        TimeRemainingColumn(),
        console=err_console.real,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

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
    allow: list[str] = typer.Option(
        None,
        "--allow",
        help="Waive a validation rule for this fetch (repeatable; recorded with the data). "
        "Rules: docs/validation.md.",
    ),
    edition: str = typer.Option(
        None, "--edition", help="Store as a new edition with this name (e.g. 2025-07-fixed)."
    ),
    new_edition: bool = typer.Option(
        False,
        "--new-edition",
        help="The source changed under the same edition name: store it beside the old one.",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars on stderr."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Fetch SOURCE into the store in one transaction (nothing is stored if anything fails).

    Every table is validated first (docs/validation.md): a broken file is refused in one
    sentence naming file, line and rule, and the store is unchanged. The store is opened only
    for the load itself, after download and validation.
    """
    from steppe.cli.session import session

    options: dict[str, Any] = {
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
    with _progress(progress and fmt is OutputFormat.table) as update:
        result = session().fetch(
            source,
            mirror=mirror,
            base_url=base_url,
            progress=update,
            sha256=sha256,
            allow=allow or (),
            edition=edition,
            new_edition=new_edition,
            **options,
        )
    row = {
        "dataset_id": result.dataset_id,
        "source": result.source,
        "edition": result.edition,
        "rows": result.rows,
        "loaded": result.loaded,
        "location": result.location,
        "replaced_starter": result.replaced_starter,
    }
    for old in result.replaced_starter:
        err_console.print(printable(f"Replaced the starter snapshot's {old} with this fetch."))
    if fmt is OutputFormat.table:
        what = "loaded" if result.loaded else "already stored, nothing added"
        err_console.print(printable(f"{result.dataset_id}: {result.rows:,} rows {what}."))
        for table, n in result.validation.get("exact_duplicates_dropped", {}).items():
            err_console.print(
                f"  {n:,} exact duplicate row(s) of {table} dropped (counted in the provenance)."
            )
        for rule, n in result.validation.get("rules_waived", {}).items():
            err_console.print(f"  rule {rule} waived: {n:,} row(s) break it (recorded in the provenance).")
    emit([row], fmt, list(row), title="fetched")
