"""Regionness on a small declared KB, trade evidence and speeches, checked test by test by hand."""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd
import pytest

from steppe.frameworks.params import declared
from steppe.frameworks.regionness import (
    Context,
    TradeYear,
    highest_level,
    level_reached,
    level_score,
    pair_network,
    run_tests,
)
from steppe.indicators.regions import Region
from tests.unit.frameworks.kb_fixture import small_kb

MEMBERS = frozenset({"AAA", "BBB", "CCC"})
RULES = {1: "all", 2: "majority", 3: "majority", 4: "majority", 5: "all"}


def params(covered: bool) -> dict:
    p = copy.deepcopy(declared("regionness"))
    p["kb_event_coverage"] = ["r"] if covered else []
    p["tests"]["shared_identity"]["names"]["r"] = ["Arcadia"]
    return p


def context(
    year: int, *, covered: bool = True, trade: TradeYear | None = None, speeches=None, texts=None
) -> Context:
    region = Region("r", "R", "fixed", {year: MEMBERS}, "declared test region")
    frame = pd.DataFrame(speeches or [], columns=["doc_id", "country", "year", "title"])
    return Context(region, year, date(year, 7, 1), MEMBERS, small_kb(), trade, None, frame, texts or {},
                   params(covered))  # fmt: skip


def outcomes(ctx: Context) -> dict[str, bool | None]:
    return {o.test: o.passed for o in run_tests(ctx)}


TRADE = TradeYear("ds-test", "reported", "own_reports", True, 0.2, 2.0, 3, 2, True)


def test_2004_each_test_by_hand() -> None:
    speeches = [
        {"doc_id": "a04", "country": "AAA", "year": 2004, "title": "AAA"},
        {"doc_id": "b04", "country": "BBB", "year": 2004, "title": "BBB"},
    ]
    texts = {
        "a04": "We thank the chair. Together we build Arcadia as one. The end.",
        "b04": "Arcadia is far away.",
    }
    got = outcomes(context(2004, trade=TRADE, speeches=speeches, texts=texts))
    assert got == {
        "members": True,
        "trade_intensity": True,  # 2.0 > 1
        "trade_network": True,  # connected
        "security_ties": True,  # guard holds AAA BBB: 2 of 3 >= half
        "region_only_format": True,  # trio and duo (guard has OUT)
        "whole_region_covered": True,  # trio holds all three
        "fields": True,  # economic (trio) + environmental (duo)
        "meetings": False,  # trio's summits are recorded (2006, 2010), none in 2004
        "no_armed_clash": False,  # clash-2003 in 2000-2004
        "free_movement": False,  # trio: no common market, no customs union -> derived 'no'
        "shared_identity": False,  # 1 of 2 speaking members: not more than half
        "formal_framework": False,  # trio's secretariat only from 2005
        "secretariat": False,
        "binding_decisions": False,  # consensus
        "court": False,
    }


def test_levels_follow_from_the_scores() -> None:
    ctx = context(2010, trade=TRADE)
    result = run_tests(ctx)
    scores = {k: level_score([o for o in result if o.level == k]) for k in range(1, 6)}
    # level 3: meetings pass (trio-2010); level 4: no clash 2006-2010, no free movement, no speech
    # (n/a), formal framework (secretariat from 2005): 2 of 3; level 5: secretariat only, 1 of 3
    assert scores == {
        1: 1.0,
        2: 1.0,
        3: 1.0,
        4: pytest.approx(2 / 3, abs=1e-6),
        5: pytest.approx(1 / 3, abs=1e-6),
    }
    assert highest_level(scores, RULES) == 4


def test_outside_the_kb_coverage_absence_is_no_data() -> None:
    got = outcomes(context(2010, covered=False, trade=None))
    assert got["trade_intensity"] is None and got["trade_network"] is None
    assert got["security_ties"] is True  # a recorded tie still counts
    assert got["no_armed_clash"] is None  # no recorded clash is not evidence of peace here
    covered = outcomes(context(2010, covered=True, trade=None))
    assert covered["no_armed_clash"] is True
    assert outcomes(context(2009, covered=False))["meetings"] is None
    assert outcomes(context(2009, covered=True))["meetings"] is False


def test_rules_and_the_hierarchy() -> None:
    assert level_score([]) is None
    assert not level_reached(0.5, "majority") and level_reached(0.51, "majority")
    assert not level_reached(0.99, "all") and level_reached(1.0, "all")
    # a level without data neither blocks nor counts; a failed level stops the climb
    assert highest_level({1: 1.0, 2: None, 3: 1.0, 4: 0.2, 5: 1.0}, RULES) == 3
    assert highest_level({1: 1.0, 2: 0.5, 3: 1.0, 4: 1.0, 5: 1.0}, RULES) == 1
    assert highest_level({1: 0.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0}, RULES) == 0
    assert highest_level({1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: None}, RULES) == 4


def test_pair_network_counts_pairs_and_connectivity() -> None:
    flows = pd.DataFrame(
        {"year": [2000, 2000, 2000, 2001], "exporter": ["A", "B", "C", "A"], "importer": ["B", "A", "D", "B"],
         "value": [1.0, 2.0, 3.0, 1.0]}
    )  # fmt: skip
    assert pair_network(flows, frozenset({"A", "B", "C"}), 2000) == (3, 1, False, ["C"])
    chain = pd.concat(
        [flows, pd.DataFrame({"year": [2000], "exporter": ["C"], "importer": ["B"], "value": [1.0]})]
    )
    assert pair_network(chain, frozenset({"A", "B", "C"}), 2000) == (3, 2, True, [])
