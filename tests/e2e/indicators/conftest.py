"""A store filled from the shared mirror, and a headless Chromium page (Playwright + Debian chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.report.build import CHROMIUM_FLAGS

#: The report's own flags, less --headless (Playwright adds it).
CHROMIUM_ARGS = [f for f in CHROMIUM_FLAGS if f != "--headless"]


@pytest.fixture
def filled_db(isolated_env: Path, shared_data: Path) -> Path:
    """STEPPE_DB with the KB and every mirror dataset the report uses, closed so that the CLI opens it."""
    from steppe.kb.sync import kb_store
    from steppe.sources import fetch
    from steppe.store import open_store

    store = kb_store(open_store(isolated_env))
    try:
        for source, options in [
            ("imf_dots", {}),
            ("gravity", {}),
            ("comtrade", {}),
            ("aiddata", {}),
            ("wdi", {}),
            ("wdi", {"dataset": "gdp"}),
        ]:
            fetch(source, store=store, mirror=shared_data, **options)
    finally:
        store.close()
    return isolated_env


@pytest.fixture
def page():
    """A Chromium page that records console errors and page errors in ``page.errors``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from steppe.report.build import find_chromium

    exe = find_chromium()
    if exe is None:
        pytest.skip("no chromium on PATH (.ci/run installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1040, "height": 800})  # the report's print width
        pg.errors = []
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        yield pg
        browser.close()
