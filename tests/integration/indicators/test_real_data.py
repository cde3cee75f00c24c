"""Indicators for the C5 from the real bilateral data in ../shared/data, through the mirror
connectors, checked against the same definitions written out by hand on the raw files.

The hand computations read the raw CSV files with pandas and the IMF's own partner names,
independently of steppe's code path (no steppe mapping, view or formula is used in them).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from steppe.indicators.compute import compare_regions, indicator
from steppe.indicators.dependence import dependence
from steppe.indicators.regions import fixed_regions
from steppe.indicators.views import CIF_FOB
from steppe.sources import fetch
from steppe.sources.connector import trade_partner_codes

C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
#: The five states as the IMF DOTS workbooks name them.
DOTS_C5 = {
    "Kazakhstan, Rep. of": "KAZ",
    "Kyrgyz Rep.": "KGZ",
    "Tajikistan, Rep. of": "TJK",
    "Turkmenistan": "TKM",
    "Uzbekistan, Rep. of": "UZB",
}
CHINA, RUSSIA = "China, P.R.: Mainland", "Russian Federation"


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


@pytest.fixture
def dots_raw(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / "imf_dots_1992_2020" / "dots_central_asia_extract.csv")


def test_c5_2006_from_hmr_gravity_matches_hand_computation(gravity_store, shared_data):
    flows = hmr_flows(shared_data)
    intra_pairs = [(e, i) for e in C5 for i in C5 if e != i and (e, i) in flows]
    assert len(intra_pairs) == 20  # all twenty directed intra-C5 flows are positive in 2006

    members = indicator("members", "c5", dataset="gravity", store=gravity_store).set_index("country")
    for country in ("KAZ", "UZB", "KGZ"):
        expected = by_hand(flows, country, set(C5) - {country})
        for col, value in expected.items():
            assert members.loc[country, col] == pytest.approx(value, rel=1e-9), (country, col)
    assert set(members["basis"]) == {"source_reconciled"} and set(members["view"]) == {"reported"}

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
    assert regional["denominator"] == "partner_sum" and regional["reason"] is None

    intensity = indicator("intensity", "c5", dataset="gravity", store=gravity_store)
    assert len(intensity) == 20
    row = intensity[(intensity["exporter"] == "KAZ") & (intensity["importer"] == "UZB")].iloc[0]
    kaz_exports = sum(v for (e, _), v in flows.items() if e == "KAZ")
    uzb_imports = sum(v for (_, i), v in flows.items() if i == "UZB")
    assert row["intensity"] == pytest.approx(
        (flows[("KAZ", "UZB")] / kaz_exports) / (uzb_imports / sum(flows.values()))
    )


def reported_by_hand(raw: pd.DataFrame, year: int) -> dict[str, float]:
    """The C5's trade as the five report it (IMF DOTS guide: exports FOB and imports CIF as
    the reporter reports them), over their reported 'World' lines, with plain pandas."""
    own = raw[(raw["year"] == year) & raw["reporter"].isin(list(DOTS_C5))]
    world = own.loc[own["partner"] == "World", "value_usd_millions"].sum()
    intra = own.loc[own["partner"].isin(list(DOTS_C5)), "value_usd_millions"].sum()
    china = own.loc[own["partner"] == CHINA, "value_usd_millions"].sum()
    russia = own.loc[own["partner"] == RUSSIA, "value_usd_millions"].sum()
    return {"world": world * 1e6, "intra_share": intra / world, "CHN": china / world, "RUS": russia / world}


@pytest.mark.parametrize("year", [1995, 2000, 2010, 2019])
def test_reported_view_matches_the_dots_files_by_hand(dots_store, dots_raw, year):
    expected = reported_by_hand(dots_raw, year)
    regional = indicator("regional", "c5", (year, year), dataset="imf_dots", store=dots_store).iloc[0]
    assert regional["view"] == "reported" and regional["basis"] == "own_reports"
    assert regional["denominator"] == "world_total"
    assert regional["intra_share"] == pytest.approx(expected["intra_share"], rel=1e-9, abs=1e-12)
    assert regional["region_trade"] == pytest.approx(expected["world"], rel=1e-9)
    dep = dependence((year, year), dataset="imf_dots", store=dots_store).set_index("country")
    assert dep.loc["C5", "share_CHN"] == pytest.approx(expected["CHN"], rel=1e-9, abs=1e-12)
    assert dep.loc["C5", "share_RUS"] == pytest.approx(expected["RUS"], rel=1e-9, abs=1e-12)
    assert dep.loc["C5", "denominator"] == "world_total" and dep.loc["C5", "share_unit"] == "fraction"


def test_china_share_2019_is_the_reported_figure_not_the_mirror_one(dots_store):
    reported = dependence((2019, 2019), dataset="imf_dots", store=dots_store).set_index("country")
    mirror = dependence((2019, 2019), dataset="imf_dots", view="mirror", store=dots_store)
    mirror = mirror.set_index("country")
    assert 0.20 < reported.loc["C5", "share_CHN"] < 0.22  # about 21%, as the five report it
    assert mirror.loc["C5", "share_CHN"] > 0.26  # China's own export reports inflate it
    assert set(reported.index) == {*C5, "C5"} and reported.loc["C5", "view"] == "reported"


def test_uzbekistan_special_categories_count_in_its_denominator(dots_store, dots_raw):
    rows = dots_raw[
        (dots_raw["year"] == 2019) & (dots_raw["reporter"] == "Uzbekistan, Rep. of")
        & (dots_raw["flow"] == "exports_fob")
    ]  # fmt: skip
    world = rows.loc[rows["partner"] == "World", "value_usd_millions"].iloc[0]
    to_c5 = rows.loc[rows["partner"].isin(list(DOTS_C5)), "value_usd_millions"].sum()
    special = rows.loc[rows["partner"] == "Special Categories", "value_usd_millions"].iloc[0]
    assert special > 5000  # about US$5bn without a partner country
    members = indicator("members", "c5", (2019, 2019), dataset="imf_dots", store=dots_store)
    uzb = members.set_index("country").loc["UZB"]
    assert uzb["export_share"] == pytest.approx(to_c5 / world, rel=1e-9)
    assert uzb["export_share"] == pytest.approx(0.150, abs=0.001)  # not 0.232 (named partners only)
    partners = indicator("partners", "c5", (2019, 2019), dataset="imf_dots", store=dots_store)
    xsc = partners[(partners["country"] == "UZB") & (partners["partner"] == "XSC")].iloc[0]
    assert xsc["partner_kind"] == "non_country" and xsc["value"] == pytest.approx(special * 1e6)
    assert "XSC" not in fixed_regions()["c5"]["members"]


def dots_mirror_by_hand(shared: Path, year: int) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """The 'mirror' view by hand: each flow as its exporter reported it, else as its importer did;
    and the exporters' reported world totals."""
    raw = pd.read_csv(shared / "imf_dots_1992_2020" / "dots_central_asia_extract.csv")
    raw = raw[raw["year"] == year]
    iso = trade_partner_codes(set(raw["reporter"]) | set(raw["partner"]))
    own: dict[tuple[str, str], float] = {}
    mirror: dict[tuple[str, str], float] = {}
    world: dict[str, float] = {}
    for r in raw.itertuples():
        rep, par = iso.get(r.reporter), iso.get(r.partner)
        if rep in (None, "WLD") or par is None or rep == par or not r.value_usd_millions > 0:
            continue  # the IMF's 'World' aggregate as a reporter is not a country
        if par == "WLD":
            if r.flow == "exports_fob":
                world[rep] = r.value_usd_millions
        elif r.flow == "exports_fob":
            own[(rep, par)] = r.value_usd_millions
        else:
            mirror[(par, rep)] = r.value_usd_millions
    flows = dict(mirror)
    flows.update(own)
    return flows, world


@pytest.mark.parametrize("year", [2000, 2019])
def test_c5_members_in_the_mirror_view_match_hand_computation(dots_store, shared_data, year):
    flows, world = dots_mirror_by_hand(shared_data, year)
    members = indicator(
        "members", "c5", (year, year), dataset="imf_dots", view="mirror", store=dots_store
    ).set_index("country")
    for country in ("KAZ", "KGZ", "UZB"):
        others = set(C5) - {country}
        exports = world[country]  # the exporter's reported world total
        imports = sum(v for (_, i), v in flows.items() if i == country)  # partners' reports summed
        to_r = sum(v for (e, i), v in flows.items() if e == country and i in others)
        from_r = sum(v for (e, i), v in flows.items() if i == country and e in others)
        assert members.loc[country, "share"] == pytest.approx((to_r + from_r) / (exports + imports), rel=1e-9)
        assert members.loc[country, "export_share"] == pytest.approx(to_r / exports, rel=1e-9)
        assert members.loc[country, "denominator"] == "partner_sum"  # imports are a partner sum


def test_dots_is_not_a_world_matrix_so_no_intensity_is_printed(dots_store):
    members = indicator("members", "c5", (2015, 2019), dataset="imf_dots", store=dots_store)
    assert members["share"].notna().all() and members["intensity"].isna().all()
    assert members["reason"].str.contains("not a world matrix").all()
    regional = indicator("regional", "c5", (2015, 2019), dataset="imf_dots", store=dots_store)
    assert regional["intra_share"].notna().all()
    assert regional[["intensity", "introversion", "world_share"]].isna().all().all()
    pairs = indicator("intensity", "c5", (2019, 2019), dataset="imf_dots", store=dots_store)
    assert len(pairs) == 20 and pairs["intensity"].isna().all() and pairs["reason"].notna().all()

    from steppe.indicators.composite import gather_panel
    from steppe.indicators.composite.methodology import parse_methodology

    method = parse_methodology(
        {
            "id": "intensity-only",
            "countries": list(C5),
            "years": "2015:2019",
            "weighting": "given",
            "trade": {"dataset": "imf_dots"},
            "dimensions": [
                {
                    "id": "trade",
                    "indicators": [
                        {"id": "tii", "input": "trade_intensity_with_region"},
                        {"id": "share", "input": "trade_share_with_region"},
                    ],
                }
            ],
        }
    )
    panel, info = gather_panel(method, store=dots_store)
    assert set(panel["indicator"]) == {"share"} and len(panel) == 25
    blank = [b for b in info["blank"] if b["input"] == "trade_intensity_with_region"]
    assert len(blank) == 25 and all("not a world matrix" in b["reason"] for b in blank)
    assert info["trade_view"] == "reported"


def test_dependence_from_dots_aiddata_and_wdi_matches_hand_computation(dots_store, dots_raw, shared_data):
    fetch("aiddata", store=dots_store, mirror=shared_data)
    fetch("wdi", store=dots_store, mirror=shared_data)
    fetch("wdi", store=dots_store, mirror=shared_data, dataset="gdp")
    dep = dependence((2018, 2019), store=dots_store).set_index(["country", "year"])

    # UZB's trade with each partner as UZB reports it, over its reported world totals
    uzb = dots_raw[(dots_raw["year"] == 2019) & (dots_raw["reporter"] == "Uzbekistan, Rep. of")]
    total = uzb.loc[uzb["partner"] == "World", "value_usd_millions"].sum()
    trade = uzb.groupby("partner")["value_usd_millions"].sum()
    names = {
        "CHN": CHINA,
        "RUS": RUSSIA,
        "USA": "United States",
        "TUR": "Turkey",
        "IRN": "Iran, Islamic Rep. of",
    }
    shares = {p: trade.get(n, 0.0) / total for p, n in names.items()}
    assert dep.loc[("UZB", 2019), "share_CHN"] == pytest.approx(shares["CHN"], rel=1e-9)
    assert dep.loc[("UZB", 2019), "share_RUS"] == pytest.approx(shares["RUS"], rel=1e-9)
    eu_names = {
        "AUT": "Austria", "BEL": "Belgium", "BGR": "Bulgaria", "HRV": "Croatia, Rep. of", "CYP": "Cyprus",
        "CZE": "Czech Rep.", "DNK": "Denmark", "EST": "Estonia, Rep. of", "FIN": "Finland", "FRA": "France",
        "DEU": "Germany", "GRC": "Greece", "HUN": "Hungary", "IRL": "Ireland", "ITA": "Italy",
        "LVA": "Latvia", "LTU": "Lithuania", "LUX": "Luxembourg", "MLT": "Malta", "NLD": "Netherlands, The",
        "POL": "Poland, Rep. of", "PRT": "Portugal", "ROU": "Romania", "SVK": "Slovak Rep.",
        "SVN": "Slovenia, Rep. of", "ESP": "Spain", "SWE": "Sweden",
    }  # fmt: skip
    assert set(eu_names) == set(fixed_regions()["eu27"]["members"])
    shares["EU27"] = sum(trade.get(n, 0.0) for n in eu_names.values()) / total
    assert dep.loc[("UZB", 2019), "share_EU27"] == pytest.approx(shares["EU27"], rel=1e-9)
    p = [v / sum(shares.values()) for v in shares.values()]
    balance = -sum(x * math.log(x) for x in p if x > 0) / math.log(6)
    assert dep.loc[("UZB", 2019), "balance"] == pytest.approx(balance, rel=1e-9)

    # Chinese finance: every flow class of cow_gcdf.csv (amounts, constant 2021 US$), KAZ = COW 705
    with open(shared_data / "aiddata_gcdf3_country_year" / "data" / "cow_gcdf.csv", newline="") as fh:
        gcdf = [r for r in csv.DictReader(fh) if r["year"] == "2018"]
    amount = {r["ccode"]: sum(float(r[c] or 0) for c in ("oof_amt", "oda_amt", "vof_amt")) for r in gcdf}
    assert dep.loc[("KAZ", 2018), "china_finance_usd_constant"] == pytest.approx(amount["705"], rel=1e-9)
    c5_cow = ("705", "703", "702", "701", "704")  # KAZ, KGZ, TJK, TKM, UZB
    assert dep.loc[("C5", 2018), "china_finance_usd_constant"] == pytest.approx(
        sum(amount.get(c, 0.0) for c in c5_cow), rel=1e-9
    )

    # remittances share of GDP = BX.TRF.PWKR.CD.DT / NY.GDP.MKTP.CD, a fraction (KGZ 2019)
    wdi = next((shared_data / "wdi_fdi_remittances_ca").glob("API_BX.TRF.PWKR.CD.DT_*.csv"))
    with open(wdi, newline="", encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith('"Country Code"') or
                  line.startswith('"Country Name"'))  # fmt: skip
    remit = {r["Country Code"]: r["2019"] for r in csv.DictReader(lines[header:])}
    with open(shared_data / "wb_gdp_datahub" / "data" / "gdp.csv", newline="") as fh:
        gdp = {r["Country Code"]: r["Value"] for r in csv.DictReader(fh) if r["Year"] == "2019"}
    kgz = float(remit["KGZ"]) / float(gdp["KGZ"])
    assert dep.loc[("KGZ", 2019), "remittances_share_gdp"] == pytest.approx(kgz, rel=1e-9)
    assert dep.loc[("KGZ", 2019), "remittances_pct_gdp"] == pytest.approx(100 * kgz, rel=1e-9)
    # the region row: summed remittances over summed GDP, not an average of shares
    summed = sum(float(remit[c]) for c in C5) / sum(float(gdp[c]) for c in C5)
    assert dep.loc[("C5", 2019), "remittances_share_gdp"] == pytest.approx(summed, rel=1e-9)


def test_mirror_discrepancy_china_kyrgyzstan(dots_store, dots_raw):
    out = indicator("discrepancy", "c5", (2019, 2019), dataset="imf_dots", store=dots_store)
    row = out[(out["exporter"] == "CHN") & (out["importer"] == "KGZ")].iloc[0]
    raw = dots_raw[dots_raw["year"] == 2019]
    chn_exports = raw[
        (raw["reporter"] == CHINA) & (raw["flow"] == "exports_fob") & (raw["partner"] == "Kyrgyz Rep.")
    ]
    kgz_imports = raw[
        (raw["reporter"] == "Kyrgyz Rep.") & (raw["flow"] == "imports_cif") & (raw["partner"] == CHINA)
    ]
    x, m = chn_exports["value_usd_millions"].iloc[0] * 1e6, kgz_imports["value_usd_millions"].iloc[0] * 1e6
    # the extract gives US$6.31bn and US$1.73bn (the issue quoted about 6.39bn and 1.80bn)
    assert 6.0e9 < x < 6.5e9 and 1.6e9 < m < 1.9e9
    assert row["exports_reported"] == pytest.approx(x) and row["imports_reported"] == pytest.approx(m)
    assert row["ratio"] == pytest.approx(m / x, rel=1e-12)
    assert row["log_gap"] == pytest.approx(math.log(m / x), rel=1e-12)
    assert row["log_gap"] < -1.2  # shuttle trade: most of what China ships is not recorded on entry


def comtrade_by_hand(shared: Path, year: int) -> dict[tuple[str, str], float]:
    """Comtrade exports by exporter and partner name for one year (plain csv)."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    with open(
        shared / "comtrade_total_exports_2014_2022" / f"comtrade_all_exports_{year}A.csv", newline=""
    ) as fh:
        for r in csv.DictReader(fh):
            out[(r["reporter"], r["partner"])] += float(r["value"] or 0)
    return out


def test_c5_on_the_comtrade_world_matrix_with_non_reporters_filled_and_flagged(
    dots_store, dots_raw, shared_data
):
    fetch("comtrade", store=dots_store, mirror=shared_data)
    regional = indicator(
        "regional", "c5", (2014, 2021), dataset="comtrade", view="reconciled", store=dots_store
    ).set_index("year")
    filled = regional.loc[2014:2020]
    assert filled["introversion"].between(-1, 1).all() and (filled["intensity"] > 1).all()
    assert filled["world_matrix"].all() and filled["reason"].isna().all()
    # Turkmenistan never reports to Comtrade; Tajikistan before 2016 and Uzbekistan before 2017 neither
    for year in range(2014, 2021):
        fills = " ".join(regional.loc[year, "fills"])
        assert "TKM exports" in fills and "imf_dots" in fills and f"CIF/FOB {CIF_FOB:g}" in fills
        assert ("TJK exports" in fills) == (year < 2016) and ("UZB exports" in fills) == (year < 2017)
    # the DOTS extract ends in 2020: nothing fills Turkmenistan in 2021, so the row is blank with why
    assert np.isnan(regional.loc[2021, "introversion"]) and np.isnan(regional.loc[2021, "intra_share"])
    assert "TKM reports no exports" in regional.loc[2021, "reason"]
    assert "no stored dataset has its partners' import reports" in regional.loc[2021, "reason"]

    # one filled cell by hand: China's imports from Turkmenistan (China's DOTS report) / 1.06
    cells = indicator("flows", "c5", (2019, 2019), dataset="comtrade", view="reconciled", store=dots_store)
    cell = cells[(cells["exporter"] == "TKM") & (cells["importer"] == "CHN")].iloc[0]
    raw = dots_raw[(dots_raw["year"] == 2019) & (dots_raw["reporter"] == CHINA)]
    china_imports = raw[(raw["flow"] == "imports_cif") & (raw["partner"] == "Turkmenistan")]
    assert cell["value_usd"] == pytest.approx(china_imports["value_usd_millions"].iloc[0] * 1e6 / CIF_FOB)
    assert cell["origin"] == "partner_import_report" and cell["origin_dataset"].startswith("imf_dots")
    own = cells[(cells["exporter"] == "KAZ") & (cells["importer"] == "CHN")].iloc[0]
    assert own["origin"] == "exporter_report" and own["cif_fob"] == 1.0
    assert own["value_usd"] == pytest.approx(comtrade_by_hand(shared_data, 2019)[("Kazakhstan", "China")])

    # the reported view on this exports-only dataset is export-based, says so, and leaves the C5 blank
    reported = indicator("regional", "c5", (2019, 2019), dataset="comtrade", store=dots_store).iloc[0]
    assert reported["basis"] == "export_reports" and np.isnan(reported["intra_share"])
    assert "the reconciled view fills them" in reported["reason"]

    # peers on the same dataset and view, never mixed with another source
    peers = compare_regions(years=(2014, 2021), view="reconciled", store=dots_store)
    assert peers["dataset_id"].nunique() == 1 and peers["dataset_id"].iloc[0].startswith("comtrade")
    assert set(peers["view"]) == {"reconciled"}
    assert {"c5", "asean", "eu", "mercosur"} <= set(peers.dropna(subset=["introversion"])["region"])
    assert peers["intra_share"].dropna().between(0, 1).all()
    assert peers["introversion"].dropna().between(-1, 1).all()
    c5 = peers[peers["region"] == "c5"].set_index("year")
    assert c5.loc[2019, "introversion"] == pytest.approx(regional.loc[2019, "introversion"], rel=1e-12)


def test_peer_comparison_names_uncovered_regions_instead_of_mixing_sources(gravity_store, dots_store):
    out = compare_regions(dataset="imf_dots", years=(2005, 2006), store=dots_store)
    assert set(out["dataset_id"].str.split(":").str[0]) == {"imf_dots"}
    asean = out[out["region"] == "asean"]
    assert asean["intra_share"].isna().all() and asean["reason"].str.contains("fewer than 20").all()
    assert out[out["region"] == "c5"]["intra_share"].notna().all()
    # without --dataset, the world matrix (the HMR gravity file, 2006) is the one dataset used
    world = compare_regions(store=gravity_store)
    assert world["dataset_id"].nunique() == 1 and world["dataset_id"].iloc[0].startswith("gravity")
    assert {"c5", "mercosur"} <= set(world.dropna(subset=["introversion"])["region"])
