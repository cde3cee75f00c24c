"""Scoring for auto-coding: rule hits, TF-IDF, and the embeddings plumbing (with a stand-in model)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pytest

from steppe.errors import UsageError
from steppe.texts.codebook import Code
from steppe.texts.suggest import score

CODES = [
    Code("t:water", "t", "water", "Water", "Water sharing and irrigation.", keywords=("water", "irrigat*")),
    Code("t:trade", "t", "trade", "Trade", "Trade and investment.", keywords=("trade", "investment*")),
]
TEXTS = [
    "Upstream and downstream states quarrel over water for irrigation.",
    "Trade and investments grew along the corridor.",
    "The weather was pleasant.",
]


def test_rule_scores_and_confidence() -> None:
    s = score(TEXTS, CODES)
    assert s.hits.tolist() == [[2, 0], [0, 2], [0, 0]]
    assert s.rule[0, 0] == pytest.approx(0.75)
    assert s.matched[0][0] == ["water", "irrigat"]
    assert np.all((s.confidence >= s.rule - 1e-12) & (s.confidence <= 1))
    assert s.confidence[0, 0] > s.confidence[0, 1] and s.confidence[1, 1] > s.confidence[1, 0]
    assert s.confidence[2].max() < 0.5


def test_unknown_method() -> None:
    with pytest.raises(UsageError, match="Unknown method"):
        score(TEXTS, CODES, method="magic")


def test_embeddings_load_a_local_model_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A stand-in sentence_transformers module records how steppe loads the model."""
    calls: dict = {}

    class FakeModel:
        def __init__(self, path: str, **kwargs: object) -> None:
            calls["path"], calls["kwargs"] = path, kwargs

        def encode(self, texts: list[str], normalize_embeddings: bool = False) -> np.ndarray:
            vecs = np.array([[t.count("water") + 0.1, t.lower().count("trade") + 0.1] for t in texts])
            return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)

    monkeypatch.setitem(
        sys.modules, "sentence_transformers", types.SimpleNamespace(SentenceTransformer=FakeModel)
    )
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # restored after the test
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    s = score(TEXTS, CODES, method="embeddings", model_path=str(model_dir))
    assert calls == {"path": str(model_dir), "kwargs": {"local_files_only": True}}
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "0"  # no process-wide side effect: local_files_only
    assert s.similarity[0, 0] > s.similarity[0, 1]
    with pytest.raises(UsageError, match="local model folder"):
        score(TEXTS, CODES, method="embeddings", model_path=str(tmp_path / "missing"))
