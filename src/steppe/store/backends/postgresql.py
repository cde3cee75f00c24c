"""The PostgreSQL backend (team mode, issue 16): a server store at ``postgresql://...``.

Selected by :func:`steppe.store.backends.connect` for a ``postgresql://`` (or ``postgres://``)
URL in ``--db`` or STEPPE_DB; needs the ``postgres`` extra (psycopg 3). What it does so that
the store modules' SQL and results are the same as on DuckDB:

- **Parameters.** Store SQL is written with DuckDB's ``?`` and ``$name`` placeholders;
  :func:`translate` rewrites them to psycopg's ``%s`` / ``%(name)s`` (and doubles a literal
  ``%``), skipping quoted strings, identifiers and comments.
- **Autocommit outside transactions.** Each statement outside :meth:`Store.transaction` commits
  on its own, as on DuckDB; ``begin``/``commit``/``rollback`` issue the SQL statements, so no
  connection sits idle inside a transaction holding locks.
- **Values.** ``json`` comes back as its text (DuckDB returns JSON as a string); ``numeric`` as
  an ``int`` when whole (``sum`` of a BIGINT, the ``NUMERIC(20,0)`` minhash that stands for
  DuckDB's ``UBIGINT``) and a ``float`` otherwise (``avg``); sessions run in UTC.
- **Frames.** :meth:`PostgreSQLBackend.query` builds its frame with DuckDB's dtypes for the
  same column types (dates and timestamps as ``datetime64[us]``, nullable integers as
  ``Int16``/``Int32``/``Int64``, lists as arrays); :meth:`PostgreSQLBackend.insert_frame`
  streams a frame with ``COPY``, NaN as NULL as DuckDB reads it.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from steppe.config import redact_url
from steppe.errors import StoreError

try:  # the optional 'postgres' extra
    import psycopg
    from psycopg.adapt import Loader

    Error: type[Exception] = psycopg.Error
except ModuleNotFoundError:  # pragma: no cover - exercised by the install check, not the suite
    psycopg = None  # type: ignore[assignment]
    Loader = object  # type: ignore[assignment,misc]
    Error = Exception


class PostgreSQLDialect:
    """PostgreSQL spellings of the constructs that differ between backends."""

    name = "postgresql"

    def in_list(self, column: str, param: str = "?") -> str:
        return f"{column} = ANY({param})"

    def list_has(self, list_column: str, param: str = "?") -> str:
        return f"{param} = ANY({list_column})"

    def list_agg(self, expr: str, *, distinct: bool = False, order: bool = True) -> str:
        inner = ("DISTINCT " if distinct else "") + expr + (f" ORDER BY {expr}" if order else "")
        return f"array_agg({inner})"

    def list_len(self, list_column: str) -> str:
        return f"coalesce(cardinality({list_column}), 0)"

    def unnest(self, param: str) -> str:
        return f"unnest({param})"

    def starts_with(self, column: str, param: str = "?") -> str:
        return f"starts_with({column}, {param})"

    def year_of(self, column: str) -> str:
        return f"CAST(extract(year FROM {column}) AS INTEGER)"


DIALECT = PostgreSQLDialect()


# -- placeholders ----------------------------------------------------------------------------

_TOKENS = re.compile(
    r"""
    (?P<squote>'(?:[^']|'')*')              # 'string' with '' escapes
  | (?P<dquote>"(?:[^"]|"")*")              # "identifier"
  | (?P<comment>--[^\n]*)                   # -- comment
  | (?P<dollar>\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$)   # $tag$ body $tag$ (function bodies)
  | (?P<named>\$(?P<name>[A-Za-z_][A-Za-z0-9_]*))        # $name parameter
  | (?P<qmark>\?)                           # ? parameter
  | (?P<percent>%)                          # a literal percent sign
    """,
    re.VERBOSE | re.DOTALL,
)


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """DuckDB-style placeholders (``?``, ``$name``) in ``sql`` as psycopg's (``%s``, ``%(name)s``).

    Placeholders inside quoted strings, quoted identifiers, comments and dollar-quoted bodies
    are left as they are; every literal ``%`` becomes ``%%`` (psycopg reads ``%`` anywhere).
    Only statements that are given parameters are translated.
    """

    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "named" or (kind == "name"):
            return f"%({match.group('name')})s"
        if kind == "qmark":
            return "%s"
        if kind == "percent":
            return "%%"
        return match.group(0).replace("%", "%%")  # psycopg reads % even inside quotes

    out = []
    for match in _TOKENS.finditer(sql):
        out.append((match.start(), match.end(), replace(match)))
    if not out:
        return sql
    pieces, last = [], 0
    for start, end, text in out:
        pieces.append(sql[last:start])
        pieces.append(text)
        last = end
    pieces.append(sql[last:])
    return "".join(pieces)


# -- values ----------------------------------------------------------------------------------


class _TextLoader(Loader):
    """``json``/``jsonb`` as the text the server sends (DuckDB returns JSON values as strings)."""

    def load(self, data: Any) -> str:
        return bytes(data).decode("utf-8")


class _NumberLoader(Loader):
    """``numeric`` as ``int`` when whole, else ``float`` (DuckDB's HUGEINT and DOUBLE)."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode("ascii")
        if "." in text or "e" in text or "E" in text or text in ("NaN", "Infinity", "-Infinity"):
            return float(text)
        return int(text)


def plain(value: Any) -> Any:
    """``value`` as a Python object psycopg can send: numpy scalars and arrays unwrapped, NaN/NaT None."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


# -- frames ----------------------------------------------------------------------------------

#: PostgreSQL type OIDs of the columns whose frame dtype follows DuckDB's.
_OID_DATE, _OID_TIMESTAMP, _OID_TIMESTAMPTZ = 1082, 1114, 1184
_OID_INTS = {21: "Int16", 23: "Int32", 20: "Int64"}
_OID_FLOATS = {700, 701, 1700}
_OID_BOOL = 16


def _frame(description: Sequence[Any], rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Rows as a frame whose dtypes are those DuckDB's ``.df()`` gives for the same types."""
    names = [d.name for d in description]
    columns: dict[str, Any] = {}
    for i, col in enumerate(description):
        values = [row[i] for row in rows]
        oid = col.type_code
        has_null = any(v is None for v in values)
        series: pd.Series
        if oid in (_OID_DATE, _OID_TIMESTAMP):
            series = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]").astype("datetime64[us]")
        elif oid == _OID_TIMESTAMPTZ:
            series = pd.Series(pd.to_datetime(values, utc=True)).astype("datetime64[us, UTC]")
        elif oid in _OID_INTS:
            kind = _OID_INTS[oid]
            series = pd.Series(values, dtype=kind if has_null else kind.lower())
        elif oid in _OID_FLOATS:
            series = pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
        elif oid == _OID_BOOL:
            series = pd.Series(values, dtype="boolean" if has_null else "bool")
        else:
            series = pd.Series(
                [np.array(v, dtype=object) if isinstance(v, list) else v for v in values], dtype=object
            )
        columns[names[i]] = series.reset_index(drop=True)
    if not columns:
        return pd.DataFrame()
    frame = pd.DataFrame(columns)
    frame.columns = names
    return frame


def _sql_type(series: pd.Series) -> str:
    """A PostgreSQL column type for a frame column (temporary tables of :meth:`frame_as_table`)."""
    kind = series.dtype
    if pd.api.types.is_bool_dtype(kind):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(kind):
        return "BIGINT"
    if pd.api.types.is_float_dtype(kind):
        return "DOUBLE PRECISION"
    if isinstance(kind, pd.DatetimeTZDtype):
        return "TIMESTAMPTZ"
    if pd.api.types.is_datetime64_any_dtype(kind):
        return "TIMESTAMP"
    sample = next((v for v in series if v is not None and not (isinstance(v, float) and math.isnan(v))), None)
    if isinstance(sample, list | tuple | np.ndarray):
        inner = next((x for x in sample), None)
        return "BIGINT[]" if isinstance(inner, int | np.integer) else "VARCHAR[]"
    if isinstance(sample, bool):
        return "BOOLEAN"
    if isinstance(sample, int):
        return "BIGINT"
    if isinstance(sample, float):
        return "DOUBLE PRECISION"
    if isinstance(sample, datetime):
        return "TIMESTAMPTZ" if sample.tzinfo is not None else "TIMESTAMP"
    if isinstance(sample, date):
        return "DATE"
    if isinstance(sample, Decimal):
        return "NUMERIC"
    return "VARCHAR"


# -- the backend ----------------------------------------------------------------------------


def redact(url: str) -> str:
    """``url`` without its password (for messages and :attr:`PostgreSQLBackend.target`)."""
    return redact_url(url)


class _Result:
    """A cursor that answers like DuckDB's: a statement without rows fetches its row count."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.description = cursor.description
        self._count = cursor.rowcount

    def fetchone(self) -> Any:
        if self.description is None:
            return (self._count,)
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        if self.description is None:
            return [(self._count,)]
        return list(self._cursor.fetchall())


class PostgreSQLBackend:
    """One connection to a PostgreSQL database, in autocommit mode between transactions."""

    dialect = DIALECT
    error: type[Exception] = Error

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.target = redact(url)
        if psycopg is None:
            raise StoreError(
                f"The store {self.target} is a PostgreSQL database and psycopg is not installed; "
                "install it with: pip install 'steppe[postgres]'."
            )
        conninfo = "postgresql" + url[url.index("://") :] if url.startswith("postgres://") else url
        try:
            self.con = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise StoreError(
                f"Cannot connect to the PostgreSQL store {self.target} ({reason}); check the URL in "
                "db or STEPPE_DB and that the server is running and the database exists.",
                params=("db",),
            ) from None
        for name in ("json", "jsonb"):
            self.con.adapters.register_loader(name, _TextLoader)
        self.con.adapters.register_loader("numeric", _NumberLoader)
        self.con.execute("SET TIME ZONE 'UTC'")
        if read_only:
            self.con.execute("SET default_transaction_read_only = on")

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> _Result:
        if params is None:
            cursor = self.con.execute(sql)
        elif isinstance(params, dict):
            cursor = self.con.execute(translate(sql), {k: plain(v) for k, v in params.items()})
        else:
            cursor = self.con.execute(translate(sql), [plain(v) for v in params])
        return _Result(cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.con.cursor() as cursor:
                cursor.executemany(translate(sql), [[plain(v) for v in row] for row in rows])

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        result = self.execute(sql, params)
        if result.description is None:
            return pd.DataFrame()
        return _frame(result.description, result.fetchall())

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append a frame to a table by column name with ``COPY`` (NaN and NaT become NULL)."""
        if frame.empty:
            return 0
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        columns = [frame[c].tolist() for c in frame.columns]
        with self.con.cursor() as cursor, cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in zip(*columns, strict=True):
                copy.write_row([plain(v) for v in row])
        return len(frame)

    @contextmanager
    def frame_as_table(self, name: str, frame: pd.DataFrame) -> Iterator[str]:
        """``frame`` readable as ``name`` inside the block: a temporary table, dropped after."""
        spec = ", ".join(f'"{c}" {_sql_type(frame[c])}' for c in frame.columns)
        self.con.execute(f'CREATE TEMPORARY TABLE "{name}" ({spec})')
        try:
            self.insert_frame(name, frame)
            yield name
        finally:
            with contextlib.suppress(psycopg.Error):  # inside a failed transaction the rollback drops it
                self.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    # -- transactions and catalogue --------------------------------------------------------
    def begin(self) -> None:
        self.con.execute("BEGIN")

    def commit(self) -> None:
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        self.con.execute("ROLLBACK")

    def table_exists(self, table: str) -> bool:
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        ).fetchone()
        return bool(found and found[0])

    def is_unique_violation(self, exc: BaseException) -> bool:
        """SQLSTATE 23505, raised by the INSERT (a concurrent one waits for the other transaction
        to end, then fails if it committed the key)."""
        return psycopg is not None and isinstance(exc, psycopg.errors.UniqueViolation)

    def close(self) -> None:
        self.con.close()


# -- PostgreSQL-only bulk SQL -----------------------------------------------------------------


def duplicate_groups_sql(table: str, keys: str, every: str, scope: str) -> str:
    """Keys of ``table`` rows in ``scope`` that repeat, with how many distinct rows each has."""
    return (
        f"SELECT {keys}, count(*) AS n, count(DISTINCT ({every})) AS variants FROM {table} "
        f"WHERE {scope} GROUP BY {keys} HAVING count(*) > 1 ORDER BY variants DESC LIMIT 5"
    )


def delete_exact_duplicates_sql(table: str, every: str, scope: str) -> str:
    """Delete all but one of each set of identical rows in ``scope`` (by the rows' ``ctid``);
    the statement's result is the count removed."""
    return (
        f"WITH gone AS (DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM (SELECT ctid, "
        f"row_number() OVER (PARTITION BY {every} ORDER BY ctid) AS k FROM {table} WHERE {scope}) AS s "
        "WHERE k > 1) RETURNING 1) SELECT count(*) FROM gone"
    )


def connect(target: str, *, read_only: bool = False) -> PostgreSQLBackend:
    return PostgreSQLBackend(target, read_only=read_only)


__all__ = [
    "DIALECT",
    "Error",
    "PostgreSQLBackend",
    "PostgreSQLDialect",
    "connect",
    "delete_exact_duplicates_sql",
    "duplicate_groups_sql",
    "redact",
    "translate",
]
