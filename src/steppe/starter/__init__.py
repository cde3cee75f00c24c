"""The starter snapshot: real numbers on the first run, before any ``steppe fetch``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from steppe.store import Store


def starter_datasets(store: Store) -> list[dict[str, Any]]:
    """The stored datasets that came from the bundled starter snapshot."""
    from steppe.store import data

    return data.starter_datasets(store)


def describe(rows: list[dict[str, Any]]) -> str:
    """One sentence naming the starter datasets in use."""
    names = ", ".join(f"{r['source']} {r['dataset']} ({r['edition']})" for r in rows)
    return (
        f"Some numbers come from the starter snapshot bundled with steppe ({names}), built from "
        "public downloads of the sources, not from a fresh fetch."
    )
