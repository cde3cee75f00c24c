"""The one WHERE-clause builder of the store: optional filters in, SQL and parameters out.

Every reader builds its conditions here, so that a filter left as None is left out, list
filters are spelled the way the backend wants (:meth:`Dialect.in_list`) and parameters are
positional (``?``) in the order of the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from steppe.store.backends import Dialect


class Where:
    """A WHERE clause built from optional filters, with its positional parameters."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, sql: str, *args: Any) -> Where:
        """A condition written by hand, with its ``?`` parameters in order."""
        self.parts.append(sql)
        self.args.extend(args)
        return self

    def equals(self, column: str, value: Any) -> Where:
        """``column = value``; nothing when ``value`` is None."""
        if value is not None:
            self.add(f"{column} = ?", value)
        return self

    def any_of(self, column: str, values: Iterable[Any] | None) -> Where:
        """``column`` is one of ``values``; nothing when ``values`` is None."""
        if values is not None:
            self.add(self.dialect.in_list(column), list(values))
        return self

    def either_in(self, columns: Sequence[str], values: Iterable[Any] | None) -> Where:
        """At least one of ``columns`` is one of ``values`` (a flow's exporter OR importer)."""
        if values is not None:
            found = list(values)
            self.add(
                "(" + " OR ".join(self.dialect.in_list(c) for c in columns) + ")", *([found] * len(columns))
            )
        return self

    def between(self, column: str, span: tuple[int, int] | None) -> Where:
        """``column BETWEEN first AND last``; nothing when ``span`` is None."""
        if span is not None:
            self.add(f"{column} BETWEEN ? AND ?", span[0], span[1])
        return self

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "TRUE"


__all__ = ["Where"]
