"""The tone measure on the real seed texts and Kyrgyzstan's UN General Debate speeches, in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from steppe.frameworks.tone import ToneMatcher, tone
from steppe.store import texts as store_texts
from steppe.texts.corpus import add_documents, parse_file


@pytest.fixture(scope="module")
def corpus(shared_root: Path, tmp_path_factory: pytest.TempPathFactory):
    """One store per module: the five seeds, and the 33 KGZ speeches dated by their file names."""
    from steppe.kb.sync import kb_store
    from steppe.store import open_store

    store = kb_store(open_store(tmp_path_factory.mktemp("tone") / "steppe.duckdb"))
    add_documents(sorted((shared_root / "seeds").glob("*.txt")), store=store)
    speeches = sorted((shared_root / "data" / "ungdc_central_asia" / "speeches").glob("KGZ_*.txt"))
    assert len(speeches) == 33
    parsed = []
    for path in speeches:
        doc = parse_file(path)
        doc.meta.update(
            date=re.fullmatch(r"KGZ_\d+_(\d{4})", path.stem).group(1), publisher="Government of Kyrgyzstan"
        )
        parsed.append(doc)
    add_documents(speeches, store=store, parsed=parsed)
    yield store
    store.close()


def _segment(measures, doc_id: str, start: int, end: int) -> dict[str, float]:
    """Actor -> score of the stored segment of ``doc_id`` that spans [start, end)."""
    found = {}
    for m in measures:
        if m.unit["doc_id"] != doc_id:
            continue
        first = int(m.evidence[0].ref.split(":")[1].split("-")[0])
        if start <= first < end:
            found[m.unit["actor"]] = m.score
    return found


def test_thanks_in_un_speeches_read_as_positive(corpus) -> None:
    segments = tone(by="segment", store=corpus)
    # KGZ 2021: "sincere gratitude to the leadership of China, Russia, Kazakhstan and Sweden" for vaccines
    vaccines = _segment(segments, "kgz-76-2021", 8882, 9567)
    assert set(vaccines) == {"CHN", "RUS"} and min(vaccines.values()) >= 0.05
    # KGZ 2015: thanks Russia and China for ratifying, urges the US "without further delay" in the
    # SAME sentence: a sentence-level score cannot tell the actors apart (a documented limit).
    protocol = _segment(segments, "kgz-70-2015", 13691, 14175)
    assert protocol["RUS"] > 0.05 and protocol["CHN"] == protocol["RUS"] == protocol["USA"]


def test_aggregates_agree_with_the_segment_scores(corpus) -> None:
    segments = tone(by="segment", store=corpus)
    documents = tone(by="document", store=corpus)
    years = tone(by="year", store=corpus)
    assert len(segments) > 400 and {m.unit["actor"] for m in segments} == {"CHN", "bri", "RUS", "USA", "eu"}
    for d in documents:
        mine = [
            m.score
            for m in segments
            if (m.unit["actor"], m.unit["doc_id"]) == (d.unit["actor"], d.unit["doc_id"])
        ]
        assert d.n == len(mine) and d.score == pytest.approx(sum(mine) / len(mine), abs=1e-6)
        assert d.extra["positive"] + d.extra["neutral"] + d.extra["negative"] == d.n
    assert sum(m.n for m in years) == len(segments)
    speech_years = {m.unit["year"] for m in years if m.unit["year"] is not None}
    assert speech_years <= set(range(1992, 2025)) and 2021 in speech_years
    assert sum(m.n for m in years if m.unit["year"] is None) == sum(
        1 for m in segments if not m.unit["doc_id"].startswith("kgz-")
    )  # the seeds carry no date


def test_every_kb_mention_of_russia_is_scored_and_evidence_holds_the_actor(corpus) -> None:
    rus = {(m.unit["doc_id"], m.unit["seg_no"]): m for m in tone("RUS", by="segment", store=corpus)}
    kb = {
        (r["doc_id"], r["seg_no"])
        for doc in store_texts.doc_ids(corpus)
        for r in store_texts.mentions(corpus, doc)
        if r["actor"] == "RUS"
    }
    assert kb and kb <= set(rus)  # the KB's recognition, plus the declared referring words
    matcher = ToneMatcher.from_store(corpus)
    texts = {d: store_texts.document(corpus, d)["text"] for d in store_texts.doc_ids(corpus)}
    for (doc, _), m in list(rus.items())[::7]:
        for ev in m.evidence:
            start, end = (int(x) for x in ev.ref.split(":")[1].split("-"))
            assert any(x.actor == "RUS" for x in matcher.find(texts[doc][start:end])), ev.ref
