"""Reconciling the KB's memberships with the Correlates of War IGO data (v3.0, 1815-2014).

For each organisation both cover (the explicit :data:`COW_TO_KB` mapping), every country-year
where the two disagree on membership or role. COW codes a state-year as 1 full member,
2 associate, 3 observer, absent = none; the KB's roles are read on **31 December** of the
year (the as-of rule: start <= day < end) and mapped to the same codes by :data:`KB_TO_COW`;
when several roles or several mapped organisations apply, the strongest counts (full, then
associate, then observer). Only countries the COW file covers are compared, only from 1965
(COW is annual from then on), only for years the state is in the COW state system when
``states2016.csv`` is given, and only up to the last year of the COW file.

A disagreement is *explained* when a contested-facts row has the subject
``cow_igo:<IONAME>:<ISO3>:<YYYY>[-<YYYY>]`` covering its year (``*`` for ISO3 covers every
country, for a difference that applies to the whole organisation); the reason lives there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from steppe.kb.asof import as_partial


@dataclass(frozen=True)
class Mapping:
    """One COW IGO and the KB organisation(s) it corresponds to."""

    ioname: str
    slugs: tuple[str, ...]
    note: str


#: COW IGO abbreviation -> KB slugs. Several slugs when COW codes one organisation across
#: what the KB keeps as a predecessor chain (COW counts renames and re-foundings as one IGO).
COW_TO_KB: dict[str, Mapping] = {
    m.ioname: m
    for m in (
        Mapping("AralSea", ("ifas",), "International Fund for Saving the Aral Sea; COW dates it from 1997."),
        Mapping("AsDB", ("adb",), "Asian Development Bank: same body, same members."),
        Mapping(
            "CAECC",
            ("caec", "caco"),
            "COW's 'Central Asian Cooperation Organization' runs 1994-2006 through the Central Asian "
            "Union (1994) and Central Asian Economic Community (1998): the KB's caec and caco together.",
        ),
        Mapping("CICA", ("cica",), "Conference on Interaction and Confidence-Building Measures in Asia."),
        Mapping("CIS", ("cis",), "Commonwealth of Independent States (not its free-trade area)."),
        Mapping(
            "CSTO", ("csto",), "CSTO proper (2002-); the 1992 Collective Security Treaty is the KB's cst."
        ),
        Mapping("EAEC", ("eurasec",), "Eurasian Economic Community (EurAsEC, 2000-2014), not the EAEU."),
        Mapping("ECO", ("eco",), "Economic Cooperation Organization (1985-)."),
        Mapping("OSCE", ("osce",), "OSCE including its CSCE years (COW from 1973)."),
        Mapping(
            "SCO",
            ("shanghai_five", "sco"),
            "COW starts the SCO in 1996 with the Shanghai Five; the KB keeps the two apart.",
        ),
        Mapping("WTO", ("wto",), "World Trade Organization (1995-); GATT is not compared."),
    )
}

#: KB role -> COW status code (0 = not coded by COW as a membership).
KB_TO_COW: dict[str, int] = {
    "founding_member": 1,
    "member": 1,
    "party": 1,
    "associate": 2,
    "observer": 3,
    "dialogue_partner": 0,
    "partner": 0,
    "signatory": 0,
    "suspended": 0,
}
LABELS = {0: "none", 1: "full", 2: "associate", 3: "observer"}
FIRST_ANNUAL_YEAR = 1965
COLUMNS = ["ioname", "orgs", "country", "year", "cow", "kb", "kb_roles", "explained_by"]


def _strength(code: int) -> int:
    """Order for 'strongest role': full (1) before associate (2) before observer (3), none last."""
    return code if code else 99


def year_ends(first: int, last: int) -> list[date]:
    """The days on which the KB is read for COW's years ``first`` to ``last``: 31 December."""
    return [date(year, 12, 31) for year in range(first, last + 1)]


Held = dict[tuple[date, str], list[tuple[str, str]]]


def held_index(held: pd.DataFrame) -> Held:
    """(day, country) -> [(org, role)] of a frame of roles held (``day``, ``org``, ``country``, ``role``)."""
    out: Held = {}
    for day, country, org, role in zip(held["day"], held["country"], held["org"], held["role"], strict=True):
        out.setdefault((day, str(country)), []).append((str(org), str(role)))
    return out


def kb_status(held: Held, slugs: tuple[str, ...], country: str, year: int) -> tuple[int, list]:
    """The KB's COW-style code for a country in the mapped organisations on 31 December.

    ``held`` has the KB roles not certainly inactive on each day (:func:`held_index` of what the
    store's as-of rule answers, :func:`steppe.store.kb.statuses`). A role
    whose year- or month-precision start or end window contains 31 December counts as held
    that year ('uncertain' under the as-of rule): it was held at some point of the year, which is
    what COW codes (it codes the year of accession as a member year).
    """
    on = date(year, 12, 31)
    roles = sorted({f"{org}:{role}" for org, role in held.get((on, country), []) if org in slugs})
    codes = [KB_TO_COW[item.split(":", 1)[1]] for item in roles]
    best = min(codes, key=_strength) if codes else 0
    return best, roles


def _year(value: object) -> int:
    """The (earliest) year of a start: a PartialDate or an exact date."""
    found = as_partial(value)
    if found is None:
        raise ValueError("a membership row without a start")
    return found.earliest.year


def explanations(contested: pd.DataFrame) -> dict[tuple[str, str], list[tuple[int, int, str]]]:
    """Parse ``cow_igo:IONAME:ISO3:Y1[-Y2]`` subjects into {(ioname, iso3): [(y1, y2, id)]}."""
    found: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for r in contested.to_dict("records"):
        kind, _, rest = str(r["subject"]).partition(":")
        if kind != "cow_igo":
            continue
        ioname, iso3, years = rest.split(":")
        first, _, last = years.partition("-")
        found.setdefault((ioname, iso3), []).append((int(first), int(last or first), r["id"]))
    return found


def reconcile(
    cow: pd.DataFrame,
    memberships: pd.DataFrame,
    contested: pd.DataFrame,
    *,
    mapping: dict[str, Mapping] | None = None,
    system_years: pd.DataFrame | None = None,
    ionames: list[str] | None = None,
    held: pd.DataFrame,
) -> pd.DataFrame:
    """Every country-year where COW and the KB disagree, with the contested row explaining it.

    ``memberships`` gives each organisation's first KB year; ``held`` which roles the KB holds on
    each 31 December (:func:`kb_status`; at least the days of :func:`year_ends` from
    :data:`FIRST_ANNUAL_YEAR` to COW's last year).
    """
    mapping = mapping if mapping is not None else COW_TO_KB
    cow = cow.dropna(subset=["iso3"])
    countries = sorted(set(cow["iso3"]))
    last_year = int(cow["year"].max()) if not cow.empty else FIRST_ANNUAL_YEAR
    why = explanations(contested)
    index = held_index(held)
    in_system: dict[str, list[tuple[int, int]]] = {}
    if system_years is not None:
        for r in system_years.dropna(subset=["iso3"]).to_dict("records"):
            in_system.setdefault(r["iso3"], []).append((int(r["styear"]), int(r["endyear"])))
    out = []
    for ioname, m in sorted(mapping.items()):
        if ionames and ioname not in ionames:
            continue
        coded = cow[cow["ioname"] == ioname]
        cow_code = {
            (iso3, int(year)): int(status)
            for iso3, year, status in zip(coded["iso3"], coded["year"], coded["status"], strict=True)
        }
        kb_rows = memberships[memberships["org"].isin(m.slugs)]
        kb_first = min((_year(d) for d in kb_rows["start"]), default=last_year + 1)
        cow_first = int(coded["year"].min()) if not coded.empty else last_year + 1
        first = max(FIRST_ANNUAL_YEAR, min(cow_first, kb_first))
        for iso3 in countries:
            for year in range(first, last_year + 1):
                spans = in_system.get(iso3)
                if system_years is not None and not any(a <= year <= b for a, b in spans or []):
                    continue
                theirs = cow_code.get((iso3, year), 0)
                ours, roles = kb_status(index, m.slugs, iso3, year)
                if theirs == ours:
                    continue
                candidates = why.get((ioname, iso3), []) + why.get((ioname, "*"), [])
                explained = next((cid for a, b, cid in candidates if a <= year <= b), None)
                out.append(
                    {
                        "ioname": ioname,
                        "orgs": list(m.slugs),
                        "country": iso3,
                        "year": year,
                        "cow": LABELS[theirs],
                        "kb": LABELS[ours],
                        "kb_roles": roles,
                        "explained_by": explained,
                    }
                )
    return pd.DataFrame(out, columns=COLUMNS)
