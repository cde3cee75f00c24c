"""SQL for the knowledge-base tables: atomic replacement and the as-of queries.

Every date of a fact is stored as the window of days it can mean (``<name>_date`` or
``founded``/``dissolved`` for the earliest day, ``<name>_latest``, ``<name>_precision``), and
every as-of question goes through the one rule, the SQL macro ``kb_status`` of migration
``061_kb_v2.sql`` ('yes', 'uncertain' or 'no'). Queries return raw windows; the KB layer writes
them back at their precision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads only when a frame is asked for (fast CLI start-up)
    import pandas as pd

    from steppe.store.db import Store

KB_TABLES = (
    "sources",
    "countries",
    "organisations",
    "memberships",
    "events",
    "contested",
    "org_attributes",
    "gaps",
)

#: Partial-date fields of each KB table -> its (earliest, latest, precision) columns in the store.
WINDOWS: dict[str, dict[str, tuple[str, str, str]]] = {
    "memberships": {
        "start": ("start_date", "start_latest", "start_precision"),
        "end": ("end_date", "end_latest", "end_precision"),
    },
    "events": {
        "start": ("start_date", "start_latest", "start_precision"),
        "end": ("end_date", "end_latest", "end_precision"),
    },
    "org_attributes": {
        "start": ("start_date", "start_latest", "start_precision"),
        "end": ("end_date", "end_latest", "end_precision"),
    },
    "organisations": {
        "founded": ("founded", "founded_latest", "founded_precision"),
        "dissolved": ("dissolved", "dissolved_latest", "dissolved_precision"),
    },
}


def _status(alias: str, param: str = "$as_of", table: str = "memberships") -> str:
    """The as-of rule (macro ``kb_status``) for the period columns of ``table`` (alias ``alias``):
    start and end, or founded and dissolved for organisations."""
    cols = ", ".join(f"{alias}.{c}" for window in WINDOWS[table].values() for c in window)
    return f"kb_status({cols}, {param})"


def _point(alias: str, field: str, param: str) -> str:
    """Whether the change dated by ``field`` has happened on ``param`` (macro ``kb_point_state``)."""
    earliest, latest, precision = WINDOWS["memberships"][field]
    return f"kb_point_state({alias}.{earliest}, {alias}.{latest}, {alias}.{precision}, {param})"


def loaded_fingerprint(store: Store) -> str | None:
    """Fingerprint of the KB currently in the store, None when none is loaded."""
    row = store.execute("SELECT fingerprint FROM kb_meta ORDER BY loaded_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def replace_kb(
    store: Store, tables: Mapping[str, pd.DataFrame], fingerprint: str, kb_dir: str, steppe_version: str
) -> dict[str, int]:
    """Swap the stored KB for ``tables`` (one frame per name of :data:`KB_TABLES`, partial dates
    already split into their :data:`WINDOWS` columns) in one transaction; on any failure nothing
    changes."""
    missing = [name for name in KB_TABLES if name not in tables]
    if missing:
        raise ValueError(f"replace_kb needs every KB table; missing {', '.join(missing)}")
    counts = {}
    with store.transaction():
        for name in KB_TABLES:
            store.execute(f"DELETE FROM kb_{name}")
        for name in KB_TABLES:
            counts[name] = store.insert_frame(f"kb_{name}", tables[name])
        store.execute("DELETE FROM kb_meta")
        store.execute(
            "INSERT INTO kb_meta (fingerprint, kb_dir, steppe_version) VALUES (?, ?, ?)",
            [fingerprint, kb_dir, steppe_version],
        )
    return counts


def counts(store: Store) -> dict[str, int]:
    """Row counts of the stored KB tables."""
    return {name: store.execute(f"SELECT count(*) FROM kb_{name}").fetchone()[0] for name in KB_TABLES}


def organisation_names(store: Store) -> list[dict]:
    return store.rows(
        "SELECT slug, name, aliases, kind, founded, founded_precision, dissolved, dissolved_precision "
        "FROM kb_organisations ORDER BY slug"
    )


def country_names(store: Store) -> list[dict]:
    return store.rows("SELECT iso3, name, aliases, kind, region FROM kb_countries ORDER BY iso3")


_PERIOD = "m.start_date, m.start_precision, m.end_date, m.end_precision, m.sources, m.confidence, m.note"


def members(store: Store, org: str, as_of: date | None, roles: list[str] | None) -> list[dict]:
    """Membership rows of one organisation; with ``as_of``, those not certainly inactive that day.

    ``status`` is 'yes' (certainly active) or 'uncertain' (the day falls in a partial date's
    window); without ``as_of`` every row comes back with status NULL.
    """
    where = ["m.org = $org"]
    params: dict = {"org": org}
    status = "NULL"
    if as_of is not None:
        status = _status("m")
        where.append(f"{status} <> 'no'")
        params["as_of"] = as_of
    if roles:
        where.append(store.dialect.in_list("m.role", "$roles"))
        params["roles"] = roles
    return store.rows(
        f"SELECT m.country, m.role, {_PERIOD}, {status} AS status FROM kb_memberships m WHERE "
        + " AND ".join(where)
        + " ORDER BY m.country, m.start_date",
        params,
    )


def memberships_of(store: Store, country: str, as_of: date | None) -> list[dict]:
    """Membership rows of one country, not certainly inactive on ``as_of`` when given."""
    where = ["m.country = $country"]
    params: dict = {"country": country}
    status = "NULL"
    if as_of is not None:
        status = _status("m")
        where.append(f"{status} <> 'no'")
        params["as_of"] = as_of
    return store.rows(
        f"SELECT m.org, o.name AS org_name, m.role, {_PERIOD}, {status} AS status "
        "FROM kb_memberships m JOIN kb_organisations o ON o.slug = m.org WHERE "
        + " AND ".join(where)
        + " ORDER BY m.org, m.start_date",
        params,
    )


def active_roles(store: Store, as_of: date, countries: list[str], orgs: list[str] | None) -> list[dict]:
    """(country, org, role, status) for the given countries, not certainly inactive on ``as_of``."""
    params: dict = {"as_of": as_of, "countries": countries}
    org_filter = ""
    if orgs:
        org_filter = " AND " + store.dialect.in_list("m.org", "$orgs")
        params["orgs"] = orgs
    status = _status("m")
    return store.rows(
        f"SELECT m.country, m.org, m.role, {status} AS status FROM kb_memberships m WHERE "
        f"{status} <> 'no' AND {store.dialect.in_list('m.country', '$countries')}"
        + org_filter
        + " ORDER BY m.org, m.country, m.role",
        params,
    )


def statuses(
    store: Store,
    days: Sequence[date],
    *,
    orgs: list[str] | None = None,
    countries: list[str] | None = None,
    roles: list[str] | None = None,
) -> pd.DataFrame:
    """Status ('yes' or 'uncertain') of every matching membership row on each of ``days``.

    One row per (day, org, country, role) that is not certainly inactive; the bulk form of the
    as-of rule for year-by-year questions (regions, indices).
    """
    where = [f"{_status('m', 'd.day')} <> 'no'"]
    params: dict[str, Any] = {"days": list(days)}
    for name, values in (("org", orgs), ("country", countries), ("role", roles)):
        if values:
            where.append(store.dialect.in_list(f"m.{name}", f"${name}s"))
            params[f"{name}s"] = list(values)
    return store.query(
        f"SELECT d.day, m.org, m.country, m.role, {_status('m', 'd.day')} AS status "
        f"FROM kb_memberships m, (SELECT {store.dialect.unnest('$days')} AS day) d WHERE "
        + " AND ".join(where)
        + " ORDER BY d.day, m.org, m.country, m.role",
        params,
    )


#: What :func:`period_statuses` returns of each table, and in which order, after ``day``.
_PERIOD_TABLES: dict[str, tuple[str, str, str]] = {
    "memberships": (
        "kb_memberships",
        "t.org, t.country, t.role, t.sources",
        "t.org, t.country, t.start_date, t.role",
    ),
    "org_attributes": (
        "kb_org_attributes",
        "t.org, t.attribute, t.value, t.sources",
        "t.org, t.attribute, t.start_date NULLS FIRST, t.value",
    ),
    "organisations": ("kb_organisations", "t.slug AS org", "t.slug"),
}


def period_statuses(
    store: Store, table: str, days: Sequence[date], *, orgs: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every row of a dated KB table not certainly inactive on each of ``days``, with its status.

    ``table`` is ``memberships`` (org, country, role, sources), ``org_attributes`` (org,
    attribute, value, sources) or ``organisations`` (org: whether it exists, from its founding
    and dissolution). One row per day and matching row, ``status`` 'yes' or 'uncertain' (the
    macro ``kb_status``), ordered by day and then as the table's rows are listed (by start).
    One query for every day: the bulk form the frameworks read their KB facts from.
    """
    if table not in _PERIOD_TABLES:
        raise ValueError(f"period_statuses reads {', '.join(_PERIOD_TABLES)}, not '{table}'")
    name, columns, order = _PERIOD_TABLES[table]
    status = _status("t", "d.day", table)
    where = [f"{status} <> 'no'"]
    params: dict[str, Any] = {"days": list(days)}
    if orgs is not None:
        where.append(store.dialect.in_list("t.slug" if table == "organisations" else "t.org", "$orgs"))
        params["orgs"] = list(orgs)
    return store.query(
        f"SELECT d.day, {columns}, {status} AS status "
        f"FROM {name} t, (SELECT {store.dialect.unnest('$days')} AS day) d WHERE "
        + " AND ".join(where)
        + f" ORDER BY d.day, {order}",
        params,
    )


def timeline_rows(store: Store, org: str | None, country: str | None) -> list[dict]:
    """Every membership period of an organisation or a country, by start date."""
    column, value = ("org", org) if org else ("country", country)
    return store.rows(
        f"SELECT m.org, m.country, m.role, {_PERIOD} FROM kb_memberships m WHERE m.{column} = $v "
        "ORDER BY m.start_date, m.org, m.country",
        {"v": value},
    )


def changes(
    store: Store, first: date, last: date, country: str | None = None, org: str | None = None
) -> list[dict]:
    """Period starts and ends that happened after ``first`` and by ``last`` (certainly or possibly).

    A change "happened by day D" under the as-of rule when its point state on D is 2; it lies in
    the interval when it had not happened on ``first`` and had on ``last``. ``state_first`` and
    ``state_last`` (0, 1, 2) let the caller flag the uncertain ones.
    """
    params: dict = {"first": first, "last": last}
    filters = ""
    if country:
        filters += " AND m.country = $country"
        params["country"] = country
    if org:
        filters += " AND m.org = $org"
        params["org"] = org
    parts = []
    for point in ("start", "end"):
        earliest, _, precision = WINDOWS["memberships"][point]
        on_first, on_last = _point("m", point, "$first"), _point("m", point, "$last")
        parts.append(
            f"SELECT '{point}' AS point, m.org, m.country, m.role, m.{earliest} AS day, "
            f"m.{precision} AS precision, {on_first} AS state_first, {on_last} AS state_last, "
            f"m.sources, m.confidence FROM kb_memberships m WHERE m.{earliest} IS NOT NULL "
            f"AND {on_first} < 2 AND {on_last} > 0{filters}"
        )
    return store.rows(" UNION ALL ".join(parts) + " ORDER BY day, org, country, point DESC", params)


def organisation(store: Store, slug: str) -> dict | None:
    found = store.rows("SELECT * FROM kb_organisations WHERE slug = $slug", {"slug": slug})
    return found[0] if found else None


def org_attributes(store: Store, org: str | None = None, as_of: date | None = None) -> list[dict]:
    """Attribute rows of one or every organisation; with ``as_of``, those holding that day."""
    where = ["TRUE"]
    params: dict = {}
    status = "NULL"
    if org is not None:
        where.append("a.org = $org")
        params["org"] = org
    if as_of is not None:
        status = _status("a")
        where.append(f"{status} <> 'no'")
        params["as_of"] = as_of
    return store.rows(
        "SELECT a.org, a.attribute, a.value, a.start_date, a.start_precision, a.end_date, "
        f"a.end_precision, a.confidence, a.sources, a.note, {status} AS status FROM kb_org_attributes a "
        "WHERE " + " AND ".join(where) + " ORDER BY a.org, a.attribute, a.start_date NULLS FIRST, a.value",
        params,
    )


def gaps(store: Store, orgs: list[str] | None = None, countries: list[str] | None = None) -> list[dict]:
    """Known gaps; with filters, those about any of ``orgs`` or any of ``countries``."""
    if not orgs and not countries:
        return store.rows("SELECT * FROM kb_gaps ORDER BY org NULLS LAST, country NULLS FIRST, what")
    return store.rows(
        f"SELECT * FROM kb_gaps WHERE {store.dialect.in_list('org', '$orgs')} "
        f"OR {store.dialect.in_list('country', '$countries')} "
        "ORDER BY org NULLS LAST, country NULLS FIRST, what",
        {"orgs": list(orgs or []), "countries": list(countries or [])},
    )


def events(
    store: Store,
    start: date | None,
    end: date | None,
    types: list[str] | None,
    country: str | None,
    org: str | None,
) -> list[dict]:
    """Events whose start window meets [start, end], filtered by type, participant and org."""
    where = ["TRUE"]
    params: dict = {}
    if start is not None:
        where.append("e.start_latest >= $start")
        params["start"] = start
    if end is not None:
        where.append("e.start_date <= $end")
        params["end"] = end
    if types:
        where.append(store.dialect.in_list("e.type", "$types"))
        params["types"] = types
    if country:
        where.append(store.dialect.list_has("e.participants", "$country"))
        params["country"] = country
    if org:
        where.append(store.dialect.list_has("e.orgs", "$org"))
        params["org"] = org
    return store.rows(
        "SELECT e.id, e.start_date, e.start_precision, e.end_date, e.end_precision, e.type, e.title, "
        "e.place, e.participants, e.orgs, e.confidence, e.sources, e.note FROM kb_events e WHERE "
        + " AND ".join(where)
        + " ORDER BY e.start_date, e.id",
        params,
    )


def sources(store: Store, source_id: str | None) -> list[dict]:
    if source_id is None:
        return store.rows("SELECT * FROM kb_sources ORDER BY id")
    return store.rows("SELECT * FROM kb_sources WHERE id = $id", {"id": source_id})


def membership_frame(store: Store) -> pd.DataFrame:
    """Every membership row with its date windows (earliest, latest, precision columns)."""
    return store.query(
        "SELECT org, country, role, start_date, start_latest, start_precision, end_date, end_latest, "
        "end_precision, confidence, sources FROM kb_memberships ORDER BY org, country, start_date"
    )


def organisation_frame(store: Store) -> pd.DataFrame:
    """Every organisation with its founding and dissolution windows, initiators and secretariat."""
    frame = store.query(
        "SELECT slug, name, kind, founded, founded_latest, founded_precision, dissolved, "
        "dissolved_latest, dissolved_precision, initiators, secretariat, secretariat_host "
        "FROM kb_organisations ORDER BY slug"
    )
    frame["initiators"] = [list(v) if v is not None else [] for v in frame["initiators"]]
    return frame


def contested(store: Store, prefix: str | None = None) -> list[dict]:
    """Contested facts, optionally those whose subject starts with ``prefix``."""
    if prefix:
        return store.rows(
            f"SELECT * FROM kb_contested WHERE {store.dialect.starts_with('subject', '$p')} "
            "ORDER BY subject, id",
            {"p": prefix},
        )
    return store.rows("SELECT * FROM kb_contested ORDER BY subject, id")


def confidence_counts(store: Store) -> list[dict]:
    """Rows per fact table and confidence flag."""
    return store.rows(
        "SELECT 'organisations' AS tbl, confidence, count(*) AS n FROM kb_organisations GROUP BY confidence "
        "UNION ALL SELECT 'memberships', confidence, count(*) FROM kb_memberships GROUP BY confidence "
        "UNION ALL SELECT 'events', confidence, count(*) FROM kb_events GROUP BY confidence "
        "UNION ALL SELECT 'org_attributes', confidence, count(*) FROM kb_org_attributes "
        "GROUP BY confidence ORDER BY 1, 2"
    )


#: Tables whose rows are facts with a ``sources`` list.
FACT_TABLES = ("countries", "organisations", "memberships", "events", "org_attributes")


def fact_sources(store: Store) -> list[dict]:
    """The source list of every fact row, tagged with its table."""
    return store.rows(
        " UNION ALL ".join(f"SELECT '{name}' AS tbl, sources FROM kb_{name}" for name in FACT_TABLES)
    )


def unsourced_counts(store: Store) -> dict[str, int]:
    """Rows without any source, per table (the validator forbids them; stats shows the proof)."""
    out = {}
    for name in FACT_TABLES:
        out[name] = store.execute(
            f"SELECT count(*) FROM kb_{name} WHERE {store.dialect.list_len('sources')} = 0"
        ).fetchone()[0]
    out["contested"] = store.execute(
        f"SELECT count(*) FROM kb_contested WHERE {store.dialect.list_len('claim_sources')} = 0 "
        f"OR {store.dialect.list_len('adopted_sources')} = 0"
    ).fetchone()[0]
    return out
