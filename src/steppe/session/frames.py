"""Typed DataFrames for the session API: real dates, declared dtypes, provenance in ``attrs``.

The analysis modules answer in rows (``list[dict]``) or frames whose dates are text at the
precision a source gives (``1994``, ``1997-06``). A notebook wants one shape: a DataFrame whose
dates are ``datetime64`` and whose text, flags and counts have pandas' own dtypes. A KB date
known only to a year or a month becomes the first day of its window, and a ``<column>_precision``
column beside it (``day``, ``month`` or ``year``) keeps what the source said, so that nothing is
invented and :func:`steppe.kb.asof.text_of` writes it back exactly.

:func:`records` is the way back, and the one rule by which every interface hands a frame out
as JSON-able rows: the CLI's JSON and CSV, the web API and pages, chart downloads. pandas and
numpy are imported where they are used, so that a command line that imports this module to
print rows it has no frame for does not load them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: The dtype of each kind of value a column can hold (lists and mappings stay ``object``).
TEXT, FLAG, COUNT, NUMBER, DAY = "string", "boolean", "Int64", "float64", "datetime64[ns]"


def _kind(values: Sequence[Any]) -> str:
    """The declared dtype for a column of Python values (None is missing in every kind)."""
    import pandas as pd

    present = [v for v in values if v is not None and not (isinstance(v, float) and v != v)]
    if not present:
        return "object"
    if all(isinstance(v, bool) for v in present):
        return FLAG
    if all(isinstance(v, str) for v in present):
        return TEXT
    if all(isinstance(v, (date, datetime, pd.Timestamp)) for v in present):
        return DAY
    if all(isinstance(v, int) for v in present):
        return COUNT
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return NUMBER
    return "object"


def _partial(values: Iterable[Any]) -> tuple[list[Any], list[str | None]]:
    """KB date text (``1994``, ``1997-06``, ``1994-01-19``) as (first day, precision) pairs."""
    import pandas as pd

    from steppe.kb.asof import parse_partial

    days: list[Any] = []
    precisions: list[str | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and value != value):
            days.append(pd.NaT)
            precisions.append(None)
            continue
        found = parse_partial(str(value))
        days.append(pd.Timestamp(found.earliest))
        precisions.append(found.precision)
    return days, precisions


def frame(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    partial: Sequence[str] = (),
    dates: Sequence[str] = (),
    dtypes: Mapping[str, str] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A typed frame from rows.

    ``columns`` completes the columns (an empty answer still has them); ``partial``
    names KB date columns (text at its precision) that become ``datetime64`` plus
    ``<name>_precision``; ``dates`` names ISO date columns; ``dtypes`` overrides the declared
    dtype of a column; ``attrs`` is the provenance stored in ``frame.attrs``.
    """
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        absent = rows.isna()
        data: dict[str, list[Any]] = {
            str(c): [None if gone else v for v, gone in zip(rows[c].astype(object), absent[c], strict=True)]
            for c in rows.columns
        }
        data.update({c: [None] * len(rows) for c in columns or () if c not in data})
    else:
        names: list[str] = []
        for row in rows:
            names += [k for k in row if k not in names]
        names += [c for c in columns or () if c not in names]  # an empty answer keeps its columns
        data = {c: [row.get(c) for row in rows] for c in names}
    out: dict[str, pd.Series] = {}
    n = len(next(iter(data.values()), []))
    for name, values in data.items():
        wanted = (dtypes or {}).get(name)
        if name in partial:
            days, precisions = _partial(values)
            out[name] = pd.Series(days, dtype=DAY)
            out[f"{name}_precision"] = pd.Series(precisions, dtype=TEXT)
            continue
        if name in dates:
            out[name] = pd.Series(
                pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601"), dtype=DAY
            )
            continue
        kind = wanted or _kind(values)
        if kind == DAY:
            out[name] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=DAY)
        elif kind == "object":
            out[name] = pd.Series(values, dtype=object)
        else:
            missing = float("nan") if kind == NUMBER else pd.NA
            out[name] = pd.Series([missing if v is None else v for v in values], dtype=kind)
    result = pd.DataFrame(out, index=pd.RangeIndex(n))
    result.attrs.update(dict(attrs or {}))
    return result


def typed(source: pd.DataFrame, *, attrs: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """An analysis frame with text columns as ``string`` and provenance in ``attrs``.

    Numbers keep their dtypes; object columns holding only text become ``string``, only flags
    ``boolean``, only dates ``datetime64``; lists stay ``object``.
    """
    import pandas as pd

    out = source.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype != object:
            continue
        values = [None if (not isinstance(v, (list, tuple, dict)) and pd.isna(v)) else v for v in column]
        kind = _kind(values)
        if kind == DAY:
            out[name] = pd.to_datetime(pd.Series(values, index=out.index, dtype=object))
        elif kind in (TEXT, FLAG):
            out[name] = pd.Series([pd.NA if v is None else v for v in values], index=out.index, dtype=kind)
    out.attrs.update(dict(source.attrs))
    out.attrs.update(dict(attrs or {}))
    return out


def unique(source: pd.DataFrame, column: str) -> list[str]:
    """The distinct non-missing values of ``column`` (sorted text), [] when there is no such column."""
    if column not in source.columns:
        return []
    return sorted({str(v) for v in source[column].dropna()})


def records(source: pd.DataFrame, *, strict: bool = False) -> list[dict[str, Any]]:
    """A frame back as rows (``list[dict]``, keys the column names as text): the inverse of
    :func:`frame`.

    - a KB date column with ``<name>_precision`` beside it becomes text at that precision
      (``1994``, ``1997-06``, ``1994-01-19``; a missing precision is a day), and the precision
      column goes;
    - another date column (``datetime64``) becomes ISO dates when every value in it is a whole
      day, ISO date-times otherwise (one shape per column);
    - missing values (NaN, NaT, NA) become None, numpy and pandas scalars Python scalars, arrays
      lists; lists, dicts and Python dates in a cell are kept (the CLI's JSON writes the dates).

    ``strict`` is for output that must be strict JSON (what ``json.dumps(allow_nan=False)`` takes
    with no ``default``: the web API, chart payloads): every value then also goes through
    :func:`plain`, so infinities become None, dates in cells ISO text and other objects text.
    """
    import numpy as np
    import pandas as pd

    from steppe.kb.asof import text_of

    names = [str(c) for c in source.columns]
    partial = {n.removesuffix("_precision") for n in names if n.endswith("_precision")} & set(names)
    dropped = {f"{p}_precision" for p in partial}
    out: dict[str, list[Any]] = {}
    for label, column in source.items():
        name = str(label)
        if name in dropped:
            continue
        if name in partial:
            values: list[Any] = [
                None if pd.isna(d) else text_of(pd.Timestamp(d).date(), "day" if pd.isna(p) else str(p))
                for d, p in zip(column, source[f"{name}_precision"], strict=True)
            ]
        elif pd.api.types.is_datetime64_any_dtype(column):
            days = column.dropna()
            whole = bool((days == days.dt.normalize()).all())
            values = [
                None if pd.isna(v) else (v.date().isoformat() if whole else v.isoformat()) for v in column
            ]
        else:
            values = [_python(v, np, pd) for v in column]
        out[name] = [_plain(v, np, pd) for v in values] if strict else values
    return [{k: column_values[i] for k, column_values in out.items()} for i in range(len(source))]


def _python(value: Any, np: Any, pd: Any) -> Any:
    """A frame cell as a plain Python value (lists, dicts and dates stay, missing is None)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, dict, date, datetime)):
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def plain(value: Any) -> Any:
    """One value as strict JSON: None for missing values, NaN and infinities; numpy scalars as
    Python scalars; arrays, tuples and sets as lists and mappings as dicts with text keys (their
    items made plain too); dates as ISO text; text, numbers and flags as they are; anything else
    as its text. For values outside a frame (the web API's dicts, a chart's trace values)."""
    import numpy as np
    import pandas as pd

    return _plain(value, np, pd)


def _plain(value: Any, np: Any, pd: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, np, pd) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, np, pd) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (date, datetime)):
        return None if pd.isna(value) else value.isoformat()
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)
