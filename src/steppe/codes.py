"""Country-code crosswalks: every outside code or name to ISO 3166-1 alpha-3.

Sources name countries in many ways (IMF DOTS "Kazakhstan, Rep. of", Comtrade names,
Correlates of War numeric codes in COW and AidData files). Connectors and importers call
:func:`to_iso3` here rather than keeping their own tables. Matching uses the
``country_converter`` package (regular expressions over names, and its code columns).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any, Literal

Scheme = Literal["name", "iso2", "iso3", "cow", "gw", "un"]

#: A reporter's total with the world, stored as a partner (IMF DOTS 'World', Comtrade 'World').
WORLD = "WLD"

#: Trade partners that are not countries: residual areas, special categories, former entities
#: with no present-day ISO code. Sources report them, so they count in a reporter's totals, but
#: no region ever contains them. Codes are from ISO 3166-1's user-assigned X range (XKX, used for
#: Kosovo by the IMF and the World Bank, is avoided); code -> label.
NON_COUNTRY_PARTNERS: dict[str, str] = {
    "XSC": "Special Categories (reported without a partner country)",
    "XNS": "Countries and areas not specified",
    "XAF": "Africa not specified",
    "XAS": "Asia not specified",
    "XEU": "Europe not specified",
    "XME": "Middle East and Central Asia not specified",
    "XWH": "Western Hemisphere not specified",
    "XLA": "LAIA (Latin American Integration Association) area not specified",
    "XNA": "North and Central America not specified",
    "XRA": "Rest of America not specified",
    "XOC": "Oceania not specified",
    "XBK": "Bunkers (ship and aircraft stores)",
    "XFZ": "Free zones",
    "XAT": "British Antarctic Territory",
    "XBL": "Belgium-Luxembourg (former customs union reported as one partner)",
    "XCS": "Czechoslovakia (former state)",
    "XYU": "Yugoslavia (former state)",
    "XSM": "Serbia and Montenegro (former state union)",
    "XAN": "Netherlands Antilles (former territory)",
    "XSA": "South African Common Customs Area (reported as one partner)",
}

#: Source names (exact, lower case) of non-country partners: IMF DOTS workbook names and
#: UN Comtrade partner names (comtrade_partners.csv 'text').
_NON_COUNTRY_NAMES: dict[str, str] = {
    "special categories": "XSC",
    "countries & areas not specified": "XNS",
    "areas, nes": "XNS",
    "africa not specified": "XAF",
    "other africa, nes": "XAF",
    "asia not specified": "XAS",
    "other asia, nes": "XAS",
    "europe not specified": "XEU",
    "other europe, nes": "XEU",
    "middle east and central asia not specified": "XME",
    "western hemisphere not specified": "XWH",
    "laia, nes": "XLA",
    "north america and central america, nes": "XNA",
    "rest of america, nes": "XRA",
    "oceania, nes": "XOC",
    "bunkers": "XBK",
    "free zones": "XFZ",
    "br. antarctic terr.": "XAT",
    "belgium-luxembourg": "XBL",
    "czechoslovakia": "XCS",
    "yugoslavia": "XYU",
    "serbia and montenegro": "XSM",
    "netherlands antilles": "XAN",
    "south african common customs area (sacca)": "XSA",
}

#: Aggregates and actors that country_converter does not know, by exact lower-case name.
_EXTRA_NAMES = {
    "aruba, kingdom of the netherlands": "ABW",  # IMF DOTS names
    "curaçao, kingdom of the netherlands": "CUW",
    "european union": "EUU",
    "eu": "EUU",
    "eu27": "EUU",
    "eu27_2020": "EUU",
    "european union - 27 countries (eu27_2020)": "EUU",
    "european union (27 countries)": "EUU",
}

#: Correlates of War state numbers that differ from Gleditsch-Ward numbers for states that
#: exist today (COW codebook, "State System Membership List" v2016: 255 Germany, 345
#: Yugoslavia/Serbia, 679 Yemen). Other COW numbers coincide with G-W numbers.
_COW_OVERRIDES = {255: "DEU", 345: "SRB", 679: "YEM"}

#: ISO 3166-1 alpha-3 codes withdrawn and replaced, still found in older datasets (e.g. CEPII
#: files): Romania ROM -> ROU (2002), Zaire ZAR -> Congo, Dem. Rep. COD (1997), East Timor
#: TMP -> TLS (2002).
_LEGACY_ISO3 = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}

_COCO_SCHEME = {"name": "regex", "iso2": "ISO2", "iso3": "ISO3", "gw": "GWcode", "un": "UNcode"}


@cache
def _converter() -> Any:
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@cache
def _known_iso3() -> frozenset[str]:
    return frozenset(str(c).upper() for c in _converter().data["ISO3"].dropna())


@cache
def _one(value: str, scheme: str) -> str | None:
    if scheme == "name" and value.strip().casefold() in _EXTRA_NAMES:
        return _EXTRA_NAMES[value.strip().casefold()]
    if scheme == "cow":
        number = int(float(value))
        if number in _COW_OVERRIDES:
            return _COW_OVERRIDES[number]
        return _one(str(number), "gw")
    if scheme == "iso3":  # country_converter echoes unknown ISO3 input; check against its table
        code = value.strip().upper()
        code = _LEGACY_ISO3.get(code, code)
        return code if code in _known_iso3() else None
    src = _COCO_SCHEME[scheme]
    query: Any = int(float(value)) if scheme in ("gw", "un") else value
    found = _converter().convert(query, src=src, to="ISO3", not_found=None)
    if isinstance(found, list):  # an ambiguous name matches several countries
        return None
    return found if isinstance(found, str) and len(found) == 3 and found.isupper() else None


def non_country_code(name: str) -> str | None:
    """The steppe code of a non-country trade partner named ``name`` (a source's own name), or None."""
    return _NON_COUNTRY_NAMES.get(str(name).strip().casefold())


def is_country(code: str) -> bool:
    """Whether a partner code is a country (not the world total, not a non-country partner)."""
    return code != WORLD and code not in NON_COUNTRY_PARTNERS


def to_iso3(values: Iterable[Any], scheme: Scheme = "name") -> list[str | None]:
    """ISO3 codes for ``values`` read in ``scheme``; None where nothing (or several) match."""
    if scheme not in (*_COCO_SCHEME, "cow"):
        raise ValueError(f"unknown code scheme {scheme!r}")
    out: list[str | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
            out.append(None)
        else:
            out.append(_one(str(value), scheme))
    return out


def from_iso3(values: Iterable[str], scheme: Literal["un", "iso2"] = "un") -> list[str | int | None]:
    """The reverse of :func:`to_iso3` for building requests: ISO3 to UN M49 numbers or ISO2."""
    target = {"un": "UNcode", "iso2": "ISO2"}[scheme]
    out: list[str | int | None] = []
    for value in values:
        code = str(value).strip().upper()
        found = _converter().convert(code, src="ISO3", to=target, not_found=None)
        if isinstance(found, list) or found is None or str(found).upper() == code:
            out.append(None)  # country_converter echoes input it does not know
        elif scheme == "un":
            out.append(int(float(found)) if str(found).replace(".", "").isdigit() else None)
        else:
            out.append(str(found))
    return out


def iso3_names(codes: Iterable[str]) -> dict[str, str]:
    """Short English names for ISO3 codes (``KOR`` -> ``South Korea``); non-country partner codes
    get their declared names; a code nobody knows keeps itself as its name."""
    out: dict[str, str] = {}
    table = _converter().data
    short = dict(zip(table["ISO3"].astype(str).str.upper(), table["name_short"].astype(str), strict=False))
    for code in codes:
        key = str(code).upper()
        out[str(code)] = NON_COUNTRY_PARTNERS.get(key) or short.get(key) or str(code)
    return out
