"""Fixtures for the frameworks' real-data tests: ../shared read in place (fail, not skip, in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, SHARED_SEEDS, require_shared


@pytest.fixture(scope="module")
def shared_root() -> Path:
    """The folder that holds seeds/ and data/ (``../shared`` beside the checkout)."""
    return _shared_or_fail()


def _shared_or_fail() -> Path:
    """../shared with the seeds and the UN speeches: skip without it, fail under CI=true."""
    require_shared(SHARED_SEEDS)
    require_shared(SHARED_DATA / "ungdc_central_asia")
    return SHARED_DATA.parent


@pytest.fixture(scope="session")
def frameworks_store(tmp_path_factory: pytest.TempPathFactory):
    """One store for the frameworks' real-data tests (built once, ~10 s): the bundled KB; IMF DOTS
    and the Comtrade world matrix from the mirror; the five seeds; and the 156 UN General Debate
    speeches of the C5, each with its speaking state as ``author`` and its year as ``date`` (from the
    UNGDC file name, e.g. KAZ_70_2015.txt), the way docs/frameworks.md tells users to add them."""
    from steppe.kb.sync import kb_store
    from steppe.sources import fetch
    from steppe.store import open_store
    from steppe.texts.corpus import add_documents, parse_file

    root = _shared_or_fail()
    store = kb_store(open_store(tmp_path_factory.mktemp("frameworks") / "steppe.duckdb"))
    fetch("imf_dots", store=store, mirror=root / "data")
    fetch("comtrade", store=store, mirror=root / "data")
    add_documents(sorted((root / "seeds").glob("*.txt")), store=store)
    speeches = sorted((root / "data" / "ungdc_central_asia" / "speeches").glob("*.txt"))
    assert len(speeches) == 156
    parsed = []
    for path in speeches:
        iso3, _session, year = path.stem.split("_")
        doc = parse_file(path)
        doc.meta.update(author=iso3, date=year, kind="un_general_debate")
        parsed.append(doc)
    add_documents(speeches, store=store, parsed=parsed)
    yield store
    store.close()
