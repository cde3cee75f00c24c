"""Timelines: membership periods grouped by organisation (compact Gantt), and dated events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from steppe.charts import palette
from steppe.charts.chart import Chart, new_chart
from steppe.charts.look import (
    AXIS,
    GRID,
    base_layout,
    category_axis,
    esc,
    require,
    used_columns,
)
from steppe.charts.series import display_names, ordered

_MS_PER_DAY = 86_400_000


def _day(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return pd.Timestamp(value).date()


def _full(role: str) -> bool:
    """Full participation (drawn solid); unknown roles count as full rather than hide."""
    r = role.strip().lower()
    return r in palette.FULL_ROLES or r not in palette.ROLES


def membership_timeline(
    frame: pd.DataFrame,
    *,
    organisation: str = "org",
    country: str = "country",
    role: str = "role",
    start: str = "start",
    end: str = "end",
    title: str,
    org_names: Mapping[str, str] | None = None,
    country_names: Mapping[str, str] | None = None,
    as_of: dt.date | str | None = None,
    first_year: int | None = None,
    order: str = "start",
    row_height: int = 20,
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Membership periods, one row per organisation (by name) with a thin lane per state.

    Compact by design: thirty organisations fit in about 700 px at any width. Lane colour is
    the state's palette colour; full participation (member, founding member, party,
    signatory) is solid, looser ties (observer, partner, associate) are hatched; hover gives
    state, organisation, role and dates. Open-ended periods run to ``as_of`` (default today;
    pass it for a reproducible chart). ``order="start"`` lists organisations by their first
    membership (a history read top-down), ``"name"`` alphabetically.
    """
    from steppe.errors import UsageError

    if order not in ("start", "name"):
        raise UsageError(f"Chart '{title}': unknown row order '{order}'; use start or name.")
    require(frame, [organisation, country, role, start, end, *keep], title)
    data = frame[used_columns(organisation, country, role, start, end, keep)].copy()
    today = _day(as_of) or dt.date.today()
    rows = []
    for o, c, r, s, e in zip(
        data[organisation], data[country], data[role], data[start], data[end], strict=True
    ):
        s_day = _day(s)
        if s_day is None:
            continue
        e_day = _day(e)
        rows.append((str(o), str(c), str(r), s_day, e_day))
    orgs = list(dict.fromkeys(r[0] for r in rows))
    org_label = {o: palette.label(o, org_names) for o in orgs}
    first = {o: min(r[3] for r in rows if r[0] == o) for o in orgs}
    if order == "start":
        orgs.sort(key=lambda o: (first[o], org_label[o].lower()))
    else:
        orgs.sort(key=lambda o: org_label[o].lower())
    ylab = {o: esc(org_label[o]) for o in orgs}
    keys = ordered((r[1] for r in rows), "palette")
    colours = palette.colours_for(keys)
    clab = display_names(keys, country_names)
    traces: list[dict[str, Any]] = []
    for key in keys:
        for full in (True, False):
            mine = [r for r in rows if r[1] == key and _full(r[2]) == full]
            if not mine:
                continue
            base, width, ys, hover = [], [], [], []
            for o, _c, r, s, e in mine:
                stop = e or today
                base.append(s.isoformat())
                width.append(max((stop - s).days, 1) * _MS_PER_DAY)
                ys.append(ylab[o])
                hover.append(
                    f"<b>{clab[key]}</b> · {ylab[o]}<br>{esc(palette.role_label(r))}, "
                    f"{s.isoformat()} to {e.isoformat() if e else 'today (open)'}"
                )
            marker: dict[str, Any] = {"color": colours[key], "line": {"width": 0}}
            if not full:
                marker["pattern"] = {
                    "shape": "/",
                    "fgcolor": colours[key],
                    "bgcolor": "#FFFFFF",
                    "size": 5,
                    "solidity": 0.5,
                }
                marker["line"] = {"width": 1, "color": colours[key]}
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": clab[key],
                    "legendgroup": key,
                    "showlegend": full
                    or not any(t.get("legendgroup") == key and t.get("showlegend") for t in traces),
                    "offsetgroup": key,
                    "alignmentgroup": "lanes",
                    "base": base,
                    "x": width,
                    "y": ys,
                    "marker": marker,
                    "hovertext": hover,
                    "hovertemplate": "%{hovertext}<extra></extra>",
                }
            )
    # a key for the hatching
    traces.append(
        {
            "type": "bar",
            "orientation": "h",
            "name": "looser tie (hatched)",
            "x": [None],
            "y": [None],
            "marker": {
                "color": "#888888",
                "pattern": {
                    "shape": "/",
                    "fgcolor": "#666666",
                    "bgcolor": "#FFFFFF",
                    "size": 5,
                    "solidity": 0.5,
                },
            },
            "showlegend": True,
            "hoverinfo": "skip",
            "legendgroup": "_hatch",
        }
    )
    start_year = first_year or (min((r[3].year for r in rows), default=today.year) // 5 * 5)
    height = height or max(300, row_height * len(orgs) + 190)
    # the legend runs along the bottom: organisation names need the width on the left
    layout = base_layout(title, height, source=source, legend_rows=2)
    layout["barmode"] = "group"
    layout["bargap"] = 0.12
    layout["bargroupgap"] = 0.0
    layout["xaxis"] = {
        "type": "date",
        "range": [f"{start_year}-01-01", (today + dt.timedelta(days=120)).isoformat()],
        "dtick": "M60",
        "tickformat": "%Y",
        "gridcolor": GRID,
        "linecolor": AXIS,
        "ticks": "outside",
        "automargin": True,
        "showspikes": True,
        "spikemode": "across",
        "spikethickness": 1,
        "spikecolor": AXIS,
    }
    layout["yaxis"] = category_axis(
        None, [ylab[o] for o in orgs], autorange="reversed", tickfont={"size": 12}
    )
    layout["hovermode"] = "closest"
    layout["legend"]["title"] = {"text": "State ", "font": {"size": 12}}
    return new_chart(
        "membership_timeline",
        title=title,
        traces=traces,
        layout=layout,
        data=data,
        chart_id=chart_id,
        source=source,
        caption=caption,
    )


def event_timeline(
    frame: pd.DataFrame,
    *,
    date: str = "start",
    kind: str = "type",
    label: str = "title",
    title: str,
    kind_names: Mapping[str, str] | None = None,
    source: str | None = None,
    caption: str | None = None,
    keep: Sequence[str] = (),
    height: int | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Dated events as dots, one lane per kind (treaty, accession, summit); hover gives the title."""
    require(frame, [date, kind, label, *keep], title)
    data = frame[used_columns(date, kind, label, keep)].copy()
    days = [_day(d) for d in data[date]]
    kinds = ordered(data[kind], "given")
    kinds.sort(key=lambda k: k.lower())
    klab = {k: esc(palette.label(k, kind_names) if kind_names else str(k).replace("_", " ")) for k in kinds}
    colours = palette.colours_for(kinds)
    traces = []
    for k in kinds:
        pts = [
            (d, lab)
            for d, kk, lab in zip(days, data[kind].astype(str), data[label], strict=True)
            if kk == k and d
        ]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": klab[k],
                "x": [d.isoformat() for d, _ in pts],
                "y": [klab[k]] * len(pts),
                "marker": {
                    "color": colours[k],
                    "size": 11,
                    "line": {"width": 1, "color": "#FFFFFF"},
                    "opacity": 0.85,
                },
                "hovertext": [f"{d.isoformat()}<br>{esc(lab)}" for d, lab in pts],
                "hovertemplate": "%{hovertext}<extra>%{fullData.name}</extra>",
            }
        )
    height = height or max(240, 30 * len(kinds) + 140)
    layout = base_layout(title, height, source=source, show_legend=False)
    layout["xaxis"] = {
        "type": "date",
        "tickformat": "%Y",
        "gridcolor": GRID,
        "linecolor": AXIS,
        "ticks": "outside",
        "automargin": True,
    }
    layout["yaxis"] = category_axis(
        None, [klab[k] for k in kinds], showgrid=True, gridcolor=GRID, autorange="reversed"
    )
    return new_chart(
        "event_timeline",
        title=title,
        traces=traces,
        layout=layout,
        data=data,
        chart_id=chart_id,
        source=source,
        caption=caption,
    )
