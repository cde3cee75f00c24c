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
from steppe.store import adjudication as store_adjudication
from steppe.store import team as store_team
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


# -- one key stored from two sessions at once --------------------------------------------------

PASSWORD = "a long enough password"
TAKEN = "Account 'erin' already exists; choose another name or change its role."


def test_a_name_taken_after_the_check_gets_the_same_sentence(
    new_store: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The insert itself refuses a taken name (here the check before it is made blind)."""
    accounts = Accounts(new_store())
    accounts.add("erin", "coder", PASSWORD)
    with monkeypatch.context() as patch:
        patch.setattr(store_team, "user", lambda store, name: None)
        with pytest.raises(ConflictError) as caught:
            accounts.add("erin", "admin", "another long password")
    assert str(caught.value) == TAKEN
    assert [(u["name"], u["role"]) for u in accounts.users()] == [("erin", "coder")]
    assert accounts.verify("erin", PASSWORD, client="test").role == "coder"
    accounts.add("frank", "reader", PASSWORD)  # the store goes on as usual


def test_one_name_created_from_two_sessions_at_once(
    two_sessions: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both sessions pass the "is the name free?" check before either commits: one account is
    stored and the other session gets the sequential duplicate's sentence, never a database error.
    (PostgreSQL: the second insert waits for the first transaction, then fails on the key; DuckDB:
    the second session commits first and the first session's commit fails on the key.)"""
    first, second = two_sessions
    checked = threading.Event()
    real_user = store_team.user

    def user(store: Store, name: str) -> dict[str, Any] | None:
        found = real_user(store, name)
        if store is second:
            checked.set()  # the second session's check has passed
        return found

    monkeypatch.setattr(store_team, "user", user)
    outcome: dict[str, str] = {}

    def add_second() -> None:
        try:
            Accounts(second).add("erin", "admin", "another long password")
            outcome["admin"] = "stored"
        except ConflictError as exc:
            outcome["admin"] = str(exc)

    thread = threading.Thread(target=add_second)
    try:
        with first.transaction():
            Accounts(first).add("erin", "coder", PASSWORD)  # inserted, not committed
            thread.start()
            assert checked.wait(30)
            thread.join(timeout=1.0)
        outcome["coder"] = "stored"
    except ConflictError as exc:
        outcome["coder"] = str(exc)
    thread.join(timeout=30)
    assert sorted(outcome.values()) == sorted(["stored", TAKEN]), outcome
    winner = next(role for role, result in outcome.items() if result == "stored")
    for store in (first, second):
        assert [(u["name"], u["role"]) for u in Accounts(store).users()] == [("erin", winner)]
    Accounts(first).add("frank", "reader", PASSWORD)  # both sessions go on as usual
    assert [u["name"] for u in Accounts(second).users()] == ["erin", "frank"]


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_one_comparison_opened_from_two_sessions_at_once_on_postgresql(
    two_sessions: tuple[Store, Store],
) -> None:
    """Opening a comparison is idempotent even when two editors open it at the same moment."""
    first, second = two_sessions
    outcome: dict[str, Any] = {}

    def open_second() -> None:
        try:
            outcome["carol"] = store_adjudication.open_comparison(second, "doc", "ecdpm", "carol")
        except Exception as exc:  # the test reports what the second editor got
            outcome["carol"] = exc

    thread = threading.Thread(target=open_second)
    with first.transaction():
        assert store_adjudication.open_comparison(first, "doc", "ecdpm", "bob")
        thread.start()
        thread.join(timeout=1.0)
        assert "carol" not in outcome  # the second editor waits for the first
    thread.join(timeout=30)
    assert outcome["carol"] is False
    assert [r["opened_by"] for r in store_adjudication.comparisons(first)] == ["bob"]
