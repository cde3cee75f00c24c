"""MinHash estimates track the exact Jaccard similarity of word 5-shingle sets."""

from __future__ import annotations

import random
import re

import pytest

from steppe.texts.corpus import jaccard_estimate, minhash

WORDS = [f"w{i}" for i in range(400)]


def _shingles(text: str) -> set[str]:
    w = re.findall(r"\w+", text.casefold())
    return {" ".join(w[i : i + 5]) for i in range(len(w) - 4)}


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.6, 0.9, 1.0])
def test_estimate_close_to_exact_jaccard(keep: float) -> None:
    rng = random.Random(int(keep * 10))
    base = [rng.choice(WORDS) for _ in range(600)]
    cut = int(len(base) * keep)
    other = base[:cut] + [rng.choice(WORDS) for _ in range(len(base) - cut)]
    a, b = " ".join(base), " ".join(other)
    exact = len(_shingles(a) & _shingles(b)) / len(_shingles(a) | _shingles(b))
    # 128 permutations: standard error sqrt(J(1-J)/128) <= 0.045; allow about 3 of them
    assert jaccard_estimate(minhash(a), minhash(b)) == pytest.approx(exact, abs=0.14)


def test_signature_is_stable_across_calls() -> None:
    text = "the same words give the same signature every time they are hashed"
    assert (minhash(text) == minhash(text)).all()
