"""The as-of rule: the start day counts, the end day does not."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from steppe.kb.records import active_on, periods_overlap

START = date(2001, 6, 15)
END = date(2012, 12, 19)

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31))


def test_boundaries() -> None:
    assert active_on(START, END, START)
    assert not active_on(START, END, START - timedelta(days=1))
    assert active_on(START, END, END - timedelta(days=1))
    assert not active_on(START, END, END)
    assert active_on(START, None, date(2999, 1, 1))


@given(days, st.one_of(st.none(), st.integers(1, 20000)), days, days)
def test_active_days_form_one_interval(start, length, d1, d2):
    """If a period is active on two days, it is active on every day between them."""
    end = None if length is None else start + timedelta(days=length)
    lo, hi = sorted((d1, d2))
    if active_on(start, end, lo) and active_on(start, end, hi):
        mid = lo + (hi - lo) / 2
        assert active_on(start, end, mid)


@given(days, st.integers(1, 20000), days)
def test_active_iff_inside_half_open_interval(start, length, day):
    end = start + timedelta(days=length)
    assert active_on(start, end, day) == (start <= day < end)


@given(days, st.integers(1, 5000), days, st.integers(1, 5000))
def test_overlap_means_a_shared_active_day(a, la, b, lb):
    a_end, b_end = a + timedelta(days=la), b + timedelta(days=lb)
    shared = max(a, b)
    expected = active_on(a, a_end, shared) and active_on(b, b_end, shared)
    assert periods_overlap(a, a_end, b, b_end) == expected
    assert periods_overlap(a, a_end, b, b_end) == periods_overlap(b, b_end, a, a_end)


@given(days, st.integers(0, 3000))
def test_ending_a_period_earlier_never_adds_active_days(start, length):
    end = start + timedelta(days=length + 1)
    shorter = end - timedelta(days=1)
    for probe in (start, shorter, end):
        if shorter > start and active_on(start, shorter, probe):
            assert active_on(start, end, probe)
