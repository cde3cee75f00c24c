"""Structural gravity: panels from trade data and KB memberships, PPML/OLS estimation, GE counterfactuals.

The public names are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "build_panel": "steppe.gravity.panel",
    "Panel": "steppe.gravity.panel",
    "load_spec": "steppe.gravity.spec",
    "parse_spec": "steppe.gravity.spec",
    "examples": "steppe.gravity.spec",
    "estimate": "steppe.gravity.estimate",
    "GravityResult": "steppe.gravity.estimate",
    "run_spec": "steppe.gravity.run",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'steppe.gravity' has no attribute {name!r}")
    return getattr(import_module(module), name)
