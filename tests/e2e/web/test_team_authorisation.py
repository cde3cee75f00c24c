"""Authorisation: every write endpoint, tried with every role and without a token.

Only the allowed roles succeed; a refused request writes nothing (the team, texts and KB tables
are digested before and after each one). Without any account the server is read-only. Pages
that write need the session's CSRF token. The document and accounts are fixtures written here.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from steppe.store import Store, open_store
from steppe.team import proposals as kbp
from steppe.team.auth import Accounts, User

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "a long enough password"
ROLES = ("reader", "coder", "editor", "admin")
RANK = {None: -1, "reader": 0, "coder": 1, "editor": 2, "admin": 3}
S = "ecdpm:structural"
DOC = "fixture-note"
SOURCE = {"source_url": "https://example.org/test-page", "accessed": "2026-12-01", "source_kind": "news"}
#: Tables a write may touch; last-use times are left out (reading a token is not a write).
TABLES = {
    "team_users": "name, role, password_hash",
    "team_tokens": "token_id, user_name, label, token_hash",
    "team_sessions": "session_hash, user_name",
    "texts_codings": "coding_id, doc_id, seg_no, code, coder, memo, removed_at",
    "texts_comparisons": "doc_id, codebook, opened_by",
    "texts_adjudications": "adjudication_id, decision, superseded_at",
    "kb_proposals": "proposal_id, status, reviewer, version",
    "kb_changes": "change_id",
    "kb_memberships": "org, country, role, start_date, confidence, note",
    "kb_sources": "id",
}


def digest(db: Path) -> str:
    with open_store(db) as store:
        parts = [
            json.dumps(store.rows(f"SELECT {cols} FROM {table} ORDER BY 1"), default=str, sort_keys=True)
            for table, cols in TABLES.items()
        ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from steppe.team import auth

    monkeypatch.setattr(auth, "HASH_PARAMETERS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KB, a 40-passage document, five small ones and the ECDPM codebook, built once."""
    from steppe.kb.sync import kb_store
    from steppe.texts.coding import load_into_store
    from steppe.texts.corpus import add_documents

    tmp_path = tmp_path_factory.mktemp("team-template")
    db = tmp_path / "team.duckdb"
    doc = tmp_path / "fixture-note.md"
    doc.write_text("\n\n".join(f"Passage {i} about water, energy and trade." for i in range(40)) + "\n")
    extras = []
    for i in range(5):
        extras.append(tmp_path / f"extra-{i}.md")
        extras[-1].write_text(f"Extra note {i}, first passage.\n\nExtra note {i}, second passage.\n")
    store = kb_store(open_store(db))
    add_documents([doc, *extras], store=store)
    load_into_store("ecdpm", store=store)
    store.close()
    return db


@pytest.fixture
def team_db(template_db: Path, tmp_path: Path) -> Path:
    import shutil

    db = tmp_path / "team.duckdb"
    shutil.copyfile(template_db, db)
    return db


def _accounts(db: Path) -> dict[str, str]:
    """One account per role (and a second editor and coder); their API tokens by role."""
    tokens = {}
    with open_store(db) as store:
        accounts = Accounts(store)
        for role in ROLES:
            accounts.add(f"the-{role}", role, PASSWORD)
            tokens[role] = accounts.create_token(f"the-{role}")
        accounts.add("other-editor", "editor", PASSWORD)
        accounts.add("other-coder", "coder", PASSWORD)
    return tokens


@pytest.fixture
def client(team_db: Path) -> Iterator[TestClient]:
    from steppe.web.app import create_app

    with TestClient(create_app(team_db)) as c:
        yield c


def _store_do(db: Path, act: Callable[[Store], Any]) -> Any:
    from steppe.kb.sync import kb_store

    with open_store(db) as store:
        return act(kb_store(store))


Prepare = Callable[[Path, "str | None", "str | None"], tuple[str, Any]]


class Case:
    """One write endpoint: its route, the weakest role allowed, and how to build a request for a
    requester (role, account name; None for nobody) on the current store."""

    def __init__(self, method: str, route: str, role: str, prepare: Prepare) -> None:
        self.method, self.route, self.role, self.prepare = method, route, role, prepare

    def __repr__(self) -> str:
        return f"{self.method} {self.route}"


def _slot(role: str | None) -> int:
    return RANK[role] + 1  # 0 .. 4, so each requester works on its own passage or name


def _as_store(db: Path, act: Callable[[Store], Any]) -> Any:
    from steppe.kb.sync import kb_store

    with open_store(db) as store:
        return act(kb_store(store))


def _proposal(db: Path, author: str) -> int:
    cells = {
        "org": "sco",
        "country": "TKM",
        "role": "partner",
        "start": f"{2000 + len(_open(db))}",
        "end": f"{2001 + len(_open(db))}",
        "confidence": "low",
    }
    made = _as_store(
        db, lambda s: kbp.propose("membership", cells, author=User(author, "coder"), store=s, **SOURCE)
    )
    return int(made["proposal_id"])


def _open(db: Path) -> list[dict[str, Any]]:
    return _as_store(db, lambda s: kbp.proposals(store=s))


def coding(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    return "/api/texts/codings", {"doc_id": DOC, "seg_no": _slot(role), "code": S, "memo": "m"}


def uncoding(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    from steppe.texts.coding import apply_code

    seg = 10 + _slot(role)
    _as_store(db, lambda s: apply_code(DOC, seg, S, name or "other-coder", store=s))
    return f"/api/texts/codings?doc_id={DOC}&seg_no={seg}&code={S}", None


def comparison(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    doc = f"extra-{_slot(role)}"  # a document nobody compared yet
    _two_coders(db, doc)
    return "/api/texts/comparisons", {"doc_ids": [doc], "codebook": "ecdpm"}


def _two_coders(db: Path, doc: str = DOC) -> None:
    from steppe.texts.coding import apply_code

    def act(s: Store) -> None:
        apply_code(doc, 1, S, "the-coder", store=s)
        apply_code(doc, 0, S, "other-coder", store=s)

    _as_store(db, act)


def adjudication(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    from steppe.team.coding import compare

    _two_coders(db)
    _as_store(db, lambda s: compare([DOC], "ecdpm", editor=User("other-editor", "editor"), store=s))
    return "/api/texts/adjudications", {
        "doc_id": DOC,
        "seg_no": 20 + _slot(role),
        "code": S,
        "decision": "applies",
    }


def proposal(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    cells = {
        "id": f"test-event-{_slot(role)}",
        "start": "2024-05",
        "type": "summit",
        "title": "A test summit",
        "orgs": "sco",
        "confidence": "low",
    }
    return "/api/kb/proposals", {"kind": "event", "cells": cells, **SOURCE}


def approval(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    return f"/api/kb/proposals/{_proposal(db, 'other-coder')}/approve", {"note": "ok"}


def rejection(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    return f"/api/kb/proposals/{_proposal(db, 'other-coder')}/reject", {"note": "no"}


def withdrawal(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    author = name if RANK[role] >= RANK["coder"] and name else "other-coder"
    return f"/api/kb/proposals/{_proposal(db, author)}/withdraw", None


def new_user(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    return "/api/users", {"name": f"new-{_slot(role)}", "role": "coder", "password": PASSWORD}


def new_role(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    return "/api/users/other-coder/role", {"role": ("reader", "coder")[_slot(role) % 2]}


_VICTIMS = itertools.count()


def removal(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    victim = f"victim-{next(_VICTIMS)}"
    _as_store(db, lambda s: Accounts(s).add(victim, "reader", PASSWORD))
    return f"/api/users/{victim}", None


def new_token(db: Path, role: str | None, name: str | None) -> tuple[str, Any]:
    return "/api/tokens", {"label": "script"}


CASES = [
    Case("POST", "/api/texts/codings", "coder", coding),
    Case("DELETE", "/api/texts/codings", "coder", uncoding),
    Case("POST", "/api/texts/comparisons", "editor", comparison),
    Case("POST", "/api/texts/adjudications", "editor", adjudication),
    Case("POST", "/api/kb/proposals", "coder", proposal),
    Case("POST", "/api/kb/proposals/{proposal_id}/approve", "editor", approval),
    Case("POST", "/api/kb/proposals/{proposal_id}/reject", "editor", rejection),
    Case("POST", "/api/kb/proposals/{proposal_id}/withdraw", "coder", withdrawal),
    Case("POST", "/api/users", "admin", new_user),
    Case("POST", "/api/users/{name}/role", "admin", new_role),
    Case("DELETE", "/api/users/{name}", "admin", removal),
    Case("POST", "/api/tokens", "reader", new_token),
]


def test_the_cases_cover_every_write_endpoint_of_the_api(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    writes = {
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method.upper() not in ("GET", "HEAD", "OPTIONS")
    }
    assert writes == {(c.method, c.route) for c in CASES}


def _send(client: TestClient, method: str, path: str, body: Any, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.request(method, path, json=body, headers=headers)


def _no_accounts(db: Path) -> None:
    def act(s: Store) -> None:
        accounts = Accounts(s)
        for u in accounts.users():
            accounts.remove(u["name"])

    _as_store(db, act)


def test_without_accounts_the_server_is_read_only(client: TestClient, team_db: Path) -> None:
    for case in CASES:
        path, body = case.prepare(team_db, None, None)
        _no_accounts(team_db)  # preparing a removal creates an account
        before = digest(team_db)
        answer = _send(client, case.method, path, body, None)
        assert answer.status_code == 403, (case, answer.text)
        assert "read-only" in answer.json()["detail"]
        assert digest(team_db) == before, case
    assert client.get("/api/health").json()["read_only"] is True


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_only_the_allowed_roles_write(client: TestClient, team_db: Path, case: Case) -> None:
    tokens = _accounts(team_db)
    requesters: list[tuple[str | None, str | None, str | None]] = [(None, None, None)]
    requesters.append((None, None, "stp_not-a-real-token"))
    requesters += [(role, f"the-{role}", tokens[role]) for role in ROLES]
    for role, name, token in requesters:
        path, body = case.prepare(team_db, role, name)
        before = digest(team_db)
        answer = _send(client, case.method, path, body, token)
        allowed = role is not None and RANK[role] >= RANK[case.role]
        if allowed:
            assert answer.status_code == 200, (case, role, answer.text)
            assert digest(team_db) != before, (case, role, "an allowed write changed nothing")
        else:
            assert answer.status_code in (401, 403), (case, role, answer.status_code, answer.text)
            assert digest(team_db) == before, (case, role, "a refused request wrote something")
    assert client.get("/api/health").json()["read_only"] is False


def test_an_editor_cannot_review_their_own_proposal(client: TestClient, team_db: Path) -> None:
    tokens = _accounts(team_db)
    pid = _proposal(team_db, "the-editor")
    before = digest(team_db)
    answer = _send(client, "POST", f"/api/kb/proposals/{pid}/approve", {}, tokens["editor"])
    assert answer.status_code == 403 and "different editor" in answer.json()["detail"]
    assert digest(team_db) == before


def _sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf, "next": "/team"},
        follow_redirects=False,
    )


def test_pages_write_only_with_the_sessions_csrf_token(client: TestClient, team_db: Path) -> None:
    _accounts(team_db)
    wrong = _sign_in(client, "the-coder", "not the password")
    assert wrong.status_code == 303 and "error=" in wrong.headers["location"]
    assert "steppe_session" not in client.cookies
    signed = _sign_in(client, "the-coder")
    assert signed.status_code == 303 and signed.headers["location"] == "/team"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    csrf = client.get("/api/me").json()["csrf"]
    assert client.get("/api/me").json()["name"] == "the-coder"
    form = {"seg_no": "30", "code": S, "memo": ""}
    for bad in ({}, {"csrf": "forged"}):
        before = digest(team_db)
        answer = client.post(f"/texts/{DOC}/code", data={**form, **bad}, follow_redirects=False)
        assert answer.status_code == 403, answer.text
        assert digest(team_db) == before
        api = client.post(
            "/api/texts/codings",
            json={"doc_id": DOC, "seg_no": 30, "code": S},
            headers={"X-CSRF-Token": bad.get("csrf", "")},
        )
        assert api.status_code == 403 and digest(team_db) == before
    done = client.post(f"/texts/{DOC}/code", data={**form, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    by_api = client.post(
        "/api/texts/codings", json={"doc_id": DOC, "seg_no": 31, "code": S}, headers={"X-CSRF-Token": csrf}
    )
    assert by_api.status_code == 200 and by_api.json()["coder"] == "the-coder"
    # a coder may not adjudicate or review, even with the right token
    before = digest(team_db)
    refused = client.post(
        f"/texts/{DOC}/adjudicate",
        data={"seg_no": "30", "code": S, "decision": "applies", "csrf": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 403 and digest(team_db) == before
    out = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/me").json()["authenticated"] is False
    before = digest(team_db)
    after_logout = client.post(f"/texts/{DOC}/code", data={**form, "csrf": csrf}, follow_redirects=False)
    assert after_logout.status_code == 401 and digest(team_db) == before


def test_sign_in_is_rate_limited(client: TestClient, team_db: Path) -> None:
    _accounts(team_db)
    for _ in range(5):
        _sign_in(client, "the-editor", "wrong password!")
    blocked = _sign_in(client, "the-editor")
    assert "Too%20many%20failed%20sign-ins" in blocked.headers["location"]
    assert "steppe_session" not in client.cookies


def test_login_form_without_its_csrf_cookie_is_refused(client: TestClient, team_db: Path) -> None:
    _accounts(team_db)
    answer = client.post(
        "/login", data={"name": "the-admin", "password": PASSWORD, "csrf": "x"}, follow_redirects=False
    )
    assert answer.status_code == 303 and "expired" in answer.headers["location"].replace("%20", " ")
    assert "steppe_session" not in client.cookies
