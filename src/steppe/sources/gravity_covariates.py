"""Gravity covariates (distance, contiguity, language, colony, currency, RTA): file import.

Source id ``gravity`` (``steppe fetch gravity``; the id is kept so that stored dataset ids stay
valid); not to be confused with the estimation package :mod:`steppe.gravity` or the stored runs
(:mod:`steppe.store.gravity_runs`).

Datasets:

- ``hmr2006`` (default): Head, Mayer & Ries (2010) 2006 cross-section as shipped in the R
  package *gravity* (``gravity_zeros``): iso_o, iso_d, distw (population-weighted km), gdp_o,
  gdp_d (million US$), rta, flow (million US$), contig, comlang_off, comcur. Loaded into
  ``gravity_covariates`` (year 2006; colony not in the file: NULL), ``trade_flows`` (flow x 1e6,
  zeros kept) and ``country_indicators`` ('gdp_usd', x 1e6). The file does not say which side
  reported ``flow`` or its valuation: rows are stored with reporter 'reconciled' (a compiled
  figure) and valuation NULL, and ``datasets.params`` says so.
- ``cepii``: CEPII Gravity database (Conte, Cotterlaz & Mayer 2022), ``Gravity_V202211.csv``
  inside ``Gravity_csv_V202211.zip``: year, iso3_o, iso3_d, distw_harmonic (or dist), contig,
  comlang_off, col_dep_ever (-> colony), fta_wto (-> rta), comcur when the file has it; rows
  with country_exists_o/_d = 0 are left out. One row per pair and year.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, UsageError
from steppe.sources.connector import (
    FetchContext,
    Payload,
    content_hash,
    not_applied,
    numbers,
    read_csv_text,
)
from steppe.sources.validation import FILE, LINE, WORLD_CATEGORY, Problem, SourceSchema

SOURCE = "gravity"
DATASETS = ("hmr2006", "cepii")

HMR_FILE = "hmr_gravity_2006/gravity_zeros.csv"
HMR_COLUMNS = ("iso_o", "iso_d", "distw", "gdp_o", "gdp_d", "rta", "flow", "contig", "comlang_off", "comcur")

CEPII_EDITION = "V202211"
CEPII_FILE = f"cepii_gravity/Gravity_csv_{CEPII_EDITION}.zip"
CEPII_URL = f"https://www.cepii.fr/DATA_DOWNLOAD/gravity/data/Gravity_csv_{CEPII_EDITION}.zip"
CEPII_COLUMNS = ("year", "iso3_o", "iso3_d", "contig", "comlang_off", "col_dep_ever", "fta_wto")
HOSTS = ("www.cepii.fr", "cepii.fr")

#: Validation (docs/validation.md): codes must be ISO3 or declared here. HMR 2006 keeps 'YUG'
#: for Serbia and Montenegro, which has no ISO3 successor; CEPII Gravity starts in 1948.
SCHEMA = SourceSchema(
    source=SOURCE,
    years=(1948, None),
    categories={**WORLD_CATEGORY, "YUG": "Serbia and Montenegro (HMR 2006)"},
)


def read(
    ctx: FetchContext,
    *,
    dataset: str = "hmr2006",
    years: str | None = None,
) -> Payload:
    """Read one gravity dataset from the mirror or the network."""
    if dataset == "hmr2006":
        if years:
            not_applied(SOURCE, "years", years, "hmr2006 is the 2006 cross-section; fetch it without years")
        return _hmr(ctx)
    if dataset == "cepii":
        return _cepii(ctx, years)
    raise UsageError(f"Unknown gravity dataset '{dataset}'; use one of: {', '.join(DATASETS)}.")


def _iso3(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """ISO3 codes checked through steppe.codes (the file should already hold them)."""
    codes = frame[column].str.strip().str.upper()
    unique = sorted(set(codes))
    known = dict(zip(unique, to_iso3(unique, "iso3"), strict=True))
    bad = [c for c in unique if known[c] is None and len(c) != 3]
    if bad:
        pos = int(codes.isin(bad).to_numpy().nonzero()[0][0])
        raise DataError(
            f"{SOURCE}: {path} line {frame.attrs['first_line'] + pos} field '{column}': "
            f"{codes.iloc[pos]!r} is not an ISO3 code; fix the file."
        )
    # Withdrawn codes map to today's (ROM -> ROU, ZAR -> COD, in steppe.codes); a code with no
    # successor state (YUG, Serbia and Montenegro in HMR 2006) is kept as the file has it.
    return codes.map(lambda c: known[c] or c)


def _hmr(ctx: FetchContext) -> Payload:
    path = ctx.obtain(HMR_FILE)
    problems: list[Problem] = []
    frame = read_csv_text(path, source=SOURCE, required=HMR_COLUMNS, problems=problems)
    first_line = frame.attrs["first_line"]
    lines = {LINE: range(first_line, first_line + len(frame)), FILE: str(path)}
    num = {c: numbers(frame, c, source=SOURCE) for c in ("distw", "gdp_o", "gdp_d", "flow")}
    dummies = {
        c: numbers(frame, c, source=SOURCE, integer=True) for c in ("rta", "contig", "comlang_off", "comcur")
    }
    iso_o = _iso3(frame, "iso_o", path)
    iso_d = _iso3(frame, "iso_d", path)
    covariates = pd.DataFrame(
        {
            "year": 2006,
            "iso_o": iso_o,
            "iso_d": iso_d,
            "dist": num["distw"],
            "contig": dummies["contig"],
            "comlang_off": dummies["comlang_off"],
            "colony": pd.array([pd.NA] * len(frame), dtype="Int16"),
            "comcur": dummies["comcur"],
            "rta": dummies["rta"],
            **lines,
        }
    )
    flows = pd.DataFrame(
        {
            "year": 2006,
            "exporter": iso_o,
            "importer": iso_d,
            "reporter": "reconciled",
            "product": "TOTAL",
            "classification": "TOTAL",
            "value_usd": num["flow"] * 1e6,
            "quantity": float("nan"),
            "valuation": None,
            **lines,
        }
    )
    gdp = pd.concat(
        [
            pd.DataFrame({"iso3": iso_o, "value": num["gdp_o"], **lines}),
            pd.DataFrame({"iso3": iso_d, "value": num["gdp_d"], **lines}),
        ]
    ).drop_duplicates("iso3")
    gdp = gdp.assign(year=2006, indicator="gdp_usd", value=gdp["value"] * 1e6, unit="current US$")
    return Payload(
        dataset="hmr2006",
        content_hash=content_hash([path]),
        frames={
            "gravity_covariates": covariates,
            "trade_flows": flows,
            "country_indicators": gdp[["iso3", "year", "indicator", "value", "unit", LINE, FILE]],
        },
        problems=problems,
        params={
            "file": HMR_FILE,
            "origin": "Head, Mayer & Ries (2010) col_regfile09, 2006, as in R package gravity 1.1",
            "units": "distw km (population-weighted); flow and gdp million US$, stored x 1e6 as US$",
            "flow_reporter": "not stated in the file: stored as 'reconciled', valuation unknown (NULL)",
            "colony": "not in the file (NULL)",
            "codes": "ROM stored as ROU, ZAR as COD; YUG (Serbia and Montenegro) kept as in the file",
        },
    )


def _optional_dummy(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.array([pd.NA] * len(frame), dtype="Int16"), index=frame.index)
    return numbers(frame, column, source=SOURCE, integer=True)


def _cepii(ctx: FetchContext, years: str | None) -> Payload:
    from steppe.dates import parse_years

    path = ctx.obtain(CEPII_FILE, None if ctx.base_url else CEPII_URL)
    try:
        archive = zipfile.ZipFile(path)
        member = next((n for n in archive.namelist() if n.lower().endswith(".csv")), None)
        if member is None:
            raise DataError(f"{SOURCE}: {path} holds no CSV file; re-download it.")
        extracted = ctx.work_dir() / Path(member).name
        with archive.open(member) as src, extracted.open("wb") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(
            f"{SOURCE}: {path} is not a complete zip file ({exc}); delete it and fetch again."
        ) from None
    problems: list[Problem] = []
    frame = read_csv_text(extracted, source=SOURCE, required=CEPII_COLUMNS, problems=problems)
    frame.attrs["path"] = f"{path}!{member}"
    first_line = frame.attrs["first_line"]
    year = numbers(frame, "year", source=SOURCE, integer=True)
    keep = pd.Series(True, index=frame.index)
    for col in ("country_exists_o", "country_exists_d"):  # pairs with a state that did not exist then
        if col in frame.columns:
            keep &= frame[col].str.strip() == "1"
    if years:
        first, last = parse_years(years)
        keep &= year.isna() | ((year >= first) & (year <= last))  # a blank year is refused, not dropped
    dist_col = "distw_harmonic" if "distw_harmonic" in frame.columns else "dist"
    out = pd.DataFrame(
        {
            "year": year,
            "iso_o": frame["iso3_o"].str.strip().str.upper(),
            "iso_d": frame["iso3_d"].str.strip().str.upper(),
            "dist": numbers(frame, dist_col, source=SOURCE),
            "contig": numbers(frame, "contig", source=SOURCE, integer=True),
            "comlang_off": numbers(frame, "comlang_off", source=SOURCE, integer=True),
            "colony": numbers(frame, "col_dep_ever", source=SOURCE, integer=True),
            "comcur": _optional_dummy(frame, "comcur"),
            "rta": numbers(frame, "fta_wto", source=SOURCE, integer=True),
            LINE: range(first_line, first_line + len(frame)),
            FILE: f"{path}!{member}",
        }
    )[keep.to_numpy()]
    return Payload(
        dataset="cepii",
        edition=CEPII_EDITION,
        content_hash=content_hash([path]),
        frames={"gravity_covariates": out.reset_index(drop=True)},
        params={
            "file": CEPII_FILE,
            "member": member,
            "years": years,
            "dist": f"{dist_col} (km)",
            "colony": "col_dep_ever",
            "rta": "fta_wto",
        },
        problems=problems,
    )
