"""The `steppe` command run in-process (tests/e2e/cli_inprocess.py)."""

from __future__ import annotations

import pytest

from tests.e2e.cli_inprocess import Run, run


@pytest.fixture
def steppe():
    """Run `steppe ARGS...` in-process; returns a :class:`Run`."""
    return run


__all__ = ["Run"]
