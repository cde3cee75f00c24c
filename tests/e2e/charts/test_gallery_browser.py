"""Every chart kind renders in headless Chromium from one offline page; downloads work client-side.

Screenshots of each chart at 1400 px wide land in the test's tmp dir (``--basetemp DIR`` keeps
them somewhere known) for a reviewer to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe import charts
from tests.e2e.charts.gallery import NASTY, gallery

pytestmark = pytest.mark.browser

#: Elements that hold drawn data in plotly.js's SVG: traces, heatmap images, scatter points.
MARKS = "g.trace, g.hm, .heatmaplayer image"


def texts(locator) -> list[str]:
    """textContent of SVG elements (inner_text is empty for SVG)."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def open_gallery(page, store, tmp_path: Path) -> tuple[list[charts.Chart], Path]:
    built = gallery(store)
    out = tmp_path / "gallery.html"
    out.write_text(charts.page(built, title="steppe chart gallery"), "utf-8")
    page.goto(out.resolve().as_uri())
    page.wait_for_selector("html[data-steppe-charts=ready]", timeout=60_000)
    return built, out


def test_every_chart_kind_renders_offline_with_no_console_error(browser_page, store, tmp_path):
    page = browser_page
    built, _ = open_gallery(page, store, tmp_path)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    assert {c.kind for c in built} == {
        "line", "bars", "heatmap", "membership_matrix", "membership_timeline", "event_timeline", "network",
        "intervals",
    }  # fmt: skip
    for chart in built:
        fig = page.locator(f"figure#{chart.id}")
        assert fig.count() == 1, chart.id
        assert fig.locator("svg.main-svg").count() >= 1, chart.id
        assert fig.locator(MARKS).count() >= 1, chart.id
        box = fig.locator(".steppe-plot").bounding_box()
        assert box is not None and box["width"] > 1200 and box["height"] >= chart.height - 1, chart.id
        fig.screenshot(path=str(shots / f"{chart.id}.png"))
        assert (shots / f"{chart.id}.png").stat().st_size > 5_000, chart.id
        inside(fig, chart.id)
    assert page.errors == []
    assert {r.split(":", 1)[0] for r in page.requests} <= {"file", "blob", "data"}, page.requests
    page.screenshot(path=str(tmp_path / "gallery.png"), full_page=True)
    # narrower, as on a laptop or a printed page: legends and titles still whole
    page.set_viewport_size({"width": 900, "height": 900})
    page.evaluate("steppeCharts.resizeAll()")
    page.wait_for_timeout(800)
    for chart in built:
        fig = page.locator(f"figure#{chart.id}")
        inside(fig, chart.id)
        fig.screenshot(path=str(shots / f"{chart.id}-900.png"))
    assert page.errors == []


def inside(fig, name: str) -> None:
    """The legend and the title of a drawn chart lie within its frame (nothing cut off)."""
    frame = fig.locator(".steppe-plot").bounding_box()
    for part in ("g.legend", "g.g-gtitle"):
        for i in range(fig.locator(part).count()):
            box = fig.locator(part).nth(i).bounding_box()
            assert box["x"] >= frame["x"] - 1 and box["y"] >= frame["y"] - 1, (name, part)
            assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, (name, part)
            assert box["y"] + box["height"] <= frame["y"] + frame["height"] + 1, (name, part)


def test_text_is_drawn_literally_and_the_legend_is_whole(browser_page, store, tmp_path):
    page = browser_page
    open_gallery(page, store, tmp_path)
    ticks = texts(page.locator("figure#escaping .xtick text"))
    assert NASTY in ticks and "[bold]x[/bold]" in ticks and "Tom & Jerry's <i>" in ticks
    title = page.locator("figure#escaping .gtitle").first.text_content()
    assert NASTY in title
    # the legend of the grouped bars sits inside the figure, every entry in full
    fig = page.locator("figure#bars-grouped")
    legend = fig.locator("g.legend").bounding_box()
    plot = fig.locator(".steppe-plot").bounding_box()
    assert legend["x"] + legend["width"] <= plot["x"] + plot["width"] + 1
    assert texts(fig.locator("g.legend .legendtext")) == [
        "China", "Russia", "United States", "European Union", "Turkey", "Iran",
    ]  # fmt: skip
    # the compact timeline: one row per organisation, names, within a few hundred pixels per 30 rows
    timeline = page.locator("figure#membership-timeline")
    rows = texts(timeline.locator(".ytick text"))
    assert "Shanghai Cooperation Organisation" in rows and "sco" not in rows
    assert timeline.bounding_box()["height"] < 30 * len(rows) + 200


def test_data_and_image_download_in_the_browser(browser_page, store, tmp_path):
    page = browser_page
    built, _ = open_gallery(page, store, tmp_path)
    chart = next(c for c in built if c.id == "escaping")
    fig = page.locator("figure#escaping")
    with page.expect_download() as info:
        fig.locator("button[data-download=csv]").click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    assert info.value.suggested_filename == "escaping.csv"
    assert csv_path.read_bytes().decode("utf-8") == chart.to_csv()
    with page.expect_download() as info:
        fig.locator("button[data-download=json]").click()
    json_path = tmp_path / info.value.suggested_filename
    info.value.save_as(json_path)
    assert json_path.read_text("utf-8") == chart.to_json()
    with page.expect_download() as info:
        fig.locator("button[data-download=png]").click()
    png = tmp_path / "escaping.png"
    info.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    # the web app's way: a payload fetched as JSON, mounted into an empty element
    marks = page.evaluate(
        """p => { const d = document.createElement("div"); document.body.appendChild(d);
                  return steppeCharts.mount(d, p).then(() => d.querySelectorAll("g.trace").length); }""",
        chart.to_payload(),
    )
    assert marks >= 1
    assert page.errors == []
