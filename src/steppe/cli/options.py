"""Typer options that every command group shares (``--format``).

They live apart from :mod:`steppe.cli.output`, which prints and must not import Typer: the lean
path of the hot lookups (:mod:`steppe.cli.lean`) prints through it without building Typer.
"""

from __future__ import annotations

import typer

from steppe.cli.output import OutputFormat, start_xlsx


def _format_chosen(value: OutputFormat | str | None) -> OutputFormat | str | None:
    """Typer callback of ``--format``: xlsx collects every printed table into one workbook."""
    if value is not None and str(value) == OutputFormat.xlsx.value:
        start_xlsx()
    return value


FORMAT_OPTION = typer.Option(
    OutputFormat.table,
    "--format",
    "-f",
    help="Output format: table for people; json, csv or xlsx (a workbook on stdout: > file.xlsx) "
    "for programs.",
    callback=_format_chosen,
)
