"""Opening the store, applying migrations and running transactions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from steppe.errors import StoreError

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    """Every bundled migration as (version, name, sql), in version order."""
    found = []
    for entry in resources.files("steppe.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise StoreError("Two bundled migrations share a version number; renumber one of them.")
    return found


class Store:
    """A DuckDB connection with migrations and transactions.

    Use :func:`open_store` rather than constructing this directly.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder for the store {self.path} ({exc.strerror}); "
                    "check the path or set STEPPE_DB."
                ) from None
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"The store {self.path} is in use by another process; wait for it to "
                    "finish or point STEPPE_DB at another file."
                ) from None
            raise StoreError(
                f"Cannot open the store {self.path} ({exc}); check the path or set STEPPE_DB."
            ) from None
        except duckdb.Error as exc:
            raise StoreError(
                f"Cannot open the store {self.path} ({exc}); check the path or set STEPPE_DB."
            ) from None
        self._depth = 0
        self.closed = False

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()
        self.closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The highest applied migration, 0 for an empty file."""
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()[0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]

    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction; return their names."""
        current = self.schema_version()
        applied = []
        for version, name, sql in _migrations():
            if version <= current:
                continue
            with self.transaction():
                self.con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
                )
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name]
                )
            applied.append(f"{version:03d}_{name}")
        return applied

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All-or-nothing block; nested blocks join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.con.begin()
        self._depth = 1
        try:
            yield self
        except BaseException:
            self.con.rollback()
            raise
        else:
            self.con.commit()
        finally:
            self._depth = 0

    # -- access ----------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def df(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a query and return a pandas frame."""
        return self.execute(sql, params).df()

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict]:
        """Run a query and return a list of dicts (column name to Python value)."""
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def insert_df(self, table: str, frame: pd.DataFrame) -> int:
        """Append a frame to a table by column name; return the row count."""
        if frame.empty:
            return 0
        view = f"_steppe_insert_{table}"
        self.con.register(view, frame)
        try:
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            self.con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{view}"')
        finally:
            self.con.unregister(view)
        return len(frame)


_DEFAULT: dict[str, Store] = {}


def default_store() -> Store:
    """The store at STEPPE_DB, opened once per process and path and reused by API calls."""
    from steppe.config import settings

    path = str(settings().db_path)
    store = _DEFAULT.get(path)
    if store is None or store.closed:
        store = _DEFAULT[path] = open_store(path)
    return store


def open_store(path: Path | str | None = None, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``path`` or STEPPE_DB, migrated to the latest schema."""
    from steppe.config import settings

    store = Store(path if path is not None else settings().db_path)
    if migrate:
        try:
            store.migrate()
        except duckdb.Error as exc:
            store.close()
            raise StoreError(
                f"Cannot migrate the store {store.path} ({exc}); move the file aside and run "
                "'steppe init' to start a fresh one."
            ) from None
    return store
