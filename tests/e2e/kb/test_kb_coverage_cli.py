"""`steppe kb stats`, `contested`, `delegation` and `reconcile cow-igo` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path


def run_json(cli, *args: str, env: dict[str, str] | None = None):
    result = cli(*args, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_stats_thresholds(cli) -> None:
    stats = run_json(cli, "kb", "stats")
    counts = stats["counts"]
    assert counts["organisations"] >= 30
    assert counts["memberships"] >= 250
    assert counts["events"] >= 120
    assert counts["contested"] >= 2
    assert set(stats["unsourced"].values()) == {0}
    shares = stats["confidence_share"]
    assert abs(sum(shares.values()) - 1) < 1e-3
    assert set(stats["confidence"]) == {"events", "memberships", "organisations"}


def test_stats_table_for_people(cli) -> None:
    result = cli("kb", "stats")
    assert result.returncode == 0 and "memberships" in result.stdout and "unsourced" in result.stdout


def test_contested_holds_the_two_seed_errors(cli) -> None:
    rows = run_json(cli, "kb", "contested")
    by_subject = {r["subject"]: r for r in rows}
    eaeu = by_subject["org:eaeu:initiators"]
    assert eaeu["claim_sources"] == ["seed-000"] and "Kyrgyz" in eaeu["claim"]
    assert "Kazakhstan" in eaeu["adopted"]
    first = by_subject["event:ca-consultative-1"]
    assert first["claim_sources"] == ["seed-003"] and "2017" in first["claim"]
    assert "15 March 2018" in first["adopted"]
    sources = {s["id"]: s for s in run_json(cli, "kb", "sources")}
    assert sources["seed-000"]["kind"] == sources["seed-003"]["kind"] == "seed_text"
    # a filter by organisation name
    assert [r["id"] for r in run_json(cli, "kb", "contested", "Eurasian Economic Union")] == [
        "eaeu-initiators-seed000"
    ]


def test_first_consultative_meeting_event(cli) -> None:
    rows = run_json(cli, "kb", "events", "--org", "ca_consultative", "--to", "2018-12-31")
    assert [(r["start"], r["place"]) for r in rows] == [("2018-03-15", "Astana")]


def test_delegation_command(cli) -> None:
    rows = run_json(cli, "kb", "delegation", "--years", "2014:2024")
    assert [r["year"] for r in rows] == list(range(2014, 2025))
    for r in rows:
        assert r["external"] + r["c5_initiated"] + r["unknown"] == r["active"]
        assert 0 <= r["share_external"] <= 1
    y2024 = rows[-1]
    # formats launched by outside powers and active in 2024
    assert {"c5plus1", "china_ca", "russia_ca", "b5plus1", "sco"} <= set(y2024["external_formats"])
    assert "ca_consultative" in y2024["formats"] and "ca_consultative" not in y2024["external_formats"]
    only = run_json(cli, "kb", "delegation", "--years", "2024", "--orgs", "c5plus1,ca_consultative")
    assert (only[0]["active"], only[0]["external"], only[0]["share_external"]) == (2, 1, 0.5)


def test_delegation_bad_years_is_one_sentence(cli) -> None:
    result = cli("kb", "delegation", "--years", "2020-2024")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Invalid --years '2020-2024'")
    assert "Traceback" not in result.stderr


def test_reconcile_real_cow_file_leaves_nothing_unexplained(cli, shared_data: Path) -> None:
    rows = run_json(cli, "kb", "reconcile", "cow-igo", "--mirror", str(shared_data), "--unexplained")
    assert rows == []
    env_rows = run_json(
        cli, "kb", "reconcile", "cow-igo", "--orgs", "SCO", env={"STEPPE_MIRROR": str(shared_data)}
    )
    assert env_rows and {r["ioname"] for r in env_rows} == {"SCO"}
    assert all(r["explained_by"] for r in env_rows)


def test_reconcile_without_mirror_is_one_sentence(cli) -> None:
    result = cli("kb", "reconcile", "cow-igo")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: No mirror folder given: pass --mirror DIR")
