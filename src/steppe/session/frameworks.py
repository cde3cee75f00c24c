"""``session.frameworks``: the theory-driven frameworks (regionness, openness × commitment,
liberal intergovernmentalism, ECDPM drivers, tone), each with its evidence.

Framework measures are :class:`~steppe.frameworks.result.Measure` objects (value, unit,
evidence with citations); :class:`Measures` is their list with ``.to_frame()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.dates import YearsLike, year_span

if TYPE_CHECKING:
    from steppe.frameworks.li import LIResult
    from steppe.frameworks.openness_commitment import OpennessCommitment
    from steppe.frameworks.result import Measure
    from steppe.frameworks.tone import Scope
    from steppe.session import Session


class Measures(list["Measure"]):
    """A list of :class:`~steppe.frameworks.result.Measure` with ``.to_frame()`` and provenance."""

    def __init__(self, items: Sequence[Measure], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(items)
        self.attrs = dict(attrs or {})

    def to_frame(self) -> pd.DataFrame:
        """One row per measure (unit columns, value, label, n ...; evidence left out)."""
        from steppe.frameworks.result import to_frame

        out = to_frame(self)
        out.attrs.update(self.attrs)
        return out


def _span(years: YearsLike | None, default: tuple[int, int] | None) -> tuple[int, int] | None:
    return year_span(years, "years") if years is not None else default


class Frameworks:
    """Frameworks (``steppe frameworks ...``) for one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _attrs(self, query: str, **asked: Any) -> dict[str, Any]:
        return {
            "query": f"frameworks.{query}",
            "parameters": asked,
            "kb_fingerprint": self._session.kb_fingerprint,
            "store": self._session.store.path,
        }

    def regionness(
        self, regions: Sequence[str] | str = "c5", years: YearsLike = (1995, 2024), *, view: str = "reported"
    ) -> Measures:
        """Hettne and Söderbaum's level of regionness per region and year, with the tests' evidence."""
        from steppe.frameworks.regionness import regionness

        span = _span(years, (1995, 2024))
        assert span is not None
        self._session.ensure_kb()
        rows = regionness(regions, span, view=view, store=self._session.store)
        return Measures(rows, self._attrs("regionness", regions=regions, years=list(span), view=view))

    def openness_commitment(
        self,
        orgs: Sequence[str] | None = None,
        years: YearsLike = (2000, 2024),
        countries: Sequence[str] | None = None,
    ) -> OpennessCommitment:
        """Openness × commitment of each organisation (the 2×2 and its ranking)."""
        from steppe.frameworks.openness_commitment import openness_commitment

        span = _span(years, (2000, 2024))
        assert span is not None
        self._session.ensure_kb()
        return openness_commitment(orgs, span, countries, store=self._session.store)

    def li(self, country: str, years: YearsLike = (2010, 2024)) -> LIResult:
        """Liberal intergovernmentalism for one state: preferences, bargaining, institutional choice."""
        from steppe.frameworks.li import li

        span = _span(years, (2010, 2024))
        assert span is not None
        self._session.ensure_kb()
        return li(country, span, store=self._session.store)

    def ecdpm(
        self,
        years: YearsLike | None = None,
        *,
        coders: Sequence[str] | None = None,
        docs: Sequence[str] | None = None,
    ) -> Measures:
        """ECDPM political-economy drivers of regional integration, from the coded texts."""
        from steppe.frameworks.ecdpm import ecdpm

        span = _span(years, None)
        self._session.ensure_kb()
        rows = ecdpm(span, coders=coders, doc_ids=docs, store=self._session.store)
        return Measures(rows, self._attrs("ecdpm", years=list(span) if span else None))

    def tone(
        self,
        actors: Sequence[str] | str | None = None,
        *,
        by: str = "document",
        docs: Sequence[str] | None = None,
        scope: Scope = "sentences",
        threshold: float = 0.05,
        model: str = "vader",
        model_path: str | None = None,
    ) -> Measures:
        """Tone toward China, the BRI, Russia, the US and the EU in the stored texts."""
        from steppe.frameworks.tone import tone

        path = model_path or self._session.settings.embeddings_model
        self._session.ensure_kb()
        rows = tone(
            actors,
            by=by,
            doc_ids=docs,
            scope=scope,
            threshold=threshold,
            model=model,
            model_path=str(path) if path else None,
            store=self._session.store,
        )
        return Measures(rows, self._attrs("tone", actors=actors, by=by, model=model))
