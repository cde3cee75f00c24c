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
