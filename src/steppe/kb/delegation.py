"""Delegated institutionalisation: the share of the C5's formats that outsiders initiated.

Gusseinov and Sultonazarov (CABAR, "The Future of Central Asian Integration in the Shadow of
U.S.-China Confrontation") argue that the institutionalisation of Central Asian cooperation is
"delegated to external actors": formats such as C5+1, B5+1 and the China-Central Asia
secretariat are offered by outside powers rather than initiated by the five states. This
module turns that claim into a yearly number from the KB (definitions in docs/kb.md):

- a format is *active for the C5* in year Y if, on the reference day (1 July of Y), it
  exists (founded on or before the day, not yet dissolved) and at least one C5 state holds a
  role in it other than ``suspended``;
- it is *externally initiated* if its ``initiators`` are recorded and none of them is a C5
  state (an organisation initiator, such as the ADB for CAREC or the UN for SPECA, is
  external);
- ``share_external`` = externally initiated / active formats with recorded initiators.

Whether a format exists and a state takes part on the day is the store's as-of answer (the SQL
macro ``kb_status``, docs/kb.md "Dates and the as-of rule"), asked once for every reference day;
this module only counts (:func:`steppe.kb.queries.delegation` asks and calls it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

#: Roles that make a format active for a state; a suspended member is not taking part.
PARTICIPATING_ROLES = frozenset(
    {"founding_member", "member", "associate", "observer"}
    | {"dialogue_partner", "partner", "party", "signatory"}
)
COLUMNS = ["year", "active", "external", "c5_initiated", "unknown", "share_external"]
COLUMNS += ["formats", "external_formats"]


def classify_initiative(initiators: Iterable[str] | None, c5: Iterable[str]) -> str:
    """'c5' if any C5 state is an initiator, 'external' if none is, 'unknown' if none recorded."""
    found = list(initiators or [])
    if not found:
        return "unknown"
    return "c5" if set(found) & set(c5) else "external"


def reference_days(years: tuple[int, int], month: int = 7, day: int = 1) -> list[date]:
    """The reference day (``month``, ``day``) of each year of ``years`` (inclusive)."""
    return [date(year, month, day) for year in range(years[0], years[1] + 1)]


def delegation_by_year(
    organisations: pd.DataFrame,
    existing: pd.DataFrame,
    held: pd.DataFrame,
    years: tuple[int, int],
    c5: Iterable[str],
    *,
    month: int = 7,
    day: int = 1,
    slugs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per year: active formats for the C5, how many were externally initiated, and the share.

    ``organisations`` needs slug and initiators. The as-of answers come from the store (the SQL
    macro ``kb_status``, :func:`steppe.store.kb.period_statuses` and
    :func:`steppe.store.kb.statuses`) for every day of :func:`reference_days`: ``existing`` has
    ``day, org, status`` for the organisations, ``held`` has ``day, org, country, role, status``
    for the memberships (rows certainly inactive may be left out). ``slugs`` restricts the
    formats. Only what is certain on the reference day counts (``status`` 'yes'): a format or
    membership whose year- or month-precision start or end window contains the day does not
    count that year.
    """
    c5set = set(c5)
    wanted = set(slugs) if slugs is not None else None
    kind = {
        r["slug"]: classify_initiative(r["initiators"], c5set)
        for r in organisations.to_dict("records")
        if wanted is None or r["slug"] in wanted
    }
    alive: set[tuple[date, str]] = {
        (d, str(org))
        for d, org, state in zip(existing["day"], existing["org"], existing["status"], strict=True)
        if state == "yes"
    }
    taking_part: set[tuple[date, str]] = {
        (d, str(org))
        for d, org, country, role, state in zip(
            held["day"], held["org"], held["country"], held["role"], held["status"], strict=True
        )
        if state == "yes" and country in c5set and role in PARTICIPATING_ROLES
    }
    out = []
    for on in reference_days(years, month, day):
        active = [slug for slug in kind if (on, slug) in alive and (on, slug) in taking_part]
        external = sorted(s for s in active if kind[s] == "external")
        c5_init = [s for s in active if kind[s] == "c5"]
        unknown = [s for s in active if kind[s] == "unknown"]
        known = len(external) + len(c5_init)
        out.append(
            {
                "year": on.year,
                "active": len(active),
                "external": len(external),
                "c5_initiated": len(c5_init),
                "unknown": len(unknown),
                "share_external": round(len(external) / known, 6) if known else None,
                "formats": sorted(active),
                "external_formats": external,
            }
        )
    return pd.DataFrame(out, columns=COLUMNS)
