"""The shared look of every chart: fonts, margins, legend, title and source line, escaping.

plotly.js reads a small HTML-like markup in every text it draws (``<b>``, ``<br>``, ``&amp;``),
so every label that comes from data is escaped here before it reaches a figure; a country or
organisation called ``A<b>&"`` is drawn as those characters, never as markup.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

import pandas as pd

FONT = '"DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif'
TEXT = "#222222"
MUTED = "#555555"
GRID = "#E5E5E5"
AXIS = "#888888"
#: Characters per line of the source line before it wraps (fits 700 px at 11 px type).
SOURCE_WRAP = 120
#: Characters per line of a title (fits 700 px at 16 px bold).
TITLE_WRAP = 80
#: Characters per line of a long category label (organisation names) before it wraps.
LABEL_WRAP = 34


def esc(value: object) -> str:
    """Text as plotly.js should draw it, literally: '<', '>' and '&' become entities."""
    return escape(str(value), quote=False)


def wrap_label(text: str, width: int = LABEL_WRAP) -> str:
    """An escaped label broken onto lines of at most ``width`` characters with ``<br>``."""
    return "<br>".join(wrap(text, width))


def slug(text: str, fallback: str) -> str:
    """An id for a chart from its title: lower case, dashes, at most 60 characters."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return s or fallback


def require(frame: pd.DataFrame, columns: Iterable[str | None], title: str) -> None:
    """Refuse a frame that lacks a column the chart needs, naming what it has."""
    from steppe.errors import UsageError

    if not isinstance(frame, pd.DataFrame):
        raise UsageError(f"Chart '{title}' needs a pandas DataFrame, not {type(frame).__name__}.")
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "no columns"
        raise UsageError(
            f"Chart '{title}' needs the column(s) {', '.join(missing)} in its frame; it has {have}."
        )


def used_columns(*groups: Iterable[str | None] | str | None) -> list[str]:
    """The distinct column names in order, skipping None (what goes into a chart's data)."""
    out: list[str] = []
    for g in groups:
        items = [g] if isinstance(g, str) or g is None else list(g)
        for c in items:
            if c is not None and c not in out:
                out.append(c)
    return out


def wrap(text: str, width: int = SOURCE_WRAP) -> list[str]:
    """Escaped lines of at most ``width`` characters."""
    return [esc(line) for line in textwrap.wrap(text, width=width, break_long_words=True)] or [""]


def base_layout(
    title: str,
    height: int,
    *,
    source: str | None = None,
    legend_title: str | None = None,
    show_legend: bool = True,
    legend_rows: int = 0,
) -> dict[str, Any]:
    """The layout every chart starts from.

    The title sits top left of the figure with the source line under it (so a downloaded PNG
    carries both). The legend sits right of the plot, where plotly.js widens the margin to fit
    the longest entry instead of cutting it; with ``legend_rows`` it runs horizontally along
    the bottom of the figure instead, in a band that high (for charts whose long row labels
    need the width). Axes grow their margins to fit their labels.
    """
    title_lines = wrap(title, TITLE_WRAP)
    source_lines = wrap(f"Source: {source}") if source else []
    top = 40 + 20 * len(title_lines) + 15 * len(source_lines)
    title_block: dict[str, Any] = {
        "text": "<br>".join(f"<b>{line}</b>" for line in title_lines),
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 12, "l": 12},
        "font": {"size": 16, "color": TEXT},
    }
    if source_lines:
        title_block["subtitle"] = {"text": "<br>".join(source_lines), "font": {"size": 11, "color": MUTED}}
    layout: dict[str, Any] = {
        "title": title_block,
        "height": height,
        "autosize": True,
        "font": {"family": FONT, "size": 13, "color": TEXT},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 16, "r": 16, "t": top, "b": 16, "autoexpand": True},
        "showlegend": show_legend,
        "legend": {
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "font": {"size": 12},
            "itemclick": "toggle",
            "itemdoubleclick": "toggleothers",
            "tracegroupgap": 4,
        },
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT, "size": 12}, "namelength": -1},
        "separators": ".,",
    }
    if legend_rows:
        layout["legend"].update(
            {
                "orientation": "h",
                "xref": "container",
                "x": 0,
                "yref": "container",
                "y": 0,
                "yanchor": "bottom",
            }
        )
        layout["margin"]["b"] = 36 + 24 * legend_rows
    if legend_title:
        layout["legend"]["title"] = {"text": f"{esc(legend_title)}", "font": {"size": 12}}
    return layout


def value_axis(title: str, **extra: Any) -> dict[str, Any]:
    """A numeric axis: light grid, a zero line, room for its labels."""
    axis = {
        "title": {"text": esc(title), "standoff": 10},
        "automargin": True,
        "gridcolor": GRID,
        "zeroline": True,
        "zerolinecolor": AXIS,
        "linecolor": AXIS,
        "ticks": "outside",
        "tickcolor": AXIS,
    }
    axis.update(extra)
    return axis


def category_axis(title: str | None, categories: Sequence[str], **extra: Any) -> dict[str, Any]:
    """A categorical axis in the given order."""
    axis = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(categories),
        "automargin": True,
        "linecolor": AXIS,
        "showgrid": False,
    }
    if title:
        axis["title"] = {"text": esc(title), "standoff": 10}
    axis.update(extra)
    return axis


def is_year(values: pd.Series) -> bool:
    """Whether an x column holds calendar years (whole numbers between 1800 and 2200)."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty or not (v == v.round()).all():
        return False
    return bool(v.min() >= 1800 and v.max() <= 2200)


def year_axis(title: str | None, years: pd.Series, **extra: Any) -> dict[str, Any]:
    """An x axis of years: '2015', never '2,015' or '2015.5'."""
    y = pd.to_numeric(years, errors="coerce").dropna()
    lo, hi = (int(y.min()), int(y.max())) if len(y) else (2000, 2001)
    axis: dict[str, Any] = {
        "tickformat": "d",
        "automargin": True,
        "gridcolor": GRID,
        "linecolor": AXIS,
        "ticks": "outside",
        "tickcolor": AXIS,
        "zeroline": False,
    }
    span = hi - lo
    if span <= 12:
        axis["dtick"] = 1
        axis["range"] = [lo - 0.5, hi + 0.5]
    elif span <= 30:
        axis["dtick"] = 2 if span <= 20 else 5
    if title:
        axis["title"] = {"text": esc(title), "standoff": 10}
    axis.update(extra)
    return axis


def rgba(hex_colour: str, alpha: float) -> str:
    """'#4477AA', 0.2 -> 'rgba(68,119,170,0.2)'."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def contrast_text(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour`` (WCAG relative luminance)."""
    h = hex_colour.lstrip("#")
    channels = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    lum = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "#000000" if lum > 0.179 else "#FFFFFF"


def legend_height(entries: int) -> int:
    """Pixels a vertical legend of ``entries`` needs, so it never scrolls in a saved image."""
    return 22 * entries + 40
