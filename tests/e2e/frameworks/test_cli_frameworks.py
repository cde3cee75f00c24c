"""`steppe frameworks tone` in-process: the JSON contract, CSV, tables, one-sentence errors."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest

from tests.e2e.cli_inprocess import invoke

DOC = """---
title: A brief
date: 2019-05-01
publisher: Outlet A
---
China is a good partner. Russia is a bad neighbour.

The United States opened an embassy. We welcome China.
"""


@pytest.fixture
def added(tmp_path: Path) -> None:
    (tmp_path / "brief.md").write_text(DOC, "utf-8")
    out = invoke("texts", "add", str(tmp_path / "brief.md"))
    assert out.code == 0, out.error


def test_tone_json_contract(added: None) -> None:
    out = invoke("frameworks", "tone", "--actor", "CHN", "--format", "json")
    assert out.code == 0, out.error
    (row,) = json.loads(out.stdout)
    assert list(row) == [
        "actor", "doc_id", "score", "label", "n", "documents", "negative", "neutral", "positive", "net",
        "threshold", "method", "evidence",
    ]  # fmt: skip
    assert (row["actor"], row["doc_id"], row["n"], row["label"]) == ("CHN", "brief", 2, "positive")
    assert row["score"] == round((0.4404 + 0.4588) / 2, 6) and row["method"] == "tone:vader:sentences@1"
    assert row["evidence"] == [
        {"kind": "segment", "ref": "brief:0", "detail": "", "value": 0.4404},
        {"kind": "segment", "ref": "brief:1", "detail": "", "value": 0.4588},
    ]
    seg = json.loads(invoke("frameworks", "tone", "-a", "Russia", "--by", "segment", "-f", "json").stdout)
    assert seg[0]["seg_no"] == 0 and seg[0]["evidence"][0]["detail"] == "Russia is a bad neighbour."
    assert seg[0]["evidence"][0]["kind"] == "sentence" and seg[0]["mentions"] == 1


def test_tone_csv_and_table(added: None) -> None:
    out = invoke("frameworks", "tone", "--by", "year", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["actor"], r["year"], r["n"]) for r in rows] == [
        ("CHN", "2019", "2"),
        ("RUS", "2019", "1"),
        ("USA", "2019", "1"),
    ]
    assert rows[0]["cites"] == "brief:0; brief:1"
    table = invoke("frameworks", "tone", "--by", "source")
    assert table.code == 0 and "Outlet A" in table.stdout and "tone by source" in table.stdout


def test_tone_errors_are_one_sentence(added: None) -> None:
    out = invoke("frameworks", "tone", "--actor", "Atlantis")
    assert out.code == 2 and out.error.startswith("Error: Unknown actor 'Atlantis'")
    out = invoke("frameworks", "tone", "--by", "month")
    assert (
        out.code == 2
        and out.error == "Error: Unknown grouping 'month': use one of segment, document, source, year."
    )
    out = invoke("frameworks", "tone", "--model", "embeddings", "--model-path", "/nonexistent")
    if importlib.util.find_spec("sentence_transformers") is None:
        assert out.code == 1 and out.error.endswith("install it with pip install 'steppe[embeddings]'.")
    else:
        assert out.code == 2 and "(steppe never downloads a model)" in out.error


# -- regionness, openness x commitment, LI, ECDPM: the JSON contracts, on the bundled KB alone ---------
def test_regionness_json_contract_on_the_kb_alone() -> None:
    out = invoke(
        "frameworks", "regionness", "--region", "c5", "--region", "eu", "--years", "2015:2016", "-f", "json"
    )
    assert out.code == 0, out.error
    rows = json.loads(out.stdout)
    assert [(r["region"], r["year"]) for r in rows] == [
        ("c5", 2015),
        ("c5", 2016),
        ("eu", 2015),
        ("eu", 2016),
    ]
    for r in rows:
        assert list(r) == ["region", "year", "level", "level_name", "scores", "evidence"]
        assert list(r["scores"]) == ["1", "2", "3", "4", "5"]
        assert {"kind", "ref", "detail", "value"} <= set(r["evidence"][0])
    c5 = rows[0]
    # no trade stored: the trade tests have no data, and the KB alone puts the C5 at level 3
    assert (c5["level"], c5["level_name"]) == (3, "regional society")
    trade_tests = [e for e in c5["evidence"] if e["ref"] in ("2:trade_intensity", "2:trade_network")]
    assert all(e["value"] is None and e["detail"].startswith("no data") for e in trade_tests)
    assert rows[2]["level"] == 5
    table = invoke("frameworks", "regionness", "--years", "2015")
    assert table.code == 0 and "regional society" in table.stdout


def test_openness_commitment_json_contract() -> None:
    out = invoke(
        "frameworks",
        "openness-commitment",
        "--orgs",
        "eco,csto,eaeu,sco",
        "--years",
        "2000:2024",
        "-f",
        "json",
    )
    assert out.code == 0, out.error
    data = json.loads(out.stdout)
    assert list(data) == ["openness", "commitment", "association"]
    assert list(data["association"]) == ["spearman", "ci_low", "ci_high", "n"]
    assert list(data["openness"][0])[:3] == ["org", "year", "score"]
    assert list(data["commitment"][0])[:4] == ["org", "country", "year", "score"]
    assert {r["org"] for r in data["openness"]} == {"eco", "csto", "eaeu", "sco"}
    assert data["association"]["n"] == sum(1 for r in data["commitment"] if r["score"] is not None)
    csv_out = invoke(
        "frameworks",
        "openness-commitment",
        "--orgs",
        "CSTO",
        "--country",
        "UZB",
        "--years",
        "2012",
        "-f",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert [(r["org"], r["country"], r["year"], r["commitment_status"]) for r in rows] == [
        ("csto", "UZB", "2012", "0.0")
    ]


def test_li_json_without_trade_names_the_fetch_command() -> None:
    out = invoke("frameworks", "li", "--country", "Uzbekistan", "--years", "2015:2017", "-f", "json")
    assert out.code == 0, out.error
    data = json.loads(out.stdout)
    assert data["country"] == "UZB" and data["years"] == [2015, 2017]
    assert data["preferences"] == [] and data["bargaining"] == []
    assert any("steppe fetch imf_dots" in n for n in data["notes"])
    assert [r["year"] for r in data["institutions"]] == [2015, 2016, 2017]
    assert "uzb-leadership-2016" in {e["id"] for e in data["events"]}
    assert data["test"]["verdict"] == "too few years"
    bad = invoke("frameworks", "li", "--country", "RUS")
    assert bad.code == 2 and bad.error.startswith("Error: LI is measured for the Central Asian states")


def test_ecdpm_without_codings_says_which_command_codes(added: None) -> None:
    out = invoke("frameworks", "ecdpm", "--years", "2015:2024", "-f", "json")
    assert out.code == 2 and "steppe texts suggest run --codebook ecdpm" in out.error
    bad = invoke("frameworks", "ecdpm", "--years", "2024:2015")
    assert (
        bad.code == 2 and bad.error == "Error: Invalid --years '2024:2015': the range ends before it starts."
    )


def test_a_speech_added_with_its_state_and_year_is_read_as_that_states_statement(tmp_path: Path) -> None:
    speech = tmp_path / "KAZ_70_2015.txt"
    speech.write_text(
        "Mr. President,\n\nTogether we, the peoples of Central Asia, build our region.\n", "utf-8"
    )
    out = invoke("texts", "add", str(speech), "--author", "KAZ", "--date", "2015", "--kind", "speech")
    assert out.code == 0, out.error
    bad = invoke("texts", "add", str(speech), "--date", "2015-13")
    assert bad.code == 2 and bad.error.startswith("Error: Invalid --date '2015-13'")
    rows = json.loads(invoke("frameworks", "regionness", "--years", "2015", "-f", "json").stdout)
    identity = [e for e in rows[0]["evidence"] if e.get("about") == "4:shared_identity"]
    assert identity[0]["detail"].startswith("passed: 1 of 1 members speaking (KAZ)")
    assert identity[1]["kind"] == "sentence" and identity[1]["ref"].startswith("kaz-70-2015:")
