"""The dashboard in headless Chromium (Playwright driving Debian's chromium) over the mirror data.

Every page opens without a script error, every chart slot draws a chart with data (or, where the
store cannot fill it, says which command would), the as-of slider and the region selector
change what is drawn and the URL, a chart's CSV downloads, and no request leaves the server.
Screenshots of every page at 1,400 px wide go to ``<tmp>/screenshots`` (a test artefact):

    .venv/bin/python -m pytest -m browser tests/e2e/web --basetemp /tmp/web
    ls /tmp/web/screenshots0/
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

DOC_A = "000-05cae511a4d77df8"
DOC_B = "004-cb46a96fa8e4ee38"
FRAMEWORKS = ("regionness", "openness-commitment", "li", "ecdpm", "tone")
PAGES = {
    "overview": "/",
    "institutions": "/institutions?as_of=2016-01-01",
    "organisation-sco": "/institutions/sco",
    "trade": "/trade",
    "trade-members": "/trade?indicator=members&region=c5&view=reconciled",
    "trade-intensity": "/trade?indicator=intensity",
    "dependence": "/dependence?country=KAZ",
    "index": "/index",
    "gravity": "/gravity",
    "texts": "/texts",
    "document": f"/texts/{DOC_A}",
    "compare": f"/texts/compare?a={DOC_A}&b={DOC_B}",
    "frameworks": "/frameworks",
    **{f"framework-{n}": f"/frameworks/{n}" for n in FRAMEWORKS},
    "sources": "/sources",
    "api-docs": "/api/docs",
}
#: Slots that may stay empty on the mirror data, with the reason the page must give.
MAY_BE_EMPTY = {"framework-ecdpm-0": "steppe frameworks", "framework-tone-0": "framework"}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def wait_ready(page, loads: int = 0) -> None:
    """Until every slot of the page is drawn (after the ``loads``-th refresh)."""
    page.wait_for_function(
        "n => document.documentElement.getAttribute('data-web-state') === 'ready'"
        " && Number(document.documentElement.getAttribute('data-web-loads') || 0) > n",
        arg=loads,
        timeout=60_000,
    )


def loads(page) -> int:
    return int(page.evaluate("document.documentElement.getAttribute('data-web-loads') || 0"))


def plotted(page, slot: str) -> str:
    """The data drawn in a slot's plot, as JSON (to compare before and after a change)."""
    return page.evaluate(
        """id => {
        const div = document.querySelector('#slot-' + id + ' .steppe-plot');
        const keep = t => [t.name, t.x, t.y, t.z, t.text, t.hovertext, t.customdata, t.line && t.line.width];
        return div && div.data ? JSON.stringify(div.data.map(keep)) : '';
    }""",
        slot,
    )


def only_server(page, base: str) -> None:
    foreign = [u for u in page.requests if not (u.startswith(base) or u.startswith(("data:", "blob:")))]
    assert foreign == [], f"requests to other hosts: {foreign[:5]}"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_its_charts(name, live_server, browser_page, shots):
    page = browser_page
    response = page.goto(live_server + PAGES[name])
    assert response is not None and response.status == 200, name
    wait_ready(page)
    slots = page.eval_on_selector_all(
        "section.slot",
        "els => els.map(e => ({id: e.id.slice(5), state: e.getAttribute('data-state'),"
        " rows: Number(e.getAttribute('data-rows')), drawn: !!e.querySelector('.js-plotly-plot .main-svg'),"
        " empty: e.querySelector('.slot-empty').textContent,"
        " sources: e.querySelectorAll('.slot-sources a').length}))",
    )
    for slot in slots:
        if slot["id"] in MAY_BE_EMPTY and slot["state"] == "empty":
            assert MAY_BE_EMPTY[slot["id"]] in slot["empty"], slot
            continue
        assert slot["state"] == "chart", f"{name}: {slot}"
        assert slot["drawn"] and slot["rows"] > 0, f"{name}: {slot}"
        assert slot["sources"] > 0, f"{name}: slot {slot['id']} links no source"
    assert page.errors == [], f"{name}: {page.errors}"
    only_server(page, live_server)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_pages_have_charts_where_expected(live_server, browser_page):
    """The pages that are about charts have them (a page without slots would pass vacuously)."""
    page = browser_page
    for path, at_least in [
        ("/institutions", 4),
        ("/trade", 1),
        ("/dependence", 4),
        ("/index", 2),
        ("/gravity", 2),  # a run's coefficients and a stored counterfactual
        ("/frameworks/li", 1),
    ]:
        page.goto(live_server + path)
        wait_ready(page)
        assert page.locator("section.slot[data-state=chart]").count() >= at_least, path


def test_overview_numbers_link_to_their_sources(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/")
    wait_ready(page)
    cards = page.locator(".card")
    assert cards.count() >= 4
    for i in range(cards.count()):
        card = cards.nth(i)
        assert card.locator(".value a").count() == 1
        hrefs = card.locator(".sources a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all(h.startswith("/sources#") for h in hrefs), hrefs
    # a dataset link lands on its row of the sources page
    href = page.locator(".card .sources a[href^='/sources#dataset-']").first.get_attribute("href")
    page.goto(live_server + href)
    assert page.locator(f'[id="{href.removeprefix("/sources#")}"]').count() == 1


def test_as_of_slider_changes_the_overlap_and_the_url(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/institutions?as_of=1995-06-01")
    wait_ready(page)
    before = {s: plotted(page, s) for s in ("overlap", "network")}
    assert before["overlap"]
    n = loads(page)
    page.locator("[data-asof-slider]").fill("2020")
    wait_ready(page, n)
    after = {s: plotted(page, s) for s in ("overlap", "network")}
    assert after["overlap"] != before["overlap"]
    assert after["network"] != before["network"]
    assert parse_qs(urlparse(page.url).query)["as_of"] == ["2020-06-01"]
    assert "2020-06-01" in page.locator("#slot-overlap .gtitle").text_content()
    # the address restores the state: opening it again draws the same chart
    page.goto(page.url)
    wait_ready(page)
    assert plotted(page, "overlap") == after["overlap"]
    assert page.errors == []
    only_server(page, live_server)


def test_region_selector_changes_the_trade_chart(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/trade?indicator=members&region=c5&view=reconciled")
    wait_ready(page)
    before = plotted(page, "trade")
    n = loads(page)
    page.select_option("#region", "c5_afg")
    wait_ready(page, n)
    after = plotted(page, "trade")
    assert after and after != before
    assert "Afghanistan" in page.locator("#slot-trade .gtitle").text_content()
    assert parse_qs(urlparse(page.url).query)["region"] == ["c5_afg"]
    assert page.errors == []


def test_state_selector_changes_the_dependence_charts(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/dependence?country=KAZ")
    wait_ready(page)
    before = plotted(page, "dep-powers")
    n = loads(page)
    page.select_option("#country", "UZB")
    wait_ready(page, n)
    assert plotted(page, "dep-powers") != before
    assert "Uzbekistan" in page.locator("#slot-dep-powers .gtitle").text_content()
    assert parse_qs(urlparse(page.url).query)["country"] == ["UZB"]


def test_index_weights_recompute_the_scores(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/index")
    wait_ready(page)
    before = plotted(page, "index-scores")
    n = loads(page)
    first = page.locator("[data-dimension]").first
    first.fill("5")
    first.dispatch_event("change")
    wait_ready(page, n)
    assert plotted(page, "index-scores") != before
    assert "weights" in parse_qs(urlparse(page.url).query)


def test_chart_csv_downloads_with_the_drawn_data(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/trade?indicator=regional")
    wait_ready(page)
    payload = page.evaluate(
        "fetch('/api/charts/trade' + window.location.search.replace('?', '?')).then(r => r.json())"
    )
    with page.expect_download() as info:
        page.click("#slot-trade [data-download=csv]")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {"year", "intra_share", "region"} <= set(rows[0])
    assert len(rows) == len(json.loads(payload["chart"]["json"])["rows"])
    only_server(page, live_server)


def test_stored_counterfactual_draws_every_country(live_server, browser_page):
    """The gravity page draws the stored counterfactual (fill_store stores the Guide's border
    removal): one bar per country, sorted, its data and image downloads offered."""
    from tests.e2e.web.conftest import COUNTERFACTUAL_SPEC

    page = browser_page
    page.goto(live_server + "/gravity")
    wait_ready(page)
    slot = f"gravity-cf-{COUNTERFACTUAL_SPEC}"
    assert page.locator(f"#slot-{slot}").get_attribute("data-state") == "chart"
    assert page.locator(f"#slot-{slot}").get_attribute("data-rows") == "69"
    (trace,) = json.loads(plotted(page, slot))
    names, values = trace[1], trace[2]  # vertical bars: countries on x, changes on y
    assert len(names) == 69 and values == sorted(values, reverse=True)
    assert "Germany" in names  # display names from the KB
    for kind in ("csv", "json", "png"):
        assert page.locator(f"#slot-{slot} [data-download={kind}]").count() == 1, kind
    assert (
        "intl_brdr set to 0 for every international pair"
        in page.locator(f"#cf-{COUNTERFACTUAL_SPEC}").text_content()
    )
    assert page.errors == []
    only_server(page, live_server)


def test_document_comparison_draws_its_profile(live_server, browser_page):
    page = browser_page
    page.goto(live_server + f"/texts/compare?a={DOC_A}&b={DOC_B}")
    page.wait_for_function("document.documentElement.getAttribute('data-steppe-charts') === 'ready'")
    assert page.locator("#texts-compare .js-plotly-plot .main-svg").count() >= 1
    links = page.locator(f"table a[href^='/texts/{DOC_A}#seg-']")
    assert links.count() > 0
    links.first.click()
    page.wait_for_url(f"**/texts/{DOC_A}#seg-*")
    assert page.errors == []
