"""A KB-driven policy dummy through estimation and a "no EAEU" GE counterfactual (synthetic flows)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyfixest")

COUNTRIES = ["ARM", "BLR", "CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
EAEU_2016 = {"ARM", "BLR", "KAZ", "KGZ", "RUS"}  # KB: all full members by 1 January 2016


def _write_flows(path):
    rng = np.random.default_rng(3)
    size = {c: rng.uniform(1, 5) for c in COUNTRIES}
    rows = []
    for i, j in itertools.product(COUNTRIES, COUNTRIES):
        dist = 50.0 if i == j else rng.uniform(500, 5000)
        both = i != j and i in EAEU_2016 and j in EAEU_2016
        mu = np.exp(size[i] + size[j] - np.log(dist) + 0.6 * both - 2.0 * (i != j) + 8)
        rows.append(
            {"exporter": i, "importer": j, "year": 2016, "trade": mu * rng.uniform(0.95, 1.05), "dist": dist}
        )
    pd.DataFrame(rows).to_csv(path, index=False)


def test_no_eaeu_counterfactual(store, tmp_path):
    from steppe.gravity.run import run_counterfactual
    from steppe.gravity.spec import parse_spec

    _write_flows(tmp_path / "flows.csv")
    spec = parse_spec(
        {
            "name": "no-eaeu",
            "data": {"source": "csv", "path": "flows.csv"},
            "terms": {
                "log_dist": {"log": "dist"},
                "eaeu": {"both_members": "EEU"},
                "intl": {"column": "international"},
            },
            "model": {
                "estimator": "ppml",
                "dependent": "trade",
                "regressors": ["log_dist", "eaeu", "intl"],
                "fixed_effects": ["exporter", "importer"],
                "vcov": "hetero",
            },
            "counterfactual": {"set": {"eaeu": 0}, "sigma": 7, "reference_country": "CHN"},
        },
        str(tmp_path / "spec.yaml"),
    )
    result, ge = run_counterfactual(spec, store=store)
    assert result.coef("eaeu") == pytest.approx(0.6, abs=0.05)
    changes = ge.countries["change_exports_conditional"]
    for member in EAEU_2016:
        assert changes[member] < 0, member  # members lose the preference among themselves
    # outsiders are touched only through the multilateral resistances: smaller changes
    assert changes[["CHN", "TJK", "UZB"]].abs().max() < changes[sorted(EAEU_2016)].abs().min()


def test_central_asian_fta_among_changes_only_listed_pairs(store, tmp_path):
    from steppe.gravity.run import run_counterfactual
    from steppe.gravity.spec import parse_spec

    _write_flows(tmp_path / "flows.csv")
    raw = {
        "name": "ca-fta",
        "data": {"source": "csv", "path": str(tmp_path / "flows.csv")},
        "terms": {
            "log_dist": {"log": "dist"},
            "eaeu": {"both_members": "eaeu"},
            "intl": {"column": "international"},
        },
        "model": {
            "estimator": "ppml",
            "dependent": "trade",
            "regressors": ["log_dist", "eaeu", "intl"],
            "fixed_effects": ["exporter", "importer"],
            "vcov": "hetero",
        },
        "counterfactual": {
            "set": {"eaeu": 1},
            "among": ["KAZ", "KGZ", "TJK", "UZB"],
            "sigma": 7,
            "reference_country": "CHN",
        },
    }
    _, ge = run_counterfactual(parse_spec(raw), store=store)
    # TJK and UZB gain the preference with KAZ/KGZ; outsiders' imports from them are untouched
    assert ge.countries.loc["TJK", "change_exports_conditional"] > 0
    assert ge.countries.loc["UZB", "change_exports_conditional"] > 0
    assert ge.countries.loc["TJK", "change_exports_conditional"] > abs(
        ge.countries.loc["CHN", "change_exports_conditional"]
    )


def test_a_counterfactual_that_changes_nothing_changes_nothing(store, tmp_path):
    from steppe.gravity.run import run_counterfactual
    from steppe.gravity.spec import parse_spec

    _write_flows(tmp_path / "flows.csv")
    raw = {
        "name": "no-op",
        "data": {"source": "csv", "path": str(tmp_path / "flows.csv")},
        "terms": {"log_dist": {"log": "dist"}, "intl": {"column": "international"}},
        "model": {
            "estimator": "ppml",
            "dependent": "trade",
            "regressors": ["log_dist", "intl"],
            "fixed_effects": ["exporter", "importer"],
            "vcov": "hetero",
        },
        "counterfactual": {"set": {"intl": 1}, "sigma": 7, "reference_country": "CHN"},
    }
    _, ge = run_counterfactual(parse_spec(raw), store=store)
    changes = ge.countries.filter(like="change_")
    assert np.allclose(changes.to_numpy(), 0.0, atol=1e-8)
