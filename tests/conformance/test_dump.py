"""Backups: ``steppe db dump`` / ``steppe db restore`` round trips, on DuckDB and through
PostgreSQL (DuckDB -> backend -> DuckDB), and the refusals that protect a store."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from steppe.errors import UsageError
from steppe.store import Store, open_store
from steppe.store import dump as store_dump

from .conftest import StoreFactory, assert_same
from .test_texts import _prepare as prepare_texts


def _everything(store: Store) -> dict[str, list[dict]]:
    """Every row of every table, in a stable order."""
    out = {}
    for table, columns in store_dump.tables(store).items():
        rows = store.rows(f'SELECT * FROM "{table}"')
        out[table] = sorted(rows, key=lambda r: [str(r[c.name]) for c in columns])
    return out


def _hashes(path: Path) -> dict[str, tuple[int, str]]:
    manifest = store_dump.read_manifest(path)
    return {t["name"]: (t["rows"], t["sha256"]) for t in manifest["tables"]}


@pytest.fixture
def source(new_reference: StoreFactory, tmp_path: Path) -> Store:
    """A DuckDB store with the KB, two documents, codings by two coders (one removed) and a dataset."""
    from tests.conformance.test_indicators import _prepare as prepare_trade

    store = new_reference()
    prepare_texts(store, tmp_path / "docs")
    prepare_trade(store)
    return store


def test_round_trip_through_the_backend(
    source: Store, new_store: StoreFactory, new_reference: StoreFactory, tmp_path: Path
) -> None:
    first = tmp_path / "first.zip"
    store_dump.dump(source, first)
    middle = new_store(migrate=False)
    store_dump.restore(middle, first)
    assert_same(_everything(middle), _everything(source))
    second = tmp_path / "second.zip"
    store_dump.dump(middle, second)
    assert _hashes(second) == _hashes(first)  # every table file byte for byte the same
    last = new_reference(migrate=False)
    store_dump.restore(last, second)
    assert_same(_everything(last), _everything(source))
    # the id sequences continue after the restored ids
    new_id = middle.scalar(
        "INSERT INTO texts_codings (doc_id, seg_no, start_pos, end_pos, code, coder, origin) "
        "SELECT doc_id, seg_no, start_pos, end_pos, code, 'carol', 'manual' FROM texts_codings LIMIT 1 "
        "RETURNING coding_id"
    )
    assert new_id == source.scalar("SELECT max(coding_id) FROM texts_codings") + 1
    counts = {t["name"]: t["rows"] for t in store_dump.read_manifest(first)["tables"]}
    assert counts["texts_codings"] == source.scalar("SELECT count(*) FROM texts_codings") > 8
    assert counts["trade_flows"] > 900 and counts["kb_memberships"] > 500


def test_restore_refuses_a_store_with_data_unless_replace(
    source: Store, new_store: StoreFactory, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    store_dump.dump(source, path)
    target = new_store()
    target.execute("INSERT INTO kb_gaps (what, why) VALUES ('kb rows are rebuilt', 'not user data')")
    target.execute(
        "INSERT INTO dataset_pins (source, dataset, dataset_id) VALUES ('wdi', 'wdi', 'wdi:wdi:1')"
    )
    with pytest.raises(UsageError, match=r"already holds data \(1 rows in dataset_pins\).*replace"):
        store_dump.restore(target, path)
    assert target.scalar("SELECT count(*) FROM dataset_pins") == 1  # nothing changed
    store_dump.restore(target, path, replace=True)
    assert target.scalar("SELECT count(*) FROM dataset_pins") == 0
    assert target.scalar("SELECT count(*) FROM texts_codings") == source.scalar(
        "SELECT count(*) FROM texts_codings"
    )


def _rewrite(path: Path, out: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, change(item.filename, data))


def test_restore_refuses_newer_schema_and_damaged_files(
    source: Store, new_store: StoreFactory, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    store_dump.dump(source, path)
    target = new_store()
    target.execute("INSERT INTO dataset_pins (source, dataset, dataset_id) VALUES ('a', 'b', 'a:b:1')")

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_version"] = 999
        return json.dumps(manifest).encode()

    _rewrite(path, tmp_path / "newer.zip", newer)
    with pytest.raises(UsageError, match="schema version 999, newer than this steppe knows"):
        store_dump.restore(target, tmp_path / "newer.zip", replace=True)

    def damaged(name: str, data: bytes) -> bytes:
        return data.replace(b"alice", b"mallory") if name == "tables/texts_codings.jsonl" else data

    _rewrite(path, tmp_path / "damaged.zip", damaged)
    with pytest.raises(UsageError, match=r"damaged .*texts_codings\.jsonl"):
        store_dump.restore(target, tmp_path / "damaged.zip", replace=True)
    (tmp_path / "not.zip").write_text("hello")
    with pytest.raises(UsageError, match="not a steppe dump"):
        store_dump.restore(target, tmp_path / "not.zip", replace=True)
    assert target.scalar("SELECT count(*) FROM dataset_pins") == 1  # every refusal changed nothing
    assert target.scalar("SELECT count(*) FROM texts_codings") == 0


def test_restore_that_fails_midway_changes_nothing(
    source: Store, new_store: StoreFactory, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    store_dump.dump(source, path)
    target = new_store()
    target.execute("INSERT INTO dataset_pins (source, dataset, dataset_id) VALUES ('a', 'b', 'a:b:1')")

    def broken(name: str, data: bytes) -> bytes:  # a NULL where the schema forbids one, checksum fixed
        return (
            data.replace(b'"coder": "alice"', b'"coder": null', 1)
            if name.endswith("texts_codings.jsonl")
            else data
        )

    _rewrite(path, tmp_path / "broken.zip", broken)
    manifest = json.loads(zipfile.ZipFile(tmp_path / "broken.zip").read("manifest.json"))
    import hashlib

    body = zipfile.ZipFile(tmp_path / "broken.zip").read("tables/texts_codings.jsonl")
    for t in manifest["tables"]:
        if t["name"] == "texts_codings":
            t["sha256"] = hashlib.sha256(body).hexdigest()
    _rewrite(
        tmp_path / "broken.zip",
        tmp_path / "broken2.zip",
        lambda n, d: json.dumps(manifest).encode() if n == "manifest.json" else d,
    )
    with pytest.raises(target.backend.error):
        store_dump.restore(target, tmp_path / "broken2.zip", replace=True)
    assert target.scalar("SELECT count(*) FROM dataset_pins") == 1
    assert target.schema_version() == source.schema_version()


def test_cli_dump_and_restore(source: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``steppe db dump`` / ``db restore`` / ``db info`` in-process on DuckDB files."""
    from tests.e2e.cli_inprocess import invoke

    codings = source.scalar("SELECT count(*) FROM texts_codings")
    source.close()
    path = tmp_path / "backup.zip"
    done = invoke("--db", source.path, "db", "dump", str(path))
    assert done.code == 0 and "Dumped" in done.stdout and path.is_file()
    again = invoke("--db", source.path, "db", "dump", str(path))
    assert again.code != 0 and "--force" in again.error
    target = tmp_path / "restored.duckdb"
    restored = invoke("--db", str(target), "db", "restore", str(path))
    assert restored.code == 0 and "Restored" in restored.stdout, restored.error
    refused = invoke("--db", str(target), "db", "restore", str(path))
    assert refused.code != 0 and "--replace" in refused.error
    info = invoke("--db", str(target), "db", "info", "--format", "json")
    counts = {t["table"]: t["rows"] for t in json.loads(info.stdout)["tables"]}
    assert counts["texts_codings"] == codings
    with open_store(target) as store:
        assert store.scalar("SELECT count(*) FROM texts_documents") == 2
