"""Composite index steps against hand-computed values, and the Monte Carlo's invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe.errors import NotFoundError, ValidationError
from steppe.indicators.composite import compute_index, load_methodology, sensitivity
from steppe.indicators.composite.build import GEOMETRIC_FLOOR, normalise, pca_weights
from steppe.indicators.composite.methodology import MethodologyWarning, parse_methodology
from steppe.indicators.composite.sensitivity import rescaling_bounds

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
    "weighting": "given",
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
    method = parse_methodology(RAW)
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


def test_equal_weighting_warns_in_one_sentence_that_declared_weights_are_ignored():
    with pytest.warns(MethodologyWarning) as caught:
        method = parse_methodology(dict(RAW, weighting="equal"))
    assert len(caught) == 1
    text = str(caught[0].message)
    assert text.count(". ") == 0 and text.endswith("set 'weighting: given' to apply them.")
    assert "indicator weights in dimension(s) d1" in text and "dimension weights" in text
    assert method.warnings == (text,)
    res = compute_index(panel(), method)
    assert res.scores["score"].between(0, 100).all()
    assert res.weights["d1"] == {"x": 0.5, "y": 0.5}
    even = dict(RAW, weighting="pca", dimensions=[dict(d, weight=1) for d in RAW["dimensions"]])
    even["dimensions"][0] = dict(even["dimensions"][0], indicators=[
        dict(i, weight=1) for i in RAW["dimensions"][0]["indicators"]])  # fmt: skip
    assert parse_methodology(even).warnings == ()  # nothing declared, nothing ignored


def geometric_by_hand(values: dict, normalised) -> dict:
    """Given weights (d1: x 0.25, y 0.75; dims 0.75, 0.25), geometric means of floored values."""
    raw = {}
    for key, (x, yy, z) in values.items():
        nx, ny, nz = (max(v, GEOMETRIC_FLOOR) for v in normalised(x, yy, z))
        d1 = nx**0.25 * ny**0.75
        raw[key] = max(d1, GEOMETRIC_FLOOR) ** 0.75 * max(nz, GEOMETRIC_FLOOR) ** 0.25
    lo, hi = min(raw.values()), max(raw.values())
    return {k: 100 * (v - lo) / (hi - lo) for k, v in raw.items()}


def test_geometric_aggregation_keeps_the_chosen_normalisation():
    values = {(u, y): tuple(panel().query("unit == @u and year == @y")["value"]) for u, y in
              [("A", 2000), ("B", 2000), ("C", 2000), ("A", 2001), ("B", 2001), ("C", 2001)]}  # fmt: skip
    method = parse_methodology(dict(RAW, aggregation="geometric"))
    minmax = compute_index(panel(), method).scores.set_index(["unit", "year"])["score"]
    expected = geometric_by_hand(values, lambda x, y, z: (x, (10 - y) / 10, z))
    for key, value in expected.items():
        assert minmax[key] == pytest.approx(value)
    frontier = compute_index(panel(), method, normalisation="distance-to-frontier").scores
    frontier = frontier.set_index(["unit", "year"])["score"]
    # distance to frontier: x / 1, y reflected (10 + 0 - y) / 10, z / 1: the same as min-max
    # here because every minimum is 0; z-scores differ: they are shifted, not rescaled
    zscore = compute_index(panel(), method, normalisation="z-score").scores.set_index(["unit", "year"])[
        "score"
    ]
    assert not np.allclose(zscore.to_numpy(), minmax.to_numpy())
    assert np.allclose(frontier.to_numpy(), minmax.to_numpy())


def test_bands_pinned_by_the_rescaling_are_marked():
    scores = np.array([[0.0, 40.0, 100.0, np.nan], [0.0, 100.0, 60.0, np.nan], [0.0, 70.0, 100.0, np.nan]])
    bounds, notes = rescaling_bounds(scores)
    assert bounds == ["min", None, None, None]
    assert "not a certain value" in notes[0] and notes[1] is None
    bounds, _ = rescaling_bounds(np.array([[0.0, 100.0], [0.0, 100.0]]))
    assert bounds == ["min", "max"]
    # A in 2000 is worst on every indicator (x and z lowest, y highest of a negative indicator),
    # so it is the panel minimum under every normalisation, weighting and aggregation drawn
    worst = panel()
    z = worst["indicator"] == "z"
    worst.loc[z & (worst["unit"] == "A") & (worst["year"] == 2000), "value"] = 0.0
    worst.loc[z & (worst["unit"] == "C") & (worst["year"] == 2000), "value"] = 0.05
    iv = sensitivity(worst, parse_methodology(RAW), draws=20, seed=1).intervals.set_index(["unit", "year"])
    assert iv.loc[("A", 2000), "score_p05"] == iv.loc[("A", 2000), "score_p95"] == 0
    assert iv.loc[("A", 2000), "rescaling_bound"] == "min"
    assert "0-100 rescaling" in iv.loc[("A", 2000), "band_note"]
    assert iv["rescaling_bound"].drop(("A", 2000)).isna().all()


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
