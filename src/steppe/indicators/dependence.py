"""Dependence of each Central Asian state on the external powers, and how balanced it is.

Per country and year: the shares of China, Russia, the EU27, the United States, Turkey and
Iran in its total goods trade (exports + imports, from the stored bilateral flows, over its
reported world total where the dataset has one); Chinese official finance committed to it
(AidData GCDF, constant US$); personal remittances received as a share of GDP (WDI); and a
multi-vector balance measure, the normalised Shannon entropy of the six powers' shares
(1 = trade spread evenly over the six, 0 = all with one of them). Beside the states, one row
for the region as a whole (``country`` 'C5'), computed from the members' summed flows and
totals, not by averaging their shares. Shares are fractions (``share_unit``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from steppe.dates import YearsLike
from steppe.indicators import formulas
from steppe.indicators.regions import fixed_regions
from steppe.indicators.views import DEFAULT_VIEW, View
from steppe.kb.queries import C5
from steppe.store import Store
from steppe.store import data as store_data

#: Remittances, % of GDP (WDI), or the two series it is the ratio of.
REMITTANCES_PCT = "BX.TRF.PWKR.DT.GD.ZS"
REMITTANCES_USD = "BX.TRF.PWKR.CD.DT"
GDP_USD = "NY.GDP.MKTP.CD"


def powers() -> dict[str, frozenset[str]]:
    """The external powers as partner groups: CHN, RUS, EU27 (fixed list), USA, TUR, IRN."""
    eu = frozenset(fixed_regions()["eu27"]["members"])
    return {
        "CHN": frozenset({"CHN"}),
        "RUS": frozenset({"RUS"}),
        "EU27": eu,
        "USA": frozenset({"USA"}),
        "TUR": frozenset({"TUR"}),
        "IRN": frozenset({"IRN"}),
    }


def power_shares(
    flows: pd.DataFrame,
    countries: Sequence[str] = C5,
    groups: Mapping[str, frozenset[str]] | None = None,
    *,
    region: tuple[str, Mapping[int, frozenset[str]]] | None = None,
) -> pd.DataFrame:
    """Each power's share of each country's total trade, plus the balance among them.

    Returns ``year, country, share_<POWER>..., powers_share, balance, denominator`` where
    ``powers_share`` is the six powers' combined share and ``balance`` the normalised entropy of
    their shares. ``region`` = (label, members by year) adds one row per year for the region as
    a whole: sum over members of their trade with the power / sum of members' total trade
    (summed flows; trade among the members counts in the total, as it does in each member's).
    """
    groups = dict(groups or powers())
    shares = formulas.partner_shares(flows, "trade")
    wanted = set(countries)
    if region is not None:
        wanted |= set().union(*region[1].values()) if region[1] else set()
    shares = shares[shares["country"].isin(wanted)]
    keys = ["year", "country"]
    base = shares.groupby(keys, as_index=False).agg(
        total=("total", "first"), denominator=("denominator", "first")
    )
    for name, members in groups.items():
        part = shares[shares["partner"].isin(members)].groupby(keys)["value"].sum()
        base = base.merge(part.rename(f"value_{name}").reset_index(), on=keys, how="left")
        base[f"value_{name}"] = base[f"value_{name}"].fillna(0.0)
    rows = [base[base["country"].isin(countries)]]
    if region is not None:
        label, by_year = region
        inside = base[
            [c in by_year.get(int(y), ()) for y, c in zip(base["year"], base["country"], strict=True)]
        ]
        how: dict[str, Any] = {"total": "sum", "denominator": _all_world}
        how.update({f"value_{n}": "sum" for n in groups})
        summed = inside.groupby("year").agg(how)
        rows.append(summed.reset_index().assign(country=label))
    out = pd.concat(rows, ignore_index=True).sort_values(keys).reset_index(drop=True)
    for name in groups:
        out[f"share_{name}"] = out[f"value_{name}"] / out["total"]
    cols = [f"share_{n}" for n in groups]
    out["powers_share"] = out[cols].sum(axis=1)
    out["balance"] = [formulas.normalised_entropy(row) for row in out[cols].to_numpy()]
    return out[["year", "country", *cols, "powers_share", "balance", "denominator"]]


def _all_world(denominators: pd.Series) -> str:
    """'world_total' when every member's total is a reported world total, else 'partner_sum'."""
    return "world_total" if (denominators == "world_total").all() else "partner_sum"


def chinese_finance(store: Store, countries: Sequence[str], years: tuple[int, int] | None) -> pd.DataFrame:
    """Chinese official finance commitments per recipient and year (constant US$), all flow classes."""
    rows = store_data.finance_by_recipient_year(store, countries, years)
    if rows.empty:
        return pd.DataFrame(columns=["year", "country", "china_finance_usd_constant"])
    total = rows.groupby(["recipient", "year"])["amount_usd_constant"].sum(min_count=1).reset_index()
    return total.rename(columns={"recipient": "country", "amount_usd_constant": "china_finance_usd_constant"})


def remittances_share(rows: pd.DataFrame, region: tuple[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Remittances as a share of GDP from ``country_indicators`` rows: the WDI ratio (% / 100),
    else USD / GDP. ``remittances_share_gdp`` is a fraction; ``remittances_pct_gdp`` the same in
    percent (kept for the JSON contract). ``region`` = (label, members) adds the region's
    summed remittances over its summed GDP where both are stored for every member."""
    columns = ["year", "country", "remittances_share_gdp", "remittances_pct_gdp"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    wide = rows.pivot_table(index=["iso3", "year"], columns="indicator", values="value", aggfunc="last")
    share = wide[REMITTANCES_PCT] / 100.0 if REMITTANCES_PCT in wide else pd.Series(np.nan, index=wide.index)
    parts = []
    if REMITTANCES_USD in wide and GDP_USD in wide:
        ratio = wide[REMITTANCES_USD] / wide[GDP_USD].where(wide[GDP_USD] > 0)
        share = share.fillna(ratio)
        if region is not None:
            label, members = region
            sub = wide[wide.index.get_level_values("iso3").isin(list(members))][[REMITTANCES_USD, GDP_USD]]
            complete = sub.dropna().groupby(level="year").filter(lambda g: len(g) == len(set(members)))
            summed = complete.groupby(level="year").sum()
            if len(summed):
                parts.append(
                    pd.DataFrame(
                        {
                            "year": summed.index,
                            "country": label,
                            "remittances_share_gdp": (summed[REMITTANCES_USD] / summed[GDP_USD]).to_numpy(),
                        }
                    )
                )
    out = share.rename("remittances_share_gdp").reset_index().rename(columns={"iso3": "country"})
    out = pd.concat([out, *parts], ignore_index=True).dropna(subset=["remittances_share_gdp"])
    out["remittances_pct_gdp"] = 100.0 * out["remittances_share_gdp"]
    return out[columns]


def dependence(
    years: YearsLike | None = None,
    countries: Sequence[str] = C5,
    *,
    dataset: str | None = None,
    view: View = DEFAULT_VIEW,
    region: str | None = "c5",
    store: Store | None = None,
) -> pd.DataFrame:
    """The dependence table per country and year, plus one row per year for ``region`` as a
    whole (``country`` = the region id in upper case, e.g. 'C5'; None for no region row).

    Missing sources leave their columns empty. A state whose trade the dataset does not cover
    (fewer than 20 partner countries on a side) gets blank trade shares and a ``reason``; the
    region row is blank unless every member is covered.
    """
    from steppe.dates import year_span
    from steppe.errors import NotFoundError
    from steppe.indicators.compute import SHARE_UNIT, _store, load_trade
    from steppe.indicators.regions import region as find_region

    years = year_span(years, "years")
    store = _store(store)
    label = region.upper() if region else None
    try:
        data = load_trade(dataset, years, view, store=store)
    except NotFoundError:
        data = None
    members: dict[int, frozenset[str]] = {}
    if data is not None:
        span = sorted(int(y) for y in data.flows["year"].unique())
        if region:
            members = find_region(region, span, store=store).members_by_year
        trade = power_shares(data.flows, countries, region=(region.upper(), members) if region else None)
        cov = data.coverage
        reasons = []
        for y, c in zip(trade["year"], trade["country"], strict=True):
            reasons.append(
                cov.members_reason(y, members.get(int(y), ())) if c == label else cov.country_reason(y, c)
            )
        trade["reason"] = reasons
        share_cols = [c for c in trade.columns if c.startswith("share_")] + ["powers_share", "balance"]
        trade.loc[trade["reason"].notna(), share_cols] = np.nan
        trade = trade.assign(trade_dataset_id=data.dataset_id, view=data.view, basis=data.basis)
    else:
        trade = pd.DataFrame(columns=["year", "country"])
    everyone = (
        list(countries) + sorted(set().union(*members.values()) - set(countries)) if members else countries
    )
    finance = chinese_finance(store, everyone, years)
    if label is not None and len(finance):
        inside = finance[
            [c in members.get(int(y), ()) for y, c in zip(finance["year"], finance["country"], strict=True)]
        ]
        region_finance = inside.groupby("year", as_index=False)["china_finance_usd_constant"].sum()
        finance = pd.concat(
            [finance[finance["country"].isin(countries)], region_finance.assign(country=label)],
            ignore_index=True,
        )
    remit_members = sorted(set().union(*members.values())) if members else []
    remit = remittances_share(
        store_data.country_indicator_rows(
            store, [REMITTANCES_PCT, REMITTANCES_USD, GDP_USD], everyone, years
        ),
        (label, remit_members) if label and remit_members else None,
    )
    remit = remit[remit["country"].isin([*countries, label])]
    out = trade
    for part in (finance, remit):
        out = out.merge(part, on=["year", "country"], how="outer")
    if out.empty:
        return out
    out["year"] = out["year"].astype("int64")
    out["share_unit"] = SHARE_UNIT
    order = {c: i for i, c in enumerate([*countries, label])}
    out = out.assign(_order=out["country"].map(order)).sort_values(["_order", "year"])
    return out.drop(columns="_order").reset_index(drop=True)
