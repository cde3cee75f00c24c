"""GDELT DOC 2.0 tone timelines: a local server answering in the API's shape, and mirror files.

The answers are written here in the shape of the API's ``mode=timelinetone`` JSON
(``query_details`` with ``date_resolution``, one ``timeline`` series "Average Tone" of
``{"date": "YYYYMMDDTHHMMSSZ", "value": ...}`` points); the values are made up for the test.
"""

from __future__ import annotations

import json
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from steppe.errors import DataError, NotFoundError, SourceError, UsageError
from steppe.sources import fetch, gdelt
from steppe.store import data as store_data
from tests.integration.sources.server import LocalServer

#: (day, tone) points per query keyword; every query answers from this table.
POINTS = {
    "China": [("20230101", -1.25), ("20230102", 0.5), ("20240101", 2.0)],
    '"Belt and Road"': [("20230101", 1.5), ("20240315", 3.25)],
}


def timeline(points: list[tuple[str, float]], resolution: str = "day", title: str = "q") -> dict:
    return {
        "query_details": {"title": title, "date_resolution": resolution},
        "timeline": [
            {"series": "Average Tone", "data": [{"date": f"{d}T000000Z", "value": v} for d, v in points]}
        ],
    }


def _api(server: LocalServer, seen: list[dict[str, list[str]]], body: bytes | None = None) -> None:
    """Answer /api/v2/doc/doc like the DOC API: JSON for a query, or ``body`` as given."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        query = parse_qs(urlsplit(request.path).query)
        seen.append(query)
        if body is not None:
            payload, kind = body, "text/html"
        else:
            keywords = query["query"][0].split(" sourcecountry:")[0]
            payload = json.dumps(timeline(POINTS.get(keywords, []), title=query["query"][0])).encode()
            kind = "application/json"
        request.send_response(200)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    server.handlers[gdelt.API_PATH] = handler


def test_network_fetch_sends_the_documented_query_and_stores_tidy_rows(store, server: LocalServer) -> None:
    seen: list[dict[str, list[str]]] = []
    _api(server, seen)
    result = fetch(
        "gdelt",
        store=store,
        base_url=server.url,
        actors="CHN,bri",
        countries="KZ,UZ",
        years="2023:2023",
    )
    assert result.loaded and result.rows == 6  # 2023 points only: 2 (China) + 1 (BRI), per country
    assert len(seen) == 4
    first = seen[0]
    assert first["query"] == ["China sourcecountry:KZ"]
    assert first["mode"] == ["timelinetone"] and first["format"] == ["json"]
    assert first["STARTDATETIME"] == ["20230101000000"] and first["ENDDATETIME"] == ["20231231235959"]
    assert seen[3]["query"] == ['"Belt and Road" sourcecountry:UZ']
    rows = store_data.news_tone(store)
    chn = rows[(rows.actor == "CHN") & (rows.source_country == "KZ")]
    assert chn.period_start.tolist() == [datetime(2023, 1, 1), datetime(2023, 1, 2)]
    assert chn.tone.tolist() == [-1.25, 0.5]
    assert set(rows.resolution) == {"day"}
    info = store_data.dataset_info(store, result.dataset_id)
    assert info["source"] == "gdelt" and info["params"]["mode"] == "network"
    assert info["params"]["window"] == {"STARTDATETIME": "20230101000000", "ENDDATETIME": "20231231235959"}
    assert "sourcecountry%3AUZ" in info["location"]  # the URLs asked, one per query
    # the same answer again adds nothing, and comes from the cache
    again = fetch(
        "gdelt",
        store=store,
        base_url=server.url,
        actors="CHN,bri",
        countries="KZ,UZ",
        years="2023:2023",
    )
    assert not again.loaded and again.dataset_id == result.dataset_id
    assert len(seen) == 4


def test_free_keywords_and_an_empty_answer(store, server: LocalServer) -> None:
    seen: list[dict[str, list[str]]] = []
    _api(server, seen)
    result = fetch("gdelt", store=store, base_url=server.url, keywords='"Silk Road Economic Belt"')
    assert result.rows == 0  # nothing matched: GDELT answers without points
    info = store_data.dataset_info(store, result.dataset_id)
    assert info["params"]["empty_queries"] == ['"Silk Road Economic Belt"']
    assert "STARTDATETIME" not in seen[0]


def test_an_error_page_instead_of_json_is_one_sentence_and_stores_nothing(store, server: LocalServer) -> None:
    _api(server, [], body=b"The specified phrase is too short.\n<br>")
    with pytest.raises(SourceError, match=r"answered 'The specified phrase is too short\.") as err:
        fetch("gdelt", store=store, base_url=server.url, actors="CHN")
    assert "check the keywords" in str(err.value)
    assert store.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0


def test_server_errors_are_retried_then_reported(store, server: LocalServer) -> None:
    server.storm = 503
    with pytest.raises(SourceError, match="failed 3 times in a row"):
        fetch("gdelt", store=store, base_url=server.url, actors="RUS")
    assert store.execute("SELECT count(*) FROM news_tone").fetchone()[0] == 0


def _mirror(root: Path, files: dict[str, object]) -> Path:
    folder = root / gdelt.MIRROR_FOLDER
    folder.mkdir(parents=True)
    for name, body in files.items():
        (folder / f"{name}.json").write_text(body if isinstance(body, str) else json.dumps(body), "utf-8")
    return root


def test_mirror_files_are_the_saved_answers(store, tmp_path: Path) -> None:
    mirror = _mirror(
        tmp_path / "mirror",
        {"bri": timeline(POINTS['"Belt and Road"']), "CHN_KZ": timeline(POINTS["China"], resolution="hour")},
    )
    result = fetch("gdelt", store=store, mirror=mirror, actors="bri")
    assert result.rows == 2 and result.location.endswith("gdelt/timelinetone/bri.json")
    assert store_data.dataset_info(store, result.dataset_id)["params"]["mode"] == "mirror"
    rows = store_data.news_tone(store, actors="bri")
    assert rows.tone.tolist() == [1.5, 3.25] and rows.source_country.isna().all()
    kz = fetch("gdelt", store=store, mirror=mirror, actors="CHN", countries="KZ", years="2024")
    assert kz.rows == 1
    row = store_data.news_tone(store, dataset=kz.dataset_id).iloc[0]
    assert (row.query, row.source_country, row.resolution, row.tone) == (
        "China sourcecountry:KZ",
        "KZ",
        "hour",
        2.0,
    )
    with pytest.raises(NotFoundError, match=r"has no file gdelt/timelinetone/RUS\.json"):
        fetch("gdelt", store=store, mirror=mirror, actors="RUS")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"timeline": [', r"CHN\.json line 1 is not valid JSON"),
        ({"timeline": [{"series": "Volume Intensity", "data": []}]}, "has no tone series"),
        (timeline([("2023010", 1.0)]), r"timeline point 0 field 'date': '2023010T000000Z'"),
        (timeline([("20230101", "high")]), r"timeline point 0 field 'value': 'high' is not a number"),
        (timeline([("20231345", 1.0)]), "is not a real date"),
    ],
)
def test_broken_mirror_files_name_the_file_and_field(
    store, tmp_path: Path, body: object, message: str
) -> None:
    mirror = _mirror(tmp_path / "m", {"CHN": body})
    with pytest.raises(DataError, match=message):
        fetch("gdelt", store=store, mirror=mirror, actors="CHN")
    assert store.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"actors": "XYZ"}, "no query is declared for actor 'XYZ'"),
        ({"actors": "CHN", "keywords": "China"}, "not both"),
        ({"keywords": "EU"}, "too short"),
        ({"actors": "CHN", "countries": "United States"}, "not a GDELT source country"),
        ({"dataset": "artlist"}, "Unknown gdelt dataset"),
        ({"years": "2024:2020"}, "ends before it starts"),
    ],
)
def test_bad_options_are_usage_errors(store, tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        fetch("gdelt", store=store, mirror=tmp_path, **options)
