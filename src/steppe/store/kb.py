"""SQL for the knowledge-base tables: atomic replacement and the as-of queries."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from steppe.kb.loader import KnowledgeBase
    from steppe.store.db import Store

_RENAME = {"start": "start_date", "end": "end_date"}
KB_TABLES = ("sources", "countries", "organisations", "memberships", "events", "contested")


def loaded_fingerprint(store: Store) -> str | None:
    """Fingerprint of the KB currently in the store, None when none is loaded."""
    row = store.execute("SELECT fingerprint FROM kb_meta ORDER BY loaded_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def replace_kb(store: Store, kb: KnowledgeBase, steppe_version: str) -> dict[str, int]:
    """Swap the stored KB for ``kb`` in one transaction; on any failure nothing changes."""
    counts = {}
    with store.transaction():
        for name in KB_TABLES:
            store.execute(f"DELETE FROM kb_{name}")
        for name in KB_TABLES:
            frame: pd.DataFrame = kb.frame(name).rename(columns=_RENAME)
            counts[name] = store.insert_df(f"kb_{name}", frame)
        store.execute("DELETE FROM kb_meta")
        store.execute(
            "INSERT INTO kb_meta (fingerprint, kb_dir, steppe_version) VALUES (?, ?, ?)",
            [kb.fingerprint, str(kb.kb_dir), steppe_version],
        )
    return counts


def counts(store: Store) -> dict[str, int]:
    """Row counts of the stored KB tables."""
    return {name: store.execute(f"SELECT count(*) FROM kb_{name}").fetchone()[0] for name in KB_TABLES}


def organisation_names(store: Store) -> list[dict]:
    return store.rows(
        "SELECT slug, name, aliases, kind, founded, dissolved FROM kb_organisations ORDER BY slug"
    )


def country_names(store: Store) -> list[dict]:
    return store.rows("SELECT iso3, name, aliases, kind, region FROM kb_countries ORDER BY iso3")


_AS_OF = "m.start_date <= $as_of AND (m.end_date IS NULL OR m.end_date > $as_of)"


def members(store: Store, org: str, as_of: date | None, roles: list[str] | None) -> list[dict]:
    """Membership rows of one organisation, active on ``as_of`` when given."""
    where = ["m.org = $org"]
    params: dict = {"org": org}
    if as_of is not None:
        where.append(_AS_OF)
        params["as_of"] = as_of
    if roles:
        where.append("list_contains($roles, m.role)")
        params["roles"] = roles
    return store.rows(
        'SELECT m.country, m.role, m.start_date AS start, m.end_date AS "end", m.sources, '
        "m.confidence, m.note FROM kb_memberships m WHERE "
        + " AND ".join(where)
        + " ORDER BY m.country, m.start_date",
        params,
    )


def memberships_of(store: Store, country: str, as_of: date | None) -> list[dict]:
    """Membership rows of one country, active on ``as_of`` when given."""
    where = ["m.country = $country"]
    params: dict = {"country": country}
    if as_of is not None:
        where.append(_AS_OF)
        params["as_of"] = as_of
    return store.rows(
        'SELECT m.org, o.name AS org_name, m.role, m.start_date AS start, m.end_date AS "end", '
        "m.sources, m.confidence, m.note FROM kb_memberships m JOIN kb_organisations o "
        "ON o.slug = m.org WHERE " + " AND ".join(where) + " ORDER BY m.org, m.start_date",
        params,
    )


def active_roles(store: Store, as_of: date, countries: list[str], orgs: list[str] | None) -> list[dict]:
    """(country, org, role) triples active on ``as_of`` for the given countries."""
    params: dict = {"as_of": as_of, "countries": countries}
    org_filter = ""
    if orgs:
        org_filter = " AND list_contains($orgs, m.org)"
        params["orgs"] = orgs
    return store.rows(
        "SELECT m.country, m.org, m.role FROM kb_memberships m WHERE "
        + _AS_OF
        + " AND list_contains($countries, m.country)"
        + org_filter
        + " ORDER BY m.org, m.country, m.role",
        params,
    )


def timeline_rows(store: Store, org: str | None, country: str | None) -> list[dict]:
    """Every membership period of an organisation or a country, by start date."""
    column, value = ("org", org) if org else ("country", country)
    return store.rows(
        'SELECT m.org, m.country, m.role, m.start_date AS start, m.end_date AS "end", '
        f"m.confidence, m.sources, m.note FROM kb_memberships m WHERE m.{column} = $v "
        "ORDER BY m.start_date, m.org, m.country",
        {"v": value},
    )


def organisation(store: Store, slug: str) -> dict | None:
    found = store.rows(
        "SELECT slug, name, aliases, kind, founded, dissolved, initiators, secretariat, "
        "secretariat_host, predecessor, confidence, sources, note FROM kb_organisations "
        "WHERE slug = $slug",
        {"slug": slug},
    )
    return found[0] if found else None


def events(
    store: Store,
    start: date | None,
    end: date | None,
    types: list[str] | None,
    country: str | None,
    org: str | None,
) -> list[dict]:
    """Events whose start falls in [start, end], filtered by type, participant and org."""
    where = ["TRUE"]
    params: dict = {}
    if start is not None:
        where.append("e.start_date >= $start")
        params["start"] = start
    if end is not None:
        where.append("e.start_date <= $end")
        params["end"] = end
    if types:
        where.append("list_contains($types, e.type)")
        params["types"] = types
    if country:
        where.append("list_contains(e.participants, $country)")
        params["country"] = country
    if org:
        where.append("list_contains(e.orgs, $org)")
        params["org"] = org
    return store.rows(
        'SELECT e.id, e.start_date AS start, e.end_date AS "end", e.type, e.title, e.place, '
        "e.participants, e.orgs, e.confidence, e.sources, e.note FROM kb_events e WHERE "
        + " AND ".join(where)
        + " ORDER BY e.start_date, e.id",
        params,
    )


def sources(store: Store, source_id: str | None) -> list[dict]:
    if source_id is None:
        return store.rows("SELECT * FROM kb_sources ORDER BY id")
    return store.rows("SELECT * FROM kb_sources WHERE id = $id", {"id": source_id})


def membership_frame(store: Store) -> pd.DataFrame:
    """Every membership row as a frame with ``start``/``end`` as dates."""
    frame = store.df(
        'SELECT org, country, role, start_date AS start, end_date AS "end", confidence, sources '
        "FROM kb_memberships ORDER BY org, country, start_date"
    )
    for column in ("start", "end"):
        frame[column] = [None if pd.isna(v) else v.date() if hasattr(v, "date") else v for v in frame[column]]
    return frame


def organisation_frame(store: Store) -> pd.DataFrame:
    """Every organisation with its founding, dissolution, initiators and secretariat host."""
    frame = store.df(
        "SELECT slug, name, kind, founded, dissolved, initiators, secretariat, secretariat_host "
        "FROM kb_organisations ORDER BY slug"
    )
    for column in ("founded", "dissolved"):
        frame[column] = [None if pd.isna(v) else v.date() if hasattr(v, "date") else v for v in frame[column]]
    frame["initiators"] = [list(v) if v is not None else [] for v in frame["initiators"]]
    return frame


def contested(store: Store, prefix: str | None = None) -> list[dict]:
    """Contested facts, optionally those whose subject starts with ``prefix``."""
    if prefix:
        return store.rows(
            "SELECT * FROM kb_contested WHERE starts_with(subject, $p) ORDER BY subject, id", {"p": prefix}
        )
    return store.rows("SELECT * FROM kb_contested ORDER BY subject, id")


def confidence_counts(store: Store) -> list[dict]:
    """Rows per fact table and confidence flag."""
    return store.rows(
        "SELECT 'organisations' AS tbl, confidence, count(*) AS n FROM kb_organisations GROUP BY confidence "
        "UNION ALL SELECT 'memberships', confidence, count(*) FROM kb_memberships GROUP BY confidence "
        "UNION ALL SELECT 'events', confidence, count(*) FROM kb_events GROUP BY confidence "
        "ORDER BY 1, 2"
    )


def unsourced_counts(store: Store) -> dict[str, int]:
    """Rows without any source, per table (the validator forbids them; stats shows the proof)."""
    out = {}
    for name in ("countries", "organisations", "memberships", "events"):
        out[name] = store.execute(
            f"SELECT count(*) FROM kb_{name} WHERE sources IS NULL OR len(sources) = 0"
        ).fetchone()[0]
    out["contested"] = store.execute(
        "SELECT count(*) FROM kb_contested WHERE len(claim_sources) = 0 OR len(adopted_sources) = 0"
    ).fetchone()[0]
    return out
