"""SVG charts are well-formed XML, show what they are given, and survive gaps and empty input."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date

from steppe.report import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_line_chart_points_legend_and_bands():
    svg = charts.line_chart(
        {"KAZ": [(2000, 1.0), (2001, 2.0), (2003, math.nan), (2004, 4.0)], "KGZ <&>": [(2000, 0.5)]},
        bands={"KAZ": [(2000, 0.5, 1.5), (2001, 1.0, 3.0)]},
        title="A & B",
        y_label="%",
    )
    root = parse(svg)
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 4  # NaN dropped
    assert {c.find(f"{SVG}title").text for c in circles} >= {"KAZ 2000: 1", "KGZ <&> 2000: 0.5"}
    assert len(root.findall(f"{SVG}polyline")) == 1  # 2000-2001 joined; 2004 stands alone (gap)
    assert len(root.findall(f"{SVG}polygon")) == 1
    legend = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "legend"]
    assert legend == ["KAZ", "KGZ <&>"]


def test_empty_inputs_say_so():
    assert "No values to plot" in charts.line_chart({}, title="x")
    assert "No events" in charts.event_timeline([], title="x")
    parse(charts.gantt([], title="x"))


def test_gantt_and_event_timeline():
    rows = [("sco · KAZ", date(2001, 6, 15), None, "founding_member"),
            ("csto · UZB", date(2006, 8, 16), date(2012, 12, 20), "member")]  # fmt: skip
    root = parse(charts.gantt(rows, title="t", start=date(1991, 1, 1)))
    bars = root.findall(f"{SVG}rect")
    titles = [b.find(f"{SVG}title").text for b in bars if b.find(f"{SVG}title") is not None]
    assert "csto · UZB: member 2006-08-16 to 2012-12-20" in titles
    assert any(t.endswith("to today") for t in titles)
    root = parse(charts.event_timeline([(date(2018, 3, 15), "summit", "Astana")], title="t"))
    assert root.find(f"{SVG}circle/{SVG}title").text == "2018-03-15 (summit): Astana"
