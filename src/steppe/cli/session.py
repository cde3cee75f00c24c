"""The session a command runs in, built from the root options (``--db``) and the command's own
(``--mirror``). Its frames become the CLI's JSON/CSV rows through
:func:`steppe.session.frames.records`, the one frame-to-rows rule.

Commands never open the store or read settings themselves: they call :func:`session` and use
its namespaces (``session().kb.members(...)``), so that the command line is a skin over the
Python API (docs/python-api.md). Nothing here writes the environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from steppe.session import Session
    from steppe.store import Store

#: The root options of this invocation (``steppe --db FILE ...``).
_ROOT: dict[str, str | None] = {"db": None}
#: Sessions opened by this process, by (store path, mirror); closed by :func:`close`.
_OPEN: dict[tuple[str, str | None], Session] = {}


def configure(db: str | None) -> None:
    """Remember the root options for the sessions the command opens (and make ``--db`` the
    process's store, for code that opens the default store)."""
    from steppe.config import use_db

    _ROOT["db"] = db
    use_db(db)


def session(mirror: str | None = None) -> Session:
    """The session for this command: ``--db`` (else STEPPE_DB), ``mirror`` (else STEPPE_MIRROR).

    Opened once per store and mirror and reused (a command may ask several times).
    """
    from steppe.config import settings
    from steppe.session import connect

    config = settings(db=_ROOT["db"], mirror=mirror)
    key = (config.db, str(config.mirror) if config.mirror else None)
    found = _OPEN.get(key)
    if found is None or found.store.closed:
        found = _OPEN[key] = connect(config.db, mirror=config.mirror)
    return found


def open_stores() -> list[Store]:
    """The stores of this process's sessions that are open now."""
    return [s.store for s in _OPEN.values() if s.is_open]


def close() -> None:
    """Close every session this process opened (the end of a command)."""
    for opened in list(_OPEN.values()):
        opened.close()
    _OPEN.clear()
