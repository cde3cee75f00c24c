"""The report's minimal hook: every framework with something to measure gets a section."""

from __future__ import annotations

from steppe.report.build import framework_sections


def test_fresh_store_shows_the_kb_frameworks_and_leaves_out_the_rest(store) -> None:
    sections = framework_sections(store)
    # no trade, no texts: LI, ECDPM and tone have nothing to measure yet
    assert [s.id for s in sections] == ["framework-regionness", "framework-openness-commitment"]
    html = sections[0].html()
    assert "Regionness (Hettne and Söderbaum)" in html and "<table>" in html
    # the framework's chart is drawn by the chart layer (a plotly payload with its caption and source)
    assert 'class="steppe-chart"' in html and "Regionness level reached" in html
    assert "Hettne, B. and Söderbaum, F. (2000)" in html
    assert "known gap in" in sections[1].html()  # the KB's gaps about ECO, CSTO, EAEU and SCO
