"""The web app on both backends: `steppe serve --db postgresql://...` answers its pages and its
API as it does on DuckDB (issue 16: every command and the web app run on PostgreSQL)."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.conftest import assert_same, with_schema

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PAGES = ("/", "/institutions?as_of=2016-01-01", "/institutions/sco", "/trade", "/gravity", "/sources")
API = (
    "/api/kb/organisations",
    "/api/kb/overlap?as_of=2016-01-01",
    "/api/kb/organisations/sco",
    "/api/kb/timeline?org=sco",
    "/api/kb/network?as_of=2016-01-01",
    "/api/charts/institutions/overlap?as_of=2016-01-01",
    "/api/gravity/runs",
    "/api/gravity/counterfactuals",
)


def _client(db: str | Path) -> Iterator[TestClient]:
    from steppe.web.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STEPPE_STARTER", "0")
        app = create_app(db)
        with TestClient(app) as c:
            yield c


@pytest.fixture(scope="module")
def duckdb_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from _client(tmp_path_factory.mktemp("web-duckdb") / "steppe.duckdb")


@pytest.fixture(scope="module")
def pg_client(pg_admin: tuple[str, Any]) -> Iterator[TestClient]:
    url, con = pg_admin
    schema = f"steppe_web_{uuid.uuid4().hex[:12]}"
    con.execute(f"CREATE SCHEMA {schema}")
    try:
        yield from _client(with_schema(url, schema))
    finally:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.postgres
def test_web_app_answers_the_same_on_postgresql(duckdb_client: TestClient, pg_client: TestClient) -> None:
    for path in PAGES:
        got = pg_client.get(path)
        assert got.status_code == 200, (path, got.text[:300])
        assert "<h1" in got.text and "Traceback" not in got.text, path
    for path in API:
        got, want = pg_client.get(path), duckdb_client.get(path)
        assert got.status_code == want.status_code == 200, (path, got.text[:300])
        assert_same(got.json(), want.json())


@pytest.mark.postgres
def test_health_names_the_server_without_its_password(
    pg_client: TestClient, pg_admin: tuple[str, Any]
) -> None:
    from urllib.parse import urlsplit

    body = pg_client.get("/api/health").json()
    assert body["status"] == "ok" and body["store"].startswith("postgresql://")
    password = urlsplit(pg_admin[0]).password
    assert not password or password not in body["store"]


def test_health_names_the_duckdb_file(duckdb_client: TestClient) -> None:
    assert duckdb_client.get("/api/health").json()["store"].endswith("steppe.duckdb")
