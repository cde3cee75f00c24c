"""Printing rows as a table for people, or as JSON or CSV for programs.

JSON output is a stable contract (see the README); tables may change for readability.

Everything printed comes from the store or from files, so nothing is interpreted: the consoles
do not read Rich markup or emoji codes (a document holding ``[/b]`` prints as ``[/b]``), table
cells show control characters (ESC, which starts terminal links and colours, NUL, bidi
overrides) as visible escapes, and CSV cells a spreadsheet would run as a formula are
neutralised (:mod:`steppe.csvsafe`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from steppe.csvsafe import neutralise


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

#: C0/C1 control characters (but newline and tab), DEL, and the bidi controls that reorder text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``) instead of obeyed."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class LiteralConsole(Console):
    """A Rich console for text that comes from the store or from files: markup and emoji codes
    are off by default, and every string it renders (a print, a table cell or title, from any
    command module) shows control characters as escapes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)


console = LiteralConsole()
err_console = LiteralConsole(stderr=True)


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
    if not rows and fmt is OutputFormat.table:
        console.print(printable(empty))
        return
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([neutralise(c) for c in cols])
        for row in rows:
            writer.writerow([neutralise(_cell(row.get(c), precise=True)) for c in cols])
        sys.stdout.write(buffer.getvalue())
        return
    table = Table(title=Text(printable(title)) if title else None, show_lines=False)
    for c in cols:
        table.add_column(Text(printable(str(c))))
    for row in rows:
        table.add_row(*(Text(printable(_cell(row.get(c)))) for c in cols))
    console.print(table)


def records(frame: Any) -> list[dict[str, Any]]:
    """A frame's rows as JSON-able dicts: the CLI's one frame-to-records converter (missing values
    become None, numpy scalars Python scalars, arrays lists; list cells are kept)."""
    import numpy as np

    clean = frame.astype(object).where(frame.notna(), None)
    rows = clean.to_dict(orient="records")
    for row in rows:
        for k, v in row.items():
            if isinstance(v, np.generic):
                row[k] = v.item()
            elif isinstance(v, np.ndarray):
                row[k] = v.tolist()
    return rows
