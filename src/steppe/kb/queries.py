"""The KB questions analysts ask: who belonged to what, as of when, and who says so.

Every function takes an optional open :class:`~steppe.store.Store`; without one it opens
the default store (creating it and loading the bundled KB on first use).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from steppe.dates import parse_date
from steppe.errors import NotFoundError, UsageError
from steppe.kb.asof import text_of, window
from steppe.kb.resolve import NameIndex
from steppe.kb.schema import ATTRIBUTES, EVENT_TYPES, FULL_MEMBERSHIP, MEMBER_ROLES, OUTSIDE_POWERS, ROLES
from steppe.kb.sync import kb_store
from steppe.store import Store
from steppe.store import kb as store_kb

if TYPE_CHECKING:  # pandas loads only where a frame is built, so `steppe kb members` starts fast
    import pandas as pd

#: The five Central Asian republics, the default subject of regional queries.
C5: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")

#: Order in which roles are listed when a country holds several at once.
ROLE_ORDER = {role: i for i, role in enumerate(ROLES)}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _day(value: Any) -> date | None:
    """A stored DATE as a ``datetime.date`` (frames hand back Timestamps and NaT)."""
    if value is None:
        return None
    if isinstance(value, datetime):  # a pandas Timestamp is a datetime; NaT is not equal to itself
        return None if value != value else value.date()
    if isinstance(value, date):
        return value
    import pandas as pd

    return None if pd.isna(value) else value


def _text(day: Any, precision: str | None) -> str | None:
    """A stored window written back at its precision (``1994``, ``1997-06``, ``1994-01-19``)."""
    found = _day(day)
    return text_of(found, precision or "day") if found is not None else None


def _windows(frame: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Replace stored (earliest, precision) column pairs by one column of PartialDate (or None)."""
    import pandas as pd

    out = frame.copy()
    for name, (earliest, precision) in columns.items():
        values = [
            window(d, p) if d is not None else None
            for d, p in zip((_day(v) for v in out[earliest]), out[precision], strict=True)
        ]
        out[name] = pd.Series(values, index=out.index, dtype=object)
    drop = [c for pair in columns.values() for c in pair if c not in columns]
    drop += [c for c in out.columns if c.endswith("_latest")]
    return out.drop(columns=drop)


def membership_frame(store: Store) -> pd.DataFrame:
    """Every membership row with ``start``/``end`` as :class:`~steppe.kb.asof.PartialDate`."""
    return _windows(
        store_kb.membership_frame(store),
        {"start": ("start_date", "start_precision"), "end": ("end_date", "end_precision")},
    )


def organisation_frame(store: Store) -> pd.DataFrame:
    """Every organisation with ``founded``/``dissolved`` as :class:`~steppe.kb.asof.PartialDate`."""
    return _windows(
        store_kb.organisation_frame(store),
        {"founded": ("founded", "founded_precision"), "dissolved": ("dissolved", "dissolved_precision")},
    )


def org_index(store: Store) -> NameIndex:
    return NameIndex(
        "organisation",
        ((r["slug"], r["name"], r["aliases"] or []) for r in store_kb.organisation_names(store)),
    )


def country_index(store: Store) -> NameIndex:
    return NameIndex(
        "country", ((r["iso3"], r["name"], r["aliases"] or []) for r in store_kb.country_names(store))
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
    """A stored row with its date windows written back as ``start``/``end`` text at their precision.

    A row that carries an as-of ``status`` gets ``uncertain``: True when the day asked about
    falls inside the start's or the end's window (docs/kb.md, "Dates and the as-of rule").
    """
    row = dict(row)
    out = {k: v for k, v in row.items() if not k.startswith(("start_", "end_")) and k != "status"}
    out["start"] = _text(row.get("start_date"), row.get("start_precision"))
    out["end"] = _text(row.get("end_date"), row.get("end_precision"))
    if row.get("status") is not None:
        out["uncertain"] = row["status"] == "uncertain"
    return out


def _pick(row: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: row.get(k) for k in keys}


def members(
    org: str,
    as_of: str | date | None = None,
    roles: list[str] | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Countries holding ``roles`` (default: full membership) in ``org`` on ``as_of`` (default: today).

    Returns the README's JSON contract: ``{"country", "role", "start", "end", "uncertain",
    "sources"}``; ``start``/``end`` are written at the precision the source gives, and a row is
    ``uncertain`` when the day falls inside a year- or month-precision window of its start or end.
    """
    store = kb_store(store)
    slug = org_index(store).resolve(org)
    day = parse_date(as_of, "as_of") or date.today()
    wanted = _check_roles(roles) or list(FULL_MEMBERSHIP)
    rows = store_kb.members(store, slug, day, wanted)
    return [_pick(_period(r), MEMBER_KEYS) for r in rows]


#: Keys of a ``members`` row (the README's JSON contract).
MEMBER_KEYS = ("country", "role", "start", "end", "uncertain", "sources")
#: Keys of a ``memberships`` row.
MEMBERSHIP_KEYS = ("org", "org_name", "role", "start", "end", "uncertain", "sources")


def memberships(
    country: str, as_of: str | date | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Every role ``country`` holds on ``as_of`` (default: today), all roles included.

    Rows whose start or end window contains the day are included with ``uncertain: True``.
    """
    store = kb_store(store)
    iso3 = country_index(store).resolve(country)
    day = parse_date(as_of, "as_of") or date.today()
    return [_pick(_period(r), MEMBERSHIP_KEYS) for r in store_kb.memberships_of(store, iso3, day)]


@dataclass
class Overlap:
    """A country × organisation matrix of roles held on one day.

    ``roles`` holds the roles certainly held; ``uncertain`` the roles whose start or end
    window contains the day (possibly held), so that no partial date is guessed either way.
    """

    as_of: date
    countries: list[str]
    organisations: list[str]
    roles: dict[str, dict[str, str]]
    uncertain: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Provenance (KB fingerprint, the question asked), as on the session API's frames.
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per country and organisation with a role held (``uncertain``
        False) or possibly held (True) on the day; roles held together are joined by '+'."""
        rows = [
            {"country": c, "org": o, "role": role, "uncertain": flag}
            for c in self.countries
            for o in self.organisations
            for role, flag in ((self.cell(c, o), False), (self.uncertain_cell(c, o), True))
            if role
        ]
        import pandas as pd

        out = pd.DataFrame(rows, columns=["country", "org", "role", "uncertain"])
        out = out.astype({"country": "string", "org": "string", "role": "string", "uncertain": "boolean"})
        out.insert(0, "as_of", pd.Series(pd.Timestamp(self.as_of), index=out.index, dtype="datetime64[ns]"))
        out.attrs.update(self.attrs)
        return out

    def cell(self, country: str, org: str) -> str | None:
        return self.roles.get(country, {}).get(org)

    def uncertain_cell(self, country: str, org: str) -> str | None:
        return self.uncertain.get(country, {}).get(org)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "countries": self.countries,
            "organisations": self.organisations,
            "roles": self.roles,
            "uncertain": self.uncertain,
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
    day = parse_date(as_of, "as_of") or date.today()
    cidx = country_index(store)
    codes = [cidx.resolve(c) for c in countries] if countries else list(C5)
    slugs = [org_index(store).resolve(o) for o in orgs] if orgs else None
    cells: dict[str, dict[str, list[str]]] = {c: {} for c in codes}
    maybe: dict[str, dict[str, list[str]]] = {c: {} for c in codes}
    for r in store_kb.active_roles(store, day, codes, slugs):
        target = cells if r["status"] == "yes" else maybe
        target[r["country"]].setdefault(r["org"], []).append(r["role"])
    columns = slugs or sorted({org for grid in (cells, maybe) for row in grid.values() for org in row})

    def joined(grid: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, str]]:
        return {
            c: {o: "+".join(sorted(rs, key=ROLE_ORDER.__getitem__)) for o, rs in sorted(row.items())}
            for c, row in grid.items()
        }

    return Overlap(day, codes, columns, joined(cells), {c: r for c, r in joined(maybe).items() if r})


def timeline(
    org: str | None = None, country: str | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Every membership period of one organisation or one country, oldest first."""
    if (org is None) == (country is None):
        raise UsageError(
            "Give exactly one of org or country, for example org 'sco'.", params=("org", "country")
        )
    store = kb_store(store)
    slug = org_index(store).resolve(org) if org else None
    iso3 = country_index(store).resolve(country) if country else None
    return [_period(r) for r in store_kb.timeline_rows(store, slug, iso3)]


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
    first = parse_date(start, "start")
    last = parse_date(end, "end")
    if first and last and last < first:
        raise UsageError(f"end {last} is before start {first}; swap them.", params=("start", "end"))
    for t in types or []:
        if t not in EVENT_TYPES:
            raise UsageError(f"Unknown event type '{t}': use one of {', '.join(EVENT_TYPES)}.")
    iso3 = country_index(store).resolve(country) if country else None
    slug = org_index(store).resolve(org) if org else None
    return [_period(r) for r in store_kb.events(store, first, last, types, iso3, slug)]


def sources(source_id: str | None = None, *, store: Store | None = None) -> list[dict[str, Any]]:
    """Every source, or the one with ``source_id``."""
    store = kb_store(store)
    rows = store_kb.sources(store, source_id)
    if source_id is not None and not rows:
        raise NotFoundError(f"Unknown source '{source_id}'; run 'steppe kb sources' to list every source id.")
    for r in rows:
        r["accessed"] = _iso(r.get("accessed"))
    return rows


def organisations(*, store: Store | None = None) -> list[dict[str, Any]]:
    """Every organisation and format with its kind and dates (at their precision)."""
    rows = store_kb.organisation_names(kb_store(store))
    for r in rows:
        r["founded"] = _text(r["founded"], r.pop("founded_precision"))
        r["dissolved"] = _text(r["dissolved"], r.pop("dissolved_precision"))
    return rows


def countries(*, store: Store | None = None) -> list[dict[str, Any]]:
    """Every country and actor in the KB."""
    return store_kb.country_names(kb_store(store))


def delegation(
    years: str | tuple[int, int], orgs: list[str] | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Per year, the formats active for the C5 and the share initiated by outside actors.

    The "delegated institutionalisation" measure of Gusseinov and Sultonazarov (CABAR); definitions
    in docs/kb.md and
    :mod:`steppe.kb.delegation` (reference day 1 July; external = no C5 state among initiators).
    Whether a format exists and a C5 state takes part on each reference day is the store's as-of
    answer (two queries for all the years).
    """
    from steppe.dates import parse_years
    from steppe.kb.delegation import PARTICIPATING_ROLES, delegation_by_year, reference_days

    store = kb_store(store)
    span = parse_years(years) if isinstance(years, str) else years
    slugs = [org_index(store).resolve(o) for o in orgs] if orgs else None
    days = reference_days(span)
    existing = store_kb.period_statuses(store, "organisations", days, orgs=slugs)
    held = store_kb.statuses(store, days, orgs=slugs, countries=list(C5), roles=sorted(PARTICIPATING_ROLES))
    for frame in (existing, held):
        frame["day"] = [_day(d) for d in frame["day"]]
    organisations = store_kb.organisation_frame(store)
    frame = delegation_by_year(organisations, existing, held, span, C5, slugs=slugs)
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def contested(subject: str | None = None, *, store: Store | None = None) -> list[dict[str, Any]]:
    """Contested facts (both claims, their sources, the adopted value and why).

    ``subject`` filters by prefix (``org:eaeu``, ``cow_igo:SCO``) or by an organisation name,
    which selects every subject that mentions its slug.
    """
    store = kb_store(store)
    if subject is None:
        return store_kb.contested(store)
    if ":" in subject:
        return store_kb.contested(store, subject)
    slug = org_index(store).resolve(subject)
    return [r for r in store_kb.contested(store) if slug in r["subject"].split(":")]


def stats(*, store: Store | None = None) -> dict[str, Any]:
    """Coverage of the KB: counts, confidence, sources a reader can check, and the known gaps.

    ``sources`` counts the sources with a specific page, an access date and both;
    ``facts`` gives the share of fact rows (countries, organisations, memberships, events,
    attributes) whose every cited source has a specific page, an access date and both
    (the target is all of them); ``gaps`` lists what is known to be missing.
    """
    from steppe.kb.provenance import fact_shares, source_flags

    store = kb_store(store)
    counts = store_kb.counts(store)
    by_table: dict[str, dict[str, int]] = {}
    for r in store_kb.confidence_counts(store):
        by_table.setdefault(r["tbl"], {})[r["confidence"]] = r["n"]
    total = {level: sum(t.get(level, 0) for t in by_table.values()) for level in ("high", "medium", "low")}
    n = sum(total.values())
    flags = source_flags(store_kb.sources(store, None))
    return {
        "counts": counts,
        "confidence": {
            name: {level: t.get(level, 0) for level in ("high", "medium", "low")}
            for name, t in sorted(by_table.items())
        },
        "confidence_share": {level: round(v / n, 4) if n else None for level, v in total.items()},
        "unsourced": store_kb.unsourced_counts(store),
        "sources": {
            "total": len(flags),
            "specific_page": sum(f["specific"] for f in flags.values()),
            "accessed": sum(f["accessed"] for f in flags.values()),
            "checkable": sum(f["checkable"] for f in flags.values()),
            "not_checkable": sorted(i for i, f in flags.items() if not f["checkable"]),
        },
        "facts": fact_shares(store_kb.fact_sources(store), flags),
        "gaps": gaps(store=store),
    }


def gaps(
    org: str | None = None, country: str | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """What the KB knows to be missing: ``{"org", "country", "what", "why"}`` rows.

    With ``org`` (a name or alias) or ``country``, the gaps about that organisation or country.
    """
    store = kb_store(store)
    slugs = [org_index(store).resolve(org)] if org else None
    codes = [country_index(store).resolve(country)] if country else None
    return store_kb.gaps(store, slugs, codes)


def gap_warnings(
    orgs: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    *,
    store: Store | None = None,
) -> list[str]:
    """One line per organisation (or country) with a known gap among ``orgs``/``countries``.

    Every command that prints KB-derived output prints these on stderr, so that a missing fact
    is never read as a fact ("Kazakhstan is not in CAREC"); the report lists them too.
    """
    if not orgs and not countries:
        return []
    store = kb_store(store)
    rows = store_kb.gaps(store, list(orgs or []), list(countries or []))
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        key = ("org", r["org"]) if r["org"] and r["org"] in (orgs or ()) else ("country", r["country"])
        grouped.setdefault(key, []).append(r)
    lines = []
    for (kind, code), found in grouped.items():
        first = found[0]
        about = f" ({first['country']})" if kind == "org" and first["country"] else ""
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        command = f"steppe kb gaps {code}" if kind == "org" else f"steppe kb gaps --country {code}"
        lines.append(
            f"known gap in {code}: {first['what']}{about}{more}; '{command}' lists "
            f"{'them' if len(found) > 1 else 'it'}."
        )
    return lines


def member_statuses(
    orgs: Sequence[str],
    days: Sequence[date],
    roles: Sequence[str] | None = None,
    *,
    store: Store | None = None,
) -> pd.DataFrame:
    """For each day, the members of the organisations (slugs): ``day, org, country, role, status``.

    ``status`` is 'yes' or 'uncertain' (the as-of rule on partial dates); rows certainly not
    active that day are left out. Default roles: full membership.
    """
    store = kb_store(store)
    wanted = _check_roles(list(roles) if roles else None) or list(FULL_MEMBERSHIP)
    frame = store_kb.statuses(store, list(days), orgs=list(orgs), roles=wanted)
    frame["day"] = [_day(d) for d in frame["day"]]
    return frame


def attributes(
    org: str | None = None, as_of: str | date | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Organisation attributes (long format): ``{"org", "attribute", "value", "start", "end",
    "confidence", "sources", "note"}``, every period, or those holding on ``as_of``
    (with ``uncertain``)."""
    store = kb_store(store)
    slug = org_index(store).resolve(org) if org else None
    day = parse_date(as_of, "as_of")
    return [_period(r) for r in store_kb.org_attributes(store, slug, day)]


def _current_attributes(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per organisation, each attribute's value(s) holding now; '?' marks an uncertain one."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        value = r["value"] + ("?" if r.get("uncertain") else "")
        out.setdefault(r["org"], {}).setdefault(r["attribute"], []).append(value)
    return {org: {a: "; ".join(vs) for a, vs in attrs.items()} for org, attrs in out.items()}


def outside_powers(day: str | date, *, store: Store | None = None) -> dict[str, str]:
    """Per organisation, the outside powers among its members on ``day``, derived from memberships.

    ``outside_powers_members`` (docs/kb.md): the codes of :data:`~steppe.kb.schema.OUTSIDE_POWERS`
    holding a member role (founding member, member, party) certainly on that day, ``EUU`` when
    the EU or any EU member state is one; ``none`` when there is none. Derived rather than stored,
    so that it follows every accession and exit; the sourced attribute rows are checked against it.
    """
    store = kb_store(store)
    on = parse_date(day, "day") or date.today()
    frame = store_kb.statuses(store, [on], roles=list(MEMBER_ROLES))
    frame = frame[frame["status"] == "yes"]
    eu = set(frame.loc[frame["org"] == "eu", "country"])
    powers = set(OUTSIDE_POWERS) - {"EUU"}
    out: dict[str, str] = {}
    for org, countries in frame.groupby("org")["country"]:
        found = sorted(set(countries) & powers)
        if "EUU" in set(countries) or set(countries) & eu:
            found.append("EUU")
        out[str(org)] = "; ".join(sorted(found)) or "none"
    return out


def organisations_with_attributes(
    as_of: str | date | None = None, *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Every organisation with its initiators and the attributes holding on ``as_of`` (today).

    ``outside_powers_members`` is derived from the memberships (:func:`outside_powers`).
    """
    store = kb_store(store)
    day = parse_date(as_of, "as_of") or date.today()
    current = _current_attributes([_period(r) for r in store_kb.org_attributes(store, None, day)])
    powers = outside_powers(day, store=store)
    orgs = organisations(store=store)
    frame = store_kb.organisation_frame(store).set_index("slug")
    for o in orgs:
        o["initiators"] = list(frame.loc[o["slug"], "initiators"])
        o["attributes"] = {a: current.get(o["slug"], {}).get(a) for a in ATTRIBUTES}
        o["attributes"]["outside_powers_members"] = powers.get(o["slug"], "none")
    return orgs


def organisation(name: str, *, store: Store | None = None) -> dict[str, Any]:
    """One organisation whole: its row, attributes over time, members now, history, events,
    contested facts, known gaps and every source they cite."""
    store = kb_store(store)
    slug = org_index(store).resolve(name)
    row = store_kb.organisation(store, slug) or {}
    org: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith(("founded", "dissolved"))}
    org["founded"] = _text(row.get("founded"), row.get("founded_precision"))
    org["dissolved"] = _text(row.get("dissolved"), row.get("dissolved_precision"))
    today = date.today()
    history = timeline(org=slug, store=store)
    members_now = [_pick(_period(r), MEMBER_KEYS) for r in store_kb.members(store, slug, today, None)]
    result: dict[str, Any] = {
        "organisation": org,
        "attributes": attributes(slug, store=store),
        "members": members_now,
        "as_of": today.isoformat(),
        "history": history,
        "events": events(org=slug, store=store),
        "contested": [r for r in store_kb.contested(store) if slug in r["subject"].split(":")],
        "gaps": store_kb.gaps(store, [slug], None),
    }
    cited: set[str] = set(org.get("sources") or [])
    for part in ("attributes", "history", "events"):
        for r in result[part]:
            cited.update(r.get("sources") or [])
    for r in result["contested"]:
        cited.update(r["claim_sources"] + r["adopted_sources"])
    result["sources"] = [s for s in sources(store=store) if s["id"] in cited]
    return result


#: Kinds of change ``diff`` reports.
CHANGES = ("join", "exit", "suspension", "reinstatement", "role_change")


def diff(
    start: str | date,
    end: str | date,
    country: str | None = None,
    org: str | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Joins, exits, suspensions, reinstatements and role changes after ``start`` and by ``end``.

    A change counts when it had not happened on ``start`` and had on ``end`` (the as-of rule
    on both days); one dated by a year or month whose window overlaps either day is listed with
    ``uncertain: True``. An end and a start of the same country in the same organisation on the
    same date are one change (``member`` to ``suspended`` is a suspension). Rows:
    ``{"date", "org", "country", "change", "from_role", "to_role", "uncertain", "sources"}``.
    """
    store = kb_store(store)
    day1 = parse_date(start, "start")
    day2 = parse_date(end, "end")
    if day1 is None or day2 is None:
        raise UsageError(
            "Give both start and end, for example start '2010-01-01' and end '2020-01-01'.",
            params=("start", "end"),
        )
    if day2 < day1:
        raise UsageError(f"end {day2} is before start {day1}; swap them.", params=("start", "end"))
    iso3 = country_index(store).resolve(country) if country else None
    slug = org_index(store).resolve(org) if org else None
    groups: dict[tuple[str, str, str], dict[str, list[dict[str, Any]]]] = {}
    for r in store_kb.changes(store, day1, day2, iso3, slug):
        key = (_text(r["day"], r["precision"]) or "", r["org"], r["country"])
        groups.setdefault(key, {"start": [], "end": []})[r["point"]].append(r)
    out = []
    for (when, org_slug, iso), points in sorted(groups.items(), key=lambda kv: (kv[0][0][:10], kv[0])):
        ends, starts = list(points["end"]), list(points["start"])
        pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
        while ends and starts:
            pairs.append((ends.pop(0), starts.pop(0)))
        pairs += [(e, None) for e in ends] + [(None, s) for s in starts]
        for old, new in pairs:
            from_role = old["role"] if old else None
            to_role = new["role"] if new else None
            if old is None:
                change = "suspension" if to_role == "suspended" else "join"
            elif new is None:
                change = "exit"
            elif to_role == "suspended":
                change = "suspension"
            elif from_role == "suspended":
                change = "reinstatement"
            else:
                change = "role_change"
            parts = [p for p in (old, new) if p is not None]
            uncertain = any(p["state_first"] == 1 or p["state_last"] == 1 for p in parts)
            cited = list(dict.fromkeys(s for p in parts for s in (p["sources"] or [])))
            out.append(
                {
                    "date": when,
                    "org": org_slug,
                    "country": iso,
                    "change": change,
                    "from_role": from_role,
                    "to_role": to_role,
                    "uncertain": uncertain,
                    "sources": cited,
                }
            )
    return out


def reconcile_cow_igo(
    orgs: list[str] | None = None, *, dataset: str | None = None, store: Store | None = None
) -> list[dict[str, Any]]:
    """Country-years where the KB and COW IGO v3 disagree, each with its contested explanation.

    Reads the stored COW IGO data (``steppe fetch cow_igo`` loads it; ``dataset`` picks an
    edition, default the pinned, else the newest) and writes nothing. ``orgs`` restricts to COW
    abbreviations (``SCO``) or KB organisations (``sco``).
    """
    import pandas as pd

    from steppe.kb.reconcile import COW_TO_KB, FIRST_ANNUAL_YEAR, reconcile, year_ends
    from steppe.store import cow_igo as store_cow_igo

    store = kb_store(store)
    stored = store_cow_igo.memberships(store, dataset)
    system_years = store_cow_igo.system_years(store, stored.attrs["dataset_id"])
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
    last = int(stored["year"].max()) if len(stored) else FIRST_ANNUAL_YEAR
    slugs = sorted({s for m in COW_TO_KB.values() for s in m.slugs})
    held = store_kb.statuses(store, year_ends(FIRST_ANNUAL_YEAR, max(last, FIRST_ANNUAL_YEAR)), orgs=slugs)
    held["day"] = [_day(d) for d in held["day"]]
    frame = reconcile(
        stored,
        membership_frame(store),
        pd.DataFrame(store_kb.contested(store), columns=["id", "subject"]),
        system_years=system_years,
        ionames=ionames,
        held=held,
    )
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
