"""The store's backend-neutral interface: what every store module may call, on the DuckDB backend."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from steppe.errors import StoreError
from steppe.store import Store, open_store
from steppe.store.backends import connect, is_server_url
from steppe.store.db import _migrations
from steppe.store.where import Where


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "s.duckdb") as opened:
        opened.execute("CREATE TABLE t (k VARCHAR, v DOUBLE PRECISION, tags VARCHAR[])")
        yield opened


def test_query_rows_scalar_and_insert_frame(store: Store) -> None:
    frame = pd.DataFrame({"k": ["a", "b", "c"], "v": [1.0, 2.5, None], "tags": [["x"], ["x", "y"], []]})
    assert store.insert_frame("t", frame) == 3
    assert store.insert_frame("t", frame.iloc[0:0]) == 0
    assert store.scalar("SELECT count(*) FROM t") == 3
    assert store.scalar("SELECT v FROM t WHERE k = ?", ["zzz"]) is None
    got = store.query("SELECT k, v FROM t WHERE v > $low ORDER BY k", {"low": 0})
    assert list(got["k"]) == ["a", "b"] and got["v"].tolist() == [1.0, 2.5]
    assert store.rows("SELECT k FROM t WHERE " + store.dialect.list_has("tags") + " ORDER BY k", ["y"]) == [
        {"k": "b"}
    ]
    store.executemany("INSERT INTO t (k, v) VALUES (?, ?)", [("d", 4.0), ("e", 5.0)])
    assert store.scalar("SELECT sum(v) FROM t") == 12.5


def test_transaction_rolls_back_everything(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_frame("t", pd.DataFrame({"k": ["a"], "v": [1.0]}))
        with store.transaction():  # nested: joins the outer block
            store.execute("INSERT INTO t (k) VALUES ('b')")
        raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM t") == 0


def test_frame_as_table_and_where_builder(store: Store) -> None:
    store.insert_frame("t", pd.DataFrame({"k": ["a", "b", "c"], "v": [1.0, 2.0, 3.0]}))
    lookup = pd.DataFrame({"k": ["a", "c"], "w": [10, 30]})
    where = Where(store.dialect).any_of("t.k", ["a", "b", "c"]).equals("t.v", None).between("t.v", (1, 3))
    with store.frame_as_table("lookup", lookup) as name:
        got = store.rows(
            f"SELECT t.k, l.w FROM t JOIN {name} l USING (k) WHERE {where.sql()} ORDER BY t.k", where.args
        )
    assert got == [{"k": "a", "w": 10}, {"k": "c", "w": 30}]
    assert Where(store.dialect).any_of("x", None).sql() == "TRUE"
    either = Where(store.dialect).either_in(("t.k", "t.k"), ["b"])
    assert store.scalar(f"SELECT count(*) FROM t WHERE {either.sql()}", either.args) == 1


def test_server_urls_pick_a_backend_module_and_are_refused_without_one() -> None:
    assert is_server_url("postgresql://u@localhost/steppe") and not is_server_url("/tmp/x.duckdb")
    try:
        import steppe.store.backends.postgresql  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(StoreError, match="no postgresql backend"):
            connect("postgresql://nobody@127.0.0.1:1/none")


def test_migrations_have_one_file_per_version_per_dialect() -> None:
    shared = _migrations("duckdb")
    versions = [v for v, _, _ in shared]
    assert versions == sorted(set(versions)) and 61 in versions
    assert "CREATE OR REPLACE MACRO kb_status" in dict((v, sql) for v, _, sql in shared)[61]
    other = _migrations("postgresql")
    assert [v for v, _, _ in other] == versions  # a twin replaces, never adds a version
