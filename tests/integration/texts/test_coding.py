"""Manual coding, suggestions with decisions, agreement and queries over a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from steppe.errors import NotFoundError, UsageError, ValidationError
from steppe.texts import coding, query, suggest
from steppe.texts.corpus import add_documents

DOC = "004-cb46a96fa8e4ee38"
#: tests/fixtures/texts/corridor_note.txt: a title and ten paragraphs, segments 0-10
NOTE = "corridor-note"


@pytest.fixture
def coded_store(store, seeds: list[Path]):
    """Seed 004 (its segment 3 names the B5+1 and the U.S. and China) and the ECDPM codebook."""
    add_documents([seeds[4]], store=store)
    coding.load_into_store("ecdpm", store=store)
    return store


@pytest.fixture
def noted_store(store, notes: list[Path]):
    """The corridor note written for the tests and the ECDPM codebook."""
    add_documents([notes[0]], store=store)
    coding.load_into_store("ecdpm", store=store)
    return store


def test_apply_memo_remove_keeps_history(noted_store) -> None:
    st = noted_store
    first = coding.apply_code(NOTE, 3, "ecdpm:hegemons", "alice", memo="delegation to outsiders", store=st)
    again = coding.apply_code(NOTE, 3, "hegemons", "alice", store=st)  # unambiguous short id
    assert again["coding_id"] == first["coding_id"]
    coding.set_memo(NOTE, 3, "ecdpm:hegemons", "alice", "outsourced institutionalisation", store=st)
    live = coding.codings([NOTE], ["alice"], store=st)
    assert live["memo"].tolist() == ["outsourced institutionalisation"]
    assert live["origin"].tolist() == ["manual"]
    assert live["created_at"].notna().all()
    coding.remove_code(NOTE, 3, "ecdpm:hegemons", "alice", store=st)
    assert coding.codings([NOTE], ["alice"], store=st).empty
    history = coding.codings([NOTE], ["alice"], include_removed=True, store=st)
    assert history["removed_by"].tolist() == ["alice"]


def test_coding_errors_are_one_sentence(noted_store) -> None:
    st = noted_store
    with pytest.raises(NotFoundError, match="no segment 999"):
        coding.apply_code(NOTE, 999, "ecdpm:hegemons", "alice", store=st)
    with pytest.raises(NotFoundError, match="Unknown document"):
        coding.apply_code("nope", 0, "ecdpm:hegemons", "alice", store=st)
    with pytest.raises(NotFoundError, match="Unknown code"):
        coding.apply_code(NOTE, 0, "ecdpm:nothing", "alice", store=st)
    with pytest.raises(UsageError, match="coder"):
        coding.apply_code(NOTE, 0, "ecdpm:hegemons", " ", store=st)
    with pytest.raises(NotFoundError, match="nothing to remove"):
        coding.remove_code(NOTE, 0, "ecdpm:hegemons", "alice", store=st)


def test_suggestions_have_confidence_and_reason_and_decisions_are_kept(coded_store) -> None:
    st = coded_store
    frame = suggest.suggest([DOC], "ecdpm", threshold=0.5, store=st)
    assert not frame.empty
    assert (frame["confidence"] >= 0.5).all() and (frame["confidence"] <= 1).all()
    assert frame["reason"].str.contains("tfidf similarity").all()
    # seed 004 segment 3: the U.S. and China institutionalising formats (B5+1, the secretariat)
    seg3 = frame[(frame["seg_no"] == 3)]
    assert "ecdpm:hegemons" in set(seg3["code"])
    top = seg3[seg3["code"] == "ecdpm:hegemons"].iloc[0]
    assert top["reason"].startswith("keywords: B5+1")
    texts = dict(
        st.execute("SELECT seg_no, lower(text) FROM texts_segments WHERE doc_id = ?", [DOC]).fetchall()
    )
    for row in frame.itertuples():
        if row.reason.startswith("keywords: "):
            words = row.reason.split(";")[0][len("keywords: ") :].split(", ")
            assert all(w.lower().split()[0] in texts[row.seg_no] for w in words)
    ids = frame["suggestion_id"].tolist()
    suggest.decide([ids[0]], "accepted", "alice", store=st)
    suggest.decide([ids[1]], "rejected", "alice", store=st)
    with pytest.raises(UsageError, match="already accepted"):
        suggest.decide([ids[0]], "rejected", "bob", store=st)
    accepted = coding.codings([DOC], ["alice"], store=st)
    assert accepted["origin"].tolist() == ["suggestion"]
    assert accepted["suggestion_id"].tolist() == [ids[0]]
    # re-running keeps decided suggestions and replaces open ones
    suggest.suggest([DOC], "ecdpm", threshold=0.5, store=st)
    decided = st.rows("SELECT decision FROM texts_suggestions WHERE decision IS NOT NULL ORDER BY 1")
    assert [r["decision"] for r in decided] == ["accepted", "rejected"]
    # the auto-coder no longer counts a rejected suggestion
    auto = query.coded(st, [DOC], ["auto"], "ecdpm")
    rejected = frame[frame["suggestion_id"] == ids[1]].iloc[0]
    assert not ((auto["seg_no"] == rejected["seg_no"]) & (auto["code"] == rejected["code"])).any()


def test_agreement_between_two_people_and_person_vs_auto(noted_store) -> None:
    st = noted_store
    for seg in (3, 5, 7):
        coding.apply_code(NOTE, seg, "ecdpm:hegemons", "alice", store=st)
    for seg in (3, 5, 9):
        coding.apply_code(NOTE, seg, "ecdpm:hegemons", "bob", store=st)
    rows = {r["code"]: r for r in query.agreement(["alice", "bob"], "ecdpm", store=st)}
    n = st.execute("SELECT count(*) FROM texts_segments WHERE doc_id = ?", [NOTE]).fetchone()[0]
    heg = rows["ecdpm:hegemons"]
    assert heg["units"] == n and heg["n_alice"] == 3 and heg["n_bob"] == 3 and heg["both"] == 2
    assert heg["agreement"] == pytest.approx((n - 2) / n, abs=1e-6)
    assert rows["ecdpm:sectors"]["agreement"] == 1.0 and rows["ecdpm:sectors"]["kappa"] is None
    assert rows["(overall)"]["units"] == 5 * n
    suggest.suggest([NOTE], "ecdpm", store=st)
    vs_auto = query.agreement(["alice", "auto"], "ecdpm", store=st)
    assert vs_auto[-1]["code"] == "(overall)" and vs_auto[-1]["n_auto"] > 0


def test_crosstab_and_cooccurrence_cite_segments(coded_store) -> None:
    st = coded_store
    coding.apply_code(DOC, 3, "ecdpm:hegemons", "alice", store=st)
    coding.apply_code(DOC, 3, "ecdpm:institutions", "alice", store=st)
    rows = query.crosstab("ecdpm", [DOC], ["alice"], store=st)
    assert {"actor": "CHN", "code": "ecdpm:hegemons", "segments": 1, "cites": [f"{DOC}:3"]} in rows
    pairs = query.cooccurrence("ecdpm", [DOC], ["alice"], store=st)
    assert pairs == [
        {"code_a": "ecdpm:hegemons", "code_b": "ecdpm:institutions", "segments": 1, "cites": [f"{DOC}:3"]}
    ]
    freq = query.frequencies([DOC], "ecdpm", ["alice"], store=st)
    assert [(r["code"], r["segments"], r["cites"]) for r in freq] == [
        ("ecdpm:hegemons", 1, [f"{DOC}:3"]),
        ("ecdpm:institutions", 1, [f"{DOC}:3"]),
    ]


def test_broken_codebook_stores_nothing(noted_store, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("codebook: broken\nname: B\nsource: s\ncodes:\n  - id: x\n    name: X\n", "utf-8")
    before = noted_store.execute("SELECT count(*) FROM texts_codes").fetchone()[0]
    with pytest.raises(ValidationError, match=r"broken\.yaml: code 'x'"):
        coding.load_into_store(bad, store=noted_store)
    assert noted_store.execute("SELECT count(*) FROM texts_codes").fetchone()[0] == before
    assert (
        noted_store.execute("SELECT count(*) FROM texts_codebooks WHERE codebook = 'broken'").fetchone()[0]
        == 0
    )


def test_embeddings_without_the_extra_names_the_install(noted_store) -> None:
    pytest.importorskip("sklearn")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        from steppe.errors import MissingDependencyError

        with pytest.raises(MissingDependencyError, match=r"steppe\[embeddings\]"):
            suggest.suggest([NOTE], "ecdpm", method="embeddings", store=noted_store)
    else:
        pytest.skip("sentence-transformers is installed; the missing-extra path cannot be shown")
