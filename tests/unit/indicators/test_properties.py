"""Invariants of the formulas on random flow matrices (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe.indicators import formulas

COUNTRIES = ["A", "B", "C", "D", "E"]


@st.composite
def flow_frames(draw, products: bool = False):
    n = draw(st.integers(min_value=2, max_value=30))
    rows = []
    for _ in range(n):
        e = draw(st.sampled_from(COUNTRIES))
        i = draw(st.sampled_from([c for c in COUNTRIES if c != e]))
        year = draw(st.sampled_from([2000, 2001]))
        value = draw(st.floats(min_value=0.001, max_value=1e9, allow_nan=False))
        row = {"year": year, "exporter": e, "importer": i, "value": value}
        if products:
            row["product"] = draw(st.sampled_from(["p", "q", "r"]))
        rows.append(row)
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(flow_frames(), st.sampled_from(["exports", "imports", "trade"]))
def test_partner_shares_in_unit_interval_and_sum_to_one(flows, flow):
    out = formulas.partner_shares(flows, flow)
    assert ((out["share"] >= 0) & (out["share"] <= 1 + 1e-12)).all()
    sums = out.groupby(["year", "country"])["share"].sum()
    assert np.allclose(sums, 1.0)


@settings(max_examples=60, deadline=None)
@given(flow_frames(), st.floats(min_value=1e-3, max_value=1e6))
def test_indices_invariant_to_currency_scaling(flows, rate):
    scaled = flows.assign(value=flows["value"] * rate)
    members = {"A", "B", "C"}
    for fn, cols in [
        (lambda f: formulas.regional_trade(f, members), ["intra_share", "intensity", "introversion"]),
        (lambda f: formulas.trade_intensity(f), ["intensity", "export_share"]),
        (lambda f: formulas.herfindahl(f), ["hhi"]),
        (lambda f: formulas.country_regional(f, members), ["share", "intensity"]),
    ]:
        a, b = fn(flows), fn(scaled)
        assert np.allclose(a[cols].to_numpy(float), b[cols].to_numpy(float), equal_nan=True, rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(flow_frames(products=True), st.floats(min_value=1e-3, max_value=1e6))
def test_product_indices_bounded_and_scale_free(flows, rate):
    scaled = flows.assign(value=flows["value"] * rate)
    gl, gl2 = formulas.grubel_lloyd(flows), formulas.grubel_lloyd(scaled)
    assert ((gl["gl"] >= 0) & (gl["gl"] <= 1 + 1e-12)).all()
    assert np.allclose(gl["gl"], gl2["gl"], rtol=1e-9)
    comp = formulas.complementarity(flows)["complementarity"].dropna()
    assert ((comp >= -1e-9) & (comp <= 100 + 1e-9)).all()
    rca, rca2 = formulas.rca(flows), formulas.rca(scaled)
    assert (rca["rca"] >= 0).all()
    assert np.allclose(rca["rca"], rca2["rca"], rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(flow_frames())
def test_bounds_of_share_hhi_and_introversion(flows):
    reg = formulas.regional_trade(flows, {"A", "B"})
    s = reg["intra_share"].dropna()
    assert ((s >= 0) & (s <= 1 + 1e-12)).all()
    r = reg["introversion"].dropna()
    assert ((r >= -1 - 1e-12) & (r <= 1 + 1e-12)).all()
    h = formulas.herfindahl(flows)
    assert ((h["hhi"] >= 1 / h["partners"] - 1e-12) & (h["hhi"] <= 1 + 1e-12)).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=2, max_size=8))
def test_normalised_entropy_in_unit_interval(shares):
    e = formulas.normalised_entropy(shares)
    assert np.isnan(e) or (-1e-12 <= e <= 1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(flow_frames())
def test_reported_view_equals_one_value_view_when_both_reporters_agree(flows):
    """Each flow as two reports of the same value (side 'x' and side 'm') gives the same numbers
    as the flow counted once for both parties."""
    both = pd.concat([flows.assign(side="x"), flows.assign(side="m")], ignore_index=True)
    members = {"A", "B", "C"}
    for fn, cols in [
        (lambda f: formulas.regional_trade(f, members), ["intra_share", "intensity", "introversion"]),
        (lambda f: formulas.country_regional(f, members), ["share", "export_share", "import_share"]),
        (lambda f: formulas.herfindahl(f), ["hhi"]),
        (lambda f: formulas.trade_intensity(f), ["intensity"]),
    ]:
        a, b = fn(flows), fn(both)
        assert np.allclose(a[cols].to_numpy(float), b[cols].to_numpy(float), equal_nan=True, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(flow_frames(), st.floats(min_value=1.0, max_value=3.0))
def test_world_totals_above_the_partner_sum_only_lower_shares(flows, factor):
    """A reported world total larger than the partner sum (unallocated trade) lowers every share
    of that country and keeps the intra-regional share in [0, 1]."""
    totals = formulas.country_totals(flows)
    world = pd.concat(
        [
            totals.assign(exporter=totals["country"], importer="WLD", value=totals["exports"] * factor),
            totals.assign(exporter="WLD", importer=totals["country"], value=totals["imports"] * factor),
        ]
    )[["year", "exporter", "importer", "value"]]
    world = world[world["value"] > 0]
    with_world = pd.concat([flows, world], ignore_index=True)
    plain = formulas.partner_shares(flows).set_index(["year", "country", "partner"])["share"]
    lower = formulas.partner_shares(with_world).set_index(["year", "country", "partner"])["share"]
    assert np.allclose(lower.reindex(plain.index).to_numpy(), plain.to_numpy() / factor, rtol=1e-9)
    reg = formulas.regional_trade(with_world, {"A", "B"})
    s = reg["intra_share"].dropna()
    assert ((s >= 0) & (s <= 1 + 1e-12)).all()
    assert set(reg["denominator"]) <= {"world_total", "partner_sum"}
