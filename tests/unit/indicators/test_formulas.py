"""Every formula against a small example computed by hand (see docs/indicators.md)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from steppe.errors import UsageError
from steppe.indicators import formulas


@pytest.fixture
def flows() -> pd.DataFrame:
    # Exports: A 40, B 40, C 20 (world 100); imports: A 25, B 25, C 50; trade A 65, B 65, C 70.
    rows = [("A", "B", 10), ("A", "C", 30), ("B", "A", 20), ("B", "C", 20), ("C", "A", 5), ("C", "B", 15)]
    return pd.DataFrame(
        [(2000, e, i, v) for e, i, v in rows], columns=["year", "exporter", "importer", "value"]
    )


@pytest.fixture
def products() -> pd.DataFrame:
    rows = [
        ("A", "B", "p", 10),
        ("B", "A", "p", 4),
        ("B", "A", "q", 6),
        ("A", "C", "q", 5),
        ("C", "A", "p", 5),
    ]
    return pd.DataFrame(
        [(2000, e, i, k, v) for e, i, k, v in rows],
        columns=["year", "exporter", "importer", "product", "value"],
    )


def one(frame: pd.DataFrame, **where) -> pd.Series:
    sel = frame
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_country_totals(flows):
    out = formulas.country_totals(flows).set_index("country")
    assert out.loc["A", ["exports", "imports", "trade"]].tolist() == [40, 25, 65]
    assert out.loc["C", ["exports", "imports", "trade"]].tolist() == [20, 50, 70]


def test_partner_shares_trade_exports_imports(flows):
    trade = formulas.partner_shares(flows, "trade")
    assert one(trade, country="A", partner="B")["share"] == pytest.approx(30 / 65)
    assert one(trade, country="A", partner="C")["share"] == pytest.approx(35 / 65)
    exports = formulas.partner_shares(flows, "exports")
    assert one(exports, country="B", partner="C")["share"] == pytest.approx(0.5)
    imports = formulas.partner_shares(flows, "imports")
    assert one(imports, country="C", partner="A")["share"] == pytest.approx(30 / 50)


def test_herfindahl(flows):
    out = one(formulas.herfindahl(flows, "trade"), country="A")
    assert out["hhi"] == pytest.approx(2125 / 4225)
    assert out["hhi_normalised"] == pytest.approx((2125 / 4225 - 0.5) / 0.5)
    assert out["partners"] == 2


def test_trade_intensity(flows):
    out = formulas.trade_intensity(flows)
    assert one(out, exporter="A", importer="B")["intensity"] == pytest.approx(1.0)
    assert one(out, exporter="A", importer="C")["intensity"] == pytest.approx(1.5)
    assert one(out, exporter="B", importer="A")["intensity"] == pytest.approx(2.0)
    assert one(out, exporter="C", importer="A")["intensity"] == pytest.approx(1.0)


def test_regional_trade_share_intensity_introversion(flows):
    out = one(formulas.regional_trade(flows, {"A", "B"}), year=2000)
    assert out["intra_trade"] == 60
    assert out["region_trade"] == 130
    assert out["intra_share"] == pytest.approx(6 / 13)
    assert out["world_share"] == pytest.approx(13 / 20)
    assert out["intensity"] == pytest.approx(120 / 169)
    assert out["extra_intensity"] == pytest.approx(20 / 13)
    assert out["introversion"] == pytest.approx(-7 / 19)


def test_regional_trade_dynamic_membership(flows):
    both = pd.concat([flows, flows.assign(year=2001)])
    out = formulas.regional_trade(both, {2000: {"A", "B"}, 2001: {"A", "C"}}).set_index("year")
    assert out.loc[2000, "intra_share"] == pytest.approx(60 / 130)
    assert out.loc[2001, "intra_share"] == pytest.approx(70 / 135)


def test_country_regional(flows):
    out = one(formulas.country_regional(flows, {"A", "B"}), country="A")
    assert out["share"] == pytest.approx(30 / 65)
    assert out["export_share"] == pytest.approx(0.25)
    assert out["import_share"] == pytest.approx(0.8)
    assert out["intensity"] == pytest.approx(1.0)


def test_rca(products):
    out = formulas.rca(products)
    assert one(out, country="A", product="p")["rca"] == pytest.approx(20 / 19)
    assert one(out, country="B", product="q")["rca"] == pytest.approx(18 / 11)
    assert one(out, country="C", product="p")["rca"] == pytest.approx(30 / 19)


def test_grubel_lloyd(products):
    out = formulas.grubel_lloyd(products)
    assert one(out, country="A", partner="B")["gl"] == pytest.approx(0.4)
    assert one(out, country="B", partner="A")["gl"] == pytest.approx(0.4)
    assert one(out, country="A", partner="C")["gl"] == pytest.approx(0.0)
    assert one(out, country="A", partner="B")["trade"] == pytest.approx(20)


def test_complementarity(products):
    out = formulas.complementarity(products)
    assert one(out, exporter="A", importer="B")["complementarity"] == pytest.approx(200 / 3)
    assert one(out, exporter="B", importer="A")["complementarity"] == pytest.approx(80)
    limited = formulas.complementarity(products, countries=["A", "B"])
    assert len(limited) == 2


def test_normalised_entropy():
    assert formulas.normalised_entropy([0.5, 0.5, 0, 0]) == pytest.approx(0.5)
    assert formulas.normalised_entropy([1, 1, 1]) == pytest.approx(1.0)
    assert formulas.normalised_entropy([0.3, 0, 0]) == 0.0
    assert math.isnan(formulas.normalised_entropy([0, 0]))


def test_bad_input_is_a_usage_error(flows):
    with pytest.raises(UsageError, match="lacks column"):
        formulas.country_totals(flows.drop(columns="value"))
    with pytest.raises(UsageError, match="negative"):
        formulas.country_totals(flows.assign(value=-1))
    with pytest.raises(UsageError, match="Unknown flow"):
        formulas.partner_shares(flows, "both")


def test_row_order_does_not_matter(products):
    both = pd.concat([products, products.assign(year=1999, value=products["value"] * 2)], ignore_index=True)
    shuffled = both.sample(frac=1.0, random_state=3)
    for fn in (formulas.grubel_lloyd, formulas.complementarity, formulas.rca):
        a = fn(both).sort_values(list(fn(both).columns[:3])).reset_index(drop=True)
        b = fn(shuffled).sort_values(list(a.columns[:3])).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
