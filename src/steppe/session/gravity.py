"""``session.gravity``: declared gravity specs, their estimates, stored runs and GE counterfactuals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from steppe.session.frames import frame

if TYPE_CHECKING:
    from steppe.gravity.estimate import GravityResult
    from steppe.gravity.ge import GEResult
    from steppe.gravity.spec import GravitySpec
    from steppe.session import Session


class Gravity:
    """Structural gravity (``steppe gravity ...``) for one session.

    A spec is a bundled name (``gravity.examples()``), a YAML path, or a loaded
    :class:`~steppe.gravity.spec.GravitySpec`. A spec on one of the Guide's files fetches it from
    the session's mirror first. Results are :class:`GravityResult` objects
    (``.coef()``, ``.se()``, ``.to_frame()`` of the coefficients).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def _spec(self, spec: str | Path | GravitySpec) -> GravitySpec:
        from steppe.gravity.spec import load_spec

        return load_spec(spec) if isinstance(spec, (str, Path)) else spec

    def _guide_file(self, spec: GravitySpec) -> None:
        """A spec on one of the Guide's files (Yotov et al. 2016): fetch that file into the store
        first when the session has a mirror; the same file again adds nothing."""
        from steppe.gravity.run import GUIDE_SOURCE

        if spec.data.source != "agtpa" or not spec.data.file or self._session.settings.mirror is None:
            return
        self._session.fetch(GUIDE_SOURCE, dataset=spec.data.file)

    def examples(self) -> pd.DataFrame:
        """The example specs shipped with steppe (the Guide's applications)."""
        from steppe.gravity.spec import examples

        rows = [
            {
                "name": s.name,
                "estimator": s.model.estimator,
                "counterfactual": bool(s.counterfactual),
                "title": s.title,
            }
            for s in examples()
        ]
        return frame(
            rows, ("name", "estimator", "counterfactual", "title"), attrs={"query": "gravity.examples"}
        )

    def estimate(self, spec: str | Path | GravitySpec, *, save: bool = False) -> GravityResult:
        """Estimate ``spec``: coefficients, standard errors, observations used and dropped.

        With ``save`` the run is stored (the report shows the latest run of each spec).
        """
        from steppe.gravity.run import record, run_spec

        declared = self._spec(spec)
        self._guide_file(declared)
        self._session.ensure_kb()
        result = run_spec(declared, store=self._session.store)
        if save:
            record(result, store=self._session.store)
        return result

    def counterfactual(
        self, spec: str | Path | GravitySpec, *, save: bool | None = None
    ) -> tuple[GravityResult, GEResult]:
        """The spec's estimate and its general-equilibrium counterfactual (per-country % changes).

        Stored unless ``save=False`` (or, with ``save`` left out, the session is read-only): the
        estimate as a run (as ``estimate(save=True)`` does) and the counterfactual tied to it, in
        one transaction, read back by :meth:`counterfactuals` and the web app's gravity page;
        ``ge.run_id`` and ``ge.counterfactual_id`` then name them (``None`` when not stored).
        """
        from steppe.errors import UsageError
        from steppe.gravity.run import record_counterfactual, run_counterfactual

        if save is None:
            save = not self._session.read_only
        elif save and self._session.read_only:
            raise UsageError(
                "This session is read-only, so the counterfactual cannot be stored; pass save=False "
                "or open the session with steppe.connect(read_only=False)."
            )
        declared = self._spec(spec)
        self._guide_file(declared)
        self._session.ensure_kb()
        result, ge = run_counterfactual(declared, store=self._session.store)
        if save:
            record_counterfactual(declared, result, ge, store=self._session.store)
        return result, ge

    def runs(self) -> pd.DataFrame:
        """The latest stored run of each spec."""
        from steppe.store import gravity_runs as store_gravity_runs

        return frame(store_gravity_runs.latest_runs(self._session.store), attrs={"query": "gravity.runs"})

    def counterfactuals(self) -> pd.DataFrame:
        """The latest stored GE counterfactual of each spec, newest first.

        One row per spec: ``scenario`` (the spec's ``counterfactual:`` section) and
        ``scenario_text`` (it in words), the ``year``, ``sigma`` and ``reference_country`` solved
        with, ``iterations``, the estimation run it used (``run_id``; ``run``: estimator,
        observations, method, data provenance) and ``countries`` (one dict per country: GE indexes
        and percent changes, as ``steppe gravity counterfactual`` prints;
        ``pd.DataFrame(row["countries"])`` is that table).
        """
        from steppe.gravity.run import scenario_text
        from steppe.store import gravity_runs as store_gravity_runs

        found = store_gravity_runs.latest_counterfactuals(self._session.store)
        for cf in found:
            cf["scenario_text"] = scenario_text(
                cf["scenario"], year=cf["year"], sigma=cf["sigma"], reference_country=cf["reference_country"]
            )
        return frame(
            found,
            COUNTERFACTUAL_COLUMNS,
            attrs={
                "query": "gravity.counterfactuals",
                "store": self._session.store.path,
                "method": "Yotov et al. (2016, ch. 2) GE procedure, steppe.gravity.ge",
                "unit": "change_* columns: percent change, counterfactual vs baseline",
            },
        )


#: The columns of :meth:`Gravity.counterfactuals` (an empty answer keeps them).
COUNTERFACTUAL_COLUMNS = (
    "cf_id",
    "run_id",
    "spec_name",
    "scenario",
    "scenario_text",
    "year",
    "sigma",
    "reference_country",
    "iterations",
    "steppe_version",
    "created_at",
    "run",
    "countries",
)
