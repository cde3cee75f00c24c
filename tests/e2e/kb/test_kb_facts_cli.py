"""Well-documented facts across organisations, checked through the CLI's JSON output.

Each case is a fact a reader can verify in the cited sources (treaty texts, official sites,
reference works): founding members, accessions, suspensions, withdrawals, observers.
"""

from __future__ import annotations

import json

import pytest

C5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
WTO_2015 = ["ARM", "AUT", "BEL", "CHN", "EUU", "GEO", "HUN", "IND", "KGZ"]
WTO_2015 += ["MDA", "MNG", "PAK", "PHL", "RUS", "TJK", "TUR", "UKR", "USA"]


def members(cli, org: str, as_of: str, *roles: str) -> dict[str, str]:
    args = ["kb", "members", org, "--as-of", as_of, "--format", "json"]
    for role in roles:
        args += ["--role", role]
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    return {r["country"]: r["role"] for r in json.loads(result.stdout)}


def test_eaeu_members_mid_2015(cli) -> None:
    # Armenia joined 2 January 2015; Kyrgyzstan only on 12 August 2015.
    assert sorted(members(cli, "eaeu", "2015-06-01")) == ["ARM", "BLR", "KAZ", "RUS"]


def test_csto_members_mid_2013(cli) -> None:
    # Uzbekistan suspended its membership in June 2012.
    assert sorted(members(cli, "csto", "2013-06-01")) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


@pytest.mark.parametrize(
    ("org", "as_of", "roles", "expected"),
    [
        # founding members
        ("sco", "2001-07-01", (), {c: "founding_member" for c in ["CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"]}),
        (
            "shanghai_five",
            "1997-01-01",
            (),
            {c: "founding_member" for c in ["CHN", "KAZ", "KGZ", "RUS", "TJK"]},
        ),
        ("Turkic Council", "2010-01-01", (), {c: "founding_member" for c in ["AZE", "KAZ", "KGZ", "TUR"]}),
        ("caco", "2003-01-01", (), {c: "founding_member" for c in ["KAZ", "KGZ", "TJK", "UZB"]}),
        ("EurAsEC", "2002-01-01", (), {c: "founding_member" for c in ["BLR", "KAZ", "KGZ", "RUS", "TJK"]}),
        ("c5plus1", "2016-01-01", (), {c: "founding_member" for c in [*C5, "USA"]}),
        ("SPECA", "1999-01-01", (), {c: "founding_member" for c in ["KAZ", "KGZ", "TJK", "UZB"]}),
        # accessions
        (
            "wto",
            "2015-11-29",
            (),
            {c: "member" for c in WTO_2015},
        ),
        (
            "ots",
            "2020-01-01",
            (),
            {
                "AZE": "founding_member",
                "KAZ": "founding_member",
                "KGZ": "founding_member",
                "TUR": "founding_member",
                "UZB": "member",
            },
        ),
        ("eco", "1993-01-01", (), {c: "member" for c in ["AFG", "AZE", *C5]}),
        (
            "osce",
            "1992-06-01",
            ("member",),
            {
                c: "member"
                for c in ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "TJK", "TKM", "UKR", "UZB"]
            },
        ),
        # suspensions
        ("eurasec", "2010-01-01", ("suspended",), {"UZB": "suspended"}),
        ("csto", "2012-09-01", ("suspended",), {"UZB": "suspended"}),
        # withdrawals and downgrades
        (
            "cis",
            "2010-01-01",
            (),
            {
                c: "founding_member"
                for c in ["ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "UKR", "UZB"]
            },
        ),
        ("cis", "2008-01-01", ("associate",), {"TKM": "associate"}),
        ("cst", "2000-01-01", ("party",), {c: "party" for c in ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]}),
        # observers and partners
        ("sco", "2010-01-01", ("observer",), {c: "observer" for c in ["IND", "IRN", "MNG", "PAK"]}),
        (
            "sco",
            "2016-01-01",
            ("dialogue_partner",),
            {c: "dialogue_partner" for c in ["ARM", "AZE", "KHM", "LKA", "NPL", "TUR"]},
        ),
        ("eaeu", "2021-01-01", ("observer",), {"CUB": "observer", "MDA": "observer", "UZB": "observer"}),
        ("ots", "2022-01-01", ("observer",), {"HUN": "observer", "TKM": "observer"}),
        ("wto", "2021-01-01", ("observer",), {c: "observer" for c in ["AZE", "BLR", "IRN", "TKM", "UZB"]}),
        ("canwfz", "2010-01-01", ("party",), {c: "party" for c in C5}),
    ],
)
def test_documented_facts(cli, org, as_of, roles, expected) -> None:
    assert members(cli, org, as_of, *roles) == expected


def test_wto_accession_of_kazakhstan(cli) -> None:
    assert "KAZ" not in members(cli, "wto", "2015-11-29")
    assert members(cli, "wto", "2015-11-30")["KAZ"] == "member"


def test_cis_withdrawal_of_georgia(cli) -> None:
    assert "GEO" in members(cli, "cis", "2009-08-17")
    assert "GEO" not in members(cli, "cis", "2009-08-18")  # the end day does not count


def test_every_member_row_names_a_known_source(cli) -> None:
    result = cli("kb", "sources", "--format", "json")
    known = {s["id"] for s in json.loads(result.stdout)}
    rows = json.loads(cli("kb", "timeline", "--org", "wto", "--format", "json").stdout)
    assert rows and all(r["sources"] and set(r["sources"]) <= known for r in rows)
