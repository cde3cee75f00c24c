"""In a browser: two coders sign in and code the same document differently; each sees only their
own codes; an editor opens the comparison, sees the disagreement and adjudicates it.

The document and the accounts are fixtures written here. Screenshots go to ``<tmp>/screenshots``
(a test artefact; ``pytest --basetemp=/tmp/web -m browser`` puts them in
``/tmp/web/test_two_coders_disagree_and0/screenshots``) for a reviewer to look at.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from steppe.store import open_store
from steppe.team.auth import Accounts

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
PASSAGES = [
    "Shared rivers tie the upstream and downstream states together.",
    "A new railway to the south is financed by an outside lender.",
    "The summit ended with a joint statement on water.",
]


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from steppe.team import auth

    monkeypatch.setattr(auth, "HASH_PARAMETERS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def team_server(tmp_path: Path) -> Iterator[str]:
    import uvicorn

    from steppe.kb.sync import kb_store
    from steppe.texts.coding import load_into_store
    from steppe.texts.corpus import add_documents
    from steppe.web.app import create_app
    from tests.e2e.web.conftest import free_port

    doc = tmp_path / "water-note.md"
    doc.write_text("\n\n".join(PASSAGES) + "\n", encoding="utf-8")
    db = tmp_path / "team.duckdb"
    store = kb_store(open_store(db))
    add_documents([doc], store=store)
    load_into_store("ecdpm", store=store)
    accounts = Accounts(store)
    for name, role in (("alice", "coder"), ("bob", "coder"), ("erin", "editor")):
        accounts.add(name, role, PASSWORD)
    store.close()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _shots(tmp_path: Path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login?next=/texts/water-note/code")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/texts/water-note/code")
    assert page.locator(".user").inner_text().startswith(name)


def _code(page: Any, seg: int, code: str, memo: str = "") -> None:
    form = page.locator(f"form.code-form[data-seg='{seg}']")
    form.locator("select").select_option(code)
    if memo:
        form.locator("input[name=memo]").fill(memo)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _seen(page: Any) -> set[tuple[str, str]]:
    items = page.locator("li.coding[data-code^='ecdpm:']")
    return {(items.nth(i).get_attribute("data-coder"), items.nth(i).get_attribute("data-code"))
            for i in range(items.count())}  # fmt: skip


def test_two_coders_disagree_and_an_editor_adjudicates(
    browser_page, team_server: str, tmp_path: Path
) -> None:
    page, base = browser_page, team_server
    shots = _shots(tmp_path)
    _sign_in(page, base, "alice")
    _code(page, 1, "ecdpm:hegemons", "outside lender")
    _code(page, 0, "ecdpm:structural")
    assert _seen(page) == {("alice", "ecdpm:hegemons"), ("alice", "ecdpm:structural")}
    page.screenshot(path=str(shots / "team-code-alice.png"), full_page=True)
    page.click("header .who button")  # sign out
    page.wait_for_url(f"{base}/")

    _sign_in(page, base, "bob")
    assert _seen(page) == set()  # blind: alice's codes are hidden from bob
    _code(page, 1, "ecdpm:sectors")
    _code(page, 0, "ecdpm:structural")
    assert _seen(page) == {("bob", "ecdpm:sectors"), ("bob", "ecdpm:structural")}
    page.click("header .who button")
    page.wait_for_url(f"{base}/")

    _sign_in(page, base, "erin")
    page.click("a.compare-link:has-text('ecdpm')")
    page.wait_for_url(f"{base}/texts/water-note/compare-coders?codebook=ecdpm")
    rows = page.locator("table.agreement tbody tr")
    codes = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert "ecdpm:structural" in codes and "(overall)" in codes
    disagreements = page.locator("section.disagreement")
    assert disagreements.count() == 2  # passage 1: hegemons (alice) and sectors (bob)
    hegemons = page.locator("section.disagreement:has-text('ecdpm:hegemons')")
    assert "applied by alice; not by bob" in hegemons.inner_text()
    page.screenshot(path=str(shots / "team-compare-before.png"), full_page=True)
    hegemons.locator("input[name=note]").fill("the lender is an outside power")
    hegemons.locator("button[value=applies]").click()
    page.wait_for_load_state()
    assert "Recorded: segment 1, ecdpm:hegemons: applies." in page.locator("p.note[role=status]").inner_text()
    decided = page.locator("section.disagreement:has-text('ecdpm:hegemons') .decision")
    assert decided.inner_text() == "Adjudicated: applies"
    page.screenshot(path=str(shots / "team-compare-after.png"), full_page=True)
    assert not page.errors, page.errors
    assert all(url.startswith(base) for url in page.requests), [
        u for u in page.requests if not u.startswith(base)
    ]

    with open_store(tmp_path / "team.duckdb") as store:
        from steppe.texts.coding import codings

        adjudicated = codings(["water-note"], ["adjudicated"], store=store)
        assert adjudicated[["seg_no", "code", "memo"]].values.tolist() == [
            [1, "ecdpm:hegemons", "the lender is an outside power"]
        ]
