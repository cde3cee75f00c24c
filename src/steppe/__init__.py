"""steppe: measure, explain and explore regional integration in Central Asia.

The notebook-facing API is one session, imported lazily so that the command line starts fast::

    import steppe
    s = steppe.connect(db="steppe.duckdb")
    s.kb.members("sco", as_of="2018-01-01")
    s.indicators.regional("c5", years=(2000, 2005))

(docs/python-api.md walks through it). The module-level functions below are the older
per-function API on the process's default store; they remain for scripts that use them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "connect": "steppe.session",
    "Session": "steppe.session",
    "Settings": "steppe.config",
    "open_store": "steppe.store",
    "members": "steppe.kb.queries",
    "memberships": "steppe.kb.queries",
    "overlap": "steppe.kb.queries",
    "timeline": "steppe.kb.queries",
    "events": "steppe.kb.queries",
    "load_kb": "steppe.kb.loader",
    "validate_kb": "steppe.kb.validate",
    "SteppeError": "steppe.errors",
    "indicator": "steppe.indicators.compute",
    "compare_regions": "steppe.indicators.compute",
    "dependence": "steppe.indicators.dependence",
    "index_compute": "steppe.indicators.composite",
    "index_sensitivity": "steppe.indicators.composite",
    "central_asia_report": "steppe.report",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'steppe' has no attribute {name!r}")
    return getattr(import_module(module), name)
