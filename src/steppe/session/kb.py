"""``session.kb``: the knowledge base of organisations, memberships and events, as DataFrames.

Each method asks :mod:`steppe.kb.queries` with the session's store and answers a frame whose
dates are ``datetime64`` (a date known to a year or month is the first day of its window, with
``<column>_precision`` beside it), whose text is ``string`` and flags ``boolean``; ``attrs``
holds the provenance: the KB fingerprint, the store, and the question asked.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steppe.dates import YearsLike, parse_date, year_span

if TYPE_CHECKING:
    import pandas as pd

    from steppe.kb.queries import Overlap
    from steppe.kb.validate import Report
    from steppe.session import Session

#: Columns of each answer, in order (the README's JSON contracts).
MEMBER_COLUMNS = ("country", "role", "start", "end", "uncertain", "sources")
MEMBERSHIP_COLUMNS = ("org", "org_name", "role", "start", "end", "uncertain", "sources")
PERIOD_COLUMNS = ("org", "country", "role", "start", "end", "confidence", "sources")
EVENT_COLUMNS = ("id", "type", "title", "start", "end", "place", "participants", "orgs", "sources")
DIFF_COLUMNS = ("date", "org", "country", "change", "from_role", "to_role", "uncertain", "sources")
GAP_COLUMNS = ("org", "country", "what", "why")
ORG_COLUMNS = ("slug", "name", "kind", "founded", "dissolved", "aliases")
COUNTRY_COLUMNS = ("iso3", "name", "kind", "region", "aliases")
CONTESTED_COLUMNS = ("id", "subject", "claim", "claim_sources", "adopted", "adopted_sources", "reason")
ATTRIBUTE_COLUMNS = ("org", "attribute", "value", "start", "end", "confidence", "sources", "note")
DELEGATION_COLUMNS = ("year", "active", "external", "c5_initiated", "unknown", "share_external")


def frame(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """:func:`steppe.session.frames.frame`, imported when a frame is built (pandas loads then, so a
    command that only needs rows, such as ``steppe kb members --format json``, starts fast)."""
    from steppe.session.frames import frame as build

    return build(*args, **kwargs)


def _names(value: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    """A list of names from a list or a comma-separated string; None or empty is None."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    names = [str(v).strip() for v in items if str(v).strip()]
    return names or None


class KB:
    """The knowledge-base questions (``steppe kb ...``) for one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- provenance ----------------------------------------------------------------------------
    def _attrs(self, query: str, **asked: Any) -> dict[str, Any]:
        return {
            "query": f"kb.{query}",
            "parameters": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asked.items()},
            "kb_fingerprint": self._session.kb_fingerprint,
            "store": self._session.store.path,
        }

    def _day(self, value: str | date | None, param: str = "as_of") -> date:
        return parse_date(value, param) or date.today()

    # -- names ---------------------------------------------------------------------------------
    def resolve_org(self, name: str) -> str:
        """The slug of an organisation name or alias (case-insensitive)."""
        from steppe.kb import queries

        return queries.resolve_org(name, store=self._session.store)

    def resolve_country(self, name: str) -> str:
        """The ISO3 code of a country code, name or alias (case-insensitive)."""
        from steppe.kb import queries

        return queries.resolve_country(name, store=self._session.store)

    # -- memberships ---------------------------------------------------------------------------
    def members(
        self, org: str, as_of: str | date | None = None, roles: list[str] | None = None
    ) -> pd.DataFrame:
        """Countries holding ``roles`` (default founding member and member) in ``org`` on ``as_of``
        (an ISO date or :class:`datetime.date`; default today).

        A row is ``uncertain`` when the day falls inside a year- or month-precision window of its
        start or end (docs/kb.md, "Dates and the as-of rule").
        """
        rows, attrs = self.member_rows(org, as_of, roles)
        return frame(rows, MEMBER_COLUMNS, partial=("start", "end"), attrs=attrs)

    def member_rows(
        self, org: str, as_of: str | date | None = None, roles: list[str] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """:meth:`members` as plain rows (dates as ISO text with their precision, as stored) and
        the provenance :meth:`members` puts in ``attrs``; needs no pandas (the CLI's fast path)."""
        from steppe.kb import queries

        day = self._day(as_of)
        rows = queries.members(org, day, roles, store=self._session.store)
        slug = queries.resolve_org(org, store=self._session.store)
        return rows, self._attrs("members", org=slug, as_of=day, roles=roles)

    def memberships(self, country: str, as_of: str | date | None = None) -> pd.DataFrame:
        """Every role ``country`` (ISO3 or name) holds on ``as_of`` (default today), all roles."""
        rows, attrs = self.membership_rows(country, as_of)
        return frame(rows, MEMBERSHIP_COLUMNS, partial=("start", "end"), attrs=attrs)

    def membership_rows(
        self, country: str, as_of: str | date | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """:meth:`memberships` as plain rows and its provenance, without pandas (as :meth:`member_rows`)."""
        from steppe.kb import queries

        day = self._day(as_of)
        rows = queries.memberships(country, day, store=self._session.store)
        return rows, self._attrs("memberships", country=country, as_of=day)

    def overlap(
        self,
        as_of: str | date | None = None,
        countries: list[str] | str | None = None,
        orgs: list[str] | str | None = None,
    ) -> Overlap:
        """The country × organisation matrix of roles held on ``as_of`` (default the C5, every
        organisation with a role); ``.to_frame()`` gives it long, one row per cell."""
        from steppe.kb import queries

        result = queries.overlap(self._day(as_of), _names(countries), _names(orgs), store=self._session.store)
        result.attrs = self._attrs(
            "overlap", as_of=result.as_of, countries=result.countries, orgs=_names(orgs)
        )
        return result

    def timeline(self, org: str | None = None, country: str | None = None) -> pd.DataFrame:
        """Every membership period of one organisation or one country, oldest first."""
        from steppe.kb import queries

        rows = queries.timeline(org, country, store=self._session.store)
        return frame(
            rows,
            PERIOD_COLUMNS,
            partial=("start", "end"),
            attrs=self._attrs("timeline", org=org, country=country),
        )

    def diff(
        self,
        start: str | date,
        end: str | date,
        country: str | None = None,
        org: str | None = None,
    ) -> pd.DataFrame:
        """Joins, exits, suspensions, reinstatements and role changes after ``start`` and by ``end``."""
        from steppe.kb import queries

        first, last = parse_date(start, "start"), parse_date(end, "end")
        rows = queries.diff(first or start, last or end, country, org, store=self._session.store)
        return frame(
            rows,
            DIFF_COLUMNS,
            partial=("date",),
            attrs=self._attrs("diff", start=first, end=last, country=country, org=org),
        )

    # -- organisations, events, sources --------------------------------------------------------
    def orgs(self, as_of: str | date | None = None) -> pd.DataFrame:
        """Every organisation and format with its dates, initiators and the attributes holding on
        ``as_of`` (default today), one column per attribute (docs/kb.md)."""
        from steppe.kb import queries

        day = self._day(as_of)
        rows = queries.organisations_with_attributes(day, store=self._session.store)
        flat = [{**{k: v for k, v in r.items() if k != "attributes"}, **r["attributes"]} for r in rows]
        return frame(
            flat,
            (*ORG_COLUMNS, "initiators"),
            partial=("founded", "dissolved"),
            attrs=self._attrs("orgs", as_of=day),
        )

    def org(self, name: str) -> dict[str, Any]:
        """One organisation whole: ``organisation`` (a dict of its facts) and frames of its
        ``attributes``, ``members`` (today), ``history``, ``events``, ``contested`` facts,
        ``gaps`` and the ``sources`` they cite."""
        from steppe.kb import queries

        result = queries.organisation(name, store=self._session.store)
        slug = result["organisation"]["slug"]
        attrs = self._attrs("org", org=slug)
        return {
            "organisation": result["organisation"],
            "as_of": date.fromisoformat(result["as_of"]),
            "attributes": frame(
                result["attributes"], ATTRIBUTE_COLUMNS, partial=("start", "end"), attrs=attrs
            ),
            "members": frame(result["members"], MEMBER_COLUMNS, partial=("start", "end"), attrs=attrs),
            "history": frame(result["history"], PERIOD_COLUMNS, partial=("start", "end"), attrs=attrs),
            "events": frame(result["events"], EVENT_COLUMNS, partial=("start", "end"), attrs=attrs),
            "contested": frame(result["contested"], CONTESTED_COLUMNS, attrs=attrs),
            "gaps": frame(result["gaps"], GAP_COLUMNS, attrs=attrs),
            "sources": frame(
                result["sources"], ("id", "title", "url", "accessed"), dates=("accessed",), attrs=attrs
            ),
        }

    def events(
        self,
        start: str | date | None = None,
        end: str | date | None = None,
        types: list[str] | str | None = None,
        country: str | None = None,
        org: str | None = None,
    ) -> pd.DataFrame:
        """Events (summits, treaties, accessions ...) starting between ``start`` and ``end``."""
        from steppe.kb import queries

        first, last = parse_date(start, "start"), parse_date(end, "end")
        rows = queries.events(first, last, _names(types), country, org, store=self._session.store)
        return frame(
            rows,
            EVENT_COLUMNS,
            partial=("start", "end"),
            attrs=self._attrs("events", start=first, end=last, types=_names(types), country=country, org=org),
        )

    def attributes(self, org: str | None = None, as_of: str | date | None = None) -> pd.DataFrame:
        """Organisation attributes (long): every period, or those holding on ``as_of``."""
        from steppe.kb import queries

        day = parse_date(as_of, "as_of")
        rows = queries.attributes(org, day, store=self._session.store)
        return frame(
            rows,
            ATTRIBUTE_COLUMNS,
            partial=("start", "end"),
            attrs=self._attrs("attributes", org=org, as_of=day),
        )

    def sources(self, source_id: str | None = None) -> pd.DataFrame:
        """Every source the KB cites (or the one with ``source_id``), with its access date."""
        from steppe.kb import queries

        rows = queries.sources(source_id, store=self._session.store)
        return frame(
            rows,
            ("id", "kind", "title", "publisher", "date", "url", "accessed"),
            dates=("accessed",),
            attrs=self._attrs("sources", source_id=source_id),
        )

    def countries(self) -> pd.DataFrame:
        """Every country and actor, with ISO3 code, kind, region and aliases."""
        from steppe.kb import queries

        rows = queries.countries(store=self._session.store)
        return frame(rows, COUNTRY_COLUMNS, attrs=self._attrs("countries"))

    # -- coverage ------------------------------------------------------------------------------
    def gaps(self, org: str | None = None, country: str | None = None) -> pd.DataFrame:
        """What the KB knows to be missing (``org``, ``country``, ``what``, ``why``)."""
        from steppe.kb import queries

        rows = queries.gaps(org, country, store=self._session.store)
        return frame(rows, GAP_COLUMNS, attrs=self._attrs("gaps", org=org, country=country))

    def gap_warnings(self, orgs: list[str] | None = None, countries: list[str] | None = None) -> list[str]:
        """One line per organisation or country among these with a known gap."""
        from steppe.kb import queries

        return queries.gap_warnings(orgs, countries, store=self._session.store)

    def contested(self, subject: str | None = None) -> pd.DataFrame:
        """Facts on which sources disagree: both claims, their sources, what the KB adopts and why."""
        from steppe.kb import queries

        rows = queries.contested(subject, store=self._session.store)
        return frame(rows, CONTESTED_COLUMNS, attrs=self._attrs("contested", subject=subject))

    def counts(self) -> dict[str, int]:
        """Rows per KB table in the store."""
        from steppe.store import kb as store_kb

        self._session.ensure_kb()
        return store_kb.counts(self._session.store)

    def stats(self) -> dict[str, Any]:
        """Coverage of the KB: counts, confidence, checkable sources and the known gaps."""
        from steppe.kb import queries

        return queries.stats(store=self._session.store)

    def delegation(self, years: YearsLike, orgs: list[str] | str | None = None) -> pd.DataFrame:
        """Per year, the formats active for the C5 and the share initiated by outside actors."""
        from steppe.kb import queries

        span = year_span(years, "years")
        assert span is not None
        rows = queries.delegation(span, _names(orgs), store=self._session.store)
        return frame(
            rows, DELEGATION_COLUMNS, attrs=self._attrs("delegation", years=list(span), orgs=_names(orgs))
        )

    def reconcile_cow_igo(
        self, orgs: list[str] | str | None = None, *, dataset: str | None = None
    ) -> pd.DataFrame:
        """Country-years where the KB and the stored COW IGO data disagree, each with its explanation.

        Reads what ``fetch("cow_igo")`` stored (``dataset`` picks an edition, default the pinned,
        else the newest) and writes nothing.
        """
        from steppe.kb import queries

        rows = queries.reconcile_cow_igo(_names(orgs), dataset=dataset, store=self._session.store)
        return frame(
            rows,
            ("ioname", "country", "year", "cow", "kb", "kb_roles", "explained_by"),
            attrs=self._attrs("reconcile_cow_igo", orgs=_names(orgs), dataset=dataset),
        )

    def validate(self, path: str | Path | None = None) -> Report:
        """Check KB files (default the session's KB folder) against their schema."""
        from steppe.kb.validate import validate_kb

        return validate_kb(Path(path) if path is not None else self._session.settings.kb_dir)
