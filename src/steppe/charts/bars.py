"""Grouped and stacked bars: partner shares per state, dependence on each power, counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from steppe.charts import palette
from steppe.charts.chart import Chart, new_chart
from steppe.charts.formats import axis_format, axis_title, check_unit, hover_format
from steppe.charts.look import (
    base_layout,
    category_axis,
    esc,
    legend_height,
    require,
    used_columns,
    value_axis,
)
from steppe.charts.series import display_names, ordered
from steppe.session.frames import plain

MODES = ("group", "stack")


def bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    title: str,
    value_title: str,
    series: str | None = None,
    unit: str = "number",
    mode: str = "group",
    orientation: str = "v",
    category_title: str | None = None,
    names: Mapping[str, str] | None = None,
    order: str = "palette",
    sort_by_value: bool = False,
    show_values: bool = False,
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Bars of ``value`` per ``category``; with ``series``, one coloured bar per series in each.

    ``mode="group"`` puts the series side by side, ``"stack"`` on top of each other (shares of
    one total). Colours come from the entity palette: by series when given, else by category.
    ``orientation="h"`` lays bars horizontally for long category names (organisations).
    ``names`` maps category and series keys to display names. ``sort_by_value`` orders
    categories by their total, largest first.
    """
    from steppe.errors import UsageError

    check_unit(unit)
    if mode not in MODES:
        raise UsageError(f"Chart '{title}': unknown bar mode '{mode}'; use group or stack.")
    if orientation not in ("v", "h"):
        raise UsageError(f"Chart '{title}': unknown orientation '{orientation}'; use v or h.")
    require(frame, [category, value, series, *keep], title)
    data = frame[used_columns(category, series, value, keep)].copy()
    values = pd.to_numeric(data[value], errors="coerce")
    cats = ordered(data[category], order)
    if sort_by_value:
        totals = values.groupby(data[category].astype(str)).sum()
        cats = sorted(cats, key=lambda c: -float(totals.get(c, 0.0)))
    cat_labels = display_names(cats, names)
    prefix, fmt, suffix = hover_format(values, unit)
    horizontal = orientation == "h"
    vfield = "x" if horizontal else "y"
    cfield = "y" if horizontal else "x"
    hover = f"%{{{cfield}}}: {prefix}%{{{vfield}:{fmt}}}{suffix}<extra>%{{fullData.name}}</extra>"
    text_template = f"{prefix}%{{{vfield}:{fmt}}}{suffix}"
    traces: list[dict[str, Any]] = []
    if series:
        keys = ordered(data[series], order)
        colours = palette.colours_for(keys)
        labels = display_names(keys, names)
        for key in keys:
            g = data[data[series].astype(str) == key]
            by_cat = dict(zip(g[category].astype(str), pd.to_numeric(g[value], errors="coerce"), strict=True))
            vals = [plain(by_cat.get(c)) for c in cats]
            traces.append(
                _bar(labels[key], key, [cat_labels[c] for c in cats], vals, colours[key], horizontal)
            )
    else:
        keys = []
        colours = palette.colours_for(cats)
        by_cat = dict(zip(data[category].astype(str), values, strict=False))
        vals = [plain(by_cat.get(c)) for c in cats]
        trace = _bar(esc(value_title), value, [cat_labels[c] for c in cats], vals, "", horizontal)
        trace["marker"] = {"color": [colours[c] for c in cats], "line": {"width": 0}}
        trace["showlegend"] = False
        traces.append(trace)
    for t in traces:
        t["hovertemplate"] = hover
        if show_values:
            t["texttemplate"] = text_template
            t["textposition"] = "inside" if mode == "stack" else "outside"
            t["textangle"] = 0
            t["cliponaxis"] = False
    slots = len(keys) if (series and mode == "group") else 1
    if horizontal:
        per_cat = max(24, 12 * slots + 10)
        height = height or max(320, len(cats) * per_cat + 150, legend_height(len(keys)) + 150)
    else:
        height = height or max(420, legend_height(len(keys)) + 150)
    layout = base_layout(title, height, source=source, show_legend=bool(series))
    layout["barmode"] = mode
    layout["bargap"] = 0.25
    layout["bargroupgap"] = 0.05
    if show_values:
        layout["uniformtext"] = {"minsize": 10, "mode": "hide"}  # no label squeezed into a sliver
    vaxis = value_axis(axis_title(value_title, unit), rangemode="tozero", **axis_format(unit))
    caxis = category_axis(category_title, [cat_labels[c] for c in cats])
    if horizontal:
        caxis["autorange"] = "reversed"  # first category on top
        layout["xaxis"], layout["yaxis"] = vaxis, caxis
    else:
        layout["xaxis"], layout["yaxis"] = caxis, vaxis
    return new_chart(
        "bars",
        title=title,
        traces=traces,
        layout=layout,
        data=data,
        chart_id=chart_id,
        units={value: unit},
        source=source,
        caption=caption,
    )


def _bar(
    name: str, group: str, cats: list[str], vals: list[Any], colour: str, horizontal: bool
) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "type": "bar",
        "name": name,
        "legendgroup": group,
        "orientation": "h" if horizontal else "v",
        "marker": {"color": colour, "line": {"width": 0}},
    }
    if horizontal:
        trace["x"], trace["y"] = vals, cats
    else:
        trace["x"], trace["y"] = cats, vals
    return trace
