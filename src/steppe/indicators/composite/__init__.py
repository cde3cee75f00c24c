"""Composite indices from a declared methodology, with Monte Carlo uncertainty and sensitivity.

``load_methodology`` reads the YAML, ``gather_panel`` reads its inputs from the store,
``compute_index`` builds the scores and ``sensitivity`` runs the Monte Carlo. The functions
``index_compute`` and ``index_sensitivity`` below do all of it in one call (the CLI uses them).
"""

from __future__ import annotations

from typing import Any

from steppe.indicators.composite.build import IndexResult, compute_index
from steppe.indicators.composite.inputs import INPUTS, gather_panel
from steppe.indicators.composite.methodology import Methodology, load_methodology
from steppe.indicators.composite.sensitivity import SensitivityResult, sensitivity
from steppe.store import Store

__all__ = [
    "INPUTS",
    "IndexResult",
    "Methodology",
    "SensitivityResult",
    "compute_index",
    "gather_panel",
    "index_compute",
    "index_sensitivity",
    "load_methodology",
    "sensitivity",
]


def index_compute(methodology: str, *, store: Store | None = None) -> tuple[IndexResult, dict[str, Any]]:
    """Scores of a methodology file (or bundled name) from the stored data, and their provenance."""
    method = load_methodology(methodology)
    panel, info = gather_panel(method, store=store)
    return compute_index(panel, method), info


def index_sensitivity(
    methodology: str, *, draws: int | None = None, seed: int = 0, store: Store | None = None
) -> tuple[SensitivityResult, dict[str, Any]]:
    """Monte Carlo score and rank intervals of a methodology from the stored data (seeded)."""
    method = load_methodology(methodology)
    panel, info = gather_panel(method, store=store)
    return sensitivity(panel, method, draws=draws, seed=seed), info
