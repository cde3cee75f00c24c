"""HTTP limits: redirects only to the source's own http(s) hosts; a bad download is never cached.

Against the local test server on 127.0.0.1 (never the internet).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from steppe.errors import DataError, SourceError
from steppe.sources import fetch
from tests.integration.sources import formats
from tests.integration.sources.server import LocalServer, Route


def _redirect(location: str):
    def answer(handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def _nothing_stored(store) -> None:
    assert store.execute("SELECT count(*) FROM datasets").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("location", "pattern"),
    [
        ("file:///etc/passwd", r"redirected to 'file:///etc/passwd', which is not an http\(s\) URL"),
        ("ftp://127.0.0.1/x.csv", r"which is not an http\(s\) URL"),
        (
            "http://localhost:9/gdp.csv",
            r"redirected to another host \(localhost\); steppe follows redirects only",
        ),
    ],
)
def test_bulk_download_redirects_stay_on_the_source(
    store, server: LocalServer, location: str, pattern: str, fast_http: Path
) -> None:
    server.handlers["/files/wb_gdp_datahub/data/gdp.csv"] = _redirect(location)
    with pytest.raises(SourceError, match=pattern) as err:
        fetch("wdi", store=store, base_url=f"{server.url}/files", dataset="gdp")
    assert "\n" not in str(err.value)
    assert len(server.requests) == 1  # refused at once, not retried
    _nothing_stored(store)
    assert not list(fast_http.rglob("gdp.csv*"))


def test_a_redirect_loop_is_one_sentence(store, server: LocalServer) -> None:
    server.handlers["/loop"] = _redirect("/loop")
    with pytest.raises(SourceError, match=r"redirected more than 5 times \(a redirect loop\?\)"):
        fetch("wdi", store=store, base_url=f"{server.url}/loop", dataset="gdp")


def test_a_redirect_within_the_source_is_followed(store, server: LocalServer, shared_data: Path) -> None:
    server.folders["/real"] = shared_data
    server.handlers["/moved/"] = lambda h: _redirect(h.path.replace("/moved/", "/real/", 1))(h)
    result = fetch("wdi", store=store, base_url=f"{server.url}/moved", dataset="gdp")
    assert result.loaded and result.rows == 11193


def test_api_redirect_to_file_scheme(store, server: LocalServer) -> None:
    server.handlers["/public/v1/preview/C/A/HS"] = _redirect("file:///etc/passwd")
    with pytest.raises(SourceError, match=r"not an http\(s\) URL"):
        fetch("comtrade", store=store, base_url=server.url, years="2019", countries="KAZ", flows="X")


def test_an_html_page_is_never_cached_as_data(
    store, server: LocalServer, shared_data: Path, fast_http: Path
) -> None:
    """A 200 answer with an HTML body (a portal, an error page) in place of datapackage.json."""
    server.folders["/files"] = shared_data
    page = b"<!DOCTYPE html><html><body>Please log in</body></html>"
    server.routes["/files/wb_gdp_datahub/datapackage.json"] = Route(page, "text/html")
    with pytest.raises(
        DataError, match=r"answered an HTML page .* instead of datapackage\.json; nothing was cached"
    ):
        fetch("wdi", store=store, base_url=f"{server.url}/files", dataset="gdp")
    assert not list(fast_http.rglob("datapackage.json*"))
    del server.routes["/files/wb_gdp_datahub/datapackage.json"]
    result = fetch("wdi", store=store, base_url=f"{server.url}/files", dataset="gdp")
    assert result.dataset_id == "wdi:gdp:2026-02-24"  # the real package, fetched again


def test_a_refused_download_leaves_the_cache(
    store, server: LocalServer, tmp_path: Path, fast_http: Path
) -> None:
    """A file that downloads fine but fails validation is removed from the cache too."""
    folder = tmp_path / "srv" / "wb_gdp_datahub" / "data"
    folder.mkdir(parents=True)
    (folder / "gdp.csv").write_text("Country Name,Country Code,Year,Value\nKazakhstan,KAZ,2010,-5\n", "utf-8")
    server.folders["/files"] = tmp_path / "srv"
    with pytest.raises(DataError, match=r"\(rule coverage\) and 1 more problem\(s\) \(1 sign\)"):
        fetch("wdi", store=store, base_url=f"{server.url}/files", dataset="gdp")
    assert not list(fast_http.rglob("gdp.csv"))


def test_cached_files_expire_by_age(
    store, server: LocalServer, tmp_path: Path, fast_http: Path, monkeypatch
) -> None:
    formats.hmr_csv(tmp_path / "files")
    server.folders["/files"] = tmp_path / "files"
    fetch("gravity", store=store, base_url=f"{server.url}/files")
    fetch("gravity", store=store, base_url=f"{server.url}/files")
    assert len(server.requests) == 1  # fresh: reused
    [cached] = list(fast_http.rglob("gravity_zeros.csv"))
    old = time.time() - 40 * 86400
    os.utime(cached, (old, old))
    fetch("gravity", store=store, base_url=f"{server.url}/files")
    assert len(server.requests) == 2  # older than 30 days: downloaded again
    monkeypatch.setenv("STEPPE_CACHE_MAX_AGE_DAYS", "0")
    fetch("gravity", store=store, base_url=f"{server.url}/files")
    assert len(server.requests) == 3
