"""SQL for stored gravity runs: save one estimation, read the latest run of each spec."""

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
        run["dropped"] = json.loads(run["dropped"]) if isinstance(run["dropped"], str) else run["dropped"]
        run["provenance"] = (
            json.loads(run["provenance"]) if isinstance(run["provenance"], str) else run["provenance"]
        )
        run["coefficients"] = store.rows(
            "SELECT term, estimate, se, p_value FROM gravity_coefficients WHERE run_id = ? ORDER BY position",
            [run["run_id"]],
        )
    return runs
