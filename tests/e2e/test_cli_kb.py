"""The CLI in-process (tests/e2e/cli_inprocess.py): JSON contracts and one-sentence errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

#: Sources of Kazakhstan's founding membership of the SCO (Xinhua's summit chronology; Wikipedia).
KAZ_SCO_SOURCES = ["xinhua-sco-summits-2014", "wiki-sco"]


def test_sco_members_2018_json(cli) -> None:
    result = cli("kb", "members", "sco", "--as-of", "2018-01-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
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
    kaz = next(r for r in rows if r["country"] == "KAZ")
    assert kaz == {
        "country": "KAZ",
        "role": "founding_member",
        "start": "2001-06-15",
        "end": None,
        "uncertain": False,
        "sources": KAZ_SCO_SOURCES,
    }


def test_alias_and_csv(cli) -> None:
    result = cli("kb", "members", "EEU", "--as-of", "2015-06-01", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "country,role,start,end,uncertain,sources"
    assert [line.split(",")[0] for line in lines[1:]] == ["ARM", "BLR", "KAZ", "RUS"]


def test_roles_option(cli) -> None:
    result = cli("kb", "members", "sco", "--as-of", "2016-01-01", "--role", "observer", "--format", "json")
    assert sorted(r["country"] for r in json.loads(result.stdout)) == [
        "AFG",
        "BLR",
        "IND",
        "IRN",
        "MNG",
        "PAK",
    ]


def test_unknown_organisation(cli) -> None:
    result = cli("kb", "members", "Shanghai Corporation")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Error: Unknown organisation 'Shanghai Corporation'; closest matches: sco (Shanghai "
        "Cooperation Organisation), shanghai_five (Shanghai Five). Run 'steppe kb orgs' to list them all."
    )


def test_malformed_date(cli) -> None:
    result = cli("kb", "members", "sco", "--as-of", "2018-13-01")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: Invalid --as-of '2018-13-01': that day does not exist; use an ISO date such as 2018-01-01."
    )
    result = cli("kb", "overlap", "--as-of", "01/01/2018")
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: Invalid --as-of '01/01/2018': use an ISO date such as 2018-01-01."


def test_broken_data_file(cli, kb_copy: Path) -> None:
    with (kb_copy / "memberships.csv").open("a") as fh:
        fh.write("sco,KAZ,member,2019-01-01,2018-01-01,high,wiki-sco,\n")
    line = (kb_copy / "memberships.csv").read_text().count("\n")
    result = cli("kb", "members", "sco", env={"STEPPE_KB": str(kb_copy)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Error: The KB in {kb_copy} is invalid: memberships.csv:{line}: end: end 2018-01-01 is not "
        f"after start 2019-01-01; run 'steppe kb validate {kb_copy}' to list every problem."
    )
    result = cli("kb", "validate", str(kb_copy))
    assert result.returncode == 1
    assert f"memberships.csv:{line}: end: end 2018-01-01 is not after start 2019-01-01" in result.stdout


def test_validate_json_and_missing_folder(cli, tmp_path: Path) -> None:
    result = cli("kb", "validate", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is True
    missing = tmp_path / "nope"
    result = cli("kb", "validate", str(missing))
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"Error: KB folder {missing} does not exist;")


def test_init_then_overlap_and_timeline(cli) -> None:
    result = cli("init")
    assert result.returncode == 0, result.stderr
    assert "knowledge base loaded" in result.stdout
    assert "already current" in cli("init").stdout
    result = cli("kb", "overlap", "--as-of", "2016-01-01", "--format", "json")
    data = json.loads(result.stdout)
    assert data["roles"]["KAZ"]["eaeu"] == "founding_member"
    result = cli("kb", "timeline", "--country", "UZB", "--format", "json")
    assert [(r["org"], r["role"]) for r in json.loads(result.stdout) if r["org"] == "csto"] == [
        ("csto", "member"),
        ("csto", "suspended"),
    ]


def test_timeline_needs_one_selector(cli) -> None:
    result = cli("kb", "timeline")
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: Give exactly one of --org or --country, for example --org 'sco'."


def test_unknown_format_is_a_usage_error(cli) -> None:
    result = cli("kb", "members", "sco", "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "'xml' is not one of" in result.stderr


def test_store_paths_that_cannot_work(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli("--db", str(blocker / "steppe.duckdb"), "kb", "members", "sco")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: Cannot create the folder for the store {blocker}/steppe.duckdb")
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"\x00not duckdb" * 500)
    result = cli("--db", str(garbage), "kb", "members", "sco")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: Cannot open the store {garbage}")
    assert "Traceback" not in result.stderr
    result = cli("kb", "validate", str(blocker))
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: KB folder {blocker} is not a folder;")
