"""Indicators for the C5 from the real bilateral data in ../shared/data, through the mirror
connectors, checked against the same formulas written out by hand on the raw files."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from steppe.indicators.compute import compare_regions, indicator
from steppe.indicators.dependence import dependence
from steppe.indicators.regions import fixed_regions
from steppe.sources import fetch
from steppe.sources.connector import trade_partner_codes

C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


def hmr_flows(shared: Path) -> dict[tuple[str, str], float]:
    with open(shared / "hmr_gravity_2006" / "gravity_zeros.csv", newline="") as fh:
        return {
            (r["iso_o"], r["iso_d"]): float(r["flow"])
            for r in csv.DictReader(fh)
            if float(r["flow"]) > 0 and r["iso_o"] != r["iso_d"]
        }


def by_hand(flows: dict[tuple[str, str], float], country: str, others: set[str]) -> dict[str, float]:
    """Share, export share, import share and WITS intensity of ``country`` towards ``others``."""
    exports = sum(v for (e, _), v in flows.items() if e == country)
    imports = sum(v for (_, i), v in flows.items() if i == country)
    to_r = sum(v for (e, i), v in flows.items() if e == country and i in others)
    from_r = sum(v for (e, i), v in flows.items() if i == country and e in others)
    world_imports = sum(flows.values())
    others_imports = sum(v for (_, i), v in flows.items() if i in others)
    return {
        "share": (to_r + from_r) / (exports + imports),
        "export_share": to_r / exports,
        "import_share": from_r / imports,
        "intensity": (to_r / exports) / (others_imports / world_imports),
    }


@pytest.fixture
def gravity_store(store, shared_data):
    fetch("gravity", store=store, mirror=shared_data)
    return store


@pytest.fixture
def dots_store(store, shared_data):
    fetch("imf_dots", store=store, mirror=shared_data)
    return store


def test_c5_2006_from_hmr_gravity_matches_hand_computation(gravity_store, shared_data):
    flows = hmr_flows(shared_data)
    intra_pairs = [(e, i) for e in C5 for i in C5 if e != i and (e, i) in flows]
    assert len(intra_pairs) == 20  # all twenty directed intra-C5 flows are positive in 2006

    members = indicator("members", "c5", dataset="gravity", store=gravity_store).set_index("country")
    for country in ("KAZ", "UZB", "KGZ"):
        expected = by_hand(flows, country, set(C5) - {country})
        for col, value in expected.items():
            assert members.loc[country, col] == pytest.approx(value, rel=1e-9), (country, col)

    regional = indicator("regional", "c5", dataset="gravity", store=gravity_store).iloc[0]
    intra = sum(flows[p] for p in intra_pairs)
    region_trade = sum(v for (e, i), v in flows.items() if e in C5) + sum(
        v for (e, i), v in flows.items() if i in C5
    )
    world = 2 * sum(flows.values())
    s, w = 2 * intra / region_trade, region_trade / world
    hi, he = s / w, (1 - s) / (1 - w)
    assert regional["intra_share"] == pytest.approx(s, rel=1e-9)
    assert regional["introversion"] == pytest.approx((hi - he) / (hi + he), rel=1e-9)
    assert bool(regional["world_matrix"]) and bool(regional["members_covered"])

    intensity = indicator("intensity", "c5", dataset="gravity", store=gravity_store)
    assert len(intensity) == 20
    row = intensity[(intensity["exporter"] == "KAZ") & (intensity["importer"] == "UZB")].iloc[0]
    kaz_exports = sum(v for (e, _), v in flows.items() if e == "KAZ")
    uzb_imports = sum(v for (_, i), v in flows.items() if i == "UZB")
    assert row["intensity"] == pytest.approx(
        (flows[("KAZ", "UZB")] / kaz_exports) / (uzb_imports / sum(flows.values()))
    )


def dots_mirror_by_hand(shared: Path, year: int) -> dict[tuple[str, str], float]:
    """The 'mirror' view by hand: each flow as its exporter reported it, else as its importer did."""
    raw = pd.read_csv(shared / "imf_dots_1992_2020" / "dots_central_asia_extract.csv")
    raw = raw[raw["year"] == year]
    iso = trade_partner_codes(set(raw["reporter"]) | set(raw["partner"]))
    own: dict[tuple[str, str], float] = {}
    mirror: dict[tuple[str, str], float] = {}
    for r in raw.itertuples():
        rep, par = iso.get(r.reporter), iso.get(r.partner)
        if rep is None or par is None or "WLD" in (rep, par) or rep == par or not r.value_usd_millions > 0:
            continue
        if r.flow == "exports_fob":
            own[(rep, par)] = r.value_usd_millions
        else:
            mirror[(par, rep)] = r.value_usd_millions
    flows = dict(mirror)
    flows.update(own)
    return flows


@pytest.mark.parametrize("year", [2000, 2019])
def test_c5_members_from_imf_dots_match_hand_computation(dots_store, shared_data, year):
    flows = dots_mirror_by_hand(shared_data, year)
    members = indicator("members", "c5", (year, year), dataset="imf_dots", store=dots_store).set_index(
        "country"
    )
    for country in ("KAZ", "KGZ", "UZB"):
        others = set(C5) - {country}
        exports = sum(v for (e, _), v in flows.items() if e == country)
        imports = sum(v for (_, i), v in flows.items() if i == country)
        to_r = sum(v for (e, i), v in flows.items() if e == country and i in others)
        from_r = sum(v for (e, i), v in flows.items() if i == country and e in others)
        assert members.loc[country, "share"] == pytest.approx((to_r + from_r) / (exports + imports), rel=1e-9)
        assert members.loc[country, "export_share"] == pytest.approx(to_r / exports, rel=1e-9)


def test_dependence_from_dots_aiddata_and_wdi_matches_hand_computation(dots_store, shared_data):
    fetch("aiddata", store=dots_store, mirror=shared_data)
    fetch("wdi", store=dots_store, mirror=shared_data)
    fetch("wdi", store=dots_store, mirror=shared_data, dataset="gdp")
    dep = dependence((2018, 2019), store=dots_store).set_index(["country", "year"])

    flows = dots_mirror_by_hand(shared_data, 2019)
    trade: dict[str, float] = defaultdict(float)
    for (e, i), v in flows.items():
        if e == "UZB":
            trade[i] += v
        if i == "UZB":
            trade[e] += v
    total = sum(trade.values())
    shares = {p: trade.get(p, 0.0) / total for p in ("CHN", "RUS", "USA", "TUR", "IRN")}
    assert dep.loc[("UZB", 2019), "share_CHN"] == pytest.approx(shares["CHN"], rel=1e-9)
    assert dep.loc[("UZB", 2019), "share_RUS"] == pytest.approx(shares["RUS"], rel=1e-9)
    eu = fixed_regions()["eu27"]["members"]
    shares["EU27"] = sum(trade.get(p, 0.0) for p in eu) / total
    p = [v / sum(shares.values()) for v in shares.values()]
    balance = -sum(x * math.log(x) for x in p if x > 0) / math.log(6)
    assert dep.loc[("UZB", 2019), "balance"] == pytest.approx(balance, rel=1e-9)

    # Chinese finance: every flow class of cow_gcdf.csv (amounts, constant 2021 US$), KAZ = COW 705
    with open(shared_data / "aiddata_gcdf3_country_year" / "data" / "cow_gcdf.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["ccode"] == "705" and r["year"] == "2018")
    expected = sum(float(row[c] or 0) for c in ("oof_amt", "oda_amt", "vof_amt"))
    assert dep.loc[("KAZ", 2018), "china_finance_usd_constant"] == pytest.approx(expected, rel=1e-9)

    # remittances % of GDP = BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD x 100 (KGZ 2019)
    wdi = next((shared_data / "wdi_fdi_remittances_ca").glob("API_BX.TRF.PWKR.CD.DT_*.csv"))
    with open(wdi, newline="", encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith('"Country Name"'))
    remit = next(r for r in csv.DictReader(lines[header:]) if r["Country Code"] == "KGZ")["2019"]
    with open(shared_data / "wb_gdp_datahub" / "data" / "gdp.csv", newline="") as fh:
        gdp = next(r for r in csv.DictReader(fh) if r["Country Code"] == "KGZ" and r["Year"] == "2019")[
            "Value"
        ]
    assert dep.loc[("KGZ", 2019), "remittances_pct_gdp"] == pytest.approx(
        100 * float(remit) / float(gdp), rel=1e-9
    )


def test_peer_comparison_uses_only_complete_regions(gravity_store, shared_data):
    fetch("comtrade", store=gravity_store, mirror=shared_data)
    out = compare_regions(store=gravity_store)
    assert {"c5", "mercosur"} <= set(out[out["dataset_id"].str.startswith("gravity")]["region"])
    comtrade = out[out["dataset_id"].str.startswith("comtrade")]
    # Turkmenistan reports no exports to Comtrade: the C5 is not complete there and is left out
    assert "c5" not in set(comtrade["region"])
    assert {"asean", "eu", "mercosur"} <= set(comtrade["region"])
    assert out["intra_share"].between(0, 1).all() and out["introversion"].dropna().between(-1, 1).all()
