"""The tone measure on a small declared fixture, with VADER scores computed by hand.

VADER's compound score of a sentence is ``x / sqrt(x**2 + 15)`` where ``x`` sums the lexicon
valences of its words after VADER's rules (Hutto & Gilbert 2014; ``normalize`` in
vaderSentiment.py, alpha = 15). The sentences below have no booster, negation, "but" or
punctuation emphasis, so ``x`` is the plain sum of the valences in vader_lexicon.txt:
good +1.9, bad -2.5, welcome +2.0, threat -2.4, help +1.7, original +1.3, united +1.8.
"""

from __future__ import annotations

import math
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from steppe.errors import UsageError
from steppe.frameworks.tone import (
    ToneMatcher,
    aggregate,
    embedding_scorer,
    label,
    lexicon,
    mask,
    score_segments,
    sentence_spans,
    vader_scores,
    year_of,
)


def compound(x: float) -> float:
    return round(x / math.sqrt(x * x + 15), 4)


GOOD, BAD, WELCOME, THREAT, HELP = compound(1.9), compound(-2.5), compound(2.0), compound(-2.4), compound(1.7)

#: KB-like entries (code, kind, name, aliases); the EU is left out on purpose (tone.yaml names it).
ENTRIES = [
    ("CHN", "country", "China", ["People's Republic of China", "PRC"]),
    ("RUS", "country", "Russia", ["Russian Federation"]),
    ("USA", "country", "United States", ["US", "USA"]),
    ("bri", "organisation", "Belt and Road Initiative", ["BRI"]),
    ("china_ca", "organisation", "China-Central Asia mechanism (C+C5)", ["China-Central Asia Secretariat"]),
]

SEGMENTS = pd.DataFrame(
    {
        "doc_id": ["a", "a", "b", "b"],
        "seg_no": [0, 1, 0, 1],
        "start_pos": [0, 60, 0, 70],
        "text": [
            "China is a good partner. Russia is a bad neighbour.",
            "The United States opened an embassy. We welcome China.",
            "China's Belt and Road is a threat. China is a good partner.",
            "Original: Russian. The China-Central Asia Secretariat will help.",
        ],
    }
)
DOCUMENTS = pd.DataFrame(
    {"doc_id": ["a", "b"], "publisher": ["Outlet A", None], "date": ["2019-05-01", "2021"]}
)


@pytest.fixture(scope="module")
def matcher() -> ToneMatcher:
    return ToneMatcher(ENTRIES)


def test_hand_computed_compounds_match_vader() -> None:
    assert (GOOD, BAD, WELCOME, THREAT, HELP) == (0.4404, -0.5423, 0.4588, -0.5267, 0.4019)
    got = vader_scores(
        ["Entity is a good partner.", "Entity is a bad neighbour.", "The United States opened."]
    )
    assert got.tolist() == [GOOD, BAD, compound(1.8)]  # "united" +1.8: why names are masked


def test_segment_scores_come_from_the_actor_sentences(matcher: ToneMatcher) -> None:
    got = score_segments(SEGMENTS, matcher)
    rows = {(r.doc_id, r.seg_no, r.actor): r for r in got.itertuples(index=False)}
    assert sorted(rows) == [
        ("a", 0, "CHN"), ("a", 0, "RUS"), ("a", 1, "CHN"), ("a", 1, "USA"),
        ("b", 0, "CHN"), ("b", 0, "bri"), ("b", 1, "CHN"),
    ]  # fmt: skip
    assert rows["a", 0, "CHN"].score == GOOD and rows["a", 0, "CHN"].label == "positive"
    assert rows["a", 0, "RUS"].score == BAD and rows["a", 0, "RUS"].label == "negative"
    # "United States" is masked: the sentence has no valence left (0.4215 unmasked)
    assert rows["a", 1, "USA"].score == 0.0 and rows["a", 1, "USA"].label == "neutral"
    assert rows["a", 1, "CHN"].score == WELCOME
    # owner rule: in "China's Belt and Road" only the BRI is meant; China's own sentence is the second
    assert rows["b", 0, "bri"].score == THREAT
    assert rows["b", 0, "CHN"].score == GOOD and rows["b", 0, "CHN"].sentences == 1
    # "Original: Russian" is excluded; the China-Central Asia Secretariat names China
    assert rows["b", 1, "CHN"].score == HELP
    # context offsets point into the stored document text (segment offset + sentence offset)
    assert rows["a", 1, "CHN"].context == [(97, 114, WELCOME)]
    assert SEGMENTS.text[1][97 - 60 : 114 - 60] == "We welcome China."


def test_whole_segment_scope_mixes_the_actors(matcher: ToneMatcher) -> None:
    got = score_segments(SEGMENTS, matcher, scope="segment")
    rows = {(r.doc_id, r.seg_no, r.actor): r.score for r in got.itertuples(index=False)}
    assert rows["a", 0, "CHN"] == rows["a", 0, "RUS"] == compound(1.9 - 2.5)  # -0.1531
    assert rows["b", 0, "CHN"] == compound(-2.4 + 1.9)
    assert rows["b", 1, "CHN"] == compound(1.3 + 1.7)  # "Original" +1.3 counts in the whole segment


def test_actor_filter_and_mean_over_sentences(matcher: ToneMatcher) -> None:
    seg = pd.DataFrame(
        {"doc_id": ["c"], "seg_no": [0], "start_pos": [0],
         "text": ["China is a good partner. Weather is mild. China is a threat."]}
    )  # fmt: skip
    got = score_segments(seg, matcher, ["CHN"])
    assert got.score.iloc[0] == round((GOOD + THREAT) / 2, 6) and got.sentences.iloc[0] == 2
    assert got.mentions.iloc[0] == 2
    assert score_segments(seg, matcher, ["RUS"]).empty


def test_aggregates_by_document_source_and_year(matcher: ToneMatcher) -> None:
    scored = score_segments(SEGMENTS, matcher)
    by_doc = aggregate(scored, DOCUMENTS, "document").set_index(["actor", "doc_id"])
    chn_a = by_doc.loc[("CHN", "a")]
    assert chn_a.score == round((GOOD + WELCOME) / 2, 6) and chn_a.segments == 2
    assert (chn_a.positive, chn_a.neutral, chn_a.negative, chn_a.net) == (2, 0, 0, 1.0)
    assert chn_a.cites == [("a:0", GOOD), ("a:1", WELCOME)]
    assert by_doc.loc[("CHN", "b")].score == round((GOOD + HELP) / 2, 6)
    by_source = aggregate(scored, DOCUMENTS, "source").set_index(["actor", "source"])
    assert by_source.loc[("bri", "(unknown)")].score == THREAT
    assert by_source.loc[("USA", "Outlet A")].label == "neutral"
    by_year = aggregate(scored, DOCUMENTS, "year").set_index(["actor", "year"])
    assert by_year.loc[("CHN", 2021)].documents == 1 and by_year.loc[("RUS", 2019)].net == -1.0
    two = aggregate(scored[scored.actor == "CHN"], DOCUMENTS.assign(date="2020"), "year")
    assert two.score.iloc[0] == round((GOOD + WELCOME + GOOD + HELP) / 4, 6) and two.segments.iloc[0] == 4
    with pytest.raises(UsageError, match="Unknown grouping 'month'"):
        aggregate(scored, DOCUMENTS, "month")


def test_the_eu_is_recognised_from_tone_yaml_while_the_kb_lacks_it(matcher: ToneMatcher) -> None:
    found = {m.actor for m in matcher.find("The European Union and the EU are one; Brussels agrees.")}
    assert found == {"eu"}
    assert matcher.labels["eu"] == "European Union"
    places = (
        "a corridor between Asia and Europe, and the Organization for Security and Co-operation in Europe"
    )
    assert not [m for m in matcher.find(places) if m.actor == "eu"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the U.S. and Washington", ["USA", "USA"]),
        ("Latin America and the Americas", []),
        ("Chinese loans, Beijing and Xi Jinping", ["CHN", "CHN", "CHN"]),
        ("the Chinese language", []),
        ("China’s One Belt, One Road", ["bri"]),
        ("Xi Jinping unveiled the Belt and Road Initiative", ["bri"]),
        ("the Belt and Road initiative of the People's Republic of China", ["bri"]),
        ("China leads; the BRI follows", ["CHN", "bri"]),
        ("Moscow, the Kremlin and ethnic Russians", ["RUS", "RUS"]),
    ],
)
def test_declared_mention_rules(matcher: ToneMatcher, text: str, expected: list[str]) -> None:
    targets = set(lexicon().targets)
    assert [m.actor for m in matcher.find(text) if m.actor in targets] == expected


def test_sentences_abbreviations_and_initialisms() -> None:
    text = "The U.S. and China met. Mr. Smith said so! Was it? See No. 5, e.g. here. done. Next"
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "The U.S. and China met.",
        "Mr. Smith said so!",
        "Was it?",
        "See No. 5, e.g. here. done.",  # "here." is followed by a lower-case word: no break
        "Next",
    ]
    assert sentence_spans("  \n ") == []


@given(st.text(alphabet="ab .!?\nAB", max_size=60))
def test_sentence_spans_cover_every_visible_character_once(text: str) -> None:
    spans = sentence_spans(text)
    covered = [False] * len(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text) and not text[a].isspace() and not text[b - 1].isspace()
        covered[a:b] = [True] * (b - a)
        last = b
    assert all(c or ch.isspace() for c, ch in zip(covered, text, strict=True))


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4))
def test_mask_keeps_the_text_outside_the_spans(text: str, raw: list[tuple[int, int]]) -> None:
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in raw]
    spans = [(a, b) for a, b in spans if a < b]
    out = mask(text, spans, "Entity")
    if not spans:
        assert out == text
    else:
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
        assert out.startswith(text[:first]) and out.endswith(text[last:]) and "Entity" in out


@given(st.floats(-1, 1), st.floats(-1, 1), st.floats(0, 0.99))
def test_labels_are_monotone_in_the_score(x: float, y: float, t: float) -> None:
    order = {"negative": 0, "neutral": 1, "positive": 2}
    lo, hi = sorted((x, y))
    assert order[label(lo, t)] <= order[label(hi, t)]


def test_year_of_dates_at_any_precision() -> None:
    assert [year_of("2023-09-21"), year_of("2023"), year_of(None), year_of("n.d.")] == [
        2023,
        2023,
        None,
        None,
    ]


def test_unknown_scope(matcher: ToneMatcher) -> None:
    with pytest.raises(UsageError, match="Unknown scope 'paragraph'"):
        score_segments(SEGMENTS, matcher, scope="paragraph")  # type: ignore[arg-type]


def test_embeddings_load_a_local_model_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A stand-in sentence_transformers module records how the model is loaded and scores by words."""
    calls: dict = {}
    words = ("grateful", "success", "welcome", "valued", "interferes", "dangerous", "failed", "expense")

    class FakeModel:
        def __init__(self, path: str, **kwargs: object) -> None:
            calls["path"], calls["kwargs"] = path, kwargs

        def encode(self, texts: list[str], normalize_embeddings: bool = False) -> np.ndarray:
            vecs = np.array([[t.count(w) for w in words] + [0.1] for t in texts], dtype=float)
            return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)

    monkeypatch.setitem(
        sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=FakeModel)
    )
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    monkeypatch.setenv("STEPPE_EMBEDDINGS_MODEL", str(model_dir))
    score = embedding_scorer()
    assert calls == {"path": str(model_dir), "kwargs": {"local_files_only": True}}
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "0"  # no process-wide side effect: local_files_only
    got = score(["We are grateful for the welcome.", "It interferes and failed.", "A table."])
    assert got[0] > 0 > got[1] and abs(got[2]) < 1e-9 and np.all(np.abs(got) <= 1)
    with pytest.raises(UsageError, match="local model folder"):
        embedding_scorer(str(tmp_path / "missing"))
