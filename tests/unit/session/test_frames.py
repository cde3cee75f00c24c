"""Typed frames: declared dtypes, KB dates as datetime64 + precision, and back to rows (the one
frame-to-rows rule that the CLI, the web API and chart downloads share)."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd

from steppe.session.frames import frame, plain, records, typed

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
    assert records(frame(ROWS, partial=("start", "end"))) == ROWS


def test_an_empty_answer_keeps_its_columns() -> None:
    out = frame([], ("country", "start", "end"), partial=("start", "end"))
    assert out.empty and list(out.columns) == ["country", "start", "start_precision", "end", "end_precision"]
    assert records(out) == []


def test_typed_keeps_numbers_and_types_text() -> None:
    source = pd.DataFrame({"region": ["c5", None], "year": [2000, 2001], "share": [0.1, None]})
    source.attrs["x"] = 1
    out = typed(source, attrs={"view": "reported"})
    assert str(out["region"].dtype) == "string" and str(out["year"].dtype) == "int64"
    assert out.attrs == {"x": 1, "view": "reported"}
    assert records(out) == [{"region": "c5", "year": 2000, "share": 0.1},
                            {"region": None, "year": 2001, "share": None}]  # fmt: skip


def test_date_columns_are_days_when_every_value_is_a_whole_day() -> None:
    out = pd.DataFrame(
        {
            "day": pd.to_datetime(["2016-01-01", None]),
            "moment": pd.to_datetime(["2016-01-01 00:00", "2016-01-02 12:30"]).tz_localize("UTC"),
        }
    )
    assert records(out) == [
        {"day": "2016-01-01", "moment": "2016-01-01T00:00:00+00:00"},
        {"day": None, "moment": "2016-01-02T12:30:00+00:00"},
    ]


def test_a_partial_date_without_its_precision_is_a_day() -> None:
    out = frame([{"start": "1994"}, {"start": "1997-06"}], partial=("start",))
    out.loc[1, "start_precision"] = pd.NA
    assert records(out) == [{"start": "1994"}, {"start": "1997-06-01"}]


def test_cells_become_python_values() -> None:
    out = pd.DataFrame(
        {
            "n": pd.Series([np.int64(3), None], dtype=object),
            "arr": [np.array([1, 2]), None],
            "gone": pd.Series([pd.NaT, pd.NA], dtype=object),
            "day": [dt.date(2016, 1, 1), None],
        }
    )
    got = records(out)
    assert got == [
        {"n": 3, "arr": [1, 2], "gone": None, "day": dt.date(2016, 1, 1)},
        {"n": None, "arr": None, "gone": None, "day": None},
    ]
    assert type(got[0]["n"]) is int


def test_strict_rows_are_strict_json() -> None:
    """Infinities become None, dates in cells text, other objects their text (web API, charts)."""
    out = pd.DataFrame(
        {
            "x": [math.inf, 1.5],
            "day": [dt.date(2016, 1, 1), None],
            "nested": [{"a": np.float64("nan"), 1: (np.int64(2),)}, []],
            "other": [complex(1, 2), None],
        }
    )
    got = records(out, strict=True)
    assert got == [
        {"x": None, "day": "2016-01-01", "nested": {"a": None, "1": [2]}, "other": "(1+2j)"},
        {"x": 1.5, "day": None, "nested": [], "other": None},
    ]
    json.dumps(got, allow_nan=False)  # no default needed
    assert records(out)[0]["x"] == math.inf  # the CLI keeps what its JSON writer prints


def test_plain_values() -> None:
    assert plain(np.array([1.0, np.nan])) == [1.0, None]
    found = plain({"s": {1, 2}, "t": pd.Timestamp("2016-01-02 03:04")})
    assert found == {"s": [1, 2], "t": "2016-01-02T03:04:00"}
    assert plain(pd.NaT) is None and plain(pd.NA) is None and plain(np.bool_(True)) is True


def test_the_module_loads_without_pandas() -> None:
    """Commands import the converter at start-up; pandas and numpy load only when it runs."""
    code = "import sys, steppe.session.frames; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
