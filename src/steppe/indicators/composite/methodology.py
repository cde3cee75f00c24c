"""A composite index's declared methodology, read from YAML and checked before use."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from steppe.dates import parse_years
from steppe.errors import NotFoundError, ValidationError
from steppe.identifiers import is_identifier
from steppe.yamlfiles import yaml_problem, yaml_where

NORMALISATIONS = ("min-max", "z-score", "distance-to-frontier")
WEIGHTINGS = ("equal", "pca", "given")
AGGREGATIONS = ("arithmetic", "geometric")
IMPUTATIONS = ("none", "mean", "carry-forward")
DIRECTIONS = ("positive", "negative")
#: Columns of the scores frame that a dimension id would overwrite.
RESERVED_COLUMNS = frozenset({"unit", "year", "score", "missing", "rank"})


def _name_problem(value: Any, place: str) -> str | None:
    """Dimension and indicator ids become column names: the one identifier rule applies
    (steppe.identifiers), and a dimension may not take a column the scores already have."""
    if not is_identifier(value):
        shown = repr(value)[:80]
        return (
            f"{place} {shown} is not a plain name (letters, digits and underscores, starting with a "
            "letter, at most 64 characters)"
        )
    return None


class MethodologyWarning(UserWarning):
    """A methodology that loads but declares something it will not use (one sentence)."""


@dataclass(frozen=True)
class Indicator:
    id: str
    input: str
    direction: str = "positive"
    weight: float = 1.0
    description: str = ""


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    indicators: tuple[Indicator, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Uncertainty:
    draws: int = 500
    normalisation: tuple[str, ...] = NORMALISATIONS
    weighting: tuple[str, ...] = WEIGHTINGS
    aggregation: tuple[str, ...] = AGGREGATIONS
    imputation: tuple[str, ...] = IMPUTATIONS
    weight_noise: float = 0.25


@dataclass(frozen=True)
class Methodology:
    """Everything a composite index depends on, declared (see docs/indicators.md)."""

    id: str
    version: str
    title: str
    countries: tuple[str, ...]
    years: tuple[int, int]
    dimensions: tuple[Dimension, ...]
    region: str = "c5"
    normalisation: str = "min-max"
    weighting: str = "equal"
    aggregation: str = "arithmetic"
    imputation: str = "carry-forward"
    max_missing_share: float = 0.5
    trade: dict[str, Any] = field(default_factory=dict)
    uncertainty: Uncertainty = Uncertainty()
    not_covered: tuple[dict[str, str], ...] = ()
    path: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def indicators(self) -> list[Indicator]:
        return [i for d in self.dimensions for i in d.indicators]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "countries": list(self.countries),
            "years": f"{self.years[0]}:{self.years[1]}",
            "region": self.region,
            "normalisation": self.normalisation,
            "weighting": self.weighting,
            "aggregation": self.aggregation,
            "imputation": self.imputation,
            "max_missing_share": self.max_missing_share,
            "dimensions": [
                {
                    "id": d.id,
                    "name": d.name,
                    "weight": d.weight,
                    "indicators": [i.__dict__ for i in d.indicators],
                }
                for d in self.dimensions
            ],
        }


def bundled(name: str) -> Path:
    """Path of a methodology shipped with steppe (``methodologies/NAME.yaml``)."""
    base = resources.files("steppe.indicators").joinpath("methodologies")
    return Path(str(base.joinpath(f"{name}.yaml")))


def bundled_names() -> list[str]:
    base = resources.files("steppe.indicators").joinpath("methodologies")
    return sorted(p.name[:-5] for p in base.iterdir() if p.name.endswith(".yaml"))


def _choice(value: Any, allowed: tuple[str, ...], where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        problems.append(f"{where} is {_shown(value)}, not one of {', '.join(allowed)}")
    return str(value)


def _choices(value: Any, allowed: tuple[str, ...], where: str, problems: list[str]) -> tuple[str, ...]:
    values = tuple(value) if isinstance(value, list) else (value,)
    for v in values:
        _choice(v, allowed, where, problems)
    return values


def load_methodology(source: str | Path) -> Methodology:
    """Read and check a methodology file (a path, or the name of a bundled one)."""
    path = Path(source)
    if not path.exists() and not str(source).endswith((".yaml", ".yml")):
        path = bundled(str(source))
    if not path.exists():
        raise NotFoundError(
            f"No methodology file '{source}': give a YAML path or a bundled name "
            f"({', '.join(bundled_names())})."
        )
    try:
        raw = yaml.safe_load(path.read_text("utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise ValidationError(
            f"The methodology {yaml_where(path, exc)} is not valid YAML ({yaml_problem(exc)}); fix the file."
        ) from None
    return parse_methodology(raw, str(path))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Any, place: str, problems: list[str], *, integer: bool = False, low: float = 0.0) -> float:
    """A finite number of at least ``low`` from a YAML value, else a listed problem (and ``low``)."""
    import math

    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and integer:
        ok = float(value).is_integer()
    if not ok or not math.isfinite(float(value)) or float(value) < low:
        kind = "a whole number" if integer else "a number"
        problems.append(f"{place} is {_shown(value)}, not {kind} of at least {low:g}")
        return low
    return int(value) if integer else float(value)


def _mapping(value: Any, place: str, problems: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{place} must be a mapping, not {_shown(value)}")
        return {}
    return value


def parse_methodology(raw: dict[str, Any], path: str | None = None) -> Methodology:
    """Build a :class:`Methodology` from a parsed YAML mapping; every problem is listed.

    A methodology is a file users share: any value of the wrong type or shape is a listed
    problem (one ValidationError), never an exception from deep inside.
    """
    from steppe.indicators.composite.inputs import INPUTS

    problems: list[str] = []
    where = path or "the methodology"
    if not isinstance(raw, dict):
        raise ValidationError(
            f"{where}: the file must be a YAML mapping with id, countries, years, dimensions."
        )
    for key in ("id", "countries", "years", "dimensions"):
        if key not in raw:
            problems.append(f"missing key '{key}'")
    if problems:
        raise ValidationError(f"{where}: {'; '.join(problems)}.", problems)
    dims = []
    seen: set[str] = set()
    dimension_ids: set[str] = set()
    if not isinstance(raw["dimensions"], list) or not all(isinstance(d, dict) for d in raw["dimensions"]):
        raise ValidationError(f"{where}: 'dimensions' must be a list of mappings.", ["dimensions"])
    for d_i, d in enumerate(raw["dimensions"] or []):
        inds = []
        bad = _name_problem(d.get("id"), f"dimensions[{d_i}].id")
        if bad:
            problems.append(bad)
        elif d.get("id") in RESERVED_COLUMNS or d.get("id") in dimension_ids:
            problems.append(f"dimensions[{d_i}].id '{d.get('id')}' is used twice or names a score column")
        else:
            dimension_ids.add(d["id"])
        indicators_raw = d.get("indicators") or []
        if not isinstance(indicators_raw, list) or not all(isinstance(i, dict) for i in indicators_raw):
            problems.append(f"dimensions[{d_i}].indicators must be a list of mappings")
            indicators_raw = []
        for i_i, ind in enumerate(indicators_raw):
            place = f"dimensions[{d_i}].indicators[{i_i}]"
            bad = _name_problem(ind.get("id"), f"{place}.id")
            if bad:
                problems.append(bad)
            elif ind["id"] in seen:
                problems.append(f"{place}.id '{ind['id']}' is used twice")
            else:
                seen.add(ind["id"])
            if not isinstance(ind.get("input"), str) or ind["input"] not in INPUTS:
                problems.append(
                    f"{place}.input is {_shown(ind.get('input'))}, not one of {', '.join(INPUTS)}"
                )
            direction = _choice(ind.get("direction", "positive"), DIRECTIONS, f"{place}.direction", problems)
            inds.append(
                Indicator(
                    id=str(ind.get("id")),
                    input=str(ind.get("input")),
                    direction=direction,
                    weight=_number(ind.get("weight", 1.0), f"{place}.weight", problems),
                    description=str(ind.get("description", "")).strip(),
                )
            )
        if not inds:
            problems.append(f"dimensions[{d_i}] has no indicators")
        dims.append(
            Dimension(
                id=str(d.get("id")),
                name=str(d.get("name", d.get("id"))),
                indicators=tuple(inds),
                weight=_number(d.get("weight", 1.0), f"dimensions[{d_i}].weight", problems),
            )
        )
    if not dims:
        problems.append("no dimensions")
    missing = _mapping(raw.get("missing"), "missing", problems)
    unc = _mapping(raw.get("uncertainty"), "uncertainty", problems)
    trade = _mapping(raw.get("trade"), "trade", problems)
    uncertainty = Uncertainty(
        draws=int(_number(unc.get("draws", 500), "uncertainty.draws", problems, integer=True, low=1)),
        normalisation=_choices(
            unc.get("normalisation", list(NORMALISATIONS)),
            NORMALISATIONS,
            "uncertainty.normalisation",
            problems,
        ),
        weighting=_choices(
            unc.get("weighting", list(WEIGHTINGS)), WEIGHTINGS, "uncertainty.weighting", problems
        ),
        aggregation=_choices(
            unc.get("aggregation", list(AGGREGATIONS)), AGGREGATIONS, "uncertainty.aggregation", problems
        ),
        imputation=_choices(
            unc.get("imputation", list(IMPUTATIONS)), IMPUTATIONS, "uncertainty.imputation", problems
        ),
        weight_noise=_number(unc.get("weight_noise", 0.25), "uncertainty.weight_noise", problems),
    )
    share = _number(missing.get("max_missing_share", 0.5), "missing.max_missing_share", problems)
    if not 0 <= share <= 1:
        problems.append("missing.max_missing_share must lie in [0, 1]")
    try:
        years = parse_years(str(raw["years"]), "years")
    except Exception as exc:  # UsageError: report it with the other problems
        problems.append(str(exc).rstrip("."))
        years = (0, 0)
    countries = raw["countries"]
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and c.strip() and c.isprintable() for c in countries
    ):
        problems.append(f"countries must be a list of codes such as KAZ, not {_shown(countries)}")
        countries = []
    not_covered = raw.get("not_covered") or []
    if not isinstance(not_covered, list) or not all(isinstance(n, dict) for n in not_covered):
        problems.append("not_covered must be a list of mappings (dimension, why)")
        not_covered = ()
    method = Methodology(
        id=str(raw["id"]),
        version=str(raw.get("version", "1")),
        title=str(raw.get("title", raw["id"])),
        countries=tuple(countries),
        years=years,
        dimensions=tuple(dims),
        region=str(raw.get("region", "c5")),
        normalisation=_choice(raw.get("normalisation", "min-max"), NORMALISATIONS, "normalisation", problems),
        weighting=_choice(raw.get("weighting", "equal"), WEIGHTINGS, "weighting", problems),
        aggregation=_choice(raw.get("aggregation", "arithmetic"), AGGREGATIONS, "aggregation", problems),
        imputation=_choice(missing.get("impute", "carry-forward"), IMPUTATIONS, "missing.impute", problems),
        max_missing_share=share,
        trade=dict(trade),
        uncertainty=uncertainty,
        not_covered=tuple(not_covered),
        path=path,
    )
    if problems:
        raise ValidationError(f"{where}: {'; '.join(problems)}.", problems)
    notes = ignored_weights(method)
    for note in notes:
        warnings.warn(note, MethodologyWarning, stacklevel=2)
    return replace(method, warnings=tuple(notes)) if notes else method


def ignored_weights(method: Methodology) -> list[str]:
    """One sentence per declared weight the methodology's weighting scheme will not apply."""
    if method.weighting == "given":
        return []
    uneven = [d.id for d in method.dimensions if len({i.weight for i in d.indicators}) > 1]
    dims = len({d.weight for d in method.dimensions}) > 1
    if not uneven and not dims:
        return []
    what = []
    if uneven:
        what.append(f"indicator weights in dimension(s) {', '.join(uneven)}")
    if dims:
        what.append("dimension weights")
    return [
        f"{method.path or method.id}: weighting is '{method.weighting}', so the declared "
        f"{' and '.join(what)} are ignored; set 'weighting: given' to apply them."
    ]
