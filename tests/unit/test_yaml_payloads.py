"""Index methodologies and codebooks are data too: the identifier rule of gravity specs applies.

Every id a methodology or codebook file gives to a dimension, indicator, codebook or code
becomes a column name or a key; the same payloads as the gravity canary test
(tests/unit/gravity/test_spec_payloads.py) are refused in one problem list before anything is
computed or stored, and the canary file never appears.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from steppe.errors import ValidationError
from steppe.indicators.composite import index_compute
from steppe.indicators.composite.methodology import bundled, load_methodology
from steppe.texts.codebook import bundled_codebooks, load_codebook


def _payloads(canary: Path) -> list[str]:
    c = str(canary)
    return [
        f"getattr(__import__('os'),'system')('touch {c}')",
        f"__import__('pathlib').Path('{c}').touch()",
        f"exec(\"open('{c}','w')\")",
        f"eval(\"open('{c}','w')\")",
        "__class__",
        "score.__class__.__init__.__globals__",
        f"`open('{c}','w')`",
        f"Q('{c}')",
        "trade share",
        "lambda",
        "ok\n",  # a trailing newline slips through '^...$' patterns
        "a" * 65,
    ]


def _methodology(tmp_path: Path, where: str, payload: str) -> Path:
    raw = yaml.safe_load(bundled("central-asia").read_text("utf-8"))
    if where == "dimension":
        raw["dimensions"][0]["id"] = payload
    else:
        raw["dimensions"][0]["indicators"][0]["id"] = payload
    path = tmp_path / "method.yaml"
    path.write_text(yaml.safe_dump(raw), "utf-8")
    return path


@pytest.mark.parametrize("where", ["dimension", "indicator"])
def test_methodology_payloads_run_nothing(tmp_path: Path, where: str, store) -> None:
    canary = tmp_path / "PWNED"
    for payload in _payloads(canary):
        path = _methodology(tmp_path, where, payload)
        with pytest.raises(ValidationError, match=r"\.id .* is not a plain name") as err:
            index_compute(str(path), store=store)
        assert "\n" not in str(err.value)
        assert not canary.exists(), f"{where}: {payload!r} ran"


def test_dimension_ids_cannot_take_a_score_column(tmp_path: Path) -> None:
    path = _methodology(tmp_path, "dimension", "score")
    with pytest.raises(ValidationError, match=r"dimensions\[0\]\.id 'score' is used twice or names a score"):
        load_methodology(path)


def test_the_bundled_methodology_uses_plain_names() -> None:
    method = load_methodology("central-asia")
    assert [d.id for d in method.dimensions] == ["trade", "institutions"]


def _codebook(tmp_path: Path, where: str, payload: str) -> Path:
    raw = yaml.safe_load(bundled_codebooks()["ecdpm"].read_text("utf-8"))
    if where == "codebook":
        raw["codebook"] = payload
    elif where == "code":
        raw["codes"][0]["id"] = payload
    else:
        raw["codes"][0].setdefault("codes", [{"name": "child", "definition": "a child code"}])
        raw["codes"][0]["codes"][0]["id"] = payload
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw), "utf-8")
    return path


@pytest.mark.parametrize("where", ["codebook", "code", "child"])
def test_codebook_payloads_run_nothing(tmp_path: Path, where: str) -> None:
    canary = tmp_path / "PWNED"
    for payload in [*_payloads(canary), "Upper"]:
        with pytest.raises(ValidationError, match=r"must be (an id of )?lower-case letters") as err:
            load_codebook(_codebook(tmp_path, where, payload))
        assert "\n" not in str(err.value)
        assert not canary.exists(), f"{where}: {payload!r} ran"


def test_the_bundled_codebooks_use_plain_names() -> None:
    for name in bundled_codebooks():
        assert load_codebook(name).codes
