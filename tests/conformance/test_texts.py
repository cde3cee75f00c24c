"""Texts on every backend: documents, segments, actor mentions, codebooks, codings by several
coders, suggestions with decisions, agreement, queries and exports give the same answers.

The two documents are written for this test (plain sentences about the region's formats), so
the suite needs nothing outside the repository.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from steppe.kb.sync import ensure_kb
from steppe.store import Store
from steppe.store import texts as store_texts
from steppe.texts import coding, query, suggest
from steppe.texts.corpus import add_documents

from .conftest import BACKENDS, StoreFactory, assert_same, module_pair

DOCS = {
    "summit.txt": (
        "Joint statement of the Consultative Meeting of the Heads of State of Central Asia.\n\n"
        "Kazakhstan and Uzbekistan agreed to deepen transport links and to simplify border crossings "
        "for regional trade.\n\n"
        "The leaders welcomed the Shanghai Cooperation Organisation and the C5+1 format with the "
        "United States as platforms for dialogue, while stressing that regional cooperation must be "
        "led by the states of Central Asia themselves.\n\n"
        "Water and energy management in the Syr Darya and Amu Darya basins remains a shared concern "
        "of Kyrgyzstan, Tajikistan and Uzbekistan."
    ),
    "briefing.txt": (
        "Briefing: China and Russia in Central Asia.\n\n"
        "China finances roads and railways under the Belt and Road Initiative, and Kazakhstan hosts "
        "the main overland corridors.\n\n"
        "Russia leads the Eurasian Economic Union and the Collective Security Treaty Organization, "
        "of which Kyrgyzstan and Tajikistan are members.\n\n"
        "Turkmenistan keeps its neutrality and stays outside both organisations."
    ),
}


def _prepare(store: Store, folder: Path) -> list[str]:
    ensure_kb(store)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[str | Path] = []
    for name, text in DOCS.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    added = add_documents(paths, store=store, meta={"date": "2024", "kind": "statement"})
    coding.load_into_store("ecdpm", store=store)
    ids = [row["id"] for row in added]
    first, second = ids
    for coder, plan in {
        "alice": [
            (first, 1, "ecdpm:structural"),
            (first, 2, "ecdpm:hegemons"),
            (second, 1, "ecdpm:hegemons"),
            (second, 2, "ecdpm:institutions"),
        ],
        "bob": [
            (first, 1, "ecdpm:structural"),
            (first, 2, "ecdpm:actors"),
            (second, 1, "ecdpm:hegemons"),
            (second, 3, "ecdpm:actors"),
        ],
    }.items():
        for doc, seg, code in plan:
            coding.apply_code(doc, seg, code, coder, memo=f"{coder} on {seg}", store=store)
    coding.remove_code(second, 3, "ecdpm:actors", "bob", store=store)
    coding.set_memo(first, 1, "ecdpm:structural", "alice", "transport and borders", store=store)
    return ids


@pytest.fixture(scope="module", params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, Store, list[str]]:
    """Both stores with the KB, the two documents and the codings, once per module; the test that
    writes (suggestions) gets stores of its own (``fresh_pair``)."""
    store, reference = module_pair(request, tmp_path_factory)
    folder = tmp_path_factory.mktemp("docs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STEPPE_STARTER", "0")
        ids = _prepare(store, folder)
        if reference is not store:
            assert _prepare(reference, folder) == ids
    return store, reference, ids


@pytest.fixture
def fresh_pair(
    new_store: StoreFactory, new_reference: StoreFactory, tmp_path: Path
) -> tuple[Store, Store, list[str]]:
    """Two stores of their own (the test writes suggestions to both; on DuckDB too)."""
    store, reference = new_store(), new_reference()
    ids = _prepare(store, tmp_path / "docs")
    assert _prepare(reference, tmp_path / "docs") == ids
    return store, reference, ids


def _drop(rows: list[dict], *keys: str) -> list[dict]:
    """Rows without columns that hold the time of writing (different in two stores by nature)."""
    return [{k: v for k, v in r.items() if k not in keys} for r in rows]


STAMPS = ("created_at", "removed_at", "added_at", "loaded_at", "decided_at")


def test_documents_segments_and_mentions(pair: tuple[Store, Store, list[str]]) -> None:
    store, reference, _ids = pair
    for sql in (
        "SELECT * FROM texts_documents ORDER BY doc_id",
        "SELECT * FROM texts_segments ORDER BY doc_id, seg_no",
        "SELECT * FROM texts_mentions ORDER BY doc_id, seg_no, start_pos, actor",
        "SELECT * FROM texts_codes ORDER BY code",
    ):
        assert_same(_drop(store.rows(sql), *STAMPS), _drop(reference.rows(sql), *STAMPS))
    actors = {r["actor"] for r in store.rows("SELECT actor FROM texts_mentions")}
    assert {"KAZ", "UZB", "sco", "eaeu"} <= actors
    assert_same(query.actors(store=store), query.actors(store=reference))
    assert_same(query.kwic("Kazakhstan", store=store), query.kwic("Kazakhstan", store=reference))


def test_codings_agreement_and_queries(pair: tuple[Store, Store, list[str]]) -> None:
    store, reference, _ids = pair
    live = coding.codings(store=store).drop(columns=list(STAMPS), errors="ignore")
    assert_same(live, coding.codings(store=reference).drop(columns=list(STAMPS), errors="ignore"))
    history = coding.codings(include_removed=True, store=store)
    assert history["removed_by"].dropna().tolist() == ["bob"]
    got = query.agreement(["alice", "bob"], "ecdpm", store=store)
    assert_same(got, query.agreement(["alice", "bob"], "ecdpm", store=reference))
    structural = next(r for r in got if r.get("code") == "ecdpm:structural")
    assert structural["n_alice"] == structural["n_bob"] == 1
    assert_same(
        query.frequencies(codebook="ecdpm", store=store), query.frequencies(codebook="ecdpm", store=reference)
    )
    assert_same(query.crosstab("ecdpm", store=store), query.crosstab("ecdpm", store=reference))
    assert_same(query.cooccurrence("ecdpm", store=store), query.cooccurrence("ecdpm", store=reference))


def test_suggestions_and_decisions(fresh_pair: tuple[Store, Store, list[str]]) -> None:
    store, reference, ids = fresh_pair
    got = suggest.suggest(ids, "ecdpm", threshold=0.01, store=store)
    want = suggest.suggest(ids, "ecdpm", threshold=0.01, store=reference)
    assert not got.empty
    assert_same(
        got.drop(columns=list(STAMPS), errors="ignore"), want.drop(columns=list(STAMPS), errors="ignore")
    )
    first = [int(x) for x in got["suggestion_id"].head(2)]
    decided = suggest.decide(first, "accepted", "alice", store=store)
    assert_same(
        _drop(decided, *STAMPS), _drop(suggest.decide(first, "accepted", "alice", store=reference), *STAMPS)
    )
    sql = "SELECT suggestion_id, decision, decided_by FROM texts_suggestions ORDER BY suggestion_id"
    assert_same(store.rows(sql), reference.rows(sql))


def _actor_codes(*codes: str) -> pd.DataFrame:
    names = [c.split(":")[1] for c in codes]
    return pd.DataFrame({"code": list(codes), "codebook": "actors", "name": names, "position": 0})


@pytest.mark.parametrize("backend", BACKENDS)
def test_codes_already_stored_or_repeated_are_added_once(new_store: StoreFactory) -> None:
    store = new_store()
    store_texts.ensure_codebook_row(store, "actors", "Actors", "test")
    store_texts.ensure_codes(store, _actor_codes("actors:KAZ", "actors:KAZ"))  # repeated in one call
    store_texts.ensure_codes(store, _actor_codes("actors:KAZ", "actors:UZB"))  # one already stored
    assert [c["code"] for c in store_texts.codes(store, "actors")] == ["actors:KAZ", "actors:UZB"]


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_one_code_added_from_two_sessions_at_once_on_postgresql(two_sessions: tuple[Store, Store]) -> None:
    """Two sessions recognising the same new actor at once store its code once; neither fails."""
    first, second = two_sessions
    store_texts.ensure_codebook_row(first, "actors", "Actors", "test")
    outcome: dict[str, Any] = {}

    def add_second() -> None:
        try:
            store_texts.ensure_codes(second, _actor_codes("actors:TKM"))
            outcome["second"] = "stored"
        except Exception as exc:  # the test reports what the second session got
            outcome["second"] = exc

    thread = threading.Thread(target=add_second)
    with first.transaction():
        store_texts.ensure_codes(first, _actor_codes("actors:TKM"))
        thread.start()
        thread.join(timeout=1.0)
        assert "second" not in outcome  # the second session waits for the first to commit
    thread.join(timeout=30)
    assert outcome["second"] == "stored"
    assert [c["code"] for c in store_texts.codes(second, "actors")] == ["actors:TKM"]
