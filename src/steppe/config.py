"""Settings: every STEPPE_* variable, limit and path, and the only module that reads the environment.

:func:`settings` resolves explicit values first, then STEPPE_* variables, then defaults, into
one frozen :class:`Settings`; a session (:func:`steppe.connect`) holds it and passes the parts
on (the store path, the KB folder, the mirror, the HTTP client's timeouts and keys, the
embeddings model). No other module reads ``os.environ``, and nothing here writes it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

BUNDLED_KB = Path(__file__).parent / "kb" / "data"

#: The User-Agent every request of the connectors sends.
USER_AGENT = "steppe (+https://github.com/steppe; data connectors for Central Asia research)"


@dataclass(frozen=True)
class HttpSettings:
    """The connectors' HTTP client (docs/sources.md).

    - ``timeout_s``: seconds a request may wait for an answer (STEPPE_HTTP_TIMEOUT, default 60);
    - ``retries``: attempts for transient failures (STEPPE_HTTP_RETRIES, default 5);
    - ``backoff_s``: the first wait between attempts, doubling up to 60 s (STEPPE_HTTP_BACKOFF, 1);
    - ``interval_s``: the least time between two requests to one host (STEPPE_HTTP_INTERVAL, 1);
    - ``user_agent``: what steppe calls itself.
    """

    timeout_s: float = 60.0
    retries: int = 5
    backoff_s: float = 1.0
    interval_s: float = 1.0
    user_agent: str = USER_AGENT


#: URL schemes that name a database server as the store (steppe.store.backends maps each to its module).
SERVER_SCHEMES = ("postgresql", "postgres")


def is_server_url(value: str | os.PathLike[str]) -> bool:
    """Whether a store setting names a database server (``postgresql://...``) rather than a file."""
    text = str(value)
    return "://" in text and text.split("://", 1)[0].lower() in SERVER_SCHEMES


def redact_url(url: str) -> str:
    """A server URL without its password, for messages and pages (the one rule for showing one)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}", parts.path, parts.query, parts.fragment))


def default_db_path() -> Path:
    """The per-user store file used when STEPPE_DB is not set."""
    return Path(platformdirs.user_data_dir("steppe", appauthor=False)) / "steppe.duckdb"


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


def starter_enabled() -> bool:
    """Whether a new store gets the bundled starter snapshot (STEPPE_STARTER; default on, ``0``,
    ``false``, ``no`` or ``off`` turn it off; see steppe.starter)."""
    return os.environ.get("STEPPE_STARTER", "1").strip().lower() not in ("0", "false", "no", "off")


def debug() -> bool:
    """STEPPE_DEBUG=1: show tracebacks of unexpected errors (the same as ``steppe --debug``)."""
    return os.environ.get("STEPPE_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def embeddings_model(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The local sentence-transformers model folder: ``path``, else STEPPE_EMBEDDINGS_MODEL, else None."""
    value = path or os.environ.get("STEPPE_EMBEDDINGS_MODEL")
    return Path(value).expanduser() if value else None


def default_cache_dir() -> Path:
    """Where downloads and cached API answers go: STEPPE_CACHE, else the per-user cache folder."""
    value = os.environ.get("STEPPE_CACHE")
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_cache_dir("steppe", appauthor=False))


def http() -> HttpSettings:
    """The HTTP client's settings: STEPPE_HTTP_* variables, else the defaults."""
    base = HttpSettings()
    return HttpSettings(
        timeout_s=_number("STEPPE_HTTP_TIMEOUT", base.timeout_s),
        retries=max(1, int(_number("STEPPE_HTTP_RETRIES", base.retries))),
        backoff_s=_number("STEPPE_HTTP_BACKOFF", base.backoff_s),
        interval_s=_number("STEPPE_HTTP_INTERVAL", base.interval_s),
    )


#: API keys steppe knows, by source, and the variable each is read from.
KEY_VARIABLES = {"comtrade": "STEPPE_COMTRADE_KEY"}


def api_keys() -> dict[str, str]:
    """The API keys set in the environment, by source (only those that are set)."""
    found = {source: os.environ.get(name, "").strip() for source, name in KEY_VARIABLES.items()}
    return {source: key for source, key in found.items() if key}


@dataclass(frozen=True)
class Settings:
    """Everything a session needs to know about where things are and how to reach them.

    - ``db``: the store (STEPPE_DB, else the per-user store file): a DuckDB file path, ``:memory:``,
      or a PostgreSQL URL ``postgresql://user:password@host:port/database`` (team mode, docs/team.md);
      ``db_path`` is the same as a path, for file stores; ``kb_dir``: the KB folder
      (STEPPE_KB, else the bundled KB); ``mirror``: a local folder the connectors read instead of
      the network (STEPPE_MIRROR); ``cache_dir``: downloads and cached API answers (STEPPE_CACHE);
      ``scratch_dir``: unpacked files and snapshot copies (STEPPE_SCRATCH);
    - ``http``: the HTTP client's timeouts, retries and User-Agent; ``keys``: API keys by source
      (``comtrade``: STEPPE_COMTRADE_KEY); ``embeddings_model``: the local sentence-transformers
      folder (STEPPE_EMBEDDINGS_MODEL; never downloaded);
    - ``limits``: lock wait, cache age and size limits (:class:`Limits`); ``debug``: tracebacks.
    """

    db: str
    kb_dir: Path = BUNDLED_KB
    mirror: Path | None = None
    cache_dir: Path = field(default_factory=default_cache_dir)
    scratch_dir: Path = field(default_factory=lambda: scratch_root())
    http: HttpSettings = field(default_factory=HttpSettings)
    keys: Mapping[str, str] = field(default_factory=dict, repr=False)
    embeddings_model: Path | None = None
    limits: Limits = field(default_factory=Limits)
    debug: bool = False

    @property
    def server(self) -> bool:
        """Whether the store is a database server (``postgresql://...``) rather than a file."""
        return is_server_url(self.db)

    @property
    def db_path(self) -> Path:
        """The store file; a server store has none (one sentence saying so)."""
        if self.server:
            from steppe.errors import UsageError

            raise UsageError(
                "The store is a database server, not a file; this needs a DuckDB file for db.", params=("db",)
            )
        return Path(self.db)

    def key(self, source: str) -> str | None:
        """The API key for ``source``, None when none is set."""
        return self.keys.get(source)


#: The store this process was pointed at (``steppe --db PATH ...``): it wins over STEPPE_DB for
#: every :func:`settings` call without ``db``, so that code paths on the process's default store
#: follow the option; set by :func:`use_db`, never through the environment.
_PROCESS_DB: list[str | None] = [None]


def use_db(db: str | os.PathLike[str] | None) -> None:
    """Make ``db`` the process's store (None: STEPPE_DB again); the CLI's ``--db``."""
    _PROCESS_DB[0] = os.fspath(db) if db else None


def settings(
    db: str | os.PathLike[str] | None = None,
    kb: str | os.PathLike[str] | None = None,
    mirror: str | os.PathLike[str] | None = None,
    *,
    cache: str | os.PathLike[str] | None = None,
    embeddings: str | os.PathLike[str] | None = None,
) -> Settings:
    """Settings from explicit values, else STEPPE_* variables, else defaults.

    ``db`` is a store file path (``:memory:`` for a throw-away store) or a PostgreSQL URL;
    without it, the process's store (:func:`use_db`), else STEPPE_DB.
    """
    db_value = db or _PROCESS_DB[0] or os.environ.get("STEPPE_DB")
    kb_value = kb or os.environ.get("STEPPE_KB")
    mirror_value = mirror or os.environ.get("STEPPE_MIRROR")
    if not db_value:
        store = str(default_db_path())
    elif str(db_value) == ":memory:" or is_server_url(str(db_value)):
        store = str(db_value)
    else:
        store = str(Path(db_value).expanduser())
    return Settings(
        db=store,
        kb_dir=Path(kb_value).expanduser() if kb_value else BUNDLED_KB,
        mirror=Path(mirror_value).expanduser() if mirror_value else None,
        cache_dir=Path(cache).expanduser() if cache else default_cache_dir(),
        scratch_dir=scratch_root(),
        http=http(),
        keys=api_keys(),
        embeddings_model=embeddings_model(embeddings),
        limits=limits(),
        debug=debug(),
    )
