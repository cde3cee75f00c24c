"""Event marks on a line chart: one dotted line and one hover marker per x, labels escaped."""

from __future__ import annotations

import pandas as pd

from steppe import charts


def test_marks_are_drawn_once_per_year_with_their_labels() -> None:
    frame = pd.DataFrame({"year": [2015, 2016, 2017], "value": [0.2, 0.4, 0.3], "series": ["a"] * 3})
    marks = pd.DataFrame({"year": [2016, 2016, 2012], "label": ["Leader <b>", "Summit", "Suspension"]})
    chart = charts.line(frame, x="year", y="value", entity="series", title="t", y_title="v", unit="index",
                        marks=marks)  # fmt: skip
    shapes = chart.figure["layout"]["shapes"]
    assert sorted(s["x0"] for s in shapes) == [2012, 2016]
    events = chart.figure["data"][-1]
    assert events["name"] == "Events" and events["x"] == [2016, 2012]
    assert events["text"] == ["Leader &lt;b&gt;<br>Summit", "Suspension"]
    assert len(chart.data) == 3  # the downloadable data stay the series' rows
    plain = charts.line(frame, x="year", y="value", entity="series", title="t", y_title="v")
    assert "shapes" not in plain.figure["layout"] and len(plain.figure["data"]) == 1
