"""``session.data``: the fetched datasets the store holds, their editions and pins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.session.frames import frame

if TYPE_CHECKING:
    from steppe.session import Session

DATASET_COLUMNS = ("dataset_id", "source", "dataset", "edition", "rows", "tables", "retrieved_at", "location")
EDITION_COLUMNS = ("source", "dataset", "edition", "default", "rows", "loaded_at", "dataset_id")


class Data:
    """Stored datasets (``steppe data ...``) for one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def datasets(self, source: str | None = None) -> pd.DataFrame:
        """Every stored dataset (or ``source``'s) with its provenance, newest first."""
        from steppe.sources import list_datasets

        rows = list_datasets(self._session.store, source)
        return frame(
            rows, DATASET_COLUMNS, attrs={"query": "data.datasets", "store": self._session.store.path}
        )

    def editions(self, source: str | None = None) -> pd.DataFrame:
        """Editions per source and dataset; ``default`` marks the one readers use (pinned or newest)."""
        from steppe.store import data as store_data

        rows = store_data.editions(self._session.store, source)
        return frame(
            rows, EDITION_COLUMNS, attrs={"query": "data.editions", "store": self._session.store.path}
        )

    def pin(self, dataset_id: str) -> dict[str, Any]:
        """Make an edition the default of its source and dataset, whatever is loaded later."""
        from steppe.store import data as store_data

        return store_data.pin(self._session.store, dataset_id)

    def unpin(self, group: str) -> list[str]:
        """Remove the pin of ``source:dataset`` (or a dataset id's group): the newest is the default."""
        from steppe.store import data as store_data

        return store_data.unpin(self._session.store, group)

    def drop(self, dataset_id: str) -> int:
        """Remove one dataset and all its rows (one transaction); return the rows removed."""
        from steppe.store import data as store_data

        return store_data.drop_dataset(self._session.store, dataset_id)
