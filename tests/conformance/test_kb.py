"""The knowledge base on every backend: loading, the as-of rule in SQL, and every KB query.

Each query runs on the backend under test and on a DuckDB reference store with the same KB;
the answers must be the same, and the known facts (SCO's eight members on 2018-01-01, ...)
must hold on both.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pandas as pd
import pytest

from steppe.kb import asof
from steppe.kb import queries as kb
from steppe.store import Store
from steppe.store import kb as store_kb

from .conftest import assert_same


def both(pair: tuple[Store, Store], call):  # type: ignore[no-untyped-def]
    store, reference = pair
    got, want = call(store), call(reference)
    assert_same(got, want)
    return got


def test_kb_loads_the_same_rows(kb_pair: tuple[Store, Store]) -> None:
    counts = both(kb_pair, store_kb.counts)
    assert counts["memberships"] > 500 and counts["organisations"] > 30
    for table in (
        "kb_memberships",
        "kb_organisations",
        "kb_events",
        "kb_org_attributes",
        "kb_sources",
        "kb_countries",
        "kb_contested",
        "kb_gaps",
    ):
        both(
            kb_pair,
            lambda s, t=table: sorted(
                s.rows(f"SELECT * FROM {t}"), key=lambda r: [str(v) for v in r.values()]
            ),
        )


def test_sco_members_on_2018_01_01(kb_pair: tuple[Store, Store]) -> None:
    rows = both(kb_pair, lambda s: kb.members("sco", "2018-01-01", ["founding_member", "member"], store=s))
    assert sorted(r["country"] for r in rows) == ["CHN", "IND", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB"]


@pytest.mark.parametrize("org", ["eaeu", "csto", "cis", "eco", "carec", "sco"])
@pytest.mark.parametrize("day", ["1995-06-30", "2001-06-15", "2015-01-01", "2024-12-31", None])
def test_members_by_org_and_day(kb_pair: tuple[Store, Store], org: str, day: str | None) -> None:
    both(kb_pair, lambda s: kb.members(org, day, store=s))


@pytest.mark.parametrize("country", ["KAZ", "KGZ", "TJK", "TKM", "UZB", "CHN", "RUS"])
def test_memberships_timeline_and_diff_of_a_country(kb_pair: tuple[Store, Store], country: str) -> None:
    both(kb_pair, lambda s: kb.memberships(country, "2020-06-01", store=s))
    both(kb_pair, lambda s: kb.memberships(country, None, store=s))
    both(kb_pair, lambda s: kb.timeline(country=country, store=s))
    both(kb_pair, lambda s: kb.diff("1995-01-01", "2024-01-01", country=country, store=s))


def test_overlap_events_delegation_attributes_gaps_stats(kb_pair: tuple[Store, Store]) -> None:
    overlap = both(kb_pair, lambda s: vars(kb.overlap("2019-01-01", store=s)))
    assert overlap
    events = both(kb_pair, lambda s: kb.events("2000-01-01", "2024-12-31", store=s))
    assert events
    both(kb_pair, lambda s: kb.events(None, None, country="KAZ", store=s))
    both(kb_pair, lambda s: kb.events(None, None, org="sco", store=s))
    both(kb_pair, lambda s: kb.delegation((2000, 2020), store=s))
    both(kb_pair, lambda s: kb.attributes(None, "2020-01-01", store=s))
    both(kb_pair, lambda s: kb.attributes("eaeu", None, store=s))
    both(kb_pair, lambda s: kb.gaps(store=s))
    both(kb_pair, lambda s: kb.gaps(org="sco", store=s))
    both(kb_pair, lambda s: kb.contested(store=s))
    both(kb_pair, lambda s: kb.stats(store=s))
    both(
        kb_pair,
        lambda s: kb.organisation("Shanghai Cooperation Organisation", store=s) | {"members_now": None},
    )
    both(kb_pair, lambda s: kb.organisations_with_attributes("2020-01-01", store=s))
    both(kb_pair, lambda s: kb.outside_powers("2020-01-01", store=s))


def test_member_statuses_year_by_year(kb_pair: tuple[Store, Store]) -> None:
    days = [date(y, 7, 1) for y in range(1991, 2026)]
    frame = both(kb_pair, lambda s: kb.member_statuses(["sco", "eaeu", "cis", "csto"], days, store=s))
    assert isinstance(frame, pd.DataFrame) and len(frame) > 100


@pytest.mark.parametrize("table", ["memberships", "org_attributes", "organisations"])
def test_period_statuses_year_by_year(kb_pair: tuple[Store, Store], table: str) -> None:
    """The bulk as-of answer that delegation and the frameworks' KB facts read."""
    days = [date(y, 7, 1) for y in range(1991, 2026)]
    frame = both(kb_pair, lambda s: store_kb.period_statuses(s, table, days))
    assert len(frame) > 30 and set(frame["status"]) <= {"yes", "uncertain"}


def test_framework_kb_facts(kb_pair: tuple[Store, Store]) -> None:
    """What the frameworks read of the KB on each 1 July (KBFacts, answered by the store)."""
    from steppe.frameworks.institutions import KBFacts

    days = [date(y, 7, 1) for y in range(1991, 2026)]

    def facts(s: Store) -> dict:
        kb_facts = KBFacts.load(s, days)
        return {d.isoformat(): vars(kb_facts.on(d)) for d in days}

    found = both(kb_pair, facts)
    assert "sco" in found["2020-07-01"]["existing"]


# The as-of rule, written in SQL once per backend (macro on DuckDB, function on PostgreSQL),
# against its Python reference steppe.kb.asof, on every combination of window shapes.
_D = date(2010, 6, 15)
_WINDOWS = [
    (None, None, None),
    (_D, _D, "day"),
    (date(2010, 6, 1), date(2010, 6, 30), "month"),
    (date(2010, 1, 1), date(2010, 12, 31), "year"),
]
_DAYS = [
    _D - timedelta(days=400),
    date(2010, 1, 1),
    date(2010, 6, 1),
    _D,
    date(2010, 6, 30),
    date(2010, 7, 1),
    date(2010, 12, 31),
    date(2011, 1, 1),
]


def _partial(earliest: date | None, latest: date | None, precision: str | None) -> asof.PartialDate | None:
    if earliest is None or latest is None or precision not in ("day", "month", "year"):
        return None
    return asof.PartialDate(earliest, latest, precision)  # type: ignore[arg-type]


def test_as_of_rule_in_sql_matches_python_reference(kb_pair: tuple[Store, Store]) -> None:
    store, reference = kb_pair
    cases = [(s, e, d) for s, e in itertools.product(_WINDOWS, _WINDOWS) for d in _DAYS]
    for s, e, d in cases:
        params = [*s, *e, d]
        sql = "SELECT kb_status(?, ?, ?, ?, ?, ?, ?)"
        got = store.execute(sql, params).fetchone()[0]
        want = reference.execute(sql, params).fetchone()[0]
        start = _partial(*s)
        end = _partial(*e)
        assert got == want == asof.status(start, end, d), (s, e, d)
