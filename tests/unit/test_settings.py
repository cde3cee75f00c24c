"""Settings in one place: explicit values, then STEPPE_* variables, then defaults; nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from steppe.config import BUNDLED_KB, Settings, settings
from steppe.errors import UsageError


def test_explicit_values_win_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPPE_MIRROR", str(tmp_path / "env-mirror"))
    monkeypatch.setenv("STEPPE_HTTP_TIMEOUT", "12")
    monkeypatch.setenv("STEPPE_HTTP_RETRIES", "2")
    monkeypatch.setenv("STEPPE_COMTRADE_KEY", "secret-key-123")
    monkeypatch.setenv("STEPPE_EMBEDDINGS_MODEL", str(tmp_path / "model"))
    monkeypatch.setenv("STEPPE_LOCK_WAIT", "3")
    config = settings(db=tmp_path / "a.duckdb", mirror=tmp_path / "m")
    assert isinstance(config, Settings)
    assert config.db_path == tmp_path / "a.duckdb"
    assert config.mirror == tmp_path / "m"
    assert config.kb_dir == BUNDLED_KB
    assert (config.http.timeout_s, config.http.retries) == (12.0, 2)
    assert config.key("comtrade") == "secret-key-123" and config.key("wdi") is None
    assert config.embeddings_model == tmp_path / "model"
    assert config.limits.lock_wait_s == 3.0
    assert "secret-key-123" not in repr(config)  # keys stay out of logs and tracebacks


def test_a_bad_number_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPPE_HTTP_TIMEOUT", "soon")
    with pytest.raises(UsageError, match="STEPPE_HTTP_TIMEOUT='soon' is not a number"):
        settings()


def test_the_db_option_builds_settings_and_leaves_the_environment_alone(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from steppe.cli import session as cli_session
    from steppe.cli.main import app

    before = os.environ.get("STEPPE_DB")
    target = tmp_path / "other.duckdb"
    result = CliRunner().invoke(app, ["--db", str(target), "kb", "members", "sco", "--as-of", "2018-01-01"])
    try:
        assert result.exit_code == 0, result.output
        assert os.environ.get("STEPPE_DB") == before
        assert target.exists()
        assert any(key[0] == str(target) for key in cli_session._OPEN)
    finally:
        cli_session.close()
        cli_session.configure(None)
