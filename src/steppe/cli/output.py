"""Printing rows as a table for people, or as JSON or CSV for programs.

JSON output is a stable contract (see the README); tables may change for readability.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(
    OutputFormat.table,
    "--format",
    "-f",
    help="Output format: table for people, json or csv for programs.",
)

console = Console()
err_console = Console(stderr=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _cell(value: Any, precise: bool = False) -> str:
    """A value as text: floats to 6 significant digits for tables, in full (``precise``) for CSV."""
    if value is None:
        return ""
    if precise and isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def emit_json(data: Any) -> None:
    """Print any JSON-able value (dates become ISO strings)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n")


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: OutputFormat,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    empty: str = "No rows.",
) -> None:
    """Print ``rows`` in ``fmt``; ``columns`` picks and orders fields for table and CSV."""
    if fmt is OutputFormat.json:
        emit_json(list(rows))
        return
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_cell(row.get(c), precise=True) for c in cols])
        sys.stdout.write(buffer.getvalue())
        return
    if not rows:
        console.print(empty)
        return
    table = Table(title=title, show_lines=False)
    for c in cols:
        table.add_column(c)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in cols))
    console.print(table)
