"""SQL for stored gravity runs: save one estimation, read the latest run of each spec; save a GE
counterfactual with the run it used, read the latest counterfactual of each spec (migrations 040,
085, 093)."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from steppe.store.db import Store


def save_run(store: Store, run: dict[str, Any], coefficients: pd.DataFrame) -> str:
    """Insert a run (the estimate JSON contract plus method fields) and its coefficients."""
    run_id = uuid.uuid4().hex
    with store.transaction():
        store.execute(
            "INSERT INTO gravity_runs (run_id, spec_name, spec_path, estimator, nobs, rows_in, dropped, "
            "fixed_effects, vcov, provenance, steppe_version, method) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                run["name"],
                run.get("spec_path"),
                run["estimator"],
                run["nobs"],
                run["rows_in"],
                json.dumps(run["dropped"]),
                list(run["fixed_effects"]),
                run["vcov"],
                json.dumps(run.get("provenance") or {}),
                run["steppe_version"],
                run["method"],
            ],
        )
        frame = pd.DataFrame(
            {
                "run_id": run_id,
                "term": coefficients.index.astype(str),
                "estimate": coefficients["estimate"].to_numpy(dtype=float),
                "se": coefficients["se"].to_numpy(dtype=float),
                "p_value": coefficients["p"].to_numpy(dtype=float),
                "position": range(len(coefficients)),
            }
        )
        store.insert_frame("gravity_coefficients", frame)
    return run_id


def latest_runs(store: Store) -> list[dict[str, Any]]:
    """The most recent stored run of each spec, newest first, with its coefficients."""
    runs = store.rows(
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY spec_name ORDER BY created_at DESC) AS rn "
        "FROM gravity_runs) AS r WHERE rn = 1 ORDER BY created_at DESC"
    )
    for run in runs:
        run.pop("rn", None)
        run["dropped"] = _json(run["dropped"])
        run["provenance"] = _json(run["provenance"])
        run["coefficients"] = store.rows(
            "SELECT term, estimate, se, p_value FROM gravity_coefficients WHERE run_id = ? ORDER BY position",
            [run["run_id"]],
        )
    return runs


def _json(value: Any) -> Any:
    """A JSON column as Python (DuckDB answers text, PostgreSQL the decoded value)."""
    return json.loads(value) if isinstance(value, str) else value


#: The columns of a stored counterfactual's row that are not per-country results.
_CF_KEYS = ("cf_id", "position")


def save_counterfactual(
    store: Store, run_id: str, counterfactual: dict[str, Any], countries: pd.DataFrame
) -> str:
    """Insert a GE counterfactual of stored run ``run_id`` and its per-country results; return its id.

    ``counterfactual`` holds ``spec_name``, ``scenario`` (the spec's section), ``year``, ``sigma``,
    ``reference_country``, ``iterations`` and ``steppe_version``; ``countries`` has a ``country``
    column and the GE columns of ``gravity_counterfactual_countries``.
    """
    cf_id = uuid.uuid4().hex
    with store.transaction():
        store.execute(
            "INSERT INTO gravity_counterfactuals (cf_id, run_id, spec_name, scenario, year, sigma, "
            "reference_country, iterations, steppe_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                cf_id,
                run_id,
                counterfactual["spec_name"],
                json.dumps(counterfactual["scenario"]),
                int(counterfactual["year"]),
                float(counterfactual["sigma"]),
                counterfactual["reference_country"],
                int(counterfactual["iterations"]),
                counterfactual["steppe_version"],
            ],
        )
        frame = countries.reset_index(drop=True).copy()
        frame["country"] = frame["country"].astype(str)
        frame.insert(0, "position", range(len(frame)))
        frame.insert(0, "cf_id", cf_id)
        store.insert_frame("gravity_counterfactual_countries", frame)
    return cf_id


def latest_counterfactuals(store: Store) -> list[dict[str, Any]]:
    """The most recent stored counterfactual of each spec, newest first: its scenario, the run it
    used (``run``: estimator, observations, method, provenance, when) and its per-country rows."""
    found = store.rows(
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY spec_name ORDER BY created_at DESC) AS rn "
        "FROM gravity_counterfactuals) AS c WHERE rn = 1 ORDER BY created_at DESC"
    )
    for cf in found:
        cf.pop("rn", None)
        cf["scenario"] = _json(cf["scenario"])
        runs = store.rows(
            "SELECT run_id, spec_path, estimator, nobs, rows_in, fixed_effects, vcov, provenance, "
            "steppe_version, method, created_at FROM gravity_runs WHERE run_id = ?",
            [cf["run_id"]],
        )
        run = runs[0] if runs else None
        if run is not None:
            run["provenance"] = _json(run["provenance"])
        cf["run"] = run
        countries = store.rows(
            "SELECT * FROM gravity_counterfactual_countries WHERE cf_id = ? ORDER BY position", [cf["cf_id"]]
        )
        cf["countries"] = [{k: v for k, v in r.items() if k not in _CF_KEYS} for r in countries]
    return found
