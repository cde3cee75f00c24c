"""Reliability coefficients against published worked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from steppe.texts.reliability import (
    coding_reliability,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)

N = np.nan

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability". University of
# Pennsylvania, Annenberg School for Communication, Departmental Papers 43, section C:
# "Nominal data, any number of observers, missing values" (4 observers, 12 units). The paper
# gives alpha = 0.743 (nominal), and for the same data in sections D-F 0.815 (ordinal),
# 0.849 (interval) and 0.797 (ratio).
KRIPPENDORFF_2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Same paper, section A: "Binary or dichotomous data, two observers, no missing data",
# 10 units; alpha = 0.095.
KRIPPENDORFF_2011_A = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_missing_data_example(level: str, published: float) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011_C, level), 3) == published


def test_krippendorff_2011_binary_example() -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011_A), 3) == 0.095


def test_cohen_kappa_textbook_example() -> None:
    # Two readers, 50 grant proposals, yes/no: 20 both yes, 15 both no, A yes/B no 5,
    # A no/B yes 10; p_o = 0.70, p_e = 0.50, kappa = 0.40. The worked "simple example" of
    # the Wikipedia article "Cohen's kappa" (after Cohen 1960's definition).
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert percent_agreement(a, b) == pytest.approx(0.70)
    assert cohen_kappa(a, b) == pytest.approx(0.40)


def test_cohen_kappa_matches_hand_computation_on_krippendorff_binary_data() -> None:
    # p_o = 6/10; marginals A: 0.8/0.2, B: 0.6/0.4 -> p_e = 0.56; kappa = 0.04/0.44.
    a, b = KRIPPENDORFF_2011_A
    assert cohen_kappa(a, b) == pytest.approx(0.04 / 0.44)


def test_missing_values_are_skipped_pairwise() -> None:
    assert percent_agreement([1, 2, N], [1, 3, 2]) == pytest.approx(0.5)


@given(st.lists(st.integers(0, 3), min_size=2, max_size=40).filter(lambda v: len(set(v)) > 1))
def test_identical_coders_agree_perfectly(values: list[int]) -> None:
    assert krippendorff_alpha([values, values]) == pytest.approx(1.0)
    assert cohen_kappa(values, values) == pytest.approx(1.0)
    assert percent_agreement(values, values) == 1.0


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=3, max_size=30))
def test_alpha_is_at_most_one_and_symmetric(pairs: list[tuple[int, int]]) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    alpha = krippendorff_alpha([a, b])
    if not np.isnan(alpha):
        assert alpha <= 1.0 + 1e-12
        assert alpha == pytest.approx(krippendorff_alpha([b, a]))


def test_coding_reliability_per_code_and_overall() -> None:
    units = pd.DataFrame({"doc_id": ["d"] * 4, "seg_no": [0, 1, 2, 3]})
    alice = pd.DataFrame({"doc_id": ["d", "d"], "seg_no": [0, 1], "code": ["x", "y"]})
    bob = pd.DataFrame({"doc_id": ["d", "d"], "seg_no": [0, 2], "code": ["x", "y"]})
    rows = {r["code"]: r for r in coding_reliability(units, {"alice": alice, "bob": bob}, ["x", "y"])}
    assert rows["x"]["agreement"] == 1.0 and rows["x"]["alpha"] == pytest.approx(1.0)
    assert rows["y"]["agreement"] == 0.5
    assert rows["(overall)"]["units"] == 8
    assert rows["(overall)"]["agreement"] == pytest.approx(6 / 8)
