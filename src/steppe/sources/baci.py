"""CEPII BACI: reconciled bilateral trade at HS6 product level, streamed from the bulk zip.

The release (Gaulier & Zignago 2010, CEPII WP 2010-23) is one zip per HS revision and version,
``BACI_<HS92|HS96|...|HS22>_V<YYYYMM>.zip``, holding ``BACI_<cls>_Y<year>_V<ver>.csv`` files
(columns t year, i exporter, j importer, k HS6 product, v value in thousand current US$, q
quantity in metric tons) and ``country_codes_V<ver>.csv`` (BACI numeric code to ISO3).

Import never holds a yearly file in Python memory: each CSV member is streamed out of the zip
to a scratch file and DuckDB reads it in parallel chunks straight into ``trade_flows``
(:func:`steppe.store.data.insert_baci_csv`), one member after the other, all inside the load's
single transaction. Rows: reporter 'reconciled', valuation 'fob' (BACI values are FOB after
CEPII's CIF/FOB correction), product = the 6-digit code, classification = the HS revision.

Mirror layout: ``baci/BACI_<cls>_V<ver>.zip`` (the newest version present when none is named).
Network: ``https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_<cls>_V<ver>.zip``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, NotFoundError, UsageError
from steppe.sources.connector import FetchContext, Payload, content_hash
from steppe.sources.validation import Problem, SourceSchema, nul_byte, refuse

if TYPE_CHECKING:
    from steppe.store.db import Store

SOURCE = "baci"
DATASETS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
DEFAULT_VERSION = "V202501"
FOLDER = "baci"
URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/{name}"
HEADER = ["t", "i", "j", "k", "v", "q"]
_MEMBER = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_(V\d{6}[a-z]?)\.csv$")
_ZIP = re.compile(r"BACI_(HS\d\d)_(V\d{6}[a-z]?)\.zip$")
HOSTS = ("www.cepii.fr", "cepii.fr")

#: BACI starts in 1995 (the HS92 release covers 1995 onwards; later revisions start later).
#: The bulk rows are checked in SQL as they stream in (steppe.store.data.insert_baci_csv):
#: each yearly file's t is its own year, v and q finite and not negative, k present; after the
#: last file, exact duplicate rows are dropped and a key (year, exporter, importer, product)
#: repeated with other values refuses the load.
SCHEMA = SourceSchema(source=SOURCE, years=(1995, None))
KEY = ("year", "exporter", "importer", "reporter", "product")


def read(
    ctx: FetchContext,
    *,
    dataset: str = "HS92",
    version: str | None = None,
    years: str | None = None,
) -> Payload:
    """Check a BACI zip and return a bulk loader that streams its yearly files into the store."""
    classification = dataset.upper()
    if classification not in DATASETS:
        raise UsageError(f"Unknown BACI classification '{dataset}'; use one of: {', '.join(DATASETS)}.")
    path = _zip_path(ctx, classification, version)
    try:
        archive = zipfile.ZipFile(path)
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataError(
            f"{SOURCE}: {path} is not a complete zip file ({exc}); delete it and fetch again."
        ) from None
    members = sorted((m.group(2), name) for name in names if (m := _MEMBER.search(name)))
    if years:
        from steppe.dates import parse_years

        first, last = parse_years(years)
        members = [(y, n) for y, n in members if first <= int(y) <= last]
    if not members:
        raise DataError(f"{SOURCE}: {path} holds no BACI_{classification}_Y<year> CSV files for these years.")
    for _, name in members:
        _check_header(archive, path, name)
    countries, unmatched = _country_codes(archive, path)
    edition = m.group(2) if (m := _ZIP.search(path.name)) else None
    loader = partial(
        _load, path=path, members=[n for _, n in members], countries=countries, ctx=ctx, cls=classification
    )
    archive.close()
    return Payload(
        dataset=classification,
        edition=edition,
        content_hash=content_hash([path]),
        frames={},
        bulk={"trade_flows": loader},
        params={
            "file": f"{FOLDER}/{path.name}",
            "members": [n for _, n in members],
            "units": "v thousand current US$ stored x 1000 as US$; q metric tons",
            "unmatched_country_codes": unmatched,
        },
    )


def _zip_path(ctx: FetchContext, classification: str, version: str | None) -> Path:
    if ctx.mirror is not None and version is None:
        found = sorted(
            (m.group(2), p.name)
            for p in (ctx.mirror / FOLDER).glob(f"BACI_{classification}_V*.zip")
            if (m := _ZIP.search(p.name))
        )
        if not found:
            raise NotFoundError(
                f"{SOURCE}: the mirror {ctx.mirror} has no {FOLDER}/BACI_{classification}_V<version>.zip; "
                "put the CEPII zip there or fetch from the network instead."
            )
        version = found[-1][0]
    name = f"BACI_{classification}_{version or DEFAULT_VERSION}.zip"
    return ctx.obtain(f"{FOLDER}/{name}", None if ctx.base_url else URL.format(name=name))


def _check_header(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    try:
        with archive.open(name) as raw:
            first = raw.readline(4096).decode("utf-8-sig", errors="replace")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DataError(
            f"{SOURCE}: {path}!{name} cannot be read ({exc}); delete the zip and fetch again."
        ) from None
    header = [h.strip() for h in next(csv.reader([first]), [])]
    if header != HEADER:
        raise DataError(
            f"{SOURCE}: {path}!{name} line 1 has a wrong header {header}; BACI files have {HEADER}."
        )


def _country_codes(archive: zipfile.ZipFile, path: Path) -> tuple[pd.DataFrame, list[int]]:
    """BACI numeric codes to ISO3 (through steppe.codes), from the release's country file."""
    name = next((n for n in archive.namelist() if Path(n).name.startswith("country_codes")), None)
    if name is None:
        raise DataError(f"{SOURCE}: {path} has no country_codes_V<version>.csv; re-download it.")
    try:
        text = archive.read(name).decode("utf-8-sig", errors="replace")
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise DataError(
            f"{SOURCE}: {path}!{name} cannot be read ({exc}); delete the zip and fetch again."
        ) from None
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in frame.columns), None)
    name_col = next((c for c in ("country_name", "country_name_full") if c in frame.columns), None)
    if "country_code" not in frame.columns or iso_col is None:
        raise DataError(
            f"{SOURCE}: {path}!{name} line 1 has a wrong header {list(frame.columns)}; expected "
            "country_code and country_iso3."
        )
    codes = pd.to_numeric(frame["country_code"], errors="coerce")
    if codes.isna().any():
        pos = int(codes.isna().to_numpy().nonzero()[0][0])
        raise DataError(
            f"{SOURCE}: {path}!{name} line {pos + 2} field 'country_code': "
            f"{frame['country_code'].iloc[pos]!r} is not a number."
        )
    iso = pd.Series(to_iso3(frame[iso_col].tolist(), "iso3"), index=frame.index)
    if name_col is not None:
        missing = iso.isna()
        iso[missing] = to_iso3(frame.loc[missing, name_col].tolist(), "name")
    out = pd.DataFrame({"code": codes.astype("int32"), "iso3": iso})
    unmatched = sorted(int(c) for c in out.loc[out["iso3"].isna(), "code"])
    out = out[out["iso3"].notna()].drop_duplicates("code")
    return out, unmatched


def _load(
    store: Store,
    dataset_id: str,
    *,
    path: Path,
    members: list[str],
    countries: pd.DataFrame,
    ctx: FetchContext,
    cls: str,
) -> int:
    """Stream each yearly member to a scratch file and bulk-insert it; return the rows stored."""

    total = 0
    dropped = 0
    with zipfile.ZipFile(path) as archive:
        for number, name in enumerate(members, start=1):
            scratch = ctx.work_dir() / Path(name).name
            label = f"{path}!{name}"
            nul = False
            try:
                with archive.open(name) as src, scratch.open("wb") as dst:
                    while block := src.read(1 << 22):
                        nul = nul or b"\x00" in block
                        dst.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise DataError(
                    f"{SOURCE}: {path}!{name} is truncated or corrupt ({exc}); delete it and fetch again."
                ) from None
            if nul:  # DuckDB would cut the field there; the line is looked up only now
                found = nul_byte(scratch)
                raise refuse(
                    SOURCE, [Problem(label, found.line if found else None, "text", None, "holds a NUL byte")]
                )
            matched = _MEMBER.search(name)
            if matched is None:  # the members were chosen by this pattern
                raise DataError(f"{SOURCE}: {label} is not a BACI_<classification>_Y<year>_V<ver>.csv file.")
            year = int(matched.group(2))
            inserted = insert_file(
                store, dataset_id, scratch, countries, cls, label=label, year=year, allow=ctx.allow
            )
            if inserted == 0 and _data_lines(scratch) == 0:
                raise refuse(
                    SOURCE,
                    [Problem(label, 2, "not_empty", None, "the file has a header but no data rows")],
                )
            # Keys repeat within a yearly file (the coverage rule keeps each file to its year);
            # with that rule waived, one check over every year after the last file.
            if "coverage" not in ctx.allow:
                dropped += _duplicates(store, dataset_id, label, year)
            total += inserted
            scratch.unlink()
            if ctx.progress:
                ctx.progress(f"import {path.name}", number, len(members))
    if "coverage" in ctx.allow:
        dropped += _duplicates(store, dataset_id, str(path), None)
    if dropped:
        ctx.bulk_notes["exact_duplicates_dropped"] = {"trade_flows": dropped}
    return total - dropped


def _duplicates(store: Store, dataset_id: str, where: str, year: int | None) -> int:
    """Drop exact duplicate rows, refuse a key repeated with other values; return rows dropped."""
    from steppe.store.data import bulk_duplicates

    dropped, conflicts = bulk_duplicates(store, dataset_id, "trade_flows", KEY, year=year)
    if conflicts:
        first = conflicts[0]
        shown = ", ".join(f"{k}={first[k]}" for k in ("year", "exporter", "importer", "product"))
        raise refuse(
            SOURCE,
            [
                Problem(
                    where,
                    None,
                    "unique_key",
                    None,
                    f"the key ({shown}) is given {first['n']} times with different values",
                )
            ],
        )
    return dropped


def _data_lines(path: Path) -> int:
    """Lines after the header that hold anything."""
    with path.open("rb") as fh:
        fh.readline()
        return sum(1 for line in fh if line.strip())


def insert_file(
    store: Store,
    dataset_id: str,
    path: Path,
    countries: pd.DataFrame,
    classification: str,
    *,
    label: str | None = None,
    year: int | None = None,
    allow: frozenset[str] = frozenset(),
) -> int:
    """Bulk-insert one yearly BACI CSV (:func:`steppe.store.data.insert_baci_csv`); a row that
    breaks a validation rule refuses the load in one sentence naming its file, line and rule."""
    from steppe.store.data import BulkRuleBroken, insert_baci_csv

    try:
        return insert_baci_csv(
            store, dataset_id, path, countries, classification, label=label, year=year, allow=allow
        )
    except BulkRuleBroken as broken:
        raise _baci_refusal(path, label, broken.rule, year) from None


def _baci_refusal(path: Path, label: str | None, rule: str, year: int | None) -> Exception:
    """The refusal for a BACI row that broke ``rule``: find its line with a plain read of the file."""
    import math

    def broken(row: dict[str, str]) -> tuple[str, str] | None:
        def number(text: str | None) -> float | None:
            try:
                return float(text) if text is not None and text.strip() not in ("", "NA") else None
            except ValueError:
                return None

        v, q = number(row.get("v")), number((row.get("q") or "").strip())
        if rule == "coverage" and year is not None and (row.get("t") or "").strip() != str(year):
            return "t", f"year {row.get('t')!r} in the file of year {year}"
        if rule == "required" and not (row.get("k") or "").strip():
            return "k", "the product code is empty; this field is required"
        if rule == "required" and v is None:
            return "v", "the value is empty; this field is required"
        if rule == "finite":
            for name, x in (("v", v), ("q", q)):
                if x is not None and not math.isfinite(x):
                    return name, f"{row.get(name)!r} is not a finite number"
        if rule == "sign":
            for name, x in (("v", v), ("q", q)):
                if x is not None and x < 0:
                    return name, f"{row.get(name)!r} is negative; this amount cannot be"
        return None

    where = label or str(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            found = broken(row)
            if found:
                return refuse("baci", [Problem(where, reader.line_num, rule, found[0], found[1])])
    return refuse("baci", [Problem(where, None, rule, None, "a row breaks this rule")])
