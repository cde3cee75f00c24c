"""Regions: fixed country groups declared with a source, or KB organisations read year by year.

A fixed region (``regions.yaml``: C5, C5+AFG, ASEAN, EU27, Mercosur) has the same members in
every year. A dynamic region is any organisation in the knowledge base (``eaeu``, ``sco``,
``csto``, ...): its members in year Y are the full members (founding or member) as of
1 July of Y, the middle of the year (the KB's as-of rule: start <= D and no end or end > D).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from steppe.errors import NotFoundError
from steppe.store import Store

#: The day of each year on which dynamic memberships are read.
AS_OF_MONTH_DAY = (7, 1)

#: The peer regions the C5 is compared with by default.
PEERS: tuple[str, ...] = ("asean", "eu27", "mercosur")


@dataclass(frozen=True)
class Region:
    """A named set of countries per year, with where its membership comes from."""

    id: str
    name: str
    kind: str  # 'fixed' or 'kb'
    members_by_year: dict[int, frozenset[str]]
    source: str
    url: str | None = None

    def members(self, year: int) -> frozenset[str]:
        return self.members_by_year.get(year, frozenset())

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
            "url": self.url,
            "members": {str(y): sorted(m) for y, m in sorted(self.members_by_year.items())},
        }


@cache
def fixed_regions() -> dict[str, dict[str, Any]]:
    """The fixed regions declared in ``regions.yaml`` (id -> name, members, source, url)."""
    text = resources.files("steppe.indicators").joinpath("regions.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def region(name: str, years: Iterable[int], *, store: Store | None = None) -> Region:
    """The region called ``name`` (a fixed region id or a KB organisation) for ``years``."""
    years = list(years)
    key = name.strip().lower().replace("+", "_").replace("-", "_")
    fixed = fixed_regions()
    if key in fixed:
        spec = fixed[key]
        members = frozenset(spec["members"])
        return Region(
            key, spec["name"], "fixed", {y: members for y in years}, spec["source"], spec.get("url")
        )
    from steppe.kb import queries

    try:
        slug = queries.resolve_org(name, store=store)
    except NotFoundError:
        known = ", ".join(sorted(fixed))
        raise NotFoundError(
            f"Unknown region '{name}': use a fixed region ({known}) or an organisation in the "
            "knowledge base ('steppe kb orgs' lists them)."
        ) from None
    org = next(o for o in queries.organisations(store=store) if o["slug"] == slug)
    by_year = {}
    for y in years:
        rows = queries.members(slug, as_of=date(y, *AS_OF_MONTH_DAY), store=store)
        by_year[y] = frozenset(r["country"] for r in rows)
    return Region(
        slug,
        org["name"],
        "kb",
        by_year,
        f"steppe knowledge base memberships of {slug} (full members as of 1 July of each year)",
        None,
    )
