"""store.data: idempotent loads, side-by-side editions and which dataset a reader picks."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steppe.errors import DataError, NotFoundError, StoreError, UsageError
from steppe.sources.connector import numbers
from steppe.store import data as store_data
from steppe.store import open_store


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def _flows(value: float, years=(2019, 2020)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": list(years),
            "exporter": "KAZ",
            "importer": "CHN",
            "reporter": "exporter",
            "product": "TOTAL",
            "classification": "TOTAL",
            "value_usd": value,
            "quantity": float("nan"),
            "valuation": "fob",
        }
    )


def _record(source: str, edition: str, digest: str, when: int, options=None) -> store_data.DatasetRecord:
    return store_data.DatasetRecord(
        source=source,
        dataset="d",
        edition=edition,
        content_hash=digest,
        location="test",
        params={"options": options or {}},
        retrieved_at=datetime(2026, 1, when, tzinfo=UTC),
    )


def test_same_content_twice_is_stored_once(store) -> None:
    first = store_data.load_dataset(store, _record("s", "e1", "sha256:aa", 1), {"trade_flows": _flows(1.0)})
    again = store_data.load_dataset(store, _record("s", "e1", "sha256:aa", 2), {"trade_flows": _flows(1.0)})
    assert first == store_data.LoadOutcome("s:d:e1", 2, True)
    assert again == store_data.LoadOutcome("s:d:e1", 2, False)
    assert store.execute("SELECT count(*) FROM trade_flows").fetchall()[0][0] == 2


def test_other_content_under_the_same_edition_is_refused_unless_a_new_edition(store) -> None:
    store_data.load_dataset(store, _record("s", "e1", "sha256:aa", 1), {"trade_flows": _flows(1.0)})
    refused = r"edition s:d:e1 is already stored with other content.*new_edition"
    with pytest.raises(UsageError, match=refused):
        store_data.load_dataset(store, _record("s", "e1", "sha256:bb", 2), {"trade_flows": _flows(2.0)})
    assert [r["dataset_id"] for r in store_data.list_datasets(store)] == ["s:d:e1"]
    other = store_data.load_dataset(
        store, _record("s", "e1", "sha256:bb", 2), {"trade_flows": _flows(2.0)}, new_edition=True
    )
    assert other.loaded and other.dataset_id.startswith("s:d:e1~")
    options = store_data.load_dataset(
        store, _record("s", "e1", "sha256:aa", 3, {"years": "2019"}), {"trade_flows": _flows(1.0, [2019])}
    )
    assert options.loaded and options.dataset_id not in ("s:d:e1", other.dataset_id)


def test_readers_take_the_newest_matching_dataset_or_the_one_named(store) -> None:
    old = store_data.load_dataset(
        store, _record("imf_dots", "e1", "sha256:aa", 1), {"trade_flows": _flows(1.0)}
    )
    new = store_data.load_dataset(
        store, _record("comtrade", "e2", "sha256:bb", 2), {"trade_flows": _flows(2.0, [2019])}
    )
    assert store_data.trade_flows(store).dataset_id.unique().tolist() == [new.dataset_id]
    # Only the older dataset has 2020: the newest one *with matching rows* wins.
    assert store_data.trade_flows(store, years=2020).dataset_id.unique().tolist() == [old.dataset_id]
    assert store_data.trade_flows(store, dataset="imf_dots").value_usd.tolist() == [1.0, 1.0]
    assert store_data.trade_flows(store, dataset="imf_dots:d").value_usd.tolist() == [1.0, 1.0]
    assert store_data.trade_flows(store, dataset=old.dataset_id, years="2019:2020").shape[0] == 2
    with pytest.raises(NotFoundError, match="No trade_flows rows match these filters in dataset 'baci'"):
        store_data.trade_flows(store, dataset="baci")
    with pytest.raises(UsageError, match="Unknown reporter 'both'"):
        store_data.trade_flows(store, reporter="both")


def test_a_failing_load_leaves_nothing(store) -> None:
    bad = _flows(1.0).assign(year=["2019", "not a year"])
    with pytest.raises(Exception):  # noqa: B017 - the DuckDB conversion error
        store_data.load_dataset(
            store,
            _record("s", "e1", "sha256:aa", 1),
            {
                "country_indicators": pd.DataFrame(
                    {"iso3": ["KAZ"], "year": [2019], "indicator": ["x"], "value": [1.0], "unit": ["u"]}
                ),
                "trade_flows": bad,
            },
        )
    assert store.execute("SELECT count(*) FROM datasets").fetchall()[0][0] == 0
    assert store.execute("SELECT count(*) FROM country_indicators").fetchall()[0][0] == 0
    with pytest.raises(StoreError, match="not in table trade_flows"):
        store_data.load_dataset(
            store, _record("s", "e1", "sha256:aa", 1), {"trade_flows": _flows(1.0).assign(extra=1)}
        )


def test_drop_dataset(store) -> None:
    out = store_data.load_dataset(store, _record("s", "e1", "sha256:aa", 1), {"trade_flows": _flows(1.0)})
    assert store_data.drop_dataset(store, out.dataset_id) == 2
    assert store_data.list_datasets(store) == []
    with pytest.raises(NotFoundError):
        store_data.drop_dataset(store, out.dataset_id)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr), st.just("")), min_size=1)
)
def test_numbers_reads_what_it_is_given(cells: list[str]) -> None:
    frame = pd.DataFrame({"v": cells})
    values = numbers(frame, "v", source="t")
    assert values.isna().tolist() == [c == "" for c in cells]
    assert [float(c) for c in cells if c] == values.dropna().tolist()


def test_numbers_names_the_line_of_the_first_bad_cell() -> None:
    frame = pd.DataFrame({"v": ["1", "2", "x", "y"]})
    frame.attrs.update(first_line=5, path="f.csv")
    with pytest.raises(DataError, match=r"^t: f\.csv line 7 field 'v': 'x' is not a number"):
        numbers(frame, "v", source="t")
    with pytest.raises(DataError, match=r"line 5 field 'v': '1\.5' is not an integer"):
        numbers(
            pd.DataFrame({"v": ["1.5"]}).pipe(lambda f: f.attrs.update(first_line=5) or f),
            "v",
            source="t",
            integer=True,
        )
