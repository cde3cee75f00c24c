"""Team mode on every backend: accounts, tokens and sessions, KB proposals with review and the
version check, blind coding, comparison and adjudication give the same answers; on PostgreSQL two
reviewers approving changes of one row from two connections at once never overwrite each other.

The accounts, proposals (sources at example.org) and the document are fixtures written here.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from steppe.errors import ConflictError
from steppe.kb.sync import ensure_kb
from steppe.store import Store, open_store
from steppe.team import coding as team_coding
from steppe.team import proposals as kbp
from steppe.team.auth import Accounts, User
from steppe.texts.coding import codings, load_into_store
from steppe.texts.corpus import add_documents

from .conftest import StoreFactory, assert_same, with_schema

SOURCE = {"source_url": "https://example.org/test-page", "accessed": "2026-12-01", "source_kind": "news"}
TARGET = "sco/TKM/partner/2012-06"
ALICE, BOB, CAROL = User("alice", "coder"), User("bob", "editor"), User("carol", "editor")
S = "ecdpm:structural"


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from steppe.team import auth

    monkeypatch.setattr(auth, "HASH_PARAMETERS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def _story(store: Store, folder: Path) -> dict[str, Any]:
    """Everything team mode does, on one store; the answers without times and random secrets."""
    ensure_kb(store)
    out: dict[str, Any] = {}
    accounts = Accounts(store)
    for name, role in (("alice", "coder"), ("bob", "editor"), ("carol", "editor"), ("dave", "coder")):
        accounts.add(name, role, "a long enough password")
    user = accounts.verify("alice", "a long enough password", client="test")
    token = accounts.create_token("alice", "script")
    session_id, _csrf = accounts.start_session(user)
    out["token_user"] = accounts.user_for_token(token)
    out["session_user"] = accounts.session(session_id)[0]  # type: ignore[index]
    accounts.end_session(session_id)
    out["after_sign_out"] = accounts.session(session_id)
    accounts.set_role("dave", "reader")
    out["users"] = [(u["name"], u["role"], u["tokens"]) for u in accounts.users()]

    cells = {"org": "sco", "country": "TKM", "role": "partner", "start": "2012-06", "confidence": "low"}
    first = kbp.propose("membership", cells, author=ALICE, store=store, **SOURCE)
    kbp.approve(first["proposal_id"], reviewer=BOB, note="ok", store=store)
    mine = kbp.propose(
        "membership", {"confidence": "medium"}, target=TARGET, author=ALICE, store=store, **SOURCE
    )
    theirs = kbp.propose("membership", {"note": "x"}, target=TARGET, author=CAROL, store=store, **SOURCE)
    kbp.approve(mine["proposal_id"], reviewer=CAROL, store=store)
    with pytest.raises(ConflictError, match="changed since by proposal #2"):
        kbp.approve(theirs["proposal_id"], reviewer=BOB, store=store)
    kbp.reject(theirs["proposal_id"], reviewer=BOB, note="stale", store=store)
    ensure_kb(store, force=True)  # reload the files, replay the approved proposals
    out["membership"] = store.rows(
        "SELECT org, country, role, start_date, start_precision, confidence, sources, note "
        "FROM kb_memberships WHERE org = 'sco' AND country = 'TKM'"
    )
    out["proposals"] = [
        (p["proposal_id"], p["status"], p["reviewer"], p["version"]) for p in kbp.proposals(store=store)
    ]
    out["history"] = [
        (
            h["event"],
            h["proposal_id"],
            h["result_key"],
            h["org"],
            h["country"],
            h["author"],
            h["reviewer"],
            h["note"],
        )
        for h in kbp.history(country="TKM", store=store)
    ]

    folder.mkdir(parents=True, exist_ok=True)
    doc = folder / "water-note.md"
    doc.write_text("Rivers tie the states together.\n\nA railway is financed abroad.\n\nThe summit ended.\n")
    add_documents([doc], store=store)
    load_into_store("ecdpm", store=store)
    team_coding.code("water-note", 0, S, user=ALICE, store=store)
    team_coding.code("water-note", 1, S, user=ALICE, store=store)
    team_coding.code("water-note", 0, S, user=User("erin", "coder"), store=store)
    out["blind"] = sorted(set(team_coding.visible_codings(ALICE, ["water-note"], store=store)["coder"]))
    result = team_coding.compare(["water-note"], "ecdpm", editor=BOB, store=store)
    out["agreement"] = result["agreement"]
    out["disagreements"] = result["disagreements"]
    out["open"] = sorted(set(team_coding.visible_codings(ALICE, ["water-note"], store=store)["coder"]))
    team_coding.adjudicate("water-note", 1, S, "applies", editor=BOB, note="yes", store=store)
    team_coding.adjudicate("water-note", 1, S, "does_not_apply", editor=CAROL, store=store)
    out["adjudications"] = [
        (a["seg_no"], a["code"], a["decision"], a["editor"], a["superseded_at"] is None)
        for a in team_coding.adjudications(history=True, store=store)
    ]
    live = codings(["water-note"], ["adjudicated"], include_removed=True, store=store)
    out["adjudicated_codings"] = live[["seg_no", "code", "origin", "removed_by"]].to_dict("records")
    accounts.remove("carol")
    out["users_after"] = [u["name"] for u in accounts.users()]
    return out


def test_team_mode_answers_the_same(
    new_store: StoreFactory, new_reference: StoreFactory, tmp_path: Path
) -> None:
    got = _story(new_store(), tmp_path / "a")
    want = _story(new_reference(), tmp_path / "b")
    assert got["membership"][0]["confidence"] == "medium" and got["membership"][0]["sources"] == [
        "proposal-1",
        "proposal-2",
    ]
    assert [h[0] for h in got["history"]] == [
        "proposed",
        "approved",
        "proposed",
        "proposed",
        "approved",
        "rejected",
    ]
    assert got["blind"] == ["alice"]  # erin's code is hidden until the comparison
    assert "erin" in got["open"]
    assert_same(got, want)


@pytest.mark.postgres
def test_two_approvals_of_one_row_at_once_on_postgresql(pg_admin: tuple[str, Any]) -> None:
    url, admin = pg_admin
    schema = f"steppe_t_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    first = open_store(with_schema(url, schema))
    second = open_store(with_schema(url, schema))
    try:
        ensure_kb(first)
        ensure_kb(second)
        cells = {"org": "sco", "country": "TKM", "role": "partner", "start": "2012-06", "confidence": "low"}
        made = kbp.propose("membership", cells, author=ALICE, store=first, **SOURCE)
        kbp.approve(made["proposal_id"], reviewer=BOB, store=first)
        one = kbp.propose(
            "membership", {"confidence": "high"}, target=TARGET, author=ALICE, store=first, **SOURCE
        )
        two = kbp.propose("membership", {"note": "race"}, target=TARGET, author=ALICE, store=first, **SOURCE)
        outcome: dict[str, str] = {}

        def approve_two() -> None:
            try:
                kbp.approve(two["proposal_id"], reviewer=CAROL, store=second)
                outcome["two"] = "approved"
            except ConflictError as exc:
                outcome["two"] = str(exc)

        with first.transaction():
            kbp.approve(one["proposal_id"], reviewer=BOB, store=first)  # holds the KB until commit
            thread = threading.Thread(target=approve_two)
            thread.start()
            time.sleep(1.0)
            assert "two" not in outcome  # the second approver waits
        thread.join(timeout=30)
        assert f"changed since by proposal #{one['proposal_id']}" in outcome["two"]
        rows = first.rows("SELECT confidence, note FROM kb_memberships WHERE org = 'sco' AND country = 'TKM'")
        assert rows == [{"confidence": "high", "note": None}]
    finally:
        first.close()
        second.close()
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
