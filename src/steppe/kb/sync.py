"""Keeping the stored KB in step with the KB files.

Any command that needs the KB calls :func:`kb_store`: it creates the store on first use and
reloads the KB whenever its files changed (for example after a package upgrade), in one
transaction.
"""

from __future__ import annotations

from pathlib import Path

from steppe import __version__
from steppe.kb.loader import fingerprint, load_kb
from steppe.store import Store, default_store
from steppe.store import kb as kb_sql


def ensure_kb(store: Store, kb_dir: Path | None = None, *, force: bool = False) -> bool:
    """Load the KB into ``store`` if it is missing or stale; return whether it was loaded."""
    from steppe.config import settings

    path = kb_dir if kb_dir is not None else settings().kb_dir
    if not force and kb_sql.loaded_fingerprint(store) == fingerprint(path):
        return False
    from steppe.team.proposals import replay

    kb = load_kb(path)
    with store.transaction():  # the effective KB: the files, then every approved proposal (team mode)
        kb_sql.replace_kb(store, kb, __version__)
        replay(store)
    return True


def kb_store(store: Store | None = None) -> Store:
    """The given store, or the process's default one, with a current KB loaded."""
    target = store if store is not None else default_store()
    ensure_kb(target)
    return target
