"""Property-based test of the OpenAPI document (schemathesis): no generated request gets a 500.

Requests are generated from ``/api/openapi.json`` (every endpoint, every parameter, valid and
invalid values) and sent in process; on the mirror store and on a store with only the KB.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.fuzz

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from fastapi.testclient import TestClient

#: Examples per endpoint: enough to reach every parameter's edge cases, bounded for CI.
EXAMPLES = 40


def no_server_error(app, case) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(app, raise_server_exceptions=False)
    response = client.request(
        case.method,
        case.formatted_path,
        params=case.query,
        headers={k: str(v) for k, v in (case.headers or {}).items()},
    )
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text[:300])


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory):
    from steppe.web.app import create_app

    return create_app(tmp_path_factory.mktemp("fuzz-empty") / "steppe.duckdb")


def _schema(app):
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def _operations(app):
    return [op.ok() for op in _schema(app).get_all_operations()]


def check(app, strategy) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def run(case) -> None:
        no_server_error(app, case)

    run()


def test_generated_requests_never_get_a_500(web_app, empty_app):
    """Every operation, on both stores, with hypothesis-generated inputs."""
    checked = 0
    for app in (empty_app, web_app):
        for operation in _operations(app):
            check(app, operation.as_strategy())
            checked += 1
    assert checked >= 2 * 25, f"only {checked} operations exercised"
