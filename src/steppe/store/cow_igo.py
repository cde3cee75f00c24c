"""Readers of the Correlates of War IGO tables (filled by ``steppe fetch cow_igo``).

The rows are loaded by the connector :mod:`steppe.sources.cow_igo` through
:func:`steppe.store.data.load_dataset` (provenance in ``datasets``); which stored edition is
read follows the store's one default-dataset rule (:func:`steppe.store.data.resolve_dataset`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from steppe.errors import NotFoundError
from steppe.store.data import resolve_dataset

if TYPE_CHECKING:
    from steppe.store.db import Store

FETCH = "steppe fetch cow_igo --mirror DIR (a folder holding cow_igo_v3/)"


def memberships(store: Store, dataset: str | None = None) -> pd.DataFrame:
    """The state-year rows of one COW edition (default: the pinned, else the newest), with
    ``attrs['dataset_id']``."""
    try:
        dataset_id = resolve_dataset(store, "cow_igo_memberships", dataset or "cow_igo")
    except NotFoundError:
        raise NotFoundError(f"No COW IGO data is stored; run '{FETCH}' first.") from None
    frame = store.query(
        "SELECT ioname, orgname, ccode, iso3, year, status FROM cow_igo_memberships "
        "WHERE dataset_id = ? ORDER BY ioname, iso3, year",
        [dataset_id],
    )
    frame.attrs["dataset_id"] = dataset_id
    return frame


def system_years(store: Store, dataset_id: str) -> pd.DataFrame | None:
    """The state system spans (ccode, iso3, styear, endyear) stored with a COW edition, or None."""
    frame = store.query(
        "SELECT ccode, iso3, styear, endyear FROM cow_igo_states WHERE dataset_id = ? ORDER BY ccode, styear",
        [dataset_id],
    )
    return frame if len(frame) else None
