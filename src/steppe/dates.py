"""Parsing user-supplied dates and year ranges into Python values.

Every parser takes ``param``, the name of the Python parameter the value came in (``as_of``,
``years``): an error names it, and the command line shows its own option in its place
(:attr:`steppe.errors.SteppeError.params`).
"""

from __future__ import annotations

import re
from datetime import date

from steppe.errors import UsageError

#: What the Python API accepts as a year span: ``(first, last)``, one year, or ``"A:B"`` text.
YearsLike = tuple[int, int] | int | str


def parse_date(value: str | date | None, param: str = "date") -> date | None:
    """An ISO date from a string or date; a malformed one raises a one-sentence UsageError."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise UsageError(f"Invalid {param} '{value}': use an ISO date such as 2018-01-01.", params=(param,))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"Invalid {param} '{value}': that day does not exist; use an ISO date such as 2018-01-01.",
            params=(param,),
        ) from None


def parse_years(value: str, param: str = "years") -> tuple[int, int]:
    """A year range 'A:B' (inclusive) or a single year 'A'."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?::\s*(\d{4})\s*)?", value or "")
    if not match:
        raise UsageError(
            f"Invalid {param} '{value}': use a year or a range such as 2000:2022.", params=(param,)
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise UsageError(f"Invalid {param} '{value}': the range ends before it starts.", params=(param,))
    return first, last


def year_span(value: YearsLike | None, param: str = "years") -> tuple[int, int] | None:
    """``(first, last)`` from the forms the Python API takes: a pair, one year, or ``"A:B"`` text.

    None stays None (every stored year). Anything else is one clear error naming ``param``.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return parse_years(value, param)
    if isinstance(value, bool):
        raise UsageError(f"Invalid {param} {value!r}: give a year or a (first, last) pair.", params=(param,))
    if isinstance(value, int):
        return _checked(value, value, value, param)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        first, last = value
        if all(isinstance(y, int) and not isinstance(y, bool) for y in (first, last)):
            return _checked(first, last, value, param)
    raise UsageError(
        f"Invalid {param} {value!r}: give a year such as 2005 or a (first, last) pair such as (2000, 2005).",
        params=(param,),
    )


def _checked(first: int, last: int, value: object, param: str) -> tuple[int, int]:
    if not (1000 <= first <= 9999 and 1000 <= last <= 9999):
        raise UsageError(f"Invalid {param} {value!r}: years have four digits.", params=(param,))
    if last < first:
        raise UsageError(f"Invalid {param} {value!r}: the range ends before it starts.", params=(param,))
    return int(first), int(last)


def parse_date_text(value: str, param: str = "date") -> str:
    """A date at the precision given (``2015``, ``2015-09`` or ``2015-09-22``), checked and returned
    as text; anything else raises a one-sentence UsageError."""
    from steppe.kb.asof import parse_partial

    try:
        return parse_partial(str(value)).text
    except ValueError:
        raise UsageError(
            f"Invalid {param} '{value}': use a year, a month or a day, such as 2015, 2015-09 or 2015-09-22.",
            params=(param,),
        ) from None
