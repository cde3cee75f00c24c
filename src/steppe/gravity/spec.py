"""Declared gravity specifications: YAML files that say what to estimate on which data.

A spec names its data (a Yotov et al. application file through the mirror, a CSV file, or
stored trade flows with gravity covariates), the sample, the derived terms (see
:mod:`steppe.gravity.panel`), the model (PPML or OLS, regressors, fixed effects, variance)
and optionally a counterfactual. The Guide's specifications ship in ``specs/`` and are
found by name (``steppe gravity examples``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from steppe.errors import NotFoundError, UsageError
from steppe.gravity.panel import COLUMN_TERM_KINDS, FIXED_EFFECTS
from steppe.identifiers import check_identifier, check_identifiers
from steppe.yamlfiles import yaml_problem, yaml_where

Estimator = Literal["ppml", "ols"]
VcovKind = Literal["cluster", "hetero", "iid"]
DataSource = Literal["agtpa", "csv", "store"]

ESTIMATORS = ("ppml", "ols")
VCOV_KINDS = ("cluster", "hetero", "iid")
DATA_SOURCES = ("agtpa", "csv", "store")

_TOP_KEYS = {"name", "title", "reference", "data", "sample", "terms", "model", "counterfactual"}
_DATA_KEYS = {"source", "file", "path", "dataset", "covariates", "reporter", "product"}
_SAMPLE_KEYS = {"years", "international_only", "positive_trade"}
_MODEL_KEYS = {
    "estimator",
    "dependent",
    "regressors",
    "fixed_effects",
    "vcov",
    "cluster",
    "ssc",
    "drop_singletons",
    "tolerance",
}


@dataclass(frozen=True)
class DataSpec:
    """Where the bilateral frame comes from."""

    source: DataSource
    file: str | None = None
    path: str | None = None
    dataset: str | None = None
    covariates: str | None = None
    reporter: str = "reconciled"
    product: str = "TOTAL"


@dataclass(frozen=True)
class SampleSpec:
    """Which rows enter the estimation after the terms are computed."""

    years: tuple[int, ...] | None = None
    international_only: bool = False
    positive_trade: bool = False


@dataclass(frozen=True)
class ModelSpec:
    """The estimator and its right-hand side."""

    estimator: Estimator
    dependent: str
    regressors: tuple[str, ...]
    fixed_effects: tuple[str, ...] = ()
    vcov: VcovKind = "cluster"
    cluster: str | None = "pair"
    ssc: dict[str, Any] = field(default_factory=dict)
    drop_singletons: bool = True
    tolerance: float = 1e-10


@dataclass(frozen=True)
class GravitySpec:
    """One declared run."""

    name: str
    title: str
    data: DataSpec
    model: ModelSpec
    sample: SampleSpec = SampleSpec()
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference: str | None = None
    counterfactual: dict[str, Any] | None = None
    path: str | None = None


def _check_keys(where: str, given: dict[str, Any], allowed: set[str], spec_name: str) -> None:
    if not isinstance(given, dict):
        raise UsageError(f"Spec '{spec_name}': {where} must be a mapping, not {str(given)[:40]!r}.")
    unknown = sorted(set(given) - allowed, key=str)
    if unknown:
        raise UsageError(
            f"Spec '{spec_name}' has unknown key '{unknown[0]}' in {where}: use {', '.join(sorted(allowed))}."
        )


def _years(value: Any, spec_name: str) -> tuple[int, ...] | None:
    if value is None:
        return None
    wrong = UsageError(
        f"Spec '{spec_name}': years {str(value)[:40]!r} must look like 1986:2006, 1986:2006:4 "
        "or a list of years."
    )
    if isinstance(value, str):
        # "1986:2006:4" = every 4th year from 1986 to 2006 inclusive
        try:
            parts = [int(p) for p in value.split(":")]
        except ValueError:
            raise wrong from None
        if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] < 1):
            raise wrong
        step = parts[2] if len(parts) == 3 else 1
        return tuple(range(parts[0], parts[1] + 1, step))
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise wrong
    return tuple(value)


def _check_names(spec_name: str, model: dict[str, Any], terms: dict[Any, Any]) -> None:
    """Refuse any name that is not a plain identifier before a formula can be built from it.

    Names reach pyfixest's formula, which formulaic evaluates as Python: a spec that names a
    regressor ``__import__('os')...`` would otherwise run code (see :mod:`steppe.identifiers`).
    """
    where = f"Spec '{spec_name}'"
    check_identifier(model.get("dependent"), "dependent variable", where)
    regressors = model.get("regressors")
    if not isinstance(regressors, list):
        raise UsageError(f"{where}: 'regressors' must be a list of names.")
    check_identifiers(regressors, "regressor", where)
    if model.get("cluster") is not None:
        check_identifier(model.get("cluster"), "cluster variable", where)
    for term, definition in terms.items():
        check_identifier(term, "term name", where)
        if isinstance(definition, dict):
            for kind in COLUMN_TERM_KINDS:
                if kind in definition:
                    check_identifier(definition[kind], f"column read by term '{term}'", where)
            if "flows" in definition:
                check_identifier(definition["flows"], f"flows column of term '{term}'", where)


def parse_spec(raw: dict[str, Any], path: str | None = None) -> GravitySpec:
    """Check a spec mapping and turn it into a :class:`GravitySpec` (one error per problem)."""
    if not isinstance(raw, dict):
        raise UsageError(f"The spec {path or ''} must be a YAML mapping with name, data and model.".strip())
    name = " ".join(str(raw.get("name") or (Path(path).stem if path else "spec")).split())[:80] or "spec"
    _check_keys("the top level", raw, _TOP_KEYS, name)
    for key in ("data", "model"):
        if not isinstance(raw.get(key), dict):
            raise UsageError(f"Spec '{name}' needs a '{key}:' section.")
    data = raw["data"]
    _check_keys("data", data, _DATA_KEYS, name)
    if data.get("source") not in DATA_SOURCES:
        raise UsageError(f"Spec '{name}': data source must be one of {', '.join(DATA_SOURCES)}.")
    model = raw["model"]
    _check_keys("model", model, _MODEL_KEYS, name)
    estimator = model.get("estimator")
    if estimator not in ESTIMATORS:
        raise UsageError(
            f"Spec '{name}': estimator must be one of {', '.join(ESTIMATORS)}, not '{estimator}'."
        )
    vcov = model.get("vcov", "cluster")
    if vcov not in VCOV_KINDS:
        raise UsageError(f"Spec '{name}': vcov must be one of {', '.join(VCOV_KINDS)}, not '{vcov}'.")
    fixed = model.get("fixed_effects") or []
    if not isinstance(fixed, list) or not all(isinstance(fe, str) for fe in fixed):
        raise UsageError(f"Spec '{name}': 'fixed_effects' must be a list of names.")
    fixed = tuple(fixed)
    for fe in fixed:
        if fe not in FIXED_EFFECTS:
            raise UsageError(
                f"Spec '{name}': unknown fixed effect '{fe}'; use one of {', '.join(FIXED_EFFECTS)}."
            )
    if not model.get("dependent") or not model.get("regressors"):
        raise UsageError(f"Spec '{name}': the model needs 'dependent' and a list of 'regressors'.")
    sample = raw.get("sample") or {}
    _check_keys("sample", sample, _SAMPLE_KEYS, name)
    terms = raw.get("terms") or {}
    if not isinstance(terms, dict):
        raise UsageError(f"Spec '{name}': 'terms' must map term names to definitions such as {{log: dist}}.")
    _check_names(name, model, terms)
    for key in ("file", "path", "dataset", "covariates", "reporter", "product"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise UsageError(f"Spec '{name}': data '{key}' must be text, not {str(data[key])[:40]!r}.")
    if not isinstance(model.get("ssc") or {}, dict):
        raise UsageError(f"Spec '{name}': 'ssc' must be a mapping of small-sample options.")
    tolerance = model.get("tolerance", 1e-10)
    if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or not 0 < tolerance < 1:
        raise UsageError(f"Spec '{name}': 'tolerance' must be a number between 0 and 1.")
    return GravitySpec(
        name=name,
        title=str(raw.get("title") or name),
        reference=raw.get("reference"),
        data=DataSpec(
            source=data["source"],
            file=data.get("file"),
            path=data.get("path"),
            dataset=data.get("dataset"),
            covariates=data.get("covariates"),
            reporter=data.get("reporter", "reconciled"),
            product=data.get("product", "TOTAL"),
        ),
        sample=SampleSpec(
            years=_years(sample.get("years"), name),
            international_only=bool(sample.get("international_only", False)),
            positive_trade=bool(sample.get("positive_trade", False)),
        ),
        terms={str(k): dict(v) if isinstance(v, dict) else v for k, v in terms.items()},
        model=ModelSpec(
            estimator=estimator,
            dependent=str(model["dependent"]),
            regressors=tuple(str(r) for r in model["regressors"]),
            fixed_effects=fixed,
            vcov=vcov,
            cluster=model.get("cluster", "pair") if vcov == "cluster" else None,
            ssc=dict(model.get("ssc") or {}),
            drop_singletons=bool(model.get("drop_singletons", True)),
            tolerance=float(model.get("tolerance", 1e-10)),
        ),
        counterfactual=raw.get("counterfactual"),
        path=path,
    )


def _example_files() -> dict[str, Any]:
    folder = resources.files("steppe.gravity") / "specs"
    return {entry.name[:-5]: entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def examples() -> list[GravitySpec]:
    """Every shipped example spec, by name."""
    files = _example_files()
    return [load_spec(name) for name in sorted(files)]


def load_spec(name_or_path: str | Path) -> GravitySpec:
    """A shipped example by name, or a YAML spec file by path."""
    text = str(name_or_path)
    files = _example_files()
    if text in files:
        raw = yaml.safe_load(files[text].read_text("utf-8"))
        return parse_spec(raw, f"example:{text}")
    path = Path(text).expanduser()
    if not path.is_file():
        raise NotFoundError(
            f"No example spec or file named '{text}': run 'steppe gravity examples' for the names, "
            "or give the path of a YAML spec."
        )
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise UsageError(
            f"The spec {yaml_where(path, exc)} is not valid YAML ({yaml_problem(exc)}); fix its syntax."
        ) from None
    return parse_spec(raw, str(path))
