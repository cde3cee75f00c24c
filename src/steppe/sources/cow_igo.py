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
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, NotFoundError, UsageError

FOLDER = "cow_igo_v3"
MEMBERSHIP_FILE = "igo_membership_central_asia_and_partners_long.csv"
STATES_FILE = "states2016.csv"
EDITION = "3.0"
DATASET_ID = f"cow_igo:state_year_long:{EDITION}"
STATUS_LABELS = {1: "full", 2: "associate", 3: "observer"}
_REQUIRED = ("ccode", "year", "ioname", "status")


@dataclass
class CowIgo:
    """The imported data: membership rows, the states' system years, and provenance."""

    memberships: pd.DataFrame  # ioname, orgname, ccode, iso3, year, status
    system_years: pd.DataFrame | None  # ccode, iso3, styear, endyear (states2016), if present
    location: str
    content_hash: str


def mirror_folder(mirror: str | os.PathLike[str] | None = None) -> Path:
    """The ``cow_igo_v3`` folder inside ``mirror`` (else STEPPE_MIRROR); one sentence if absent."""
    from steppe.config import settings

    base = Path(mirror).expanduser() if mirror else settings().mirror
    if base is None:
        raise UsageError(
            "No local data folder given: pass mirror or set STEPPE_MIRROR to a folder that holds "
            f"{FOLDER}/{MEMBERSHIP_FILE} (../shared/data works).",
            params=("mirror",),
        )
    folder = base / FOLDER
    if not (folder / MEMBERSHIP_FILE).is_file():
        raise NotFoundError(
            f"{folder / MEMBERSHIP_FILE} does not exist; point mirror (or STEPPE_MIRROR) at a folder "
            f"with a {FOLDER}/ subfolder holding the COW IGO v3 files.",
            params=("mirror",),
        )
    return folder


def read_cow_igo(folder: Path) -> CowIgo:
    """Read the long state-year file (and states2016.csv when present) into tidy frames."""
    path = (folder / MEMBERSHIP_FILE).resolve()
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
    states = folder / STATES_FILE
    if states.is_file():
        raw = pd.read_csv(states)
        system = raw[["ccode", "styear", "endyear"]].copy()
        system["iso3"] = to_iso3(system["ccode"], "cow")
    return CowIgo(out, system, str(path), hashlib.sha256(data).hexdigest())


def load(mirror: str | os.PathLike[str] | None = None, store=None) -> tuple[CowIgo, int]:
    """Read the mirror and store its rows with provenance (skipped when the same bytes are stored)."""
    from steppe.store import cow_igo as cow_sql
    from steppe.store import open_store

    data = read_cow_igo(mirror_folder(mirror))
    target = store if store is not None else open_store()
    if cow_sql.stored_hash(target, DATASET_ID) == data.content_hash:
        return data, 0
    rows = cow_sql.replace_dataset(
        target,
        DATASET_ID,
        data.memberships,
        edition=EDITION,
        location=data.location,
        content_hash=data.content_hash,
        retrieved_at=datetime.now(UTC),
    )
    return data, rows
