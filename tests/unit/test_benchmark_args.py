"""Benchmark size knobs are validated: a negative or zero --rows is refused by argparse."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "option"),
    [
        ("bulk_import.py", "--rows"),
        ("gravity.py", "--rows"),
        ("indicators.py", "--rows"),
        ("texts.py", "--pages"),
        ("serve.py", "--rows"),
        ("team.py", "--rows"),
        ("team.py", "--clients"),
    ],
)
@pytest.mark.parametrize("value", ["-5", "0", "ten"])
def test_size_knobs_must_be_positive(
    script: str, option: str, value: str, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [script, option, value])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"argument {option}: " in err and ("too small" in err or "not a whole number" in err)


@pytest.mark.parametrize("option", ["--rows", "--clients"])
def test_team_knobs_are_bounded(option: str, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["team.py", option, "1000000"])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(BENCHMARKS / "team.py"), run_name="__main__")
    assert exit_.value.code == 2
    assert "too large" in capsys.readouterr().err.strip().splitlines()[-1]
