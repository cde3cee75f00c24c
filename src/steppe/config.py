"""STEPPE_* settings, limits and paths, nothing else.

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


def _number(name: str, default: float) -> float:
    """A numeric STEPPE_* setting; a value that is not a number is one clear error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        from steppe.errors import UsageError

        raise UsageError(
            f"{name}={raw!r} is not a number; unset it or give one (default {default:g})."
        ) from None
    if value < 0 or value != value:
        from steppe.errors import UsageError

        raise UsageError(f"{name}={raw!r} must be zero or more (default {default:g}).")
    return value


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile or broken input from exhausting the machine (docs/validation.md).

    - ``lock_wait_s``: how long a command that writes waits for another process's write to end
      (STEPPE_LOCK_WAIT, default 600 s); read-only commands never wait.
    - ``cache_max_age_days``: downloaded files without a known checksum are fetched again when
      older (STEPPE_CACHE_MAX_AGE_DAYS, default 30).
    - ``text_max_mb``: the largest document text ingestion accepts (STEPPE_TEXT_MAX_MB, default 20;
      a long book is about 2 MB of text).
    - ``pdf_max_mb``: the largest PDF file (STEPPE_PDF_MAX_MB, default 200).
    - ``qdpx_entry_max_mb``: the largest single entry of a QDPX archive once unpacked
      (STEPPE_QDPX_ENTRY_MAX_MB, default 50); ``qdpx_max_ratio``: the highest unpacked/packed
      size ratio of an entry (STEPPE_QDPX_MAX_RATIO, default 200; text packs 3-10x, bombs 1000x).
    """

    lock_wait_s: float = 600.0
    cache_max_age_days: float = 30.0
    text_max_mb: float = 20.0
    pdf_max_mb: float = 200.0
    qdpx_entry_max_mb: float = 50.0
    qdpx_max_ratio: float = 200.0


def limits() -> Limits:
    """The limits in force: STEPPE_* variables, else the defaults."""
    base = Limits()
    return Limits(
        lock_wait_s=_number("STEPPE_LOCK_WAIT", base.lock_wait_s),
        cache_max_age_days=_number("STEPPE_CACHE_MAX_AGE_DAYS", base.cache_max_age_days),
        text_max_mb=_number("STEPPE_TEXT_MAX_MB", base.text_max_mb),
        pdf_max_mb=_number("STEPPE_PDF_MAX_MB", base.pdf_max_mb),
        qdpx_entry_max_mb=_number("STEPPE_QDPX_ENTRY_MAX_MB", base.qdpx_entry_max_mb),
        qdpx_max_ratio=_number("STEPPE_QDPX_MAX_RATIO", base.qdpx_max_ratio),
    )


def scratch_root() -> Path:
    """Where fetches unpack files and readers copy a busy store (STEPPE_SCRATCH, else a temp folder).

    Each process works in its own sub-folder named with its process id, so that the next
    fetch can remove the folders of processes that were killed.
    """
    import tempfile

    value = os.environ.get("STEPPE_SCRATCH")
    if value:
        return Path(value).expanduser()
    user = getattr(os, "getuid", lambda: 0)()
    return Path(tempfile.gettempdir()) / f"steppe-scratch-{user}"


def debug() -> bool:
    """STEPPE_DEBUG=1: show tracebacks of unexpected errors (the same as ``steppe --debug``)."""
    return os.environ.get("STEPPE_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def embeddings_model(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The local sentence-transformers model folder: ``path``, else STEPPE_EMBEDDINGS_MODEL, else None."""
    value = path or os.environ.get("STEPPE_EMBEDDINGS_MODEL")
    return Path(value).expanduser() if value else None
