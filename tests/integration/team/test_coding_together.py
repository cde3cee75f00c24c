"""Coding together: blind coding, comparison with agreement and disagreeing passages,
adjudication, and exports that carry each coding's coder.

The document is a small fixture written here (six paragraphs), coded with the bundled ECDPM
codebook by two test accounts.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from steppe.errors import PermissionDeniedError, UsageError
from steppe.store import Store, open_store
from steppe.team import coding as team
from steppe.team.auth import User
from steppe.texts import coding
from steppe.texts.corpus import add_documents
from steppe.texts.qdpx import export_csv, export_qdpx, import_qdpx
from steppe.texts.query import agreement
from tests.e2e.cli_inprocess import invoke

ALICE = User("alice", "coder")
BOB = User("bob", "coder")
ED = User("ed", "editor")
S = "ecdpm:structural"
H = "ecdpm:hegemons"

PARAGRAPHS = [
    "Landlocked geography and shared rivers tie the five republics together.",
    "Water and energy swaps along the Syr Darya recur in every summit communique.",
    "Outside powers fund most of the corridors that cross the region.",
    "A customs union with Russia shapes the trade policy of two of the five states.",
    "Secretariats are small and decisions stay with the presidents.",
    "The text ends with a list of meetings planned for next year.",
]


@pytest.fixture
def doc(store: Store, tmp_path: Path) -> str:
    path = tmp_path / "fixture-brief.md"
    path.write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    added = add_documents([path], store=store)
    coding.load_into_store("ecdpm", store=store)
    doc_id = added[0]["id"]
    # code S: alice on 0, 1, 2; bob on 0, 1, 3  -> kappa = (4/6 - 1/2) / (1 - 1/2) = 1/3
    for seg in (0, 1, 2):
        team.code(doc_id, seg, S, user=ALICE, store=store)
    for seg in (0, 1, 3):
        team.code(doc_id, seg, S, user=BOB, store=store)
    # code H: both on 2 only -> perfect agreement
    team.code(doc_id, 2, H, user=ALICE, memo="outside funding", store=store)
    team.code(doc_id, 2, H, user=BOB, store=store)
    return doc_id


def _seen(user: User, doc: str, store: Store) -> set[str]:
    """Whose ECDPM codes ``user`` sees on ``doc``."""
    frame = team.visible_codings(user, [doc], store=store)
    return set(frame.loc[frame["code"].str.startswith("ecdpm:"), "coder"])


def test_coders_see_only_their_own_codes_until_an_editor_compares(store: Store, doc: str) -> None:
    assert _seen(ALICE, doc, store) == {"alice"}
    assert _seen(BOB, doc, store) == {"bob"}
    assert _seen(User("rita", "reader"), doc, store) == set()
    assert _seen(ED, doc, store) == {"alice", "bob"}
    # KB actor recognition is a machine's, visible to all
    assert team.ACTOR_CODER in set(team.visible_codings(ALICE, [doc], store=store)["coder"])
    with pytest.raises(PermissionDeniedError, match="needs the editor role"):
        team.compare([doc], "ecdpm", editor=ALICE, store=store)
    assert _seen(ALICE, doc, store) == {"alice"}  # still blind
    team.compare([doc], "ecdpm", editor=ED, store=store)
    assert _seen(ALICE, doc, store) == {"alice", "bob"}
    assert team.comparisons(store=store)[0]["opened_by"] == "ed"


def test_comparison_gives_agreement_per_code_and_the_disagreeing_passages(store: Store, doc: str) -> None:
    result = team.compare([doc], "ecdpm", editor=ED, store=store)
    assert result["coders"] == ["alice", "bob"]
    by_code = {r["code"]: r for r in result["agreement"]}
    assert by_code[S]["kappa"] == pytest.approx(1 / 3, abs=1e-6)
    assert by_code[S]["agreement"] == pytest.approx(4 / 6, abs=1e-6)
    assert by_code[H]["kappa"] == pytest.approx(1.0) and by_code[H]["alpha"] == pytest.approx(1.0)
    assert by_code[S]["alpha"] is not None
    assert [
        (d["seg_no"], d["code"], d["applied_by"], d["not_applied_by"]) for d in result["disagreements"]
    ] == [
        (2, S, ["alice"], ["bob"]),
        (3, S, ["bob"], ["alice"]),
    ]
    assert result["disagreements"][0]["text"] == PARAGRAPHS[2]
    with pytest.raises(UsageError, match="needs two coders"):
        team.compare([doc], "ecdpm", editor=ED, coders=["alice"], store=store)


def test_the_editor_records_the_adjudicated_code(store: Store, doc: str) -> None:
    with pytest.raises(UsageError, match="Open the comparison"):
        team.adjudicate(doc, 2, S, "applies", editor=ED, store=store)
    team.compare([doc], "ecdpm", editor=ED, store=store)
    with pytest.raises(PermissionDeniedError):
        team.adjudicate(doc, 2, S, "applies", editor=BOB, store=store)
    with pytest.raises(UsageError, match="not one of applies, does_not_apply"):
        team.adjudicate(doc, 2, S, "maybe", editor=ED, store=store)
    team.adjudicate(doc, 2, S, "applies", editor=ED, note="corridors are structural", store=store)
    team.adjudicate(doc, 3, S, "does_not_apply", editor=ED, store=store)
    adjudicated = coding.codings([doc], [team.ADJUDICATED], store=store)
    assert adjudicated[["seg_no", "code", "origin"]].values.tolist() == [[2, S, "adjudication"]]
    disagreements = team.disagreements([doc], "ecdpm", ["alice", "bob"], store=store)
    assert [(d["seg_no"], d["decision"], d["decided_by"]) for d in disagreements] == [
        (2, "applies", "ed"),
        (3, "does_not_apply", "ed"),
    ]
    team.adjudicate(
        doc, 2, S, "does_not_apply", editor=ED, note="on reflection", store=store
    )  # a change of mind
    assert coding.codings([doc], [team.ADJUDICATED], store=store).empty
    assert len(team.adjudications([doc], store=store)) == 2
    assert [
        a["decision"] for a in team.adjudications([doc], history=True, store=store) if a["seg_no"] == 2
    ] == [
        "applies",
        "does_not_apply",
    ]


def test_exports_carry_each_codings_coder_and_agreement_survives_the_round_trip(
    store: Store, doc: str, tmp_path: Path
) -> None:
    team.compare([doc], "ecdpm", editor=ED, store=store)
    team.adjudicate(doc, 2, S, "applies", editor=ED, store=store)
    export_csv(tmp_path / "csv", [doc], store=store)
    with (tmp_path / "csv" / "coded_segments.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["seg_no"], r["code"], r["coder"]) for r in rows if r["code"] == S} == {
        ("0", S, "alice"), ("1", S, "alice"), ("2", S, "alice"),
        ("0", S, "bob"), ("1", S, "bob"), ("3", S, "bob"), ("2", S, "adjudicated"),
    }  # fmt: skip
    before = agreement(["alice", "bob"], "ecdpm", [doc], store=store)
    export_qdpx(tmp_path / "team.qdpx", [doc], store=store)
    fresh = open_store(tmp_path / "other.duckdb")
    try:
        import_qdpx(tmp_path / "team.qdpx", store=fresh)
        coders = set(coding.codings(store=fresh)["coder"])
        assert {"alice", "bob", "adjudicated"} <= coders
        new_doc = coding.codings(store=fresh)["doc_id"].iloc[0]
        after = agreement(["alice", "bob"], "ecdpm", [new_doc], store=fresh)
        assert [(r["code"], r["kappa"], r["alpha"]) for r in after] == [
            (r["code"], r["kappa"], r["alpha"]) for r in before
        ]
    finally:
        fresh.close()


def test_cli_compare_and_adjudicate(store: Store, doc: str) -> None:
    from steppe.team.auth import Accounts

    accounts = Accounts(store)
    accounts.add("ed", "editor", "a long enough password")
    accounts.add("alice", "coder", "a long enough password")
    store.close()
    refused = invoke("texts", "compare-coders", "--doc", doc, "--codebook", "ecdpm", "--as", "alice")
    assert refused.code == 1 and "needs the editor role" in refused.error
    shown = invoke("texts", "compare-coders", "--doc", doc, "--codebook", "ecdpm", "--as", "ed", "-f", "json")
    assert shown.code == 0, shown.error
    assert len(json.loads(shown.stdout)["disagreements"]) == 2
    done = invoke("texts", "adjudicate", doc, "3", S, "applies", "--as", "ed", "--note", "yes", "-f", "json")
    assert done.code == 0, done.error
    listed = json.loads(invoke("texts", "adjudications", "-f", "json").stdout)
    assert [(a["seg_no"], a["decision"], a["editor"]) for a in listed] == [(3, "applies", "ed")]
