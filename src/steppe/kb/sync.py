"""Keeping the stored KB in step with the KB files.

Any command that needs the KB calls :func:`kb_store`: it creates the store on first use and
reloads the KB whenever its files changed (for example after a package upgrade), in one
transaction.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from steppe import __version__
from steppe.kb.loader import KnowledgeBase, fingerprint, load_kb
from steppe.store import Store, default_store
from steppe.store import kb as store_kb

if TYPE_CHECKING:
    import pandas as pd

#: The KB folder a session bound to its store (steppe.connect(kb=...)); stores without one use
#: the process's settings (STEPPE_KB, else the bundled KB).
_BOUND: weakref.WeakKeyDictionary[Store, Path] = weakref.WeakKeyDictionary()


def bind_kb(store: Store, kb_dir: Path) -> None:
    """Make ``kb_dir`` the KB that every later query on ``store`` keeps current."""
    _BOUND[store] = Path(kb_dir)


def kb_folder(store: Store) -> Path:
    """The KB folder ``store`` keeps current: the one bound to it, else the process's settings."""
    from steppe.config import settings

    return _BOUND.get(store) or settings().kb_dir


def ensure_kb(store: Store, kb_dir: Path | None = None, *, force: bool = False) -> bool:
    """Load the KB into ``store`` if it is missing or stale; return whether it was loaded.

    The folder is ``kb_dir``, else the one bound to the store (:func:`bind_kb`), else the
    process's settings.
    """
    path = kb_dir if kb_dir is not None else kb_folder(store)
    before = store_kb.loaded_fingerprint(store)
    if not force and before == fingerprint(path):
        return False
    from steppe.team.proposals import replay

    kb = load_kb(path)
    tables = {name: store_frame(kb, name) for name in store_kb.KB_TABLES}
    with store.transaction():  # the effective KB: the files, then every approved proposal (team mode)
        store_kb.replace_kb(store, tables, kb.fingerprint, str(kb.kb_dir), __version__)
        replay(store)
    if before is None:  # a new store: real numbers before any fetch (steppe.starter)
        from steppe import starter

        starter.ensure(store)
    return True


def store_frame(kb: KnowledgeBase, name: str) -> pd.DataFrame:
    """One KB table as the store holds it: each partial date split into its window columns
    (earliest day, latest day, precision; :data:`steppe.store.kb.WINDOWS`)."""
    import pandas as pd  # only when the KB is (re)loaded: a query needs no pandas

    frame = kb.frame(name)
    for field, (earliest, latest, precision) in store_kb.WINDOWS.get(name, {}).items():
        values = frame.pop(field) if field in frame.columns else pd.Series([None] * len(frame))
        frame[earliest] = [v.earliest if v is not None else None for v in values]
        frame[latest] = [v.latest if v is not None else None for v in values]
        frame[precision] = [v.precision if v is not None else None for v in values]
    if name == "sources":
        frame["date"] = [v.text if v is not None else None for v in frame["date"]]
    return frame


def kb_store(store: Store | None = None) -> Store:
    """The given store, or the process's default one, with a current KB loaded."""
    target = store if store is not None else default_store()
    ensure_kb(target)
    return target
