"""Codebook validation and the bundled codebooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from steppe.errors import ValidationError
from steppe.texts.codebook import bundled_codebooks, keyword_pattern, load_codebook


@pytest.mark.parametrize("name", ["ecdpm", "drivers", "priorities"])
def test_bundled_codebooks_are_valid_and_cite_their_source(name: str) -> None:
    cb = load_codebook(name)
    assert cb.id == name
    # the works are cited by author, title or DOI, never as "seed 00N"
    cited = {"ecdpm": "Vanheukelom", "drivers": "doi:10.33687/jsas.011.03.4981", "priorities": "Gusseinov"}
    assert cited[name] in cb.source
    assert not re.search(r"seed \d{3}|shared/seeds", cb.source, flags=re.I)
    assert all(c.definition for c in cb.codes)


def test_ecdpm_has_the_five_factor_groups() -> None:
    cb = load_codebook("ecdpm")
    assert [c.id for c in cb.codes] == ["structural", "institutions", "actors", "sectors", "hegemons"]
    assert "2.2.4" in cb.source


def test_drivers_codebook_is_hierarchical() -> None:
    cb = load_codebook("drivers")
    assert cb.code("water_energy").parent == "drivers:inhibitor"
    assert cb.code("historical_legacy").parent == "drivers:driver"


def test_broken_codebook_names_file_and_code(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "codebook: bad\nname: Bad\nsource: test\ncodes:\n"
        "  - id: good\n    name: Good\n    definition: fine\n"
        "  - id: broken\n    name: Broken\n    keywords: water\n",
        "utf-8",
    )
    with pytest.raises(ValidationError) as err:
        load_codebook(path)
    assert str(path) in str(err.value)
    assert any("code 'broken'" in p and "definition" in p for p in err.value.problems)
    assert any("code 'broken'" in p and "keywords" in p for p in err.value.problems)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("codebook: x\ncodes: [\n", "utf-8")
    with pytest.raises(ValidationError, match=r"bad\.yaml line \d+"):
        load_codebook(path)


def test_keyword_patterns() -> None:
    import re

    assert re.search(keyword_pattern("terroris*"), "counter Terrorism")
    assert not re.search(keyword_pattern("terroris*"), "counterterrorism")
    assert re.search(keyword_pattern("border dispute"), "border\ndisputes")
    assert re.search(keyword_pattern("BRI"), "the BRI") and not re.search(keyword_pattern("BRI"), "bri")


def test_bundled_list() -> None:
    assert {"ecdpm", "drivers", "priorities"} <= set(bundled_codebooks())
