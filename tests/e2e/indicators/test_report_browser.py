"""The Central Asia report opens in headless Chromium with no console errors and every section rendered."""

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
        charts[sid] = section.locator("svg").count()
    return charts


def test_report_on_a_fresh_store_renders_kb_and_names_the_fetch_commands(cli, page, tmp_path):
    out = tmp_path / "report.html"
    info = build(cli, out)
    assert set(info["missing"]) == set(DATA_SECTIONS)
    page.goto(out.resolve().as_uri())
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    charts = check_sections(page, tmp_path)
    assert charts["membership"] >= 1 and charts["events"] >= 1
    for sid in DATA_SECTIONS:
        text = page.locator(f"section#{sid} .missing").first.inner_text()
        assert "steppe fetch" in text, sid
    assert "steppe fetch imf_dots" in page.locator("section#trade").inner_text()
    assert page.errors == []
    # offline: no script, stylesheet or image is loaded from anywhere
    html = out.read_text("utf-8")
    assert "<script" not in html and "http://" not in html.split("<main>")[0]


@pytest.mark.slow
def test_report_with_mirror_data_renders_every_chart(cli, page, tmp_path, filled_db):
    out = tmp_path / "report.html"
    info = build(cli, out)
    assert info["missing"] == {}
    page.goto(out.resolve().as_uri())
    charts = check_sections(page, tmp_path)
    assert charts["trade"] >= 3 and charts["dependence"] >= 5 and charts["index"] >= 1
    assert page.locator(".missing").count() == 0
    figures = page.locator("figure")
    for i in range(figures.count()):
        caption = figures.nth(i).locator("figcaption").inner_text()
        assert "Source" in caption, caption
    assert page.errors == []


def test_pdf_beside_the_html(cli, page, tmp_path):
    out = tmp_path / "report.html"
    info = build(cli, out, "--pdf")
    pdf = Path(info["pdf"])
    assert pdf == tmp_path / "report.pdf"
    head = pdf.read_bytes()[:5]
    assert head == b"%PDF-" and pdf.stat().st_size > 20_000
