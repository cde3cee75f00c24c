"""Connector for the application files of Yotov, Piermartini, Monteiro and Larch (2016).

"An Advanced Guide to Trade Policy Analysis: The Structural Gravity Model" (WTO/UNCTAD,
ISBN 978-92-870-4367-2) ships its data as Stata files in ``AdvancedGuideFiles.zip``.
``steppe fetch yotov2016 --dataset FILE --mirror DIR`` reads one of them from a mirror folder
laid out as ``DIR/yotov_agtpa/<file>`` (``../shared/data`` works) and stores it, with its
provenance row, in ``gravity_panels``: one row per file row and variable, lower-case names,
the file's order kept (``line``). Gravity specs with ``data: {source: agtpa, file: FILE}`` read
it back through :func:`steppe.store.data.gravity_panel`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from steppe.errors import DataError, UsageError
from steppe.sources.connector import FetchContext, Payload, content_hash
from steppe.sources.validation import SourceSchema, TableRules

SOURCE = "yotov2016"
SUBDIR = "yotov_agtpa"
ORIGIN = (
    "the WTO/UNCTAD application files of 'An Advanced Guide to Trade Policy Analysis' "
    "(AdvancedGuideFiles.zip, https://vi.unctad.org/tpa) or the mirror in the GitHub repository "
    "pachadotdev/tradepolicy"
)
REFERENCE = (
    "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis: "
    "The Structural Gravity Model, WTO/UNCTAD"
)

#: The files this connector knows (its datasets), with what they hold (see the mirror's PROVENANCE.md).
FILES: dict[str, str] = {
    "Chapter1Application1.dta": "69 countries 1986-2006 incl. domestic flows: trade, DIST, CNTG, LANG, CLNY",
    "Chapter1Exercise1.dta": "65 countries: trade, gravity variables, RTA and WTO membership",
    "Chapter1Exercise2.dta": "52 countries 1988-2006 (every 3rd year): RTA lags and MFN tariffs",
    "Chapter2Application2.dta": "Chapter1Application1.dta plus RTA",
    "1_TradeWithoutBorder.dta": "2006 cross-section, 69 x 69 incl. domestic flows",
    "1_RemovingSpecificBorder.dta": "2006 cross-section with a specific-border dummy",
    "agtpa_applications.csv.gz": "Chapter1Application3 (= 2_RTAsEffects.dta): rta with lags and lead",
}
DATASETS = tuple(FILES)

#: Columns that are keys of a row, not variables.
KEYS = ("exporter", "importer", "year", "pair_id")
#: The wide Chapter 2 files' fixed-effect dummies are left out (the panel builder makes its own).
_DROP_PREFIXES = ("exporter_fe", "importer_fe")

#: Validation: the Guide's codes are ISO3 (its 69 countries) and years 1986-2006, with two
#: codes of its own kept as the files have them: ROM (Romania's code before 2002, ISO3 ROU) and
#: ZZZ (Germany in the Chapter 2 files, renamed so that its fixed effects come last).
SCHEMA = SourceSchema(
    source=SOURCE,
    years=(1986, 2006),
    categories={
        "ROM": "Romania (the Guide's code; ISO3 ROU)",
        "ZZZ": "Germany in the Guide's Chapter 2 files (renamed so that its fixed effects come last)",
    },
    tables={
        "gravity_panels": TableRules(
            key=("line", "variable"),
            required=("line", "exporter", "importer", "year", "variable"),
            codes=("exporter", "importer"),
        )
    },
)


def read(ctx: FetchContext, *, dataset: str = DATASETS[0]) -> Payload:
    """One application file as long rows for ``gravity_panels``."""
    if dataset not in FILES:
        raise UsageError(f"Unknown Yotov et al. (2016) file '{dataset}': use one of {', '.join(FILES)}.")
    path = ctx.obtain(f"{SUBDIR}/{dataset}")
    frame = read_file(path)
    return Payload(
        dataset=dataset,
        content_hash=content_hash([path]),
        frames={"gravity_panels": to_long(frame)},
        params={
            "file": dataset,
            "content": FILES[dataset],
            "variables": [c for c in frame.columns if c not in KEYS],
            "origin": ORIGIN,
            "reference": REFERENCE,
        },
    )


def read_file(path: Path) -> pd.DataFrame:
    """One application file as a tidy frame (lower-case names, int years and pair ids)."""
    try:
        if path.name.endswith(".dta"):
            frame = pd.read_stata(path, convert_categoricals=False)
        else:
            frame = pd.read_csv(path)
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{SOURCE}: {path} cannot be read ({detail}); replace the file.") from None
    frame.columns = [str(c).lower() for c in frame.columns]
    missing = [c for c in ("exporter", "importer", "year") if c not in frame.columns]
    if missing:
        raise DataError(f"{SOURCE}: {path} lacks column(s) {', '.join(missing)}; is it a Guide file?")
    frame = frame[[c for c in frame.columns if not c.startswith(_DROP_PREFIXES)]].copy()
    for col in ("year", "pair_id"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    for col in ("exporter", "importer"):
        frame[col] = frame[col].astype(str)
    return frame


def to_long(frame: pd.DataFrame) -> pd.DataFrame:
    """A wide application frame as (line, exporter, importer, year, pair_id, variable, value) rows."""
    variables = [c for c in frame.columns if c not in KEYS]
    n = len(frame)
    keys = pd.DataFrame(
        {
            "line": np.arange(1, n + 1, dtype="int64"),
            "exporter": frame["exporter"].to_numpy(),
            "importer": frame["importer"].to_numpy(),
            "year": frame["year"].to_numpy(),
            "pair_id": frame["pair_id"].to_numpy() if "pair_id" in frame else pd.array([pd.NA] * n, "Int64"),
        }
    )
    parts = []
    for name in variables:
        part = keys.copy()
        part["variable"] = name
        part["value"] = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
