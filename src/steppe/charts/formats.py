"""How values read on axes, in hover labels and in tables: one rule per unit.

Units say what a number is, so that shares print as percentages, money with its currency
and large numbers with thousands separators or a B/M suffix, never as ``2.06304e+10``.
Axis and hover formats are d3-format strings (the formatter plotly.js uses); the Python
:func:`format_value` follows the same rules for text built on the server side.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

#: What a number is. ``share`` is a fraction (0.25 reads "25%"); ``percent`` is already in
#: percent points (25.0 reads "25%"); ``usd`` is current or constant US dollars; ``number`` is
#: any other quantity (its unit goes in the axis title); ``index`` a score on its own scale.
Unit = Literal["share", "percent", "usd", "number", "index"]
UNITS: tuple[str, ...] = ("share", "percent", "usd", "number", "index")

#: What an axis title gets when the caller's title does not name the unit already.
UNIT_LABELS = {"share": "%", "percent": "%", "usd": "US$"}


def check_unit(unit: str) -> None:
    """Refuse a unit outside :data:`UNITS` with the valid choices."""
    if unit not in UNITS:
        from steppe.errors import UsageError

        raise UsageError(f"Unknown chart unit '{unit}': use one of {', '.join(UNITS)}.")


def axis_title(title: str, unit: str) -> str:
    """``title`` with its unit in brackets unless it names the unit already ('Share (%)')."""
    mark = UNIT_LABELS.get(unit)
    if not mark or mark in title or (unit == "usd" and ("$" in title or "USD" in title)):
        return title
    return f"{title} ({mark})"


def axis_format(unit: str) -> dict[str, Any]:
    """plotly.js axis attributes for a value axis in ``unit``."""
    if unit == "share":
        return {"tickformat": ".1~%"}
    if unit == "percent":
        return {"ticksuffix": "%", "separatethousands": True}
    if unit == "usd":
        return {"tickprefix": "$", "exponentformat": "B", "separatethousands": True}
    if unit == "number":
        return {"exponentformat": "B", "separatethousands": True}
    return {}


def _finite(values: Iterable[Any]) -> list[float]:
    out = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            out.append(f)
    return out


def hover_format(values: Iterable[Any], unit: str) -> tuple[str, str, str]:
    """(prefix, d3 format, suffix) for hover labels of ``values`` in ``unit``.

    Magnitude decides the digits: whole numbers with separators from 10,000 up, two decimals
    from 1, three significant digits below 1, so 20630400000 reads "20,630,400,000" and
    0.01234 reads "0.0123".
    """
    if unit == "share":
        return "", ".1%", ""
    vals = _finite(values)
    top = max((abs(v) for v in vals), default=0.0)
    if top >= 10_000:
        fmt = ",.0f"
    elif top >= 1:
        fmt = ",.2~f"
    else:
        fmt = ".3~g"
    if unit == "percent":
        return "", fmt if top >= 10_000 else ",.1f", "%"
    if unit == "usd":
        return "$", fmt, ""
    return "", fmt, ""


def hover_value(field: str, values: Iterable[Any], unit: str) -> str:
    """A hovertemplate fragment for one field, e.g. ``%{y:.1%}`` or ``$%{x:,.0f}``."""
    prefix, fmt, suffix = hover_format(values, unit)
    return f"{prefix}%{{{field}:{fmt}}}{suffix}"


def format_value(value: Any, unit: str = "number") -> str:
    """One value for people: '25.0%', '$20,630,400,000', '1,234', '0.0123'; '' for missing."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if not math.isfinite(v):
        return ""
    if unit == "share":
        return f"{100 * v:.1f}%"
    if abs(v) >= 10_000:
        text = f"{v:,.0f}"
    elif v.is_integer():
        text = f"{int(v)}"
    elif abs(v) >= 1:
        text = f"{v:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.3g}"
        if "e" in text:
            text = f"{v:.6f}".rstrip("0").rstrip(".") or "0"
    if unit == "percent":
        return text + "%"
    if unit == "usd":
        return ("-$" + text[1:]) if text.startswith("-") else "$" + text
    return text
