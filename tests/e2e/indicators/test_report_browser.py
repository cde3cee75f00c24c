"""The Central Asia report opens in headless Chromium with no console errors and every section rendered.

Screenshots of the whole page and of each section are written under the test's tmp path (test
artefacts for a reviewer, never committed): ``pytest -m browser tests/e2e/indicators --basetemp DIR``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.report.build import SECTIONS

DATA_SECTIONS = ("trade", "dependence", "index")


pytestmark = pytest.mark.browser  # headless Chromium: .ci/run's second pass


def build(cli, out: Path, *extra: str) -> dict:
    result = cli("report", "central-asia", "--out", str(out), "--draws", "30", "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    # the seed frameworks' sections (framework-<name>) sit between the data sections and the appendix
    assert [s for s in info["sections"] if not s.startswith("framework-")] == list(SECTIONS)
    assert "framework-regionness" in info["sections"]
    return info


def open_report(page, out: Path) -> None:
    """Open the report and wait until plotly.js has drawn every chart (the bootstrap's flag)."""
    page.goto(out.resolve().as_uri())
    page.wait_for_selector("html[data-steppe-charts=ready]", timeout=60_000)


def check_sections(page, shots: Path) -> dict[str, int]:
    charts = {}
    for sid in SECTIONS:
        section = page.locator(f"section#{sid}")
        assert section.count() == 1, sid
        box = section.bounding_box()
        assert box is not None and box["height"] > 80, sid
        assert section.locator("h2").inner_text().strip()
        section.screenshot(path=str(shots / f"{sid}.png"))
        assert (shots / f"{sid}.png").stat().st_size > 1000
        charts[sid] = section.locator(".steppe-chart .main-svg").count()
    page.screenshot(path=str(shots / "report.png"), full_page=True)
    return charts


def test_report_on_a_fresh_store_renders_kb_and_names_the_fetch_commands(cli, page, tmp_path):
    out = tmp_path / "report.html"
    info = build(cli, out)
    assert set(info["missing"]) == set(DATA_SECTIONS)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_report(page, out)
    charts = check_sections(page, tmp_path)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert charts["membership"] >= 1 and charts["events"] >= 1
    for sid in DATA_SECTIONS:
        text = page.locator(f"section#{sid} .missing").first.inner_text()
        assert "steppe fetch" in text, sid
    assert "steppe fetch imf_dots" in page.locator("section#trade").inner_text()
    assert page.errors == []
    # the summary opens the report; names, not slugs, in the membership chart's data
    assert page.locator("section#summary .card").count() >= 5
    assert "Shanghai Cooperation Organisation" in page.locator("section#membership").inner_text()
    # offline: the runtime is inlined; no script, stylesheet or image is loaded from anywhere
    assert "<script src=" not in out.read_text("utf-8")
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []


@pytest.mark.slow
def test_report_with_mirror_data_renders_every_chart(cli, page, tmp_path, filled_db):
    out = tmp_path / "report.html"
    info = build(cli, out)
    assert info["missing"] == {}
    open_report(page, out)
    charts = check_sections(page, tmp_path)
    assert charts["trade"] >= 3 and charts["dependence"] >= 5 and charts["index"] >= 1
    # every data section drew its data; the KB's known gaps are a note, not missing data
    assert page.locator(".missing").count() == 0
    assert page.locator("section#membership .kb-gaps").count() == 1
    for sid in info["sections"]:
        if sid.startswith("framework-"):
            assert page.locator(f"section#{sid} .steppe-chart .main-svg").count() >= 1, sid
    # the key numbers carry their year and a source link to the appendix
    cards = page.locator("section#summary .card")
    assert cards.count() >= 5
    assert page.locator("section#summary .card.empty").count() == 0
    assert page.locator("section#summary .card-source a[href^='#ds-']").count() >= 3
    figures = page.locator("figure")
    for i in range(figures.count()):
        caption = figures.nth(i).locator("figcaption").text_content()  # also inside closed <details>
        assert "Source" in caption, caption
    assert page.errors == []


def test_pdf_beside_the_html(cli, page, tmp_path):
    out = tmp_path / "report.html"
    info = build(cli, out, "--pdf")
    pdf = Path(info["pdf"])
    assert pdf == tmp_path / "report.pdf"
    head = pdf.read_bytes()[:5]
    assert head == b"%PDF-" and pdf.stat().st_size > 20_000
