"""Indicators from the store: pick one dataset and a trade view, apply the formulas, guard coverage.

This is the I/O edge of :mod:`steppe.indicators`; the formulas themselves are pure
(:mod:`steppe.indicators.formulas`) and the views are in :mod:`steppe.indicators.views`. Every
output row names its ``dataset_id``, ``view``, ``basis`` (what the view rests on in that
dataset) and, where it divides by a total, its ``denominator`` ('world_total': the reporter's
world line; 'partner_sum': the sum over the partners listed). Two guards keep numbers honest,
and every number they blank carries a ``reason``:

- a *country* is covered in a year when the view holds flows with at least
  :data:`MIN_PARTNERS` partner countries on each side (otherwise its totals are not its world
  totals, as in an extract that keeps only flows with Central Asia, or in an exports-only
  dataset for a country that does not report); indicators of a region whose members are not
  all covered are blank;
- a *year* is a world matrix when at least :data:`MIN_WORLD_COUNTRIES` countries are covered:
  anything that divides by world trade (intensity, introversion, the index input
  ``trade_intensity_with_region``) is blank otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from steppe.codes import NON_COUNTRY_PARTNERS, WORLD, is_country
from steppe.dates import YearsLike, year_span
from steppe.errors import NotFoundError, UsageError
from steppe.indicators import formulas
from steppe.indicators.regions import PEERS, Region, region
from steppe.indicators.views import (
    CIF_FOB,
    DEFAULT_VIEW,
    View,
    basis,
    check_view,
    directed_flows,
    reconciled_matrix,
)
from steppe.store import Store
from steppe.store import data as store_data

MIN_PARTNERS = 20
MIN_WORLD_COUNTRIES = 100

#: Units named in every output row (JSON and CSV carry fractions; tables print percent).
SHARE_UNIT = "fraction"
VALUE_UNIT = "current US$"

#: The command that fills each kind of stored data (shown when it is missing).
FETCH_COMMANDS: dict[str, str] = {
    "trade": "steppe fetch imf_dots",
    "trade_world": "steppe fetch comtrade",
    "trade_products": "steppe fetch baci",
    "finance": "steppe fetch aiddata",
    "remittances": "steppe fetch wdi && steppe fetch wdi --dataset gdp",
}

#: Indicator names accepted by :func:`indicator` and the CLI.
INDICATORS: dict[str, str] = {
    "regional": "intra-regional trade share, intensity and introversion of the region, per year",
    "members": "each member's share of trade with, and trade intensity towards, the rest of the region",
    "partners": "partner shares in each member's total trade",
    "hhi": "Herfindahl-Hirschman concentration of each member's partners",
    "intensity": "bilateral trade intensity between members",
    "discrepancy": "mirror discrepancy: what A reports exporting to B against what B reports importing",
    "flows": "the view's flow matrix around the region, each cell with its origin (fills flagged)",
    "rca": "revealed comparative advantage of each member by product (product-level data)",
    "complementarity": "trade complementarity between members (product-level data)",
    "grubel-lloyd": "Grubel-Lloyd intra-industry trade between members (product-level data)",
}
PRODUCT_LEVEL = ("rca", "complementarity", "grubel-lloyd")


def _store(store: Store | None) -> Store:
    from steppe.kb.sync import kb_store

    return kb_store(store)


def choose_dataset(
    store: Store,
    dataset: str | None = None,
    years: tuple[int, int] | None = None,
    product: str | None = "TOTAL",
    *,
    prefer_world: bool = False,
) -> str:
    """The dataset id to read: ``dataset`` given as an id or a source, else the best stored one.

    Without ``dataset``, the stored dataset covering most of ``years`` wins, then the longest
    series, then the one with more rows; with ``prefer_world`` (peer comparisons) a dataset that
    is a world matrix in some year comes first.
    """
    stored = store_data.trade_datasets(store, product=product)
    if not stored:
        what = "trade_products" if product is None else "trade"
        raise NotFoundError(
            f"No {'product-level' if product is None else 'bilateral'} trade is stored; "
            f"run '{FETCH_COMMANDS[what]}' first."
        )
    if dataset:
        exact = [d for d in stored if d["dataset_id"] == dataset]
        by_source = [d for d in stored if d["source"] == dataset]
        found = exact or by_source
        if not found:
            ids = ", ".join(d["dataset_id"] for d in stored)
            raise NotFoundError(f"No stored trade dataset '{dataset}': use one of {ids}.")
        return str(store_data.newest(found)["dataset_id"])
    first, last = years if years else (-(10**9), 10**9)
    breadth = store_data.trade_breadth(store, MIN_PARTNERS) if prefer_world and product else {}

    def overlap(d: dict[str, Any]) -> int:
        return max(0, min(last, d["last_year"]) - max(first, d["first_year"]) + 1)

    def score(d: dict[str, Any]) -> tuple:
        world = breadth.get(d["dataset_id"], 0) >= MIN_WORLD_COUNTRIES
        return (world, overlap(d), d["years"], d["rows"])

    return max(stored, key=score)["dataset_id"]


# -- one dataset in one view ---------------------------------------------------------------------
@dataclass
class TradeData:
    """The flows of one stored dataset in one view, ready for the formulas, with provenance.

    ``flows`` is the formulas' frame (:func:`~steppe.indicators.views.directed_flows`: world
    totals as partner 'WLD', ``side``, ``origin``); in the ``reconciled`` view it also has
    ``origin_dataset`` and ``cif_fob`` for every filled cell.
    """

    flows: pd.DataFrame
    dataset_id: str
    view: str
    basis: str
    fill_datasets: tuple[str, ...] = ()
    cif_fob: float | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def coverage(self) -> Coverage:
        return Coverage.of(self)

    def fills(self, country: str, year: int) -> list[str]:
        """How a country's flows were filled in a year (reconciled view), as short sentences."""
        if "fills" not in self._cache:
            table: dict[tuple[int, str], list[str]] = {}
            if "origin_dataset" in self.flows.columns:
                filled = self.flows[self.flows["origin"] == "partner_import_report"]
                counts = filled.groupby(["year", "exporter", "origin_dataset", "cif_fob"]).size()
                counted = counts.reset_index(name="n")
                groups = (counted[k] for k in ("year", "exporter", "origin_dataset", "cif_fob", "n"))
                for y, c, source, factor, n in zip(*groups, strict=True):
                    table.setdefault((int(y), str(c)), []).append(
                        f"{c} exports: {n} flows from partners' import reports in {source}"
                        + (f", CIF/FOB {factor:g}" if factor != 1 else "")
                    )
            self._cache["fills"] = table
        return self._cache["fills"].get((int(year), country), [])


def load_trade(
    dataset: str | None = None,
    years: tuple[int, int] | None = None,
    view: View = DEFAULT_VIEW,
    *,
    product: str | None = "TOTAL",
    prefer_world: bool = False,
    fill_from: Sequence[str] | str | None = None,
    cif_fob: float = CIF_FOB,
    store: Store | None = None,
) -> TradeData:
    """One stored dataset in one view (see :mod:`~steppe.indicators.views`).

    In the ``reconciled`` view a dataset without source-reconciled rows becomes a reconciled
    world matrix: non-reporters are filled from partners' import reports in the same dataset,
    then in ``fill_from`` (dataset ids or sources, in order; default every other stored dataset
    with importers' reports), imports CIF divided by ``cif_fob``.
    """
    check_view(view)
    store = _store(store)
    dataset_id = choose_dataset(store, dataset, years, product, prefer_world=prefer_world)
    rows = store_data.trade_rows(store, dataset_id, years, product)
    used: tuple[str, ...] = ()
    factor: float | None = None
    if view == "reconciled" and not rows.empty and set(rows["reporter"]) != {"reconciled"}:
        if product is None:
            raise UsageError(
                "The reconciled view fills total trade only; use view 'reported' or 'exports' for "
                "product-level indicators.",
                params=("view",),
            )
        others = _fill_sources(store, dataset_id, rows, years, fill_from)
        flows = reconciled_matrix(rows, dataset_id, others, cif_fob=cif_fob)
        used = tuple(sorted(set(flows.loc[flows["origin"] == "partner_import_report", "origin_dataset"])))
        factor = cif_fob
    else:
        flows = directed_flows(rows, view)
    real = flows[(flows["exporter"] != WORLD) & (flows["importer"] != WORLD)]
    if real.empty:
        available = sorted(rows["reporter"].unique()) if not rows.empty else []
        raise NotFoundError(
            f"Dataset {dataset_id} has no flows in the '{view}' view for these years "
            f"(its reports: {', '.join(available) or 'none'}); pick another view or years.",
            params=("view", "years"),
        )
    return TradeData(flows, dataset_id, view, basis(rows, view), used, factor)


def _fill_sources(
    store: Store,
    dataset_id: str,
    rows: pd.DataFrame,
    years: tuple[int, int] | None,
    fill_from: Sequence[str] | str | None,
) -> list[tuple[str, pd.DataFrame]]:
    """Other stored datasets' importer reports of flows from this dataset's non-reporters."""
    stored = [d for d in store_data.trade_datasets(store) if d["dataset_id"] != dataset_id]
    if fill_from:
        wanted = [fill_from] if isinstance(fill_from, str) else list(fill_from)
        ids = [choose_dataset(store, w, years) for w in wanted]
        if dataset_id in ids:
            ids.remove(dataset_id)
    else:
        ids = sorted(d["dataset_id"] for d in stored if "importer" in (d["reporters"] or []))
    exporters = sorted(
        {str(c) for c in pd.concat([rows["exporter"], rows["importer"]]).unique() if is_country(str(c))}
    )
    return [(i, store_data.partner_import_rows(store, i, exporters, years)) for i in ids]


def load_flows(
    dataset: str | None = None,
    years: tuple[int, int] | None = None,
    view: View = DEFAULT_VIEW,
    *,
    product: str | None = "TOTAL",
    store: Store | None = None,
) -> tuple[pd.DataFrame, str]:
    """Directed flows of one stored dataset in one view, and the dataset id used."""
    data = load_trade(dataset, years, view, product=product, store=store)
    return data.flows, data.dataset_id


# -- coverage and reasons ------------------------------------------------------------------------
@dataclass
class Coverage:
    """Which countries the view covers per year, which years are world matrices, and why not."""

    export_partners: dict[tuple[int, str], int]
    import_partners: dict[tuple[int, str], int]
    dataset_id: str
    view: str
    basis: str

    @classmethod
    def of(cls, data: TradeData) -> Coverage:
        xp, mp = _partner_counts(data.flows)
        return cls(xp, mp, data.dataset_id, data.view, data.basis)

    @cached_property
    def by_year(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for (y, c), n in self.export_partners.items():
            if n >= MIN_PARTNERS and self.import_partners.get((y, c), 0) >= MIN_PARTNERS:
                out.setdefault(y, set()).add(c)
        return out

    def covered(self, year: int, country: str) -> bool:
        return country in self.by_year.get(int(year), set())

    def world(self, year: int) -> bool:
        return len(self.by_year.get(int(year), ())) >= MIN_WORLD_COUNTRIES

    def country_reason(self, year: int, country: str) -> str | None:
        """Why a country's totals in a year are not its trade with the world, or None."""
        year = int(year)
        if self.covered(year, country):
            return None
        nx = self.export_partners.get((year, country), 0)
        nm = self.import_partners.get((year, country), 0)
        where = f"{self.dataset_id} ({self.view} view)"
        if nx == 0 and nm == 0:
            return f"{country} has no flows in {where} for {year}"
        if nx == 0:
            text = f"{country} reports no exports to {where} in {year}"
            if self.view == "reconciled":
                return text + " and no stored dataset has its partners' import reports for that year"
            if self.basis == "export_reports":
                return text + "; the reconciled view fills them from its partners' import reports"
            return text
        return (
            f"{country} has {nx} export and {nm} import partner countries in {where} for {year}, "
            f"fewer than {MIN_PARTNERS}: its totals there are not its trade with the world"
        )

    def world_reason(self, year: int) -> str | None:
        """Why a year is not a world matrix (world trade unknown), or None."""
        if self.world(year):
            return None
        n = len(self.by_year.get(int(year), ()))
        return (
            f"{self.dataset_id} is not a world matrix in {int(year)}: {n} countries have flows with at "
            f"least {MIN_PARTNERS} partners, {MIN_WORLD_COUNTRIES} are needed to know world trade "
            "(intensity and introversion divide by it)"
        )

    def members_reason(self, year: int, members: Collection[str]) -> str | None:
        reasons = [r for c in sorted(members) if (r := self.country_reason(year, c))]
        if not members:
            return f"the region has no members in {int(year)}"
        return "; ".join(reasons) if reasons else None


def _partner_counts(flows: pd.DataFrame) -> tuple[dict, dict]:
    """Partner countries per (year, country) on the export side and on the import side."""
    others = [WORLD, *NON_COUNTRY_PARTNERS]
    countries = flows[~flows["exporter"].isin(others) & ~flows["importer"].isin(others)]
    side = countries["side"] if "side" in countries.columns else pd.Series("xm", index=countries.index)
    xs = countries[side != "m"]
    ms = countries[side != "x"]
    exp = xs.groupby(["year", "exporter"])["importer"].nunique()
    imp = ms.groupby(["year", "importer"])["exporter"].nunique()
    return _by_year_country(exp), _by_year_country(imp)


def _by_year_country(counts: pd.Series) -> dict[tuple[int, str], int]:
    """A count indexed by (year, country) as a dict."""
    years = counts.index.get_level_values(0)
    countries = counts.index.get_level_values(1)
    return {(int(y), str(c)): int(n) for y, c, n in zip(years, countries, counts, strict=True)}


def covered(flows: pd.DataFrame, min_partners: int = MIN_PARTNERS) -> dict[int, set[str]]:
    """Countries per year with at least ``min_partners`` export partners and as many import partners.

    Both directions count: in an exports-only dataset a country that never reports still has
    imports (its partners' exports) but no exports, and must not pass for covered. Partners are
    countries (the world total and non-country partners do not count).
    """
    exp, imp = _partner_counts(flows)
    out: dict[int, set[str]] = {}
    for (y, c), n in exp.items():
        if n >= min_partners and imp.get((y, c), 0) >= min_partners:
            out.setdefault(y, set()).add(c)
    return out


def _annotate(out: pd.DataFrame, data: TradeData) -> pd.DataFrame:
    out = out.reset_index(drop=True)
    if "dataset_id" not in out.columns:
        out["dataset_id"] = data.dataset_id
    out["view"] = data.view
    out["basis"] = data.basis
    return out


def _units(out: pd.DataFrame, values: bool = True) -> pd.DataFrame:
    out["share_unit"] = SHARE_UNIT
    if values:
        out["value_unit"] = VALUE_UNIT
    return out


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


# -- indicators ----------------------------------------------------------------------------------
def regional_indicators(reg: Region, data: TradeData, years: Sequence[int] | None = None) -> pd.DataFrame:
    """:func:`formulas.regional_trade` for one region with the coverage guards and their reasons.

    One row per year of ``years`` (default: the years in the data); a year whose members are not
    all covered has blank shares, a year that is not a world matrix blank intensities, each with
    its ``reason``. ``fills`` lists members' flows filled from partners' reports.
    """
    cov = data.coverage
    out = formulas.regional_trade(data.flows, reg.members_by_year)
    if years is not None:
        out = out.set_index("year").reindex(list(years)).rename_axis("year").reset_index()
        out["members"] = [len(reg.members(int(y))) for y in out["year"]]
    complete = np.array(
        [cov.members_reason(y, reg.members(int(y))) is None for y in out["year"]], dtype=np.bool_
    )
    world = np.array([cov.world(int(y)) for y in out["year"]], dtype=np.bool_)
    for col in ("intra_trade", "region_trade", "intra_share"):
        out.loc[~complete, col] = np.nan
    for col in ("world_trade", "world_share", "intensity", "extra_intensity", "introversion"):
        out.loc[~(complete & world), col] = np.nan
    out["reason"] = [
        _join(cov.members_reason(y, reg.members(int(y))), cov.world_reason(y)) for y in out["year"]
    ]
    fills = [[f for c in sorted(reg.members(int(y))) for f in data.fills(c, int(y))] for y in out["year"]]
    out["fills"] = pd.Series([f or None for f in fills], index=out.index, dtype=object)
    out.insert(0, "region", reg.id)
    out["year"] = out["year"].astype("int64")
    out["members"] = out["members"].astype("int64")
    out["members_covered"] = complete
    out["world_matrix"] = world
    out["denominator"] = out["denominator"].fillna("partner_sum")
    return _units(_annotate(out, data))


def members_table(reg: Region, data: TradeData) -> pd.DataFrame:
    """Each member's trade with the rest of the region (:func:`formulas.country_regional`), every
    member and year kept: shares blank with a reason where the member is not covered, intensity
    blank with a reason where the year is not a world matrix."""
    cov = data.coverage
    out = formulas.country_regional(data.flows, reg.members_by_year)
    ok = np.array(
        [cov.covered(y, c) for y, c in zip(out["year"], out["country"], strict=True)], dtype=np.bool_
    )
    world = np.array([cov.world(y) for y in out["year"]], dtype=np.bool_)
    out.loc[~ok, ["share", "export_share", "import_share"]] = np.nan
    out.loc[~(ok & world), "intensity"] = np.nan
    out["reason"] = [
        _join(cov.country_reason(y, c), cov.world_reason(y))
        for y, c in zip(out["year"], out["country"], strict=True)
    ]
    out["fills"] = pd.Series(
        [data.fills(c, int(y)) or None for y, c in zip(out["year"], out["country"], strict=True)],
        index=out.index,
        dtype=object,
    )
    out = out.sort_values(["year", "country"])
    return _units(_annotate(out, data), values=False)


def discrepancy(rows: pd.DataFrame, members: set[str]) -> pd.DataFrame:
    """Mirror discrepancy per pair and year: what A reports exporting to B (FOB) against what B
    reports importing from A (CIF), for pairs with a member of ``members`` on either side.

    ``ratio`` = imports reported / exports reported and ``log_gap`` = ln(ratio): 0 when the two
    records agree; about ln(CIF/FOB) = ln 1.06 = 0.058 from freight and insurance alone; far
    from it for unrecorded (shuttle) trade, re-exports or misallocated partners.
    """
    rows = rows[(rows["exporter"] != rows["importer"]) & (rows["value_usd"] > 0)]
    rows = rows[rows["exporter"].map(is_country).astype(bool) & rows["importer"].map(is_country).astype(bool)]
    keys = ["year", "exporter", "importer"]
    x = rows[rows["reporter"] == "exporter"].groupby(keys)["value_usd"].sum().rename("exports_reported")
    m = rows[rows["reporter"] == "importer"].groupby(keys)["value_usd"].sum().rename("imports_reported")
    out = pd.concat([x, m], axis=1, join="inner").reset_index()
    out = out[out["exporter"].isin(members) | out["importer"].isin(members)]
    out["ratio"] = out["imports_reported"] / out["exports_reported"]
    out["log_gap"] = np.log(out["ratio"])
    out["cif_fob_expected"] = CIF_FOB
    return out.sort_values(keys).reset_index(drop=True)


def indicator(
    name: str,
    region_name: str = "c5",
    years: YearsLike | None = None,
    *,
    dataset: str | None = None,
    view: View = DEFAULT_VIEW,
    fill_from: Sequence[str] | str | None = None,
    cif_fob: float = CIF_FOB,
    store: Store | None = None,
) -> pd.DataFrame:
    """One indicator family (see :data:`INDICATORS`) for a region's members over ``years``.

    Rows carry the ``dataset_id``, ``view`` and ``basis`` they come from; shares are fractions
    (``share_unit``); blanked numbers carry a ``reason``.
    """
    if name not in INDICATORS:
        raise UsageError(f"Unknown indicator '{name}': use one of {', '.join(INDICATORS)}.")
    years = year_span(years, "years")
    check_view(view)
    store = _store(store)
    region(region_name, [], store=store)  # an unknown region fails before any data is read
    if name == "discrepancy":
        return _discrepancy(region_name, years, dataset, store)
    product_level = name in PRODUCT_LEVEL
    data = load_trade(
        dataset,
        years,
        view,
        product=None if product_level else "TOTAL",
        fill_from=fill_from,
        cif_fob=cif_fob,
        store=store,
    )
    flows = data.flows
    span = sorted(flows["year"].unique()) if years is None else range(years[0], years[1] + 1)
    reg = region(region_name, span, store=store)
    all_members = set().union(*reg.members_by_year.values()) if reg.members_by_year else set()
    cov = data.coverage
    if name == "regional":
        present = {int(y) for y in flows["year"].unique()}
        return regional_indicators(reg, data, [int(y) for y in span if int(y) in present])
    if name == "members":
        return members_table(reg, data)
    if name in ("partners", "hhi"):
        if name == "partners":
            out = formulas.partner_shares(flows, "trade")
            out["partner_kind"] = np.where(
                out["partner"].isin(list(NON_COUNTRY_PARTNERS)), "non_country", "country"
            )
        else:
            out = formulas.herfindahl(flows, "trade")
        out = out[out["country"].isin(all_members)]
        ok = np.array(
            [cov.covered(y, c) for y, c in zip(out["year"], out["country"], strict=True)], dtype=bool
        )
        out = out[ok].sort_values(["year", "country"])
        return _units(_annotate(out, data), values=name == "partners")
    if name == "intensity":
        out = formulas.trade_intensity(flows)
        keep = [
            e in reg.members(int(y)) and i in reg.members(int(y))
            for y, e, i in zip(out["year"], out["exporter"], out["importer"], strict=True)
        ]
        out = out[np.asarray(keep, dtype=bool)].copy()
        ok = np.array(
            [cov.covered(y, e) for y, e in zip(out["year"], out["exporter"], strict=True)], dtype=bool
        )
        world = np.array([cov.world(y) for y in out["year"]], dtype=bool)
        out.loc[~ok, "export_share"] = np.nan
        out.loc[~(ok & world), "intensity"] = np.nan
        out["reason"] = [
            _join(cov.country_reason(y, e), cov.world_reason(y))
            for y, e in zip(out["year"], out["exporter"], strict=True)
        ]
        return _units(_annotate(out.sort_values(["year", "exporter", "importer"]), data))
    if name == "flows":
        near = flows["exporter"].isin(all_members) | flows["importer"].isin(all_members)
        out = flows[near].rename(columns={"value": "value_usd"}).sort_values(["year", "exporter", "importer"])
        return _annotate(out, data)
    if name == "rca":
        out = formulas.rca(flows)
        out = out[out["country"].isin(all_members)]
    elif name == "complementarity":
        out = formulas.complementarity(flows, countries=sorted(all_members))
    else:
        out = formulas.grubel_lloyd(flows)
        out = out[out["country"].isin(all_members) & out["partner"].isin(all_members)]
    return _annotate(out, data)


def _discrepancy(
    region_name: str, years: tuple[int, int] | None, dataset: str | None, store: Store
) -> pd.DataFrame:
    dataset_id = choose_dataset(store, dataset, years)
    rows = store_data.trade_rows(store, dataset_id, years)
    reports = set(rows["reporter"].unique()) if not rows.empty else set()
    if not {"exporter", "importer"} <= reports:
        raise NotFoundError(
            f"The mirror discrepancy needs exporters' and importers' reports of the same flows; "
            f"dataset {dataset_id} holds only {', '.join(sorted(reports)) or 'no'} reports: use "
            "dataset 'imf_dots'.",
            params=("dataset",),
        )
    span = sorted(rows["year"].unique()) if years is None else range(years[0], years[1] + 1)
    reg = region(region_name, span, store=store)
    members = set().union(*reg.members_by_year.values()) if reg.members_by_year else set()
    out = discrepancy(rows, members)
    out["dataset_id"] = dataset_id
    out["view"] = "exports vs imports"
    out["value_unit"] = VALUE_UNIT
    return out


def compare_regions(
    regions: Sequence[str] | None = None,
    years: YearsLike | None = None,
    *,
    dataset: str | None = None,
    view: View = DEFAULT_VIEW,
    fill_from: Sequence[str] | str | None = None,
    cif_fob: float = CIF_FOB,
    store: Store | None = None,
) -> pd.DataFrame:
    """Intra-regional share, intensity and introversion of the C5 and its peers on ONE dataset.

    Default regions: the C5 and :data:`~steppe.indicators.regions.PEERS`. Without ``dataset``
    the stored dataset that is a world matrix (then covers most of the years) is used, so that
    every region is measured on the same data and view; a region whose members the dataset does
    not cover in a year gets a row with blank values and the ``reason``, never numbers from
    another source.
    """
    years = year_span(years, "years")
    store = _store(store)
    names = list(regions) if regions else ["c5", *PEERS]
    try:
        data = load_trade(
            dataset, years, view, prefer_world=True, fill_from=fill_from, cif_fob=cif_fob, store=store
        )
    except NotFoundError as exc:
        if "No bilateral trade is stored" in str(exc):
            raise NotFoundError(
                f"No bilateral trade is stored; run '{FETCH_COMMANDS['trade_world']}' first."
            ) from None
        raise
    span = sorted(int(y) for y in data.flows["year"].unique())
    if years is not None:
        span = [y for y in span if years[0] <= y <= years[1]]
    frames = [regional_indicators(region(n, span, store=store), data, span) for n in names]
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["region", "year"]).reset_index(drop=True)
