"""The store layer on every backend: migrations, value round trips, parameters, transactions,
sequences and the dialect's fragments give the same results as on DuckDB."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from steppe.store import dump as store_dump
from steppe.store.db import _migrations

from .conftest import StoreFactory, assert_same

MINHASH = [0, 1, 2**63 - 1, 2**63, 2**64 - 1]


def test_migrations_build_the_same_schema(new_store: StoreFactory, new_reference: StoreFactory) -> None:
    store, reference = new_store(), new_reference()
    latest = max(v for v, _, _ in _migrations(store.dialect.name))
    assert store.schema_version() == reference.schema_version() == latest
    got = {t: [(c.name, c.kind) for c in cols] for t, cols in store_dump.tables(store).items()}
    want = {t: [(c.name, c.kind) for c in cols] for t, cols in store_dump.tables(reference).items()}
    assert got == want
    assert "kb_memberships" in got and "texts_codings" in got
    assert store.migrate() == []  # a second run applies nothing


def _document(doc_id: str, minhash: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [doc_id],
            "format": ["txt"],
            "title": ["Ölkä – 50% «quoted» 'text'"],
            "text": ["Astana, 2024. Ташкент; ? $x %s"],
            "n_chars": [30],
            "content_hash": ["sha256:" + "0" * 64],
            "minhash": [minhash],
            "near_duplicate_similarity": [np.nan],
        }
    )


def _fill(store) -> None:  # type: ignore[no-untyped-def]
    store.insert_frame("texts_documents", _document("d1", MINHASH))
    store.execute(
        "INSERT INTO datasets (dataset_id, source, dataset, edition, params, location, retrieved_at, "
        "content_hash, rows, tables) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            "s:d:1",
            "s",
            "d",
            "1",
            '{"options": {"a": [1, 2]}}',
            None,
            datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
            "sha256:ab",
            3,
            ["trade_flows", "country_indicators"],
        ],
    )
    flows = pd.DataFrame(
        {
            "dataset_id": ["s:d:1"] * 3,
            "year": [2000, 2001, 2002],
            "exporter": ["KAZ", "KAZ", "UZB"],
            "importer": ["UZB", "UZB", "KAZ"],
            "reporter": ["exporter"] * 3,
            "product": ["TOTAL"] * 3,
            "classification": ["TOTAL"] * 3,
            "value_usd": [1.5e9, 0.1 + 0.2, np.nan],
            "quantity": [np.nan, 3.0, 1e-300],
            "valuation": ["fob", None, "cif"],
        }
    )
    store.insert_frame("trade_flows", flows)
    tone = pd.DataFrame(
        {
            "dataset_id": ["s:d:1"],
            "period_start": [pd.Timestamp("2024-01-02 03:00:00")],
            "query": ["Kazakhstan"],
            "tone": [-1.25],
        }
    )
    store.insert_frame("news_tone", tone)


def test_values_round_trip_the_same(new_store: StoreFactory, new_reference: StoreFactory) -> None:
    store, reference = new_store(), new_reference()
    _fill(store)
    _fill(reference)
    for sql in (
        "SELECT * FROM texts_documents",
        "SELECT * FROM datasets",
        "SELECT * FROM trade_flows ORDER BY year",
        "SELECT * FROM news_tone",
    ):
        got = store.rows(sql)
        assert_same(
            [{k: v for k, v in r.items() if k not in ("added_at", "loaded_at")} for r in got],
            [{k: v for k, v in r.items() if k not in ("added_at", "loaded_at")} for r in reference.rows(sql)],
        )
        frame, ref = store.query(sql), reference.query(sql)
        assert list(frame.columns) == list(ref.columns)
        for column in frame.columns:
            assert _kind(frame[column].dtype) == _kind(ref[column].dtype), (sql, column)
    doc = store.rows("SELECT minhash, title, text, near_duplicate_similarity FROM texts_documents")[0]
    assert doc["minhash"] == MINHASH and doc["near_duplicate_similarity"] is None
    assert doc["title"].startswith("Ölkä – 50%") and doc["text"].endswith("? $x %s")
    row = store.rows("SELECT params, retrieved_at, tables FROM datasets")[0]
    assert (
        row["params"] == '{"options": {"a": [1, 2]}}'
        or row["params"].replace(" ", "") == '{"options":{"a":[1,2]}}'
    )
    assert row["retrieved_at"] == datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    assert row["tables"] == ["trade_flows", "country_indicators"]
    values = [r["value_usd"] for r in store.rows("SELECT value_usd FROM trade_flows ORDER BY year")]
    assert values == [1.5e9, 0.1 + 0.2, None]  # NaN in a frame is stored as NULL, as DuckDB does
    frame = store.query(
        "SELECT year, value_usd, retrieved_at FROM trade_flows JOIN datasets USING (dataset_id) ORDER BY year"
    )
    assert str(frame["year"].dtype) == "int16" and frame["value_usd"].isna().tolist() == [False, False, True]
    assert frame["retrieved_at"].iloc[0] == pd.Timestamp("2024-05-06 07:08:09.123456", tz="UTC")


def _kind(dtype: object) -> str:
    """A dtype without its time zone's name (DuckDB names the local zone; the instant is what counts)."""
    text = str(dtype)
    return text.split(",")[0] + "]" if text.startswith("datetime64[") and "," in text else text


def test_parameters_quotes_and_percent_signs(new_store: StoreFactory, new_reference: StoreFactory) -> None:
    for store in (new_store(), new_reference()):
        assert store.execute("SELECT '?', '50%', ? AS x, '$name' AS y", [7]).fetchone() == (
            "?",
            "50%",
            7,
            "$name",
        )
        row = store.execute("SELECT $a AS a, $a + $b AS s, 'it''s $a' AS t", {"a": 2, "b": 3}).fetchone()
        assert row == (2, 5, "it's $a")
        assert store.execute("SELECT count(*) FROM (SELECT 1) AS t WHERE 'a%' LIKE ?", ["a%"]).fetchone() == (
            1,
        )


def test_transactions_roll_back_and_nest(new_store: StoreFactory) -> None:
    store = new_store()

    def count() -> int:
        return int(store.scalar("SELECT count(*) FROM kb_gaps"))

    with pytest.raises(RuntimeError), store.transaction():
        store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["a", "b"])
        with store.transaction():
            store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["c", "d"])
        raise RuntimeError("boom")
    assert count() == 0
    with pytest.raises(store.backend.error), store.transaction():
        store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["a", "b"])
        store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["a", None])  # NOT NULL
    assert count() == 0
    with store.transaction():
        store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["a", "b"])
        with store.transaction():
            store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["c", "d"])
    assert count() == 2
    store.execute("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", ["e", "f"])  # autocommits
    assert count() == 3


def test_sequences_and_row_counts(new_store: StoreFactory, new_reference: StoreFactory) -> None:
    for store in (new_store(), new_reference()):
        store.insert_frame("texts_documents", _document("d1", MINHASH))
        ids = []
        for coder in ("ann", "bob", "cem"):
            ids.append(
                store.scalar(
                    "INSERT INTO texts_codings (doc_id, seg_no, start_pos, end_pos, code, coder, origin) "
                    "VALUES ('d1', 0, 0, 5, 'x', ?, 'manual') RETURNING coding_id",
                    [coder],
                )
            )
        assert ids == [1, 2, 3]
        assert store.execute("DELETE FROM texts_codings WHERE coding_id > ?", [1]).fetchall() == [(2,)]
        store.executemany("INSERT INTO kb_gaps (what, why) VALUES (?, ?)", [["a", "b"], ["c", "d"]])
        assert store.scalar("SELECT count(*) FROM kb_gaps") == 2


def test_dialect_fragments_answer_the_same(new_store: StoreFactory, new_reference: StoreFactory) -> None:
    answers = []
    for store in (new_store(), new_reference()):
        d = store.dialect
        store.insert_frame(
            "kb_gaps",
            pd.DataFrame(
                {
                    "org": ["sco", "eaeu", None],
                    "country": ["KAZ", None, "UZB"],
                    "what": ["w1", "w2", "w3"],
                    "why": ["y", "y", "y"],
                }
            ),
        )
        countries = {
            "iso3": ["KAZ", "UZB"],
            "name": ["Kazakhstan", "Uzbekistan"],
            "aliases": [["Qazaqstan"], None],
            "kind": ["state", "state"],
            "sources": [["s1", "s2"], ["s1"]],
        }
        store.insert_frame("kb_countries", pd.DataFrame(countries))
        answers.append(
            [
                store.rows(
                    f"SELECT what FROM kb_gaps WHERE {d.in_list('org')} ORDER BY what", [["sco", "x"]]
                ),
                store.rows(
                    f"SELECT what FROM kb_gaps WHERE {d.in_list('org', '$o')} ORDER BY what", {"o": []}
                ),
                store.rows(
                    f"SELECT iso3 FROM kb_countries WHERE {d.list_has('sources')} ORDER BY iso3", ["s2"]
                ),
                store.rows(f"SELECT {d.list_agg('what', distinct=True)} AS l FROM kb_gaps"),
                store.rows(f"SELECT iso3, {d.list_len('aliases')} AS n FROM kb_countries ORDER BY iso3"),
                store.rows(
                    f"SELECT {d.unnest('?')} AS day ORDER BY day", [[date(2020, 1, 2), date(2019, 1, 1)]]
                ),
                store.rows(f"SELECT what FROM kb_gaps WHERE {d.starts_with('what')} ORDER BY what", ["w"]),
                store.rows(f"SELECT {d.year_of('?')} AS y", [date(2021, 3, 4)]),
            ]
        )
    assert_same(answers[0], answers[1])
    assert answers[0][0] == [{"what": "w1"}] and answers[0][2] == [{"iso3": "KAZ"}]
    assert answers[0][4] == [{"iso3": "KAZ", "n": 1}, {"iso3": "UZB", "n": 0}]
