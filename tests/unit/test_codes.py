"""Country-code crosswalks used by every connector."""

from __future__ import annotations

from steppe.codes import to_iso3


def test_imf_style_names() -> None:
    names = [
        "Kazakhstan, Rep. of",
        "Kyrgyz Rep.",
        "Tajikistan, Rep. of",
        "Turkmenistan",
        "Uzbekistan, Rep. of",
        "China, P.R.: Mainland",
        "Russian Federation",
    ]
    assert to_iso3(names) == ["KAZ", "KGZ", "TJK", "TKM", "UZB", "CHN", "RUS"]


def test_aggregates_are_not_countries() -> None:
    assert to_iso3(["World", "Advanced Economies", "", None]) == [None, None, None, None]
    assert to_iso3(["European Union - 27 countries (EU27_2020)"]) == ["EUU"]


def test_cow_numbers() -> None:
    assert to_iso3([705, 703, 702, 701, 704, 710, 365, 2, 255], "cow") == [
        "KAZ",
        "KGZ",
        "TJK",
        "TKM",
        "UZB",
        "CHN",
        "RUS",
        "USA",
        "DEU",
    ]


def test_iso2() -> None:
    assert to_iso3(["KZ", "UZ"], "iso2") == ["KAZ", "UZB"]
