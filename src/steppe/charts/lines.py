"""Time series per entity, optionally with an uncertainty band (index scores with p05-p95)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from steppe.charts import palette
from steppe.charts.chart import Chart, new_chart
from steppe.charts.formats import axis_format, axis_title, check_unit, hover_value
from steppe.charts.look import (
    base_layout,
    esc,
    is_year,
    legend_height,
    require,
    rgba,
    used_columns,
    value_axis,
    year_axis,
)
from steppe.charts.series import display_names, ordered
from steppe.session.frames import plain


def _is_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if values.dtype == object:
        sample = values.dropna().astype(str).head(20)
        return bool(len(sample)) and bool(sample.str.fullmatch(r"\d{4}-\d{2}-\d{2}.*").all())
    return False


def _segments(xs: list[Any], lo: list[Any], hi: list[Any]) -> list[tuple[list, list, list]]:
    """Runs of points where both band edges are known."""
    out: list[tuple[list, list, list]] = []
    cur: tuple[list, list, list] = ([], [], [])
    for x, a, b in zip(xs, lo, hi, strict=True):
        if a is None or b is None:
            if cur[0]:
                out.append(cur)
            cur = ([], [], [])
            continue
        cur[0].append(x)
        cur[1].append(a)
        cur[2].append(b)
    if cur[0]:
        out.append(cur)
    return out


def line(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    entity: str,
    title: str,
    y_title: str,
    unit: str = "number",
    x_title: str | None = None,
    low: str | None = None,
    high: str | None = None,
    names: Mapping[str, str] | None = None,
    order: str = "palette",
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
    marks: pd.DataFrame | None = None,
    mark_x: str = "year",
    mark_label: str = "label",
) -> Chart:
    """One line per entity over ``x`` (years, dates or numbers), coloured by the palette.

    Every point is marked, so a series with one year shows as a dot and a year standing alone
    between gaps stays visible; missing years break the line instead of bridging it. With
    ``low`` and ``high`` each line gets a shaded band (e.g. the 5th-95th percentile of Monte
    Carlo draws). ``unit`` formats the value axis and hover (``share`` is a 0-1 fraction shown
    as %). ``keep`` names extra columns (provenance) carried into the downloadable data.
    ``marks`` (a frame with ``mark_x`` and ``mark_label`` columns) draws events on the same chart:
    a dotted vertical line at each x and a marker above the lines whose hover names the events
    (several events at one x share one marker).
    """
    check_unit(unit)
    if (low is None) != (high is None):
        from steppe.errors import UsageError

        raise UsageError(f"Chart '{title}': give both low and high band columns, or neither.")
    require(frame, [x, y, entity, low, high, *keep], title)
    keys = ordered(frame[entity], order)
    rank = {k: i for i, k in enumerate(keys)}
    data = frame[used_columns(entity, x, y, low, high, keep)].copy()
    order_col = data[entity].astype(str).map(rank)
    data = data.assign(_rank=order_col).sort_values(["_rank", x], kind="stable").drop(columns="_rank")
    years = is_year(data[x])
    dates = not years and _is_dates(data[x])
    colours = palette.colours_for(keys)
    labels = display_names(keys, names)
    value_cols = [c for c in (y, low, high) if c]
    all_values = pd.concat([pd.to_numeric(data[c], errors="coerce") for c in value_cols])
    hover_y = hover_value("y", all_values, unit)
    band_traces: list[dict[str, Any]] = []
    line_traces: list[dict[str, Any]] = []
    for key in keys:
        g = data[data[entity].astype(str) == key]
        if years:
            g = g.assign(**{x: pd.to_numeric(g[x]).astype(int)})
            g = g.drop_duplicates(subset=[x], keep="last").set_index(x)
            span = range(int(g.index.min()), int(g.index.max()) + 1)
            g = g.reindex(span)  # a missing year becomes a gap, not a bridge
            xs: list[Any] = list(span)
        else:
            g = g.set_index(x)
            xs = [plain(v) for v in g.index]
        ys = [plain(v) for v in pd.to_numeric(g[y], errors="coerce")]
        colour = colours[key]
        points = sum(v is not None for v in ys)
        if points == 0:
            continue  # nothing to draw: no empty legend entry (the rows stay in the data)
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "lines+markers",
            "name": labels[key],
            "legendgroup": key,
            "x": xs,
            "y": ys,
            "connectgaps": False,
            "line": {"color": colour, "width": 2.2},
            "marker": {"color": colour, "size": 9 if points == 1 else 6},
            "hovertemplate": f"%{{x}}: {hover_y}<extra>%{{fullData.name}}</extra>",
        }
        if low and high:
            lo = [plain(v) for v in pd.to_numeric(g[low], errors="coerce")]
            hi = [plain(v) for v in pd.to_numeric(g[high], errors="coerce")]
            trace["customdata"] = [[a, b] for a, b in zip(lo, hi, strict=True)]
            band = (
                hover_value("customdata[0]", all_values, unit)
                + " to "
                + hover_value("customdata[1]", all_values, unit)
            )
            trace["hovertemplate"] = f"%{{x}}: {hover_y} (band {band})<extra>%{{fullData.name}}</extra>"
            for sx, slo, shi in _segments(xs, lo, hi):
                band_traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "x": sx + sx[::-1],
                        "y": shi + slo[::-1],
                        "fill": "toself",
                        "fillcolor": rgba(colour, 0.16),
                        "line": {"width": 0, "color": colour},
                        "hoverinfo": "skip",
                        "showlegend": False,
                        "legendgroup": key,
                        "name": f"{labels[key]} band",
                    }
                )
        line_traces.append(trace)
    height = height or max(420, legend_height(len(keys)) + 140)
    layout = base_layout(title, height, source=source)
    finite = [v for v in all_values if isinstance(v, int | float) and not math.isnan(v)]
    yaxis = value_axis(axis_title(y_title, unit), **axis_format(unit))
    if finite and min(finite) >= 0:
        yaxis["rangemode"] = "tozero"
    layout["yaxis"] = yaxis
    if years:
        layout["xaxis"] = year_axis(x_title, data[x])
    else:
        layout["xaxis"] = value_axis(x_title or "", zeroline=False, **({"type": "date"} if dates else {}))
        if not x_title:
            layout["xaxis"].pop("title")
    mark_traces: list[dict[str, Any]] = []
    if marks is not None and len(marks):
        require(marks, [mark_x, mark_label], title)
        grouped: dict[Any, list[str]] = {}
        for mx, text in zip(marks[mark_x], marks[mark_label], strict=True):
            grouped.setdefault(plain(mx), []).append(esc(text))
        top = max(finite) * 1.08 if finite else 1.0
        layout["shapes"] = [
            {"type": "line", "xref": "x", "yref": "paper", "x0": mx, "x1": mx, "y0": 0, "y1": 1,
             "line": {"color": "#888888", "width": 1, "dash": "dot"}}
            for mx in grouped
        ]  # fmt: skip
        mark_traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Events",
                "x": list(grouped),
                "y": [top] * len(grouped),
                "text": ["<br>".join(v) for v in grouped.values()],
                "marker": {"color": "#555555", "size": 9, "symbol": "triangle-down"},
                "hovertemplate": "%{x}: %{text}<extra>events</extra>",
            }
        )
    units = {y: unit, **({low: unit, high: unit} if low and high else {})}
    return new_chart(
        "line",
        title=title,
        traces=band_traces + line_traces + mark_traces,
        layout=layout,
        data=data,
        chart_id=chart_id,
        units=units,
        source=source,
        caption=caption,
    )
