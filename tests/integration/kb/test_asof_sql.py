"""The as-of rule is written once in SQL (macros kb_point_state, kb_status); the Python reference agrees.

Property tests over dates of every precision, boundary days included, and over the stored KB.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steppe.kb import queries
from steppe.kb.asof import PartialDate, parse_partial, point_state, status, window
from steppe.store import Store, open_store


@st.composite
def partial_dates(draw) -> PartialDate:
    day = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2040, 12, 31)))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
    return window(first, precision)


@st.composite
def cases(draw) -> tuple[PartialDate | None, PartialDate | None, date]:
    """A period and a probe day, the day often on or next to a window's edge."""
    start = draw(st.one_of(st.none(), partial_dates()))
    end = draw(st.one_of(st.none(), partial_dates()))
    edges = [p for p in (start, end) if p is not None]
    if edges and draw(st.booleans()):
        p = draw(st.sampled_from(edges))
        base = draw(st.sampled_from([p.earliest, p.latest, p.sure]))
        day = base + timedelta(days=draw(st.integers(-1, 1)))
    else:
        day = draw(st.dates(min_value=date(1955, 1, 1), max_value=date(2045, 12, 31)))
    return start, end, day


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory: pytest.TempPathFactory):
    store = open_store(tmp_path_factory.mktemp("asof") / "asof.duckdb")
    yield store
    store.close()


def _columns(p: PartialDate | None) -> tuple:
    return (None, None, None) if p is None else (p.earliest, p.latest, p.precision)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(cases(), min_size=1, max_size=60))
def test_sql_rule_matches_python_reference(bare_store: Store, batch) -> None:
    frame = pd.DataFrame(
        [(*_columns(s), *_columns(e), d) for s, e, d in batch],
        columns=["s0", "s1", "sp", "e0", "e1", "ep", "d"],
    )
    for column in ("s0", "s1", "e0", "e1", "d"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    with bare_store.frame_as_table("asof_cases", frame) as cases_table:
        got = bare_store.execute(
            "SELECT kb_status(s0, s1, sp, e0, e1, ep, d), kb_point_state(s0, s1, sp, d), "
            f"kb_point_state(e0, e1, ep, d) FROM {cases_table}"
        ).fetchall()
    for (start, end, day), (sql_status, sql_start, sql_end) in zip(batch, got, strict=True):
        assert sql_status == status(start, end, day), (start, end, day)
        assert sql_start == point_state(start, day)
        assert sql_end == point_state(end, day)


def test_stored_queries_follow_the_python_reference(
    kb_copy: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """members() on a KB with year and month dates agrees with the reference on every edge day."""
    with (kb_copy / "memberships.csv").open("a", encoding="utf-8") as fh:
        fh.write("sco,TUR,observer,1994,2001-06,low,wiki-sco,test: year start and month end\n")
        fh.write("sco,MNG,partner,1997-06,2003,low,wiki-sco,test: month start and year end\n")
    monkeypatch.setenv("STEPPE_KB", str(kb_copy))
    with open_store(isolated_env) as store:
        periods = [
            r for r in queries.timeline(org="sco", store=store) if r["role"] in ("observer", "partner")
        ]
        assert {("TUR", "1994", "2001-06"), ("MNG", "1997-06", "2003")} <= {
            (r["country"], r["start"], r["end"]) for r in periods
        }
        edges = {
            p.earliest + timedelta(days=k)
            for r in periods
            for text in (r["start"], r["end"])
            if text
            for p in [parse_partial(text)]
            for k in (-1, 0, 1, (p.latest - p.earliest).days, (p.latest - p.earliest).days + 1)
        }
        probes = sorted(edges | {date(y, m, 1) for y in range(1993, 2005) for m in (1, 7)})
        for day in probes:
            expected = {
                (r["country"], r["role"]): status(r["start"], r["end"], day) == "uncertain"
                for r in periods
                if status(r["start"], r["end"], day) != "no"
            }
            got = {
                (r["country"], r["role"]): r["uncertain"]
                for r in queries.members("sco", day, ["observer", "partner"], store=store)
            }
            assert got == expected, day
        assert queries.members("sco", date(1994, 7, 1), ["observer"], store=store) == [
            {
                "country": "TUR",
                "role": "observer",
                "start": "1994",
                "end": "2001-06",
                "uncertain": True,
                "sources": ["wiki-sco"],
            }
        ]
