"""Indicators from the store: pick a dataset and a trade view, apply the formulas, guard coverage.

This is the I/O edge of :mod:`steppe.indicators`; the formulas themselves are pure
(:mod:`steppe.indicators.formulas`). Two guards keep numbers honest:

- a *country* is covered in a year when the view holds flows with at least
  :data:`MIN_PARTNERS` partners for it (otherwise its totals are not its world totals, as in
  an extract that keeps only flows with Central Asia); indicators of a region whose members
  are not all covered are left empty;
- a *year* is a world matrix when at least :data:`MIN_WORLD_COUNTRIES` countries are covered:
  intensity and introversion divide by world trade and are left empty otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.indicators import formulas
from steppe.indicators.regions import PEERS, Region, region
from steppe.indicators.views import View, check_view, directed_flows
from steppe.store import Store
from steppe.store import indicators as sql

MIN_PARTNERS = 20
MIN_WORLD_COUNTRIES = 100

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
    "rca": "revealed comparative advantage of each member by product (product-level data)",
    "complementarity": "trade complementarity between members (product-level data)",
    "grubel-lloyd": "Grubel-Lloyd intra-industry trade between members (product-level data)",
}


def _store(store: Store | None) -> Store:
    from steppe.kb.sync import kb_store

    return kb_store(store)


def choose_dataset(
    store: Store,
    dataset: str | None = None,
    years: tuple[int, int] | None = None,
    product: str | None = "TOTAL",
) -> str:
    """The dataset id to read: ``dataset`` given as an id or a source, else the best stored one.

    Without ``dataset``, the stored dataset covering most of ``years`` wins, then the longest
    series, then the one with more rows.
    """
    stored = sql.trade_datasets(store, product=product)
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
        return found[-1]["dataset_id"]
    first, last = years if years else (-(10**9), 10**9)

    def overlap(d: dict[str, Any]) -> int:
        return max(0, min(last, d["last_year"]) - max(first, d["first_year"]) + 1)

    def score(d: dict[str, Any]) -> tuple:
        return (overlap(d), d["years"], d["rows"])

    return max(stored, key=score)["dataset_id"]


def load_flows(
    dataset: str | None = None,
    years: tuple[int, int] | None = None,
    view: View = "mirror",
    *,
    product: str | None = "TOTAL",
    store: Store | None = None,
) -> tuple[pd.DataFrame, str]:
    """Directed flows of one stored dataset in one view, and the dataset id used."""
    check_view(view)
    store = _store(store)
    dataset_id = choose_dataset(store, dataset, years, product)
    rows = sql.trade_rows(store, dataset_id, years, product)
    flows = directed_flows(rows, view)
    if flows.empty:
        available = sorted(rows["reporter"].unique()) if not rows.empty else []
        raise NotFoundError(
            f"Dataset {dataset_id} has no flows in the '{view}' view for these years "
            f"(its reports: {', '.join(available) or 'none'}); pick another --view or --years."
        )
    return flows, dataset_id


def covered(flows: pd.DataFrame, min_partners: int = MIN_PARTNERS) -> dict[int, set[str]]:
    """Countries per year with at least ``min_partners`` export partners and as many import partners.

    Both directions count: in an exports-only dataset a country that never reports still has
    imports (its partners' exports) but no exports, and must not pass for covered.
    """
    exp = flows.groupby(["year", "exporter"])["importer"].nunique()
    imp = flows.groupby(["year", "importer"])["exporter"].nunique()
    exp = exp[exp >= min_partners].index
    imp = imp[imp >= min_partners].index
    both = exp.intersection(imp.rename(["year", "exporter"]))
    out: dict[int, set[str]] = {}
    for y, c in both:
        out.setdefault(int(y), set()).add(c)
    return out


def _covered_rows(frame: pd.DataFrame, cover: dict[int, set[str]]) -> pd.DataFrame:
    """Rows whose ``country`` is covered in their ``year`` (its totals are its world totals)."""
    keep = [c in cover.get(int(y), set()) for y, c in zip(frame["year"], frame["country"], strict=True)]
    return frame[np.asarray(keep, dtype=bool)]


def regional_indicators(
    reg: Region, flows: pd.DataFrame, dataset_id: str, cover: dict[int, set[str]] | None = None
) -> pd.DataFrame:
    """:func:`formulas.regional_trade` for one region with the coverage guards applied."""
    cover = covered(flows) if cover is None else cover
    out = formulas.regional_trade(flows, reg.members_by_year)
    complete = np.array([reg.members(int(y)) <= cover.get(int(y), set()) for y in out["year"]])
    world = np.array([len(cover.get(int(y), ())) >= MIN_WORLD_COUNTRIES for y in out["year"]])
    for col in ("intra_trade", "region_trade", "intra_share"):
        out.loc[~complete, col] = np.nan
    for col in ("world_trade", "world_share", "intensity", "extra_intensity", "introversion"):
        out.loc[~(complete & world), col] = np.nan
    out.insert(0, "region", reg.id)
    out["members_covered"] = complete
    out["world_matrix"] = world
    out["dataset_id"] = dataset_id
    return out


def indicator(
    name: str,
    region_name: str = "c5",
    years: tuple[int, int] | None = None,
    *,
    dataset: str | None = None,
    view: View = "mirror",
    store: Store | None = None,
) -> pd.DataFrame:
    """One indicator family (see :data:`INDICATORS`) for a region's members over ``years``.

    Rows carry the ``dataset_id`` and ``view`` they come from.
    """
    if name not in INDICATORS:
        raise UsageError(f"Unknown indicator '{name}': use one of {', '.join(INDICATORS)}.")
    store = _store(store)
    region(region_name, [], store=store)  # an unknown region fails before any data is read
    product_level = name in ("rca", "complementarity", "grubel-lloyd")
    flows, dataset_id = load_flows(
        dataset, years, view, product=None if product_level else "TOTAL", store=store
    )
    span = sorted(flows["year"].unique()) if years is None else range(years[0], years[1] + 1)
    reg = region(region_name, span, store=store)
    all_members = set().union(*reg.members_by_year.values()) if reg.members_by_year else set()
    if name == "regional":
        out = regional_indicators(reg, flows, dataset_id)
    elif name == "members":
        out = _covered_rows(formulas.country_regional(flows, reg.members_by_year), covered(flows))
    elif name == "partners":
        out = formulas.partner_shares(flows, "trade")
        out = _covered_rows(out[out["country"].isin(all_members)], covered(flows))
    elif name == "hhi":
        out = formulas.herfindahl(flows, "trade")
        out = _covered_rows(out[out["country"].isin(all_members)], covered(flows))
    elif name == "intensity":
        out = formulas.trade_intensity(flows)
        cover = covered(flows)
        keep = [
            e in reg.members(int(y))
            and i in reg.members(int(y))
            and len(cover.get(int(y), ())) >= MIN_WORLD_COUNTRIES
            for y, e, i in zip(out["year"], out["exporter"], out["importer"], strict=True)
        ]
        out = out[keep]
    elif name == "rca":
        out = formulas.rca(flows)
        out = out[out["country"].isin(all_members)]
    elif name == "complementarity":
        out = formulas.complementarity(flows, countries=sorted(all_members))
    else:
        out = formulas.grubel_lloyd(flows)
        out = out[out["country"].isin(all_members) & out["partner"].isin(all_members)]
    out = out.reset_index(drop=True)
    if "dataset_id" not in out.columns:
        out["dataset_id"] = dataset_id
    out["view"] = view
    return out


def compare_regions(
    regions: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    *,
    dataset: str | None = None,
    view: View = "mirror",
    store: Store | None = None,
) -> pd.DataFrame:
    """Intra-regional share, intensity and introversion of the C5 and its peers, per year and dataset.

    Default regions: the C5 and :data:`~steppe.indicators.regions.PEERS`. Without ``dataset``
    every stored trade dataset is used and each row names its ``dataset_id`` (sources are
    never mixed within a row); rows where a region's members are not all covered are dropped.
    """
    store = _store(store)
    names = list(regions) if regions else ["c5", *PEERS]
    if dataset:
        ids = [choose_dataset(store, dataset, years)]
    else:
        ids = [d["dataset_id"] for d in sql.trade_datasets(store)]
        if not ids:
            raise NotFoundError(f"No bilateral trade is stored; run '{FETCH_COMMANDS['trade_world']}' first.")
    frames = []
    for dataset_id in ids:
        try:
            flows, _ = load_flows(dataset_id, years, view, store=store)
        except NotFoundError:
            continue
        span = sorted(int(y) for y in flows["year"].unique())
        cover = covered(flows)
        for n in names:
            part = regional_indicators(region(n, span, store=store), flows, dataset_id, cover)
            frames.append(part[part["members_covered"]])
    if not frames:
        return pd.DataFrame(columns=["region", "year", "intra_share", "introversion", "dataset_id"])
    out = pd.concat(frames, ignore_index=True)
    out["view"] = view
    return out.sort_values(["region", "dataset_id", "year"]).reset_index(drop=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-able dicts (NaN becomes None, numpy scalars become Python scalars)."""
    clean = frame.astype(object).where(frame.notna(), None)
    rows = clean.to_dict(orient="records")
    for row in rows:
        for k, v in row.items():
            if isinstance(v, np.generic):
                row[k] = v.item()
    return rows
