"""Which report of a flow to use: the exporter's, the importer's, or the one filled from the mirror.

The ``trade_flows`` table holds each flow as one party reported it (``reporter`` is
'exporter', 'importer' or 'reconciled'). The indicator formulas need one value per directed
flow; a *view* picks it:

- ``exports``: the exporter's report (FOB as a rule).
- ``imports``: the importer's report (CIF as a rule), i.e. the mirror of the exporter's.
- ``mirror``: the exporter's report where there is one, else the importer's report of the
  same flow (mirror filling, how non-reporters such as Turkmenistan are covered), else a
  reconciled value (so reconciled-only datasets such as the HMR gravity file work too).
- ``reconciled``: flows already reconciled by the source (BACI, the HMR gravity file).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from steppe.errors import UsageError

View = Literal["exports", "imports", "mirror", "reconciled"]
VIEWS: tuple[str, ...] = ("exports", "imports", "mirror", "reconciled")

_KEYS = ["year", "exporter", "importer", "product"]

#: Partner codes that are totals, not countries (connectors store a reporter's world total as
#: partner 'WLD'); they are dropped so that totals are sums over real partners.
AGGREGATE_CODES = frozenset({"WLD"})


def check_view(view: str) -> str:
    if view not in VIEWS:
        raise UsageError(f"Unknown trade view '{view}': use one of {', '.join(VIEWS)}.")
    return view


def directed_flows(trade_flows: pd.DataFrame, view: View = "mirror") -> pd.DataFrame:
    """One value per (year, exporter, importer, product) from ``trade_flows`` rows.

    Input columns: those of the ``trade_flows`` table (``value_usd`` and ``reporter`` at
    least). Output: ``year, exporter, importer, product, value`` with positive values; self
    flows and world totals (partner 'WLD') dropped; duplicates within one report summed.
    """
    check_view(view)
    if trade_flows.empty:
        return pd.DataFrame(columns=[*_KEYS, "value"])
    frame = trade_flows
    if "product" not in frame.columns:
        frame = frame.assign(product="TOTAL")
    frame = frame[
        (frame["exporter"] != frame["importer"])
        & frame["value_usd"].notna()
        & ~frame["exporter"].isin(AGGREGATE_CODES)
        & ~frame["importer"].isin(AGGREGATE_CODES)
    ]
    frame = frame[frame["value_usd"] > 0]

    def report(who: str) -> pd.DataFrame:
        part = frame[frame["reporter"] == who]
        return part.groupby(_KEYS, as_index=False, sort=False)["value_usd"].sum()

    if view == "exports":
        chosen = report("exporter")
    elif view == "imports":
        chosen = report("importer")
    elif view == "reconciled":
        chosen = report("reconciled")
    else:
        chosen = report("exporter")
        for fallback in ("importer", "reconciled"):
            extra = report(fallback)
            if extra.empty:
                continue
            merged = extra.merge(chosen[_KEYS], on=_KEYS, how="left", indicator=True)
            fill = merged[merged["_merge"] == "left_only"].drop(columns="_merge")
            chosen = pd.concat([chosen, fill], ignore_index=True)
    out = chosen.rename(columns={"value_usd": "value"})
    out["year"] = out["year"].astype("int64")
    return out[[*_KEYS, "value"]].reset_index(drop=True)
