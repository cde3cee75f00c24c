"""The report's trade and dependence sections on the mirror data, in-process (no browser).

The peer charts use one dataset and view; the dependence table's headers all carry a unit.
"""

from __future__ import annotations

import json
import re

import pytest

from steppe.report.build import dependence_section, trade_section
from steppe.sources import fetch


@pytest.fixture
def trade_store(store, shared_data):
    """IMF DOTS pinned as the default, the Comtrade mirror fetched after it (the newest)."""
    from steppe.store import data as store_data

    dots = fetch("imf_dots", store=store, mirror=shared_data)
    fetch("comtrade", store=store, mirror=shared_data)
    store_data.pin(store, dots.dataset_id)  # without the pin the newest (Comtrade) is the default
    return store


def captions(html: str) -> list[str]:
    """Caption texts without their links' markup."""
    found = re.findall(r"<figcaption>(.*?)</figcaption>", html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", c) for c in found]


def test_peer_charts_use_one_dataset_and_view(trade_store):
    html = trade_section(trade_store).html()
    peer = [c for c in captions(html) if "Intra-regional trade share" in c or "Introversion" in c]
    assert len(peer) == 2
    for caption in peer:
        ids = set(re.findall(r"\b(?:comtrade|imf_dots|gravity):[\w.:~-]+", caption))
        assert {i.rstrip(".),;") for i in ids} == {next(iter(ids)).rstrip(".),;")}  # one dataset
        assert "comtrade:comtrade:" in caption and "reconciled view" in caption
        assert "CIF divided by 1.06" in caption and "TKM exports" in caption
    members = next(c for c in captions(html) if "other C5 states" in c)
    assert "reported view" in members and "imf_dots:dots:" in members


def test_dependence_table_in_percent_with_a_unit_in_every_header(trade_store):
    html = dependence_section(trade_store).html()
    table = re.search(r"<table>.*?</table>", html, flags=re.S).group(0)
    headers = re.findall(r"<th(?: class=num)?>(.*?)</th>", table)
    assert headers[:2] == ["state", "year"]
    assert all(re.search(r"\((% of trade|0-1 index)\)", h) for h in headers[2:]), headers
    rows = re.findall(r"<tr><td>([\w ]+)</td><td>(\d+)</td><td class=num>([\d.]+)</td>", table)
    names = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "C5"]
    assert [r[0] for r in rows] == names
    c5_china = float(next(r[2] for r in rows if r[0] == "C5"))
    assert 10 < c5_china < 30  # percent, not a fraction
    # every chart's value axis says its unit (shares drawn as percent)
    payloads = [json.loads(p) for p in re.findall(r'class="steppe-chart-payload">(.*?)</script>', html)]
    assert len(payloads) == 5  # China, Russia, EU27 lines, the six powers' bars, balance
    for p in payloads:
        layout = p["spec"]["layout"]
        axis = layout["yaxis"] if p["kind"] == "line" else layout["xaxis"]
        title = axis["title"]["text"]
        assert "%" in title or "(0 to 1)" in title or "US$" in title, (p["title"], title)
