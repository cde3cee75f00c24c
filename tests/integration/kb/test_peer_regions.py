"""Peer regions from the KB, year by year, and the trade indicators that use them."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from steppe.indicators.compute import indicator
from steppe.indicators.regions import PEERS, catalogue, fixed_regions, region, region_orgs
from steppe.store.data import DatasetRecord, load_dataset

YEARS = range(1990, 2025)

#: Members on 1 July of each year, from the accession treaties and official pages cited in the KB
#: (europarl-enlargements, asean-org-about-2024, the Mercosur sources of contested.csv).
EU = {1990: 12, 1995: 15, 2004: 25, 2007: 27, 2013: 28, 2020: 27}
ASEAN = {1990: 6, 1996: 7, 1998: 9, 1999: 10}  # Viet Nam 28 July 1995, Laos and Myanmar July 1997
MERCOSUR = {1991: 4, 2012: 3, 2013: 4, 2014: 5, 2017: 4}  # Bolivia from 8 August 2024


def expected(steps: dict[int, int], year: int) -> int:
    return steps[max(y for y in steps if y <= year)]


@pytest.mark.parametrize(("name", "steps"), [("eu", EU), ("asean", ASEAN), ("mercosur", MERCOSUR)])
def test_peer_regions_come_from_the_kb_for_every_year(store, name: str, steps: dict[int, int]) -> None:
    reg = region(name, YEARS, store=store)
    assert reg.kind == "kb" and reg.orgs == (name,)
    first = min(steps)
    for year in YEARS:
        want = expected(steps, year) if year >= first else 0
        assert len(reg.members(year)) == want, (name, year)
        assert not reg.uncertain_by_year[year], (name, year)


def test_eu_composition_changes_with_enlargements_and_brexit(store) -> None:
    reg = region("eu", [1994, 1995, 2019, 2020], store=store)
    assert {"AUT", "FIN", "SWE"} & reg.members(1994) == set()
    assert {"AUT", "FIN", "SWE"} <= reg.members(1995)
    assert "GBR" in reg.members(2019) and "GBR" not in reg.members(2020)  # out from 1 February 2020
    assert reg.members(2020) == frozenset(fixed_regions()["eu27"]["members"])


def test_mercosur_suspensions_are_not_membership(store) -> None:
    reg = region("mercosur", [2012, 2013, 2016, 2017, 2024, 2025], store=store)
    assert "PRY" not in reg.members(2012) and "VEN" in reg.members(2013)  # Paraguay suspended 2012-13
    assert "VEN" in reg.members(2016) and "VEN" not in reg.members(2017)  # suspended from December 2016
    assert "BOL" not in reg.members(2024) and "BOL" in reg.members(2025)  # from 8 August 2024


def test_fixed_regions_stay_fixed_and_peers_are_kb_regions(store) -> None:
    assert set(fixed_regions()) == {"c5", "c5_afg", "eu27"}
    assert PEERS == ("asean", "eu", "mercosur")
    assert region_orgs("c5", store=store) == [] and region_orgs("EEU", store=store) == ["eaeu"]
    listed = {r["id"]: r for r in catalogue(store=store)}
    assert listed["eu27"]["kind"] == "fixed" and len(listed["eu27"]["members"]) == 27
    assert listed["eu"]["kind"] == "kb" and "DEU" in listed["eu"]["members"]


def test_kb_regions_carry_gap_warnings(store) -> None:
    [line] = region("carec", [2015], store=store).gaps
    assert line.startswith("known gap in carec:")
    assert region("c5", [2015], store=store).gaps == ()


def test_regional_indicator_uses_the_kb_composition_of_each_year(store) -> None:
    """Every ordered pair of 36 economies trades 1 in 1994 and 1995: the EU's intra-regional share
    is (n - 1) / 35 for its n members that year, so 11/35 with 12 members, 14/35 with 15."""
    eu15 = sorted(region("eu", [1995], store=store).members(1995))
    others = [f"X{i:02d}" for i in range(21)]
    economies = eu15 + others
    rows = [
        {"year": y, "exporter": e, "importer": i, "reporter": "reconciled", "product": "TOTAL",
         "classification": "TOTAL", "value_usd": 1.0, "quantity": None, "valuation": None}
        for y in (1994, 1995)
        for e, i in itertools.permutations(economies, 2)
    ]  # fmt: skip
    record = DatasetRecord("handmade", "complete-graph", "1", "sha256:01", "tests/integration/kb")
    dataset_id = load_dataset(store, record, {"trade_flows": pd.DataFrame(rows)}).dataset_id
    out = indicator("regional", "eu", dataset=dataset_id, view="reconciled", store=store).set_index("year")
    assert out.loc[1994, "intra_share"] == pytest.approx(11 / 35)
    assert out.loc[1995, "intra_share"] == pytest.approx(14 / 35)
    fixed = indicator("regional", "eu27", dataset=dataset_id, view="reconciled", store=store)
    # the fixed EU27 has members outside this complete graph (it was built on the EU15): no share
    assert fixed["intra_share"].isna().all()
