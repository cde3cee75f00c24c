"""Names and aliases resolve case-insensitively; unknown names suggest close matches."""

from __future__ import annotations

import pytest

from steppe.errors import NotFoundError
from steppe.kb.queries import resolve_country, resolve_org
from steppe.kb.resolve import NameIndex, normalise


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("sco", "sco"),
        ("SCO", "sco"),
        ("Shanghai Cooperation Organisation", "sco"),
        ("shanghai cooperation organization", "sco"),
        ("  The Shanghai Cooperation Organisation ", "sco"),
        ("EEU", "eaeu"),
        ("Eurasian Economic Union", "eaeu"),
        ("eaeu", "eaeu"),
        ("CSTO", "csto"),
        ("Collective Security Treaty Organisation", "csto"),
        ("Shanghai-Five", "shanghai_five"),
    ],
)
def test_org_aliases(store, name: str, slug: str) -> None:
    assert resolve_org(name, store) == slug


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("kaz", "KAZ"),
        ("Kazakhstan", "KAZ"),
        ("Kyrgyz Republic", "KGZ"),
        ("Türkiye", "TUR"),
        ("russian federation", "RUS"),
    ],
)
def test_country_aliases(store, name: str, iso3: str) -> None:
    assert resolve_country(name, store) == iso3


def test_unknown_org_names_closest_matches(store) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_org("SCOO", store)
    assert str(info.value) == (
        "Unknown organisation 'SCOO'; closest matches: sco (Shanghai Cooperation Organisation). "
        "Run 'steppe kb orgs' to list them all."
    )
    assert info.value.exit_code == 2


def test_unknown_name_without_close_match() -> None:
    index = NameIndex("organisation", [("sco", "Shanghai Cooperation Organisation", ["SCO"])])
    with pytest.raises(NotFoundError, match="no close match"):
        index.resolve("zzzzzzzzzz")


def test_normalise_flattens_variants() -> None:
    assert normalise("The  Shanghai–Cooperation Organization") == "shanghai cooperation organisation"
    assert normalise("Kazakhstan & China") == "kazakhstan and china"
