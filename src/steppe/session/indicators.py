"""``session.indicators``: trade-integration indicators for a region, as DataFrames.

Every method is one indicator family of :mod:`steppe.indicators.compute` (docs/indicators.md)
computed on the session's store. Shares are fractions (``share_unit``); each row names the
``dataset_id``, ``view`` and ``basis`` it comes from, and ``attrs`` gathers them: the dataset
ids, the view, the region, the years asked and the KB fingerprint (regions drawn from the KB).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.dates import YearsLike, year_span
from steppe.session.frames import frame, typed, unique

if TYPE_CHECKING:
    from steppe.indicators.views import View
    from steppe.session import Session

#: The indicator families, as ``steppe indicators NAME`` names them (``grubel-lloyd`` is
#: :meth:`Indicators.grubel_lloyd` here).
FAMILIES = (
    "regional",
    "members",
    "partners",
    "hhi",
    "intensity",
    "discrepancy",
    "flows",
    "rca",
    "complementarity",
    "grubel-lloyd",
)
#: The trade views (docs/indicators.md, "Trade views").
VIEWS = ("reported", "exports", "imports", "mirror", "reconciled")


class Indicators:
    """The indicators (``steppe indicators ...``) for one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _attrs(self, result: pd.DataFrame, name: str, **asked: Any) -> dict[str, Any]:
        return {
            "query": f"indicators.{name}",
            "parameters": asked,
            "dataset_ids": unique(result, "dataset_id"),
            "view": (unique(result, "view") or [str(asked["view"])])[0] if "view" in asked else None,
            "kb_fingerprint": self._session.kb_fingerprint,
            "store": self._session.store.path,
        }

    def compute(
        self,
        name: str,
        region: str = "c5",
        years: YearsLike | None = None,
        *,
        dataset: str | None = None,
        view: View = "reported",
        fill_from: Sequence[str] | str | None = None,
        cif_fob: float | None = None,
    ) -> pd.DataFrame:
        """Indicator family ``name`` (one of :data:`FAMILIES`) for ``region``'s members over ``years``.

        ``years`` is ``(first, last)`` or one year (default: every stored year); ``dataset`` a
        dataset id or source (default: the stored one covering most of the years); ``view`` the
        trade view; ``fill_from`` and ``cif_fob`` apply to the reconciled view.
        """
        from steppe.errors import UsageError
        from steppe.indicators import compute
        from steppe.indicators.views import CIF_FOB

        if cif_fob is not None and not cif_fob > 0:
            raise UsageError(
                f"cif_fob {cif_fob} is not a factor: use a positive number such as 1.06.", params=("cif_fob",)
            )
        span = year_span(years, "years")
        self._session.ensure_kb()
        result = compute.indicator(
            name,
            region,
            span,
            dataset=dataset,
            view=view,
            fill_from=fill_from,
            cif_fob=cif_fob or CIF_FOB,
            store=self._session.store,
        )
        asked = {"region": region, "years": list(span) if span else None, "dataset": dataset, "view": view}
        return typed(result, attrs=self._attrs(result, name, **asked))

    def regional(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Intra-regional trade share, intensity and introversion per year."""
        return self.compute("regional", region, years, **options)

    def members(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Each member's trade with the region and the world."""
        return self.compute("members", region, years, **options)

    def partners(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Each member's trade shares by partner."""
        return self.compute("partners", region, years, **options)

    def hhi(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Herfindahl-Hirschman concentration of each member's partners."""
        return self.compute("hhi", region, years, **options)

    def intensity(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Bilateral trade-intensity indices between members."""
        return self.compute("intensity", region, years, **options)

    def discrepancy(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Mirror gaps: each flow as its exporter and its importer report it."""
        return self.compute("discrepancy", region, years, **options)

    def flows(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """The bilateral flows with a member on either side, with their origins."""
        return self.compute("flows", region, years, **options)

    def rca(self, region: str = "c5", years: YearsLike | None = None, **options: Any) -> pd.DataFrame:
        """Balassa revealed comparative advantage per member and product (product-level data)."""
        return self.compute("rca", region, years, **options)

    def complementarity(
        self, region: str = "c5", years: YearsLike | None = None, **options: Any
    ) -> pd.DataFrame:
        """Trade complementarity between members (product-level data)."""
        return self.compute("complementarity", region, years, **options)

    def grubel_lloyd(
        self, region: str = "c5", years: YearsLike | None = None, **options: Any
    ) -> pd.DataFrame:
        """Grubel-Lloyd intra-industry trade between members (product-level data)."""
        return self.compute("grubel-lloyd", region, years, **options)

    def compare(
        self,
        regions: Sequence[str] | str = ("c5", "asean", "eu", "mercosur"),
        years: YearsLike | None = None,
        *,
        dataset: str | None = None,
        view: View = "reported",
        fill_from: Sequence[str] | str | None = None,
        cif_fob: float | None = None,
    ) -> pd.DataFrame:
        """The regional indicators of several regions on one world dataset (the first is the subject)."""
        from steppe.indicators import compute
        from steppe.indicators.views import CIF_FOB

        names = [r.strip() for r in regions.split(",")] if isinstance(regions, str) else list(regions)
        span = year_span(years, "years")
        self._session.ensure_kb()
        result = compute.compare_regions(
            names,
            span,
            dataset=dataset,
            view=view,
            fill_from=fill_from,
            cif_fob=cif_fob or CIF_FOB,
            store=self._session.store,
        )
        asked = {"regions": names, "years": list(span) if span else None, "dataset": dataset, "view": view}
        return typed(result, attrs=self._attrs(result, "compare", **asked))

    def dependence(
        self,
        years: YearsLike | None = None,
        *,
        region: str | None = "c5",
        dataset: str | None = None,
        view: View = "reported",
    ) -> pd.DataFrame:
        """Each member's dependence on the external powers (trade, and the covariates stored)."""
        from steppe.indicators.dependence import dependence

        span = year_span(years, "years")
        self._session.ensure_kb()
        result = dependence(
            span,
            dataset=dataset,
            view=view,
            region=region,
            store=self._session.store,
        )
        asked = {"region": region, "years": list(span) if span else None, "dataset": dataset, "view": view}
        return typed(result, attrs=self._attrs(result, "dependence", **asked))

    def regions(self) -> pd.DataFrame:
        """Every declared region: id, name, kind, members (today's for KB regions), source, url."""
        from steppe.indicators.regions import catalogue

        self._session.ensure_kb()
        rows = catalogue(store=self._session.store)
        return frame(
            rows,
            ("id", "name", "kind", "members", "source", "url"),
            attrs={"query": "indicators.regions", "kb_fingerprint": self._session.kb_fingerprint},
        )
