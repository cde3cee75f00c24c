"""The session a command runs in, built from the root options (``--db``) and the command's own
(``--mirror``), and the shaping of its frames back into the CLI's JSON/CSV rows.

Commands never open the store or read settings themselves: they call :func:`session` and use
its namespaces (``session().kb.members(...)``), so that the command line is a skin over the
Python API (docs/python-api.md). Nothing here writes the environment.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

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


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A session frame as the CLI's rows (its JSON contract).

    KB dates come back as text at their precision (``1994``, ``1997-06``, ``1994-01-19``) and
    their ``<name>_precision`` columns go; other dates are ISO dates (timestamps ISO date-times);
    missing values are None; numpy and pandas scalars are Python scalars.
    """
    import numpy as np
    import pandas as pd

    from steppe.kb.asof import text_of

    precision = {c.removesuffix("_precision") for c in frame.columns if str(c).endswith("_precision")}
    precision &= set(frame.columns)
    out: dict[str, list[Any]] = {}
    for name in frame.columns:
        if name in {f"{p}_precision" for p in precision}:
            continue
        column = frame[name]
        if name in precision:
            out[name] = [
                None if pd.isna(d) else text_of(d.date(), str(p) if not pd.isna(p) else "day")
                for d, p in zip(column, frame[f"{name}_precision"], strict=True)
            ]
        elif pd.api.types.is_datetime64_any_dtype(column):
            days = column.dropna()
            whole = bool((days == days.dt.normalize()).all())
            out[name] = [
                None if pd.isna(v) else (v.date().isoformat() if whole else v.isoformat()) for v in column
            ]
        else:
            out[name] = [_python(v, np) for v in column]
    n = len(frame)
    return [{k: values[i] for k, values in out.items()} for i in range(n)]


def _python(value: Any, np: Any) -> Any:
    """A frame cell as a plain Python value (lists stay lists, missing is None)."""
    import pandas as pd

    if isinstance(value, (list, tuple, dict, date, datetime)) or value is None:
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value
