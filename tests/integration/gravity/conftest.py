"""A store holding the Guide's application files, fetched once per module from ../shared/data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def guide_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], object]]:
    """``guide_store(file)``: a store with that Yotov et al. (2016) file fetched ('steppe fetch
    yotov2016 --dataset FILE --mirror ../shared/data'); one store per test module."""
    from steppe.sources import fetch
    from steppe.store import open_store
    from tests.conftest import SHARED_DATA, require_shared

    require_shared(SHARED_DATA / "yotov_agtpa")
    store = open_store(Path(tmp_path_factory.mktemp("guide")) / "guide.duckdb")
    fetched: set[str] = set()

    def get(file: str):
        if file not in fetched:
            fetch("yotov2016", dataset=file, mirror=SHARED_DATA, store=store)
            fetched.add(file)
        return store

    yield get
    store.close()
