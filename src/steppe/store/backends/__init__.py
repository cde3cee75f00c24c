"""Database backends behind :class:`steppe.store.Store`: the one place that knows a database's dialect.

A backend turns the store's backend-neutral calls (``query``, ``execute``, ``executemany``,
``insert_frame``, transactions) into its driver's, and says how the few constructs that differ
between databases are spelled (:class:`Dialect`: a list parameter, a list aggregate, a prefix
test). Store modules write SQL that both backends read (standard SQL plus ``?`` or ``$name``
parameters) and take the rest from ``store.dialect``; SQL that only one database has (DuckDB
macros, ``read_csv``, frame registration, ``rowid``, ``hash``) lives in that backend's module.

- :mod:`steppe.store.backends.duckdb`: the embedded default (a file path or ``:memory:``).
- ``steppe.store.backends.postgresql`` (the team option, issue 16): a URL
  ``postgresql://...``; a module with a ``PostgreSQLBackend`` class of the same shape plugs in
  through :func:`connect` without any other change to the store.

Migrations (``store/migrations/NNN_name.sql``) are shared by every backend; where a step
cannot be written portably, ``NNN_name.<dialect>.sql`` (e.g. ``061_kb_v2.postgresql.sql``)
replaces the shared file for that dialect. ``migrations/README.md`` lists which steps are
dialect-specific and why.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from steppe.config import is_server_url
from steppe.errors import StoreError

if TYPE_CHECKING:  # pandas loads only when a frame is asked for
    import pandas as pd

#: SQL parameters: a sequence for ``?`` placeholders or a mapping for ``$name`` ones.
Params = Sequence[Any] | dict[str, Any] | None

#: URL schemes of server backends, with the module that implements each.
SERVER_SCHEMES: dict[str, str] = {
    "postgresql": "steppe.store.backends.postgresql",
    "postgres": "steppe.store.backends.postgresql",
}


class Dialect(Protocol):
    """How SQL differs between backends: the fragments store modules ask for by name."""

    name: str

    def in_list(self, column: str, param: str = "?") -> str:
        """Condition: ``column`` is one of the values of list parameter ``param``."""
        ...

    def list_has(self, list_column: str, param: str = "?") -> str:
        """Condition: the list (array) column ``list_column`` contains the value ``param``."""
        ...

    def list_agg(self, expr: str, *, distinct: bool = False, order: bool = True) -> str:
        """Aggregate: the values of ``expr`` in a group as a list (sorted when ``order``)."""
        ...

    def list_len(self, list_column: str) -> str:
        """The number of elements of a list column (0 for an empty list)."""
        ...

    def unnest(self, param: str) -> str:
        """A set-returning expression over the elements of list parameter ``param``."""
        ...

    def starts_with(self, column: str, param: str = "?") -> str:
        """Condition: ``column`` starts with the text ``param``."""
        ...

    def year_of(self, column: str) -> str:
        """The calendar year of a date or timestamp column, as an integer."""
        ...


class Cursor(Protocol):
    """What :meth:`Backend.execute` returns: the DB-API subset the store uses."""

    description: Any

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Backend(Protocol):
    """One open database connection, spoken to in the store's backend-neutral terms."""

    dialect: Dialect
    #: The driver's base exception class (a failed statement or migration).
    error: type[Exception]
    #: What the store is (a file path or a URL without password), for messages.
    target: str

    def execute(self, sql: str, params: Params = None) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def query(self, sql: str, params: Params = None) -> pd.DataFrame: ...

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def table_exists(self, table: str) -> bool: ...

    def is_unique_violation(self, exc: BaseException) -> bool:
        """Whether ``exc`` is this driver's "a row with this key already exists" (a primary key or
        unique constraint), raised by the statement or, on some databases, by the commit."""
        ...

    def close(self) -> None: ...

    @contextmanager
    def frame_as_table(self, name: str, frame: pd.DataFrame) -> Iterator[str]:
        """``frame`` readable as table ``name`` inside the block (a view, or a temporary table)."""
        ...


def connect(target: str | Path, *, read_only: bool = False) -> Backend:
    """Open the backend for ``target``: a server URL picks its backend, anything else is a DuckDB file."""
    text = str(target)
    if is_server_url(text):
        import importlib

        scheme = text.split("://", 1)[0].lower()
        try:
            module = importlib.import_module(SERVER_SCHEMES[scheme])
        except ModuleNotFoundError:
            raise StoreError(
                f"This steppe has no {scheme} backend yet; use a DuckDB file for db (or STEPPE_DB).",
                params=("db",),
            ) from None
        backend: Backend = module.connect(text, read_only=read_only)
        return backend
    from steppe.store.backends.duckdb import DuckDBBackend

    return DuckDBBackend(text, read_only=read_only)


__all__ = ["SERVER_SCHEMES", "Backend", "Cursor", "Dialect", "Params", "connect", "is_server_url"]
