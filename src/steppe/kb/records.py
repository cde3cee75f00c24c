"""Typed KB records and the as-of rule shared by every query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def active_on(start: date, end: date | None, on: date) -> bool:
    """The project's as-of rule: the start day counts, the end day does not."""
    return start <= on and (end is None or end > on)


def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Whether two half-open periods [start, end) share at least one day."""
    a_stop = a_end or date.max
    b_stop = b_end or date.max
    return a_start < b_stop and b_start < a_stop


@dataclass(frozen=True)
class Row:
    """One parsed line of a KB file: typed values plus where it came from."""

    table: str
    file: str
    line: int
    values: dict[str, Any] = field(hash=False)

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class Problem:
    """One validation finding, located by file, line and field."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}
