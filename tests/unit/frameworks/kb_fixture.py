"""A small declared KB, built in Python, for the frameworks' hand-computed tests.

Region "r" = AAA, BBB, CCC. Formats (founded 2000):
- ``trio`` (economic): AAA BBB CCC members; secretariat from 2005; decision rule consensus;
- ``duo`` (environmental): AAA BBB;
- ``guard`` (security): AAA BBB and the outsider OUT;
- ``club`` (political): AAA, CHN and RUS members, BBB member until 2008 then suspended,
  CCC observer; partners and observers yes, accession regional, exclusivity clause yes.
Events: a clash AAA-BBB in 2003; trio summits in 2006 and 2010; club summits in 2010 (AAA CHN
RUS BBB) and 2010 (BBB CHN RUS).
"""

from __future__ import annotations

from steppe.frameworks.institutions import KBFacts, Period
from steppe.kb.asof import parse_partial


def period(
    start: str | None, end: str | None, value: str, sources: tuple[str, ...] = ("src-test",)
) -> Period:
    return Period(
        parse_partial(start) if start else None, parse_partial(end) if end else None, value, sources
    )


def event(eid: str, start: str, kind: str, participants: list[str], orgs: list[str]) -> dict:
    return {
        "id": eid, "start": start, "end": None, "type": kind, "title": f"{kind} {eid}", "place": None,
        "participants": participants, "orgs": orgs, "sources": ["src-test"],
        "start_date": parse_partial(start), "end_date": None,
    }  # fmt: skip


def small_kb() -> KBFacts:
    names = {o: o.title() for o in ("trio", "duo", "guard", "club")}
    kinds = {"trio": "economic", "duo": "environmental", "guard": "security", "club": "political"}
    lifetimes = {o: (parse_partial("2000-01-01"), None) for o in names}
    memberships = {
        ("trio", "AAA"): [period("2000-01-01", None, "founding_member")],
        ("trio", "BBB"): [period("2000-01-01", None, "founding_member")],
        ("trio", "CCC"): [period("2000-01-01", None, "member")],
        ("duo", "AAA"): [period("2000-01-01", None, "member")],
        ("duo", "BBB"): [period("2000-01-01", None, "member")],
        ("guard", "AAA"): [period("2000-01-01", None, "member")],
        ("guard", "BBB"): [period("2000-01-01", None, "member")],
        ("guard", "OUT"): [period("2000-01-01", None, "member")],
        ("club", "AAA"): [period("2000-01-01", None, "member")],
        ("club", "CHN"): [period("2000-01-01", None, "founding_member")],
        ("club", "RUS"): [period("2000-01-01", None, "founding_member")],
        ("club", "BBB"): [
            period("2000-01-01", "2008-05-01", "member"),
            period("2008-05-01", None, "suspended"),
        ],
        ("club", "CCC"): [period("2000-01-01", None, "observer")],
    }
    attributes = {
        ("trio", "secretariat"): [period("2005-01-01", None, "yes")],
        ("trio", "type"): [period("2000-01-01", None, "organisation")],
        ("trio", "decision_rule"): [period("2000-01-01", None, "consensus")],
        ("club", "partners_and_observers"): [period("2000-01-01", None, "yes")],
        ("club", "accession_openness"): [period(None, None, "regional")],
        ("club", "exclusivity_clause"): [period("2000-01-01", None, "yes")],
    }
    events = [
        event("clash-2003", "2003-04-01", "clash", ["AAA", "BBB"], []),
        event("trio-2006", "2006-05-01", "summit", ["AAA", "BBB", "CCC"], ["trio"]),
        event("trio-2010", "2010-05-01", "summit", ["AAA", "BBB", "CCC"], ["trio"]),
        event("club-2010a", "2010-03-01", "summit", ["AAA", "BBB", "CHN", "RUS"], ["club"]),
        event("club-2010b", "2010-09-01", "summit", ["BBB", "CHN", "RUS"], ["club"]),
    ]
    return KBFacts(names, kinds, lifetimes, memberships, attributes, events)
