"""GE counterfactual of the Guide's chapter 2, application 1 (removing international borders).

Reference: the authors' Stata results shipped in the mirror (results/ch2_app1_trade_without_border,
per-country .dta files). Our solver replaces each constrained PPML re-estimation by its exact
solution (biproportional fitting), so it agrees with Stata to the precision of Stata's own
PPML convergence: we require 1e-5 relative.
"""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("pyfixest")

from steppe.gravity.run import run_counterfactual
from steppe.gravity.spec import load_spec

#: real files read in place: skip without ../shared, fail under CI=true (tests/conftest.py)
pytestmark = pytest.mark.needs_shared("data/yotov_agtpa/results/ch2_app1_trade_without_border")

PAIRS = [
    ("change_exports_conditional", "change_Xi_CDL", "PROD"),
    ("change_exports_full", "change_Xi_FULL", "PROD"),
    ("change_price_full", "change_price_FULL", "PROD"),
    ("change_omr_conditional", "change_OMR_CDL", "PROD"),
    ("change_omr_full", "change_OMR_FULL", "PROD"),
    ("omr_baseline", "OMR_BLN", "PROD"),
    ("exports_full", "Xi_FULL", "PROD"),
    ("output_full", "Y_FULL", "PROD"),
    ("change_imr_conditional", "change_IMR_CDL", "CONS"),
    ("change_imr_full", "change_IMR_FULL", "CONS"),
    ("imr_full", "IMR_FULL", "CONS"),
]


@pytest.fixture(scope="module")
def border_ge(request, guide_store):
    from tests.conftest import SHARED_DATA

    folder = SHARED_DATA / "yotov_agtpa" / "results" / "ch2_app1_trade_without_border"
    spec = load_spec("yotov-2016-ch2-trade-without-borders")
    _, ge = run_counterfactual(spec, store=guide_store(spec.data.file))
    stata = {
        kind: pd.read_stata(folder / f"1_TradeWithoutBorder_FULL_{kind}.dta").set_index("country")
        for kind in ("PROD", "CONS")
    }
    figure = pd.read_stata(folder / "data-figure-7.dta").set_index("country")
    return ge, stata, figure


@pytest.mark.parametrize(("ours", "theirs", "kind"), PAIRS)
def test_border_removal_matches_the_guide(border_ge, ours, theirs, kind):
    ge, stata, _ = border_ge
    reference = stata[kind][theirs]
    mine = ge.countries.loc[reference.index, ours]
    assert len(reference) == 69
    pd.testing.assert_series_equal(mine, reference, check_names=False, rtol=1e-5, atol=1e-6)


def test_real_gdp_and_iterations(border_ge):
    ge, _, figure = border_ge
    mine = ge.countries.loc[figure.index, "change_real_gdp_full"]
    pd.testing.assert_series_equal(mine, figure["change_rGDP_FULL"], check_names=False, rtol=1e-5)
    assert ge.iterations == 5  # TradeWithoutBorder.log reports five iterations
    assert ge.reference_country == "DEU"
