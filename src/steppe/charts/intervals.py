"""Interval (forest) plots: estimates with their intervals on one axis.

For gravity coefficients with confidence intervals, index scores with their Monte Carlo
bands in one year, or any estimate with a low and a high bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from steppe.charts import palette
from steppe.charts.chart import Chart, new_chart
from steppe.charts.formats import axis_format, axis_title, check_unit, hover_value
from steppe.charts.look import (
    AXIS,
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

#: Colour of estimates that belong to no entity (coefficients).
PLAIN = palette.OKABE_ITO["blue"]


def intervals(
    frame: pd.DataFrame,
    *,
    label: str,
    estimate: str,
    low: str,
    high: str,
    title: str,
    x_title: str,
    unit: str = "number",
    group: str | None = None,
    names: Mapping[str, str] | None = None,
    reference: float | None = None,
    sort_by_estimate: bool = False,
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """One row per ``label``: a dot at ``estimate`` and a bar from ``low`` to ``high``.

    ``reference`` draws a vertical line (0 for regression coefficients, so an interval that
    crosses it reads at a glance). With ``group`` the dots take the entity palette (a state's
    score in its colour) and rows of one label are offset side by side. The bounds are
    given, not computed: a 95% interval from a coefficient and its standard error is the
    caller's (or the estimator's) to state.
    """
    check_unit(unit)
    require(frame, [label, estimate, low, high, group, *keep], title)
    data = frame[used_columns(label, group, estimate, low, high, keep)].copy()
    est = pd.to_numeric(data[estimate], errors="coerce")
    rows = list(dict.fromkeys(data[label].astype(str)))
    if sort_by_estimate:
        best = est.groupby(data[label].astype(str)).max()
        rows.sort(key=lambda r: -float(best.get(r, float("-inf"))))
    row_labels = display_names(rows, names)
    everything = pd.concat(
        [est, pd.to_numeric(data[low], errors="coerce"), pd.to_numeric(data[high], errors="coerce")]
    )
    lo_text = hover_value("customdata[0]", everything, unit)
    hi_text = hover_value("customdata[1]", everything, unit)
    x_text = hover_value("x", everything, unit)
    hover = f"%{{y}}: {x_text} ({lo_text} to {hi_text})<extra>%{{fullData.name}}</extra>"
    groups = ordered(data[group], "palette") if group else [None]
    colours = palette.colours_for(g for g in groups if g is not None)
    glabels = display_names([g for g in groups if g is not None], names)
    traces: list[dict[str, Any]] = []
    for g in groups:
        part = data if g is None else data[data[group].astype(str) == g]
        e = pd.to_numeric(part[estimate], errors="coerce")
        lo = pd.to_numeric(part[low], errors="coerce")
        hi = pd.to_numeric(part[high], errors="coerce")
        colour = PLAIN if g is None else colours[g]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": esc(x_title) if g is None else glabels[g],
                "x": [plain(v) for v in e],
                "y": [row_labels[str(r)] for r in part[label]],
                "customdata": [[plain(a), plain(b)] for a, b in zip(lo, hi, strict=True)],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [plain(b - v) for v, b in zip(e, hi, strict=True)],
                    "arrayminus": [plain(v - a) for v, a in zip(e, lo, strict=True)],
                    "color": colour,
                    "thickness": 2,
                    "width": 5,
                },
                "marker": {"color": colour, "size": 9, "line": {"width": 1, "color": "#FFFFFF"}},
                "hovertemplate": hover,
                "showlegend": g is not None,
                **({"offsetgroup": g} if g is not None else {}),
            }
        )
    per_label = data.groupby(data[label].astype(str)).size().max() if len(data) else 1
    per_row = 26 if per_label <= 1 else 12 * int(per_label) + 14
    height = height or max(280, per_row * len(rows) + 150, legend_height(len(groups)) + 150)
    layout = base_layout(title, height, source=source, show_legend=group is not None)
    xaxis = value_axis(axis_title(x_title, unit), zeroline=False, **axis_format(unit))
    layout["xaxis"] = xaxis
    layout["yaxis"] = category_axis(None, [row_labels[r] for r in rows], autorange="reversed", showgrid=True)
    if per_label > 1:
        layout["scattermode"] = "group"
        layout["scattergap"] = 0.3
    if reference is not None:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": reference,
                "x1": reference,
                "y0": 0,
                "y1": 1,
                "line": {"color": AXIS, "width": 1.2, "dash": "dash"},
            }
        ]
    return new_chart(
        "intervals",
        title=title,
        traces=traces,
        layout=layout,
        data=data,
        chart_id=chart_id,
        units={estimate: unit, low: unit, high: unit},
        source=source,
        caption=caption,
    )
