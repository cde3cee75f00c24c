"""The web app on a store with only the bundled KB: every page and chart answers (never a 500),
empty sections name the ``steppe fetch`` that fills them, bad input is one sentence, nothing can
be written without accounts, and nothing is loaded from another host."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

WEB = Path(__file__).resolve().parents[3] / "src" / "steppe" / "web"
PAGES = (
    "/",
    "/institutions",
    "/institutions?as_of=2001-06-15",
    "/institutions/sco",
    "/trade",
    "/trade?indicator=members&region=c5_afg&peers=&view=reported&years=2005:2010",
    "/dependence",
    "/dependence?country=kgz",
    "/index",
    "/gravity",
    "/texts",
    "/frameworks",
    "/frameworks/li",
    "/sources",
    "/api/docs",
)
CHARTS = (
    "/api/charts/institutions/overlap?as_of=2016-01-01",
    "/api/charts/institutions/network?as_of=2016-01-01",
    "/api/charts/institutions/timeline",
    "/api/charts/institutions/events",
    "/api/charts/organisation/EEU",
    "/api/charts/trade",
    "/api/charts/trade?indicator=partners&region=asean",
    "/api/charts/dependence/powers?country=KAZ",
    "/api/charts/dependence/finance",
    "/api/charts/dependence/remittances",
    "/api/charts/dependence/balance",
    "/api/charts/index/scores",
    "/api/charts/index/latest",
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    """A store with the KB only (no starter snapshot)."""
    from steppe.web.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STEPPE_STARTER", "0")
        app = create_app(tmp_path_factory.mktemp("kb-only") / "steppe.duckdb")
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def starter_client(tmp_path_factory: pytest.TempPathFactory):
    """A new store as a user's first run makes it: the KB and the bundled starter snapshot."""
    from steppe.web.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("STEPPE_STARTER", raising=False)
        app = create_app(tmp_path_factory.mktemp("starter") / "steppe.duckdb")
    with TestClient(app) as c:
        yield c


def test_starter_snapshot_is_labelled_on_every_page(starter_client):
    for path in ("/", "/trade", "/dependence", "/index", "/sources"):
        html = starter_client.get(path).text
        assert "starter snapshot" in html and "steppe fetch imf_dots" in html, path
    body = starter_client.get("/api/charts/dependence/powers?country=KAZ").json()
    assert body["chart"] is not None
    assert all("starter snapshot" in s["label"] for s in body["sources"]), body["sources"]
    assert "starter snapshot" in starter_client.get("/").text.split("Latest events")[0]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_on_a_kb_only_store(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>" in r.text


def test_data_pages_name_the_fetch_that_fills_them(client):
    assert "steppe fetch imf_dots" in client.get("/trade").text
    assert "steppe fetch imf_dots" in client.get("/").text
    assert "steppe gravity estimate" in client.get("/gravity").text
    missing = "No general-equilibrium counterfactual is stored: run <code>steppe gravity counterfactual NAME"
    assert missing in client.get("/gravity").text
    assert client.get("/api/gravity/counterfactuals").json() == {"rows": []}
    r = client.get("/api/charts/gravity/yotov-2016-ch2-trade-without-borders/counterfactual")
    assert r.status_code == 404
    assert "run 'steppe gravity counterfactual yotov-2016-ch2-trade-without-borders'" in r.json()["detail"]
    assert "steppe texts add" in client.get("/texts").text
    assert "No dataset is stored yet" in client.get("/sources").text


@pytest.mark.parametrize("path", CHARTS)
def test_chart_endpoints_say_what_to_fetch_or_draw(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert set(body) >= {"id", "chart", "empty", "sources"}
    if body["chart"] is None:
        assert "steppe fetch" in body["empty"] or "score" in body["empty"], body["empty"]
    else:
        payload = body["chart"]
        assert set(payload) >= {"spec", "csv", "json", "title"}
        assert payload["csv"].count("\n") >= 2  # a header and at least one row
        assert body["sources"], "a chart with data links its sources"


def test_kb_charts_draw_from_the_bundled_kb(client):
    body = client.get("/api/charts/institutions/overlap?as_of=2016-01-01").json()
    assert body["chart"]["kind"] == "membership_matrix"
    assert "2016-01-01" in body["chart"]["title"]
    assert all(s["href"].startswith("/sources#kb-") for s in body["sources"])
    cells = client.get("/api/kb/overlap?as_of=2016-01-01").json()["cells"]
    assert {"org": "sco", "country": "KAZ", "role": "founding_member"} in cells


def test_the_as_of_day_changes_the_overlap(client):
    early = client.get("/api/kb/overlap?as_of=1993-01-01").json()
    late = client.get("/api/kb/overlap?as_of=2020-01-01").json()
    assert "sco" not in early["organisations"] and "sco" in late["organisations"]


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/charts/trade?region=atlantis", 404, "Unknown region 'atlantis'"),
        ("/api/charts/trade?years=2020:2005", 422, "ends before it starts"),
        ("/api/charts/trade?years=abc", 422, "years"),
        ("/api/kb/overlap?as_of=2016-13-01", 422, "as_of"),
        ("/api/kb/overlap?as_of=0001-01-01", 422, "outside 1900-2100"),
        ("/api/kb/organisations/atlantis-pact", 404, "atlantis-pact"),
        ("/api/charts/dependence/powers?country=FRA", 404, "Unknown state 'FRA'"),
        ("/api/index?weights=nothing:1", 404, "Unknown dimension 'nothing'"),
        ("/api/texts/documents/nope", 404, "Unknown document 'nope'"),
        ("/api/frameworks/astrology", 404, "Unknown framework"),
        ("/api/nowhere", 404, "Not Found"),
    ],
)
def test_bad_input_is_one_sentence(client, path, status, words):
    r = client.get(path)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


def test_bad_page_input_is_an_error_page_not_a_trace(client):
    r = client.get("/institutions/atlantis-pact")
    assert r.status_code == 404
    assert "atlantis-pact" in r.text and "Traceback" not in r.text
    assert client.get("/no/such/page").status_code == 404
    r = client.get("/institutions?as_of=yesterday")
    assert r.status_code == 422 and "as_of" in r.text


def test_the_api_is_read_only_and_documented(client):
    doc = client.get("/api/openapi.json").json()
    writes = [op for ops in doc["paths"].values() for m, op in ops.items() if m != "get"]
    # the only writes are team mode's, refused without accounts (tests/e2e/web/test_team_authorisation.py)
    assert writes and all(op.get("tags") == ["team"] for op in writes)
    assert all(p.startswith("/api/") for p in doc["paths"])
    assert "/api/charts/trade" in doc["paths"] and "/api/kb/overlap" in doc["paths"]
    health = client.get("/api/health").json()
    assert health["read_only"] is True and health["user"] == {"name": "anonymous", "role": "reader"}
    assert client.post("/api/kb/overlap").status_code == 405


def test_write_dependency_refuses_without_accounts_and_checks_roles():
    from fastapi import Depends, FastAPI

    from steppe.web.auth import User, require_role

    app = FastAPI()

    @app.post("/write")
    def write(user: User = Depends(require_role("editor"))) -> dict[str, str]:
        return {"by": user.name}

    app.state.accounts = None
    with TestClient(app) as c:
        r = c.post("/write")
        assert r.status_code == 403 and "read-only" in r.json()["detail"]

    class Fixed:
        def __init__(self, user: User | None) -> None:
            self.user = user

        def user_for(self, request):
            return self.user

    for user, status in [
        (None, 403),
        (User("ann", "coder", authenticated=True), 403),
        (User("bo", "editor", authenticated=True), 200),
        (User("cy", "admin", authenticated=True), 200),
    ]:
        app.state.accounts = Fixed(user)
        with TestClient(app) as c:
            assert c.post("/write").status_code == status, user


def test_pages_load_nothing_from_other_hosts(client):
    html = client.get("/institutions").text
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [r for r in refs if r.endswith((".js", ".css", ".ico"))]
    assert len(assets) >= 5
    for ref in refs:
        assert not re.match(r"^(https?:)?//", ref), ref
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200 and len(r.content) > 100, asset
    assert "immutable" in client.get(next(a for a in assets if "plotly-" in a)).headers["cache-control"]


def test_page_state_is_in_the_url(client):
    html = client.get("/trade?indicator=hhi&region=asean&view=mirror&years=2010:2015").text
    assert '<option value="hhi" selected>' in html
    assert '<option value="asean" selected>' in html
    assert '<option value="mirror" selected>' in html
    assert 'value="2010:2015"' in html
    assert 'value="2001-06-15"' in client.get("/institutions?as_of=2001-06-15").text


def test_data_is_cached_until_the_store_changes(tmp_path):
    from steppe.web.data import WebData

    data = WebData(tmp_path / "steppe.duckdb")
    data.prepare()
    first = data.organisations()
    misses = data.misses
    assert data.organisations() is first and data.misses == misses
    (tmp_path / "steppe.duckdb").touch()  # a fetch beside the server changes the file
    data.organisations()
    assert data.misses == misses + 1


def test_the_web_package_reads_data_only_through_the_session_api():
    """Only web/data.py touches data, and nothing in the web package imports steppe.store."""
    for path in WEB.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith("steppe.store"), f"{path.name} imports {name}"
                if path.name != "data.py":
                    assert not name.startswith(("steppe.session", "steppe.kb", "steppe.sources")), (
                        f"{path.name} imports {name}: data access belongs in web/data.py"
                    )
