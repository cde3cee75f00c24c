"""The store: migrations, first-use loading, atomic KB replacement, SQL as-of logic."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steppe.errors import ValidationError
from steppe.kb import queries
from steppe.kb.asof import active_on
from steppe.kb.sync import ensure_kb
from steppe.store import Store, open_store
from steppe.store import kb as store_kb


def test_migrations_apply_once(isolated_env: Path) -> None:
    with open_store(isolated_env) as s:
        version = s.schema_version()
        assert version >= 2
        assert s.migrate() == []
    with open_store(isolated_env) as s:
        assert s.schema_version() == version


def test_first_query_initialises_store(isolated_env: Path) -> None:
    assert not isolated_env.exists()
    rows = queries.members("sco", "2018-01-01")
    assert isolated_env.exists()
    assert len(rows) == 8


def test_sco_members_2018(store: Store) -> None:
    rows = queries.members("sco", "2018-01-01", store=store)
    assert sorted(r["country"] for r in rows) == [
        "CHN",
        "IND",
        "KAZ",
        "KGZ",
        "PAK",
        "RUS",
        "TJK",
        "UZB",
    ]
    assert set(rows[0]) == {"country", "role", "start", "end", "uncertain", "sources"}


def test_start_day_counts_end_day_does_not(store: Store) -> None:
    assert "IND" in {r["country"] for r in queries.members("sco", "2017-06-09", store=store)}
    assert "IND" not in {r["country"] for r in queries.members("sco", "2017-06-08", store=store)}
    observers = {r["country"] for r in queries.members("sco", "2017-06-09", ["observer"], store=store)}
    assert "IND" not in observers
    observers = {r["country"] for r in queries.members("sco", "2017-06-08", ["observer"], store=store)}
    assert "IND" in observers


def test_reload_when_files_change_and_atomic_on_failure(store: Store, kb_copy: Path) -> None:
    assert ensure_kb(store, kb_copy) is False  # same bytes elsewhere: nothing to reload
    before = store_kb.counts(store)
    # a valid change reloads
    with (kb_copy / "memberships.csv").open("a") as fh:
        fh.write("sco,TUR,observer,2030-01-01,,low,wiki-sco,test row\n")
    assert ensure_kb(store, kb_copy) is True
    assert store_kb.counts(store)["memberships"] == before["memberships"] + 1
    assert ensure_kb(store, kb_copy) is False
    # a broken change raises and leaves the stored KB untouched
    with (kb_copy / "memberships.csv").open("a") as fh:
        fh.write("sco,XYZ,observer,2030-01-01,,low,wiki-sco,\n")
    with pytest.raises(ValidationError):
        ensure_kb(store, kb_copy)
    assert store_kb.counts(store)["memberships"] == before["memberships"] + 1


def test_failure_mid_load_rolls_back(store: Store, kb_copy: Path, monkeypatch) -> None:
    before = store_kb.counts(store)
    with (kb_copy / "memberships.csv").open("a") as fh:
        fh.write("sco,TUR,observer,2030-01-01,,low,wiki-sco,\n")
    original = Store.insert_frame
    calls = {"n": 0}

    def failing_insert(self, table, frame):
        calls["n"] += 1
        if table == "kb_memberships":
            raise RuntimeError("disk full")
        return original(self, table, frame)

    monkeypatch.setattr(Store, "insert_frame", failing_insert)
    with pytest.raises(RuntimeError):
        ensure_kb(store, kb_copy)
    monkeypatch.setattr(Store, "insert_frame", original)
    assert calls["n"] >= 3
    assert store_kb.counts(store) == before
    assert len(queries.members("sco", "2018-01-01", store=store)) == 8


def test_overlap_matrix(store: Store) -> None:
    result = queries.overlap("2016-01-01", store=store)
    assert result.countries == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert result.cell("KAZ", "eaeu") == "founding_member"
    assert result.cell("KGZ", "eaeu") == "member"
    assert result.cell("UZB", "csto") == "suspended"  # from 28 June 2012 (TASS), no exit since
    assert result.cell("TKM", "sco") is None
    assert "shanghai_five" not in result.organisations


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=date(1995, 1, 1), max_value=date(2026, 12, 31)))
def test_sql_as_of_matches_python_rule(store: Store, day: date) -> None:
    expected = {
        (r["country"], r["role"])
        for r in queries.timeline(org="sco", store=store)
        if active_on(r["start"], r["end"], day) and r["role"] in ("founding_member", "member")
    }
    got = {(r["country"], r["role"]) for r in queries.members("sco", day, store=store)}
    assert got == expected


def test_membership_count_monotone_around_an_accession(store: Store) -> None:
    accession = date(2015, 8, 12)
    counts = [len(queries.members("eaeu", accession + timedelta(days=d), store=store)) for d in (-1, 0, 1)]
    assert counts == [4, 5, 5]


def test_events_filters(store: Store) -> None:
    rows = queries.events("2014-01-01", "2015-12-31", ["accession"], "Kyrgyzstan", store=store)
    assert [r["id"] for r in rows] == ["eaeu-kgz-accession-2015"]


def test_default_store_is_reused(isolated_env: Path) -> None:
    from steppe.store import default_store

    first = default_store()
    assert default_store() is first
    queries.members("sco")
    assert default_store() is first
    first.close()
    assert default_store() is not first


def test_fingerprint_follows_file_changes(kb_copy: Path) -> None:
    from steppe.kb.loader import fingerprint

    first = fingerprint(kb_copy)
    assert fingerprint(kb_copy) == first
    path = kb_copy / "memberships.csv"
    with path.open("a") as fh:
        fh.write("sco,TUR,observer,2030-01-01,,low,wiki-sco,\n")
    assert fingerprint(kb_copy) != first


def test_period_statuses_follow_the_python_rule(store: Store) -> None:
    """The store's bulk as-of answer (what delegation and the frameworks read) on every row of the
    bundled KB, on 1 January and 1 July of each year, is the Python reference's."""
    from collections import Counter

    from steppe.kb.asof import status

    days = [date(y, m, 1) for y in range(1985, 2027) for m in (1, 7)]
    rows = {
        "memberships": [
            ((r["org"], r["country"], r["role"]), r["start"], r["end"])
            for r in queries.membership_frame(store).to_dict("records")
        ],
        "org_attributes": [
            ((r["org"], r["attribute"], r["value"]), r["start"], r["end"])
            for r in queries.attributes(store=store)
        ],
        "organisations": [
            ((r["slug"],), r["founded"], r["dissolved"]) for r in queries.organisations(store=store)
        ],
    }
    keys = {"memberships": ["org", "country", "role"], "org_attributes": ["org", "attribute", "value"]}
    for table, periods in rows.items():
        want = Counter(
            (d, *key, state)
            for d in days
            for key, start, end in periods
            if (state := status(start, end, d)) != "no"
        )
        frame = store_kb.period_statuses(store, table, days)
        columns = keys.get(table, ["org"])
        got = Counter(
            (day.date(), *values)
            for day, *values in frame[["day", *columns, "status"]].itertuples(index=False, name=None)
        )
        assert got == want, table
        assert set(frame["status"]) == {"yes", "uncertain"}
    some = store_kb.period_statuses(store, "organisations", [date(2020, 7, 1)], orgs=["sco", "eaeu"])
    assert list(some["org"]) == ["eaeu", "sco"]
    with pytest.raises(ValueError, match="not 'events'"):
        store_kb.period_statuses(store, "events", days)
