"""The KB questions analysts ask: who belonged to what, as of when, and who says so.

Every function takes an optional open :class:`~steppe.store.Store`; without one it opens
the default store (creating it and loading the bundled KB on first use).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from steppe.dates import parse_date
from steppe.errors import NotFoundError, UsageError
from steppe.kb.resolve import NameIndex
from steppe.kb.schema import EVENT_TYPES, FULL_MEMBERSHIP, ROLES
from steppe.kb.sync import kb_store
from steppe.store import Store
from steppe.store import kb as kb_sql

#: The five Central Asian republics, the default subject of regional queries.
C5: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")

#: Order in which roles are listed when a country holds several at once.
ROLE_ORDER = {role: i for i, role in enumerate(ROLES)}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def org_index(store: Store) -> NameIndex:
    return NameIndex(
        "organisation",
        ((r["slug"], r["name"], r["aliases"] or []) for r in kb_sql.organisation_names(store)),
    )


def country_index(store: Store) -> NameIndex:
    return NameIndex(
        "country", ((r["iso3"], r["name"], r["aliases"] or []) for r in kb_sql.country_names(store))
    )


def resolve_org(name: str, store: Store | None = None) -> str:
    """The slug for an organisation name or alias (case-insensitive)."""
    return org_index(kb_store(store)).resolve(name)


def resolve_country(name: str, store: Store | None = None) -> str:
    """The ISO3 code for a country code, name or alias (case-insensitive)."""
    return country_index(kb_store(store)).resolve(name)


def _check_roles(roles: list[str] | None) -> list[str] | None:
    if not roles:
        return None
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UsageError(f"Unknown role '{unknown[0]}': use one of {', '.join(ROLES)}.")
    return list(roles)


def _period(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["start"] = _iso(row["start"])
    row["end"] = _iso(row["end"])
    return row


def members(
    org: str,
    as_of: str | date | None = None,
    roles: list[str] | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Countries holding ``roles`` (default: full membership) in ``org`` on ``as_of`` (default: today).

    Returns the README's JSON contract: ``{"country", "role", "start", "end", "sources"}``.
    """
    store = kb_store(store)
    slug = org_index(store).resolve(org)
    day = parse_date(as_of, "--as-of") or date.today()
    wanted = _check_roles(roles) or list(FULL_MEMBERSHIP)
    rows = kb_sql.members(store, slug, day, wanted)
    return [
        {k: v for k, v in _period(r).items() if k in ("country", "role", "start", "end", "sources")}
        for r in rows
    ]


def memberships(
    country: str, as_of: str | date | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Every role ``country`` holds on ``as_of`` (default: today), all roles included."""
    store = kb_store(store)
    iso3 = country_index(store).resolve(country)
    day = parse_date(as_of, "--as-of") or date.today()
    return [
        {k: v for k, v in _period(r).items() if k in ("org", "org_name", "role", "start", "end", "sources")}
        for r in kb_sql.memberships_of(store, iso3, day)
    ]


@dataclass
class Overlap:
    """A country × organisation matrix of roles held on one day."""

    as_of: date
    countries: list[str]
    organisations: list[str]
    roles: dict[str, dict[str, str]]

    def cell(self, country: str, org: str) -> str | None:
        return self.roles.get(country, {}).get(org)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "countries": self.countries,
            "organisations": self.organisations,
            "roles": self.roles,
        }


def overlap(
    as_of: str | date | None = None,
    countries: list[str] | None = None,
    orgs: list[str] | None = None,
    *,
    store: Store | None = None,
) -> Overlap:
    """Which of ``countries`` (default: the C5) hold which role in which organisation.

    Without ``orgs``, the columns are every organisation in which at least one of the
    countries holds a role on that day. Several simultaneous roles are joined by '+'.
    """
    store = kb_store(store)
    day = parse_date(as_of, "--as-of") or date.today()
    cidx = country_index(store)
    codes = [cidx.resolve(c) for c in countries] if countries else list(C5)
    slugs = [org_index(store).resolve(o) for o in orgs] if orgs else None
    cells: dict[str, dict[str, list[str]]] = {c: {} for c in codes}
    for r in kb_sql.active_roles(store, day, codes, slugs):
        cells[r["country"]].setdefault(r["org"], []).append(r["role"])
    columns = slugs or sorted({org for row in cells.values() for org in row})
    roles = {
        c: {o: "+".join(sorted(rs, key=ROLE_ORDER.__getitem__)) for o, rs in sorted(row.items())}
        for c, row in cells.items()
    }
    return Overlap(day, codes, columns, roles)


def timeline(
    org: str | None = None, country: str | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Every membership period of one organisation or one country, oldest first."""
    if (org is None) == (country is None):
        raise UsageError("Give exactly one of --org or --country, for example --org sco.")
    store = kb_store(store)
    slug = org_index(store).resolve(org) if org else None
    iso3 = country_index(store).resolve(country) if country else None
    return [_period(r) for r in kb_sql.timeline_rows(store, slug, iso3)]


def events(
    start: str | date | None = None,
    end: str | date | None = None,
    types: list[str] | None = None,
    country: str | None = None,
    org: str | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Events starting between ``start`` and ``end`` (inclusive), optionally filtered."""
    store = kb_store(store)
    first = parse_date(start, "--from")
    last = parse_date(end, "--to")
    if first and last and last < first:
        raise UsageError(f"--to {last} is before --from {first}; swap them.")
    for t in types or []:
        if t not in EVENT_TYPES:
            raise UsageError(f"Unknown event type '{t}': use one of {', '.join(EVENT_TYPES)}.")
    iso3 = country_index(store).resolve(country) if country else None
    slug = org_index(store).resolve(org) if org else None
    return [_period(r) for r in kb_sql.events(store, first, last, types, iso3, slug)]


def sources(source_id: str | None = None, *, store: Store | None = None) -> list[dict[str, Any]]:
    """Every source, or the one with ``source_id``."""
    store = kb_store(store)
    rows = kb_sql.sources(store, source_id)
    if source_id is not None and not rows:
        raise NotFoundError(f"Unknown source '{source_id}'; run 'steppe kb sources' to list every source id.")
    for r in rows:
        r["accessed"] = _iso(r.get("accessed"))
    return rows


def organisations(*, store: Store | None = None) -> list[dict[str, Any]]:
    """Every organisation and format with its kind and dates."""
    rows = kb_sql.organisation_names(kb_store(store))
    for r in rows:
        r["founded"] = _iso(r["founded"])
        r["dissolved"] = _iso(r["dissolved"])
    return rows


def countries(*, store: Store | None = None) -> list[dict[str, Any]]:
    """Every country and actor in the KB."""
    return kb_sql.country_names(kb_store(store))


def delegation(
    years: str | tuple[int, int], orgs: list[str] | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Per year, the formats active for the C5 and the share initiated by outside actors.

    The "delegated institutionalisation" measure of seed 004; definitions in docs/kb.md and
    :mod:`steppe.kb.delegation` (reference day 1 July; external = no C5 state among initiators).
    """
    from steppe.dates import parse_years
    from steppe.kb.delegation import delegation_by_year

    store = kb_store(store)
    span = parse_years(years) if isinstance(years, str) else years
    slugs = [org_index(store).resolve(o) for o in orgs] if orgs else None
    frame = delegation_by_year(
        kb_sql.organisation_frame(store), kb_sql.membership_frame(store), span, C5, slugs=slugs
    )
    return frame.to_dict(orient="records")


def contested(subject: str | None = None, *, store: Store | None = None) -> list[dict[str, Any]]:
    """Contested facts (both claims, their sources, the adopted value and why).

    ``subject`` filters by prefix (``org:eaeu``, ``cow_igo:SCO``) or by an organisation name,
    which selects every subject that mentions its slug.
    """
    store = kb_store(store)
    if subject is None:
        return kb_sql.contested(store)
    if ":" in subject:
        return kb_sql.contested(store, subject)
    slug = org_index(store).resolve(subject)
    return [r for r in kb_sql.contested(store) if slug in r["subject"].split(":")]


def stats(*, store: Store | None = None) -> dict[str, Any]:
    """Coverage of the KB: row counts, confidence shares and unsourced rows (always zero)."""
    store = kb_store(store)
    counts = kb_sql.counts(store)
    by_table: dict[str, dict[str, int]] = {}
    for r in kb_sql.confidence_counts(store):
        by_table.setdefault(r["tbl"], {})[r["confidence"]] = r["n"]
    total = {level: sum(t.get(level, 0) for t in by_table.values()) for level in ("high", "medium", "low")}
    n = sum(total.values())
    return {
        "counts": counts,
        "confidence": {
            name: {level: t.get(level, 0) for level in ("high", "medium", "low")}
            for name, t in sorted(by_table.items())
        },
        "confidence_share": {level: round(v / n, 4) if n else None for level, v in total.items()},
        "unsourced": kb_sql.unsourced_counts(store),
    }


def reconcile_cow_igo(
    mirror: str | None = None, orgs: list[str] | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Country-years where the KB and COW IGO v3 disagree, each with its contested explanation.

    Imports the COW file from the mirror into the store (with provenance) when it changed.
    ``orgs`` restricts to COW abbreviations (``SCO``) or KB organisations (``sco``).
    """
    from steppe.kb.reconcile import COW_TO_KB, reconcile
    from steppe.sources import cow_igo
    from steppe.store import cow_igo as cow_sql

    store = kb_store(store)
    data, _ = cow_igo.load(mirror, store)
    stored = cow_sql.memberships(store, cow_igo.DATASET_ID)
    ionames = None
    if orgs:
        ionames = []
        for name in orgs:
            by_abbrev = {k.casefold(): k for k in COW_TO_KB}
            if name.casefold() in by_abbrev:
                ionames.append(by_abbrev[name.casefold()])
                continue
            slug = org_index(store).resolve(name)
            hits = [k for k, m in COW_TO_KB.items() if slug in m.slugs]
            if not hits:
                raise NotFoundError(
                    f"The KB organisation '{name}' has no COW IGO counterpart; use one of "
                    f"{', '.join(sorted(COW_TO_KB))}."
                )
            ionames += hits
    frame = reconcile(
        stored,
        kb_sql.membership_frame(store),
        pd.DataFrame(kb_sql.contested(store), columns=["id", "subject"]),
        system_years=data.system_years,
        ionames=ionames,
    )
    return frame.to_dict(orient="records")
