"""A chart: a plotly.js figure plus the exact data behind it.

Builders return a :class:`Chart`. The same object gives the figure as a JSON spec (for the
web app's front end), its data as CSV and JSON (for "download the data"), an HTML fragment
(no script runtime inside, for pages that include it once) and a standalone page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd

from steppe.session.frames import records

#: plotly.js options shared by every chart: fit the container, no plotly logo, a PNG button
#: that saves at twice the screen resolution, no selection tools (nothing uses a selection).
BASE_CONFIG: Mapping[str, Any] = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def script_json(obj: Any) -> str:
    """JSON safe inside a ``<script>`` element: no '<', '>' or '&' that could end it."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@dataclass(frozen=True)
class Chart:
    """A built chart. ``data`` is the frame the chart shows, exactly as downloads give it."""

    kind: str
    id: str
    title: str
    figure: dict[str, Any]
    data: pd.DataFrame
    height: int
    units: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    caption: str | None = None

    # -- data -------------------------------------------------------------------------------
    def to_csv(self) -> str:
        """The chart's data as CSV: RFC 4180 (CRLF line ends, so a field holding a line break of
        any kind is quoted), header row, no index, floats at full precision."""
        return self.data.to_csv(index=False, lineterminator="\r\n")

    def to_records(self) -> list[dict[str, Any]]:
        """The chart's data as a list of rows of strict JSON values, columns in order (the
        session's one frame-to-rows rule, :func:`steppe.session.frames.records`)."""
        return records(self.data, strict=True)

    def metadata(self) -> dict[str, Any]:
        """What the data is: chart id, kind, title, source, caption, units of value columns."""
        return {
            "chart": self.id,
            "kind": self.kind,
            "title": self.title,
            "source": self.source,
            "caption": self.caption,
            "units": dict(self.units),
            "columns": [str(c) for c in self.data.columns],
        }

    def to_json(self) -> str:
        """The chart's data as JSON: ``{"meta": {...}, "rows": [...]}``, numbers at full precision."""
        return json.dumps(
            {"meta": self.metadata(), "rows": self.to_records()}, ensure_ascii=False, allow_nan=False
        )

    # -- figure -----------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """plotly.js config: the image button saves '<chart id>.png' at twice the resolution."""
        return {**BASE_CONFIG, "toImageButtonOptions": {"format": "png", "filename": self.id, "scale": 2}}

    def spec(self) -> dict[str, Any]:
        """The plotly.js figure as JSON-ready dicts: ``Plotly.newPlot(div, s.data, s.layout, s.config)``."""
        return {"data": self.figure["data"], "layout": self.figure["layout"], "config": self.config()}

    def to_payload(self) -> dict[str, Any]:
        """Everything a page needs to draw the chart and offer its downloads, as one JSON object."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "height": self.height,
            "spec": self.spec(),
            "csv": self.to_csv(),
            "json": self.to_json(),
        }

    def to_figure(self) -> Any:
        """A ``plotly.graph_objects.Figure`` (for notebooks: ``chart.to_figure().show()``)."""
        import plotly.graph_objects as go

        return go.Figure(self.figure)

    # -- HTML -------------------------------------------------------------------------------
    def to_html(
        self, *, element_id: str | None = None, caption_html: str | None = None, downloads: bool = True
    ) -> str:
        """An HTML fragment that draws the chart on a page that includes the runtime once.

        The figure and its data travel in a ``<script type="application/json">`` element; the
        page's bootstrap script (see :func:`steppe.charts.page.head`) draws every fragment when
        the page loads. ``caption_html`` is trusted HTML (the caller escapes it); by default the
        chart's caption is used, escaped.
        """
        eid = escape(element_id or self.id, quote=True)
        caption = caption_html if caption_html is not None else escape(self.caption or "")
        parts = [
            f'<figure class="steppe-chart" id="{eid}" data-steppe-chart="{escape(self.kind)}">',
            f'<div class="steppe-plot" style="height:{int(self.height)}px" role="img" '
            f'aria-label="{escape(self.title, quote=True)}"></div>',
        ]
        if downloads:
            parts.append(
                '<div class="steppe-downloads">Download '
                '<button type="button" data-download="png">PNG</button> '
                '<button type="button" data-download="svg">SVG</button> '
                '<button type="button" data-download="csv">CSV</button> '
                '<button type="button" data-download="json">JSON</button></div>'
            )
        if caption:
            parts.append(f"<figcaption>{caption}</figcaption>")
        parts.append(
            f'<script type="application/json" class="steppe-chart-payload">{script_json(self.to_payload())}'
            "</script></figure>"
        )
        return "".join(parts)

    def to_page(self, title: str | None = None) -> str:
        """A standalone HTML page with this chart and the runtime inlined (works offline)."""
        from steppe.charts.page import page

        return page([self], title=title or self.title)

    def with_id(self, new_id: str) -> Chart:
        """The same chart under another id (ids name the element and the download files)."""
        from dataclasses import replace

        return replace(self, id=new_id)


def new_chart(
    kind: str,
    *,
    title: str,
    traces: list[dict[str, Any]],
    layout: dict[str, Any],
    data: pd.DataFrame,
    chart_id: str | None = None,
    units: Mapping[str, str] | None = None,
    source: str | None = None,
    caption: str | None = None,
) -> Chart:
    """Check the figure against plotly's schema and wrap it with its data.

    Validation catches a misspelt attribute here, in Python, instead of a chart that silently
    draws wrong in the browser.
    """
    import copy

    import plotly.graph_objects as go

    from steppe.charts.look import slug

    # raises ValueError on any unknown or invalid attribute; a copy, since plotly reorders dicts
    go.Figure(data=copy.deepcopy(traces), layout=copy.deepcopy(layout))
    return Chart(
        kind=kind,
        id=chart_id or slug(title, kind),
        title=title,
        figure={"data": traces, "layout": layout},
        data=data.reset_index(drop=True),
        height=int(layout["height"]),
        units=dict(units or {}),
        source=source,
        caption=caption,
    )
