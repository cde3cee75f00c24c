"""Fixtures shared by the browser tests under tests/e2e (charts gallery, report, web app)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def browser_page():
    """A 1,400 px wide headless Chromium page (Playwright driving Debian's chromium) that records
    console errors, page errors and every request it makes."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from steppe.report.build import CHROMIUM_FLAGS, find_chromium

    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no chromium on PATH: .ci/run must install Debian's chromium")
        pytest.skip("no chromium on PATH (.ci/run installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=exe, args=[f for f in CHROMIUM_FLAGS if f != "--headless"]
        )
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        pg = context.new_page()
        pg.errors = []
        pg.requests = []
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("request", lambda r: pg.requests.append(r.url))
        yield pg
        context.close()
        browser.close()
