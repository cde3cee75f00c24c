"""steppe.connect(): one session, typed frames with provenance, errors that name parameters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import steppe
from steppe.errors import SteppeError, UsageError
from steppe.store.data import DatasetRecord, load_dataset

C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
#: Twenty partners outside the region, so that each member's flows cover its world trade.
OTHERS = ("AFG", "ARM", "AZE", "BLR", "CHN", "DEU", "FRA", "GBR", "GEO", "IND", "IRN", "ITA", "JPN",
          "KOR", "MNG", "PAK", "RUS", "TUR", "UKR", "USA")  # fmt: skip


def load_total_trade(store) -> str:
    """A handmade total-trade matrix of exporters' reports, 2000-2005: each C5 state exports
    10 + (year - 2000) to each neighbour and 4 to each of twenty outside partners, which export 1
    to it."""
    rows = []
    for year in range(2000, 2006):
        for e in C5:
            for i in C5:
                if e != i:
                    rows.append((year, e, i, "exporter", 10.0 + year - 2000))
            for other in OTHERS:
                rows.append((year, e, other, "exporter", 4.0))
                rows.append((year, other, e, "exporter", 1.0))
    frame = pd.DataFrame(
        [
            {"year": y, "exporter": e, "importer": i, "reporter": r, "product": "TOTAL",
             "classification": "TOTAL", "value_usd": v, "quantity": None, "valuation": "fob"}
            for y, e, i, r, v in rows
        ]
    )  # fmt: skip
    record = DatasetRecord("handmade", "total", "1", "sha256:01", "tests/integration/session")
    return load_dataset(store, record, {"trade_flows": frame}).dataset_id


@pytest.fixture
def session(tmp_path: Path):
    s = steppe.connect(db=tmp_path / "session.duckdb")
    yield s
    s.close()


def test_members_is_a_typed_frame_of_the_eight_sco_members(session) -> None:
    members = session.kb.members("sco", as_of="2018-01-01")
    assert isinstance(members, pd.DataFrame)
    assert len(members) == 8
    assert set(members["country"]) == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "UZB", "IND", "PAK"}
    assert pd.api.types.is_datetime64_any_dtype(members["start"])
    assert pd.api.types.is_datetime64_any_dtype(members["end"])
    assert str(members["country"].dtype) == "string"
    assert str(members["uncertain"].dtype) == "boolean"
    # India and Pakistan joined on 2017-06-09 (Astana summit), at day precision
    india = members.set_index("country").loc["IND"]
    assert india["start"] == pd.Timestamp("2017-06-09") and india["start_precision"] == "day"
    assert members.attrs["kb_fingerprint"] == session.kb_fingerprint
    assert members.attrs["parameters"]["as_of"] == "2018-01-01"


def test_regional_indicators_over_a_year_tuple_carry_their_provenance(session) -> None:
    dataset_id = load_total_trade(session.store)
    regional = session.indicators.regional("c5", years=(2000, 2005))  # the acceptance call, as written
    assert list(regional["year"]) == list(range(2000, 2006))
    # 2000: intra-C5 flows 20 x 10 = 200, counted as exports and as imports (400), of the members'
    # trade: exports 200 + 5 x 20 x 4 = 600, imports 200 + 5 x 20 x 1 = 300
    by_year = regional.set_index("year")
    assert by_year.loc[2000, "intra_share"] == pytest.approx(400 / 900)
    assert by_year.loc[2005, "intra_share"] == pytest.approx(600 / 1100)
    assert regional.attrs["dataset_ids"] == [dataset_id]
    assert regional.attrs["view"] == "reported"
    assert regional.attrs["kb_fingerprint"] == session.kb_fingerprint
    # one year, and the "A:B" text a user may type, are the same question
    assert session.indicators.regional("c5", years=2003, dataset=dataset_id)["year"].tolist() == [2003]
    same = session.indicators.regional("c5", years="2000:2005", dataset=dataset_id)
    pd.testing.assert_frame_equal(same, regional)


@pytest.mark.parametrize("bad", ["2018-13-01", "01/01/2018", "2018-02-30"])
def test_a_bad_date_names_the_parameter_not_a_flag(session, bad: str) -> None:
    with pytest.raises(SteppeError, match="as_of") as caught:
        session.kb.members("sco", as_of=bad)
    assert "--" not in str(caught.value)
    assert caught.value.params == ("as_of",)


@pytest.mark.parametrize("years", [(2005, 2000), (2000,), "2000-2005", 20.5, (2000, "2005")])
def test_malformed_years_name_the_parameter(session, years) -> None:
    with pytest.raises(UsageError, match="years") as caught:
        session.indicators.regional("c5", years=years)
    assert "--" not in str(caught.value)


def test_a_session_uses_its_own_kb_folder(tmp_path: Path, kb_copy: Path) -> None:
    path = kb_copy / "gaps.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *lines[1:2]]) + "\n", encoding="utf-8")
    with steppe.connect(db=tmp_path / "own.duckdb", kb=kb_copy) as s:
        assert len(s.kb.gaps()) == 1
        assert s.settings.kb_dir == kb_copy
        # a query through the store keeps the session's KB, not the bundled one
        assert len(s.kb.members("sco", as_of="2018-01-01")) == 8
        assert len(s.kb.gaps()) == 1


def test_kb_frames_have_real_dates_and_write_back_at_their_precision(session) -> None:
    from steppe.kb.asof import text_of

    timeline = session.kb.timeline(org="carec")
    assert pd.api.types.is_datetime64_any_dtype(timeline["start"])
    assert set(timeline["start_precision"].dropna()) <= {"day", "month", "year"}
    from steppe.kb import queries

    rows = queries.timeline(org="carec", store=session.store)
    back = [text_of(d.date(), p) for d, p in zip(timeline["start"], timeline["start_precision"], strict=True)]
    assert back == [r["start"] for r in rows]
    events = session.kb.events(start="2018-01-01", end="2018-12-31")
    assert pd.api.types.is_datetime64_any_dtype(events["start"])
    assert (events["start"] >= pd.Timestamp("2018-01-01")).all()
    overlap = session.kb.overlap(as_of="2018-01-01").to_frame()
    assert {"KAZ", "UZB"} <= set(overlap["country"])
    assert overlap.attrs["kb_fingerprint"] == session.kb_fingerprint


def test_event_range_errors_name_start_and_end(session) -> None:
    with pytest.raises(UsageError, match="end 2010-01-01 is before start 2020-01-01") as caught:
        session.kb.events(start="2020-01-01", end="2010-01-01")
    assert set(caught.value.params) == {"start", "end"}


def test_fetch_from_the_session_mirror_and_list_with_provenance(tmp_path: Path, shared_data: Path) -> None:
    with steppe.connect(db=tmp_path / "fetch.duckdb", mirror=shared_data) as s:
        assert not s.is_open  # nothing opened before the load
        result = s.fetch("aiddata")
        assert result.dataset_id == "aiddata:country_year:3.0" and result.loaded
        datasets = s.data.datasets()
        row = datasets.set_index("dataset_id").loc["aiddata:country_year:3.0"]
        assert pd.api.types.is_datetime64_any_dtype(datasets["retrieved_at"])
        assert str(row["location"]).endswith("cow_gcdf.csv")
        assert not s.fetch("aiddata").loaded  # the same file again adds nothing
        with pytest.raises(UsageError, match="years") as caught:
            s.fetch("wdi", years=(2010, 2000))
        assert caught.value.params == ("years",)


def test_the_module_level_indicator_takes_the_same_years(session) -> None:
    load_total_trade(session.store)
    session.ensure_kb()
    text = steppe.indicator("regional", "c5", "2000:2005", dataset="handmade:total:1", store=session.store)
    pair = steppe.indicator("regional", "c5", (2000, 2005), dataset="handmade:total:1", store=session.store)
    assert list(text["year"]) == list(pair["year"]) == list(range(2000, 2006))
    with pytest.raises(UsageError, match="Invalid years '2000-2005'"):
        steppe.indicator("regional", "c5", "2000-2005", store=session.store)
