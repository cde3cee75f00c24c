"""Importer for the Correlates of War IGO data, version 3.0 (Pevehouse et al. 2020).

Reads the state-year membership extract from a mirror folder laid out as
``DIR/cow_igo_v3/<file>`` (``../shared/data`` works as a mirror) and turns it into tidy rows
``(ioname, orgname, ccode, iso3, year, status)`` with ``status`` 1 full member, 2 associate,
3 observer (codebook v3, section III). Absent rows mean "no membership" for a state that the
file covers. Country numbers become ISO3 through :func:`steppe.codes.to_iso3` (scheme ``cow``).

Reference: Pevehouse, J.C.W., Nordstrom, T., McManus, R.W., Jamison, A.S. (2020) "Tracking
Organizations in the World: The Correlates of War IGO Version 3.0 Datasets", Journal of
Peace Research 57(3): 492-503.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, NotFoundError, UsageError
from steppe.sources.connector import FetchContext, Payload, content_hash
from steppe.sources.validation import SourceSchema, TableRules

SOURCE = "cow_igo"
DATASETS = ("state_year_long",)
FOLDER = "cow_igo_v3"
MEMBERSHIP_FILE = "igo_membership_central_asia_and_partners_long.csv"
STATES_FILE = "states2016.csv"
EDITION = "3.0"
DATASET_ID = f"cow_igo:state_year_long:{EDITION}"
STATUS_LABELS = {1: "full", 2: "associate", 3: "observer"}
_REQUIRED = ("ccode", "year", "ioname", "status")

#: Validation (docs/validation.md): COW covers 1815-2014; country numbers map to ISO3 where
#: one exists (historical states keep a NULL iso3), so codes are not checked as ISO3 here.
SCHEMA = SourceSchema(
    source=SOURCE,
    years=(1815, 2014),
    tables={
        "cow_igo_memberships": TableRules(
            key=("ioname", "ccode", "year"), required=("ioname", "ccode", "year", "status")
        ),
        "cow_igo_states": TableRules(
            key=("ccode", "styear"), required=("ccode", "styear", "endyear"), year=None
        ),
    },
)


@dataclass
class CowIgo:
    """The imported data: membership rows, the states' system years, and provenance."""

    memberships: pd.DataFrame  # ioname, orgname, ccode, iso3, year, status
    system_years: pd.DataFrame | None  # ccode, iso3, styear, endyear (states2016), if present
    location: str
    content_hash: str


def read(ctx: FetchContext, *, dataset: str = "state_year_long") -> Payload:
    """The COW IGO v3 state-year memberships (and the state system years) from the mirror.

    The mirror layout is ``cow_igo_v3/igo_membership_central_asia_and_partners_long.csv`` and
    ``cow_igo_v3/states2016.csv`` (see ../shared/data/cow_igo_v3/PROVENANCE.md); without a
    mirror, ``--base-url`` serves the same layout.
    """
    if dataset not in DATASETS:
        raise UsageError(f"Unknown cow_igo dataset '{dataset}'; use one of: {', '.join(DATASETS)}.")
    members = ctx.obtain(f"{FOLDER}/{MEMBERSHIP_FILE}")
    paths = [members]
    states: Path | None = None
    try:
        states = ctx.obtain(f"{FOLDER}/{STATES_FILE}")
        paths.append(states)
    except NotFoundError:
        states = None  # optional: without it every absent row reads as "not a member"
    data = read_cow_igo(members, states)
    frames = {"cow_igo_memberships": data.memberships}
    if data.system_years is not None:
        frames["cow_igo_states"] = data.system_years[["ccode", "iso3", "styear", "endyear"]]
    return Payload(
        dataset=dataset,
        edition=EDITION,
        content_hash=content_hash(paths),
        frames=frames,
        params={
            "files": [p.name for p in paths],
            "reference": "Pevehouse, Nordstrom, McManus and Jamison (2020), Tracking Organizations in "
            "the World: The Correlates of War IGO Version 3.0 Datasets, Journal of Peace Research 57(3)",
            "status": "1 full member, 2 associate, 3 observer; absent rows: no membership",
        },
    )


def read_cow_igo(path: Path, states: Path | None = None) -> CowIgo:
    """Read the long state-year file (and states2016.csv when given) into tidy frames."""
    path = path.resolve()
    data = path.read_bytes()
    frame = pd.read_csv(path, dtype={"ioname": str, "orgname": str, "state": str})
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(f"{path} lacks column(s) {', '.join(missing)}; is it the COW IGO long file?")
    bad = frame[~frame["status"].isin(list(STATUS_LABELS))]
    if not bad.empty:
        raise DataError(
            f"{path}: status {int(bad['status'].iloc[0])} on line {bad.index[0] + 2} is not 1, 2 or 3."
        )
    codes = sorted(frame["ccode"].unique())
    iso = dict(zip(codes, to_iso3(codes, "cow"), strict=True))
    out = pd.DataFrame(
        {
            "ioname": frame["ioname"],
            "orgname": frame["orgname"] if "orgname" in frame.columns else None,
            "ccode": frame["ccode"].astype(int),
            "iso3": frame["ccode"].map(iso),
            "year": frame["year"].astype(int),
            "status": frame["status"].astype(int),
        }
    )
    system = None
    if states is not None and states.is_file():
        raw = pd.read_csv(states)
        system = raw[["ccode", "styear", "endyear"]].copy()
        system["iso3"] = to_iso3(system["ccode"], "cow")
    return CowIgo(out, system, str(path), hashlib.sha256(data).hexdigest())
