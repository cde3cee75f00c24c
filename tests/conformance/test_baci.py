"""The BACI bulk load on every backend: DuckDB reads the file in place, a server backend streams
it from the client; the rows stored and the refusals of broken files must be the same."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from steppe.errors import DataError, RefusedLoad
from steppe.sources.baci import insert_file
from steppe.store import Store
from steppe.store.data import bulk_duplicates

from .conftest import StoreFactory, assert_same

COUNTRIES = pd.DataFrame({"code": [398, 860, 156], "iso3": ["KAZ", "UZB", "CHN"]})
GOOD = """t,i,j,k,v,q
2019,398,860,010121,12.5,NA
2019,398,860,10122,0.004,1.5
2019,860,398,271121,1500.25,
2019,156,398,851762,99.0,0
2019,999,398,010121,1.0,1
"""


def _load(store: Store, path: Path) -> int:
    return insert_file(store, "baci:hs92:v1", path, COUNTRIES, "HS92", label="test.csv", year=2019)


def test_rows_and_duplicates_are_the_same(
    new_store: StoreFactory, new_reference: StoreFactory, tmp_path: Path
) -> None:
    path = tmp_path / "BACI_HS92_Y2019_V202401.csv"
    path.write_text(GOOD + "2019,398,860,010121,12.5,NA\n", encoding="utf-8")  # one exact duplicate
    results = []
    for store in (new_store(), new_reference()):
        assert _load(store, path) == 5  # the unmapped code 999 is left out
        key = ["year", "exporter", "importer", "product"]
        removed = bulk_duplicates(store, "baci:hs92:v1", "trade_flows", key, year=2019)
        rows = store.rows("SELECT * FROM trade_flows ORDER BY exporter, importer, product")
        results.append((removed, rows))
    assert_same(results[0], results[1])
    removed, rows = results[0]
    assert removed == (1, [])
    assert [r["product"] for r in rows] == ["851762", "010121", "010122", "271121"]
    assert rows[1]["value_usd"] == 12500.0 and rows[1]["quantity"] is None and rows[2]["quantity"] == 1.5


@pytest.mark.parametrize(
    ("line", "error", "words"),
    [
        ("2018,398,860,010121,1,1", RefusedLoad, "coverage"),
        ("2019,398,860,,1,1", RefusedLoad, "required"),
        ("2019,398,860,010121,-1,1", RefusedLoad, "sign"),
        ("2019,398,860,010121,inf,1", RefusedLoad, "finite"),
        ("2019,398,860,010121,abc,1", DataError, "line 7 field 'v'"),
        ("40000,398,860,010121,1,1", DataError, "year 40000 does not have four digits"),
    ],
)
def test_broken_files_are_refused_alike(
    new_store: StoreFactory, new_reference: StoreFactory, tmp_path: Path, line: str, error: type, words: str
) -> None:
    path = tmp_path / "BACI_HS92_Y2019_V202401.csv"
    path.write_text(GOOD + line + "\n", encoding="utf-8")
    messages = []
    for store in (new_store(), new_reference()):
        with pytest.raises(error) as caught, store.transaction():
            _load(store, path)
        messages.append(str(caught.value))
        assert store.scalar("SELECT count(*) FROM trade_flows") == 0
    assert words in messages[0]
    assert messages[0] == messages[1]
