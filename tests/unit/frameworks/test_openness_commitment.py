"""Openness, commitment, association and cross-tab on the small declared KB, computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from steppe.frameworks.association import average_ranks, bootstrap_spearman, spearman
from steppe.frameworks.openness_commitment import (
    band,
    cells,
    commitment,
    commitment_measure,
    crosstab,
    openness,
    speeches_by_state_year,
)
from tests.unit.frameworks.kb_fixture import small_kb

SPEECHES = pd.DataFrame([{"doc_id": "a10", "country": "AAA", "year": 2010, "title": "AAA 2010"}])
MENTIONS = {"a10": {"club": (2, [0, 3])}}


def test_openness_of_club_by_hand() -> None:
    (m,) = openness(small_kb(), ["club"], [2010])
    # outside powers CHN RUS (2) -> 0.5; partners yes -> 1; accession regional -> 0.5;
    # CET not recorded and no customs union -> derived 'no' -> 1; exclusivity yes -> 0
    assert m.extra["components"] == {
        "outside_powers": 0.5, "partners_and_observers": 1.0, "accession_openness": 0.5,
        "common_external_tariff": 1.0, "exclusivity_clause": 0.0,
    }  # fmt: skip
    assert m.score == pytest.approx(3.0 / 5) and m.n == 5
    derived = [e for e in m.evidence if e.ref == "club:common_external_tariff"]
    assert "derived" in derived[0].detail
    # trio records none of the attributes but its outside powers (none) and derived CET
    (t,) = openness(small_kb(), ["trio"], [2010])
    assert t.extra["components"]["partners_and_observers"] is None and t.n == 2
    assert openness(small_kb(), ["trio"], [1999]) == []  # not founded yet


def test_commitment_by_hand() -> None:
    kb, speeches = small_kb(), speeches_by_state_year(SPEECHES)
    a = commitment_measure(kb, "club", "AAA", 2010, speeches, MENTIONS)
    # member 1.0 (w .5); at 1 of 2 club summits 0.5 (w .25); its speech names club 1.0 (w .25)
    assert a.extra["components"] == {"status": 1.0, "attendance": 0.5, "salience": 1.0}
    assert a.score == pytest.approx(0.875)
    b = commitment_measure(kb, "club", "BBB", 2010, speeches, MENTIONS)
    # suspended since 2008 -> 0 (w .5); at both summits -> 1 (w .25); no speech -> n/a
    assert b.extra["components"] == {"status": 0.0, "attendance": 1.0, "salience": None}
    assert b.score == pytest.approx(0.25 / 0.75)
    before = commitment_measure(kb, "club", "BBB", 2007, speeches, MENTIONS)
    assert before.extra["components"]["status"] == 1.0  # the drop follows the suspension
    c = commitment_measure(kb, "club", "CCC", 2010, speeches, MENTIONS)
    assert c.extra["components"] == {"status": 0.25, "attendance": 0.0, "salience": None}
    assert len(commitment(kb, ["club", "trio"], ["AAA", "BBB"], [2010], SPEECHES, MENTIONS)) == 4


def test_cells_crosstab_and_bands() -> None:
    kb = small_kb()
    o = openness(kb, ["club", "trio"], [2010])
    c = commitment(kb, ["club", "trio"], ["AAA", "BBB", "CCC"], [2010], SPEECHES, MENTIONS)
    table = cells(o, c)
    assert len(table) == 6 and set(table["org"]) == {"club", "trio"}
    tab = crosstab(table)
    assert int(tab.to_numpy().sum()) == 6 and list(tab.index) == ["low", "middle", "high"]
    assert band(0.2, [0.3333, 0.6667], ["low", "middle", "high"]) == "low"
    assert band(0.6667, [0.3333, 0.6667], ["low", "middle", "high"]) == "high"


def test_spearman_by_hand_and_the_bootstrap_is_seeded() -> None:
    assert list(average_ranks(pd.Series([5.0, 6, 7, 8, 7]).to_numpy())) == [1, 2, 3.5, 5, 3.5]
    # ranks x 1..5, y 1, 2, 3.5, 5, 3.5: sum dx dy = 8, sum dx^2 = 10, sum dy^2 = 9.5
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / 95**0.5)
    assert spearman([1, 2], [2, 1]) is None and spearman([1, 1, 1], [1, 2, 3]) is None
    x, y = [1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7]
    a, b = bootstrap_spearman(x, y, seed=3), bootstrap_spearman(x, y, seed=3)
    assert a == b and a.ci_low is not None and a.ci_low <= a.spearman <= a.ci_high and a.n == 8
    assert bootstrap_spearman(x, y, seed=4) != a
    # whole clusters travel together: two clusters give at most 3 distinct resamples
    grouped = bootstrap_spearman(x, y, ["g1"] * 4 + ["g2"] * 4, draws=200, seed=0)
    assert grouped.clusters == 2 and grouped.n == 8
