"""A gravity spec is data: no name in it, or in its data file, can make the formula run code.

pyfixest hands the formula to formulaic, which evaluates Python. Each payload below would
create a canary file if it reached the formula; every one must be refused in one sentence
before estimation, and the canary must not exist afterwards.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytest.importorskip("pyfixest")

from steppe.errors import UsageError
from steppe.gravity.run import run_spec
from steppe.gravity.spec import load_spec, parse_spec
from steppe.identifiers import is_identifier


def _payloads(canary: Path) -> list[str]:
    c = str(canary)
    return [
        f"getattr(__import__('os'),'system')('touch {c}')",
        f"__import__('pathlib').Path('{c}').touch()",
        f"exec(\"open('{c}','w')\")",
        f"eval(\"open('{c}','w')\")",
        f"open('{c}','w')",
        "__class__",
        "log_dist.__class__.__init__.__globals__",
        f"`open('{c}','w')`",
        f"I(open('{c}','w'))",
        f"log_dist + Q('{c}')",
        "log dist",
        "lambda",
    ]


def _write_case(tmp_path: Path, spec: dict, frame: pd.DataFrame | None = None) -> Path:
    data = frame if frame is not None else _frame()
    data.to_csv(tmp_path / "flows.csv", index=False)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), "utf-8")
    return path


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    codes = [f"C{k}" for k in range(6)]
    rows = [
        {"exporter": i, "importer": j, "year": y, "dist": 100.0 + 37 * abs(a - b) + a}
        for (a, i), (b, j), y in itertools.product(enumerate(codes), enumerate(codes), (2000, 2001))
    ]
    frame = pd.DataFrame(rows)
    frame["trade"] = rng.poisson(np.exp(9 - 0.7 * np.log(frame["dist"]))).astype(float)
    return frame


def _spec(**model) -> dict:
    base = {
        "name": "payload",
        "data": {"source": "csv", "path": "flows.csv"},
        "terms": {"log_dist": {"log": "dist"}},
        "model": {
            "estimator": "ppml",
            "dependent": "trade",
            "regressors": ["log_dist"],
            "fixed_effects": ["exporter_year", "importer_year"],
            "vcov": "hetero",
        },
    }
    base["model"].update(model)
    return base


PLACES = ["regressor", "dependent", "cluster", "term_name", "term_column"]


def _place(spec: dict, where: str, payload: str) -> dict:
    if where == "regressor":
        spec["model"]["regressors"] = ["log_dist", payload]
    elif where == "dependent":
        spec["model"]["dependent"] = payload
    elif where == "cluster":
        spec["model"].update(vcov="cluster", cluster=payload)
    elif where == "term_name":
        spec["terms"] = {payload: {"log": "dist"}}
        spec["model"]["regressors"] = [payload]
    else:
        spec["terms"] = {"log_dist": {"log": payload}}
    return spec


@pytest.mark.parametrize("where", PLACES)
def test_payloads_in_spec_run_nothing(tmp_path: Path, where: str) -> None:
    canary = tmp_path / "PWNED"
    for payload in _payloads(canary):
        path = _write_case(tmp_path, _place(_spec(), where, payload))
        with pytest.raises(UsageError, match="not a plain name") as info:
            run_spec(load_spec(path))
        assert "\n" not in str(info.value)
        assert not canary.exists(), f"{where}: {payload!r} ran"


def test_payload_in_data_codes_runs_nothing(tmp_path: Path) -> None:
    """Country codes from the data become column names of per-country dummies."""
    canary = tmp_path / "PWNED"
    frame = _frame()
    bad = f"__import__('os').system('touch {canary}')"
    frame = frame.replace({"exporter": {"C0": bad}, "importer": {"C0": bad}})
    spec = _spec(regressors=["log_dist", "intra"])
    spec["terms"]["intra"] = {"domestic_by_country": True}
    with pytest.raises(UsageError, match="country code in term 'intra'"):
        run_spec(load_spec(_write_case(tmp_path, spec, frame)))
    assert not canary.exists()


def test_a_clean_spec_still_estimates(tmp_path: Path) -> None:
    result = run_spec(load_spec(_write_case(tmp_path, _spec())))
    assert result.nobs == 72
    assert result.coef("log_dist") < 0


def test_shipped_examples_use_plain_names() -> None:
    from steppe.gravity.spec import examples

    assert len(examples()) >= 20  # each example parsed through the same name checks


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("log_dist", True),
        ("rta_lag4", True),
        ("x", True),
        ("_private", False),
        ("__import__", False),
        ("1abc", False),
        ("a.b", False),
        ("a b", False),
        ("", False),
        ("for", False),
        ("match", False),
        ("a" * 64, True),
        ("a" * 65, False),
        (3, False),
        (None, False),
        ("é", False),
    ],
)
def test_identifier_rule(name: object, ok: bool) -> None:
    assert is_identifier(name) is ok


def test_parse_refuses_non_list_regressors() -> None:
    with pytest.raises(UsageError, match="'regressors' must be a list"):
        parse_spec(_spec(regressors="log_dist"))
