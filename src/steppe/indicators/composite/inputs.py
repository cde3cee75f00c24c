"""The country-year inputs a methodology can name, and how each is read from the store.

Trade inputs come from the stored bilateral flows (one dataset, one view: the methodology's
``trade`` block, default the ``reported`` view); a trade input the dataset cannot give (a
member not covered, an intensity on a dataset that is not a world matrix) is left out with its
reason in the provenance. Institutional inputs come from the knowledge base, read as of 1 July
of each year like dynamic regions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from steppe.errors import NotFoundError
from steppe.indicators.composite.methodology import Methodology
from steppe.store import Store

#: Input name -> what it measures (docs/indicators.md gives the formulas).
INPUTS: dict[str, str] = {
    "trade_share_with_region": "share of the other region members in the country's total trade",
    "export_share_to_region": "share of the other region members in the country's exports",
    "import_share_from_region": "share of the other region members in the country's imports",
    "trade_intensity_with_region": "WITS trade intensity of the country's exports towards the region "
    "(needs a world matrix)",
    "kb_shared_organisations": "organisations in the knowledge base in which the country and at least one "
    "other region member are full members",
    "kb_partner_coverage": "share of the other region members with which the country shares at least one "
    "full membership",
}

_TRADE = {
    "trade_share_with_region": "share",
    "export_share_to_region": "export_share",
    "import_share_from_region": "import_share",
    "trade_intensity_with_region": "intensity",
}


def full_membership_roles() -> frozenset[str]:
    """KB roles that count as full membership here: the KB's full-membership roles and 'party'
    (a party to a treaty-based organisation), as the Correlates of War reconciliation counts
    them (:data:`steppe.kb.reconcile.KB_TO_COW`: code 1, full)."""
    from steppe.kb.schema import MEMBER_ROLES

    return frozenset(MEMBER_ROLES)


def institutional_panel(countries: list[str], years: range, store: Store) -> pd.DataFrame:
    """Shared full memberships among ``countries`` per year, from the KB (as of 1 July)."""
    from steppe.kb import queries

    roles = full_membership_roles()
    rows = []
    for y in years:
        ov = queries.overlap(as_of=date(y, 7, 1), countries=countries, store=store)
        full = {
            c: {o for o, role in ov.roles.get(c, {}).items() if set(role.split("+")) & roles}
            for c in countries
        }
        for c in countries:
            others = [o for o in countries if o != c]
            shared_orgs = {org for org in full[c] if any(org in full[o] for o in others)}
            partners = sum(1 for o in others if full[c] & full[o])
            rows.append((c, y, "kb_shared_organisations", float(len(shared_orgs))))
            rows.append((c, y, "kb_partner_coverage", partners / len(others) if others else float("nan")))
    return pd.DataFrame(rows, columns=["unit", "year", "input", "value"])


def gather_panel(method: Methodology, *, store: Store | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The long panel ``unit, year, indicator, value`` for ``method``, and where it came from.

    Inputs whose data are not stored are left out (the missing-data rules then apply); the
    provenance dict names the trade dataset and view used, or the fetch command that would fill
    it, and under ``blank`` each trade input left out for a country-year and why (for example
    ``trade_intensity_with_region`` on a dataset that is not a world matrix).
    """
    from steppe.indicators.compute import FETCH_COMMANDS, _store, load_trade, members_table
    from steppe.indicators.regions import region
    from steppe.indicators.views import DEFAULT_VIEW

    store = _store(store)
    countries = list(method.countries)
    years = range(method.years[0], method.years[1] + 1)
    wanted = {i.input for i in method.indicators}
    parts = []
    view = method.trade.get("view") or DEFAULT_VIEW
    info: dict[str, Any] = {"trade_dataset_id": None, "trade_view": view, "missing": [], "blank": []}
    if wanted & set(_TRADE):
        try:
            data = load_trade(method.trade.get("dataset"), method.years, view, store=store)
        except NotFoundError:
            info["missing"].append({"data": "bilateral trade", "fetch": FETCH_COMMANDS["trade"]})
        else:
            info["trade_dataset_id"] = data.dataset_id
            info["trade_basis"] = data.basis
            reg = region(method.region, years, store=store)
            table = members_table(reg, data)
            table = table[table["country"].isin(countries)]
            for name, col in _TRADE.items():
                if name not in wanted:
                    continue
                part = table[["country", "year", col, "reason"]]
                blank = part[part[col].isna()]
                for y, c, why in zip(blank["year"], blank["country"], blank["reason"], strict=True):
                    info["blank"].append({"input": name, "unit": c, "year": int(y), "reason": why})
                parts.append(
                    part[["country", "year", col]]
                    .set_axis(["unit", "year", "value"], axis=1)
                    .assign(input=name)
                )
    if wanted & {"kb_shared_organisations", "kb_partner_coverage"}:
        parts.append(institutional_panel(countries, years, store))
    long = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["unit", "year", "input", "value"])
    )
    by_input: dict[str, list[str]] = {i.input: [] for i in method.indicators}
    for ind in method.indicators:
        by_input[ind.input].append(ind.id)
    frames = [
        long[long["input"] == inp].assign(indicator=ind_id) for inp, ids in by_input.items() for ind_id in ids
    ]
    panel = pd.concat(frames, ignore_index=True) if frames else long.assign(indicator=[])
    panel = panel.dropna(subset=["value"])
    return panel[["unit", "year", "indicator", "value"]], info
