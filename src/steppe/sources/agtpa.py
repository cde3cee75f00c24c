"""Reader of the application files of Yotov, Piermartini, Monteiro and Larch (2016).

"An Advanced Guide to Trade Policy Analysis: The Structural Gravity Model" (WTO/UNCTAD,
ISBN 978-92-870-4367-2) ships its data as Stata files in ``AdvancedGuideFiles.zip``. This
module reads them from a local mirror folder laid out as ``DIR/yotov_agtpa/<file>`` (so that
``--mirror ../shared/data`` works) and returns frames with lower-case column names, integer
years and pair ids, and a ``provenance`` entry in ``frame.attrs``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from steppe.config import settings
from steppe.errors import NotFoundError, UsageError
from steppe.sources.connector import file_sha256

SUBDIR = "yotov_agtpa"
ORIGIN = (
    "the WTO/UNCTAD application files of 'An Advanced Guide to Trade Policy Analysis' "
    "(AdvancedGuideFiles.zip, https://vi.unctad.org/tpa) or the mirror in the GitHub repository "
    "pachadotdev/tradepolicy"
)

#: The files this reader knows, with what they hold (see the mirror's PROVENANCE.md).
FILES: dict[str, str] = {
    "Chapter1Application1.dta": "69 countries 1986-2006 incl. domestic flows: trade, DIST, CNTG, LANG, CLNY",
    "Chapter1Exercise1.dta": "65 countries: trade, gravity variables, RTA and WTO membership",
    "Chapter1Exercise2.dta": "52 countries 1988-2006 (every 3rd year): RTA lags and MFN tariffs",
    "Chapter2Application2.dta": "Chapter1Application1.dta plus RTA",
    "1_TradeWithoutBorder.dta": "2006 cross-section, 69 x 69 incl. domestic flows",
    "1_RemovingSpecificBorder.dta": "2006 cross-section with a specific-border dummy",
    "agtpa_applications.csv.gz": "Chapter1Application3 (= 2_RTAsEffects.dta): rta with lags and lead",
}

#: Columns kept from the wide Chapter 2 files (their FE dummies are rebuilt by the panel builder).
_DROP_PREFIXES = ("exporter_fe", "importer_fe")


def mirror_dir(mirror: str | os.PathLike[str] | None = None) -> Path | None:
    """The mirror folder from the argument, else STEPPE_MIRROR, else None."""
    return Path(mirror).expanduser() if mirror else settings().mirror


def locate(file: str, mirror: str | os.PathLike[str] | None = None) -> Path:
    """Path of ``file`` in the mirror; a one-sentence error says where to get it when absent."""
    if file not in FILES:
        raise UsageError(f"Unknown Yotov et al. (2016) file '{file}': use one of {', '.join(FILES)}.")
    base = mirror_dir(mirror)
    if base is None:
        raise NotFoundError(
            f"The file '{file}' is needed: get it from {ORIGIN}, put it at DIR/{SUBDIR}/{file} "
            "and pass that folder as mirror (or set STEPPE_MIRROR).",
            params=("mirror",),
        )
    path = base / SUBDIR / file
    if not path.is_file():
        raise NotFoundError(
            f"The file '{file}' is not at {path}: get it from {ORIGIN} and put it there "
            "(or give as mirror the folder that holds yotov_agtpa/).",
            params=("mirror",),
        )
    return path


def read(file: str, mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One application file as a tidy frame (lower-case names, int years and pair ids)."""
    path = locate(file, mirror)
    frame = pd.read_stata(path, convert_categoricals=False) if file.endswith(".dta") else pd.read_csv(path)
    frame.columns = [c.lower() for c in frame.columns]
    frame = frame[[c for c in frame.columns if not c.startswith(_DROP_PREFIXES)]].copy()
    for col in ("year", "pair_id"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    for col in ("exporter", "importer"):
        frame[col] = frame[col].astype(str)
    frame.attrs["provenance"] = {
        "source": "yotov_agtpa",
        "file": file,
        "path": str(path),
        "sha256": file_sha256(path),
        "origin": ORIGIN,
        "reference": "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade "
        "Policy Analysis: The Structural Gravity Model, WTO/UNCTAD",
    }
    return frame
