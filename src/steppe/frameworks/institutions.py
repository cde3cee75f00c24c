"""The KB facts the frameworks read, per organisation and day: formats, members, attributes, events.

:class:`KBFacts` reads the knowledge base from the store (through :mod:`steppe.kb.queries` and
:func:`steppe.store.kb.period_statuses`) and answers "on day D" questions with the store's as-of
answer, the SQL macro ``kb_status`` (docs/kb.md, "Dates and the as-of rule"): the first question
about a day (or :meth:`KBFacts.prefetch` for many days) asks the store once per table for every
row's status that day, and later questions read that answer. Only what is *certain* on the day
counts; a membership or attribute whose partial start or end window contains the day is left out
and can be listed as uncertain.

Declared derivations (docs/frameworks.md, "Organisation facts"), each marked ``derived`` in the
fact it returns:

- ``outside_powers``: the outside powers among an organisation's full members, from the
  memberships (as ``steppe kb orgs`` derives ``outside_powers_members``): ``EUU`` when the EU or
  an EU member state is one;
- ``common_external_tariff`` and ``common_market``: when no row records them on the day and the
  organisation has no customs union recorded as ``yes``, they are ``no`` (a CET is what defines a
  customs union, and a common market is a customs union plus free movement of factors: Balassa
  1961; the KB's own gap note suggests the CET derivation);
- delegation and pooling scores of an organisation (Hooghe and Marks 2015) from its attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from steppe.kb.asof import PartialDate, as_partial
from steppe.kb.schema import MEMBER_ROLES, OUTSIDE_POWERS

if TYPE_CHECKING:
    from steppe.store import Store

#: Attributes that follow from the customs union when the KB does not record them (Balassa 1961).
DERIVED_FROM_CUSTOMS_UNION: tuple[str, ...] = ("common_external_tariff", "common_market")


@dataclass(frozen=True)
class Fact:
    """An attribute of an organisation on a day: its value (None = not recorded), the KB sources
    that state it, and ``derived`` saying how it was derived when no row states it."""

    org: str
    attribute: str
    value: str | None
    sources: tuple[str, ...] = ()
    derived: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.org}:{self.attribute}"

    @property
    def detail(self) -> str:
        if self.value is None:
            return f"{self.org} {self.attribute}: not recorded in the KB"
        how = f" ({self.derived})" if self.derived else f" (sources: {', '.join(self.sources)})"
        return f"{self.org} {self.attribute} = {self.value}{how}"


@dataclass
class DayFacts:
    """The store's as-of answer for one day: what exists and holds, certainly or possibly."""

    #: organisations certainly existing on the day
    existing: frozenset[str]
    #: (org, country) -> [(role, status, sources)], each membership row not certainly inactive
    roles: dict[tuple[str, str], list[tuple[str, str, tuple[str, ...]]]]
    #: (org, attribute) -> [(value, status, sources)], each attribute row not certainly inactive
    attributes: dict[tuple[str, str], list[tuple[str, str, tuple[str, ...]]]]


@dataclass
class KBFacts:
    """The organisations, memberships, attributes and events of the KB, read on any day.

    Built by :meth:`load` from a store, which stays the source of every as-of answer (keep it
    open while the facts are read).
    """

    store: Store
    names: dict[str, str]
    kinds: dict[str, str]
    #: org -> the countries with any membership row in it, sorted
    countries: dict[str, list[str]]
    events: list[dict[str, Any]]
    _days: dict[date, DayFacts] = field(default_factory=dict, repr=False)
    _members: dict[tuple[str, date, tuple[str, ...]], frozenset[str]] = field(
        default_factory=dict, repr=False
    )

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def load(cls, store: Store, days: Iterable[date] = ()) -> KBFacts:
        """The KB facts the frameworks use, from the store (the bundled KB loaded if needed);
        the as-of answers for ``days`` are fetched at once (others when first asked about)."""
        from steppe.kb import queries

        orgs = queries.organisation_frame(store)
        names = dict(zip(orgs["slug"], orgs["name"], strict=True))
        kinds = dict(zip(orgs["slug"], orgs["kind"], strict=True))
        pairs = queries.membership_frame(store)
        countries: dict[str, list[str]] = {}
        for org, country in sorted(set(zip(pairs["org"], pairs["country"], strict=True))):
            countries.setdefault(str(org), []).append(str(country))
        events = []
        for e in queries.events(store=store):
            events.append({**e, "start_date": as_partial(e["start"]), "end_date": as_partial(e["end"])})
        facts = cls(store, names, kinds, countries, events)
        facts.prefetch(days)
        return facts

    def prefetch(self, days: Iterable[date]) -> None:
        """Ask the store for the as-of answers of every day of ``days`` not yet asked about: one
        query per table (organisations, memberships, attributes) for all of them."""
        from steppe.store import kb as store_kb

        wanted = sorted(set(days) - set(self._days))
        if not wanted:
            return
        found = {d: DayFacts(frozenset(), {}, {}) for d in wanted}
        existing: dict[date, set[str]] = {d: set() for d in wanted}
        lives = store_kb.period_statuses(self.store, "organisations", wanted)
        for d, org, state in zip(
            _dates(lives["day"]), lives["org"].tolist(), lives["status"].tolist(), strict=True
        ):
            if state == "yes":
                existing[d].add(org)
        held = store_kb.period_statuses(self.store, "memberships", wanted)
        for d, org, country, role, sources, state in zip(
            _dates(held["day"]),
            held["org"].tolist(),
            held["country"].tolist(),
            held["role"].tolist(),
            held["sources"].tolist(),
            held["status"].tolist(),
            strict=True,
        ):
            found[d].roles.setdefault((org, country), []).append((role, state, _strings(sources)))
        attrs = store_kb.period_statuses(self.store, "org_attributes", wanted)
        for d, org, attribute, value, sources, state in zip(
            _dates(attrs["day"]),
            attrs["org"].tolist(),
            attrs["attribute"].tolist(),
            attrs["value"].tolist(),
            attrs["sources"].tolist(),
            attrs["status"].tolist(),
            strict=True,
        ):
            found[d].attributes.setdefault((org, attribute), []).append((value, state, _strings(sources)))
        for d, facts in found.items():
            facts.existing = frozenset(existing[d])
            self._days[d] = facts

    def on(self, day: date) -> DayFacts:
        """The store's as-of answer for ``day`` (asked once, then kept)."""
        if day not in self._days:
            self.prefetch([day])
        return self._days[day]

    # -- organisations and members --------------------------------------------------------------
    def name(self, org: str) -> str:
        return self.names.get(org, org)

    def kind(self, org: str) -> str | None:
        return self.kinds.get(org)

    def exists(self, org: str, day: date) -> bool:
        """The organisation certainly exists on ``day`` (founded, not yet dissolved)."""
        return org in self.on(day).existing

    def organisations(self) -> list[str]:
        return sorted(self.names)

    def roles(self, org: str, country: str, day: date) -> tuple[list[str], list[str]]:
        """The roles ``country`` certainly holds in ``org`` on ``day``, and those it may hold."""
        certain, uncertain = [], []
        for role, state, _ in self.on(day).roles.get((org, country), []):
            if state == "yes":
                certain.append(role)
            elif state == "uncertain":
                uncertain.append(role)
        return certain, uncertain

    def membership_sources(self, org: str, country: str, day: date) -> tuple[str, ...]:
        """The sources of the membership rows of ``country`` in ``org`` not certainly inactive on ``day``."""
        found: list[str] = []
        for _, _, sources in self.on(day).roles.get((org, country), []):
            found += [s for s in sources if s not in found]
        return tuple(found)

    def members(self, org: str, day: date, roles: Sequence[str] = MEMBER_ROLES) -> frozenset[str]:
        """Countries certainly holding one of ``roles`` (default: full membership) on ``day``."""
        key = (org, day, tuple(roles))
        if key in self._members:
            return self._members[key]
        out = set()
        for country in self.countries.get(org, []):
            certain, _ = self.roles(org, country, day)
            if set(certain) & set(roles):
                out.add(country)
        self._members[key] = frozenset(out)
        return self._members[key]

    def uncertain_members(self, org: str, day: date, roles: Sequence[str] = MEMBER_ROLES) -> frozenset[str]:
        """Countries whose full membership on ``day`` is uncertain (partial dates), not certain."""
        out = set()
        for country in self.countries.get(org, []):
            certain, maybe = self.roles(org, country, day)
            if not set(certain) & set(roles) and set(maybe) & set(roles):
                out.add(country)
        return frozenset(out)

    def outside_powers(self, org: str, day: date) -> tuple[str, ...]:
        """The outside powers among the full members on ``day`` (``EUU``: the EU or a member state)."""
        members = self.members(org, day)
        eu = self.members("eu", day)
        found = sorted(members & (set(OUTSIDE_POWERS) - {"EUU"}))
        if "EUU" in members or members & eu:
            found.append("EUU")
        return tuple(sorted(found))

    # -- attributes ------------------------------------------------------------------------------
    def attribute(self, org: str, attribute: str, day: date) -> Fact:
        """The value certainly holding on ``day`` (the first row if several); None if not recorded."""
        for value, state, sources in self.on(day).attributes.get((org, attribute), []):
            if state == "yes":
                return Fact(org, attribute, value, sources)
        return Fact(org, attribute, None)

    def feature(self, org: str, attribute: str, day: date) -> Fact:
        """:meth:`attribute`, with the declared derivation of a CET or common market from the
        customs union when no row records them."""
        fact = self.attribute(org, attribute, day)
        if fact.value is not None or attribute not in DERIVED_FROM_CUSTOMS_UNION:
            return fact
        union = self.attribute(org, "customs_union", day)
        if union.value == "yes":
            return fact  # a customs union without a recorded CET/common market: unknown
        return Fact(
            org,
            attribute,
            "no",
            union.sources,
            derived=f"derived: not recorded, and no customs union recorded for {org}",
        )

    # -- events ----------------------------------------------------------------------------------
    def events_in(
        self,
        years: Iterable[int],
        *,
        types: Sequence[str] | None = None,
        org: str | None = None,
        orgs: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        min_countries: int = 1,
    ) -> list[dict[str, Any]]:
        """KB events whose start falls in one of ``years`` (its window meets the year), filtered by
        type, organisation(s) and at least ``min_countries`` of ``countries`` among participants."""
        wanted = set(years)
        org_set = {org} if org else set(orgs) if orgs is not None else None
        people = set(countries) if countries is not None else None
        out = []
        for e in self.events:
            start: PartialDate | None = e["start_date"]
            if start is None or not any(start.earliest.year <= y <= start.latest.year for y in wanted):
                continue
            if types and e["type"] not in types:
                continue
            if org_set is not None and not org_set & set(e.get("orgs") or []):
                continue
            if people is not None and len(people & set(e.get("participants") or [])) < min_countries:
                continue
            out.append(e)
        return out

    def events_of(self, org: str, types: Sequence[str]) -> list[dict[str, Any]]:
        """Every KB event of ``org`` of one of ``types``, in any year."""
        return [e for e in self.events if org in (e.get("orgs") or []) and e["type"] in types]


def _dates(column: Any) -> list[date]:
    """A column of stored DATEs as ``datetime.date`` values (frames hand back Timestamps)."""
    import pandas as pd

    return pd.to_datetime(pd.Series(column)).dt.date.tolist()


def _strings(values: Any) -> tuple[str, ...]:
    """A list cell (list, array or None) as a tuple of strings."""
    if values is None or (isinstance(values, float)):
        return ()
    items = values.tolist() if hasattr(values, "tolist") else values  # a numpy array from a frame
    return tuple(str(v) for v in items)


def event_year(event: dict[str, Any]) -> int | None:
    """The year an event starts in (the first year of its window)."""
    start = event.get("start_date") or as_partial(event.get("start"))
    return start.earliest.year if start is not None else None


# -- delegation and pooling (Hooghe and Marks 2015) ------------------------------------------------
def delegation(
    facts: KBFacts, org: str, day: date, third_party: Sequence[str]
) -> tuple[float | None, list[Fact]]:
    """Delegation of authority to non-state bodies: the mean of secretariat = yes, legal
    personality = yes and a third-party dispute settlement (``third_party`` values), over the
    ones the KB records on ``day``; None when it records none."""
    used = [facts.attribute(org, a, day) for a in ("secretariat", "legal_personality", "dispute_settlement")]
    values = []
    for f in used:
        if f.value is None:
            continue
        if f.attribute == "dispute_settlement":
            values.append(1.0 if f.value in third_party else 0.0)
        else:
            values.append(1.0 if f.value == "yes" else 0.0)
    return (sum(values) / len(values) if values else None), used


def pooling(facts: KBFacts, org: str, day: date, rules: Sequence[str]) -> tuple[float | None, list[Fact]]:
    """Pooling of authority in a body of members deciding by less than unanimity: 1 when a body
    votes by majority or the decision rule is one of ``rules``, 0 when the rule is consensus or
    unanimity (and no body votes by majority), None when the KB records neither."""
    body = facts.attribute(org, "majority_voting_body", day)
    rule = facts.attribute(org, "decision_rule", day)
    used = [body, rule]
    if body.value == "yes" or (rule.value is not None and rule.value in rules):
        return 1.0, used
    if rule.value is not None or body.value == "no":
        return 0.0, used
    return None, used
