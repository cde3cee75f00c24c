"""The conformance suite: the same store, KB, texts and indicator behaviours on every backend.

Each test runs once per backend (``backend``: ``duckdb``, and ``postgresql`` marked
``postgres``) and checks its results twice: against what the field expects (SCO has eight
members on 2018-01-01, ...) and against the same calls on a DuckDB store prepared the same way
(:func:`assert_same`: floats to a relative 1e-9, everything else exactly). On the DuckDB leg
(the default suite) the read-only fixtures use the store as its own reference, to keep that
run short; the store-level tests there still compare two independent DuckDB stores.

The PostgreSQL leg needs a server: STEPPE_TEST_PG_URL (``postgresql://user@127.0.0.1:PORT/db``;
``.ci/postgres start DIR`` starts a private one and prints it). Each store gets its own
schema in that database, dropped afterwards. Without the variable the leg skips, saying so;
under CI=true it fails instead, so a green CI run always includes PostgreSQL.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import pytest

from steppe.store import Store, open_store

PG_ENV = "STEPPE_TEST_PG_URL"
#: Read when the suite is collected: the autouse ``isolated_env`` fixture clears STEPPE_* later.
PG_URL = os.environ.get(PG_ENV, "").strip()
IN_CI = os.environ.get("CI", "").strip().lower() == "true"
BACKENDS = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _missing(reason: str) -> None:
    """Skip the PostgreSQL leg with ``reason``; under CI=true fail with it instead."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the PostgreSQL conformance leg must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[tuple[str, Any]]:
    """(URL, autocommit connection) of the test server; skips or fails when there is none."""
    url = PG_URL
    if not url:
        _missing(f"no PostgreSQL server for the conformance suite: set {PG_ENV} (see .ci/postgres)")
    try:
        import psycopg
    except ModuleNotFoundError:
        _missing("psycopg is not installed: pip install -e '.[postgres]'")
    try:
        con = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        _missing(f"cannot connect to {PG_ENV} ({str(exc).strip().splitlines()[-1]})")
    yield url, con
    con.close()


def with_schema(url: str, schema: str) -> str:
    """``url`` whose sessions work in ``schema`` (libpq's ``options=-csearch_path=...``)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


StoreFactory = Callable[..., Store]


def _factory(backend: str, request: pytest.FixtureRequest, tmp: Path) -> StoreFactory:
    """A function that opens a fresh, migrated store on ``backend`` (closed and dropped after)."""
    opened: list[tuple[Store, str | None]] = []
    admin = request.getfixturevalue("pg_admin") if backend == "postgresql" else None

    def make(*, migrate: bool = True) -> Store:
        if admin is None:
            store = open_store(tmp / f"store-{uuid.uuid4().hex[:8]}.duckdb", migrate=migrate)
            opened.append((store, None))
            return store
        url, con = admin
        schema = f"steppe_t_{uuid.uuid4().hex[:12]}"
        con.execute(f"CREATE SCHEMA {schema}")
        store = open_store(with_schema(url, schema), migrate=migrate)
        opened.append((store, schema))
        return store

    def cleanup() -> None:
        for store, schema in opened:
            store.close()
            if schema is not None and admin is not None:
                admin[1].execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    request.addfinalizer(cleanup)
    return make


@pytest.fixture
def new_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """Fresh stores on the backend under test."""
    return _factory(backend, request, tmp_path)


@pytest.fixture
def new_reference(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """Fresh DuckDB stores: the reference every backend's results must equal."""
    return _factory("duckdb", request, tmp_path / "reference")


def module_pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, Store]:
    """(store on ``request.param``'s backend, DuckDB reference) for a module-scoped fixture whose
    tests only read (on the DuckDB leg the store is its own reference)."""
    tmp = tmp_path_factory.mktemp("pair")
    store = _factory(str(request.param), request, tmp)()
    if request.param == "duckdb":  # DuckDB is the reference: its leg checks the expected answers
        return store, store
    reference = _factory("duckdb", request, tmp / "reference")()
    return store, reference


@pytest.fixture(scope="module", params=BACKENDS)
def kb_pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Store]:
    """(store on the backend under test, DuckDB reference), both with the bundled KB; read only."""
    from steppe.kb.sync import ensure_kb

    store, reference = module_pair(request, tmp_path_factory)
    with pytest.MonkeyPatch.context() as patch:  # set up before the autouse isolated_env: no starter data
        patch.setenv("STEPPE_STARTER", "0")
        ensure_kb(store)
        ensure_kb(reference)
    return store, reference


# -- comparison ------------------------------------------------------------------------------

REL = 1e-9


def _plain(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return {
            "columns": [str(c) for c in value.columns],
            "rows": [[_plain(v) for v in row] for row in value.itertuples(index=False, name=None)],
        }
    if isinstance(value, pd.Series):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def _same(a: Any, b: Any, where: str) -> None:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return
    if a is None or b is None:
        if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            return  # a missing number: NULL in one frame, NaN in the other
        assert a is None and b is None, f"{where}: {a!r} != {b!r}"
        return
    if isinstance(a, bool) or isinstance(b, bool):
        assert isinstance(a, bool | np.bool_) and isinstance(b, bool | np.bool_) and a == b, (
            f"{where}: {a!r} != {b!r}"
        )
        return
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, int) and isinstance(b, int):
            assert a == b, f"{where}: {a!r} != {b!r}"
        else:
            assert math.isclose(float(a), float(b), rel_tol=REL, abs_tol=0.0) or float(a) == float(b), (
                f"{where}: {a!r} != {b!r} (relative 1e-9)"
            )
        return
    if isinstance(a, datetime) and isinstance(b, datetime):
        assert (a.tzinfo is None) == (b.tzinfo is None), f"{where}: {a!r} vs {b!r} (time zone)"
        assert a == b, f"{where}: {a!r} != {b!r}"
        return
    if isinstance(a, date) and isinstance(b, date):
        assert a == b, f"{where}: {a!r} != {b!r}"
        return
    if isinstance(a, dict) and isinstance(b, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
        return
    if isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
        return
    assert type(a) is type(b) and a == b, f"{where}: {a!r} != {b!r}"


def assert_same(got: Any, want: Any) -> None:
    """``got`` equals ``want``: floats to a relative 1e-9, everything else exactly (frames too)."""
    _same(_plain(got), _plain(want), "result")


@pytest.fixture
def two_sessions(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Store, Store]]:
    """Two connections to one fresh store on the backend under test (as two servers have)."""
    schema = None
    if backend == "duckdb":
        target: str | Path = tmp_path / "shared.duckdb"
    else:
        url, admin = request.getfixturevalue("pg_admin")
        schema = f"steppe_t_{uuid.uuid4().hex[:12]}"
        admin.execute(f"CREATE SCHEMA {schema}")
        target = with_schema(url, schema)
    first = open_store(target)
    second = open_store(target)
    try:
        yield first, second
    finally:
        first.close()
        second.close()
        if schema is not None:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
