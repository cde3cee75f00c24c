"""Printing rows as a table for people, or as JSON, CSV or a spreadsheet for programs.

JSON output is a stable contract (see the README); tables may change for readability.

Tables are for people: numbers get thousands separators and a sensible number of decimals
(``20,630,400,000``, ``12.35``, ``0.0123``, never ``2.06304e+10``), years stay ``2020``, numbers
are right-aligned; a table wider than the terminal wraps its text columns and, if it still
cannot fit, leaves out its least important columns (sources, locations, hashes first) and says
which on stderr; identifier columns (dataset ids, ISO3 codes, slugs) are never cut or dropped.
CSV, JSON and xlsx keep every column at full precision.

``--format xlsx`` writes an Excel workbook (openpyxl) to stdout, to redirect into a file: every
table the command prints becomes a sheet, with numbers as numbers.

Everything printed comes from the store or from files, so nothing is interpreted: the consoles
do not read Rich markup or emoji codes (a document holding ``[/b]`` prints as ``[/b]``), table
cells show control characters (ESC, which starts terminal links and colours, NUL, bidi
overrides) as visible escapes, and CSV cells a spreadsheet would run as a formula are
neutralised (:mod:`steppe.csvsafe`). Rich is imported only when something is printed through
a console, so a command that prints JSON starts faster.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from steppe.csvsafe import neutralise


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


#: C0/C1 control characters (but newline and tab), DEL, and the bidi controls that reorder text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``) instead of obeyed."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _literal_console(**kwargs: Any) -> Any:
    """A Rich console for text that comes from the store or from files (see the module doc)."""
    from rich.console import Console
    from rich.text import Text

    class LiteralConsole(Console):
        def __init__(self, **kw: Any) -> None:
            kw.setdefault("markup", False)
            kw.setdefault("emoji", False)
            kw.setdefault("highlight", False)
            super().__init__(**kw)

        def render_str(self, text: str, **kw: Any) -> Text:
            return super().render_str(printable(text), **kw)

        def print(self, *objects: Any, **kw: Any) -> None:
            if _SHEETS is not None and not self.stderr:
                # xlsx: tables go to the workbook, any other text to stderr (stdout is binary)
                from rich.table import Table

                rest = []
                for obj in objects:
                    if isinstance(obj, Table):
                        _sheet_from_table(obj)
                    else:
                        rest.append(obj)
                if rest:
                    err_console.print(*rest, **kw)
                return
            super().print(*objects, **kw)

    return LiteralConsole(**kwargs)


class _LazyConsole:
    """A console created on first use, so that importing this module does not import Rich."""

    def __init__(self, **kwargs: Any) -> None:
        object.__setattr__(self, "_kwargs", kwargs)
        object.__setattr__(self, "_console", None)

    def _real(self) -> Any:
        if self._console is None:
            object.__setattr__(self, "_console", _literal_console(**self._kwargs))
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __enter__(self) -> Any:
        return self._real().__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._real().__exit__(*exc)

    @property
    def real(self) -> Any:
        """The Rich console itself (for Rich objects that take one: progress bars, live views)."""
        return self._real()

    def __setattr__(self, name: str, value: Any) -> None:  # e.g. ``console.size = (400, 50)``
        setattr(self._real(), name, value)

    def __delattr__(self, name: str) -> None:
        real = self._real()
        try:
            delattr(real, name)
        except AttributeError:
            if name != "size":
                raise
            real._width = real._height = None  # back to the terminal's size


console: Any = _LazyConsole()
err_console: Any = _LazyConsole(stderr=True)


def warn(text: str) -> None:
    """One line on stderr (warnings, notes), without loading Rich."""
    sys.stderr.write(printable(text) + "\n")
    sys.stderr.flush()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


# -- numbers for people ---------------------------------------------------------------------------
def _is_year_column(column: str) -> bool:
    c = column.lower()
    return c == "year" or c.endswith("_year") or c.startswith("year_") or c in ("first", "last", "from", "to")


def human_number(value: float | int, column: str = "") -> str:
    """A number for a table: thousands separators, sensible decimals, no exponent; years as is."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        if _is_year_column(column) or abs(value) < 10_000:
            return str(value)
        return f"{value:,}"
    f = float(value)
    if math.isnan(f) or math.isinf(f):
        return "" if math.isnan(f) else str(f)
    if f == int(f) and (_is_year_column(column) or (abs(f) < 10_000 and float(f).is_integer())):
        return str(int(f))
    a = abs(f)
    if a >= 100_000:
        return f"{f:,.0f}"
    if a >= 100:
        return f"{f:,.1f}"
    if a >= 1:
        return f"{f:.2f}"
    if a == 0:
        return "0"
    decimals = min(12, 2 - math.floor(math.log10(a)))  # three significant digits, never 1e-05
    return f"{f:.{decimals}f}"


def _cell(value: Any, precise: bool = False, column: str = "") -> str:
    """A value as text: for people in tables, in full (``precise``) for CSV."""
    if value is None:
        return ""
    if precise and isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value) if precise else human_number(value, column)
    return str(value)


# -- fitting a table to the terminal ----------------------------------------------------------------
#: Columns that name things: never cut, never left out.
ID_COLUMNS = frozenset(
    {"id", "dataset_id", "country", "org", "slug", "iso3", "code", "partner", "reporter", "exporter",
     "importer", "region", "unit", "source", "dataset", "edition", "subject", "doc", "document",
     "term", "name", "role", "year", "ioname", "spec", "framework", "actor", "power"}
)  # fmt: skip
#: Columns left out first when a table is too wide (long text a reader can get from csv/json).
DROP_FIRST = ("content_hash", "params", "sources", "location", "url", "note", "notes", "why", "tables",
              "retrieved_at", "loaded_at", "claim_sources", "adopted_sources", "reason", "aliases",
              "attributes", "evidence", "cites", "passages")  # fmt: skip
#: Narrowest a wrapped text column may get before columns are left out.
MIN_TEXT = 10
#: Narrowest a long-text column (:data:`DROP_FIRST`: locations, sources, notes) may get: wrapped
#: narrower, a path or a sentence takes a line per word, so it is left out (and named) instead.
MIN_LONG_TEXT = 30


def is_id_column(column: str) -> bool:
    c = column.lower()
    return c in ID_COLUMNS or c.endswith("_id") or c.endswith("_code")


def fit_columns(
    cols: list[str], cells: list[list[str]], width: int, whole: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """The columns to show in ``width`` characters, and those left out (never an id column).

    Id columns and the columns in ``whole`` (numbers) keep their full width; text columns may
    wrap down to :data:`MIN_TEXT` characters, long text (:data:`DROP_FIRST`) down to
    :data:`MIN_LONG_TEXT`. Left out first: empty columns, long text
    (:data:`DROP_FIRST`), columns with one value in every row, then from the right."""

    def need(shown: list[str]) -> int:
        total = 1
        for c in shown:
            i = cols.index(c)
            longest = max([len(c), *(len(row[i]) for row in cells)]) if cells else len(c)
            narrowest = MIN_LONG_TEXT if c in DROP_FIRST else MIN_TEXT
            total += (longest if is_id_column(c) or c in whole else min(longest, narrowest)) + 3
        return total

    shown = list(cols)
    dropped: list[str] = []
    values = {c: {row[i] for row in cells} for i, c in enumerate(cols)}
    empty = [c for c in cols if values[c] <= {""}]  # nothing to read
    constant = [c for c in cols if len(values[c]) == 1 and c not in empty and len(cells) > 1]
    order = list(
        dict.fromkeys(
            [
                *empty,
                *(c for c in DROP_FIRST if c in shown),
                *constant,  # the same in every row (a unit, a view): said once by csv/json
                *reversed(cols),
            ]
        )
    )
    order = [c for c in order if not is_id_column(c)]
    for c in order:
        if need(shown) <= width or len(shown) <= 2:
            break
        shown.remove(c)
        dropped.append(c)
    return shown, dropped


# -- emitting -----------------------------------------------------------------------------------
def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float as None: what JSON calls missing (JSON has no
    NaN, and a reader such as ``jq`` or JavaScript's ``JSON.parse`` rejects it)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def emit_json(data: Any) -> None:
    """Print any JSON-able value as strict JSON (dates become ISO strings, NaN and infinities
    null); with xlsx, a sheet of it."""
    if _SHEETS is not None:
        _sheet_from_json(data)
        return
    text = json.dumps(_finite(data), indent=2, ensure_ascii=False, default=_jsonable, allow_nan=False)
    sys.stdout.write(text + "\n")


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: OutputFormat,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    empty: str = "No rows.",
) -> None:
    """Print ``rows`` in ``fmt``; ``columns`` picks and orders fields for table, CSV and xlsx."""
    if fmt is OutputFormat.json:
        emit_json(list(rows))
        return
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    if fmt is OutputFormat.xlsx or _SHEETS is not None:
        start_xlsx()
        add_sheet(title or "rows", cols, [[row.get(c) for c in cols] for row in rows])
        return
    if not rows and fmt is OutputFormat.table:
        console.print(printable(empty))
        return
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([neutralise(c) for c in cols])
        for row in rows:
            writer.writerow([neutralise(_cell(row.get(c), precise=True)) for c in cols])
        sys.stdout.write(buffer.getvalue())
        return
    from rich.table import Table
    from rich.text import Text

    cells = [[printable(_cell(row.get(c), column=str(c))) for c in cols] for row in rows]

    def is_number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    present = {c: [r.get(c) for r in rows if r.get(c) is not None] for c in cols}
    numeric = {c: bool(present[c]) and all(is_number(v) for v in present[c]) for c in cols}
    whole = frozenset(str(c) for c in cols if numeric[c])
    shown, dropped = fit_columns([str(c) for c in cols], cells, console.width, whole)
    table = Table(title=Text(printable(title)) if title else None, show_lines=False)
    for c in shown:
        ident = is_id_column(str(c)) or numeric[c]  # names and numbers are never broken
        longest = max([len(str(c)), *(len(row[cols.index(c)]) for row in cells)])
        table.add_column(
            Text(printable(str(c))),
            justify="right" if numeric[c] else "left",
            overflow="fold",  # wrap, never an ellipsis: nothing is hidden
            no_wrap=ident,
            min_width=longest if ident else None,
        )
    for line in cells:
        table.add_row(*(Text(line[cols.index(c)]) for c in shown))
    console.print(table, crop=False)  # ids wider than the terminal wrap on screen, never cut
    if dropped:
        warn(
            f"Left out to fit the terminal ({console.width} columns): {', '.join(dropped)}; "
            "--format csv, json or xlsx has every column (or widen the terminal, e.g. COLUMNS=200)."
        )


# -- xlsx ----------------------------------------------------------------------------------------
#: The sheets of the workbook being collected (None: not writing xlsx).
_SHEETS: list[tuple[str, list[str], list[list[Any]]]] | None = None


def start_xlsx() -> None:
    """From now on, tables and rows go to one workbook that :func:`finish_xlsx` writes."""
    global _SHEETS
    if _SHEETS is None:
        _SHEETS = []


def add_sheet(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    start_xlsx()
    assert _SHEETS is not None
    _SHEETS.append((title, [str(c) for c in columns], rows))


_NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")


def _typed(text: Any) -> Any:
    """A printed table cell back as a number where it is one (``"1,234"`` -> 1234)."""
    if isinstance(text, str) and _NUMBER.fullmatch(text.strip()):
        plain = text.strip().replace(",", "")
        return float(plain) if "." in plain else int(plain)
    return text


def _sheet_from_table(table: Any) -> None:
    columns = [str(getattr(c.header, "plain", c.header)) for c in table.columns]
    cells = [[_typed(getattr(v, "plain", v)) for v in c._cells] for c in table.columns]
    rows = [list(r) for r in zip(*cells, strict=True)] if cells else []
    title = getattr(table.title, "plain", table.title) or "table"
    add_sheet(str(title), columns, rows)


def _sheet_from_json(data: Any) -> None:
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        cols = list(dict.fromkeys(k for r in data for k in r))
        add_sheet("rows", cols, [[r.get(c) for c in cols] for r in data])
    elif isinstance(data, dict):
        scalars = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
        add_sheet("summary", ["field", "value"], [[k, v] for k, v in scalars.items()])
        for k, v in data.items():
            if isinstance(v, list) and v and all(isinstance(r, dict) for r in v):
                cols = list(dict.fromkeys(c for r in v for c in r))
                add_sheet(k, cols, [[r.get(c) for c in cols] for r in v])
            elif isinstance(v, (dict, list)):
                add_sheet(k, ["value"], [[json.dumps(v, ensure_ascii=False, default=_jsonable)]])
    else:
        add_sheet("value", ["value"], [[data]])


def _xlsx_value(value: Any) -> Any:
    """A cell for openpyxl: numbers and text as they are, lists joined, formulas neutralised."""
    if value is None or isinstance(value, (bool, int, float, datetime, date)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        return value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=_jsonable)
    text = _CONTROLS.sub("", str(value))
    return neutralise(text)


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "sheet"
    name, n = base, 2
    while name in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def workbook_bytes(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An .xlsx file of ``sheets`` (title, header, rows): bold header, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])  # the empty sheet a new workbook starts with
    taken: set[str] = set()
    for title, columns, rows in sheets or [("rows", [], [])]:
        sheet = book.create_sheet(_sheet_title(title, taken))
        sheet.append([_xlsx_value(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def finish_xlsx() -> None:
    """Write the collected workbook to stdout (binary); refuse a terminal in one sentence."""
    global _SHEETS
    sheets, _SHEETS = _SHEETS, None
    if sheets is None:
        return
    from steppe.errors import UsageError

    if sys.stdout.isatty():
        raise UsageError(
            "--format xlsx writes a workbook to stdout: redirect it into a file, e.g. "
            "'steppe kb members sco --format xlsx > members.xlsx'."
        )
    data = workbook_bytes(sheets)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stdout (a test runner's capture): latin-1 keeps every byte
        sys.stdout.write(data.decode("latin-1"))


def discard_xlsx() -> None:
    """Forget a workbook being collected (the command failed)."""
    global _SHEETS
    _SHEETS = None
