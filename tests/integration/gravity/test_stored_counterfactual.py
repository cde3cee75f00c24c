"""GE counterfactuals computed through the session API are stored with their estimation run
(migration 093) and read back as the latest of each spec (synthetic flows, a few seconds)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyfixest")

import steppe
from steppe.errors import UsageError

COUNTRIES = ["CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
#: Removing the border among four Central Asian states.
CA_FREE = {"set": {"intl": 0}, "among": ["KAZ", "KGZ", "TJK", "UZB"], "sigma": 7, "reference_country": "CHN"}


def write_flows(path, seed: int = 5) -> None:
    """A square exporter x importer matrix with domestic flows: size, distance and a border."""
    rng = np.random.default_rng(seed)
    size = {c: rng.uniform(1, 5) for c in COUNTRIES}
    rows = []
    for i, j in itertools.product(COUNTRIES, COUNTRIES):
        dist = 50.0 if i == j else rng.uniform(500, 5000)
        mu = np.exp(size[i] + size[j] - np.log(dist) - 1.5 * (i != j) + 8)
        rows.append(
            {"exporter": i, "importer": j, "year": 2016, "trade": mu * rng.uniform(0.95, 1.05), "dist": dist}
        )
    pd.DataFrame(rows).to_csv(path, index=False)


def spec_of(tmp_path, name: str = "ca-borders", counterfactual: dict | None = None):
    from steppe.gravity.spec import parse_spec

    write_flows(tmp_path / "flows.csv")
    return parse_spec(
        {
            "name": name,
            "data": {"source": "csv", "path": str(tmp_path / "flows.csv")},
            "terms": {"log_dist": {"log": "dist"}, "intl": {"column": "international"}},
            "model": {
                "estimator": "ppml",
                "dependent": "trade",
                "regressors": ["log_dist", "intl"],
                "fixed_effects": ["exporter", "importer"],
                "vcov": "hetero",
            },
            "counterfactual": counterfactual or CA_FREE,
        }
    )


@pytest.fixture
def session(tmp_path):
    with steppe.connect(db=tmp_path / "cf.duckdb") as s:
        yield s


def test_a_counterfactual_is_stored_with_its_run(session, tmp_path):
    spec = spec_of(tmp_path)
    result, ge = session.gravity.counterfactual(spec)
    assert ge.run_id and ge.counterfactual_id and ge.year == 2016

    stored = session.gravity.counterfactuals()
    assert stored.attrs["query"] == "gravity.counterfactuals"
    assert len(stored) == 1
    cf = stored.iloc[0]
    assert cf["cf_id"] == ge.counterfactual_id and cf["run_id"] == ge.run_id
    assert cf["spec_name"] == "ca-borders" and cf["year"] == 2016 and cf["sigma"] == 7.0
    assert cf["reference_country"] == "CHN" and cf["iterations"] == ge.iterations
    assert cf["scenario"] == CA_FREE
    assert cf["scenario_text"] == (
        "intl set to 0 for international pairs among KAZ, KGZ, TJK, UZB; 2016 cross-section; sigma 7; "
        "reference country CHN"
    )
    # the run it used is the stored estimate, the same coefficients
    runs = session.gravity.runs()
    assert list(runs["run_id"]) == [ge.run_id]
    assert cf["run"]["estimator"] == "ppml" and cf["run"]["nobs"] == result.nobs
    assert cf["run"]["provenance"] == {"source": "csv", "path": str(tmp_path / "flows.csv")}
    by_term = {c["term"]: c["estimate"] for c in runs.iloc[0]["coefficients"]}
    assert by_term["intl"] == pytest.approx(result.coef("intl"), rel=1e-12)
    # every country's GE results come back as computed, in the solver's order
    back = pd.DataFrame(cf["countries"]).set_index("country")
    assert list(back.index) == COUNTRIES
    pd.testing.assert_frame_equal(back[ge.countries.columns], ge.countries, check_names=False, rtol=1e-12)
    # removing the border among the four raises their exports; CHN and RUS are outsiders
    assert (back.loc[["KAZ", "KGZ", "TJK", "UZB"], "change_exports_conditional"] > 0).all()


def test_the_latest_of_each_spec_is_read(session, tmp_path):
    session.gravity.counterfactual(spec_of(tmp_path))
    _, other = session.gravity.counterfactual(
        spec_of(tmp_path, "ca-borders-half", {"set": {"intl": 0.5}, "sigma": 7, "reference_country": "KAZ"})
    )
    _, latest = session.gravity.counterfactual(spec_of(tmp_path))
    stored = session.gravity.counterfactuals()
    assert list(stored["spec_name"]) == ["ca-borders", "ca-borders-half"]
    assert list(stored["cf_id"]) == [latest.counterfactual_id, other.counterfactual_id]
    assert stored.iloc[1]["scenario_text"] == (
        "intl set to 0.5 for every international pair; 2016 cross-section; sigma 7; reference country KAZ"
    )
    assert len(session.gravity.runs()) == 2  # one latest run per spec


def test_save_false_and_a_refused_counterfactual_store_nothing(session, tmp_path):
    session.gravity.counterfactual(spec_of(tmp_path), save=False)
    with pytest.raises(UsageError, match="not an estimated regressor"):
        session.gravity.counterfactual(spec_of(tmp_path, counterfactual={"set": {"rta": 0}}))
    assert session.gravity.counterfactuals().empty
    assert session.gravity.runs().empty
    assert "countries" in session.gravity.counterfactuals().columns  # an empty answer keeps its columns


def test_a_failed_save_leaves_neither_run_nor_counterfactual(session, tmp_path, monkeypatch):
    from steppe.store import gravity_runs

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gravity_runs, "save_counterfactual", broken)
    with pytest.raises(RuntimeError):
        session.gravity.counterfactual(spec_of(tmp_path))
    assert session.gravity.runs().empty


def test_store_round_trip_keeps_json_and_order(store):
    from steppe.store import gravity_runs

    run = {
        "name": "hand", "estimator": "ppml", "nobs": 4, "rows_in": 4, "dropped": {"missing": 0},
        "fixed_effects": ["exporter", "importer"], "vcov": "hetero", "provenance": {"source": "csv"},
        "steppe_version": "0", "method": "hand",
    }  # fmt: skip
    coef = pd.DataFrame({"estimate": [-1.0], "se": [0.1], "p": [0.01]}, index=["log_dist"])
    run_id = gravity_runs.save_run(store, run, coef)
    countries = pd.DataFrame({"country": ["ZZZ", "AAA"], "change_real_gdp_full": [1.5, -0.25]})
    scenario = {"set": {"x": 0}, "note": "quote ' and % sign"}
    about = {"spec_name": "hand", "scenario": scenario, "year": 2006, "sigma": 7, "reference_country": "ZZZ",
             "iterations": 3, "steppe_version": "0"}  # fmt: skip
    cf_id = gravity_runs.save_counterfactual(store, run_id, about, countries)
    (found,) = gravity_runs.latest_counterfactuals(store)
    assert found["cf_id"] == cf_id and found["run"]["run_id"] == run_id
    assert found["scenario"] == scenario and json.dumps(found["scenario"])
    assert [c["country"] for c in found["countries"]] == ["ZZZ", "AAA"]  # stored order, not sorted
    assert found["countries"][1]["change_real_gdp_full"] == -0.25
    assert found["countries"][1]["change_exports_full"] is None  # a column not given stays NULL


def test_a_read_only_session_computes_without_storing(tmp_path):
    db = tmp_path / "ro.duckdb"
    with steppe.connect(db=db) as writer:
        writer.ensure_kb()
    with steppe.connect(db=db, read_only=True) as reader:
        _, ge = reader.gravity.counterfactual(spec_of(tmp_path))
        assert ge.counterfactual_id is None and ge.run_id is None and len(ge.countries) == len(COUNTRIES)
        with pytest.raises(UsageError, match="read-only"):
            reader.gravity.counterfactual(spec_of(tmp_path), save=True)
        assert reader.gravity.counterfactuals().empty
