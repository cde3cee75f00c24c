"""ECDPM drivers and blockers: hand counts on declared codings, in-process through the store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from steppe.errors import NotFoundError
from steppe.frameworks.ecdpm import HOW_TO_CODE, balance, direction_codes, ecdpm
from steppe.frameworks.params import declared

CODED = pd.DataFrame(
    [
        ("d1", 0, "ecdpm:structural"), ("d1", 0, "drivers:historical_legacy"),  # structural driver
        ("d1", 1, "ecdpm:structural"), ("d1", 1, "drivers:low_interdependence"),  # structural blocker
        ("d1", 2, "ecdpm:structural"), ("d1", 2, "ecdpm:hegemons"),  # both groups, both directions
        ("d1", 2, "drivers:driver"), ("d1", 2, "drivers:inhibitor"),
        ("d1", 3, "ecdpm:structural"), ("d1", 3, "drivers:driver"),  # structural driver
        ("d2", 0, "ecdpm:sectors"),  # no direction: undirected
        ("d2", 1, "drivers:driver"),  # no factor group: not counted
    ],
    columns=["doc_id", "seg_no", "code"],
)  # fmt: skip


def test_the_groups_are_the_codebooks_five_lenses() -> None:
    from steppe.texts.codebook import load_codebook

    groups = declared("ecdpm")["groups"]
    assert list(groups) == [c.id for c in load_codebook("ecdpm").codes if c.parent is None]
    assert [g["issue_label"] for g in groups.values()] == [
        "foundational", "rules of the game", "actors' interests", None, "external",
    ]  # fmt: skip
    drivers, blockers = direction_codes()
    assert "drivers:driver" in drivers and "drivers:historical_legacy" in drivers
    assert "drivers:inhibitor" in blockers and "drivers:low_interdependence" in blockers
    assert not drivers & blockers


def test_balance_by_hand() -> None:
    table = balance(CODED, {"d1": 2015, "d2": None}).set_index(["year", "group"])
    s = table.loc[(2015, "structural")]
    assert (s.drivers, s.blockers, s.mixed, s.undirected) == (3, 2, 1, 0)
    assert s.balance == pytest.approx((3 - 2) / 5)
    assert [p for p in s.passages] == [("d1", 0, "driver"), ("d1", 1, "blocker"), ("d1", 2, "mixed"),
                                       ("d1", 3, "driver")]  # fmt: skip
    h = table.loc[(2015, "hegemons")]
    assert (h.drivers, h.blockers, h.mixed, h.balance) == (1, 1, 1, 0.0)
    row = table.reset_index()
    sectors = row[row["group"] == "sectors"].iloc[0]
    assert pd.isna(sectors["year"]) and sectors["undirected"] == 1 and pd.isna(sectors["balance"])


DOC = """---
title: A brief
date: 2019-05-01
---
Geography and a shared history drive cooperation.

Low trade among them hinders any union.
"""


def test_ecdpm_reads_codings_from_the_store(store, tmp_path: Path) -> None:
    from steppe.texts.coding import apply_code
    from steppe.texts.corpus import add_documents

    (tmp_path / "brief.md").write_text(DOC, "utf-8")
    add_documents([tmp_path / "brief.md"], store=store)
    with pytest.raises(NotFoundError) as err:
        ecdpm(store=store)
    assert str(err.value) == HOW_TO_CODE and "steppe texts suggest run --codebook ecdpm" in HOW_TO_CODE
    for seg, codes in ((0, ["ecdpm:structural", "drivers:historical_legacy"]),
                       (1, ["ecdpm:structural", "drivers:low_interdependence"])):  # fmt: skip
        for code in codes:
            apply_code("brief", seg, code, "reader", store=store)
    (m,) = ecdpm(store=store)
    assert m.unit == {"year": 2019, "group": "structural"} and m.score == 0.0 and m.n == 2
    assert [(e.ref, e.value, e.about) for e in m.evidence] == [
        ("brief:0", 1.0, "driver"),
        ("brief:1", -1.0, "blocker"),
    ]
    assert m.evidence[0].detail == "Geography and a shared history drive cooperation."
    assert m.extra["group_label"] == "Foundational and structural factors"
    with pytest.raises(NotFoundError):
        ecdpm((2020, 2024), store=store)  # the only document is dated 2019
    with pytest.raises(NotFoundError):
        ecdpm(coders=["someone-else"], store=store)
