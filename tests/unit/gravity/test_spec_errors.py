"""Bad specs give one clear error each; estimation reports what it dropped."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyfixest")

from steppe.errors import NotFoundError, UsageError
from steppe.gravity.estimate import estimate, prepare
from steppe.gravity.panel import build_panel
from steppe.gravity.spec import load_spec, parse_spec


def _frame(seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    c = [f"C{k}" for k in range(8)]
    dist = {(i, j): rng.uniform(100, 5000) for i, j in itertools.product(c, c)}
    for i, j, y in itertools.product(c, c, (2000, 2001, 2002)):
        rows.append({"exporter": i, "importer": j, "year": y, "dist": dist[(i, j)]})
    f = pd.DataFrame(rows)
    f["trade"] = rng.poisson(np.exp(8 - 0.8 * np.log(f["dist"])))
    return f


RAW = {
    "name": "t",
    "data": {"source": "csv", "path": "x.csv"},
    "terms": {"log_dist": {"log": "dist"}},
    "model": {
        "estimator": "ppml",
        "dependent": "trade",
        "regressors": ["log_dist"],
        "fixed_effects": ["exporter_year", "importer_year"],
    },
}


def test_unknown_variable():
    spec = parse_spec({**RAW, "model": {**RAW["model"], "regressors": ["log_dist", "gdp"]}})
    panel = build_panel(_frame(), spec.terms)
    with pytest.raises(UsageError, match="Unknown variable 'gdp'"):
        prepare(panel, spec.model, spec.name)


def test_fixed_effect_absorbing_the_variable_of_interest():
    spec = parse_spec({**RAW, "model": {**RAW["model"], "fixed_effects": ["exporter_year", "pair"]}})
    panel = build_panel(_frame(), spec.terms)
    with pytest.raises(UsageError, match="fixed effect 'pair' absorbs 'log_dist'"):
        prepare(panel, spec.model, spec.name)


def test_unknown_keys_and_names():
    with pytest.raises(UsageError, match="unknown fixed effect 'country'"):
        parse_spec({**RAW, "model": {**RAW["model"], "fixed_effects": ["country"]}})
    with pytest.raises(UsageError, match="estimator must be one of"):
        parse_spec({**RAW, "model": {**RAW["model"], "estimator": "tobit"}})
    with pytest.raises(UsageError, match="unknown key 'modle'"):
        parse_spec({**RAW, "modle": {}})
    with pytest.raises(NotFoundError, match="steppe gravity examples"):
        load_spec("no-such-spec")


def test_separation_is_dropped_and_reported():
    f = _frame()
    f.loc[f.exporter == "C3", "trade"] = 0  # C3 never exports: its exporter-year groups are all zero
    spec = parse_spec(RAW)
    result = estimate(build_panel(f, spec.terms), spec.model, "t")
    assert result.dropped["separated"] == 8 * 3
    assert result.nobs == len(f) - 24
    assert result.coef("log_dist") == pytest.approx(-0.8, abs=0.1)
