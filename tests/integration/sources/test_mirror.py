"""Every connector in mirror mode against the real files in ../shared/data.

Expected numbers are the spot checks written in each folder's PROVENANCE.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from steppe.sources import fetch, list_datasets
from steppe.store import data as store_data


def _one(frame, **where):
    for key, value in where.items():
        frame = frame[frame[key] == value]
    assert len(frame) == 1, frame
    return frame.iloc[0]


def test_imf_dots_both_views_in_dollars_with_estimate_flag(store, shared_data: Path) -> None:
    result = fetch("imf_dots", store=store, mirror=shared_data)
    assert result.loaded and result.dataset_id.startswith("imf_dots:dots:sha256-")
    flows = store_data.trade_flows(store, years=2019, countries=["KAZ"])
    kaz_chn = _one(flows, exporter="KAZ", importer="CHN", reporter="exporter")
    assert kaz_chn.value_usd == pytest.approx(7_823.41e6, rel=1e-6)
    assert kaz_chn.valuation == "fob"
    chn_kaz = _one(flows, exporter="CHN", importer="KAZ", reporter="exporter")
    assert chn_kaz.value_usd == pytest.approx(12_806.98e6, rel=1e-6)
    world = _one(flows, exporter="KAZ", importer="WLD", reporter="exporter")
    assert world.value_usd == pytest.approx(57_676.73e6, rel=1e-6)
    # KAZ's own imports from China are the importer's view, CIF.
    assert _one(flows, exporter="CHN", importer="KAZ", reporter="importer").valuation == "cif"
    uzb_rus = store_data.trade_flows(store, years=2018, exporters="UZB", importers="RUS", reporter="exporter")
    assert uzb_rus.value_usd.iloc[0] == pytest.approx(1_735.07e6, rel=1e-6)
    tkm_chn = store_data.trade_flows(store, years=2015, exporters="TKM", importers="CHN", reporter="exporter")
    assert tkm_chn.value_usd.iloc[0] == pytest.approx(7_384.53e6, rel=1e-6)
    # IMF estimates keep their flag; Turkmenistan's own reports are mostly estimates.
    flags = store_data.trade_flows(store, exporters="TKM", reporter="exporter")
    assert (flags["flag"] == "estimate").sum() > 100
    assert set(flags["flag"].dropna()) == {"estimate"}
    # IMF country groups are not countries: none survives as a code.
    codes = store.query(
        "SELECT DISTINCT exporter AS c FROM trade_flows UNION SELECT DISTINCT importer FROM trade_flows"
    )
    assert codes["c"].str.fullmatch(r"[A-Z]{3}").all()
    assert "EUU" not in set(codes["c"])


def test_gravity_hmr_covariates_flows_and_gdp(store, shared_data: Path) -> None:
    result = fetch("gravity", store=store, mirror=shared_data)
    cov = store_data.gravity_covariates(store, year=2006)
    assert len(cov) == 22_588
    kaz_uzb = _one(cov, iso_o="KAZ", iso_d="UZB")
    assert kaz_uzb.rta == 1 and pd_isna(kaz_uzb.colony)
    ca = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    pairs = cov[cov.iso_o.isin(ca) & cov.iso_d.isin(ca)]
    assert len(pairs) == 20
    assert (pairs[pairs.iso_o.eq("TKM") | pairs.iso_d.eq("TKM")].rta == 0).all()
    flows = store_data.trade_flows(store, dataset=result.dataset_id, years=2006)
    assert _one(flows, exporter="KAZ", importer="UZB").value_usd == pytest.approx(313.301e6)
    assert _one(flows, exporter="UZB", importer="KAZ").value_usd == pytest.approx(321.416e6)
    assert _one(flows, exporter="TJK", importer="TKM").value_usd == pytest.approx(0.06776e6)
    assert (flows.value_usd == 0).sum() == 5_500  # zeros are kept
    assert flows.valuation.isna().all() and set(flows.reporter) == {"reconciled"}
    gdp = store_data.country_indicators(store, "gdp_usd", dataset="gravity")
    assert gdp.iso3.is_unique and gdp.unit.eq("current US$").all()
    info = store_data.dataset_info(store, result.dataset_id)
    assert "not stated" in info["params"]["flow_reporter"]


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_comtrade_exports_with_world_totals(store, shared_data: Path) -> None:
    fetch("comtrade", store=store, mirror=shared_data)
    flows = store_data.trade_flows(store, years=2019, exporters=["KAZ", "CHN"])
    assert _one(flows, exporter="CHN", importer="KAZ").value_usd == pytest.approx(12.73e9, rel=1e-3)
    assert _one(flows, exporter="KAZ", importer="CHN").value_usd == pytest.approx(8.00e9, rel=1e-3)
    assert _one(flows, exporter="KAZ", importer="RUS").value_usd == pytest.approx(5.67e9, rel=1e-3)
    assert _one(flows, exporter="KAZ", importer="WLD").value_usd == pytest.approx(58.07e9, rel=1e-3)
    assert set(flows.reporter) == {"exporter"} and set(flows.valuation) == {"fob"}
    # Turkmenistan never reports: it appears only as a partner.
    assert store.execute("SELECT count(*) FROM trade_flows WHERE exporter = 'TKM'").fetchall()[0][0] == 0


def test_comtrade_years_option_reads_only_those_files(store, shared_data: Path) -> None:
    result = fetch("comtrade", store=store, mirror=shared_data, years="2019:2020")
    years = store.query("SELECT DISTINCT year FROM trade_flows ORDER BY year")["year"].tolist()
    assert years == [2019, 2020]
    assert len(store_data.dataset_info(store, result.dataset_id)["params"]["files"]) == 2


def test_wdi_bulk_and_gdp(store, shared_data: Path) -> None:
    bulk = fetch("wdi", store=store, mirror=shared_data)
    remit = store_data.country_indicators(store, "BX.TRF.PWKR.CD.DT", countries=["TJK", "UZB", "KGZ"])
    assert _one(remit, iso3="TJK", year=2024).value == pytest.approx(6.80e9, rel=1e-3)
    assert _one(remit, iso3="UZB", year=2024).value == pytest.approx(16.58e9, rel=1e-3)
    assert _one(remit, iso3="KGZ", year=2023).value == pytest.approx(2.85e9, rel=1e-3)
    assert remit.unit.eq("current US$").all()
    fdi = store_data.country_indicators(store, "BX.KLT.DINV.CD.WD", countries="KAZ")
    assert _one(fdi, year=2008).value == pytest.approx(16.82e9, rel=1e-3)
    assert _one(fdi, year=2024).value == pytest.approx(-0.68e9, rel=1e-2)
    assert len(fdi) == 33  # 1992-2024
    # aggregates (regions, income groups) are not countries; the world total is kept
    assert "ECS" not in set(store.query("SELECT DISTINCT iso3 FROM country_indicators")["iso3"])
    assert not store_data.country_indicators(store, "BX.TRF.PWKR.CD.DT", countries="WLD").empty
    assert bulk.edition.startswith("sha256-")  # the FDI extract has no "Last Updated Date"
    gdp = fetch("wdi", store=store, mirror=shared_data, dataset="gdp")
    assert gdp.edition == "2026-02-24"
    kaz = store_data.country_indicators(store, "NY.GDP.MKTP.CD", countries="KAZ")
    assert kaz.dataset_id.eq("wdi:gdp:2026-02-24").all() and 34 <= len(kaz) <= 37


def test_aiddata_country_year(store, shared_data: Path) -> None:
    result = fetch("aiddata", store=store, mirror=shared_data)
    assert result.dataset_id == "aiddata:country_year:3.0"
    kaz = store_data.development_finance(store, recipients="KAZ", years=2008, flow_class="oof")
    assert kaz.amount_usd_constant.iloc[0] == pytest.approx(12_552_952_613.8)
    assert kaz.project_id.isna().all() and kaz.amount_usd.isna().all()
    assert set(store.query("SELECT DISTINCT flow_class FROM development_finance")["flow_class"]) == {
        "oda",
        "oof",
        "vague",
    }
    adjusted = fetch("aiddata", store=store, mirror=shared_data, measure="adjusted")
    assert adjusted.loaded and adjusted.dataset_id != result.dataset_id  # same file, other content
    assert store_data.development_finance(store, dataset=result.dataset_id).shape[0] == result.rows


def test_same_edition_twice_adds_nothing(store, shared_data: Path) -> None:
    first = fetch("imf_dots", store=store, mirror=shared_data)
    before = store.execute("SELECT count(*) FROM trade_flows").fetchall()[0][0]
    again = fetch("imf_dots", store=store, mirror=shared_data)
    assert not again.loaded and again.dataset_id == first.dataset_id and again.rows == first.rows
    explicit = fetch("imf_dots", store=store, mirror=shared_data, dataset="dots", years=None)
    assert not explicit.loaded  # naming the defaults is the same request
    assert store.execute("SELECT count(*) FROM trade_flows").fetchall()[0][0] == before
    assert len(list_datasets(store)) == 1


def test_newer_edition_is_stored_beside_the_old(store, shared_data: Path, tmp_path: Path) -> None:
    old = fetch("wdi", store=store, mirror=shared_data, dataset="gdp")
    mirror = tmp_path / "mirror"
    folder = mirror / "wb_gdp_datahub"
    shutil.copytree(shared_data / "wb_gdp_datahub", folder)
    package = folder / "datapackage.json"
    package.write_text(
        package.read_text().replace('"last_updated": "2026-02-24"', '"last_updated": "2026-09-01"')
    )
    gdp = folder / "data" / "gdp.csv"
    gdp.write_text(gdp.read_text().rstrip("\n") + "\nKazakhstan,KAZ,2024,262600000000.0\n")
    new = fetch("wdi", store=store, mirror=mirror, dataset="gdp")
    assert new.loaded and new.dataset_id == "wdi:gdp:2026-09-01"
    rows = {r["dataset_id"]: r for r in list_datasets(store)}
    assert set(rows) == {old.dataset_id, new.dataset_id}
    assert rows[new.dataset_id]["rows"] == rows[old.dataset_id]["rows"] + 1
    # The reader takes the newest by default, the old one on request.
    assert (
        store_data.country_indicators(store, "NY.GDP.MKTP.CD", countries="KAZ", years=2024).value.iloc[0]
        == 2.626e11
    )
    assert (
        store_data.country_indicators(
            store, "NY.GDP.MKTP.CD", countries="KAZ", dataset=old.dataset_id
        ).year.max()
        == 2023
    )
