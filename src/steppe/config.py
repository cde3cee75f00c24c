"""STEPPE_* settings and paths, nothing else.

Environment variables come first, then command options override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

BUNDLED_KB = Path(__file__).parent / "kb" / "data"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run."""

    db_path: Path
    kb_dir: Path
    mirror: Path | None


def default_db_path() -> Path:
    """The per-user store file used when STEPPE_DB is not set."""
    return Path(platformdirs.user_data_dir("steppe", appauthor=False)) / "steppe.duckdb"


def settings(
    db: str | os.PathLike[str] | None = None,
    kb: str | os.PathLike[str] | None = None,
    mirror: str | os.PathLike[str] | None = None,
) -> Settings:
    """Settings from explicit values, else STEPPE_* variables, else defaults."""
    db_value = db or os.environ.get("STEPPE_DB")
    kb_value = kb or os.environ.get("STEPPE_KB")
    mirror_value = mirror or os.environ.get("STEPPE_MIRROR")
    return Settings(
        db_path=Path(db_value).expanduser() if db_value else default_db_path(),
        kb_dir=Path(kb_value).expanduser() if kb_value else BUNDLED_KB,
        mirror=Path(mirror_value).expanduser() if mirror_value else None,
    )


def embeddings_model(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The local sentence-transformers model folder: ``path``, else STEPPE_EMBEDDINGS_MODEL, else None."""
    value = path or os.environ.get("STEPPE_EMBEDDINGS_MODEL")
    return Path(value).expanduser() if value else None
