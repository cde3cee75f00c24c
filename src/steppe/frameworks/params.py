"""The declared parameters of each framework: ``steppe/frameworks/data/<name>.yaml``, read once.

Every threshold, weight and list a framework uses lives in its YAML file with the reasoning
beside it (docs/frameworks.md explains them); the modules hold no hidden constants.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from steppe.errors import DataError


@cache
def declared(name: str) -> dict[str, Any]:
    """The parameters of framework file ``data/<name>.yaml`` (cached; do not mutate)."""
    path = resources.files("steppe.frameworks").joinpath(f"data/{name}.yaml")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"The framework parameters {name}.yaml cannot be read ({exc}).") from None
    if not isinstance(data, dict):
        raise DataError(f"The framework parameters {name}.yaml must be a mapping of settings.")
    return data


def reference_day(year: int, month_day: list[int] | tuple[int, int]) -> date:
    """The day of ``year`` on which KB facts are read (``[month, day]`` from a parameter file)."""
    month, day = month_day
    return date(year, month, day)
