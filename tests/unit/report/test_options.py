"""Report options: sections, years and countries chosen, bad input refused in one sentence."""

from __future__ import annotations

import json
import re

import pytest

from steppe.errors import NotFoundError, UsageError
from steppe.report.build import central_asia, parse_countries, parse_sections
from steppe.report.html import col, num, number, table


def test_sections_are_checked_and_summary_and_appendix_always_included(store, tmp_path):
    assert parse_sections(None) is None
    assert parse_sections("trade, Dependence") == {"trade", "dependence"}
    with pytest.raises(UsageError, match=r"Unknown report section\(s\) trad in sections"):
        parse_sections("trad")
    info = central_asia(tmp_path / "r.html", draws=3, sections="events", store=store)
    assert info.sections == ["summary", "events", "appendix"]
    html = (tmp_path / "r.html").read_text("utf-8")
    assert 'id="membership"' not in html and 'id="events"' in html


def test_years_limit_the_events_and_are_reported(store, tmp_path):
    info = central_asia(tmp_path / "r.html", draws=3, sections="events", years="2010:2012", store=store)
    assert info.as_dict()["options"]["years"] == [2010, 2012]
    html = (tmp_path / "r.html").read_text("utf-8")
    section = html.split('id="events"')[1].split("</section>")[0]
    dates = re.findall(r"<tr><td>(\d{4})[-\d]*</td>", section)
    assert dates and all(2010 <= int(d) <= 2012 for d in dates)
    assert dates == sorted(dates, reverse=True)  # newest first


def test_countries_are_c5_states_by_code_or_name(store):
    assert parse_countries("uzb, Kazakhstan", store) == ("KAZ", "UZB")
    with pytest.raises(UsageError, match="countries CHN"):
        parse_countries("CHN", store)
    with pytest.raises(NotFoundError):
        parse_countries("Atlantis", store)


def test_membership_chart_uses_names_and_kb_gaps_are_a_note(store, tmp_path):
    central_asia(tmp_path / "r.html", draws=3, sections="membership", countries="KAZ,TKM", store=store)
    html = (tmp_path / "r.html").read_text("utf-8")
    payloads = [json.loads(p) for p in re.findall(r'class="steppe-chart-payload">(.*?)</script>', html)]
    matrix = next(p for p in payloads if p["kind"] == "membership_matrix")
    labels = json.dumps(matrix["spec"]["data"])
    assert "Shanghai Cooperation Organisation" in labels and "ca_consultative" not in labels
    assert "Uzbekistan" not in labels  # only the states asked for
    assert 'class="kb-gaps note"' in html and 'class="missing"' not in html.split('id="membership"')[1]


def test_table_numbers_for_people():
    assert number(20630400000.0) == "20,630,400,000"
    assert number(0.0123456) == "0.0123" and number(12.345) == "12.35" and number(2020) == "2,020"
    html = table([{"year": 2020.0, "v": 1234567.891}], [col("year"), num("v", decimals=0)])
    assert "<td>2020</td>" in html and "1,234,568" in html


def test_appendix_lists_the_cited_sources_and_folds_the_rest(store, tmp_path):
    """Every source link of the report lands on a listed row outside any fold; the KB sources it
    does not cite (hundreds) sit in one <details>, so every source is still there once."""
    from steppe.kb import queries
    from steppe.report.html import anchor

    central_asia(tmp_path / "r.html", draws=3, sections="membership,events", store=store)
    html = (tmp_path / "r.html").read_text("utf-8")
    body, appendix = html.split('<section id="appendix"')
    cited = set(re.findall(r'href="#(src-[^"]+)"', body))
    assert len(cited) > 20
    listed, folded = appendix.split("The other ")
    listed_ids = set(re.findall(r'<tr id="(src-[^"]+)"', listed))
    folded_ids = set(re.findall(r'<tr id="(src-[^"]+)"', folded))
    assert listed_ids == cited and "</details>" not in listed.split("Knowledge-base sources")[1]
    everything = {anchor("src", s["id"]) for s in queries.sources(store=store)}
    assert listed_ids | folded_ids == everything and not listed_ids & folded_ids
    assert f"The other {len(everything - cited)} sources" in appendix
