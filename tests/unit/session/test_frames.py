"""Typed frames: declared dtypes, KB dates as datetime64 + precision, and back to the CLI's rows."""

from __future__ import annotations

import pandas as pd

from steppe.cli.session import rows as rows_of
from steppe.session.frames import frame, typed

ROWS = [
    {"country": "KAZ", "start": "1994", "end": None, "uncertain": True, "n": 3, "share": 0.5,
     "sources": ["a", "b"]},
    {"country": "UZB", "start": "1997-06", "end": "2012-06-28", "uncertain": False, "n": None, "share": None,
     "sources": []},
]  # fmt: skip


def test_declared_dtypes_and_partial_dates() -> None:
    out = frame(ROWS, partial=("start", "end"), attrs={"kb_fingerprint": "x"})
    assert list(out.columns) == ["country", "start", "start_precision", "end", "end_precision", "uncertain",
                                 "n", "share", "sources"]  # fmt: skip
    assert str(out["country"].dtype) == "string"
    assert str(out["start"].dtype) == "datetime64[ns]"
    assert list(out["start"]) == [pd.Timestamp("1994-01-01"), pd.Timestamp("1997-06-01")]
    assert list(out["start_precision"]) == ["year", "month"]
    assert pd.isna(out["end"][0]) and out["end"][1] == pd.Timestamp("2012-06-28")
    assert str(out["uncertain"].dtype) == "boolean"
    assert str(out["n"].dtype) == "Int64" and pd.isna(out["n"][1])
    assert str(out["share"].dtype) == "float64" and pd.isna(out["share"][1])
    assert out["sources"][0] == ["a", "b"]
    assert out.attrs == {"kb_fingerprint": "x"}


def test_the_cli_gets_back_the_rows_it_printed_before() -> None:
    assert rows_of(frame(ROWS, partial=("start", "end"))) == ROWS


def test_an_empty_answer_keeps_its_columns() -> None:
    out = frame([], ("country", "start", "end"), partial=("start", "end"))
    assert out.empty and list(out.columns) == ["country", "start", "start_precision", "end", "end_precision"]
    assert rows_of(out) == []


def test_typed_keeps_numbers_and_types_text() -> None:
    source = pd.DataFrame({"region": ["c5", None], "year": [2000, 2001], "share": [0.1, None]})
    source.attrs["x"] = 1
    out = typed(source, attrs={"view": "reported"})
    assert str(out["region"].dtype) == "string" and str(out["year"].dtype) == "int64"
    assert out.attrs == {"x": 1, "view": "reported"}
    assert rows_of(out) == [{"region": "c5", "year": 2000, "share": 0.1},
                            {"region": None, "year": 2001, "share": None}]  # fmt: skip
