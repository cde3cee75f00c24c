"""The starter snapshot: real numbers on the first run, before any ``steppe fetch``.

A compact copy of a few public datasets (IMF DOTS bilateral trade of the C5, World Bank WDI
remittances, FDI and GDP, AidData's Chinese development finance) ships inside the package as
Parquet files (``steppe/starter/data``) with a manifest and PROVENANCE.md. It is built by
``scripts/build_starter.py`` through the project's own connectors (``steppe.sources.fetch``
over a mirror of the sources' downloads), so every row passed the same validation as a fetch.

A new store receives the snapshot when its knowledge base is first loaded (unless
STEPPE_STARTER=0). Each snapshot dataset is an ordinary stored dataset, marked as such: its
edition starts with ``starter-``, its ``params.starter`` holds the edition, licence and origin,
and every output that uses it says so (a note on stderr, the report's banner, the JSON fields).
``steppe fetch SOURCE`` replaces it: once fresh data of the same source and dataset are
stored, the snapshot's dataset of that group is dropped. ``steppe data drop`` removes it too.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from steppe.store import Store

#: The edition prefix that marks a starter dataset in its id (``imf_dots:dots:starter-…``).
PREFIX = "starter-"


def folder() -> Path:
    """The folder of the bundled snapshot (Parquet files, manifest.json, PROVENANCE.md)."""
    return Path(str(resources.files("steppe.starter").joinpath("data")))


@cache
def manifest() -> dict[str, Any] | None:
    """The snapshot's manifest, or None when this install has no snapshot."""
    path = folder() / "manifest.json"
    if not path.is_file():
        return None
    return dict(json.loads(path.read_text("utf-8")))


def starter_datasets(store: Store) -> list[dict[str, Any]]:
    """The stored datasets that came from the bundled starter snapshot."""
    from steppe.store import data as store_data

    return store_data.starter_datasets(store)


def describe(rows: list[dict[str, Any]]) -> str:
    """One sentence naming the starter datasets in use."""
    names = ", ".join(f"{r['source']} {r['dataset']} ({r['dataset_id']})" for r in rows)
    return (
        f"Numbers from the starter snapshot bundled with steppe ({names}), built from public "
        "downloads of the sources, not from a fresh fetch."
    )


def load(store: Store) -> list[str]:
    """Store every dataset of the snapshot (one transaction each); return their dataset ids."""
    from steppe import __version__
    from steppe.store import data as store_data

    found = manifest()
    if not found:
        return []
    base = folder()
    ids = []
    for d in found["datasets"]:
        params = {
            **d.get("params", {}),
            "starter": {
                "edition": d["edition"],
                "dataset_id": d["dataset_id"],
                "built_at": found["built_at"],
                "built_by": found["built_by"],
                "steppe_version": __version__,
                "from": d["location"],
                "licence": d["licence"],
            },
        }
        record = store_data.DatasetRecord(
            source=d["source"],
            dataset=d["dataset"],
            edition=store_data.check_edition_name((PREFIX + d["edition"])[:64]),
            content_hash="starter:" + d["content_hash"],
            location=f"starter snapshot bundled with steppe {__version__} (from {d['location']})",
            params=params,
            retrieved_at=datetime.fromisoformat(d["retrieved_at"]),
        )
        bulk = {table: store_data.parquet_loader(table, base / name) for table, name in d["files"].items()}
        outcome = store_data.load_dataset(store, record, {}, bulk)
        ids.append(outcome.dataset_id)
    return ids


def ensure(store: Store) -> list[str]:
    """Give a new store the snapshot: only when enabled, bundled, and no dataset is stored yet."""
    from steppe.config import starter_enabled

    if not starter_enabled() or manifest() is None:
        return []
    if store.scalar("SELECT count(*) FROM datasets"):
        return []
    return load(store)
