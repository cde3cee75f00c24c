"""SQL for the imported Correlates of War IGO memberships and their provenance row."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from steppe.store.db import Store


def stored_hash(store: Store, dataset_id: str) -> str | None:
    """Content hash of the stored edition of ``dataset_id``, None when not loaded."""
    row = store.execute("SELECT content_hash FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchone()
    return row[0] if row else None


def replace_dataset(
    store: Store,
    dataset_id: str,
    rows: pd.DataFrame,
    *,
    edition: str,
    location: str,
    content_hash: str,
    retrieved_at: datetime,
) -> int:
    """Swap the stored COW rows and their datasets row in one transaction; return the row count."""
    frame = rows.assign(dataset_id=dataset_id)[
        ["dataset_id", "ioname", "orgname", "ccode", "iso3", "year", "status"]
    ]
    with store.transaction():
        store.execute("DELETE FROM cow_igo_memberships WHERE dataset_id = ?", [dataset_id])
        store.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])
        count = store.insert_frame("cow_igo_memberships", frame)
        store.execute(
            "INSERT INTO datasets (dataset_id, source, dataset, edition, params, location, retrieved_at, "
            "content_hash, rows, tables) VALUES (?, 'cow_igo', 'state_year_long', ?, ?, ?, ?, ?, ?, ?)",
            [
                dataset_id,
                edition,
                json.dumps({"file": location.rsplit("/", 1)[-1]}),
                location,
                retrieved_at,
                content_hash,
                count,
                ["cow_igo_memberships"],
            ],
        )
    return count


def memberships(store: Store, dataset_id: str) -> pd.DataFrame:
    """The stored rows of one COW edition."""
    return store.query(
        "SELECT ioname, orgname, ccode, iso3, year, status FROM cow_igo_memberships "
        "WHERE dataset_id = ? ORDER BY ioname, iso3, year",
        [dataset_id],
    )
