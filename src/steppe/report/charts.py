"""Charts as inline SVG strings: no JavaScript, no CDN, readable offline and in print.

Three shapes cover the report: a line chart with optional uncertainty bands, a Gantt chart of
membership periods, and a dot timeline of events. Each returns an ``<svg>`` element string;
hover titles (``<title>``) carry the exact values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
)  # fmt: skip

ROLE_COLOURS = {
    "founding_member": "#1f4e79",
    "member": "#2e75b6",
    "observer": "#f4b183",
    "dialogue_partner": "#c9c9c9",
    "associate": "#a9d18e",
    "suspended": "#ff0000",
    "withdrawn": "#7f7f7f",
}


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-9:
        if t >= lo - step * 1e-9:
            ticks.append(round(t, 10))
        t += step
    return ticks


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.3g}"


def line_chart(
    series: Mapping[str, Sequence[tuple[float, float]]],
    *,
    bands: Mapping[str, Sequence[tuple[float, float, float]]] | None = None,
    title: str = "",
    y_label: str = "",
    y_range: tuple[float, float] | None = None,
    width: int = 760,
    height: int = 320,
) -> str:
    """Lines (x = year) per series; ``bands`` shade (x, low, high) behind the series of that name."""
    bands = bands or {}
    points = [p for s in series.values() for p in s if p[1] is not None and not math.isnan(p[1])]
    band_pts = [b for s in bands.values() for b in s]
    xs = [p[0] for p in points] + [b[0] for b in band_pts]
    ys = [p[1] for p in points] + [v for b in band_pts for v in b[1:] if not math.isnan(v)]
    left, right, top, bottom = 64, 170, 30, 40
    pw, ph = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    if not xs:
        parts.append(f'<text x="{left}" y="{top + ph / 2}">No values to plot.</text></svg>')
        return "".join(parts)
    x_lo, x_hi = min(xs), max(xs)
    if x_hi == x_lo:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    y_lo, y_hi = y_range if y_range else (min(0.0, min(ys)), max(ys) * 1.05 if max(ys) > 0 else 1.0)

    def sx(x: float) -> float:
        return left + (x - x_lo) / (x_hi - x_lo) * pw

    def sy(y: float) -> float:
        return top + ph - (y - y_lo) / ((y_hi - y_lo) or 1) * ph

    for t in _nice_ticks(y_lo, y_hi):
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end" class="tick">{_fmt(t)}</text>'
        )
    for t in _nice_ticks(x_lo, x_hi, 8):
        if float(t).is_integer():
            parts.append(
                f'<text x="{sx(t):.1f}" y="{top + ph + 18}" text-anchor="middle" class="tick">{int(t)}</text>'
            )
    parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" class="axis"/>')
    parts.append(
        f'<text transform="translate(14 {top + ph / 2}) rotate(-90)" text-anchor="middle" class="tick">'
        f"{escape(y_label)}</text>"
    )
    names = list(series)
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        band = sorted(bands.get(name, []))
        band = [b for b in band if not (math.isnan(b[1]) or math.isnan(b[2]))]
        if band:
            upper = " ".join(f"{sx(x):.1f},{sy(hi):.1f}" for x, _, hi in band)
            lower = " ".join(f"{sx(x):.1f},{sy(lo):.1f}" for x, lo, _ in reversed(band))
            parts.append(f'<polygon points="{upper} {lower}" fill="{colour}" opacity="0.15"/>')
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        pts = sorted((x, y) for x, y in series[name] if y is not None and not math.isnan(y))
        # break the line where years are missing
        segments: list[list[tuple[float, float]]] = []
        for x, y in pts:
            if segments and x - segments[-1][-1][0] <= 1:
                segments[-1].append((x, y))
            else:
                segments.append([(x, y)])
        for seg in segments:
            if len(seg) > 1:
                path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in seg)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in pts:
            parts.append(
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}">'
                f"<title>{escape(name)} {int(x)}: {_fmt(y)}</title></circle>"
            )
        ly = top + 12 + i * 18
        parts.append(
            f'<rect x="{left + pw + 14}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + pw + 32}" y="{ly + 1}" class="legend">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def gantt(
    rows: Sequence[tuple[str, date, date | None, str]],
    *,
    title: str = "",
    start: date | None = None,
    end: date | None = None,
    width: int = 900,
) -> str:
    """Horizontal bars (label, start, end or None for open, role) on a shared date axis."""
    labels = list(dict.fromkeys(r[0] for r in rows))
    row_h, left, right, top = 18, 190, 20, 30
    height = top + row_h * max(len(labels), 1) + 60
    today = date.today()
    first = start or min((r[1] for r in rows), default=today)
    last = end or today
    span = max((last - first).days, 1)
    pw = width - left - right

    def sx(d: date) -> float:
        return left + (min(max(d, first), last) - first).days / span * pw

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    for y in range(first.year + (first.month > 1), last.year + 1):
        if y % 5 == 0:
            x = sx(date(y, 1, 1))
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + row_h * len(labels)}" class="grid"/>'
                f'<text x="{x:.1f}" y="{top + row_h * len(labels) + 14}" text-anchor="middle" '
                f'class="tick">{y}</text>'
            )
    for i, label in enumerate(labels):
        y = top + i * row_h
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" class="tick">{escape(label)}</text>'
        )
    for label, s, e, role in rows:
        i = labels.index(label)
        x0, x1 = sx(s), sx(e or last)
        colour = ROLE_COLOURS.get(role, "#999999")
        parts.append(
            f'<rect x="{x0:.1f}" y="{top + i * row_h + 3}" width="{max(x1 - x0, 1.5):.1f}" '
            f'height="{row_h - 6}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(role)} {s.isoformat()} to '
            f"{e.isoformat() if e else 'today'}</title></rect>"
        )
    lx = left
    ly = top + row_h * len(labels) + 36
    for role in dict.fromkeys(r[3] for r in rows):
        parts.append(
            f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" '
            f'fill="{ROLE_COLOURS.get(role, "#999999")}"/>'
            f'<text x="{lx + 16}" y="{ly}" class="legend">{escape(role.replace("_", " "))}</text>'
        )
        lx += 24 + 8 * len(role)
    parts.append("</svg>")
    return "".join(parts)


def event_timeline(
    events: Sequence[tuple[date, str, str]], *, title: str = "", width: int = 900, height: int = 150
) -> str:
    """Dots on a date axis (date, type, title); the type picks the colour, the title is the tooltip."""
    left, right, mid = 30, 30, height / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    if not events:
        parts.append(f'<text x="{left}" y="{mid}">No events.</text></svg>')
        return "".join(parts)
    first = min(e[0] for e in events)
    last = max(max(e[0] for e in events), date.today())
    first = date(first.year, 1, 1)
    span = max((last - first).days, 1)
    pw = width - left - right

    def sx(d: date) -> float:
        return left + (d - first).days / span * pw

    parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{mid}" y2="{mid}" class="axis"/>')
    for y in range(first.year, last.year + 1):
        if y % 5 == 0:
            x = sx(date(y, 1, 1))
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{mid - 4}" y2="{mid + 4}" class="axis"/>'
                f'<text x="{x:.1f}" y="{mid + 20}" text-anchor="middle" class="tick">{y}</text>'
            )
    types = list(dict.fromkeys(e[1] for e in events))
    for k, (d, kind, label) in enumerate(sorted(events)):
        colour = PALETTE[types.index(kind) % len(PALETTE)]
        dy = -14 - 10 * (k % 3)
        parts.append(
            f'<circle cx="{sx(d):.1f}" cy="{mid + dy}" r="5" fill="{colour}">'
            f"<title>{d.isoformat()} ({escape(kind)}): {escape(label)}</title></circle>"
        )
    lx = left
    for i, kind in enumerate(types):
        parts.append(
            f'<rect x="{lx}" y="{height - 22}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="{height - 13}" class="legend">{escape(kind)}</text>'
        )
        lx += 24 + 7 * len(kind)
    parts.append("</svg>")
    return "".join(parts)
