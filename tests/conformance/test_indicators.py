"""Trade indicators on every backend: the same stored flows give the same numbers.

The flows are a synthetic fixture written here (values from a formula, not data): the five
republics report exports and imports with 24 partners each over four years, so that every
member passes the coverage rule (20 partners on each side), plus a small product-level set.
"""

from __future__ import annotations

import pandas as pd
import pytest

from steppe.indicators.compute import INDICATORS, PRODUCT_LEVEL, indicator
from steppe.kb.sync import ensure_kb
from steppe.store import Store
from steppe.store.data import DatasetRecord, load_dataset

from .conftest import BACKENDS, StoreFactory, assert_same, module_pair

C5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
OTHERS = [
    "CHN",
    "RUS",
    "TUR",
    "IRN",
    "IND",
    "PAK",
    "AFG",
    "AZE",
    "GEO",
    "ARM",
    "BLR",
    "UKR",
    "DEU",
    "FRA",
    "ITA",
    "USA",
    "JPN",
    "KOR",
    "ARE",
    "SAU",
]
YEARS = range(2000, 2004)


def _flows() -> pd.DataFrame:
    rows = []
    partners = C5 + OTHERS
    for y in YEARS:
        for i, reporter in enumerate(C5):
            for j, partner in enumerate(partners):
                if partner == reporter:
                    continue
                base = (i + 1) * 1e6 + (j + 1) * 37_000.5 + (y - 1999) * 1234.25
                for role, exporter, importer, factor, valuation in (
                    ("exporter", reporter, partner, 1.0, "fob"),
                    ("importer", partner, reporter, 1.1, "cif"),
                ):
                    rows.append(
                        {
                            "year": y,
                            "exporter": exporter,
                            "importer": importer,
                            "reporter": role,
                            "product": "TOTAL",
                            "classification": "TOTAL",
                            "value_usd": base * factor / 3,
                            "quantity": None,
                            "valuation": valuation,
                        }
                    )
    return pd.DataFrame(rows)


def _products() -> pd.DataFrame:
    rows = [
        ("KAZ", "UZB", "p", 10),
        ("UZB", "KAZ", "p", 4),
        ("UZB", "KAZ", "q", 6),
        ("KAZ", "CHN", "q", 5),
        ("CHN", "KAZ", "p", 5),
        ("KGZ", "KAZ", "q", 2.5),
    ]
    return pd.DataFrame(
        [
            {
                "year": 2000,
                "exporter": e,
                "importer": i,
                "reporter": "reconciled",
                "product": k,
                "classification": "HS92",
                "value_usd": float(v),
                "quantity": None,
                "valuation": None,
            }
            for e, i, k, v in rows
        ]
    )


def _prepare(store: Store) -> tuple[str, str]:
    ensure_kb(store)
    total = load_dataset(
        store,
        DatasetRecord("handmade", "totals", "1", "sha256:10", "tests/conformance"),
        {"trade_flows": _flows()},
    ).dataset_id
    products = load_dataset(
        store,
        DatasetRecord("handmade", "products", "1", "sha256:11", "tests/conformance"),
        {"trade_flows": _products()},
    ).dataset_id
    return total, products


@pytest.fixture(scope="module", params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, Store, str, str]:
    """Both stores with the KB and the fixture flows, once per module (the tests only read)."""
    store, reference = module_pair(request, tmp_path_factory)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STEPPE_STARTER", "0")
        ids = _prepare(store)
        if reference is not store:
            assert _prepare(reference) == ids
    return store, reference, *ids


@pytest.mark.parametrize("name", [n for n in INDICATORS if n not in PRODUCT_LEVEL])
def test_total_trade_indicators_are_the_same(pair: tuple[Store, Store, str, str], name: str) -> None:
    store, reference, total, _ = pair
    got = indicator(name, "c5", (2000, 2003), dataset=total, store=store)
    want = indicator(name, "c5", (2000, 2003), dataset=total, store=reference)
    assert not got.empty
    assert_same(got, want)


@pytest.mark.parametrize("name", PRODUCT_LEVEL)
def test_product_level_indicators_are_the_same(pair: tuple[Store, Store, str, str], name: str) -> None:
    store, reference, _, products = pair
    got = indicator(name, "c5", dataset=products, store=store)
    assert_same(got, indicator(name, "c5", dataset=products, store=reference))
    if name == "rca":
        rca = got.set_index(["country", "product"])["rca"]
        assert rca.loc[("KAZ", "p")] == pytest.approx((10 / 15) / (19 / 32.5))  # by hand


def test_indicator_rows_carry_their_dataset(pair: tuple[Store, Store, str, str]) -> None:
    """One year asked, one row, read from the dataset named (provenance survives the backend)."""
    store, _, total, _ = pair
    frame = indicator("regional", "c5", (2001, 2001), dataset=total, store=store)
    assert len(frame) == 1
    assert frame["dataset_id"].iloc[0] == total


def test_the_starter_snapshot_loads_and_answers_alike(
    new_store: StoreFactory, new_reference: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new store gets the bundled starter snapshot (Parquet files) on either backend, and the
    default-dataset indicators computed from it are the same."""
    monkeypatch.setenv("STEPPE_STARTER", "1")
    store, reference = new_store(), new_reference()
    ensure_kb(store)
    ensure_kb(reference)
    sql = "SELECT dataset_id, source, dataset, edition, rows, tables FROM datasets ORDER BY dataset_id"
    datasets = store.rows(sql)
    assert_same(datasets, reference.rows(sql))
    assert {d["source"] for d in datasets} >= {"imf_dots", "wdi"}
    for table in ("trade_flows", "country_indicators", "development_finance"):
        sums = f"SELECT dataset_id, count(*) AS n, sum(year) AS y FROM {table} GROUP BY dataset_id ORDER BY 1"
        assert_same(store.rows(sums), reference.rows(sums))
    for name in ("regional", "members", "hhi"):
        got = indicator(name, "c5", (2005, 2015), store=store)
        assert not got.empty
        assert_same(got, indicator(name, "c5", (2005, 2015), store=reference))
