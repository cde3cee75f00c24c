"""Non-country trade partners: codes that never collide with a country and never join a region."""

from __future__ import annotations

from steppe.codes import NON_COUNTRY_PARTNERS, WORLD, _known_iso3, is_country, non_country_code
from steppe.indicators.regions import fixed_regions


def test_non_country_codes_are_not_country_codes_nor_region_members() -> None:
    assert not set(NON_COUNTRY_PARTNERS) & _known_iso3()
    assert all(len(c) == 3 and c.startswith("X") for c in NON_COUNTRY_PARTNERS)
    members = {m for spec in fixed_regions().values() for m in spec["members"]}
    assert not set(NON_COUNTRY_PARTNERS) & members and WORLD not in members


def test_source_names_map_to_one_code_each() -> None:
    assert non_country_code("Special Categories") == "XSC"
    assert non_country_code(" countries & areas not specified ") == "XNS"
    assert non_country_code("Areas, nes") == "XNS"  # Comtrade's name for the same residual
    assert non_country_code("Czechoslovakia") == "XCS"  # a former state, not today's Czechia
    assert non_country_code("Kazakhstan, Rep. of") is None
    assert is_country("KAZ") and not is_country("XSC") and not is_country(WORLD)
