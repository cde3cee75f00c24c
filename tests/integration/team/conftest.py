"""Team tests hash many passwords: cheap argon2 parameters keep them fast (the rules are the same)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from steppe.team import auth

    monkeypatch.setattr(auth, "HASH_PARAMETERS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
