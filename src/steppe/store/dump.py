"""Backups of a whole store in a portable file: ``steppe db dump`` and ``steppe db restore``.

A dump is one ZIP file that any backend can write and any backend can read back (a DuckDB
file's dump restores into PostgreSQL and the other way round)::

    manifest.json          what the file holds: format, steppe version, schema version (the
                           highest migration applied), the backend it came from, and per table
                           its columns with a portable type, its row count, its member file and
                           that file's SHA-256
    tables/<table>.jsonl   one JSON object per row, by column name

Values are written so that reading them back gives the same value on either backend: dates as
``YYYY-MM-DD``, timestamps as ISO 8601 (with time zones in UTC), floats as the shortest text
that reads back to the same double (``NaN``, ``Infinity`` and ``-Infinity`` as strings), lists
as JSON arrays, JSON columns as their text. The migrations table is not dumped: the manifest's
schema version says which migrations the tables' shape belongs to.

Restore checks the whole file (manifest, checksums, every table known) before it writes
anything, then in one transaction rebuilds the schema up to the dump's version, loads the rows,
moves the id sequences past the restored ids and applies the newer migrations this steppe has.
It refuses a dump from a newer schema than this steppe knows, and a store that already holds
data (anything beyond the knowledge base, which is rebuilt from the KB files) unless told to
replace it; on any failure nothing stored changes.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from steppe import __version__
from steppe.errors import StoreError, UsageError
from steppe.store.db import Store, _migrations

FORMAT = "steppe-dump"
FORMAT_VERSION = 1

#: Rows read from the store or written to it per batch.
BATCH = 50_000

#: Tables that are not dumped: the migration ledger (the manifest holds its version).
_SKIP = frozenset({"schema_migrations"})

_SEQUENCE = re.compile(r"nextval\('([A-Za-z_][A-Za-z0-9_]*)'")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of KINDS
    default: str | None = None


#: Portable column kinds and how each backend's catalogue spells them.
KINDS = ("text", "json", "int", "float", "bool", "date", "timestamp", "timestamptz", "text[]", "int[]")

_KIND_OF = {
    "varchar": "text",
    "character varying": "text",
    "text": "text",
    "json": "json",
    "jsonb": "json",
    "smallint": "int",
    "integer": "int",
    "bigint": "int",
    "ubigint": "int",
    "hugeint": "int",
    "numeric": "int",
    "double": "float",
    "double precision": "float",
    "real": "float",
    "float": "float",
    "boolean": "bool",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "timestamptz": "timestamptz",
}


def _kind(data_type: str, udt_name: str | None) -> str:
    """The portable kind of a catalogue type (DuckDB ``VARCHAR[]``, PostgreSQL ``ARRAY``/``_varchar``)."""
    text = data_type.strip().lower()
    if text == "array" and udt_name:  # PostgreSQL: the element type is the udt name without '_'
        element = {"_varchar": "text", "_text": "text", "_numeric": "int", "_int8": "int", "_int4": "int"}
        inner = element.get(udt_name.lower())
        if inner:
            return f"{inner}[]"
    if text.endswith("[]"):
        inner = _KIND_OF.get(text[:-2].strip())
        if inner in ("text", "int"):
            return f"{inner}[]"
    if text.startswith("numeric") or text.startswith("decimal"):
        return "int"
    kind = _KIND_OF.get(text)
    if kind is None:
        raise StoreError(f"The store has a column of type {data_type!r} that a dump cannot hold yet.")
    return kind


def tables(store: Store) -> dict[str, list[Column]]:
    """Every steppe table of the store (but the migration ledger) with its columns, in order."""
    found: dict[str, list[Column]] = {}
    base = {
        r["table_name"]
        for r in store.rows(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    }
    for row in store.rows(
        "SELECT table_name, column_name, data_type, udt_name, column_default FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ):
        name = row["table_name"]
        if name in _SKIP or name not in base or name.startswith("_steppe"):
            continue
        found.setdefault(name, []).append(
            Column(row["column_name"], _kind(row["data_type"], row["udt_name"]), row["column_default"])
        )
    return dict(sorted(found.items()))


# -- values ----------------------------------------------------------------------------------


def _encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "float":
        x = float(value)
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        return x
    if kind == "int":
        return int(value)
    if kind == "int[]":
        return [None if v is None else int(v) for v in value]
    if kind == "text[]":
        return [None if v is None else str(v) for v in value]
    if kind == "timestamptz":
        stamp = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return stamp.astimezone(UTC).isoformat()
    if kind == "timestamp":
        return value.replace(tzinfo=None).isoformat() if isinstance(value, datetime) else str(value)
    if kind == "date":
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if kind == "bool":
        return bool(value)
    return str(value)


def _decode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "float":
        return float(value)  # float("NaN"), float("Infinity") read the strings back
    if kind == "date":
        return date.fromisoformat(value)
    if kind in ("timestamp", "timestamptz"):
        return datetime.fromisoformat(value)
    return value


def _frame(columns: list[Column], records: list[dict[str, Any]]) -> pd.DataFrame:
    """Decoded rows as a frame whose columns the backends insert as the declared kinds."""
    out: dict[str, Any] = {}
    for col in columns:
        values = [_decode(r.get(col.name), col.kind) for r in records]
        if col.kind == "timestamptz":
            out[col.name] = pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]")
        elif col.kind == "timestamp":
            out[col.name] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]").astype("datetime64[us]")
        elif col.kind == "float":
            out[col.name] = pd.Series([math.nan if v is None else v for v in values], dtype="float64")
        else:
            out[col.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(out, columns=[c.name for c in columns])


# -- dump ------------------------------------------------------------------------------------


def _batches(store: Store, table: str, columns: list[Column]) -> Iterator[list[tuple[Any, ...]]]:
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor: Any = store.execute(f'SELECT {names} FROM "{table}"')
    fetchmany = getattr(cursor, "fetchmany", None)
    if fetchmany is None:
        yield list(cursor.fetchall())
        return
    while True:
        chunk = fetchmany(BATCH)
        if not chunk:
            return
        yield list(chunk)


def dump(store: Store, path: Path | str) -> dict[str, Any]:
    """Write every table of ``store`` to the ZIP file ``path``; return the manifest.

    The file is written beside ``path`` and renamed into place when complete, so a failed dump
    never leaves a truncated backup under the name asked for.
    """
    target = Path(path).expanduser()
    if target.exists() and target.is_dir():
        raise UsageError(f"{target} is a folder; give a file name for the dump, e.g. steppe-backup.zip.")
    partial = target.with_name(target.name + ".partial")
    schema = store.schema_version()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "steppe_version": __version__,
        "schema_version": schema,
        "backend": store.dialect.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": [],
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with store.transaction():  # one consistent state of every table
                for table, columns in tables(store).items():
                    member = f"tables/{table}.jsonl"
                    digest = hashlib.sha256()
                    rows = 0
                    with archive.open(member, "w", force_zip64=True) as fh:
                        for chunk in _batches(store, table, columns):
                            lines = []
                            for row in chunk:
                                record = {
                                    c.name: _encode(v, c.kind) for c, v in zip(columns, row, strict=True)
                                }
                                lines.append(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
                            data = "".join(lines).encode("utf-8")
                            digest.update(data)
                            fh.write(data)
                            rows += len(chunk)
                    manifest["tables"].append(
                        {
                            "name": table,
                            "columns": [{"name": c.name, "type": c.kind} for c in columns],
                            "rows": rows,
                            "file": member,
                            "sha256": digest.hexdigest(),
                        }
                    )
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"Cannot write the dump {target} ({exc.strerror or exc}); check the path.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


# -- restore ---------------------------------------------------------------------------------


def read_manifest(path: Path | str) -> dict[str, Any]:
    """The manifest of the dump at ``path``, checked for its format; one sentence when unusable."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise UsageError(f"The dump {source} does not exist; give the file 'steppe db dump' wrote.")
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UsageError(
            f"{source} is not a steppe dump (no readable manifest.json in a ZIP file); give a file "
            "written by 'steppe db dump'."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UsageError(f"{source} is not a steppe dump (its manifest names another format).")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise UsageError(
            f"{source} is a dump of format {manifest.get('format_version')}, newer than this steppe "
            f"reads ({FORMAT_VERSION}); upgrade steppe to restore it."
        )
    return manifest


def row_counts(store: Store) -> dict[str, int]:
    """Rows in each steppe table of the store (``steppe db info``), by table name."""
    return {table: int(store.scalar(f'SELECT count(*) FROM "{table}"') or 0) for table in tables(store)}


def _user_rows(store: Store) -> dict[str, int]:
    """Rows per table that a restore would replace (the KB tables are rebuilt from files: left out)."""
    return {t: n for t, n in row_counts(store).items() if n and not t.startswith("kb_")}


def _wipe(store: Store) -> None:
    """Drop every steppe table and the sequences their ids use (inside the caller's transaction)."""
    found = tables(store)
    sequences = sorted(
        {
            m.group(1)
            for cols in found.values()
            for c in cols
            if c.default
            for m in [_SEQUENCE.search(c.default)]
            if m
        }
    )
    for table in [*found, *(t for t in ("schema_migrations",) if store.table_exists(t))]:
        store.execute(f'DROP TABLE IF EXISTS "{table}"')
    for sequence in sequences:
        store.execute(f"DROP SEQUENCE IF EXISTS {sequence}")


def restore(store: Store, path: Path | str, *, replace: bool = False) -> dict[str, Any]:
    """Load the dump at ``path`` into ``store`` (opened without migrating); return the manifest.

    Refuses a dump whose schema is newer than this steppe's migrations, and a store holding
    data unless ``replace``. Everything happens in one transaction: on failure nothing changes.
    """
    source = Path(path).expanduser()
    manifest = read_manifest(source)
    schema = int(manifest.get("schema_version", 0))
    known = max((v for v, _, _ in _migrations(store.dialect.name)), default=0)
    if schema > known:
        raise UsageError(
            f"The dump {source} has schema version {schema}, newer than this steppe knows ({known}); "
            "upgrade steppe, then restore it."
        )
    if store.schema_version() > known:
        raise UsageError(
            f"The store {store.path} has schema version {store.schema_version()}, newer than this "
            f"steppe knows ({known}); upgrade steppe, then restore into it."
        )
    held = _user_rows(store) if store.schema_version() else {}
    if held and not replace:
        summary = ", ".join(f"{n} rows in {t}" for t, n in sorted(held.items())[:4])
        raise UsageError(
            f"The store {store.path} already holds data ({summary}{', ...' if len(held) > 4 else ''}); "
            "restore into an empty store, or pass replace to replace everything in it.",
            params=("replace",),
        )
    by_name = {t["name"]: t for t in manifest.get("tables", [])}
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        for entry in by_name.values():  # every file present and intact before anything is written
            if entry["file"] not in names:
                raise UsageError(
                    f"The dump {source} lacks {entry['file']}; it is incomplete, write it again."
                )
            digest = hashlib.sha256()
            with archive.open(entry["file"]) as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
            if digest.hexdigest() != entry["sha256"]:
                raise UsageError(
                    f"The dump {source} is damaged ({entry['file']} does not match its checksum); "
                    "use another copy."
                )
        with store.transaction():
            _wipe(store)
            store.migrate(up_to=schema)
            present = tables(store)
            unknown = sorted(set(by_name) - set(present))
            if unknown:
                raise UsageError(
                    f"The dump {source} holds tables this schema does not have ({', '.join(unknown)}); "
                    "it was not written by steppe 'db dump'."
                )
            for table, entry in by_name.items():
                columns = present[table]
                wanted = [c["name"] for c in entry["columns"]]
                if wanted != [c.name for c in columns]:
                    raise UsageError(
                        f"The dump {source} has other columns for {table} than schema version {schema} "
                        "defines; it was not written by steppe 'db dump'."
                    )
                _load(store, archive, table, columns, entry["file"])
            _advance_sequences(store, present)
            store.migrate()
    return manifest


def _load(store: Store, archive: zipfile.ZipFile, table: str, columns: list[Column], member: str) -> None:
    with archive.open(member) as raw:
        batch: list[dict[str, Any]] = []
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                batch.append(json.loads(line))
            if len(batch) >= BATCH:
                store.insert_frame(table, _frame(columns, batch))
                batch = []
        if batch:
            store.insert_frame(table, _frame(columns, batch))


def _advance_sequences(store: Store, present: dict[str, list[Column]]) -> None:
    """Move each id sequence past the largest restored id, so new rows get fresh ids."""
    for table, columns in present.items():
        for col in columns:
            match = _SEQUENCE.search(col.default or "")
            if not match:
                continue
            top = store.scalar(f'SELECT max("{col.name}") FROM "{table}"')
            if top is not None:
                store.execute(f"SELECT setval('{match.group(1)}', {int(top)})")


__all__ = ["FORMAT", "FORMAT_VERSION", "dump", "read_manifest", "restore", "tables"]
