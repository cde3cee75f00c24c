"""Dates at the precision a source gives, and the as-of rule over them (Python reference).

A KB date is written as ``1994`` (year), ``1997-06`` (month) or ``1994-01-19`` (day). A partial
date names a *window* of days: ``1994`` is some day of 1994. A change dated by it (a start, an
end, a founding) has certainly not happened before the window, may have happened inside it, and
has certainly happened from the day after it; a day-precision change happens on its day.

The as-of rule (docs/kb.md) for a period ``[start, end)`` on day D:

- ``yes``: the start has certainly happened and the end has certainly not;
- ``no``: the start has certainly not happened, or the end certainly has;
- ``uncertain``: anything else (D falls in the start's or the end's window).

The rule is written once in SQL (``kb_point_state`` and ``kb_status`` in the store's migration
``061_kb_v2.sql``, SQL functions in its PostgreSQL twin) and every as-of answer steppe gives
comes from it: the stored queries of :mod:`steppe.store.kb`, and through them the KB commands,
delegation, the frameworks' KB facts, the COW reconciliation, regions and the gravity dummies.

:func:`status`, :func:`point_state` and :func:`active_on` here are **only the tested reference**
of that rule: no product code calls them; property tests (tests/integration/kb/test_asof_sql.py,
test_asof_memberships.py, and the PostgreSQL conformance suite) prove the SQL gives their answer
on every kind of date. The rest of the module (partial dates, their windows and text, whether
two periods overlap for the validator) is used by the loader and the validator.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "month", "year"]
Status = Literal["yes", "uncertain", "no"]

PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

#: Point states, as the SQL macro ``kb_point_state`` returns them.
BEFORE, INSIDE, AFTER = 0, 1, 2


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a day, a month or a year: the window [earliest, latest] of days it can mean."""

    earliest: date
    latest: date
    precision: Precision

    @property
    def text(self) -> str:
        """The date as written in the KB files: ``1994``, ``1997-06`` or ``1994-01-19``."""
        return text_of(self.earliest, self.precision)

    @property
    def sure(self) -> date:
        """The first day on which a change dated by this has certainly happened."""
        return self.earliest if self.precision == "day" else self.latest + timedelta(days=1)

    def __str__(self) -> str:
        return self.text


def text_of(earliest: date, precision: str) -> str:
    """A window's first day and precision written back as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if precision == "year":
        return f"{earliest.year:04d}"
    if precision == "month":
        return f"{earliest.year:04d}-{earliest.month:02d}"
    return earliest.isoformat()


def window(earliest: date, precision: str) -> PartialDate:
    """The partial date of ``precision`` whose window starts on ``earliest``."""
    if precision == "year":
        latest = date(earliest.year, 12, 31)
    elif precision == "month":
        latest = date(earliest.year, earliest.month, calendar.monthrange(earliest.year, earliest.month)[1])
    elif precision == "day":
        latest = earliest
    else:
        raise ValueError(f"unknown date precision '{precision}'")
    return PartialDate(earliest, latest, precision)  # type: ignore[arg-type]


def parse_partial(text: str) -> PartialDate:
    """``1994``, ``1997-06`` or ``1994-01-19`` as a :class:`PartialDate`; anything else raises ValueError."""
    match = _PARTIAL.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day is not None:
            return window(date(int(year), int(month), int(day)), "day")
        if month is not None:
            return window(date(int(year), int(month), 1), "month")
        return window(date(int(year), 1, 1), "year")
    except ValueError:
        raise ValueError(f"'{text}' is not a valid calendar date") from None


def as_partial(value: object) -> PartialDate | None:
    """Accept a partial date, an exact date (day precision) or its text; None (or NaN) stays None.

    Typed ``object`` because values come from frame cells as often as from typed code.
    """
    if value is None or isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return window(value, "day")
    if isinstance(value, float):  # a missing value from a pandas frame
        return None
    return parse_partial(str(value))


def point_state(point: PartialDate | None, on: date) -> int | None:
    """Whether a change dated ``point`` has happened on day ``on``: BEFORE, INSIDE its window, AFTER.

    Mirrors the SQL macro ``kb_point_state``; None for an unknown (missing) date.
    """
    if point is None:
        return None
    if on < point.earliest:
        return BEFORE
    if point.precision == "day" or on > point.latest:
        return AFTER
    return INSIDE


def status(start: object, end: object, on: date) -> Status:
    """The as-of rule for a period [start, end) on day ``on`` (mirrors the SQL macro ``kb_status``).

    A missing start means no lower bound (as a missing end means no upper bound): an
    organisation whose founding day is unknown counts as existing until it is dissolved.
    """
    started = point_state(as_partial(start), on)
    ended = point_state(as_partial(end), on)
    if started is None:
        started = AFTER
    if started == BEFORE or ended == AFTER:
        return "no"
    if started == AFTER and (ended is None or ended == BEFORE):
        return "yes"
    return "uncertain"


def active_on(start: object, end: object, on: date) -> bool:
    """Whether the period is certainly active on ``on`` (``status == 'yes'``)."""
    return status(start, end, on) == "yes"


def periods_overlap(
    a_start: PartialDate | None,
    a_end: PartialDate | None,
    b_start: PartialDate | None,
    b_end: PartialDate | None,
) -> bool:
    """Whether two periods [start, end) share a day on every reading of their partial dates.

    That is, the latest possible start of each comes before the earliest possible end of the
    other (a missing start or end is unbounded). For exact dates this is the usual overlap of
    half-open intervals; ``[1994, 1999)`` and ``[1999, ...)`` may merely touch and do not count.
    """
    latest_start = max(p.latest if p is not None else date.min for p in (a_start, b_start))
    earliest_end = min(p.earliest if p is not None else date.max for p in (a_end, b_end))
    return latest_start < earliest_end


def year_day(year: int, month_day: tuple[int, int]) -> date:
    """The reference day (month, day) of ``year``."""
    return date(year, *month_day)
