"""Pages carry the runtime once, load nothing from the network, and draw hostile labels literally."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe import charts
from steppe.charts.chart import script_json
from steppe.charts.page import runtime_js, runtime_version

pytestmark = pytest.mark.core

NASTY = [
    "A<b>bold</b>",
    "Tom & Jerry",
    'say "hi"',
    "it's",
    "[b]rich[/b]",
    "</script><script>alert(1)</script>",
]


class Resources(HTMLParser):
    """Every URL a browser would fetch from the markup: src, href, srcset, CSS url(), @import."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0
        self.payloads: list[str] = []
        self._in: str | None = None
        self._script_type: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href", "srcset", "poster", "data"):
            if a.get(name):
                self.urls.append(a[name])
        if tag == "script":
            self.scripts += 1
            self._in = "script"
            self._script_type = a.get("type")
        if tag == "style":
            self._in = "style"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+['\"]([^'\"]+)", data)
        if self._in == "script" and self._script_type == "application/json":
            self.payloads.append(data)


def parse(html: str) -> Resources:
    r = Resources()
    r.feed(html)
    return r


def sample_charts() -> list[charts.Chart]:
    frame = pd.DataFrame(
        {"country": ["KAZ", "KAZ", "UZB"], "year": [2000, 2001, 2001], "share": [0.1, 0.2, 0.3]}
    )
    names = pd.DataFrame({"name": NASTY, "value": range(len(NASTY))})
    return [
        charts.line(
            frame, x="year", y="share", entity="country", title="Line", y_title="Share", unit="share"
        ),
        charts.bars(
            frame, category="country", value="share", title="Bars", value_title="Share", unit="share"
        ),
        charts.bars(
            names,
            category="name",
            value="value",
            title="Nasty <b>title</b> & co",
            value_title='"v" <u>',
            source="A & B <i>",
            caption="Caption <b>not bold</b>",
        ),
    ]


def test_a_page_inlines_the_runtime_exactly_once_and_requests_nothing():
    html = charts.page(sample_charts(), title="Gallery <x>")
    signature = runtime_js()[:200]
    assert html.count(signature) == 1
    assert html.count("window.steppeCharts =") == 1
    found = parse(html)
    assert found.urls == []  # no src, href or url(): nothing to fetch, from anywhere
    assert found.scripts == 2 + 3  # runtime + bootstrap + one payload per chart
    assert "<title>Gallery &lt;x&gt;</title>" in html


def test_a_page_can_point_at_one_same_origin_runtime_instead():
    html = charts.page(
        sample_charts(),
        title="Web",
        runtime_url=f"/static/plotly-{runtime_version()}.min.js",
        bootstrap_url="/static/steppe-charts.js",
        stylesheet_url="/static/steppe-charts.css",
    )
    assert runtime_js()[:200] not in html
    urls = parse(html).urls
    assert urls == [
        "/static/steppe-charts.css",
        f"/static/plotly-{runtime_version()}.min.js",
        "/static/steppe-charts.js",
    ]
    assert not any(re.match(r"(https?:)?//", u) for u in urls)


def test_fragments_carry_no_runtime_and_repeated_ids_become_unique():
    line = sample_charts()[0]
    fragment = line.to_html()
    assert runtime_js()[:200] not in fragment and "steppeCharts =" not in fragment
    html = charts.page([line, "<p>between</p>", line], title="Twice")
    assert 'id="line"' in html and 'id="line-2"' in html
    assert "<p>between</p>" in html


def test_hostile_labels_are_escaped_for_plotly_and_for_html():
    nasty = sample_charts()[2]
    spec = nasty.spec()
    bar = spec["data"][0]
    assert "A&lt;b&gt;bold&lt;/b&gt;" in bar["x"] and "Tom &amp; Jerry" in bar["x"]
    assert "[b]rich[/b]" in bar["x"] and 'say "hi"' in bar["x"]
    assert spec["layout"]["title"]["text"] == "<b>Nasty &lt;b&gt;title&lt;/b&gt; &amp; co</b>"
    assert "A &amp; B &lt;i&gt;" in spec["layout"]["title"]["subtitle"]["text"]
    html = nasty.to_html()
    # the only script end tag is the payload's own; '<' inside JSON is \u003c
    assert html.count("</script") == 1
    assert "<b>not bold</b>" not in html and "Caption &lt;b&gt;not bold&lt;/b&gt;" in html
    (payload,) = parse(html).payloads
    data = json.loads(payload)
    assert data["spec"] == spec
    back = pd.read_csv(io.StringIO(data["csv"]))
    assert list(back["name"]) == NASTY  # downloads keep the original text, unescaped


@settings(max_examples=40, deadline=None)
@given(
    labels=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=5, unique=True),
    values=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=5, max_size=5),
)
def test_any_labels_and_values_survive_the_round_trip(labels, values):
    frame = pd.DataFrame({"name": labels, "value": values[: len(labels)]})
    chart = charts.bars(frame, category="name", value="value", title="p", value_title="v")
    (payload,) = parse(chart.to_html()).payloads
    data = json.loads(payload)
    rows = json.loads(data["json"])["rows"]
    assert [r["name"] for r in rows] == labels
    assert [r["value"] for r in rows] == values[: len(labels)]  # full float precision
    back = pd.read_csv(
        io.StringIO(data["csv"]), float_precision="round_trip", keep_default_na=False, dtype={"name": str}
    )
    assert list(back["value"]) == values[: len(labels)]


def test_script_json_cannot_close_its_element():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}
