"""Bilateral frames from the store: trade_flows joined with gravity_covariates.

Reads through :mod:`steppe.store.data` (the connectors' readers); this module only reshapes:
one row per exporter-importer-year with ``trade`` (current US dollars) and the covariates
``dist``, ``contig``, ``comlang_off``, ``colony``, ``comcur`` and ``rta``. Time-invariant
covariates (year NULL) apply to every year.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from steppe.errors import NotFoundError
from steppe.gravity.spec import DataSpec

COVARIATES = ("dist", "contig", "comlang_off", "colony", "comcur", "rta")


def stored_frame(data: DataSpec, store: Any = None) -> pd.DataFrame:
    """The pair-year frame of a ``source: store`` spec, with provenance of both datasets."""
    from steppe.store import data as store_data
    from steppe.store import open_store

    own = store is None
    store = open_store() if own else store
    try:
        flows = store_data.trade_flows(
            store, reporter=data.reporter, product=data.product, dataset=data.dataset
        )
        if flows.empty:
            raise NotFoundError(
                "The store holds no trade flows for this spec; load some first, e.g. 'steppe fetch gravity "
                "--mirror ../shared/data'."
            )
        covariates = store_data.gravity_covariates(store, dataset=data.covariates)
        provenance = {
            "source": "store",
            "trade_flows": str(flows["dataset_id"].iloc[0]),
            "gravity_covariates": str(covariates["dataset_id"].iloc[0]) if len(covariates) else None,
        }
    finally:
        if own:
            store.close()
    frame = flows.rename(columns={"value_usd": "trade"})[["exporter", "importer", "year", "trade"]]
    cov = covariates.rename(columns={"iso_o": "exporter", "iso_d": "importer"})
    fixed = cov[cov["year"].isna()].drop(columns=["year", "dataset_id"])
    timed = cov[cov["year"].notna()].drop(columns=["dataset_id"])
    if len(timed):
        timed = timed.astype({"year": "int64"})
        frame = frame.merge(timed, on=["exporter", "importer", "year"], how="left")
        if len(fixed):
            frame = frame.merge(fixed, on=["exporter", "importer"], how="left", suffixes=("", "_fixed"))
            for col in COVARIATES:
                if f"{col}_fixed" in frame:
                    frame[col] = frame[col].fillna(frame.pop(f"{col}_fixed"))
    else:
        frame = frame.merge(fixed, on=["exporter", "importer"], how="left")
    frame.attrs["provenance"] = provenance
    return frame
