"""HTML pieces of the report: sections, tables, notes, source links.

Everything that comes from the store or the knowledge base is escaped here; the only HTML the
report trusts is what these helpers build. Numbers in tables are formatted for people
(thousands separators, a sensible number of decimals); the charts' CSV/JSON downloads keep
full precision.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

#: URL schemes a source link may use (anything else is shown as text, never as a link).
_LINKABLE = re.compile(r"^https?://", re.IGNORECASE)


@dataclass
class Section:
    """One section of the report: an id (the anchor), a title and HTML parts in order."""

    id: str
    title: str
    parts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # fetch commands that would fill gaps

    def add(self, html: str) -> None:
        self.parts.append(html)

    def need(self, what: str, command: str) -> None:
        """Say that ``what`` is not stored and which command fills it (class ``missing``)."""
        self.missing.append(command)
        self.add(
            f'<p class="missing">{escape(what)} not stored: run <code>{escape(command)}</code> '
            "(<code>steppe fetch SOURCE --mirror DIR</code> reads a local mirror of the sources instead "
            "of the network) and build the report again.</p>"
        )

    def note(self, html: str, kind: str = "note") -> None:
        """A boxed remark that is not missing data (known KB gaps, caveats): trusted HTML."""
        self.add(f'<div class="{escape(kind, quote=True)} note">{html}</div>')

    def html(self) -> str:
        return (
            f'<section id="{escape(self.id, quote=True)}" data-section="{escape(self.id, quote=True)}">'
            f"<h2>{escape(self.title)}</h2>" + "".join(self.parts) + "</section>"
        )


def anchor(prefix: str, key: str) -> str:
    """An element id for a source or dataset row (``src-wiki-sco``)."""
    return prefix + "-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(key)).strip("-")


def link(url: Any, text: str | None = None) -> str:
    """An ``<a>`` for an http(s) URL, else the escaped text."""
    if url is None or (isinstance(url, float) and math.isnan(url)):
        return ""
    u = str(url).strip()
    shown = escape(text if text is not None else u)
    if _LINKABLE.match(u):
        return f'<a href="{escape(u, quote=True)}" rel="noopener noreferrer">{shown}</a>'
    return shown


def source_links(ids: Iterable[str]) -> str:
    """KB source ids as links to their rows in the appendix."""
    return ", ".join(
        f'<a href="#{anchor("src", i)}">{escape(str(i))}</a>' for i in sorted(dict.fromkeys(ids))
    )


def cited_sources(html: str) -> set[str]:
    """The appendix anchors of the KB sources that ``html`` links to (made by :func:`source_links`)."""
    return set(re.findall(r'href="#(src-[^"]+)"', html))


def dataset_link(dataset_id: str, text: str | None = None) -> str:
    """A dataset id as a link to its provenance row in the appendix."""
    return f'<a href="#{anchor("ds", dataset_id)}">{escape(text or dataset_id)}</a>'


def number(value: Any, decimals: int | None = None) -> str:
    """A number for people: thousands separators; 3 significant digits below 100 by default."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(f) or math.isinf(f):
        return ""
    if decimals is not None:
        return f"{f:,.{decimals}f}"
    if f == int(f) and abs(f) >= 1:
        return f"{int(f):,}"
    if abs(f) >= 100:
        return f"{f:,.0f}"
    if abs(f) >= 1:
        return f"{f:,.2f}".rstrip("0").rstrip(".")
    return f"{f:.3g}"


def percent(fraction: Any, decimals: int = 1) -> str:
    """A 0-1 fraction as percent text (``0.0755`` -> ``7.5``); blank when missing."""
    text = number(None if fraction is None else float(fraction) * 100, decimals)
    return text


@dataclass(frozen=True)
class Column:
    """A table column: the row key, its header, and how a cell is written (trusted HTML)."""

    key: str
    header: str
    cell: Callable[[Any, Mapping[str, Any]], str] | None = None
    numeric: bool = False


def text_cell(value: Any, row: Mapping[str, Any] | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return escape("; ".join(str(v) for v in value))
    if isinstance(value, float) and value == int(value) and 1000 <= value <= 2200:
        return escape(str(int(value)))  # a year read from a float column: no thousands separator
    if isinstance(value, float):
        return escape(number(value))
    return escape(str(value))


def col(key: str, header: str | None = None, **kw: Any) -> Column:
    return Column(key, header if header is not None else key.replace("_", " "), **kw)


def num(key: str, header: str | None = None, decimals: int | None = None) -> Column:
    return col(key, header, cell=lambda v, _r: escape(number(v, decimals)), numeric=True)


def pct(key: str, header: str, decimals: int = 1) -> Column:
    """A 0-1 share shown in percent (the unit belongs in ``header``)."""
    return col(key, header, cell=lambda v, _r: escape(percent(v, decimals)), numeric=True)


def url(key: str = "url", header: str = "link") -> Column:
    return col(key, header, cell=lambda v, _r: link(v))


def sources(key: str = "sources", header: str = "sources") -> Column:
    return col(key, header, cell=lambda v, _r: source_links(v or []))


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column | str],
    *,
    row_id: Callable[[Mapping[str, Any]], str | None] | None = None,
    css: str = "",
) -> str:
    """An HTML table; numeric columns right-aligned. Rows are drawn in the order given (sort first)."""
    cols = [c if isinstance(c, Column) else col(c) for c in columns]
    head = "".join(f"<th{' class=num' if c.numeric else ''}>{escape(c.header)}</th>" for c in cols)
    body = []
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c.key)
            html = c.cell(v, r) if c.cell else text_cell(v, r)
            cells.append(f"<td{' class=num' if c.numeric else ''}>{html}</td>")
        rid = row_id(r) if row_id else None
        attr = f' id="{escape(rid, quote=True)}"' if rid else ""
        body.append(f"<tr{attr}>" + "".join(cells) + "</tr>")
    cls = f' class="{escape(css, quote=True)}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def table_figure(table_html: str, caption_html: str) -> str:
    """A table with its caption (trusted HTML naming its source), as a figure."""
    return f'<figure class="table">{table_html}<figcaption>{caption_html}</figcaption></figure>'
