"""KB v2 through the CLI (in-process): partial dates, gap warnings, attributes, diff, stats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from steppe.config import BUNDLED_KB

# -- dates at year and month precision ---------------------------------------------------------------


def test_year_precision_start_loads_prints_and_queries_as_declared(steppe) -> None:
    # Kazakhstan joined CAREC in 1997 (year only): not yet on 31 Dec 1996, uncertain through 1997,
    # certain from 1 January 1998.
    def kaz(as_of: str) -> list[dict]:
        rows = steppe("kb", "members", "carec", "--as-of", as_of, "--format", "json").json()
        return [r for r in rows if r["country"] == "KAZ"]

    assert kaz("1996-12-31") == []
    for day in ("1997-01-01", "1997-07-01", "1997-12-31"):
        [row] = kaz(day)
        assert (row["start"], row["uncertain"]) == ("1997", True), day
    [row] = kaz("1998-01-01")
    assert (row["start"], row["uncertain"]) == ("1997", False)


def test_month_precision_boundaries(steppe) -> None:
    # Uzbekistan joined GUAM in April 1999 (month only)
    def uzb(as_of: str) -> list[tuple[str, bool]]:
        rows = steppe("kb", "members", "guam", "--as-of", as_of, "--format", "json").json()
        return [(r["start"], r["uncertain"]) for r in rows if r["country"] == "UZB"]

    assert uzb("1999-03-31") == []
    assert uzb("1999-04-01") == [("1999-04", True)]
    assert uzb("1999-04-30") == [("1999-04", True)]
    assert uzb("1999-05-01") == [("1999-04", False)]


def test_uncertain_rows_in_table_csv_and_overlap(steppe) -> None:
    table = steppe("kb", "members", "carec", "--as-of", "1997-07-01")
    assert "?" in table.stdout and "year- or month-precision" in table.stdout
    rows = list(csv.DictReader(io.StringIO(steppe("kb", "members", "carec", "--as-of", "1997-07-01",
                                                  "--format", "csv").stdout)))  # fmt: skip
    assert {r["country"]: r["uncertain"] for r in rows}["KAZ"] == "True"
    overlap = steppe("kb", "overlap", "--as-of", "1997-07-01", "--orgs", "carec", "--format", "json").json()
    assert overlap["roles"]["KAZ"] == {}
    assert overlap["uncertain"]["KAZ"] == {"carec": "founding_member"}
    assert "founding_member?" in steppe("kb", "overlap", "--as-of", "1997-07-01", "--orgs", "carec",
                                        "--format", "csv").stdout  # fmt: skip
    later = steppe("kb", "overlap", "--as-of", "1998-07-01", "--orgs", "carec", "--format", "json").json()
    assert later["roles"]["KAZ"] == {"carec": "founding_member"} and "KAZ" not in later["uncertain"]


def test_timeline_and_orgs_print_dates_at_their_precision(steppe) -> None:
    rows = steppe("kb", "timeline", "--org", "carec", "--format", "json").json()
    starts = {r["country"]: r["start"] for r in rows}
    assert starts["KAZ"] == "1997" and starts["GEO"] == "2016-10-26"
    orgs = {o["slug"]: o for o in steppe("kb", "orgs", "--format", "json").json()}
    assert orgs["carec"]["founded"] == "1997" and orgs["eco"]["founded"] == "1985"
    assert orgs["eu_ca"]["founded"] == "2007-06"


def test_malformed_partial_date_is_listed_by_validate(steppe, kb_copy: Path) -> None:
    with (kb_copy / "memberships.csv").open("a", encoding="utf-8") as fh:
        fh.write("carec,USA,observer,1997-13,,low,carec-kaz-page,\n")
        fh.write("carec,RUS,observer,1999,1998-06,low,carec-kaz-page,\n")
    result = steppe("kb", "validate", str(kb_copy), "--format", "json")
    assert result.returncode == 1
    messages = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert "'1997-13' is not a valid calendar date" in messages
    assert "end 1998-06 is not after start 1999" in messages


# -- gaps ------------------------------------------------------------------------------------------------


def _gap_orgs() -> set[str]:
    with (BUNDLED_KB / "gaps.csv").open(encoding="utf-8") as fh:
        return {r["org"] for r in csv.DictReader(fh) if r["org"]}


def test_every_organisation_with_a_known_gap_warns(steppe, store) -> None:
    from steppe.kb import queries

    orgs = {o["slug"] for o in steppe("kb", "orgs", "--format", "json").json()}
    with_gaps = _gap_orgs()
    assert {"carec", "adb", "aiib", "un", "eco", "bri"} <= with_gaps
    for slug in sorted(orgs):  # every organisation through the function the commands print
        lines = queries.gap_warnings([slug], store=store)
        assert bool(lines) == (slug in with_gaps), slug
        assert all(line.startswith(f"known gap in {slug}:") for line in lines)
    for slug in ("carec", "aiib", "sco", "csto"):  # and on the command line, two with gaps, two without
        result = steppe("kb", "members", slug, "--format", "json")
        assert result.returncode == 0, result.stderr
        json.loads(result.stdout)  # the warnings never reach stdout: JSON stays clean
        warned = f"Warning: known gap in {slug}:" in result.stderr
        assert warned == (slug in with_gaps), slug
        if warned:
            assert len([line for line in result.stderr.splitlines() if slug in line]) == 1
            assert f"'steppe kb gaps {slug}'" in result.stderr


def test_country_queries_warn_about_the_country_gaps(steppe) -> None:
    result = steppe("kb", "memberships", "KAZ", "--as-of", "2020-01-01", "--format", "json")
    assert "known gap in aiib" in result.stderr  # Kazakhstan's AIIB membership day is not sourced
    result = steppe("kb", "overlap", "--as-of", "2020-01-01")
    assert "known gap in carec" in result.stderr and "known gap in adb" in result.stderr


def test_gaps_command_lists_them(steppe) -> None:
    rows = steppe("kb", "gaps", "carec", "--format", "json").json()
    assert rows and {r["org"] for r in rows} == {"carec"} and all(r["what"] and r["why"] for r in rows)
    by_country = steppe("kb", "gaps", "--country", "KAZ", "--format", "json").json()
    assert any(r["org"] == "aiib" for r in by_country)


# -- stats, attributes, one organisation whole, diff -----------------------------------------------------


def test_stats_report_counts_checkable_sources_and_gaps(steppe) -> None:
    stats = steppe("kb", "stats", "--format", "json").json()
    assert {"organisations", "memberships", "events", "sources", "gaps"} <= set(stats["counts"])
    facts = stats["facts"]
    # every cited source names a specific page and the day it was read (target: all)
    assert facts["specific_page_share"] >= 0.99 and facts["accessed_share"] >= 0.99
    assert facts["checkable_share"] >= 0.99
    assert stats["sources"]["checkable"] >= stats["sources"]["total"] - 3
    assert len(stats["gaps"]) == stats["counts"]["gaps"]
    table = steppe("kb", "stats").stdout
    assert "checkable" in table and "Known gaps" in table


def test_orgs_show_attributes(steppe) -> None:
    orgs = {o["slug"]: o for o in steppe("kb", "orgs", "--format", "json").json()}
    eaeu = orgs["eaeu"]["attributes"]
    assert eaeu["customs_union"] == "yes" and eaeu["legal_personality"] == "yes"
    assert eaeu["decision_rule"] == "consensus" and eaeu["outside_powers_members"] == "RUS"
    assert orgs["sco"]["attributes"]["outside_powers_members"] == "CHN; IND; IRN; PAK; RUS"
    assert orgs["carec"]["attributes"]["type"] == "programme"
    assert orgs["c5plus1"]["attributes"]["secretariat"] == "yes"  # launched 2022
    past = {o["slug"]: o for o in steppe("kb", "orgs", "--as-of", "2020-01-01", "--format", "json").json()}
    assert past["c5plus1"]["attributes"]["secretariat"] == "no"
    assert past["sco"]["attributes"]["outside_powers_members"] == "CHN; IND; PAK; RUS"
    table = steppe("kb", "orgs").stdout
    assert "customs union" in table and "outside powers" in table


def test_org_shows_one_organisation_whole(steppe) -> None:
    result = steppe("kb", "org", "CAREC", "--format", "json")
    org = result.json()
    assert org["organisation"]["slug"] == "carec" and org["organisation"]["founded"] == "1997"
    assert {a["attribute"] for a in org["attributes"]} >= {"type", "secretariat"}
    assert {m["country"] for m in org["members"]} >= {"KAZ", "KGZ", "TJK", "TKM", "UZB", "CHN"}
    assert org["history"] and org["events"] and org["gaps"] and org["contested"]
    cited = {s for part in ("history", "events", "attributes") for r in org[part] for s in r["sources"]}
    assert cited <= {s["id"] for s in org["sources"]}
    assert "known gap in carec" in result.stderr
    text = steppe("kb", "org", "carec").stdout
    assert "Central Asia Regional Economic Cooperation Program (carec)" in text and "Known gaps" in text


def test_diff_lists_joins_exits_suspensions_and_role_changes(steppe) -> None:
    rows = steppe("kb", "diff", "--from", "2010-01-01", "--to", "2020-01-01", "--country", "UZB",
                  "--format", "json").json()  # fmt: skip
    got = {(r["date"], r["org"], r["change"], r["from_role"], r["to_role"]) for r in rows}
    assert ("2012-06-28", "csto", "suspension", "member", "suspended") in got
    assert ("2015-01-01", "eurasec", "exit", "suspended", None) in got
    assert ("2015-11-01", "c5plus1", "join", None, "founding_member") in got
    assert ("2019-10-15", "ots", "join", None, "member") in got
    assert all(r["country"] == "UZB" and r["sources"] for r in rows)
    # role changes: Turkmenistan from CIS founding member to associate in August 2005
    tkm = steppe("kb", "diff", "--from", "2005-01-01", "--to", "2006-01-01", "--org", "cis",
                 "--format", "json").json()  # fmt: skip
    assert [(r["country"], r["change"], r["from_role"], r["to_role"]) for r in tkm] == [
        ("TKM", "role_change", "founding_member", "associate")
    ]
    # a year-precision join whose year straddles --to is listed as uncertain
    carec = steppe("kb", "diff", "--from", "2001-01-01", "--to", "2003-06-30", "--org", "carec",
                   "--format", "json").json()  # fmt: skip
    assert {(r["country"], r["date"], r["uncertain"]) for r in carec} == {
        ("AZE", "2002", False),
        ("MNG", "2003", True),
    }


def test_diff_needs_a_valid_range(steppe) -> None:
    result = steppe("kb", "diff", "--from", "2020-01-01", "--to", "2010-01-01")
    assert result.returncode == 2 and "swap them" in result.stderr


@pytest.mark.parametrize("command", ["members", "org"])
def test_unknown_organisation_is_one_sentence(steppe, command: str) -> None:
    result = steppe("kb", command, "nosuchorg")
    assert result.returncode == 2 and result.stderr.startswith("Error: Unknown organisation 'nosuchorg'")
