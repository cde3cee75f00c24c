"""One chart layer for the web app and the static report (plotly.js, fully offline).

Every builder is a pure function: a pandas DataFrame (plus titles, units and display names)
in, a :class:`Chart` out. A chart gives its plotly.js spec as JSON (``chart.spec()``), its
data as CSV or JSON (``chart.to_csv()``, ``chart.to_json()``), an HTML fragment
(``chart.to_html()``) and a standalone page (``chart.to_page()``). :func:`page` and
:func:`head` put the plotly.js runtime on a page exactly once. Colours come from one palette
keyed by entity (:mod:`steppe.charts.palette`). See docs/charts.md.

    from steppe import charts
    c = charts.line(frame, x="year", y="share", entity="country",
                    title="Trade with the other four", y_title="Share of total trade", unit="share")
    html = charts.page([c], title="Trade")
"""

from __future__ import annotations

from steppe.charts.bars import bars
from steppe.charts.chart import Chart
from steppe.charts.formats import UNITS, format_value
from steppe.charts.intervals import intervals
from steppe.charts.lines import line
from steppe.charts.matrices import heatmap, membership_matrix
from steppe.charts.networks import network, shared_membership_edges
from steppe.charts.page import bootstrap_js, head, page, runtime_js, runtime_version, stylesheet
from steppe.charts.palette import colour, colours_for, label
from steppe.charts.timelines import event_timeline, membership_timeline

__all__ = [
    "UNITS",
    "Chart",
    "bars",
    "bootstrap_js",
    "colour",
    "colours_for",
    "event_timeline",
    "format_value",
    "head",
    "heatmap",
    "intervals",
    "label",
    "line",
    "membership_matrix",
    "membership_timeline",
    "network",
    "page",
    "runtime_js",
    "runtime_version",
    "shared_membership_edges",
    "stylesheet",
]
