"""The ../shared rule (tests/conftest.py): a test that reads ../shared skips on a checkout
without it and fails, with a message, under CI=true; so a green CI run never hides data that
was not there.

The two probes below are ordinary tests of the rule's two doors (the ``shared_data`` fixture
and the ``needs_shared`` marker). The rule itself is shown by running them in a child pytest
with ``STEPPE_TEST_SHARED`` pointing at a folder that does not exist, with and without CI=true.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED

HERE = Path(__file__).resolve().relative_to(REPO).as_posix()
PROBES = [f"{HERE}::test_probe_fixture", f"{HERE}::test_probe_marker"]


def test_probe_fixture(shared_data: Path) -> None:
    assert shared_data.is_dir()
    assert shared_data == SHARED / "data"


@pytest.mark.needs_shared("data", "seeds")
def test_probe_marker() -> None:
    assert (SHARED / "data").is_dir() and (SHARED / "seeds").is_dir()


def _probe(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["STEPPE_TEST_SHARED"] = str(tmp_path / "no-shared-here")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *PROBES],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.subprocess
def test_without_shared_the_probes_skip_locally_and_fail_under_ci(tmp_path: Path) -> None:
    missing = tmp_path / "no-shared-here"

    local = _probe(tmp_path, ci=False)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "2 skipped" in local.stdout
    assert f"{missing / 'data'} is missing" in local.stdout

    ci = _probe(tmp_path, ci=True)
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "2 error" in ci.stdout or "2 failed" in ci.stdout, ci.stdout
    assert "skipped" not in ci.stdout
    assert f"{missing / 'data'} is missing" in ci.stdout
    assert "CI=true, so they fail instead of skipping" in ci.stdout
