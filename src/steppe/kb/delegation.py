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
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from steppe.kb.asof import status

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


def delegation_by_year(
    organisations: pd.DataFrame,
    memberships: pd.DataFrame,
    years: tuple[int, int],
    c5: Iterable[str],
    *,
    month: int = 7,
    day: int = 1,
    slugs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per year: active formats for the C5, how many were externally initiated, and the share.

    ``organisations`` needs slug, founded, dissolved, initiators; ``memberships`` needs org,
    country, role, start, end (:class:`~steppe.kb.asof.PartialDate`, exact dates or None).
    ``slugs`` restricts the formats. Only what is certain on the reference day counts (the as-of
    rule): a format or membership whose year- or month-precision start or end window contains
    the day does not count that year.
    """
    c5set = set(c5)
    wanted = set(slugs) if slugs is not None else None
    kind = {
        r["slug"]: classify_initiative(r["initiators"], c5set)
        for r in organisations.to_dict("records")
        if wanted is None or r["slug"] in wanted
    }
    orgs = {r["slug"]: r for r in organisations.to_dict("records") if r["slug"] in kind}
    mem = memberships[memberships["country"].isin(c5set) & memberships["role"].isin(PARTICIPATING_ROLES)]
    out = []
    for year in range(years[0], years[1] + 1):
        on = date(year, month, day)
        active = []
        for slug, org in orgs.items():
            if status(org["founded"], org["dissolved"], on) != "yes":
                continue
            rows = mem[mem["org"] == slug]
            spans = zip(rows["start"], rows["end"], strict=True)
            if any(status(start, end, on) == "yes" for start, end in spans):
                active.append(slug)
        external = sorted(s for s in active if kind[s] == "external")
        c5_init = [s for s in active if kind[s] == "c5"]
        unknown = [s for s in active if kind[s] == "unknown"]
        known = len(external) + len(c5_init)
        out.append(
            {
                "year": year,
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
