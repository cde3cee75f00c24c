"""`steppe texts ...` in-process (tests/e2e/cli_inprocess.py): JSON contracts, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED_SEEDS

SEED_000 = SHARED_SEEDS / "000_05cae511a4d77df8.txt"
SEED_004 = SHARED_SEEDS / "004_cb46a96fa8e4ee38.txt"


#: the two real seed texts the contract tests count segments and codings in
needs_seeds = pytest.mark.needs_shared("seeds/000_05cae511a4d77df8.txt", "seeds/004_cb46a96fa8e4ee38.txt")


@needs_seeds
def test_add_and_actors_json_contracts(cli) -> None:
    added = cli("texts", "add", str(SEED_000), str(SEED_004), "--kind", "article", "--format", "json")
    assert added.returncode == 0, added.stderr
    rows = json.loads(added.stdout)
    assert [{k: r[k] for k in ("id", "path", "segments")} for r in rows] == [
        {"id": "000-05cae511a4d77df8", "path": str(SEED_000), "segments": 64},
        {"id": "004-cb46a96fa8e4ee38", "path": str(SEED_004), "segments": 59},
    ]
    actors = cli("texts", "query", "actors", "--doc", "000-05cae511a4d77df8", "--format", "json")
    assert actors.returncode == 0, actors.stderr
    found = {r["actor"]: r["mentions"] for r in json.loads(actors.stdout)}
    assert found["eaeu"] >= 4 and found["sco"] >= 1 and found["CHN"] > found["sco"]
    assert all(isinstance(n, int) for n in found.values())


@needs_seeds
def test_code_suggest_agree_query_export_round(cli, tmp_path: Path) -> None:
    assert cli("texts", "add", str(SEED_004)).returncode == 0
    doc = "004-cb46a96fa8e4ee38"
    applied = cli(
        "texts", "code", "apply", doc, "3", "ecdpm:hegemons", "--coder", "alice", "--memo", "m", "-f", "json"
    )
    assert applied.returncode == 0, applied.stderr
    assert json.loads(applied.stdout)[0]["code"] == "ecdpm:hegemons"
    run = cli("texts", "suggest", "run", "--doc", doc, "--codebook", "ecdpm", "-f", "json")
    assert run.returncode == 0, run.stderr
    first = json.loads(run.stdout)[0]
    assert 0.5 <= first["confidence"] <= 1 and first["reason"]
    accepted = cli("texts", "suggest", "accept", str(first["suggestion_id"]), "--coder", "bob", "-f", "json")
    assert json.loads(accepted.stdout)[0]["decision"] == "accepted"
    agree = cli("texts", "agree", "-c", "alice", "-c", "auto", "-b", "ecdpm", "-f", "csv")
    assert agree.returncode == 0, agree.stderr
    assert agree.stdout.splitlines()[0] == "code,units,n_alice,n_auto,both,agreement,kappa,alpha"
    assert agree.stdout.splitlines()[-1].startswith("(overall),295,")
    freq = cli("texts", "query", "freq", "--codebook", "ecdpm", "--coder", "alice", "-f", "json")
    assert json.loads(freq.stdout) == [
        {"doc_id": doc, "code": "ecdpm:hegemons", "segments": 1, "codings": 1, "coders": ["alice"],
         "cites": [f"{doc}:3"]}
    ]  # fmt: skip
    out = tmp_path / "p.qdpx"
    exported = cli("texts", "export", "qdpx", str(out), "-f", "json")
    assert exported.returncode == 0, exported.stderr and out.is_file()
    other = {"STEPPE_DB": str(tmp_path / "other.duckdb")}
    imported = cli("texts", "import", str(out), "-f", "json", env=other)
    assert imported.returncode == 0, imported.stderr
    listed = cli("texts", "code", "list", "--coder", "alice", "-f", "json", env=other)
    assert [(r["doc_id"], r["seg_no"], r["code"], r["memo"]) for r in json.loads(listed.stdout)] == [
        (doc, 3, "ecdpm:hegemons", "m")
    ]


def test_errors_are_one_line_without_traceback(cli, tmp_path: Path) -> None:
    good = tmp_path / "note.md"
    good.write_text("# A note\n\nKazakhstan and Uzbekistan met in Tashkent.\n", "utf-8")
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = cli("texts", "add", str(good), str(binary))  # one bad file: nothing is stored
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert str(binary) in result.stderr
    assert cli("texts", "list", "-f", "json").stdout.strip() == "[]"
    missing = cli("texts", "query", "actors", "--doc", "nope")
    assert missing.returncode == 2 and "Unknown document 'nope'" in missing.stderr
    bad = tmp_path / "cb.yaml"
    bad.write_text("codebook: cb\nname: x\nsource: y\ncodes: []\n", "utf-8")
    broken = cli("texts", "codebook", "load", str(bad))
    assert broken.returncode == 1 and "cb.yaml" in broken.stderr and "Traceback" not in broken.stderr
