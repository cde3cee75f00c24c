"""The embedded DuckDB backend (the default store): connection, dialect and DuckDB-only SQL.

Everything here is DuckDB's own: opening a file and reading its lock errors, frames registered
as views (``insert_frame``, :meth:`DuckDBBackend.frame_as_table`), list functions
(``list_contains``, ``list(...)``), and the bulk paths that use ``read_csv``, ``hash`` and
``rowid`` (:func:`insert_csv_select`, :func:`bulk_duplicates`). A second backend provides the
same names in its own module (see :mod:`steppe.store.backends`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from steppe.errors import StoreBusyError, StoreError
from steppe.store.backends import Dialect

if TYPE_CHECKING:  # pandas loads only when a frame is asked for
    import pandas as pd

#: DuckDB's lock message names the process holding the file.
LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?\(PID \d+\))")

#: The exception every DuckDB failure derives from (callers catch it through the store).
Error = duckdb.Error


class DuckDBDialect:
    """DuckDB spellings of the constructs that differ between backends."""

    name = "duckdb"

    def in_list(self, column: str, param: str = "?") -> str:
        return f"list_contains({param}, {column})"

    def list_has(self, list_column: str, param: str = "?") -> str:
        return f"list_contains({list_column}, {param})"

    def list_agg(self, expr: str, *, distinct: bool = False, order: bool = True) -> str:
        inner = ("DISTINCT " if distinct else "") + expr + (f" ORDER BY {expr}" if order else "")
        return f"list({inner})"

    def list_len(self, list_column: str) -> str:
        return f"coalesce(len({list_column}), 0)"

    def unnest(self, param: str) -> str:
        return f"unnest({param})"

    def starts_with(self, column: str, param: str = "?") -> str:
        return f"starts_with({column}, {param})"

    def year_of(self, column: str) -> str:
        return f"CAST(extract(year FROM {column}) AS INTEGER)"


DIALECT = DuckDBDialect()


class DuckDBBackend:
    """One DuckDB connection to a file (or ``:memory:``)."""

    dialect: Dialect = DIALECT
    #: The exception class of every database failure.
    error: type[Exception] = duckdb.Error

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.target = path
        if path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder for the store {path} ({exc.strerror}); "
                    "check the path or set STEPPE_DB."
                ) from None
        try:
            self.con = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                holder = LOCK_HOLDER.search(str(exc))
                who = f" ({holder.group(1)})" if holder else ""
                raise StoreBusyError(
                    f"The store {path} is in use by another process{who}; wait for it to "
                    "finish or point STEPPE_DB at another file."
                ) from None
            raise StoreError(_cannot_open(path, exc)) from None
        except duckdb.Error as exc:
            raise StoreError(_cannot_open(path, exc)) from None

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.con.executemany(sql, [list(r) for r in rows])

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        return self.execute(sql, params).df()

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append a frame to a table by column name (DuckDB reads the frame in place)."""
        if frame.empty:
            return 0
        with self.frame_as_table(f"_steppe_insert_{table}", frame) as view:
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            self.con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{view}"')
        return len(frame)

    @contextmanager
    def frame_as_table(self, name: str, frame: pd.DataFrame) -> Iterator[str]:
        """``frame`` readable as ``name`` inside the block (a registered view, no copy)."""
        self.con.register(name, frame)
        try:
            yield name
        finally:
            with contextlib.suppress(duckdb.Error):  # after a failed statement the rollback drops it
                self.con.unregister(name)

    # -- transactions and catalogue --------------------------------------------------------
    def begin(self) -> None:
        self.con.begin()

    def commit(self) -> None:
        self.con.commit()

    def rollback(self) -> None:
        self.con.rollback()

    def table_exists(self, table: str) -> bool:
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()
        return bool(found and found[0])

    def is_unique_violation(self, exc: BaseException) -> bool:
        """A duplicate key: a ``ConstraintException`` at the INSERT when the other row is committed,
        or a ``TransactionException`` at COMMIT when two open transactions inserted the same key
        (DuckDB checks keys against other transactions' rows only when it commits)."""
        return isinstance(exc, duckdb.ConstraintException | duckdb.TransactionException) and (
            "duplicate key" in str(exc).lower()
        )

    def close(self) -> None:
        self.con.close()


def _cannot_open(path: str, exc: Exception) -> str:
    return f"Cannot open the store {path} ({exc}); check the path or set STEPPE_DB."


def connect(target: str, *, read_only: bool = False) -> DuckDBBackend:
    return DuckDBBackend(target, read_only=read_only)


# -- DuckDB-only bulk SQL --------------------------------------------------------------------


def hashed_duplicates_sql(table: str, keys: str, scope: str) -> str:
    """Keys of ``table`` rows in ``scope`` that repeat, grouped by one 64-bit ``hash`` (cheap)."""
    return f"SELECT hash({keys}) AS h FROM {table} WHERE {scope} GROUP BY h HAVING count(*) > 1 LIMIT 1000"


def duplicate_groups_sql(table: str, keys: str, every: str, scope: str) -> str:
    """The repeated keys among the given hashes, with how many distinct rows each has."""
    return (
        f"SELECT {keys}, count(*) AS n, count(DISTINCT ({every})) AS variants FROM {table} "
        f"WHERE {scope} AND list_contains(?, hash({keys})) GROUP BY {keys} HAVING count(*) > 1 "
        "ORDER BY variants DESC LIMIT 5"
    )


def delete_exact_duplicates_sql(table: str, keys: str, every: str, scope: str) -> str:
    """Delete all but the first of each set of identical rows among the given hashes (by rowid)."""
    return (
        f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM (SELECT rowid, "
        f"row_number() OVER (PARTITION BY {every} ORDER BY rowid) AS k FROM {table} "
        f"WHERE {scope} AND list_contains(?, hash({keys}))) WHERE k > 1)"
    )


def read_parquet_frame(path: Path | str, columns: Sequence[str]) -> pd.DataFrame:
    """The given columns of a Parquet file as a frame, read by an in-memory DuckDB (no pyarrow):
    how a server backend loads the bundled Parquet files it cannot read itself."""
    cols = ", ".join(f'"{c}"' for c in columns)
    with duckdb.connect(":memory:") as con:
        return con.execute(f"SELECT {cols} FROM read_parquet(?)", [str(path)]).df()


def read_csv_sql(columns: dict[str, str]) -> str:
    """A ``read_csv(?)`` table expression with declared column types (no sniffing), parallel."""
    spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    return f"read_csv(?, header = true, delim = ',', quote = '\"', auto_detect = false, columns = {{{spec}}})"


def copy_to_parquet_sql(query: str, path_literal: str) -> str:
    """Write a query's rows to a Parquet file (zstd)."""
    return f"COPY ({query}) TO {path_literal} (FORMAT parquet, COMPRESSION zstd)"


def read_parquet_sql(path_literal: str) -> str:
    """A table expression reading a Parquet file."""
    return f"read_parquet({path_literal})"


__all__ = [
    "DIALECT",
    "LOCK_HOLDER",
    "DuckDBBackend",
    "DuckDBDialect",
    "Error",
    "connect",
    "copy_to_parquet_sql",
    "delete_exact_duplicates_sql",
    "duplicate_groups_sql",
    "hashed_duplicates_sql",
    "read_csv_sql",
    "read_parquet_frame",
    "read_parquet_sql",
]
