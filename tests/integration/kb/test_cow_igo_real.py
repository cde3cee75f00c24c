"""The COW IGO v3 importer and reconciliation against the real file in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.kb import queries
from steppe.sources import cow_igo, fetch
from steppe.store import cow_igo as store_cow_igo


@pytest.fixture
def store(shared_data: Path, store):
    """The test store with COW IGO v3 fetched from ../shared/data."""
    fetch("cow_igo", mirror=shared_data, store=store)
    return store


def test_import_stores_rows_with_provenance(shared_data: Path, store) -> None:
    stored = store.rows("SELECT * FROM datasets WHERE dataset_id = ?", [cow_igo.DATASET_ID])
    assert stored[0]["source"] == "cow_igo" and stored[0]["edition"] == "3.0"
    assert stored[0]["rows"] == 39292  # PROVENANCE.md: 39,292 rows
    rows = store_cow_igo.memberships(store)
    assert rows["iso3"].notna().all() and rows.attrs["dataset_id"] == cow_igo.DATASET_ID
    kaz = rows.query("iso3 == 'KAZ' and year == 2014")
    assert len(kaz) == 56  # PROVENANCE.md: Kazakhstan 2014 belongs to 56 IGOs
    assert {"CIS", "CSTO", "EAEC", "SCO", "ECO", "CICA", "OSCE", "AsDB"} <= set(kaz["ioname"])
    assert not fetch("cow_igo", mirror=shared_data, store=store).loaded  # same bytes: not reloaded


def test_every_disagreement_is_explained(shared_data: Path, store) -> None:
    rows = queries.reconcile_cow_igo(store=store)
    unexplained = {
        (r["ioname"], r["country"], r["year"], r["cow"], r["kb"]) for r in rows if not r["explained_by"]
    }
    assert unexplained == set()
    # The explained ones are real differences, e.g. COW codes no SCO observers.
    assert ("SCO", "MNG", 2004, "none", "observer") in {
        (r["ioname"], r["country"], r["year"], r["cow"], r["kb"]) for r in rows
    }
    explained_by = {r["explained_by"] for r in rows}
    contested = {r["id"] for r in queries.contested("cow_igo:", store=store)}
    assert explained_by <= contested
    # and no explanation is stale: each one explains at least one difference (the KB v2 rows for
    # the ADB's Central Asian members and ECO's 1985 founders retired nine of them)
    assert contested == explained_by


def test_year_precision_rows_agree_with_cow_in_their_year(shared_data: Path, store) -> None:
    # ADB: KAZ and KGZ joined in 1994, UZB in 1995, TJK in 1998 (year precision); ECO's founders 1985.
    # COW codes the year of accession as a member year, and so does the KB for a year-precision start.
    rows = queries.reconcile_cow_igo(["AsDB", "ECO"], store=store)
    wanted = {("AsDB", c) for c in ("KAZ", "KGZ", "UZB", "TJK", "TKM")}
    wanted |= {("ECO", c) for c in ("IRN", "PAK", "TUR")}
    assert not [r for r in rows if (r["ioname"], r["country"]) in wanted]


def test_kb_agrees_with_cow_on_core_memberships(shared_data: Path, store) -> None:
    rows = queries.reconcile_cow_igo(["CIS", "OSCE", "sco"], store=store)
    # CIS: Turkmenistan's associate status from 2005 matches COW year by year.
    assert not [r for r in rows if r["ioname"] == "CIS"]
    assert {r["country"] for r in rows if r["ioname"] == "SCO"} == {"AFG", "IND", "IRN", "MNG", "PAK"}
