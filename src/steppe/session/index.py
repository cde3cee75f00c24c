"""``session.index``: the composite index of regional integration and its sensitivity."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from steppe.indicators.composite.build import IndexResult
    from steppe.indicators.composite.methodology import Methodology
    from steppe.indicators.composite.sensitivity import SensitivityResult
    from steppe.session import Session


class Index:
    """The composite index (``steppe index ...``) for one session.

    ``methodology`` is a bundled name (``central-asia``) or a YAML path. Results carry the
    trade dataset and view they used in ``.info`` (and in ``scores.attrs``/``intervals.attrs``).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def _provenance(self, info: dict[str, Any], methodology: str | Path) -> dict[str, Any]:
        ids = [info.get("trade_dataset_id")] if info.get("trade_dataset_id") else []
        return {
            "query": "index",
            "methodology": str(methodology),
            "dataset_ids": ids,
            "view": info.get("trade_view"),
            "kb_fingerprint": self._session.kb_fingerprint,
            "store": self._session.store.path,
        }

    def compute(self, methodology: str | Path = "central-asia") -> IndexResult:
        """Scores (0-100), ranks and dimension sub-indices per country-year (``.scores``)."""
        from steppe.indicators.composite import index_compute

        self._session.ensure_kb()
        result, info = index_compute(str(methodology), store=self._session.store)
        result.info = info
        result.scores.attrs.update(self._provenance(info, methodology))
        return result

    def sensitivity(
        self, methodology: str | Path = "central-asia", *, draws: int | None = None, seed: int = 0
    ) -> SensitivityResult:
        """Monte Carlo score and rank intervals (5th-95th percentile) and first-order sensitivity."""
        from steppe.errors import UsageError
        from steppe.indicators.composite import index_sensitivity

        if draws is not None and draws < 1:
            raise UsageError(f"draws {draws} is too small: use at least 1.", params=("draws",))
        if seed < 0:
            raise UsageError(f"seed {seed} is negative: use 0 or more.", params=("seed",))
        self._session.ensure_kb()
        result, info = index_sensitivity(str(methodology), draws=draws, seed=seed, store=self._session.store)
        result.info = info
        result.intervals.attrs.update(self._provenance(info, methodology))
        return result

    def methodology(self, methodology: str | Path = "central-asia") -> Methodology:
        """The methodology as steppe reads it (dimensions, indicators, weights, choices)."""
        from steppe.indicators.composite import load_methodology

        return load_methodology(str(methodology))
