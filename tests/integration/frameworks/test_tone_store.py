"""steppe.frameworks.tone through the store: stored documents, KB actors, evidence, report hook.

The two documents are written here; their sentences are those of the unit test, whose VADER
scores are computed by hand there (good +1.9 -> 0.4404, bad -2.5 -> -0.5423, welcome +2.0 ->
0.4588, threat -2.4 -> -0.5267).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steppe.errors import NotFoundError, UsageError
from steppe.frameworks.tone import report_section, tone
from steppe.texts.corpus import add_documents

GOOD, BAD, WELCOME, THREAT = 0.4404, -0.5423, 0.4588, -0.5267

BRIEF = """---
title: A brief
date: 2019-05-01
publisher: Outlet A
---
China is a good partner. Russia is a bad neighbour.

The United States opened an embassy. We welcome China.
"""
NOTE = """---
title: A note
date: 2021
---
China's Belt and Road is a threat. China is a good partner.

The European Union is a bad donor.
"""


@pytest.fixture
def corpus(store, tmp_path: Path):
    (tmp_path / "brief.md").write_text(BRIEF, "utf-8")
    (tmp_path / "note.md").write_text(NOTE, "utf-8")
    add_documents([tmp_path / "brief.md", tmp_path / "note.md"], store=store)
    return store


def _rows(measures, key: str) -> dict:
    return {(m.unit["actor"], m.unit[key]): m for m in measures}


def test_by_document_with_hand_computed_scores(corpus) -> None:
    rows = _rows(tone(by="document", store=corpus), "doc_id")
    assert sorted(rows) == [
        ("CHN", "brief"), ("CHN", "note"), ("RUS", "brief"),
        ("USA", "brief"), ("bri", "note"), ("eu", "note"),
    ]  # fmt: skip
    chn = rows["CHN", "brief"]
    assert chn.score == round((GOOD + WELCOME) / 2, 6) and chn.n == 2 and chn.label == "positive"
    assert [(e.ref, e.value) for e in chn.evidence] == [("brief:0", GOOD), ("brief:1", WELCOME)]
    assert rows["RUS", "brief"].score == BAD and rows["RUS", "brief"].extra["net"] == -1.0
    assert rows["USA", "brief"].label == "neutral"  # "United" is masked
    assert rows["bri", "note"].score == THREAT and rows["CHN", "note"].score == GOOD
    assert rows["eu", "note"].score == BAD
    assert chn.method == "tone:vader:sentences@1" and chn.extra["threshold"] == 0.05
    json.dumps([m.to_dict() for m in rows.values()])  # the JSON contract serialises


def test_by_source_and_year_use_the_document_metadata(corpus) -> None:
    by_source = _rows(tone("CHN", by="source", store=corpus), "source")
    assert set(by_source) == {("CHN", "Outlet A"), ("CHN", "(unknown)")}
    assert by_source["CHN", "(unknown)"].extra["documents"] == 1
    by_year = _rows(tone(["China", "Belt and Road"], by="year", store=corpus), "year")
    assert set(by_year) == {("CHN", 2019), ("CHN", 2021), ("bri", 2021)}
    assert isinstance(next(iter(by_year.values())).unit["year"], int)


def test_segment_evidence_points_at_the_scored_sentences(corpus) -> None:
    from steppe.store import texts as store_texts

    (m,) = [
        m
        for m in tone("CHN", by="segment", store=corpus)
        if m.unit == {"actor": "CHN", "doc_id": "brief", "seg_no": 1}
    ]
    (ev,) = m.evidence
    start, end = (int(x) for x in ev.ref.split(":")[1].split("-"))
    assert store_texts.document(corpus, "brief")["text"][start:end] == "We welcome China." == ev.detail
    assert ev.value == WELCOME and m.n == 1 and m.extra["mentions"] == 1


def test_scope_threshold_and_errors(corpus) -> None:
    whole = _rows(tone("CHN", by="document", scope="segment", store=corpus), "doc_id")
    assert whole["CHN", "brief"].method == "tone:vader:segment@1"
    assert whole["CHN", "brief"].evidence[0].value == round((1.9 - 2.5) / ((1.9 - 2.5) ** 2 + 15) ** 0.5, 4)
    strict = _rows(tone("CHN", by="document", threshold=0.45, store=corpus), "doc_id")
    assert strict["CHN", "note"].extra["neutral"] == 1  # 0.4404 < 0.45
    with pytest.raises(NotFoundError, match="Unknown actor 'Atlantis'"):
        tone("Atlantis", store=corpus)
    with pytest.raises(NotFoundError, match="Unknown document 'nope'"):
        tone(doc_ids=["nope"], store=corpus)
    with pytest.raises(UsageError, match=r"threshold 1\.5"):
        tone(threshold=1.5, store=corpus)
    with pytest.raises(UsageError, match="Unknown tone model 'bert'"):
        tone(model="bert", store=corpus)


def test_empty_store(store) -> None:
    with pytest.raises(NotFoundError, match="No documents in the store"):
        tone(store=store)
    assert report_section(store) is None


def test_report_section_with_texts_and_news_tone(corpus, tmp_path: Path) -> None:
    from steppe.sources import fetch, gdelt

    folder = tmp_path / "mirror" / gdelt.MIRROR_FOLDER
    folder.mkdir(parents=True)
    data = [{"date": "20230101T000000Z", "value": -1.0}, {"date": "20230102T000000Z", "value": 2.0}]
    answer = {
        "query_details": {"date_resolution": "day"},
        "timeline": [{"series": "Average Tone", "data": data}],
    }
    (folder / "bri.json").write_text(json.dumps(answer), "utf-8")
    fetch("gdelt", store=corpus, mirror=tmp_path / "mirror", actors="bri")
    section = report_section(corpus)
    assert section is not None and section.framework == "tone"
    by_key = {(r["actor"], r["year"]): r for r in section.rows}
    assert by_key["RUS", 2019]["score"] == BAD and by_key["CHN", 2021]["segments"] == 1
    note = 'GDELT average news tone ("Belt and Road", all sources): 0.50 over 2 points, '
    note += "2023-01-01 to 2023-01-02."
    assert section.notes == (note,)
    assert any("Hutto" in r for r in section.references)
