"""Liberal Intergovernmentalism's pure parts on small declared frames, computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from steppe.frameworks.li import REGION, dependence_shares, dyads, institutions, shift_test
from tests.unit.frameworks.kb_fixture import small_kb

#: 2015, one value per flow: UZB exports 10 to KAZ, 30 to CHN, 10 to DEU; imports 20 from KAZ,
#: 20 from CHN, 10 from RUS; CHN-KAZ 50 each way; DEU exports 40 to KAZ.
FLOWS = pd.DataFrame(
    [("UZB", "KAZ", 10), ("UZB", "CHN", 30), ("UZB", "DEU", 10), ("KAZ", "UZB", 20), ("CHN", "UZB", 20),
     ("RUS", "UZB", 10), ("CHN", "KAZ", 50), ("KAZ", "CHN", 50), ("DEU", "KAZ", 40)],
    columns=["exporter", "importer", "value"],
).assign(year=2015, product="TOTAL", side="xm")  # fmt: skip
GROUPS = {REGION: frozenset({"KAZ"}), "CHN": frozenset({"CHN"}), "EU27": frozenset({"DEU", "FRA"})}


def test_preference_shares_by_hand() -> None:
    table = dependence_shares(FLOWS, "UZB", GROUPS).set_index("partner")
    # exports 50, imports 50, trade 100 (sums over partners: no world line in the frame)
    assert table.loc[REGION, ["export_share", "import_share", "trade_share"]].tolist() == [0.2, 0.4, 0.3]
    assert table.loc["CHN", ["export_share", "import_share", "trade_share"]].tolist() == [0.6, 0.4, 0.5]
    assert table.loc["EU27", "trade_share"] == pytest.approx(0.1)
    assert set(table["denominator"]) == {"partner_sum"}


def test_dyads_by_hand() -> None:
    table = dyads(FLOWS, "UZB", GROUPS).set_index("power")
    # China: UZB's 50 of 100 (0.5) against China's 50 of 150 (1/3)
    assert table.loc["CHN", "state_dependence"] == pytest.approx(0.5)
    assert table.loc["CHN", "power_dependence"] == pytest.approx(1 / 3)
    assert table.loc["CHN", "asymmetry"] == pytest.approx(0.5 - 1 / 3)
    # the EU27's total is its trade outside the group: DEU's 50, of which 10 with UZB
    assert table.loc["EU27", "power_dependence"] == pytest.approx(0.2)
    assert table.loc["EU27", "asymmetry"] == pytest.approx(0.1 - 0.2)


def test_institutional_choice_from_the_kb() -> None:
    (m,) = institutions(small_kb(), "AAA", [2010])
    assert sorted(m.extra["organisations"]) == ["club", "duo", "guard", "trio"]
    # trio: secretariat yes (delegation 1.0 over the one attribute recorded), consensus (pooling 0);
    # the others record no delegation or pooling attribute
    assert m.score == 1.0 and m.extra["pooling"] == 0.0 and m.extra["delegating"] == 1
    assert m.extra["pooling_organisations"] == []


def test_shift_test_by_hand() -> None:
    inter = [0.5, 0.625, 0.5625, 0.8125, 0.75, 1.0, 0.9375, 0.9375]  # exact binary fractions
    steps = [inter[i + 1] - inter[i] for i in range(len(inter) - 1)]
    commit = [0.5, 0.5]
    for s in steps[:-1]:  # the commitment change in t+1 is twice the interdependence change in t
        commit.append(commit[-1] + 2 * s)
    series = pd.DataFrame({"year": range(2000, 2008), "commitment": commit, "interdependence": inter})
    test = shift_test(series)
    assert test.association.n == 6 and test.association.spearman == pytest.approx(1.0)
    assert test.verdict == "follows" and test.lag == 1
    assert all(s["same_direction"] for s in test.shifts if s["same_direction"] is not None)
    short = shift_test(series.head(5))
    assert short.verdict == "too few years"
    flipped = series.assign(commitment=[0.5, 0.5, *[0.5 - (c - 0.5) for c in commit[2:]]])
    assert shift_test(flipped).verdict == "opposite"
