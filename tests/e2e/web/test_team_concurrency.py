"""Twenty coders code the same corpus at once through the API on loopback, for a bounded time.

Every accepted coding is stored exactly once and none is lost; agreement computed from the store
afterwards equals agreement recomputed from the exported file. The corpus and the accounts are
fixtures written here.
"""

from __future__ import annotations

import csv
import random
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from steppe.store import open_store
from steppe.team.auth import Accounts

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import httpx

CODERS = 20
SECONDS = 8.0
DOCS = 3
PASSAGES = 8
CODES = ("ecdpm:structural", "ecdpm:institutions", "ecdpm:actors", "ecdpm:sectors", "ecdpm:hegemons")


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from steppe.team import auth

    monkeypatch.setattr(auth, "HASH_PARAMETERS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def corpus_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    from steppe.kb.sync import kb_store
    from steppe.texts.coding import load_into_store
    from steppe.texts.corpus import add_documents

    files = []
    for d in range(DOCS):
        path = tmp_path / f"brief-{d}.md"
        path.write_text(
            "\n\n".join(f"Brief {d}, passage {p}: water, power and roads." for p in range(PASSAGES))
        )
        files.append(path)
    db = tmp_path / "team.duckdb"
    store = kb_store(open_store(db))
    add_documents(files, store=store)
    load_into_store("ecdpm", store=store)
    accounts = Accounts(store)
    tokens = {}
    for i in range(CODERS):
        accounts.add(f"coder-{i:02d}", "coder", "a long enough password")
        tokens[f"coder-{i:02d}"] = accounts.create_token(f"coder-{i:02d}")
    store.close()
    return db, tokens


@pytest.fixture
def server(corpus_db: tuple[Path, dict[str, str]]) -> Iterator[str]:
    import uvicorn

    from steppe.web.app import create_app
    from tests.e2e.web.conftest import free_port

    port = free_port()
    app = create_app(corpus_db[0])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _code(base: str, name: str, token: str, stop: float, out: dict[str, Any]) -> None:
    rng = random.Random(name)  # each coder's own, reproducible choices
    accepted: set[tuple[str, int, str]] = set()
    ids: dict[tuple[str, int, str], int] = {}
    refused: list[int] = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while time.monotonic() < stop:
            unit = (f"brief-{rng.randrange(DOCS)}", rng.randrange(PASSAGES), rng.choice(CODES))
            answer = client.post(
                "/api/texts/codings", json={"doc_id": unit[0], "seg_no": unit[1], "code": unit[2]}
            )
            if answer.status_code == 200:
                body = answer.json()
                assert body["coder"] == name
                assert ids.setdefault(unit, body["coding_id"]) == body["coding_id"]  # re-coding: the same row
                accepted.add(unit)
            else:
                refused.append(answer.status_code)
    out[name] = {"accepted": accepted, "ids": ids, "refused": refused}


@pytest.mark.slow  # about 8 s: .ci/run's second pass
def test_twenty_coders_at_once(server: str, corpus_db: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    from steppe.texts.qdpx import export_csv
    from steppe.texts.query import agreement
    from steppe.texts.reliability import coding_reliability

    db, tokens = corpus_db
    results: dict[str, Any] = {}
    stop = time.monotonic() + SECONDS
    threads = [threading.Thread(target=_code, args=(server, n, t, stop, results)) for n, t in tokens.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 60)
    assert len(results) == CODERS, "a coder thread failed"
    total = sum(len(r["accepted"]) for r in results.values())
    assert total >= CODERS, f"only {total} codings were accepted in {SECONDS} s"
    print(f"{total} distinct codings accepted from {CODERS} coders in {SECONDS} s")
    assert all(not r["refused"] for r in results.values()), {n: r["refused"] for n, r in results.items()}

    with open_store(db) as store:
        from steppe.texts.coding import codings

        stored = codings(store=store)
        stored = stored[stored["origin"] == "manual"]
        # every accepted coding exactly once, none lost, nothing else
        assert not stored.duplicated(["doc_id", "seg_no", "code", "coder"]).any()
        assert {(r.doc_id, r.seg_no, r.code, r.coder) for r in stored.itertuples()} == {
            (*unit, name) for name, r in results.items() for unit in r["accepted"]
        }
        assert {int(i) for i in stored["coding_id"]} == {
            i for r in results.values() for i in r["ids"].values()
        }
        docs = [f"brief-{d}" for d in range(DOCS)]
        coders = sorted(tokens)
        in_store = agreement(coders, "ecdpm", docs, store=store)
        export_csv(tmp_path / "export", docs, store=store)
        units = pd.DataFrame([(d, p) for d in docs for p in range(PASSAGES)], columns=["doc_id", "seg_no"])
        codes = [
            r["code"]
            for r in store.rows("SELECT code FROM texts_codes WHERE codebook = 'ecdpm' ORDER BY position")
        ]

    with (tmp_path / "export" / "coded_segments.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["origin"] == "manual"]
    exported = pd.DataFrame(rows)[["doc_id", "seg_no", "code", "coder"]].astype({"seg_no": int})
    per_coder = {c: exported[exported["coder"] == c][["doc_id", "seg_no", "code"]] for c in coders}
    from_file = coding_reliability(units, per_coder, codes)
    for i, c in enumerate(coders):
        for r in from_file:
            r[f"n_{c}"] = r.pop(f"n_{i}")
    assert from_file == in_store
