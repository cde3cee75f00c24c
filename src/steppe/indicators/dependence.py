"""Dependence of each Central Asian state on the external powers, and how balanced it is.

Per country and year: the shares of China, Russia, the EU27, the United States, Turkey and
Iran in its total goods trade (exports + imports, from the stored bilateral flows); Chinese
official finance committed to it (AidData GCDF, constant US$); personal remittances received
as a share of GDP (WDI); and a multi-vector balance measure, the normalised Shannon entropy
of the six powers' shares (1 = trade spread evenly over the six, 0 = all with one of them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from steppe.indicators import formulas
from steppe.indicators.regions import fixed_regions
from steppe.indicators.views import View
from steppe.kb.queries import C5
from steppe.store import Store
from steppe.store import indicators as sql

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
) -> pd.DataFrame:
    """Each power's share of each country's total trade, plus the balance among them.

    Returns ``year, country, share_<POWER>..., powers_share, balance`` where ``powers_share``
    is the six powers' combined share and ``balance`` the normalised entropy of their shares.
    """
    groups = dict(groups or powers())
    shares = formulas.partner_shares(flows, "trade")
    shares = shares[shares["country"].isin(countries)]
    out = shares[["year", "country"]].drop_duplicates().sort_values(["year", "country"])
    out = out.reset_index(drop=True)
    for name, members in groups.items():
        part = shares[shares["partner"].isin(members)].groupby(["year", "country"])["share"].sum()
        out = out.merge(part.rename(f"share_{name}").reset_index(), on=["year", "country"], how="left")
        out[f"share_{name}"] = out[f"share_{name}"].fillna(0.0)
    cols = [f"share_{n}" for n in groups]
    out["powers_share"] = out[cols].sum(axis=1)
    out["balance"] = [formulas.normalised_entropy(row) for row in out[cols].to_numpy()]
    return out


def chinese_finance(store: Store, countries: Sequence[str], years: tuple[int, int] | None) -> pd.DataFrame:
    """Chinese official finance commitments per recipient and year (constant US$), all flow classes."""
    rows = sql.finance_by_recipient_year(store, countries, years)
    if rows.empty:
        return pd.DataFrame(columns=["year", "country", "china_finance_usd_constant"])
    total = rows.groupby(["recipient", "year"], as_index=False)["amount_usd_constant"].sum(min_count=1)
    return total.rename(columns={"recipient": "country", "amount_usd_constant": "china_finance_usd_constant"})


def remittances_share(rows: pd.DataFrame) -> pd.DataFrame:
    """Remittances % of GDP from ``country_indicators`` rows: the WDI ratio, else USD / GDP x 100."""
    if rows.empty:
        return pd.DataFrame(columns=["year", "country", "remittances_pct_gdp"])
    wide = rows.pivot_table(index=["iso3", "year"], columns="indicator", values="value", aggfunc="last")
    pct = wide[REMITTANCES_PCT] if REMITTANCES_PCT in wide else pd.Series(np.nan, index=wide.index)
    if REMITTANCES_USD in wide and GDP_USD in wide:
        ratio = 100.0 * wide[REMITTANCES_USD] / wide[GDP_USD].where(wide[GDP_USD] > 0)
        pct = pct.fillna(ratio)
    out = pct.rename("remittances_pct_gdp").reset_index().rename(columns={"iso3": "country"})
    return out.dropna(subset=["remittances_pct_gdp"])


def dependence(
    years: tuple[int, int] | None = None,
    countries: Sequence[str] = C5,
    *,
    dataset: str | None = None,
    view: View = "mirror",
    store: Store | None = None,
) -> pd.DataFrame:
    """The dependence table per country and year; missing sources leave their columns empty."""
    from steppe.errors import NotFoundError
    from steppe.indicators.compute import _store, covered, load_flows

    store = _store(store)
    try:
        flows, dataset_id = load_flows(dataset, years, view, store=store)
    except NotFoundError:
        flows, dataset_id = None, None
    if flows is not None:
        trade = power_shares(flows, countries)
        cover = covered(flows)
        trade = trade[
            [c in cover.get(int(y), set()) for y, c in zip(trade["year"], trade["country"], strict=True)]
        ]
        trade = trade.assign(trade_dataset_id=dataset_id, view=view)
    else:
        trade = pd.DataFrame(columns=["year", "country"])
    finance = chinese_finance(store, countries, years)
    remit = remittances_share(
        sql.country_indicator_rows(store, [REMITTANCES_PCT, REMITTANCES_USD, GDP_USD], countries, years)
    )
    out = trade
    for part in (finance, remit):
        out = out.merge(part, on=["year", "country"], how="outer")
    if out.empty:
        return out
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["country", "year"]).reset_index(drop=True)
