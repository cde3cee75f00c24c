"""Fixtures for connector tests: a local HTTP server, fast retries, a private cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.sources.server import LocalServer


@pytest.fixture(autouse=True)
def fast_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Retries without long waits, no politeness delay, a cache folder per test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("STEPPE_CACHE", str(cache))
    monkeypatch.setenv("STEPPE_HTTP_RETRIES", "3")
    monkeypatch.setenv("STEPPE_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("STEPPE_HTTP_INTERVAL", "0")
    return cache


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def store(isolated_env: Path):
    """An open, migrated store (no KB needed here)."""
    from steppe.store import open_store

    s = open_store(isolated_env)
    yield s
    s.close()
