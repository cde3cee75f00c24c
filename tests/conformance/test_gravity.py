"""Stored gravity runs and GE counterfactuals (migrations 040, 085, 093) on every backend: what is
saved reads back the same as on DuckDB, the latest of each spec, with its run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import StoreFactory, assert_same

pytest.importorskip("pyfixest")

#: Columns that differ between two stores by construction (ids, clocks).
VOLATILE = {"cf_id", "run_id", "created_at"}


def _plain(cf: dict) -> dict:
    out = {k: v for k, v in cf.items() if k not in VOLATILE}
    out["run"] = {k: v for k, v in cf["run"].items() if k not in VOLATILE}
    return out


def test_counterfactual_round_trip(
    new_store: StoreFactory, new_reference: StoreFactory, tmp_path: Path
) -> None:
    from steppe.gravity.run import record_counterfactual, run_counterfactual
    from steppe.store import gravity_runs
    from tests.integration.gravity.test_stored_counterfactual import COUNTRIES, spec_of

    spec = spec_of(tmp_path)
    result, ge = run_counterfactual(spec)  # a CSV spec without KB terms: no store needed to compute
    store, reference = new_store(), new_reference()
    found = {}
    for target in (store, reference):
        older = record_counterfactual(spec, result, ge, store=target)
        newest = record_counterfactual(spec, result, ge, store=target)
        (cf,) = gravity_runs.latest_counterfactuals(target)
        assert cf["cf_id"] == newest != older
        (run,) = gravity_runs.latest_runs(target)
        assert cf["run_id"] == run["run_id"] == cf["run"]["run_id"]
        found[id(target)] = cf
    got, want = found[id(store)], found[id(reference)]
    assert_same(_plain(got), _plain(want))
    assert got["scenario"] == spec.counterfactual and got["year"] == 2016 and got["sigma"] == 7.0
    assert [c["country"] for c in got["countries"]] == COUNTRIES
    for row in got["countries"]:
        for column, value in row.items():
            if column != "country":
                assert value == pytest.approx(ge.countries.loc[row["country"], column], rel=1e-12)
