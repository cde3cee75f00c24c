"""Matrices: a numeric heatmap, and the C5 x organisation membership matrix with role labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from steppe.charts import palette
from steppe.charts.chart import Chart, new_chart
from steppe.charts.formats import axis_title, check_unit, hover_format
from steppe.charts.look import base_layout, category_axis, esc, require, used_columns, wrap_label
from steppe.charts.series import display_names, ordered
from steppe.session.frames import plain

#: Colour scales: sequential (cividis, made for colour-vision deficiency) and diverging
#: (ColorBrewer RdBu, centred on ``midpoint``).
SEQUENTIAL = "Cividis"
DIVERGING = "RdBu"
#: Organisation names longer than this wrap onto a second line (keeps the label margin narrow).
MATRIX_WRAP = 44


def heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    title: str,
    value_title: str,
    unit: str = "number",
    x_title: str | None = None,
    y_title: str | None = None,
    names: Mapping[str, str] | None = None,
    midpoint: float | None = None,
    show_values: bool | None = None,
    order: str = "palette",
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """A matrix of ``value`` over ``x`` by ``y`` (trade intensity between states, shares by year).

    A sequential scale by default; with ``midpoint`` a diverging scale centred there (e.g. 0
    for introversion, 1 for intensity). Values print in the cells when the matrix is small
    (at most 400 cells) unless ``show_values`` says otherwise.
    """
    check_unit(unit)
    require(frame, [x, y, value, *keep], title)
    data = frame[used_columns(y, x, value, keep)].copy()
    xs, ys = ordered(data[x], order), ordered(data[y], order)
    xl, yl = display_names(xs, names), display_names(ys, names)
    vals = pd.to_numeric(data[value], errors="coerce")
    cell = {(str(a), str(b)): v for a, b, v in zip(data[y], data[x], vals, strict=True)}
    z = [[plain(cell.get((r, c))) for c in xs] for r in ys]
    prefix, fmt, suffix = hover_format(vals, unit)
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": [xl[c] for c in xs],
        "y": [yl[r] for r in ys],
        "z": z,
        "colorscale": DIVERGING if midpoint is not None else SEQUENTIAL,
        "colorbar": {"title": {"text": esc(axis_title(value_title, unit)), "side": "right"}, "thickness": 14},
        "hovertemplate": f"%{{y}} · %{{x}}: {prefix}%{{z:{fmt}}}{suffix}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    if unit == "share":
        trace["colorbar"]["tickformat"] = ".0%"
    if midpoint is not None:
        trace["zmid"] = midpoint
    if show_values if show_values is not None else len(xs) * len(ys) <= 400:
        trace["texttemplate"] = f"{prefix}%{{z:{fmt}}}{suffix}"
    height = height or max(360, 28 * len(ys) + 170)
    layout = base_layout(title, height, source=source, show_legend=False)
    layout["xaxis"] = category_axis(x_title, trace["x"], side="bottom")
    layout["yaxis"] = category_axis(y_title, trace["y"], autorange="reversed")
    return new_chart(
        "heatmap",
        title=title,
        traces=[trace],
        layout=layout,
        data=data,
        chart_id=chart_id,
        units={value: unit},
        source=source,
        caption=caption,
    )


def membership_matrix(
    frame: pd.DataFrame,
    *,
    country: str = "country",
    organisation: str = "org",
    role: str = "role",
    title: str,
    org_names: Mapping[str, str] | None = None,
    country_names: Mapping[str, str] | None = None,
    countries: Sequence[str] | None = None,
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Who belongs to what: organisations (rows, by name) x states (columns), cells = role.

    Each cell is coloured by the role (:data:`steppe.charts.palette.ROLES`, strongest tie
    darkest) and labelled with it ("founding member", "observer"); an empty cell is no tie.
    Rows are ordered by how many of the states take part, then by name. ``frame`` holds one
    row per tie, already filtered to the date shown (e.g. ``steppe kb overlap``'s cells).
    """
    require(frame, [country, organisation, role, *keep], title)
    data = frame[used_columns(organisation, country, role, keep)].copy()
    cols = list(countries) if countries else ordered(data[country], "palette")
    ties = {
        (str(o), str(c)): str(r)
        for o, c, r in zip(data[organisation], data[country], data[role], strict=True)
    }
    orgs = list(dict.fromkeys(str(o) for o in data[organisation]))
    org_label = {o: palette.label(o, org_names) for o in orgs}
    orgs.sort(key=lambda o: (-sum((o, c) in ties for c in cols), org_label[o].lower()))
    roles = sorted({r for r in ties.values()}, key=lambda r: (palette.role_rank(r), r))
    code = {r: i for i, r in enumerate(roles)}
    n = max(len(roles), 1)
    # a step colour scale: role i fills [i/n, (i+1)/n] with its own colour
    scale: list[list[Any]] = []
    for i, role_name in enumerate(roles or ["member"]):
        fill = palette.role_colour(role_name)
        scale += [[i / n, fill], [(i + 1) / n, fill]]
    xl = display_names(cols, country_names)
    yl = {o: wrap_label(org_label[o], MATRIX_WRAP) for o in orgs}  # long names on two lines
    z, text, hover = [], [], []
    for o in orgs:
        zr, tr, hr = [], [], []
        for c in cols:
            tie = ties.get((o, c))
            zr.append(None if tie is None else code[tie] + 0.5)
            tr.append("" if tie is None else esc(palette.role_label(tie)))
            hr.append(f"{xl[c]} · {yl[o]}: " + (esc(palette.role_label(tie)) if tie else "no tie"))
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": [xl[c] for c in cols],
        "y": [yl[o] for o in orgs],
        "z": z,
        "zmin": 0,
        "zmax": n,
        "colorscale": scale,
        "showscale": False,
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 10},
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    # one legend entry per colour: roles drawn alike ("member / party / signatory") share it
    by_colour: dict[str, list[str]] = {}
    for r in roles:
        by_colour.setdefault(palette.role_colour(r), []).append(palette.role_label(r))
    legend = [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": esc(" / ".join(dict.fromkeys(labels))),
            "marker": {"symbol": "square", "size": 13, "color": colour},
            "hoverinfo": "skip",
            "showlegend": True,
        }
        for colour, labels in by_colour.items()
    ]
    wrapped = any(len(org_label[o]) > MATRIX_WRAP for o in orgs)
    height = height or max(320, (30 if wrapped else 24) * len(orgs) + 220)
    layout = base_layout(title, height, source=source, legend_title="Role", legend_rows=2)
    layout["margin"]["t"] += 28  # the state names sit above the matrix, under the title block
    layout["xaxis"] = category_axis(None, trace["x"], side="top", tickfont={"size": 12}, tickangle=0)
    layout["yaxis"] = category_axis(None, trace["y"], autorange="reversed", tickfont={"size": 12})
    layout["plot_bgcolor"] = "#F7F7F7"
    return new_chart(
        "membership_matrix",
        title=title,
        traces=[trace, *legend],
        layout=layout,
        data=data,
        chart_id=chart_id,
        source=source,
        caption=caption,
    )
