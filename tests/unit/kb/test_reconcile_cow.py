"""Reconciling the KB with a tiny hand-written file in the COW IGO v3 long format."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from steppe.errors import DataError, NotFoundError
from steppe.kb.loader import load_kb
from steppe.kb.reconcile import COW_TO_KB, KB_TO_COW, Mapping, reconcile
from steppe.kb.schema import ROLES
from steppe.sources import cow_igo

LONG = """ccode,state,year,ioname,orgname,status,status_label
705,kazakhstan,1996,HOME,Home format,1,full
705,kazakhstan,1997,HOME,Home format,1,full
705,kazakhstan,1998,HOME,Home format,1,full
705,kazakhstan,1999,HOME,Home format,1,full
705,kazakhstan,2000,HOME,Home format,1,full
705,kazakhstan,2001,HOME,Home format,1,full
705,kazakhstan,2002,HOME,Home format,1,full
705,kazakhstan,2003,HOME,Home format,1,full
703,kyrgyzstan,2001,HOME,Home format,3,observer
703,kyrgyzstan,2000,MIX,Mixed format,2,associate
703,kyrgyzstan,2001,MIX,Mixed format,2,associate
703,kyrgyzstan,2002,MIX,Mixed format,2,associate
703,kyrgyzstan,2003,MIX,Mixed format,2,associate
365,russia,2003,UPU,Universal Postal Union,1,full
"""
STATES = """stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version
RUS,365,Russia,1816,1,1,2016,12,31,2016
KYR,703,Kyrgyzstan,1991,12,25,2016,12,31,2016
KZK,705,Kazakhstan,1991,12,16,2016,12,31,2016
"""
MAPPING = {
    "HOME": Mapping("HOME", ("home", "gone"), "COW counts the predecessor 'gone' as the same IGO."),
    "MIX": Mapping("MIX", ("mixed",), "Same body."),
}


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    folder = tmp_path / "mirror" / "cow_igo_v3"
    folder.mkdir(parents=True)
    (folder / cow_igo.MEMBERSHIP_FILE).write_text(LONG, encoding="utf-8")
    (folder / cow_igo.STATES_FILE).write_text(STATES, encoding="utf-8")
    return tmp_path / "mirror"


def test_importer_reads_and_maps_codes(mirror: Path) -> None:
    folder = mirror / "cow_igo_v3"
    data = cow_igo.read_cow_igo(folder / cow_igo.MEMBERSHIP_FILE, folder / cow_igo.STATES_FILE)
    assert len(data.memberships) == 14
    assert dict(zip(data.memberships["ccode"], data.memberships["iso3"], strict=True)) == {
        705: "KAZ",
        703: "KGZ",
        365: "RUS",
    }
    assert sorted(data.system_years["iso3"]) == ["KAZ", "KGZ", "RUS"]
    assert len(data.content_hash) == 64


def test_importer_rejects_unknown_status(mirror: Path) -> None:
    path = mirror / "cow_igo_v3" / cow_igo.MEMBERSHIP_FILE
    path.write_text(LONG + "705,kazakhstan,2004,HOME,Home format,7,odd\n", encoding="utf-8")
    with pytest.raises(DataError, match="status 7"):
        cow_igo.read_cow_igo(path)


def test_fetch_stores_rows_with_provenance_and_reconcile_only_reads(mirror: Path, store) -> None:
    from steppe.kb import queries
    from steppe.sources import fetch

    with pytest.raises(NotFoundError, match="steppe fetch cow_igo"):
        queries.reconcile_cow_igo(store=store)  # nothing stored: reading never imports
    result = fetch("cow_igo", mirror=mirror, store=store)
    assert result.dataset_id == cow_igo.DATASET_ID and result.rows == 14 and result.loaded
    row = store.rows("SELECT * FROM datasets WHERE dataset_id = ?", [cow_igo.DATASET_ID])[0]
    assert sorted(row["tables"]) == ["cow_igo_memberships", "cow_igo_states"]
    assert "states2016.csv" in row["location"]
    before = store.scalar("SELECT count(*) FROM datasets")
    queries.reconcile_cow_igo(store=store)
    assert store.scalar("SELECT count(*) FROM datasets") == before
    assert not fetch("cow_igo", mirror=mirror, store=store).loaded  # same bytes: nothing added


def test_mirror_without_the_files_is_one_sentence(tmp_path: Path, store) -> None:
    from steppe.sources import fetch

    with pytest.raises(NotFoundError, match="cow_igo_v3/igo_membership"):
        fetch("cow_igo", mirror=tmp_path, store=store)


def test_every_role_maps_to_a_cow_code() -> None:
    assert set(KB_TO_COW) == set(ROLES)


def test_mapping_points_at_bundled_organisations() -> None:
    slugs = {r["slug"] for r in load_kb().tables["organisations"]}
    for m in COW_TO_KB.values():
        assert set(m.slugs) <= slugs, m.ioname
        assert m.note


def _held(memberships: pd.DataFrame, last: int = 2014) -> pd.DataFrame:
    """What the store's as-of rule answers (roles not certainly inactive on each 31 December),
    computed with its Python reference for these pure tests."""
    from steppe.kb.asof import status
    from steppe.kb.reconcile import FIRST_ANNUAL_YEAR, year_ends

    rows = [
        {"day": day, "org": r.org, "country": r.country, "role": r.role}
        for day in year_ends(FIRST_ANNUAL_YEAR, last)
        for r in memberships.itertuples()
        if status(r.start, r.end, day) != "no"
    ]
    return pd.DataFrame(rows, columns=["day", "org", "country", "role"])


def test_disagreements_by_hand(mirror: Path, tiny_kb: Path) -> None:
    data = cow_igo.read_cow_igo(
        mirror / "cow_igo_v3" / cow_igo.MEMBERSHIP_FILE, mirror / "cow_igo_v3" / cow_igo.STATES_FILE
    )
    kb = load_kb(tiny_kb)
    contested = pd.DataFrame(
        [{"id": "mix-associate", "subject": "cow_igo:MIX:*:2000-2001"}], columns=["id", "subject"]
    )
    out = reconcile(
        data.memberships,
        kb.frame("memberships"),
        contested,
        mapping=MAPPING,
        system_years=data.system_years,
        held=_held(kb.frame("memberships")),
    )
    found = {(r.ioname, r.country, r.year, r.cow, r.kb, r.explained_by) for r in out.itertuples()}
    # By hand, roles read on 31 December; HOME = home + gone:
    # KAZ 1995: KB 'gone' member since 1995-01-01, COW starts 1996 -> disagreement.
    # KAZ 1996-2003 agree (2002: 'gone' ended 1 June but 'home' is held). KGZ 2001: COW observer,
    # KB nothing. MIX: COW associate vs KB founding member for 2000-2003; 2000-2001 explained.
    # RUS has no role in either source (UPU is not mapped).
    assert found == {
        ("HOME", "KAZ", 1995, "none", "full", None),
        ("HOME", "KGZ", 2001, "observer", "none", None),
        ("MIX", "KGZ", 2000, "associate", "full", "mix-associate"),
        ("MIX", "KGZ", 2001, "associate", "full", "mix-associate"),
        ("MIX", "KGZ", 2002, "associate", "full", None),
        ("MIX", "KGZ", 2003, "associate", "full", None),
    }
    only_mix = reconcile(
        data.memberships,
        kb.frame("memberships"),
        contested,
        mapping=MAPPING,
        ionames=["MIX"],
        held=_held(kb.frame("memberships")),
    )
    assert set(only_mix["ioname"]) == {"MIX"}


def test_system_years_limit_the_comparison(mirror: Path, tiny_kb: Path) -> None:
    data = cow_igo.read_cow_igo(
        mirror / "cow_igo_v3" / cow_igo.MEMBERSHIP_FILE, mirror / "cow_igo_v3" / cow_igo.STATES_FILE
    )
    system = data.system_years.copy()
    system.loc[system["iso3"] == "KAZ", "styear"] = 1996  # KAZ not in the system in 1995
    out = reconcile(
        data.memberships,
        load_kb(tiny_kb).frame("memberships"),
        pd.DataFrame(columns=["id", "subject"]),
        mapping=MAPPING,
        system_years=system,
        held=_held(load_kb(tiny_kb).frame("memberships")),
    )
    assert ("KAZ", 1995) not in set(zip(out["country"], out["year"], strict=True))
