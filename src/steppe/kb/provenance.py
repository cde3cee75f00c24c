"""Can a reader check a fact? Specific source pages, access dates, and the share of facts that have both.

A source is *checkable* when its address names the page that states the fact (not a site's
home page) and the KB records the day it was read (``accessed``). Seed texts are identified by
their own title, author or DOI (they are documents in ``../shared/seeds``) and count as specific.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

#: Path segments that make a page a site's front door rather than a page about something.
_FRONT_DOORS = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2})?|home|main)$", re.I)


def is_specific_page(url: str | None, kind: str | None = None) -> bool:
    """Whether ``url`` names a specific page (or document), not a home page.

    ``https://eng.sectsco.org/`` and ``https://www.osce.org/en/`` are home pages;
    ``https://www.osce.org/participating-states`` and ``doi:10.33687/...`` are specific.
    """
    if not url:
        return False
    text = url.strip()
    if kind == "seed_text" or text.lower().startswith(("doi:", "urn:", "isbn:")):
        return True
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    segments = [s for s in parts.path.split("/") if s]
    if parts.query:
        return True
    return any(not _FRONT_DOORS.match(s) for s in segments)


def source_flags(sources: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, bool]]:
    """Per source id: ``specific`` page, ``accessed`` date recorded, and ``checkable`` (both)."""
    out = {}
    for s in sources:
        specific = is_specific_page(s.get("url"), s.get("kind"))
        accessed = s.get("accessed") is not None
        out[s["id"]] = {"specific": specific, "accessed": accessed, "checkable": specific and accessed}
    return out


def fact_shares(
    facts: Iterable[Mapping[str, Any]], flags: Mapping[str, Mapping[str, bool]]
) -> dict[str, Any]:
    """Share of fact rows whose every cited source has a specific page / an access date / both.

    ``facts`` are rows with ``tbl`` and ``sources``; a fact counts only if all its sources pass
    (one unreadable citation is enough to leave a reader unable to check it).
    """
    total = 0
    passed = {"specific": 0, "accessed": 0, "checkable": 0}
    by_table: dict[str, dict[str, int]] = {}
    for fact in facts:
        ids = list(fact.get("sources") or [])
        total += 1
        table = by_table.setdefault(fact["tbl"], {"facts": 0, "checkable": 0})
        table["facts"] += 1
        for key in passed:
            if ids and all(flags.get(i, {}).get(key, False) for i in ids):
                passed[key] += 1
                if key == "checkable":
                    table["checkable"] += 1

    def share(n: int) -> float | None:
        return round(n / total, 4) if total else None

    return {
        "facts": total,
        "specific_page_share": share(passed["specific"]),
        "accessed_share": share(passed["accessed"]),
        "checkable_share": share(passed["checkable"]),
        "by_table": by_table,
    }
