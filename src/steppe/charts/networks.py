"""A network of shared memberships: states linked by the organisations they belong to together."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import pandas as pd

from steppe.charts import palette
from steppe.charts.chart import Chart, new_chart
from steppe.charts.look import base_layout, esc, require, used_columns
from steppe.charts.series import display_names, ordered


def shared_membership_edges(
    frame: pd.DataFrame,
    *,
    country: str = "country",
    organisation: str = "org",
    org_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Pairs of states with the number and names of the organisations both belong to.

    ``frame`` has one row per (state, organisation) tie, already filtered to a date and to the
    roles that count. Returns ``country_a, country_b, shared, organisations`` (names joined by '; '),
    one row per pair with at least one shared organisation, pairs in palette order.
    """
    require(frame, [country, organisation], "shared memberships")
    orgs_of: dict[str, set[str]] = {}
    for c, o in zip(frame[country].astype(str), frame[organisation].astype(str), strict=True):
        orgs_of.setdefault(c, set()).add(o)
    keys = ordered(orgs_of, "palette")
    rows = []
    for a, b in combinations(keys, 2):
        common = orgs_of[a] & orgs_of[b]
        if common:
            names = sorted(palette.label(o, org_names) for o in common)
            rows.append(
                {"country_a": a, "country_b": b, "shared": len(common), "organisations": "; ".join(names)}
            )
    return pd.DataFrame(rows, columns=["country_a", "country_b", "shared", "organisations"])


def network(
    edges: pd.DataFrame,
    *,
    title: str,
    ends: tuple[str, str] = ("country_a", "country_b"),
    weight: str = "shared",
    detail: str | None = "organisations",
    weight_title: str = "shared organisations",
    names: Mapping[str, str] | None = None,
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Nodes on a circle (palette order, so the C5 sit together), edges as wide as their weight.

    A circular layout is deterministic and keeps every label readable at a dozen or two
    nodes, where force layouts move between runs. Node size follows the node's total weight;
    hovering an edge's midpoint gives the pair, the weight and ``detail`` (e.g. the shared
    organisations' names). ``ends`` names the two node columns of ``edges``; ``source`` is
    the provenance line under the title, as in every builder.
    """
    a_col, b_col = ends
    if detail is not None and detail not in edges.columns:
        detail = None
    require(edges, [a_col, b_col, weight, *keep], title)
    data = edges[used_columns(a_col, b_col, weight, detail, keep)].copy()
    w = pd.to_numeric(data[weight], errors="coerce").fillna(0.0)
    keys = ordered(list(data[a_col].astype(str)) + list(data[b_col].astype(str)), "palette")
    labels = display_names(keys, names)
    colours = palette.colours_for(keys)
    n = max(len(keys), 1)
    pos = {
        k: (math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n))
        for i, k in enumerate(keys)
    }
    strength = dict.fromkeys(keys, 0.0)
    for a, b, v in zip(data[a_col].astype(str), data[b_col].astype(str), w, strict=True):
        strength[a] += v
        strength[b] += v
    top_w = float(w.max()) if len(w) else 1.0
    top_s = max(strength.values(), default=1.0) or 1.0
    traces: list[dict[str, Any]] = []
    mid_x, mid_y, mid_text = [], [], []
    for i, (a, b, v) in enumerate(zip(data[a_col].astype(str), data[b_col].astype(str), w, strict=True)):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [x0, x1],
                "y": [y0, y1],
                "line": {"width": 0.8 + 7.2 * (v / top_w if top_w else 0), "color": "rgba(90,90,90,0.35)"},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        extra = f"<br>{esc(data[detail].iloc[i])}" if detail else ""
        mid_text.append(f"<b>{labels[a]} – {labels[b]}</b><br>{v:g} {esc(weight_title)}{extra}")
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": mid_x,
            "y": mid_y,
            "marker": {"size": 14, "color": "rgba(0,0,0,0)"},
            "hovertext": mid_text,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
            "name": "links",
        }
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": [pos[k][0] for k in keys],
            "y": [pos[k][1] for k in keys],
            "text": [labels[k] for k in keys],
            "textposition": [_text_position(*pos[k]) for k in keys],
            "textfont": {"size": 13},
            "marker": {
                "size": [16 + 22 * strength[k] / top_s for k in keys],
                "color": [colours[k] for k in keys],
                "opacity": 1,  # plotly.js makes sized markers translucent by default
                "line": {"width": 1.5, "color": "#FFFFFF"},
            },
            "hovertext": [f"<b>{labels[k]}</b><br>{strength[k]:g} {esc(weight_title)} in all" for k in keys],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
            "name": "states",
        }
    )
    height = height or 560
    layout = base_layout(title, height, source=source, show_legend=False)
    hidden = {"visible": False, "range": [-1.45, 1.45], "fixedrange": True}
    layout["xaxis"] = dict(hidden)
    layout["yaxis"] = {**hidden, "scaleanchor": "x", "scaleratio": 1}
    return new_chart(
        "network",
        title=title,
        traces=traces,
        layout=layout,
        data=data,
        chart_id=chart_id,
        source=source,
        caption=caption,
    )


def _text_position(x: float, y: float) -> str:
    """Put a node's label on the outside of the circle."""
    vertical = "top" if y > 0.3 else "bottom" if y < -0.3 else "middle"
    horizontal = "right" if x > 0.3 else "left" if x < -0.3 else "center"
    if vertical == "middle" and horizontal == "center":
        return "top center"
    return f"{vertical} {horizontal}"
