"""KB v2 in the store: the upgrade migration, attributes checked against memberships, the report's gaps."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from steppe.kb import queries
from steppe.kb.asof import parse_partial
from steppe.store import open_store


def test_a_store_from_before_v2_is_upgraded_and_reloaded(isolated_env: Path) -> None:
    with open_store(isolated_env, migrate=False) as old:
        old.migrate(up_to=50)  # a store as steppe left it before KB v2
        assert old.schema_version() == 50
        old.execute("INSERT INTO kb_meta (fingerprint, kb_dir, steppe_version) VALUES ('old', 'x', '0')")
    with open_store(isolated_env) as store:
        assert store.schema_version() >= 61
        assert store.execute("SELECT count(*) FROM kb_meta").fetchone()[0] == 0  # forces a reload
        rows = queries.members("carec", "2015-01-01", store=store)
        assert len(rows) == 10 and {r["start"] for r in rows} >= {"1997", "2002"}


def test_sourced_outside_power_rows_agree_with_the_memberships(store) -> None:
    """``outside_powers_members`` is derived from memberships; every sourced row is a check on it."""
    checked = 0
    for row in queries.attributes(store=store):
        if row["attribute"] != "outside_powers_members":
            continue
        start = parse_partial(row["start"]).sure if row["start"] else None
        end = parse_partial(row["end"]).earliest - timedelta(days=1) if row["end"] else date(2025, 7, 1)
        for day in [d for d in (start, end) if d is not None]:
            derived = queries.outside_powers(day, store=store).get(row["org"], "none")
            assert derived == row["value"], (row["org"], day, row["sources"])
            checked += 1
    assert checked >= 40


def test_attributes_hold_on_their_dates(store) -> None:
    def held(org: str, attribute: str, day: str) -> list[tuple[str, bool]]:
        rows = queries.attributes(org, day, store=store)
        return [(r["value"], r["uncertain"]) for r in rows if r["attribute"] == attribute]

    assert held("china_ca", "secretariat", "2024-03-29") == [("no", False)]
    assert held("china_ca", "secretariat", "2024-03-30") == [("yes", False)]  # Xi'an, 30 March 2024
    assert held("asean", "legal_personality", "2008-12-15") == [("yes", False)]  # ASEAN Charter
    assert held("eaeu", "customs_union", "2015-01-01") == [("yes", False)]


def test_report_lists_the_gaps(store) -> None:
    from steppe.report.build import appendix_section, membership_section

    membership = membership_section(store).html()
    assert "Known gaps in the knowledge base" in membership and "known gap in carec" in membership
    appendix = appendix_section(store).html()
    assert "Known gaps in the knowledge base" in appendix
    first = queries.gaps(store=store)[0]
    assert first["what"].split(" (")[0][:30] in appendix.replace("&#x27;", "'")


@pytest.mark.parametrize("org", ["asean", "eu", "mercosur", "saarc", "gcc", "ecowas", "un", "guam"])
def test_new_organisations_have_sourced_members(store, org: str) -> None:
    rows = queries.timeline(org=org, store=store)
    assert rows and all(r["sources"] for r in rows)
