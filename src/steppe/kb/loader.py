"""Reading the KB data files into typed rows, and the validated knowledge base.

A table lives either in one file (``memberships.csv``) or in a folder of files
(``memberships/*.csv``), so that large tables can be split for review. Empty cells are
missing values; list cells separate items with ``;``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from steppe.errors import NotFoundError, ValidationError
from steppe.kb.asof import parse_partial
from steppe.kb.records import Problem, Row
from steppe.kb.schema import TABLES, Table

if TYPE_CHECKING:  # pandas loads only when a frame is asked for
    import pandas as pd


def table_files(kb_dir: Path, table: Table) -> list[Path]:
    """The files that hold ``table`` in ``kb_dir``: one CSV or a folder of CSVs."""
    single = kb_dir / f"{table.name}.csv"
    folder = kb_dir / table.name
    files = [single] if single.is_file() else []
    if folder.is_dir():
        files += sorted(folder.glob("*.csv"))
    return files


#: Fingerprints already computed, keyed by each file's path, size and modification time, so that
#: the many queries of one report do not re-read and re-hash the KB files.
_FINGERPRINTS: dict[tuple, str] = {}


def fingerprint(kb_dir: Path) -> str:
    """A hash of every KB file's name and bytes: changes whenever the data changes."""
    files = [path for table in TABLES for path in table_files(kb_dir, table)]
    signature = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    cached = _FINGERPRINTS.get(signature)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(kb_dir)).encode())
        digest.update(path.read_bytes())
    _FINGERPRINTS[signature] = digest.hexdigest()
    return _FINGERPRINTS[signature]


def _parse_value(raw: str, kind: str) -> object:
    text = raw.strip()
    if text == "":
        return [] if kind == "list" else None
    if kind == "list":
        return [item.strip() for item in text.split(";") if item.strip()]
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(f"'{text}' is not an ISO date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a valid calendar date") from None
    if kind == "partial_date":
        return parse_partial(text)
    return text


def read_table(kb_dir: Path, table: Table) -> tuple[list[Row], list[Problem]]:
    """Parse every file of one table; problems name file, line and field."""
    rows: list[Row] = []
    problems: list[Problem] = []
    types = {f.name: f.type for f in table.fields}
    for path in table_files(kb_dir, table):
        name = str(path.relative_to(kb_dir))
        try:
            text = path.read_text(encoding="utf-8-sig")  # a BOM (Excel saves one) is not part of the header
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, None, None, f"is not UTF-8 text ({exc.reason})"))
            continue
        reader = csv.reader(text.splitlines(keepends=True))
        header = next(reader, None)
        if header is None:
            problems.append(Problem(name, 1, None, "is empty; it needs a header line"))
            continue
        header = [h.strip() for h in header]
        unknown = [h for h in header if h not in table.field_names]
        missing = [f.name for f in table.fields if f.required and f.name not in header]
        if unknown or missing:
            parts = []
            if unknown:
                parts.append(f"unknown column(s) {', '.join(unknown)}")
            if missing:
                parts.append(f"missing required column(s) {', '.join(missing)}")
            expected = ",".join(table.field_names)
            problems.append(Problem(name, 1, None, f"header has {' and '.join(parts)}; expected {expected}"))
            continue
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(name, line, None, f"has {len(cells)} cells, the header has {len(header)}")
                )
                continue
            values: dict[str, object] = {}
            bad = False
            for column, raw in zip(header, cells, strict=True):
                try:
                    values[column] = _parse_value(raw, types[column])
                except ValueError as exc:
                    problems.append(Problem(name, line, column, str(exc)))
                    bad = True
            if not bad:
                for f in table.fields:
                    values.setdefault(f.name, [] if f.type == "list" else None)
                rows.append(Row(table.name, name, line, values))
    return rows, problems


@dataclass
class KnowledgeBase:
    """A validated KB: its rows per table, where it was read from, and its fingerprint."""

    kb_dir: Path
    tables: dict[str, list[Row]]
    fingerprint: str

    def frame(self, table: str) -> pd.DataFrame:
        """One table as a frame, columns in schema order."""
        schema = next(t for t in TABLES if t.name == table)
        records = [row.values for row in self.tables[table]]
        import pandas as pd

        return pd.DataFrame.from_records(records, columns=list(schema.field_names))

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def read_kb(kb_dir: Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    """Parse every table of a KB folder without cross-table checks."""
    if not kb_dir.is_dir():
        problem = "is not a folder" if kb_dir.exists() else "does not exist"
        raise NotFoundError(
            f"KB folder {kb_dir} {problem}; give a folder that holds sources.csv, "
            "countries.csv, organisations.csv, memberships.csv and events.csv."
        )
    tables: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for table in TABLES:
        files = table_files(kb_dir, table)
        if not files and not table.optional:
            problems.append(Problem(f"{table.name}.csv", None, None, "is missing from the KB folder"))
        rows, found = read_table(kb_dir, table)
        tables[table.name] = rows
        problems += found
    return tables, problems


def load_kb(kb_dir: Path | str | None = None) -> KnowledgeBase:
    """Read and validate a KB folder (the bundled one by default); raise on any problem."""
    from steppe.config import settings
    from steppe.kb.validate import check

    path = Path(kb_dir) if kb_dir is not None else settings().kb_dir
    tables, problems = read_kb(path)
    problems += check(tables)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(
            f"The KB in {path} is invalid: {first}{more}; run 'steppe kb validate {path}' "
            "to list every problem.",
            problems,
        )
    return KnowledgeBase(path, tables, fingerprint(path))


def parse_cells(
    table: Table, cells: dict[str, str], file: str, line: int = 1
) -> tuple[Row | None, list[Problem]]:
    """One row of ``table`` from cell texts as a KB file holds them (a proposal, a form).

    Unknown field names and unparseable cells are problems named by ``file`` and field; a
    missing cell is an empty one. Cross-table checks are :func:`steppe.kb.validate.check`'s.
    """
    types = {f.name: f.type for f in table.fields}
    problems = [
        Problem(file, line, name, f"is not a field of {table.name}; use {', '.join(table.field_names)}")
        for name in cells
        if name not in types
    ]
    values: dict[str, object] = {}
    for f in table.fields:
        try:
            values[f.name] = _parse_value(cells.get(f.name) or "", f.type)
        except ValueError as exc:
            problems.append(Problem(file, line, f.name, str(exc)))
    if problems:
        return None, problems
    return Row(table.name, file, line, values), []
