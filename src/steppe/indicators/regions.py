"""Regions: fixed country groups declared with a source, or knowledge-base organisations read year by year.

``regions.yaml`` declares two kinds of named region:

- **fixed** (``members:``): the same countries in every year, with the source that defines the
  group: ``c5`` (UN M49 "Central Asia"), ``c5_afg``, and ``eu27`` (the 27 member states after
  1 February 2020, a constant composition used where a series must compare like with like, e.g.
  the dependence measure's ``share_EU27``);
- **from the KB** (``kb:``): the full members (``founding_member``, ``member``) of one or more
  KB organisations in each year: ``asean``, ``eu`` (the EEC, EC and EU in turn) and
  ``mercosur``, the default peer regions.

Any other organisation in the KB (``eaeu``, ``sco``, ``csto``, ...) is a region of the second
kind under its own slug. Members of year Y are read on the **reference day 1 July of Y** with
the KB's as-of rule: only memberships certain on that day count. A membership whose year- or
month-precision start or end window contains 1 July is *uncertain* that year: it is left out
of the members and listed in ``uncertain_by_year`` (docs/kb.md, "Dates and the as-of rule").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from steppe.errors import NotFoundError
from steppe.store import Store

#: The day of each year on which KB memberships are read.
AS_OF_MONTH_DAY = (7, 1)

#: The peer regions the C5 is compared with by default (all three from the KB, year by year).
PEERS: tuple[str, ...] = ("asean", "eu", "mercosur")


@dataclass(frozen=True)
class Region:
    """A named set of countries per year, with where its membership comes from.

    ``uncertain_by_year`` holds countries whose membership on the reference day is uncertain
    (left out of ``members_by_year``); ``gaps`` the KB's known-gap warnings for its organisations.
    """

    id: str
    name: str
    kind: str  # 'fixed' or 'kb'
    members_by_year: dict[int, frozenset[str]]
    source: str
    url: str | None = None
    uncertain_by_year: dict[int, frozenset[str]] = field(default_factory=dict)
    orgs: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()

    def members(self, year: int) -> frozenset[str]:
        return self.members_by_year.get(year, frozenset())

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
            "url": self.url,
            "orgs": list(self.orgs),
            "members": {str(y): sorted(m) for y, m in sorted(self.members_by_year.items())},
            "uncertain": {str(y): sorted(m) for y, m in sorted(self.uncertain_by_year.items()) if m},
            "gaps": list(self.gaps),
        }


@cache
def declared_regions() -> dict[str, dict[str, Any]]:
    """Every region declared in ``regions.yaml`` (id -> its spec: fixed ``members`` or ``kb`` slugs)."""
    text = resources.files("steppe.indicators").joinpath("regions.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def fixed_regions() -> dict[str, dict[str, Any]]:
    """The fixed regions (id -> name, members, source, url): the same members in every year."""
    return {k: v for k, v in declared_regions().items() if "members" in v}


def _key(name: str) -> str:
    return name.strip().lower().replace("+", "_").replace("-", "_")


def region(name: str, years: Iterable[int], *, store: Store | None = None) -> Region:
    """The region called ``name`` (a declared region id or a KB organisation) for ``years``."""
    years = list(years)
    key = _key(name)
    declared = declared_regions()
    spec = declared.get(key)
    if spec is not None and "members" in spec:
        members = frozenset(spec["members"])
        return Region(
            key, spec["name"], "fixed", {y: members for y in years}, spec["source"], spec.get("url")
        )
    from steppe.kb import queries

    if spec is not None:
        slugs = [queries.resolve_org(s, store=store) for s in _as_list(spec["kb"])]
        rid, label = key, spec["name"]
    else:
        try:
            slug = queries.resolve_org(name, store=store)
        except NotFoundError:
            known = ", ".join(sorted(declared))
            raise NotFoundError(
                f"Unknown region '{name}': use a declared region ({known}) or an organisation in the "
                "knowledge base ('steppe kb orgs' lists them)."
            ) from None
        slugs = [slug]
        rid = slug
        label = next(o["name"] for o in queries.organisations(store=store) if o["slug"] == slug)
    days = [date(y, *AS_OF_MONTH_DAY) for y in years]
    sure: dict[int, set[str]] = {y: set() for y in years}
    maybe: dict[int, set[str]] = {y: set() for y in years}
    if days:
        frame = queries.member_statuses(slugs, days, store=store)
        for day, country, state in zip(frame["day"], frame["country"], frame["status"], strict=True):
            (sure if state == "yes" else maybe)[day.year].add(country)
    uncertain = {y: frozenset(maybe[y] - sure[y]) for y in years}
    return Region(
        rid,
        label,
        "kb",
        {y: frozenset(sure[y]) for y in years},
        f"steppe knowledge base memberships of {' then '.join(slugs)} "
        "(full members certain on 1 July of each year)",
        None,
        uncertain,
        tuple(slugs),
        tuple(queries.gap_warnings(slugs, store=store)),
    )


def region_orgs(name: str, *, store: Store | None = None) -> list[str]:
    """The KB organisations a region's members come from (empty for a fixed region)."""
    spec = declared_regions().get(_key(name))
    if spec is not None and "members" in spec:
        return []
    from steppe.kb import queries

    if spec is not None:
        return [queries.resolve_org(s, store=store) for s in _as_list(spec["kb"])]
    return [queries.resolve_org(name, store=store)]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def catalogue(*, store: Store | None = None) -> list[dict[str, Any]]:
    """Every declared region for listing: id, name, kind, members (today's for KB regions), source, url."""
    rows = []
    this_year = date.today().year
    for key, spec in declared_regions().items():
        if "members" in spec:
            rows.append(
                {
                    "id": key,
                    "name": spec["name"],
                    "kind": "fixed",
                    "members": list(spec["members"]),
                    "source": spec["source"],
                    "url": spec.get("url"),
                }
            )
            continue
        found = region(key, [this_year], store=store)
        rows.append(
            {
                "id": key,
                "name": spec["name"],
                "kind": "kb",
                "members": sorted(found.members(this_year)),
                "source": found.source,
                "url": spec.get("url"),
            }
        )
    return rows
