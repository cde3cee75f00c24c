"""The steppe.codes extensions the connectors need (issue 4)."""

from __future__ import annotations

from steppe.codes import from_iso3, to_iso3
from steppe.sources.connector import trade_partner_codes


def test_iso3_scheme_rejects_codes_that_are_not_countries() -> None:
    # World Bank aggregates and made-up codes are not countries; withdrawn codes map forward.
    assert to_iso3(["KAZ", "kgz", "ECS", "EUU", "WLD", "ZZZ", "ROM", "ZAR", "TMP"], "iso3") == [
        "KAZ",
        "KGZ",
        None,
        None,
        None,
        None,
        "ROU",
        "COD",
        "TLS",
    ]


def test_from_iso3_for_requests() -> None:
    assert from_iso3(["KAZ", "KGZ", "TJK", "TKM", "UZB", "XXX"]) == [398, 417, 762, 795, 860, None]
    assert from_iso3(["KAZ"], "iso2") == ["KZ"]


def test_trade_partner_codes_keep_the_world_and_non_country_partners_and_drop_groups() -> None:
    names = [
        "World",
        "Kazakhstan, Rep. of",
        "European Union",
        "Euro Area",
        "Other Asia, nes",
        "Special Categories",
    ]
    found = trade_partner_codes(names)
    assert found == {
        "World": "WLD",
        "Kazakhstan, Rep. of": "KAZ",
        "European Union": None,
        "Euro Area": None,
        "Other Asia, nes": "XAS",  # a partner that is not a country: kept, counts in totals only
        "Special Categories": "XSC",
    }
