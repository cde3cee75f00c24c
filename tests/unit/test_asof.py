"""The as-of rule on dates at day, month and year precision (Python reference, steppe.kb.asof)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steppe.kb.asof import (
    PartialDate,
    active_on,
    parse_partial,
    periods_overlap,
    status,
    text_of,
    window,
)

START = date(2001, 6, 15)
END = date(2012, 12, 19)

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31))


@st.composite
def partial_dates(draw, min_value=date(1950, 1, 1), max_value=date(2050, 12, 31)) -> PartialDate:
    day = draw(st.dates(min_value=min_value, max_value=max_value))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
    return window(first, precision)


def test_parse_the_three_precisions() -> None:
    year, month, day = parse_partial("1994"), parse_partial("1997-06"), parse_partial("1994-01-19")
    assert (year.earliest, year.latest, year.precision) == (date(1994, 1, 1), date(1994, 12, 31), "year")
    assert (month.earliest, month.latest, month.precision) == (date(1997, 6, 1), date(1997, 6, 30), "month")
    assert (day.earliest, day.latest, day.precision) == (date(1994, 1, 19), date(1994, 1, 19), "day")
    assert [p.text for p in (year, month, day)] == ["1994", "1997-06", "1994-01-19"]
    assert parse_partial("2024-02").latest == date(2024, 2, 29)  # leap year
    assert year.sure == date(1995, 1, 1) and month.sure == date(1997, 7, 1) and day.sure == day.earliest


@pytest.mark.parametrize("bad", ["1994-1", "94", "1994-13", "1994-02-30", "1994/01/19", "1994-01-19T00", ""])
def test_malformed_dates_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_partial(bad)


def test_day_precision_boundaries() -> None:
    assert active_on(START, END, START)
    assert not active_on(START, END, START - timedelta(days=1))
    assert active_on(START, END, END - timedelta(days=1))
    assert not active_on(START, END, END)
    assert active_on(START, None, date(2999, 1, 1))


def test_year_precision_start_is_certain_from_next_first_of_january() -> None:
    # Declared rule (docs/kb.md): a start written "1994" may fall on any day of 1994.
    assert status("1994", None, date(1993, 12, 31)) == "no"
    assert status("1994", None, date(1994, 1, 1)) == "uncertain"
    assert status("1994", None, date(1994, 7, 1)) == "uncertain"
    assert status("1994", None, date(1994, 12, 31)) == "uncertain"
    assert status("1994", None, date(1995, 1, 1)) == "yes"


def test_month_precision_start_and_end_boundaries() -> None:
    assert status("1997-06", None, date(1997, 5, 31)) == "no"
    assert status("1997-06", None, date(1997, 6, 1)) == "uncertain"
    assert status("1997-06", None, date(1997, 6, 30)) == "uncertain"
    assert status("1997-06", None, date(1997, 7, 1)) == "yes"
    # an end written "2005-02": certainly still active in January, unknown in February, ended in March
    assert status("1999-04-01", "2005-02", date(2005, 1, 31)) == "yes"
    assert status("1999-04-01", "2005-02", date(2005, 2, 1)) == "uncertain"
    assert status("1999-04-01", "2005-02", date(2005, 2, 28)) == "uncertain"
    assert status("1999-04-01", "2005-02", date(2005, 3, 1)) == "no"


def test_year_precision_end() -> None:
    assert status("1999", "2005", date(2004, 12, 31)) == "yes"
    assert status("1999", "2005", date(2005, 1, 1)) == "uncertain"
    assert status("1999", "2005", date(2006, 1, 1)) == "no"


def test_start_and_end_in_the_same_year() -> None:
    # start 1994, end June 1994: never certainly active, possibly active until June
    assert status("1994", "1994-06", date(1994, 3, 1)) == "uncertain"
    assert status("1994", "1994-06", date(1994, 7, 1)) == "no"


def test_missing_start_has_no_lower_bound() -> None:
    assert status(None, "2002-02-28", date(1900, 1, 1)) == "yes"
    assert status(None, "2002-02-28", date(2002, 2, 28)) == "no"


@given(partial_dates())
def test_text_round_trip(p: PartialDate) -> None:
    assert parse_partial(p.text) == p
    assert text_of(p.earliest, p.precision) == p.text
    assert p.earliest <= p.latest < p.sure or (p.precision == "day" and p.sure == p.earliest)


@given(partial_dates(), st.one_of(st.none(), st.integers(1, 20000)), days, days)
def test_certain_days_form_one_interval(start, length, d1, d2):
    """If a period is certainly active on two days, it is certainly active on every day between."""
    end = None if length is None else window(start.latest + timedelta(days=length), "day")
    lo, hi = sorted((d1, d2))
    if active_on(start, end, lo) and active_on(start, end, hi):
        mid = lo + (hi - lo) / 2
        assert active_on(start, end, mid)


@given(partial_dates(), st.one_of(st.none(), partial_dates()), days)
def test_partial_status_brackets_every_exact_reading(start, end, day):
    """'yes' only if active for every exact day the dates may mean; 'no' only if for none.

    (The converse does not hold on a window's last day: by the declared rule a year-precision
    start is uncertain through 31 December even though every reading is active that day.)
    """
    starts = {start.earliest, start.latest}
    ends = {None} if end is None else {end.earliest, end.latest}
    readings = [s <= day and (e is None or e > day) for s in starts for e in ends]
    got = status(start, end, day)
    if got == "yes":
        assert all(readings)
    if got == "no":
        assert not any(readings)
    if start.precision == "day" and (end is None or end.precision == "day"):
        assert got == ("yes" if readings[0] else "no")


@given(partial_dates(), days)
def test_more_precision_never_adds_uncertainty(p: PartialDate, day: date):
    """Narrowing a date to a day of its window turns 'uncertain' into yes/no, never the reverse."""
    exact = window(p.earliest, "day")
    if status(p, None, day) != "uncertain":
        assert status(exact, None, day) == status(p, None, day)


@given(days, st.integers(1, 5000), days, st.integers(1, 5000))
def test_overlap_means_a_shared_active_day(a, la, b, lb):
    a0, b0 = window(a, "day"), window(b, "day")
    a_end, b_end = window(a + timedelta(days=la), "day"), window(b + timedelta(days=lb), "day")
    shared = max(a, b)
    expected = active_on(a0, a_end, shared) and active_on(b0, b_end, shared)
    assert periods_overlap(a0, a_end, b0, b_end) == expected
    assert periods_overlap(a0, a_end, b0, b_end) == periods_overlap(b0, b_end, a0, a_end)


def test_partial_periods_overlap_only_when_certain() -> None:
    # [1994, 1999) and [1999, ...): the first may end on 31 Dec 1999, the second start on 1 Jan
    assert not periods_overlap(parse_partial("1994"), parse_partial("1999"), parse_partial("1999"), None)
    assert periods_overlap(parse_partial("1994"), parse_partial("2001"), parse_partial("1999"), None)
