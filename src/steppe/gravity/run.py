"""Run a declared spec end to end: load its data, build the panel, estimate.

This is the one place that turns a :class:`~steppe.gravity.spec.GravitySpec` into a result;
the command line and the report call it and add nothing but printing and storing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.gravity.estimate import GravityResult, estimate
from steppe.gravity.panel import MembershipLookup, Panel, build_panel
from steppe.gravity.spec import GravitySpec


def load_frame(spec: GravitySpec, store: Any = None) -> pd.DataFrame:
    """The bilateral frame a spec names, with ``attrs['provenance']``.

    Outside data comes from the store: the Guide's files (``source: agtpa``) as fetched by
    ``steppe fetch yotov2016``, bilateral trade and covariates (``source: store``) as fetched by
    their connectors; a ``csv`` file is the user's own.
    """
    data = spec.data
    if data.source == "agtpa":
        if not data.file:
            raise UsageError(f"Spec '{spec.name}': an agtpa data section needs 'file:'.")
        return guide_frame(data.file, store)
    if data.source == "csv":
        if not data.path:
            raise UsageError(f"Spec '{spec.name}': a csv data section needs 'path:'.")
        path = Path(data.path)
        if not path.is_absolute() and spec.path and not spec.path.startswith("example:"):
            path = Path(spec.path).parent / path
        if not path.is_file():
            raise NotFoundError(f"Spec '{spec.name}': the data file {path} does not exist; fix 'path:'.")
        frame = _read_csv(spec, path)
        frame.attrs["provenance"] = {"source": "csv", "path": str(path)}
        return frame
    from steppe.gravity.stored import stored_frame

    return stored_frame(spec.data, store)


#: The connector that stores the Guide's application files.
GUIDE_SOURCE = "yotov2016"


def guide_frame(file: str, store: Any = None) -> pd.DataFrame:
    """One of the Guide's application files as stored by ``steppe fetch yotov2016 --dataset FILE``."""
    from steppe.store import data as store_data
    from steppe.store import open_store

    own = store is None
    target = open_store() if own else store
    try:
        frame = store_data.gravity_panel(target, f"{GUIDE_SOURCE}:{file}")
        info = store_data.dataset_info(target, frame.attrs["dataset_id"])
    except NotFoundError:
        raise NotFoundError(
            f"The Guide's file '{file}' is not in the store; run 'steppe fetch {GUIDE_SOURCE} "
            f"--dataset {file} --mirror DIR' first, DIR holding yotov_agtpa/{file} (from the Guide's "
            "AdvancedGuideFiles.zip, https://vi.unctad.org/tpa)."
        ) from None
    finally:
        if own:
            target.close()
    frame.attrs["provenance"] = {
        "source": GUIDE_SOURCE,
        "dataset_id": info["dataset_id"],
        "file": file,
        "sha256": info["content_hash"],
        "location": info["location"],
        "reference": info["params"].get("reference"),
    }
    return frame


def _read_csv(spec: GravitySpec, path: Path) -> pd.DataFrame:
    """A spec's CSV data file; a cell that is not a number in a column the model uses, or a file
    that is not CSV, is one sentence naming the file, line and field."""
    from steppe.errors import DataError
    from steppe.gravity.panel import COLUMN_TERM_KINDS

    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise DataError(
            f"Spec '{spec.name}': {path} cannot be read as CSV ({detail}); fix the file."
        ) from None
    used = {spec.model.dependent, *spec.model.regressors}
    for definition in spec.terms.values():
        if isinstance(definition, dict):
            used |= {str(definition[k]) for k in COLUMN_TERM_KINDS if k in definition}
    for column in sorted(used & set(frame.columns)):
        if frame[column].dtype != object:
            continue
        text = frame[column].astype(str).str.strip()
        numeric = pd.to_numeric(text.where(frame[column].notna()), errors="coerce")
        bad = numeric.isna() & frame[column].notna()
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(
                f"Spec '{spec.name}': {path} line {pos + 2} field '{column}': {text.iloc[pos]!r} is not a "
                "number; fix the file (rule number)."
            )
        frame[column] = numeric
    return frame


def membership_lookup(store: Any = None) -> MembershipLookup:
    """A function (org, roles, days) -> (country, day) pairs of certain membership, answered by
    the store with the as-of rule's SQL definition; names resolve through the KB."""
    from steppe.kb import queries

    def lookup(org: str, roles: list[str] | None, days: list[date]) -> set[tuple[str, date]]:
        slug = queries.resolve_org(org, store=store)
        found = queries.member_statuses([slug], days, roles, store=store)
        certain = found[found["status"] == "yes"]
        return set(zip(certain["country"], certain["day"], strict=True))

    return lookup


def _needs_kb(spec: GravitySpec) -> bool:
    kinds = {"both_members", "exporter_member", "importer_member"}
    return any(kinds & set(t) for t in spec.terms.values() if isinstance(t, dict))


def build(spec: GravitySpec, frame: pd.DataFrame, store: Any = None) -> Panel:
    """The panel for a spec from an already loaded frame."""
    lookup = membership_lookup(store) if _needs_kb(spec) else None
    return build_panel(
        frame,
        spec.terms,
        years=spec.sample.years,
        international_only=spec.sample.international_only,
        positive_only=spec.sample.positive_trade,
        memberships=lookup,
    )


def run_spec(spec: GravitySpec, store: Any = None) -> GravityResult:
    """Load, build and estimate one spec."""
    frame = load_frame(spec, store)
    panel = build(spec, frame, store)
    result = estimate(panel, spec.model, spec.name)
    result.spec_path = spec.path
    return result


def run_counterfactual(spec: GravitySpec, store: Any = None) -> tuple[GravityResult, Any]:
    """Estimate a spec, then its declared counterfactual (``counterfactual:`` section).

    ``set: {term: value}`` replaces a regressor's value for every international pair, or only
    for pairs among the countries listed in ``among:`` (e.g. a Central Asian free-trade area);
    ``year:`` picks the cross-section of a panel; ``sigma`` and ``reference_country`` as in the
    Guide (chapter 2). Trade costs are ``exp(sum_k b_k x_k)`` over the estimated regressors.
    """
    import numpy as np

    from steppe.gravity.ge import counterfactual, trade_matrix

    cf = spec.counterfactual
    if not cf or not isinstance(cf.get("set"), dict):
        raise UsageError(f"Spec '{spec.name}' has no 'counterfactual:' section with 'set: {{term: value}}'.")
    frame = load_frame(spec, store)
    panel = build(spec, frame, store)
    result = estimate(panel, spec.model, spec.name)
    result.spec_path = spec.path
    data = panel.frame
    year = cf.get("year")
    if year is None:
        year = int(data["year"].max())
    data = data.loc[data["year"] == int(year)].copy()
    beta = result.coefficients["estimate"]
    among = set(cf.get("among") or [])
    selected = data["international"].to_numpy() == 1
    if among:
        selected &= data["exporter"].isin(among).to_numpy() & data["importer"].isin(among).to_numpy()
    log_b = np.zeros(len(data))
    log_c = np.zeros(len(data))
    changed = {str(k): float(v) for k, v in cf["set"].items()}
    for term in changed:
        if term not in beta.index:
            raise UsageError(
                f"Counterfactual of spec '{spec.name}' sets '{term}', which is not an estimated regressor "
                f"({', '.join(beta.index)})."
            )
    for label, b in beta.items():
        term = str(label)
        if term == "Intercept":
            continue
        x = data[term].to_numpy(dtype=float)
        log_b += b * x
        x_c = np.where(selected, changed[term], x) if term in changed else x
        log_c += b * x_c
    data["_t_bln"] = np.exp(log_b)
    data["_t_cfl"] = np.exp(log_c)
    trade, countries = trade_matrix(data, spec.model.dependent)
    t_b, _ = trade_matrix(data, "_t_bln")
    t_c, _ = trade_matrix(data, "_t_cfl")
    reference = str(cf.get("reference_country", countries[0]))
    aliases = dict(cf.get("country_aliases") or {})
    if reference not in countries and aliases.get(reference) in countries:
        reference = aliases[reference]
    ge = counterfactual(
        trade,
        t_b,
        t_c,
        countries,
        sigma=float(cf.get("sigma", 7)),
        reference_country=reference,
        tolerance=float(cf.get("tolerance", 0.01)),
    )
    if aliases:
        back = {v: k for k, v in aliases.items()}
        ge.countries.index = ge.countries.index.map(lambda c: back.get(c, c))
        ge.reference_country = back.get(ge.reference_country, ge.reference_country)
    ge.year = int(year)
    ge.scenario = dict(cf)
    return result, ge


def scenario_text(
    scenario: dict[str, Any],
    *,
    year: int | None = None,
    sigma: float | None = None,
    reference_country: str | None = None,
) -> str:
    """A counterfactual section in words, e.g. "intl_brdr set to 0 for every international pair;
    2006 cross-section; sigma 7; reference country DEU". ``year``, ``sigma`` and
    ``reference_country`` are the values solved with (a stored counterfactual's columns), which
    win over the section's own (absent year: the latest; sigma: 7; reference: the first country)."""
    changed = ", ".join(
        f"{k} set to {v:g}" if isinstance(v, int | float) else f"{k} set to {v}"
        for k, v in (scenario.get("set") or {}).items()
    )
    among = [str(c) for c in scenario.get("among") or []]
    pairs = f"for international pairs among {', '.join(among)}" if among else "for every international pair"
    parts = [f"{changed or 'nothing changed'} {pairs}"]
    shown_year = year if year is not None else scenario.get("year")
    if shown_year is not None:
        parts.append(f"{int(shown_year)} cross-section")
    parts.append(f"sigma {float(sigma if sigma is not None else scenario.get('sigma', 7)):g}")
    reference = reference_country or scenario.get("reference_country")
    if reference:
        parts.append(f"reference country {reference}")
    return "; ".join(parts)


def record(result: GravityResult, store: Any = None) -> str:
    """Save a run in the store (migration 040); return its id."""
    from importlib.metadata import version

    from steppe import __version__
    from steppe.store import gravity_runs as store_gravity_runs
    from steppe.store import open_store

    run = result.to_dict()
    run["spec_path"] = result.spec_path
    run["steppe_version"] = __version__
    run["method"] = f"pyfixest {version('pyfixest')} {'fepois' if result.estimator == 'ppml' else 'feols'}"
    if store is not None:
        return store_gravity_runs.save_run(store, run, result.coefficients)
    with open_store() as opened:
        return store_gravity_runs.save_run(opened, run, result.coefficients)


def record_counterfactual(spec: GravitySpec, result: GravityResult, ge: Any, store: Any) -> str:
    """Save a counterfactual (migration 093) with the estimation run it used, in one transaction;
    set ``ge.run_id`` and ``ge.counterfactual_id`` and return the latter."""
    from steppe import __version__
    from steppe.store import gravity_runs as store_gravity_runs

    with store.transaction():
        run_id = record(result, store=store)
        cf_id = store_gravity_runs.save_counterfactual(
            store,
            run_id,
            {
                "spec_name": spec.name,
                "scenario": ge.scenario if ge.scenario is not None else dict(spec.counterfactual or {}),
                "year": ge.year,
                "sigma": ge.sigma,
                "reference_country": ge.reference_country,
                "iterations": ge.iterations,
                "steppe_version": __version__,
            },
            ge.countries.reset_index(),
        )
    ge.run_id, ge.counterfactual_id = run_id, cf_id
    return cf_id
