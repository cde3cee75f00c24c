"""`steppe kb stats`, `contested`, `delegation` and `reconcile cow-igo` through the CLI (in-process)."""

from __future__ import annotations

from pathlib import Path


def run_json(steppe, *args: str, env: dict[str, str] | None = None):
    return steppe(*args, "--format", "json", env=env).json()


def test_stats_thresholds(steppe) -> None:
    stats = run_json(steppe, "kb", "stats")
    counts = stats["counts"]
    assert counts["organisations"] >= 39
    assert counts["memberships"] >= 600
    assert counts["events"] >= 200
    assert counts["sources"] >= 450
    assert counts["countries"] >= 195  # every UN member and both observer states
    assert counts["contested"] >= 60
    assert counts["org_attributes"] >= 150
    assert counts["gaps"] == len(stats["gaps"]) >= 100
    assert set(stats["unsourced"].values()) == {0}
    shares = stats["confidence_share"]
    assert abs(sum(shares.values()) - 1) < 1e-3
    assert set(stats["confidence"]) == {"events", "memberships", "organisations", "org_attributes"}


def test_stats_table_for_people(steppe) -> None:
    result = steppe("kb", "stats")
    assert result.returncode == 0 and "memberships" in result.stdout and "unsourced" in result.stdout


def test_contested_holds_the_two_seed_errors(steppe) -> None:
    rows = run_json(steppe, "kb", "contested")
    by_subject = {r["subject"]: r for r in rows}
    eaeu = by_subject["org:eaeu:initiators"]
    assert eaeu["claim_sources"] == ["seed-000"] and "Kyrgyz" in eaeu["claim"]
    assert "Kazakhstan" in eaeu["adopted"]
    first = by_subject["event:ca-consultative-1"]
    assert first["claim_sources"] == ["seed-003"] and "2017" in first["claim"]
    assert "15 March 2018" in first["adopted"]
    sources = {s["id"]: s for s in run_json(steppe, "kb", "sources")}
    assert sources["seed-000"]["kind"] == sources["seed-003"]["kind"] == "seed_text"
    # a filter by organisation name
    ids = [r["id"] for r in run_json(steppe, "kb", "contested", "Eurasian Economic Union")]
    assert "eaeu-initiators-seed000" in ids and "eaeu-kgz-accession-day" in ids
    assert all("eaeu" in r["subject"].split(":") for r in run_json(steppe, "kb", "contested", "EEU"))


def test_first_consultative_meeting_event(steppe) -> None:
    rows = run_json(steppe, "kb", "events", "--org", "ca_consultative", "--to", "2018-12-31")
    assert [(r["start"], r["place"]) for r in rows] == [("2018-03-15", "Astana")]


def test_delegation_command(steppe) -> None:
    rows = run_json(steppe, "kb", "delegation", "--years", "2014:2024")
    assert [r["year"] for r in rows] == list(range(2014, 2025))
    for r in rows:
        assert r["external"] + r["c5_initiated"] + r["unknown"] == r["active"]
        assert 0 <= r["share_external"] <= 1
    y2024 = rows[-1]
    # formats launched by outside powers and active in 2024
    assert {"c5plus1", "china_ca", "russia_ca", "b5plus1", "sco"} <= set(y2024["external_formats"])
    assert "ca_consultative" in y2024["formats"] and "ca_consultative" not in y2024["external_formats"]
    only = run_json(steppe, "kb", "delegation", "--years", "2024", "--orgs", "c5plus1,ca_consultative")
    assert (only[0]["active"], only[0]["external"], only[0]["share_external"]) == (2, 1, 0.5)


def test_delegation_bad_years_is_one_sentence(steppe) -> None:
    result = steppe("kb", "delegation", "--years", "2020-2024")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Invalid --years '2020-2024'")
    assert "Traceback" not in result.stderr


def test_reconcile_real_cow_file_leaves_nothing_unexplained(steppe, shared_data: Path) -> None:
    rows = run_json(steppe, "kb", "reconcile", "cow-igo", "--mirror", str(shared_data), "--unexplained")
    assert rows == []
    env_rows = run_json(steppe, "kb", "reconcile", "cow-igo", "--orgs", "SCO")  # reads what was fetched
    assert env_rows and {r["ioname"] for r in env_rows} == {"SCO"}
    assert all(r["explained_by"] for r in env_rows)


def test_reconcile_without_stored_cow_data_is_one_sentence(steppe) -> None:
    result = steppe("kb", "reconcile", "cow-igo")
    assert result.returncode != 0
    assert result.stderr.startswith("Error: No COW IGO data is stored; run 'steppe fetch cow_igo")
    assert "Traceback" not in result.stderr
