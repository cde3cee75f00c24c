"""Parsing user-supplied dates and year ranges into Python values."""

from __future__ import annotations

import re
from datetime import date

from steppe.errors import UsageError


def parse_date(value: str | date | None, what: str = "date") -> date | None:
    """An ISO date from a string or date; a malformed one raises a one-sentence UsageError."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise UsageError(f"Invalid {what} '{value}': use an ISO date such as 2018-01-01.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"Invalid {what} '{value}': that day does not exist; use an ISO date such as 2018-01-01."
        ) from None


def parse_years(value: str, what: str = "--years") -> tuple[int, int]:
    """A year range 'A:B' (inclusive) or a single year 'A'."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?::\s*(\d{4})\s*)?", value or "")
    if not match:
        raise UsageError(f"Invalid {what} '{value}': use a year or a range such as 2000:2022.")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise UsageError(f"Invalid {what} '{value}': the range ends before it starts.")
    return first, last


def parse_date_text(value: str, what: str = "date") -> str:
    """A date at the precision given (``2015``, ``2015-09`` or ``2015-09-22``), checked and returned
    as text; anything else raises a one-sentence UsageError."""
    from steppe.kb.asof import parse_partial

    try:
        return parse_partial(str(value)).text
    except ValueError:
        raise UsageError(
            f"Invalid {what} '{value}': use a year, a month or a day, such as 2015, 2015-09 or 2015-09-22."
        ) from None
