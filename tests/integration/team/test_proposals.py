"""KB proposals with review: sources required, a different editor decides, approved rows enter the
effective KB with author, reviewer and time, every step is in the history, and concurrent edits
never overwrite each other silently.

The proposed facts here are test fixtures in a temporary store (sources at example.org), never
part of the bundled KB.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.errors import ConflictError, NotFoundError, PermissionDeniedError, UsageError, ValidationError
from steppe.kb import queries
from steppe.kb.sync import ensure_kb
from steppe.store import Store
from steppe.team import proposals as kbp
from steppe.team.auth import Accounts, User
from tests.e2e.cli_inprocess import invoke

SOURCE = {"source_url": "https://example.org/test-page", "accessed": "2026-12-01", "source_kind": "news"}
NEW_MEMBERSHIP = {"org": "sco", "country": "TKM", "role": "partner", "start": "2012-06", "confidence": "low"}
KEY = "sco/TKM/partner/2012-06"

ALICE = User("alice", "coder")
BOB = User("bob", "editor")
CAROL = User("carol", "editor")


@pytest.fixture
def team(store: Store) -> Store:
    accounts = Accounts(store)
    for name, role in (("alice", "coder"), ("bob", "editor"), ("carol", "editor"), ("rita", "reader")):
        accounts.add(name, role, "a long enough password")
    return store


def _count(store: Store, sql: str, params: list | None = None) -> int:
    return int(store.execute(sql, params or []).fetchone()[0])


def _tkm(store: Store) -> list[dict]:
    return store.rows("SELECT * FROM kb_memberships WHERE org = 'sco' AND country = 'TKM'")


def test_an_approved_proposal_enters_the_kb_with_author_reviewer_and_time(team: Store) -> None:
    p = kbp.propose(
        "membership", NEW_MEMBERSHIP, author=ALICE, reason="seen at the summit", store=team, **SOURCE
    )
    assert (p["status"], p["action"], p["author"]) == ("open", "add", "alice")
    assert _tkm(team) == []  # nothing enters the KB before review
    done = kbp.approve(p["proposal_id"], reviewer=BOB, note="checked", store=team)
    assert (done["status"], done["reviewer"]) == ("approved", "bob") and done["reviewed_at"] is not None
    rows = queries.members("sco", "2013-01-01", ["partner"], store=team)
    assert {"country": "TKM", "role": "partner", "start": "2012-06", "end": None, "uncertain": False,
            "sources": [f"proposal-{p['proposal_id']}"]} in rows  # fmt: skip
    source = queries.sources(f"proposal-{p['proposal_id']}", store=team)[0]
    assert (source["url"], str(source["accessed"]), source["kind"]) == (
        SOURCE["source_url"],
        "2026-12-01",
        "news",
    )
    log = kbp.history(country="TKM", store=team)
    assert [(h["event"], h["author"], h["reviewer"]) for h in log] == [
        ("proposed", "alice", None),
        ("approved", "alice", "bob"),
    ]
    assert log[1]["changed_at"] is not None and json.loads(log[1]["after_record"])["country"] == "TKM"
    assert kbp.history(org="sco", author="bob", store=team) == log[1:]
    assert kbp.history(country="KAZ", store=team) == []


def test_review_rights(team: Store) -> None:
    with pytest.raises(PermissionDeniedError, match="needs the coder role"):
        kbp.propose("membership", NEW_MEMBERSHIP, author=User("rita", "reader"), store=team, **SOURCE)
    p = kbp.propose("membership", NEW_MEMBERSHIP, author=BOB, store=team, **SOURCE)
    with pytest.raises(PermissionDeniedError, match="a different editor must review it"):
        kbp.approve(p["proposal_id"], reviewer=BOB, store=team)
    with pytest.raises(PermissionDeniedError, match="needs the editor role"):
        kbp.approve(p["proposal_id"], reviewer=ALICE, store=team)
    with pytest.raises(PermissionDeniedError, match="Only bob"):
        kbp.withdraw(p["proposal_id"], author=CAROL, store=team)
    assert kbp.reject(p["proposal_id"], reviewer=CAROL, note="no source", store=team)["status"] == "rejected"
    assert _tkm(team) == []


def test_a_source_url_and_access_date_are_required(team: Store) -> None:
    bad = [
        ({**SOURCE, "source_url": "example.org/page"}, UsageError, "not a web address"),
        ({**SOURCE, "accessed": "last week"}, UsageError, "not a date"),
        ({**SOURCE, "accessed": "2999-01-01"}, UsageError, "in the future"),
        ({**SOURCE, "source_kind": "blog"}, UsageError, "Source kind 'blog'"),
    ]
    for source, error, message in bad:
        with pytest.raises(error, match=message):
            kbp.propose("membership", NEW_MEMBERSHIP, author=ALICE, store=team, **source)
    with pytest.raises(TypeError):
        kbp.propose("membership", NEW_MEMBERSHIP, author=ALICE, store=team)  # type: ignore[call-arg]
    assert _count(team, "SELECT count(*) FROM kb_proposals") == 0


def test_a_proposal_that_breaks_a_kb_rule_is_refused(team: Store) -> None:
    cases = [
        ({**NEW_MEMBERSHIP, "org": "no-such-org"}, "unknown"),
        ({**NEW_MEMBERSHIP, "role": "guest"}, "'guest' is not one of"),
        ({**NEW_MEMBERSHIP, "start": "2012-13"}, "start"),
        ({**NEW_MEMBERSHIP, "colour": "blue"}, "not a field of memberships"),
        # Afghanistan's observer period in the bundled KB runs from 2012-06-07
        ({**NEW_MEMBERSHIP, "country": "AFG", "role": "observer", "start": "2013"}, "overlaps"),
    ]
    for cells, message in cases:
        with pytest.raises(ValidationError, match=message):
            kbp.propose("membership", cells, author=ALICE, store=team, **SOURCE)
    assert _count(team, "SELECT count(*) FROM kb_proposals") == 0
    with pytest.raises(UsageError, match="Unknown proposal kind"):
        kbp.propose("organisation", {}, author=ALICE, store=team, **SOURCE)


def test_concurrent_changes_never_overwrite_each_other(team: Store) -> None:
    first = kbp.propose("membership", NEW_MEMBERSHIP, author=ALICE, store=team, **SOURCE)
    kbp.approve(first["proposal_id"], reviewer=BOB, store=team)
    # two people change the same row from the same version
    mine = kbp.propose("membership", {"confidence": "medium"}, target=KEY, author=ALICE, store=team, **SOURCE)
    theirs = kbp.propose(
        "membership", {"note": "other wording"}, target=KEY, author=CAROL, store=team, **SOURCE
    )
    kbp.approve(mine["proposal_id"], reviewer=CAROL, store=team)
    after_first = _tkm(team)
    with pytest.raises(ConflictError) as conflict:
        kbp.approve(theirs["proposal_id"], reviewer=BOB, store=team)
    message = str(conflict.value)
    assert f"proposal #{mine['proposal_id']} by alice, approved by carol" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert _tkm(team) == after_first  # nothing overwritten
    assert kbp.proposal(theirs["proposal_id"], store=team)["status"] == "open"
    # the same proposal decided twice, or from a stale view
    with pytest.raises(ConflictError, match="already approved by carol"):
        kbp.reject(mine["proposal_id"], reviewer=BOB, store=team)
    with pytest.raises(ConflictError, match="changed since you opened it"):
        kbp.reject(theirs["proposal_id"], reviewer=BOB, version=7, store=team)
    kbp.reject(theirs["proposal_id"], reviewer=BOB, version=1, store=team)
    # an addition that someone else made first
    again = kbp.propose("event", _event("test-event-1"), author=ALICE, store=team, **SOURCE)
    same = kbp.propose("event", _event("test-event-1"), author=CAROL, store=team, **SOURCE)
    kbp.approve(again["proposal_id"], reviewer=BOB, store=team)
    with pytest.raises(ConflictError, match="entered the KB after the proposal was written"):
        kbp.approve(same["proposal_id"], reviewer=BOB, store=team)
    with pytest.raises(ConflictError, match="already has the event"):
        kbp.propose("event", _event("test-event-1"), author=ALICE, store=team, **SOURCE)
    with pytest.raises(NotFoundError, match="No membership 'sco/TKM/partner/1999'"):
        kbp.propose(
            "membership", {"note": "x"}, target="sco/TKM/partner/1999", author=ALICE, store=team, **SOURCE
        )


def _event(event_id: str) -> dict[str, str]:
    return {"id": event_id, "start": "2024-05", "type": "summit", "title": "A test summit",
            "participants": "KAZ; UZB", "orgs": "sco", "confidence": "low"}  # fmt: skip


def test_events_and_attributes_and_the_effective_kb_after_a_reload(
    team: Store, kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEPPE_KB", str(kb_copy))
    ensure_kb(team, force=True)
    event = kbp.propose("event", _event("test-event-2"), author=ALICE, store=team, **SOURCE)
    kbp.approve(event["proposal_id"], reviewer=BOB, store=team)
    attr = kbp.propose("org_attribute", {"note": "checked again"}, target="eco/secretariat/yes/",
                       author=ALICE, store=team, **SOURCE)  # fmt: skip
    kbp.approve(attr["proposal_id"], reviewer=BOB, store=team)
    member = kbp.propose("membership", NEW_MEMBERSHIP, author=ALICE, store=team, **SOURCE)
    kbp.approve(member["proposal_id"], reviewer=CAROL, store=team)
    assert [e["id"] for e in queries.events(country="UZB", start="2024-01-01", end="2024-12-31", store=team)
            if e["id"] == "test-event-2"] == ["test-event-2"]  # fmt: skip
    assert kbp.history(country="UZB", store=team)[-1]["event"] == "approved"
    note = "SELECT note FROM kb_org_attributes WHERE org = 'eco' AND attribute = 'secretariat'"
    assert team.execute(note).fetchone()[0] == "checked again"
    # a new release of the files now carries the same membership: the approved row replaces it
    with (kb_copy / "memberships.csv").open("a", encoding="utf-8") as f:
        f.write("sco,TKM,partner,2012-06,,medium,wiki-sco,from the files\n")
    assert ensure_kb(team)  # the files changed: reload, then replay the approved proposals
    assert len(_tkm(team)) == 1 and _tkm(team)[0]["confidence"] == "low"
    assert team.execute(note).fetchone()[0] == "checked again"
    assert _count(team, "SELECT count(*) FROM kb_events WHERE id = 'test-event-2'") == 1
    assert _count(team, "SELECT count(*) FROM kb_sources WHERE id LIKE 'proposal-%'") == 3


def test_cli_propose_review_and_history(team: Store) -> None:
    team.close()
    sets = [f"--set={k}={v}" for k, v in NEW_MEMBERSHIP.items()]
    made = invoke("kb", "propose", "membership", "--as", "alice", *sets, "--source-url", SOURCE["source_url"],
                  "--accessed", "2026-12-01", "--source-kind", "news", "-f", "json")  # fmt: skip
    assert made.code == 0, made.error
    pid = json.loads(made.stdout)[0]["proposal_id"]
    own = invoke("kb", "review", str(pid), "approve", "--as", "alice")
    assert own.code == 1 and "needs the editor role" in own.error
    assert invoke("kb", "review", str(pid), "approve", "--as", "bob", "--note", "ok").code == 0
    log = json.loads(invoke("kb", "history", "--country", "TKM", "-f", "json").stdout)
    assert [(h["event"], h["reviewer"]) for h in log] == [("proposed", None), ("approved", "bob")]
    assert invoke("kb", "history", "--author", "nobody").stdout.strip() == "No KB changes recorded."
    unknown = invoke("kb", "propose", "membership", "--as", "mallory", "--source-url", "https://x.org",
                     "--accessed", "2026-12-01", "--source-kind", "news")  # fmt: skip
    assert unknown.code == 2 and "No account named 'mallory'" in unknown.error
    shown = json.loads(invoke("kb", "proposal", str(pid), "-f", "json").stdout)
    assert shown["record"]["country"] == "TKM" and shown["status"] == "approved"
