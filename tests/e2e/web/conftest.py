"""A store filled from the shared mirrors (once per session), the app over it, and a live server."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, SHARED_SEEDS, require_shared

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: What the report tests load: the KB plus every mirror dataset the pages show.
MIRROR_FETCHES = [
    ("imf_dots", {}),
    ("gravity", {}),
    ("comtrade", {}),
    ("aiddata", {}),
    ("wdi", {}),
    ("wdi", {"dataset": "gdp"}),
    ("yotov2016", {"dataset": "1_TradeWithoutBorder.dta"}),
]


#: Two seed texts (read in place) for the texts pages, and one shipped gravity specification.
SEED_TEXTS = ("000_05cae511a4d77df8.txt", "004_cb46a96fa8e4ee38.txt")
GRAVITY_SPEC = "hmr-2006-sco-ppml"
#: A shipped spec with a counterfactual (the Guide's border removal, 69 countries), stored through
#: the session API as 'steppe gravity counterfactual' does.
COUNTERFACTUAL_SPEC = "yotov-2016-ch2-trade-without-borders"


def fill_store(db: Path, mirror: Path, seeds: Path | None = None) -> Path:
    """The KB, every mirror dataset the pages show, a stored gravity run, a stored counterfactual
    and two coded seed texts."""
    from steppe.gravity.run import record, run_spec
    from steppe.gravity.spec import load_spec
    from steppe.kb.sync import kb_store
    from steppe.sources import fetch
    from steppe.store import open_store
    from steppe.texts.corpus import add_documents
    from steppe.texts.query import compare

    store = kb_store(open_store(db))
    try:
        for source, options in MIRROR_FETCHES:
            fetch(source, store=store, mirror=mirror, **options)
        record(run_spec(load_spec(GRAVITY_SPEC), store=store), store=store)
        if seeds is not None and seeds.is_dir():
            added = add_documents([seeds / name for name in SEED_TEXTS], store=store)
            compare(added[0]["id"], added[1]["id"], store=store)  # auto-codes both (codebook priorities)
    finally:
        store.close()
    import steppe

    with steppe.connect(db=db) as session:
        session.gravity.counterfactual(COUNTERFACTUAL_SPEC)
    if seeds is not None and seeds.is_dir():
        # an analyst accepts the confident suggestions: codings in their name (coder "reviewer")
        with steppe.connect(db=db) as session:
            found = session.texts.suggestions()
            session.texts.decide(
                [int(i) for i in found.loc[found["confidence"] >= 0.6, "suggestion_id"]],
                "accepted",
                "reviewer",
            )
    return db


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the KB and the mirror data, filled through the connectors once per session
    (../shared read in place: skips without it, fails under CI=true)."""
    require_shared(SHARED_DATA)
    return fill_store(tmp_path_factory.mktemp("web-store") / "steppe.duckdb", SHARED_DATA, SHARED_SEEDS)


@pytest.fixture(scope="session")
def web_app(web_db: Path):
    from steppe.web.app import create_app

    return create_app(web_db)


@pytest.fixture(scope="session")
def api(web_app) -> Iterator[TestClient]:
    with TestClient(web_app) as client:
        yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_app) -> Iterator[str]:
    """The app served by uvicorn on loopback in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
