"""The store edge of the indicators: product-level flows, dataset choice, missing data."""

from __future__ import annotations

import pandas as pd
import pytest

from steppe.errors import NotFoundError
from steppe.indicators.compute import indicator
from steppe.store.data import DatasetRecord, load_dataset


def load_products(store) -> str:
    """The hand example of tests/unit/indicators/test_formulas.py with KAZ, UZB, CHN as A, B, C."""
    rows = [("KAZ", "UZB", "p", 10), ("UZB", "KAZ", "p", 4), ("UZB", "KAZ", "q", 6), ("KAZ", "CHN", "q", 5),
            ("CHN", "KAZ", "p", 5)]  # fmt: skip
    frame = pd.DataFrame(
        [
            {"year": 2000, "exporter": e, "importer": i, "reporter": "reconciled", "product": k,
             "classification": "HS92", "value_usd": float(v), "quantity": None, "valuation": None}
            for e, i, k, v in rows
        ]
    )  # fmt: skip
    record = DatasetRecord("handmade", "products", "1", "sha256:00", "tests/integration/indicators")
    return load_dataset(store, record, {"trade_flows": frame}).dataset_id


def test_product_level_indicators_through_the_store(store):
    dataset_id = load_products(store)
    rca = indicator("rca", "c5", dataset=dataset_id, store=store).set_index(["country", "product"])
    assert rca.loc[("KAZ", "p"), "rca"] == pytest.approx(20 / 19)
    assert rca.loc[("UZB", "q"), "rca"] == pytest.approx(18 / 11)
    assert "CHN" not in rca.index.get_level_values("country")  # only the region's members
    gl = indicator("grubel-lloyd", "c5", dataset=dataset_id, store=store)
    assert gl.set_index(["country", "partner"]).loc[("KAZ", "UZB"), "gl"] == pytest.approx(0.4)
    comp = indicator("complementarity", "c5", dataset=dataset_id, store=store).set_index(
        ["exporter", "importer"]
    )
    assert comp.loc[("KAZ", "UZB"), "complementarity"] == pytest.approx(200 / 3)
    assert set(rca["dataset_id"]) == {dataset_id} and set(rca["view"]) == {"reported"}


def test_missing_product_level_data_names_the_fetch_command(store):
    with pytest.raises(NotFoundError, match="steppe fetch baci"):
        indicator("rca", "c5", store=store)


def test_total_trade_indicators_ignore_product_level_datasets(store):
    load_products(store)
    with pytest.raises(NotFoundError, match="steppe fetch imf_dots"):
        indicator("regional", "c5", store=store)


def test_party_roles_count_as_full_membership_as_in_the_cow_reconciliation(store, monkeypatch):
    from steppe.indicators.composite import inputs
    from steppe.kb.reconcile import KB_TO_COW

    # one rule: the roles the COW reconciliation codes as full membership (1)
    assert inputs.full_membership_roles() == {role for role, code in KB_TO_COW.items() if code == 1}
    c5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    with_party = inputs.institutional_panel(c5, range(2010, 2011), store)
    monkeypatch.setattr(inputs, "full_membership_roles", lambda: frozenset({"founding_member", "member"}))
    without = inputs.institutional_panel(c5, range(2010, 2011), store)
    shared = "input == 'kb_shared_organisations' and unit == 'KAZ'"
    # the Central Asian nuclear-weapon-free zone treaty (parties from 2009) is one more shared body
    assert with_party.query(shared)["value"].iloc[0] >= without.query(shared)["value"].iloc[0] + 1
