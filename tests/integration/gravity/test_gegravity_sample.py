"""The gegravity sample (30 countries, 2006, domestic flows): PPML estimates and a CAN-JPN PTA.

References (the mirror's gegravity_sample/PROVENANCE.md): the package author's Stata
``ppmlhdfe trade lndist contiguity common_language pta international, absorb(exp imp)`` and
the OneSectorGE results of a CAN-JPN PTA (sigma 5, reference importer DEU). gegravity solves
the full-endowment system exactly; steppe follows the Guide's procedure with its 0.01 stopping
rule, so GE numbers are compared to 0.01 percentage points and by sign.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pyfixest")

from steppe.errors import UsageError
from steppe.gravity.run import run_counterfactual
from steppe.gravity.spec import parse_spec

#: real files read in place: skip without ../shared, fail under CI=true (tests/conftest.py)
pytestmark = pytest.mark.needs_shared("data/gegravity_sample")

PPMLHDFE = {
    "lndist": (-0.3898623, 0.0729915),
    "contiguity": (0.891577, 0.1327354),
    "common_language": (0.0326249, 0.0840702),
    "pta": (0.4711383, 0.1076578),
    "international": (-3.412584, 0.2151235),
}
#: OneSectorGE factory-gate price changes (%), from PROVENANCE.md.
PRICE_CHANGE = {"CAN": -0.135770, "AUS": 0.004143, "AUT": -0.002774, "BEL": -0.002052, "BRA": -0.005588}


def _spec(shared, tolerance=0.01):
    return parse_spec(
        {
            "name": "gegravity-can-jpn-pta",
            "data": {"source": "csv", "path": str(shared / "gegravity_sample" / "sample_data_set.dlm")},
            "model": {
                "estimator": "ppml",
                "dependent": "trade",
                "regressors": list(PPMLHDFE),
                "fixed_effects": ["exporter", "importer"],
                "vcov": "hetero",
            },
            "counterfactual": {
                "set": {"pta": 1},
                "among": ["CAN", "JPN"],
                "sigma": 5,
                "reference_country": "DEU",
                "tolerance": tolerance,
            },
        }
    )


@pytest.fixture(scope="module")
def can_jpn():
    from tests.conftest import SHARED_DATA

    return run_counterfactual(_spec(SHARED_DATA))


def test_ppml_matches_ppmlhdfe(can_jpn):
    result, _ = can_jpn
    assert result.nobs == 900
    for term, (estimate, se) in PPMLHDFE.items():
        assert result.coef(term) == pytest.approx(estimate, abs=5e-7)
        assert result.se(term) == pytest.approx(se, rel=2e-3)


def test_can_jpn_pta_ge_effects(can_jpn):
    _, ge = can_jpn
    countries = ge.countries
    for country, change in PRICE_CHANGE.items():
        ours = countries.loc[country, "change_price_full"]
        assert ours == pytest.approx(change, abs=0.01)
        assert (ours > 0) == (change > 0)
    # the agreement only lowers CAN-JPN costs: both export more, their real GDP rises
    assert countries.loc["CAN", "change_exports_conditional"] > 0
    assert countries.loc["JPN", "change_exports_conditional"] > 0
    assert countries.loc["CAN", "change_real_gdp_full"] > 0


def test_unmet_tolerance_is_one_sentence(shared_data):
    with pytest.raises(UsageError, match=r"use tolerance 0\.01"):
        run_counterfactual(_spec(shared_data, tolerance=1e-12))
