"""GDELT DOC 2.0 API tone timelines into ``news_tone``: live news tone toward an actor.

Dataset ``timelinetone`` (the only one): for each query, the API's ``mode=timelinetone``
answer, the average tone of the online news articles GDELT monitors that match the query,
per time step (``query_details.date_resolution``: 15 minutes, an hour or a day, by span).
GDELT's tone is a text-level valence of whole articles, not a coded stance toward the actor:
the same kind of measure as the Belt and Road media study that Gusseinov and Sultonazarov (CABAR) cites
(García-Herrero & Schindowski 2023, Bruegel Working Paper 04/2023, built on GDELT).

Queries: one per actor and source country. ``actors`` are KB codes whose keyword query is
declared in :data:`ACTOR_QUERIES` (default: all five); ``keywords`` is a free GDELT query
instead (stored with ``actor`` NULL). ``countries`` are GDELT ``sourcecountry`` values passed
through as given (the gdeltdoc client documents FIPS two-letter codes, e.g. ``KZ``; they are
not ISO3 codes and steppe has no sourced table to translate them); none = all sources.
``years`` 'A:B' asks for 1 January A to 31 December B (STARTDATETIME / ENDDATETIME); without
it GDELT answers for its default recent window.

Network: ``https://api.gdeltproject.org/api/v2/doc/doc`` through :mod:`steppe.sources.http`
(cached one day, retried, throttled); ``base_url`` replaces the host (tests use a local
server). The gdeltdoc package is not used: it calls a fixed URL with bare ``requests``, so
it could not be pointed at a mirror server or share the cache and retries.

Mirror: the API's JSON answers saved as files, ``gdelt/timelinetone/<name>.json`` where
``<name>`` is the actor code (``CHN``), or the actor and the country (``CHN_KZ``),
or for ``keywords`` the keywords as a slug (``belt-and-road``); for example
``curl 'https://api.gdeltproject.org/api/v2/doc/doc?query=...&mode=timelinetone&format=json'``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from steppe.errors import DataError, SourceError, UsageError
from steppe.sources.connector import FetchContext, Payload, frame_hash
from steppe.sources.validation import SourceSchema

SOURCE = "gdelt"
DATASETS = ("timelinetone",)
API_URL = "https://api.gdeltproject.org"
API_PATH = "/api/v2/doc/doc"
MIRROR_FOLDER = "gdelt/timelinetone"

#: The GDELT keyword query for each target actor (exact phrases in double quotes).
ACTOR_QUERIES: dict[str, str] = {
    "CHN": "China",
    "bri": '"Belt and Road"',
    "RUS": "Russia",
    "USA": '"United States"',
    "eu": '"European Union"',
}
COLUMNS = ["period_start", "resolution", "actor", "query", "source_country", "tone"]
HOSTS = ("api.gdeltproject.org",)
#: Validation (docs/validation.md): a query that matched nothing is an answer worth recording.
SCHEMA = SourceSchema(source=SOURCE, empty_answer_ok=True)
_DATE = re.compile(r"(\d{8})T?(\d{6})Z?")


def read(
    ctx: FetchContext,
    *,
    dataset: str = "timelinetone",
    actors: str | None = None,
    keywords: str | None = None,
    countries: str | None = None,
    years: str | None = None,
) -> Payload:
    """Tone timelines for ``actors`` (comma-separated KB codes) or free ``keywords``."""
    if dataset not in DATASETS:
        raise UsageError(f"Unknown gdelt dataset '{dataset}'; use one of: {', '.join(DATASETS)}.")
    if actors and keywords:
        raise UsageError("gdelt: give actors or keywords, not both.", params=("actors", "keywords"))
    requests = _requests(actors, keywords, countries)
    window = _window(years)
    frames, sources, empty = [], [], []
    for actor, query, country, name in requests:
        full = f"{query} sourcecountry:{country}" if country else query
        if ctx.offline:
            path = ctx.obtain(f"{MIRROR_FOLDER}/{name}.json")
            where = str(path)
            body = _json_file(path)
        else:
            where, body = _call(ctx, full, window)
        frame, resolution = parse_timeline(body, where)
        if frame.empty:
            empty.append(full)
        frame["resolution"] = resolution
        frame["actor"] = actor
        frame["query"] = full
        frame["source_country"] = country
        frames.append(frame)
        sources.append(where)
    out = pd.concat(frames, ignore_index=True)[COLUMNS] if frames else pd.DataFrame(columns=COLUMNS)
    if years:
        from steppe.dates import parse_years

        first, last = parse_years(years)
        out = out[out["period_start"].dt.year.between(first, last)].reset_index(drop=True)
    return Payload(
        dataset="timelinetone",
        content_hash=frame_hash(out),
        frames={"news_tone": out},
        location="; ".join(sources),
        params={
            "queries": [r[1] if not r[2] else f"{r[1]} sourcecountry:{r[2]}" for r in requests],
            "window": window,
            "empty_queries": empty,
            "measure": "GDELT average tone of matching articles (DOC 2.0 API, mode=timelinetone)",
        },
    )


Request = tuple[str | None, str, str | None, str]


def _requests(actors: str | None, keywords: str | None, countries: str | None) -> list[Request]:
    """(actor, keyword query, source country, mirror name) for every query to send."""
    places: list[str | None] = [c.strip() for c in countries.split(",") if c.strip()] if countries else [None]
    for place in places:
        if place is not None and not re.fullmatch(r"[A-Za-z]{2,40}", place):
            raise UsageError(
                f"gdelt: '{place}' is not a GDELT source country; give GDELT's own code, such as the "
                "FIPS code KZ for Kazakhstan (letters only, comma-separated)."
            )
    if keywords is not None:
        query = keywords.strip()
        if len(re.sub(r"[^\w]", "", query)) < 3:
            raise UsageError(
                "gdelt: keywords is too short; give a word or a phrase such as '\"Belt and Road\"'.",
                params=("keywords",),
            )
        slug = re.sub(r"[^a-z0-9]+", "-", query.casefold()).strip("-")
        return [(None, query, p, slug if p is None else f"{slug}_{p}") for p in places]
    codes = [a.strip() for a in actors.split(",") if a.strip()] if actors else list(ACTOR_QUERIES)
    by_key = {k.casefold(): k for k in ACTOR_QUERIES}
    out: list[Request] = []
    for code in codes:
        key = by_key.get(code.casefold())
        if key is None:
            raise UsageError(
                f"gdelt: no query is declared for actor '{code}'; use one of {', '.join(ACTOR_QUERIES)} "
                "or give keywords.",
                params=("keywords",),
            )
        out += [(key, ACTOR_QUERIES[key], p, key if p is None else f"{key}_{p}") for p in places]
    return out


def _window(years: str | None) -> dict[str, str]:
    if not years:
        return {}
    from steppe.dates import parse_years

    first, last = parse_years(years)
    return {"STARTDATETIME": f"{first}0101000000", "ENDDATETIME": f"{last}1231235959"}


def _call(ctx: FetchContext, query: str, window: dict[str, str]) -> tuple[str, Any]:
    from steppe.sources import http

    url = (ctx.base_url or API_URL).rstrip("/") + API_PATH
    params = {"query": query, "mode": "timelinetone", "format": "json", **window}
    response = http.get(ctx, url, params=params)
    text = response.text.strip()
    try:
        return response.url, json.loads(text) if text else {}
    except json.JSONDecodeError:
        first = text.splitlines()[0][:200] if text else "an empty answer"
        raise SourceError(
            f"{SOURCE}: the API answered '{first}' for the query {query!r}; check the keywords."
        ) from None


def _json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8") or "{}")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{SOURCE}: {path} is not UTF-8 text (byte {exc.start}); save the API's answer again."
        ) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{SOURCE}: {path} line {exc.lineno} is not valid JSON ({exc.msg}); save the API's answer again."
        ) from None


def parse_timeline(body: Any, where: str) -> tuple[pd.DataFrame, str | None]:
    """The (period_start, tone) rows of a timelinetone answer, and its date resolution.

    The answer is ``{"query_details": {"title", "date_resolution"}, "timeline": [{"series":
    "Average Tone", "data": [{"date": "20240101T000000Z", "value": -1.23}, ...]}]}``; an answer
    without a timeline (nothing matched) gives no rows.
    """
    if not isinstance(body, dict):
        raise DataError(f"{SOURCE}: {where} is not a JSON object; is this a timelinetone answer?")
    details = body.get("query_details") or {}
    resolution = details.get("date_resolution") if isinstance(details, dict) else None
    timeline = body.get("timeline") or []
    if not isinstance(timeline, list):
        raise DataError(f"{SOURCE}: {where} field 'timeline' is not a list; is this a timelinetone answer?")
    series = [s for s in timeline if isinstance(s, dict) and "tone" in str(s.get("series", "")).casefold()]
    if timeline and not series:
        names = ", ".join(repr(s.get("series")) for s in timeline if isinstance(s, dict))
        raise DataError(
            f"{SOURCE}: {where} has no tone series (found {names or 'none'}); was mode=timelinetone asked?"
        )
    rows = []
    for s in series:
        data = s.get("data")
        if not isinstance(data, list):
            raise DataError(f"{SOURCE}: {where} series {s.get('series')!r} field 'data' is not a list.")
        for i, point in enumerate(data):
            if not isinstance(point, dict):
                raise DataError(f"{SOURCE}: {where} timeline point {i} is not an object.")
            raw_date, value = point.get("date"), point.get("value")
            match = _DATE.fullmatch(str(raw_date or "").strip())
            if not match:
                raise DataError(
                    f"{SOURCE}: {where} timeline point {i} field 'date': {raw_date!r} is not a GDELT "
                    "date (YYYYMMDDTHHMMSSZ)."
                )
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise DataError(
                    f"{SOURCE}: {where} timeline point {i} field 'value': {value!r} is not a number."
                )
            try:
                at = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
            except ValueError:
                raise DataError(
                    f"{SOURCE}: {where} timeline point {i} field 'date': {raw_date!r} is not a real date."
                ) from None
            rows.append((at, float(value)))
    frame = pd.DataFrame(rows, columns=["period_start", "tone"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame, resolution
