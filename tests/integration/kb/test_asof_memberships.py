"""The store's as-of answers on stored memberships agree with the Python reference (hypothesis).

Generated membership periods with starts and ends of day, month and year precision are stored
in ``kb_memberships``; :func:`steppe.store.kb.statuses` (what indicators, regions and the
gravity membership dummies read, through the SQL macro ``kb_status``) must give, for every
probe day, exactly the rows and statuses that :func:`steppe.kb.asof.status` gives.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steppe.kb.asof import PartialDate, status, window
from steppe.store import Store, open_store
from steppe.store import kb as store_kb

COUNTRIES = ("AAA", "BBB", "CCC", "DDD")


@st.composite
def partial_dates(draw, low: date = date(1990, 1, 1), high: date = date(2010, 12, 31)) -> PartialDate:
    day = draw(st.dates(min_value=low, max_value=high))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
    return window(first, precision)


@st.composite
def memberships(draw) -> list[dict]:
    rows = []
    for country in draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=6)):
        start = draw(partial_dates())
        end = draw(st.one_of(st.none(), partial_dates(low=start.earliest, high=date(2015, 12, 31))))
        role = draw(st.sampled_from(["member", "observer"]))
        rows.append({"country": country, "role": role, "start": start, "end": end})
    return rows


@st.composite
def probe_days(draw, rows: list[dict]) -> list[date]:
    """Days on and next to the windows' edges, plus some anywhere."""
    days = set(draw(st.lists(st.dates(date(1989, 1, 1), date(2016, 12, 31)), max_size=4)))
    for row in rows:
        for p in (row["start"], row["end"]):
            if p is not None:
                for base in (p.earliest, p.latest, p.sure):
                    days.add(base + timedelta(days=draw(st.integers(-1, 1))))
    return sorted(days)


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory: pytest.TempPathFactory):
    store = open_store(tmp_path_factory.mktemp("asof-members") / "m.duckdb")
    yield store
    store.close()


def _stored(rows: list[dict]) -> pd.DataFrame:
    def cols(p: PartialDate | None, name: str) -> dict:
        if p is None:
            return {f"{name}_date": None, f"{name}_latest": None, f"{name}_precision": None}
        return {f"{name}_date": p.earliest, f"{name}_latest": p.latest, f"{name}_precision": p.precision}

    frame = pd.DataFrame(
        [
            {
                "org": "org",
                "country": r["country"],
                "role": r["role"],
                **cols(r["start"], "start"),
                **cols(r["end"], "end"),
                "confidence": "high",
                "sources": ["test"],
                "note": None,
            }
            for r in rows
        ]
    )
    for column in ("start_date", "start_latest", "end_date", "end_latest"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_stored_statuses_match_the_python_reference(bare_store: Store, data: st.DataObject) -> None:
    rows = data.draw(memberships())
    days = data.draw(probe_days(rows))
    with bare_store.transaction():
        bare_store.execute("DELETE FROM kb_memberships")
        bare_store.insert_frame("kb_memberships", _stored(rows))
        got = store_kb.statuses(bare_store, days, orgs=["org"])
        bare_store.execute("DELETE FROM kb_memberships")
    answered: dict[tuple, list[str]] = {}
    for r in got.itertuples():
        day = r.day.date() if isinstance(r.day, pd.Timestamp) else r.day
        answered.setdefault((day, r.country, r.role), []).append(r.status)
    expected: dict[tuple, list[str]] = {}
    for day in days:
        for r in rows:
            found = status(r["start"], r["end"], day)
            if found != "no":
                expected.setdefault((day, r["country"], r["role"]), []).append(found)
    assert {k: sorted(v) for k, v in answered.items()} == {k: sorted(v) for k, v in expected.items()}
