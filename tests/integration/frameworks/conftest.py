"""Fixtures for the frameworks' real-data tests: ../shared read in place (fail, not skip, in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def shared_root() -> Path:
    """The folder that holds seeds/ and data/ (``../shared`` beside the checkout)."""
    root = SHARED_DATA.parent
    if not (root / "seeds").is_dir() or not (root / "data" / "ungdc_central_asia").is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("../shared (seeds and data/ungdc_central_asia) must be beside the checkout in CI")
        pytest.skip("../shared is not beside the checkout")
    return root
