"""Opening the store, applying migrations and running transactions.

DuckDB lets one process write a database file at a time, and while it does no other process
can open the file, not even read-only. steppe therefore opens the store in one of two ways
when another process holds it (a long ``steppe fetch``, say):

- a command that only reads (``steppe kb orgs``, ``steppe data list`` ...) reads a private
  snapshot: a copy of the file as of its last commit, made in the scratch folder and removed
  when the command ends; the user is told so in one line (:func:`reading`);
- a command that writes waits, saying so once, until the other process is done or
  STEPPE_LOCK_WAIT seconds have passed; then it stops with one sentence.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steppe.errors import SteppeError, StoreBusyError, StoreError
from steppe.store.backends import Backend, Cursor, Dialect, Params
from steppe.store.backends import connect as connect_backend
from steppe.store.backends.duckdb import LOCK_HOLDER

if TYPE_CHECKING:  # pandas loads only when a frame is asked for (fast CLI start-up)
    import pandas as pd

log = logging.getLogger("steppe.store")

#: Says things a user should know about how the store was opened (a snapshot, a wait). The CLI
#: points it at its stderr console; the default logs at INFO.
notify: Callable[[str], None] = log.info

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.([a-z]+))?\.sql$")


def _migrations(dialect: str = "duckdb") -> list[tuple[int, str, str]]:
    """Every bundled migration as (version, name, sql) for ``dialect``, in version order.

    ``NNN_name.sql`` is shared by every backend; ``NNN_name.<dialect>.sql`` replaces it for
    that dialect (see ``migrations/README.md``).
    """
    shared: dict[int, tuple[str, str]] = {}
    specific: dict[int, tuple[str, str]] = {}
    for entry in resources.files("steppe.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if not match:
            continue
        version, name, variant = int(match.group(1)), match.group(2), match.group(3)
        if variant is not None and variant != dialect:
            continue
        target = specific if variant else shared
        if version in target:
            raise StoreError("Two bundled migrations share a version number; renumber one of them.")
        target[version] = (name, entry.read_text("utf-8"))
    merged = {**shared, **specific}
    return [(v, *merged[v]) for v in sorted(merged)]


class Store:
    """An open database with migrations, transactions and a backend-neutral interface.

    The interface every store module uses: :meth:`query` (a frame), :meth:`rows` (dicts),
    :meth:`scalar` (one value), :meth:`execute` / :meth:`executemany` (statements),
    :meth:`insert_frame` (append a frame by column name), :meth:`transaction`,
    :meth:`table_exists` and :attr:`dialect` (the spellings that differ between databases).
    SQL is written with ``?`` or ``$name`` parameters. The DuckDB connection itself
    (:attr:`con`) is for the DuckDB backend module only.

    Use :func:`open_store` rather than constructing this directly.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.backend: Backend = connect_backend(str(path), read_only=read_only)
        #: The file path, or the server URL without its password (for messages).
        self.path = self.backend.target
        self.dialect: Dialect = self.backend.dialect
        self._depth = 0
        #: What :meth:`insert_new` raises for each key inserted in the open transaction, should the
        #: commit find the key taken meanwhile (DuckDB checks keys across transactions at commit).
        self._taken: list[Callable[[], SteppeError]] = []
        self.closed = False
        self.snapshot_of: str | None = None  # the busy store this private copy was taken from
        self._scratch: Path | None = None

    @property
    def con(self) -> Any:
        """The DuckDB connection (DuckDB backend only; store modules use the methods below)."""
        return self.backend.con  # type: ignore[attr-defined]

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        if self.closed:
            return
        self.backend.close()
        self.closed = True
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The highest applied migration, 0 for an empty file."""
        if not self.table_exists("schema_migrations"):
            return 0
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations") or 0)

    def migrate(self, up_to: int | None = None) -> list[str]:
        """Apply pending migrations (only those up to version ``up_to`` when given, as a restore
        of an older dump needs), each in its own transaction; return their names."""
        current = self.schema_version()
        applied = []
        for version, name, sql in _migrations(self.dialect.name):
            if version <= current:
                continue
            if up_to is not None and version > up_to:
                break
            with self.transaction():
                self.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
                )
                self.execute(sql)
                self.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
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
        self.backend.begin()
        self._depth = 1
        self._taken = []
        try:
            yield self
        except BaseException:
            self.backend.rollback()
            raise
        else:
            self._commit()
        finally:
            self._depth = 0
            self._taken = []

    def _commit(self) -> None:
        try:
            self.backend.commit()
        except Exception as exc:
            if self._taken and self.backend.is_unique_violation(exc):
                raise self._taken[0]() from None  # the transaction is rolled back: nothing stored
            raise

    # -- access ----------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = None) -> Cursor:
        """Run one statement; the cursor answers ``fetchone``/``fetchall``/``description``."""
        return self.backend.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement once per parameter row."""
        self.backend.executemany(sql, rows)

    def insert_new(self, sql: str, params: Params, taken: Callable[[], SteppeError]) -> Cursor:
        """Run an INSERT of a row whose key must be new; raise ``taken()`` (the caller's sentence)
        when a row with that key exists, nothing else being stored.

        The database's key decides, not a check made before: when two sessions insert the same
        key at the same moment, one row is stored and the other session gets the sentence, as if
        it had come second. On PostgreSQL the INSERT waits for the other transaction and fails;
        on DuckDB the INSERT fails when the other row is committed, else the COMMIT does
        (:meth:`transaction` raises ``taken()`` then). Either way the transaction cannot go on.
        """
        try:
            cursor = self.backend.execute(sql, params)
        except Exception as exc:
            if self.backend.is_unique_violation(exc):
                raise taken() from None
            raise
        if self._depth:
            self._taken.append(taken)
        return cursor

    def query(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a query and return a pandas frame."""
        return self.backend.query(sql, params)

    def rows(self, sql: str, params: Params = None) -> list[dict]:
        """Run a query and return a list of dicts (column name to Python value)."""
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row of a query (None when it returns no row)."""
        row = self.execute(sql, params).fetchone()
        return row[0] if row else None

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append a frame to a table by column name; return the row count."""
        return self.backend.insert_frame(table, frame)

    def frame_as_table(self, name: str, frame: pd.DataFrame) -> AbstractContextManager[str]:
        """``frame`` readable in SQL as table ``name`` inside the block."""
        return self.backend.frame_as_table(name, frame)

    def table_exists(self, table: str) -> bool:
        return self.backend.table_exists(table)


_DEFAULT: dict[str, Store] = {}

#: Whether stores opened without an explicit ``read_only`` are for reading only (see reading()).
_READING: list[bool] = [False]


@contextmanager
def reading(enabled: bool = True) -> Iterator[None]:
    """Inside, :func:`open_store` and :func:`default_store` open for reading: when another
    process is writing the store they read a snapshot of its last commit instead of failing."""
    _READING.append(enabled)
    try:
        yield
    finally:
        _READING.pop()


def default_store() -> Store:
    """The store at STEPPE_DB, opened once per process and path and reused by API calls."""
    from steppe.config import settings

    path = settings().db
    store = _DEFAULT.get(path)
    if store is None or store.closed:
        store = _DEFAULT[path] = open_store(path)
    return store


def open_defaults() -> list[Store]:
    """The stores :func:`default_store` opened in this process that are still open."""
    return [s for s in _DEFAULT.values() if not s.closed]


def close_defaults() -> None:
    """Close the stores :func:`default_store` opened (and remove any snapshot copies)."""
    for store in list(_DEFAULT.values()):
        store.close()
    _DEFAULT.clear()


def open_store(
    path: Path | str | None = None,
    *,
    migrate: bool = True,
    read_only: bool | None = None,
    wait: float | None = None,
) -> Store:
    """Open (creating if needed) the store at ``path`` or STEPPE_DB, migrated to the latest schema.

    When another process is writing the file: with ``read_only`` (default: inside
    :func:`reading`) the last committed state is read from a private snapshot; otherwise the
    call waits up to ``wait`` seconds (default STEPPE_LOCK_WAIT) for the writer to finish.
    """
    from steppe.config import settings

    target = str(path if path is not None else settings().db)
    if read_only is None:
        read_only = _READING[-1]
    try:
        store = Store(target)
    except StoreBusyError as busy:
        store = _snapshot(target, busy) if read_only else _wait(target, busy, wait)
    if migrate:
        try:
            store.migrate()
        except store.backend.error as exc:
            store.close()
            raise StoreError(
                f"Cannot migrate the store {store.path} ({exc}); move the file aside and run "
                "'steppe init' to start a fresh one."
            ) from None
    return store


def _wait(path: str, busy: StoreBusyError, wait: float | None) -> Store:
    """Retry opening ``path`` until the writer is gone; one notice, one sentence on timeout."""
    from steppe.config import limits

    limit = limits().lock_wait_s if wait is None else wait
    deadline = time.monotonic() + limit
    holder = LOCK_HOLDER.search(str(busy))
    who = holder.group(1) if holder else "another process"
    if limit > 0:
        notify(f"The store {path} is being written by {who}; waiting for it to finish (Ctrl-C to stop).")
    delay = 0.1
    while time.monotonic() < deadline:
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 2.0)
        try:
            return Store(path)
        except StoreBusyError:
            continue
    raise StoreBusyError(
        f"The store {path} is still being written by {who} after {limit:g} s; run this command "
        "when it has finished, raise STEPPE_LOCK_WAIT, or point STEPPE_DB at another file."
    )


def _snapshot(path: str, busy: StoreBusyError, attempts: int = 5) -> Store:
    """A private copy of the busy store as of its last commit, opened read-write (it is ours).

    Copying is safe while a write transaction runs: DuckDB writes uncommitted data only to
    blocks the file's header does not point at yet, and the write-ahead log gets a transaction
    only when it commits. A copy taken while a commit or checkpoint changes the files is
    detected (sizes and times before and after) and taken again.
    """
    from steppe.config import scratch_root

    holder = LOCK_HOLDER.search(str(busy))
    who = holder.group(1) if holder else "another process"
    notify(
        f"The store {path} is being written by {who}; reading its last committed state "
        "(what that process is loading is not included yet)."
    )
    source = Path(path)
    wal = Path(path + ".wal")
    for _ in range(attempts):
        root = scratch_root()
        root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"snapshot-{os.getpid()}-", dir=root))
        atexit.register(shutil.rmtree, folder, True)  # also when the store is never closed
        copy = folder / source.name
        before = _stamp(source, wal)
        shutil.copyfile(source, copy)
        if wal.exists():
            shutil.copyfile(wal, Path(str(copy) + ".wal"))
        if _stamp(source, wal) != before:
            shutil.rmtree(folder, ignore_errors=True)
            time.sleep(0.2)
            continue
        try:
            store = Store(copy)
        except StoreError:
            shutil.rmtree(folder, ignore_errors=True)
            time.sleep(0.2)
            continue
        store.snapshot_of = path
        store._scratch = folder
        return store
    return _wait(path, busy, None)


def _stamp(*paths: Path) -> tuple[tuple[int, int] | None, ...]:
    out: list[tuple[int, int] | None] = []
    for p in paths:
        try:
            st = p.stat()
            out.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)
