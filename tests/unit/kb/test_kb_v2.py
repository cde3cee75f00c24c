"""KB v2 on the tiny hand-made KB: partial dates in files, validation, attributes, gaps, diff, provenance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from steppe.kb import queries
from steppe.kb.asof import parse_partial
from steppe.kb.loader import load_kb
from steppe.kb.provenance import fact_shares, is_specific_page, source_flags
from steppe.kb.sync import kb_store
from steppe.kb.validate import validate_kb
from steppe.store import open_store

ATTR_HEADER = "org,attribute,value,start,end,confidence,sources,note\n"
GAP_HEADER = "org,country,what,why\n"


def problems(kb: Path) -> list[str]:
    return [str(p) for p in validate_kb(kb).problems]


def append(kb: Path, table: str, *lines: str) -> None:
    with (kb / f"{table}.csv").open("a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))


def test_partial_dates_load_as_windows(tiny_kb: Path) -> None:
    append(tiny_kb, "memberships", "home,KGZ,member,2001-06,2003,high,ref,month start and year end")
    kb = load_kb(tiny_kb)
    row = next(r for r in kb.tables["memberships"] if r["country"] == "KGZ" and r["org"] == "home")
    assert row["start"] == parse_partial("2001-06") and row["end"].text == "2003"
    assert (row["start"].earliest, row["start"].latest) == (date(2001, 6, 1), date(2001, 6, 30))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "home,KGZ,member,2001-6,,high,ref,",
            "start: '2001-6' is not a date written YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        ("home,KGZ,member,2001-02-30,,high,ref,", "start: '2001-02-30' is not a valid calendar date"),
        ("home,KGZ,member,2003,2002-12,high,ref,", "end: end 2002-12 is not after start 2003"),
    ],
)
def test_bad_partial_dates_are_listed(tiny_kb: Path, line: str, message: str) -> None:
    append(tiny_kb, "memberships", line)
    assert problems(tiny_kb) == [f"memberships.csv:12: {message}"]


def test_partial_periods_that_may_touch_are_not_overlaps(tiny_kb: Path) -> None:
    append(
        tiny_kb,
        "memberships",
        "home,KGZ,member,1995,1999,high,ref,",
        "home,KGZ,member,1999,,high,ref,",  # may start the day after the first ends
        "home,KGZ,member,1993,1994,high,ref,",  # ends before the next starts
    )
    assert problems(tiny_kb) == []
    append(tiny_kb, "memberships", "home,KGZ,member,1998,2001,high,ref,")  # shares 1998-12-31 at least
    assert problems(tiny_kb) == [
        "memberships.csv:13: start: home/KGZ/member period overlaps the one at memberships.csv:15",
        "memberships.csv:15: start: home/KGZ/member period overlaps the one at memberships.csv:12",
    ]


def test_attribute_values_and_subjects_are_checked(tiny_kb: Path) -> None:
    (tiny_kb / "org_attributes.csv").write_text(
        ATTR_HEADER
        + "home,decision_rule,consensus,2000,,high,ref,\n"
        + "home,decision_rule,by_lot,2000,,high,ref,\n"
        + "home,colour,blue,,,high,ref,\n"
        + "home,outside_powers_members,CHN; XYZ,,,high,ref,\n"
        + "home,secretariat,yes,2002,2001,high,ref,\n",
        encoding="utf-8",
    )
    found = problems(tiny_kb)
    assert "org_attributes.csv:3: value: 'by_lot' is not a decision_rule value: use one of consensus, " \
        "unanimity, majority, qualified_majority, weighted_voting" in found  # fmt: skip
    assert any(p.startswith("org_attributes.csv:4: attribute: 'colour' is not one of") for p in found)
    assert any(p.startswith("org_attributes.csv:5: value: 'XYZ' is not an outside power") for p in found)
    assert "org_attributes.csv:6: end: end 2001 is not after start 2002" in found
    append(tiny_kb, "contested", "x,attribute:home:nonsense,A.,ref,B.,ref,Why.")
    assert any("is not attribute:ORG:ATTRIBUTE" in p for p in problems(tiny_kb))


def test_gaps_name_known_codes(tiny_kb: Path) -> None:
    (tiny_kb / "gaps.csv").write_text(
        GAP_HEADER + "home,KAZ,Day of joining,Not found.\nnowhere,,x,y\n,,General gap,Why.\n",
        encoding="utf-8",
    )
    assert problems(tiny_kb) == ["gaps.csv:3: org: unknown organisation 'nowhere'"]


@pytest.fixture
def tiny_store(tiny_kb: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    append(
        tiny_kb,
        "memberships",
        # ext: KAZ member 2000-07-01 to 2002-07-01, then suspended (already in the tiny KB); add a
        # reinstatement, a role change, a year-precision join and a month-precision exit
        "ext,KGZ,observer,2001,2004-03-10,high,ref,",
        "ext,KGZ,member,2004-03-10,2006-05,high,ref,",
        "home,KGZ,member,2003,,high,ref,",
    )
    (tiny_kb / "gaps.csv").write_text(
        GAP_HEADER
        + "home,KGZ,Day Kyrgyzstan joined,Only the year is known.\nhome,,Founding treaty text,Not read.\n"
        ",KAZ,Kazakhstan's observer statuses,Not researched.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("STEPPE_KB", str(tiny_kb))
    with open_store(isolated_env) as store:
        yield kb_store(store)


def test_diff_classifies_changes(tiny_store) -> None:
    rows = queries.diff("2000-01-01", "2007-01-01", store=tiny_store)
    got = [(r["date"], r["org"], r["country"], r["change"], r["from_role"], r["to_role"], r["uncertain"])
           for r in rows]  # fmt: skip
    assert got == [
        ("2000-07-01", "ext", "KAZ", "join", None, "member", False),
        ("2001", "ext", "KGZ", "join", None, "observer", False),
        ("2001-07-02", "bank_fmt", "KGZ", "join", None, "member", False),
        ("2002-06-01", "gone", "KAZ", "exit", "member", None, False),
        ("2002-07-01", "ext", "KAZ", "suspension", "member", "suspended", False),
        ("2003", "home", "KGZ", "join", None, "member", False),
        ("2003-01-01", "late", "KGZ", "join", None, "observer", False),
        ("2004-03-10", "ext", "KGZ", "role_change", "observer", "member", False),
        ("2006-05", "ext", "KGZ", "exit", "member", None, False),
    ]
    # a window that cuts through a year- or month-precision change flags it as uncertain
    edge = queries.diff("2003-06-01", "2006-05-15", store=tiny_store)
    assert [(r["date"], r["change"], r["uncertain"]) for r in edge] == [
        ("2003", "join", True),
        ("2004-03-10", "role_change", False),
        ("2006-05", "exit", True),
    ]
    assert (
        queries.diff("2000-01-01", "2007-01-01", country="KAZ", org="ext", store=tiny_store)[0]["change"]
        == "join"
    )


def test_members_flag_uncertain_rows(tiny_store) -> None:
    def kgz(day: str) -> list[tuple[str, bool]]:
        return [(r["start"], r["uncertain"]) for r in queries.members("home", day, store=tiny_store)
                if r["country"] == "KGZ"]  # fmt: skip

    assert kgz("2002-12-31") == []
    assert kgz("2003-01-01") == kgz("2003-12-31") == [("2003", True)]
    assert kgz("2004-01-01") == [("2003", False)]


def test_gap_warnings_one_line_per_org_or_country(tiny_store) -> None:
    lines = queries.gap_warnings(["home", "ext"], store=tiny_store)
    assert lines == [
        "known gap in home: Founding treaty text (and 1 more); 'steppe kb gaps home' lists them."
    ]
    by_country = queries.gap_warnings(None, ["KAZ"], store=tiny_store)
    assert by_country == [
        "known gap in KAZ: Kazakhstan's observer statuses; 'steppe kb gaps --country KAZ' lists it."
    ]
    assert queries.gap_warnings([], [], store=tiny_store) == []


def test_delegation_counts_a_year_precision_start_from_the_next_year(
    tiny_kb: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(tiny_kb, "organisations", "yearly,Yearly format,,dialogue_format,2001,,USA,,,,high,ref,")
    append(tiny_kb, "memberships", "yearly,KAZ,member,2001,,high,ref,")
    monkeypatch.setenv("STEPPE_KB", str(tiny_kb))
    with open_store(isolated_env) as store:
        rows = {r["year"]: r for r in queries.delegation("2001:2002", store=store)}
    assert "yearly" not in rows[2001]["formats"]  # uncertain on 1 July 2001 (the store's as-of answer)
    assert "yearly" in rows[2002]["formats"]


@pytest.mark.parametrize(
    ("url", "kind", "specific"),
    [
        ("https://eng.sectsco.org/", "official_site", False),
        ("https://www.osce.org/en/", "official_site", False),
        ("https://e-cis.info", "official_site", False),
        ("https://www.osce.org/participating-states", "official_site", True),
        ("https://carecprogram.org/?page_id=22907", "official_site", True),
        ("http://www.icwc-aral.uz/index.htm", "official_site", True),
        ("doi:10.1162/002081800551271", "academic", True),
        ("The Prospect of Cooperation (as printed)", "seed_text", True),
        ("", "news", False),
        ("not a url", "news", False),
    ],
)
def test_specific_pages(url: str, kind: str, specific: bool) -> None:
    assert is_specific_page(url, kind) is specific


def test_fact_shares_need_every_source_checkable() -> None:
    flags = source_flags(
        [
            {"id": "a", "url": "https://x.org/page", "kind": "news", "accessed": date(2026, 12, 2)},
            {"id": "b", "url": "https://x.org/", "kind": "news", "accessed": date(2026, 12, 2)},
            {"id": "c", "url": "https://x.org/other", "kind": "news", "accessed": None},
        ]
    )
    facts = [{"tbl": "memberships", "sources": s} for s in (["a"], ["a", "b"], ["c"], ["a", "c"])]
    shares = fact_shares(facts, flags)
    assert shares["facts"] == 4
    assert shares["specific_page_share"] == 0.75  # a; a+c; c  (b is a home page)
    assert shares["accessed_share"] == 0.5  # a; a+b
    assert shares["checkable_share"] == 0.25  # a only
