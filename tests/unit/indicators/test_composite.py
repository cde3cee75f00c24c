"""Composite index steps against hand-computed values, and the Monte Carlo's invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe.errors import NotFoundError, ValidationError
from steppe.indicators.composite import compute_index, load_methodology, sensitivity
from steppe.indicators.composite.build import normalise, pca_weights
from steppe.indicators.composite.methodology import parse_methodology

RAW = {
    "id": "toy",
    "countries": ["A", "B", "C"],
    "years": "2000:2001",
    "dimensions": [
        {
            "id": "d1",
            "weight": 3,
            "indicators": [
                {"id": "x", "input": "trade_share_with_region", "weight": 1},
                {"id": "y", "input": "export_share_to_region", "direction": "negative", "weight": 3},
            ],
        },
        {"id": "d2", "weight": 1, "indicators": [{"id": "z", "input": "kb_partner_coverage"}]},
    ],
    "missing": {"impute": "none", "max_missing_share": 0.5},
    "uncertainty": {"draws": 40},
}


def panel() -> pd.DataFrame:
    values = {
        ("A", 2000): (0.0, 10.0, 1.0),
        ("B", 2000): (0.5, 5.0, 0.5),
        ("C", 2000): (1.0, 0.0, 0.0),
        ("A", 2001): (0.2, 8.0, 1.0),
        ("B", 2001): (0.6, 4.0, 0.5),
        ("C", 2001): (0.9, 1.0, 0.25),
    }
    rows = [(u, y, name, v[k]) for (u, y), v in values.items() for k, name in enumerate("xyz")]
    return pd.DataFrame(rows, columns=["unit", "year", "indicator", "value"])


def test_normalisations_by_hand():
    x = np.array([0.0, 5.0, 10.0, np.nan])
    assert np.allclose(normalise(x, "min-max", "positive")[:3], [0, 0.5, 1])
    assert np.allclose(normalise(x, "min-max", "negative")[:3], [1, 0.5, 0])
    z = normalise(x, "z-score", "positive")
    assert np.allclose(z[:3], np.array([-5, 0, 5]) / np.std([0, 5, 10]))
    assert np.allclose(normalise(x, "distance-to-frontier", "positive")[:3], [0, 0.5, 1])
    # negative: reflected x' = 10 + 0 - x = (10, 5, 0); frontier 10
    assert np.allclose(normalise(x, "distance-to-frontier", "negative")[:3], [1, 0.5, 0])
    assert np.isnan(normalise(x, "min-max", "positive")[3])
    with pytest.raises(ValidationError, match="non-negative"):
        normalise(np.array([-1.0, 1.0]), "distance-to-frontier", "positive")


def test_arithmetic_given_weights_by_hand():
    method = parse_methodology(dict(RAW, weighting="given"))
    res = compute_index(panel(), method)
    s = res.scores.set_index(["unit", "year"])
    # min-max over the panel: x: (v - 0) / 1; y (negative): (10 - v) / 10; z: v / 1.
    # d1 = 0.25 x + 0.75 y_n ; composite = 0.75 d1 + 0.25 z ; then rescaled to 0-100.
    raw = {}
    for (u, y), (x, yy, z) in {
        ("A", 2000): (0.0, 10.0, 1.0),
        ("B", 2000): (0.5, 5.0, 0.5),
        ("C", 2000): (1.0, 0.0, 0.0),
        ("A", 2001): (0.2, 8.0, 1.0),
        ("B", 2001): (0.6, 4.0, 0.5),
        ("C", 2001): (0.9, 1.0, 0.25),
    }.items():
        d1 = 0.25 * x + 0.75 * (10 - yy) / 10
        raw[(u, y)] = 0.75 * d1 + 0.25 * z
    lo, hi = min(raw.values()), max(raw.values())
    for key, value in raw.items():
        assert s.loc[key, "score"] == pytest.approx(100 * (value - lo) / (hi - lo))
    assert res.weights["d1"] == {"x": 0.25, "y": 0.75}
    assert res.weights["_dimensions"] == {"d1": 0.75, "d2": 0.25}
    assert s.loc[("C", 2000), "rank"] == 1  # highest raw score in 2000: 0.75 * 1 + 0 = 0.75


def test_geometric_and_equal_weights():
    method = parse_methodology(dict(RAW, aggregation="geometric"))
    res = compute_index(panel(), method)
    assert res.scores["score"].between(0, 100).all()
    assert res.weights["d1"] == {"x": 0.5, "y": 0.5}


def test_missing_rule_drops_sparse_unit_years():
    p = panel()
    p = p[~((p["unit"] == "A") & (p["year"] == 2001) & p["indicator"].isin(["x", "y"]))]
    res = compute_index(p, parse_methodology(RAW))
    s = res.scores.set_index(["unit", "year"])
    assert np.isnan(s.loc[("A", 2001), "score"])  # 2 of 3 missing > 0.5
    filled = compute_index(p, parse_methodology(RAW), imputation="carry-forward").scores.set_index(
        ["unit", "year"]
    )
    assert not np.isnan(filled.loc[("A", 2001), "score"])


def test_pca_weights_follow_the_common_factor():
    rng = np.random.default_rng(1)
    f = rng.normal(size=200)
    block = np.column_stack(
        [f + 0.1 * rng.normal(size=200), f + 0.1 * rng.normal(size=200), rng.normal(size=200)]
    )
    w = pca_weights(block)
    assert w.sum() == pytest.approx(1)
    assert w[0] > 0.4 and w[1] > 0.4 and w[2] < 0.1


def test_sensitivity_is_seeded_and_brackets_the_median():
    method = parse_methodology(RAW)
    a = sensitivity(panel(), method, draws=40, seed=7)
    b = sensitivity(panel(), method, draws=40, seed=7)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    iv = a.intervals
    assert (iv["score_p05"] <= iv["score_median"] + 1e-9).all()
    assert (iv["score_median"] <= iv["score_p95"] + 1e-9).all()
    assert (iv["rank_p05"] >= 1).all() and (iv["rank_p95"] <= 3).all()
    assert set(a.first_order) == {"normalisation", "weighting", "aggregation", "imputation", "weights"}
    assert all(0 <= v <= 1 + 1e-9 for v in a.first_order.values())
    c = sensitivity(panel(), method, draws=40, seed=8)
    assert not c.intervals.equals(a.intervals) or c.first_order != a.first_order


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=20),
    st.sampled_from(["min-max", "distance-to-frontier"]),
    st.sampled_from(["positive", "negative"]),
)
def test_normalisation_bounds(values, how, direction):
    x = np.array(values)
    if how == "distance-to-frontier":
        x = np.abs(x)
    out = normalise(x, how, direction)
    assert np.all((out >= -1e-12) & (out <= 1 + 1e-12))


def test_methodology_errors_list_every_problem(tmp_path):
    bad = dict(RAW, normalisation="rank", weighting="magic")
    with pytest.raises(ValidationError) as info:
        parse_methodology(bad)
    assert len(info.value.problems) == 2
    with pytest.raises(NotFoundError, match="bundled name"):
        load_methodology(tmp_path / "nope.yaml")


def test_bundled_methodology_loads():
    method = load_methodology("central-asia")
    assert method.countries == ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    assert {d.id for d in method.dimensions} == {"trade", "institutions"}
    assert len(method.not_covered) >= 4
