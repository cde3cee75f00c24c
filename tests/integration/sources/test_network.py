"""Every connector in network mode against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from steppe.errors import DataError, SourceError
from steppe.sources import fetch, http
from steppe.sources.connector import FetchContext
from steppe.store import data as store_data
from tests.integration.sources import formats
from tests.integration.sources.server import LocalServer, Route

SDMX_TYPE = "application/vnd.sdmx.genericdata+xml; version=2.1"


def _empty(store) -> None:
    for table in (
        "datasets",
        "trade_flows",
        "country_indicators",
        "gravity_covariates",
        "development_finance",
    ):
        assert store.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0, table


def test_gravity_hmr_over_http_equals_mirror(store, server: LocalServer, tmp_path: Path, monkeypatch) -> None:
    files = tmp_path / "files"
    formats.hmr_csv(files)
    server.folders["/files"] = files
    monkeypatch.setenv("STEPPE_MIRROR", str(tmp_path / "empty"))  # a named server wins over it
    result = fetch("gravity", store=store, base_url=f"{server.url}/files")
    # each row: a flow and the pair's covariates; and one GDP row per country (KAZ, KGZ, TJK, UZB)
    assert result.loaded and result.rows == 2 * len(formats.HMR_ROWS) + 4
    assert store_data.dataset_info(store, result.dataset_id)["params"]["mode"] == "network"
    again = fetch("gravity", store=store, base_url=f"{server.url}/files")
    assert not again.loaded and again.dataset_id == result.dataset_id
    assert len(server.requests) == 1  # the downloaded file is reused from the cache
    mirror = fetch("gravity", store=store, mirror=files)
    assert mirror.dataset_id == result.dataset_id and not mirror.loaded  # same bytes, same dataset


def test_wdi_gdp_file_and_its_package_over_http(store, server: LocalServer, shared_data: Path) -> None:
    server.folders["/files"] = shared_data
    result = fetch("wdi", store=store, base_url=f"{server.url}/files", dataset="gdp")
    assert result.dataset_id == "wdi:gdp:2026-02-24"
    assert result.location.endswith(
        "/files/wb_gdp_datahub/data/gdp.csv; " + f"{server.url}/files/wb_gdp_datahub/datapackage.json"
    )


def test_cepii_gravity_zip(store, server: LocalServer, tmp_path: Path) -> None:
    formats.cepii_zip(tmp_path / "srv")
    server.folders["/cepii"] = tmp_path / "srv"
    result = fetch("gravity", store=store, base_url=f"{server.url}/cepii", dataset="cepii")
    assert result.dataset_id == "gravity:cepii:V202211"
    cov = store_data.gravity_covariates(store, dataset=result.dataset_id)
    assert len(cov) == 4  # the SUN row (country_exists_o = 0) is left out
    row = cov[(cov.year == 2019) & (cov.iso_o == "KAZ") & (cov.iso_d == "UZB")].iloc[0]
    assert (row.dist, row.contig, row.comlang_off, row.colony, row.rta) == (1010.5, 1, 0, 0, 1)
    assert cov.comcur.isna().all()  # not in this file
    assert len(store_data.gravity_covariates(store, year=2020, dataset="gravity:cepii")) == 1


def test_baci_download_resumes_after_a_dropped_connection(store, server: LocalServer, tmp_path: Path) -> None:
    archive = formats.baci_zip(tmp_path / "srv")
    server.folders["/cepii"] = tmp_path / "srv"
    server.drop_once_after = archive.stat().st_size // 2
    seen: list[tuple[str, int, int | None]] = []
    result = fetch(
        "baci",
        store=store,
        base_url=f"{server.url}/cepii",
        version="V202501",
        progress=lambda what, done, total: seen.append((what, done, total)),
    )
    size = archive.stat().st_size
    assert ("BACI_HS92_V202501.zip", size, size) in seen  # download progress in bytes
    assert seen[-1] == ("import BACI_HS92_V202501.zip", 2, 2)  # then yearly files imported
    assert result.dataset_id == "baci:HS92:V202501" and result.rows == 5
    assert server.ranges == [f"bytes={archive.stat().st_size // 2}-"]
    flows = store_data.trade_flows(store, product="270900", years=2021)
    assert flows.value_usd.tolist() == [1_234_500.0] and flows.quantity.tolist() == [2000.0]
    hs92 = store_data.trade_flows(store, product=None, classification="HS92")
    assert len(hs92) == 5 and hs92["product"].str.len().eq(6).all()


def test_download_checks_the_sha256(server: LocalServer, tmp_path: Path) -> None:
    (tmp_path / "srv").mkdir()
    (tmp_path / "srv" / "f.csv").write_text("a,b\n1,2\n")
    server.folders["/x"] = tmp_path / "srv"
    with pytest.raises(DataError, match=r"f\.csv has sha256 .* expected 00+"):
        http.download(f"{server.url}/x/f.csv", tmp_path / "out" / "f.csv", source="t", sha256="0" * 64)
    assert not (tmp_path / "out" / "f.csv").exists()
    right = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    path = http.download(f"{server.url}/x/f.csv", tmp_path / "out" / "f.csv", source="t", sha256=right)
    assert path.read_text() == "a,b\n1,2\n"


def test_aiddata_project_table(store, server: LocalServer, tmp_path: Path) -> None:
    formats.gcdf_zip(tmp_path / "srv")
    server.folders["/aiddata"] = tmp_path / "srv"
    result = fetch("aiddata", store=store, base_url=f"{server.url}/aiddata")
    assert result.dataset_id == "aiddata:projects:3.0"
    rows = store_data.development_finance(store)
    # Only "Recommended For Aggregates" rows with a country recipient: 1001 and 1002.
    assert rows.project_id.tolist() == ["1001", "1002"]
    first = rows.iloc[0]
    assert (first.recipient, first.year, first.flow_class, first.sector, first.status) == (
        "KAZ",
        2013,
        "oof",
        "ENERGY",
        "Completion",
    )
    assert (first.amount_usd, first.amount_usd_constant) == (1_000_000.0, 1_200_000.0)
    assert store_data.dataset_info(store, result.dataset_id)["params"]["dropped_recipients"] == [
        "Africa, regional"
    ]


def _wdi_routes(server: LocalServer, shared: Path) -> None:
    source, answer = formats.wdi_api_pages(shared, "BX.TRF.PWKR.CD.DT", ["KGZ", "TJK", "UZB", "ECS"])
    server.routes["/v2/en/sources/2"] = Route(source, "application/json")

    def series(handler) -> None:
        handler._send(200, answer, "application/json")

    server.handlers["/v2/en/sources/2/series/"] = series


def test_wdi_through_wbgapi_and_its_cache(store, server: LocalServer, shared_data: Path) -> None:
    _wdi_routes(server, shared_data)
    opts = {"indicators": "BX.TRF.PWKR.CD.DT", "countries": "KGZ,TJK,UZB"}
    result = fetch("wdi", store=store, base_url=f"{server.url}/v2", **opts)
    assert result.edition == "2025-07-01" and result.dataset_id == "wdi:wdi:2025-07-01"
    tjk = store_data.country_indicators(store, "BX.TRF.PWKR.CD.DT", countries="TJK", years=2024)
    assert tjk.value.iloc[0] == pytest.approx(6.80e9, rel=1e-3)
    assert tjk.unit.iloc[0] == "current US$"
    assert "ECS" not in set(store.query("SELECT iso3 FROM country_indicators")["iso3"])
    assert any("/series/BX.TRF.PWKR.CD.DT/country/KGZ;TJK;UZB/time/all" in r for r in server.requests)
    count = len(server.requests)
    again = fetch("wdi", store=store, base_url=f"{server.url}/v2", **opts)
    assert not again.loaded
    assert len(server.requests) == count  # answered from the HTTP cache


def _comtrade_handler(shared: Path):
    """Answers like the Comtrade API: the rows of the asked reporters and flows, from the real file."""
    names = {"398": "Kazakhstan", "417": "Kyrgyzstan"}

    def answer(handler) -> None:
        query = parse_qs(urlsplit(handler.path).query)
        reporters = [names[c] for c in query["reporterCode"][0].split(",")]
        flows = query["flowCode"][0].split(",")
        body = formats.comtrade_answer(shared, int(query["period"][0]), reporters if "X" in flows else [])
        handler._send(200, body, "application/json")

    return answer


def test_comtrade_preview_and_keyed_endpoints(
    store, server: LocalServer, shared_data: Path, monkeypatch
) -> None:
    server.handlers["/public/v1/preview/C/A/HS"] = _comtrade_handler(shared_data)
    server.handlers["/data/v1/get/C/A/HS"] = _comtrade_handler(shared_data)
    result = fetch("comtrade", store=store, base_url=server.url, years="2019", countries="KAZ,KGZ")
    flows = store_data.trade_flows(store, exporters="KAZ", years=2019)
    assert flows[flows.importer == "CHN"].value_usd.iloc[0] == pytest.approx(8.00e9, rel=1e-3)
    assert len(store_data.trade_flows(store, exporters="KGZ", years=2019)) > 50
    # keyless: one reporter and flow per call (the preview caps answers at 500 rows)
    assert len(server.requests) == 4 and all("subscription-key" not in r for r in server.requests)
    assert "reporterCode=398&" in server.requests[0] and "maxRecords=500" in server.requests[0]
    monkeypatch.setenv("STEPPE_COMTRADE_KEY", "test-key")
    keyed = fetch("comtrade", store=store, base_url=server.url, years="2019", countries="KAZ,KGZ")
    assert len(server.requests) == 5 and server.requests[-1].startswith("/data/v1/get/C/A/HS?")
    assert (
        "reporterCode=398%2C417" in server.requests[-1] and "subscription-key=test-key" in server.requests[-1]
    )
    assert keyed.dataset_id == result.dataset_id and not keyed.loaded  # same rows


def test_comtrade_full_page_is_refused(store, server: LocalServer) -> None:
    row = {
        "refYear": 2019,
        "reporterDesc": "Kazakhstan",
        "partnerDesc": "China",
        "flowCode": "X",
        "cmdCode": "TOTAL",
        "classificationCode": "H5",
        "primaryValue": 1.0,
    }
    body = json.dumps({"count": 500, "data": [row] * 500, "error": ""}).encode()
    server.routes["/public/v1/preview/C/A/HS"] = Route(body, "application/json")
    with pytest.raises(SourceError, match=r"returned the maximum of 500 rows, so the answer is cut short"):
        fetch("comtrade", store=store, base_url=server.url, years="2019", countries="KAZ", flows="X")
    _empty(store)


def test_imf_dots_over_sdmx(store, server: LocalServer, shared_data: Path) -> None:
    body = formats.sdmx_dots(shared_data)

    def answer(handler) -> None:
        handler._send(200, body, SDMX_TYPE)

    server.handlers["/data/"] = answer
    result = fetch("imf_dots", store=store, base_url=server.url, countries="KAZ", years="2015:2020")
    assert result.loaded
    assert "/data/IMTS/KAZ.XG_FOB_USD+MG_CIF_USD..A" in server.requests[0]
    flows = store_data.trade_flows(store, years=2019, exporters="KAZ", importers="CHN", reporter="exporter")
    assert flows.value_usd.iloc[0] == pytest.approx(7_823.41e6, rel=1e-6)
    imports = store_data.trade_flows(store, years=2019, exporters="CHN", importers="KAZ", reporter="importer")
    assert imports.valuation.iloc[0] == "cif"


def test_sdmx_error_message_is_one_clear_error(store, server: LocalServer) -> None:
    def refuse(handler) -> None:
        handler._send(404, formats.SDMX_ERROR.encode(), "application/xml")

    server.handlers["/data/"] = refuse
    with pytest.raises(SourceError) as err:
        fetch("imf_dots", store=store, base_url=server.url, countries="TKM", years="2019")
    text = str(err.value)
    assert "imf_dots" in text and "/data/IMTS/TKM" in text and "No Results Found" in text and "100" in text
    _empty(store)


@pytest.mark.parametrize("status", [429, 500])
def test_http_storms_give_up_with_one_error(store, server: LocalServer, status: int) -> None:
    server.storm = status
    with pytest.raises(SourceError) as err:
        fetch("comtrade", store=store, base_url=server.url, years="2019", countries="KAZ")
    text = str(err.value)
    assert f"HTTP {status}" in text and "/public/v1/preview/C/A/HS" in text and "3 times" in text
    assert len(server.requests) == 3  # STEPPE_HTTP_RETRIES
    _empty(store)


def test_retry_after_is_honoured_then_the_fetch_succeeds(store, server: LocalServer, tmp_path: Path) -> None:
    formats.gcdf_country_year_csv(tmp_path / "files")
    server.folders["/files"] = tmp_path / "files"
    server.fail_first = [(429, {"Retry-After": "1"}), (503, {})]
    start = time.monotonic()
    result = fetch("aiddata", store=store, base_url=f"{server.url}/files", dataset="country_year")
    assert result.loaded and result.rows == 3 * len(formats.GCDF_CY_ROWS)  # oof, oda and vof per row
    assert time.monotonic() - start >= 1.0  # waited as asked, not the 0.01 s test backoff
    assert len(server.requests) == 3


def test_storm_on_wbgapi_and_bulk_download(store, server: LocalServer) -> None:
    server.storm = 503
    with pytest.raises(SourceError, match=r"wdi: .*HTTP 503"):
        fetch("wdi", store=store, base_url=f"{server.url}/v2", indicators="SP.POP.TOTL")
    with pytest.raises(
        SourceError, match=r"baci: http://127\.0\.0\.1:\d+/x/baci/BACI_HS92_V202501\.zip .*HTTP 503"
    ):
        fetch("baci", store=store, base_url=f"{server.url}/x", version="V202501")
    _empty(store)


def test_missing_mirror_file_names_the_path(tmp_path: Path) -> None:
    from steppe.errors import NotFoundError

    ctx = FetchContext(source="gravity", mirror=tmp_path)
    with pytest.raises(
        NotFoundError, match=r"gravity: the mirror .* has no file hmr_gravity_2006/gravity_zeros\.csv"
    ):
        ctx.obtain("hmr_gravity_2006/gravity_zeros.csv")
