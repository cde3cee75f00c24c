"""World Bank World Development Indicators: country-year indicators into ``country_indicators``.

Datasets:

- ``wdi`` (default). Network: the World Bank API v2 through ``wbgapi`` (cached, retried).
  Mirror: every WDI bulk CSV in ``wdi_fdi_remittances_ca/`` (the "API_<code>_DS2_en_csv_v2"
  layout: optional 4 metadata lines with "Last Updated Date", then Country Name, Country Code,
  Indicator Name, Indicator Code, one column per year), ``Metadata_*`` files skipped.
- ``gdp``: the datahub.io core dataset of WDI GDP (current US$), mirror
  ``wb_gdp_datahub/data/gdp.csv`` (Country Name, Country Code, Year, Value) with its
  ``datapackage.json`` (``last_updated`` = edition). Stored as indicator NY.GDP.MKTP.CD.

Rows keep countries (ISO3 known to :func:`steppe.codes.to_iso3`) and the world total 'WLD';
other World Bank aggregates (regions, income groups) are dropped and counted in params.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, NotFoundError, SourceError, UsageError
from steppe.sources.connector import (
    WORLD,
    FetchContext,
    Payload,
    content_hash,
    frame_hash,
    not_applied,
    numbers,
    read_csv_text,
)
from steppe.sources.validation import FILE, LINE, TABLES, Problem, SourceSchema, with_lines

SOURCE = "wdi"
DATASETS = ("wdi", "gdp")

BULK_FOLDER = "wdi_fdi_remittances_ca"
GDP_FILE = "wb_gdp_datahub/data/gdp.csv"
GDP_PACKAGE = "wb_gdp_datahub/datapackage.json"
GDP_CODE = "NY.GDP.MKTP.CD"

#: Indicators fetched over the network when none are named (issue 4's list).
DEFAULT_INDICATORS = (
    "NY.GDP.MKTP.CD",  # GDP (current US$)
    "SP.POP.TOTL",  # Population, total
    "NE.TRD.GNFS.ZS",  # Trade (% of GDP)
    "BX.TRF.PWKR.DT.GD.ZS",  # Personal remittances, received (% of GDP)
    "BX.TRF.PWKR.CD.DT",  # Personal remittances, received (current US$)
    "BX.KLT.DINV.CD.WD",  # Foreign direct investment, net inflows (BoP, current US$)
    "DT.DOD.DECT.CD",  # External debt stocks, total (DOD, current US$)
)
BULK_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
GDP_COLUMNS = ("Country Name", "Country Code", "Year", "Value")
HOSTS = ("api.worldbank.org", "datahub.io", "raw.githubusercontent.com")

#: Indicators that cannot be negative (levels, counts, gross flows, shares of GDP); others, such
#: as net FDI inflows, can.
NON_NEGATIVE = frozenset(
    {
        "NY.GDP.MKTP.CD",
        "SP.POP.TOTL",
        "NE.TRD.GNFS.ZS",
        "BX.TRF.PWKR.DT.GD.ZS",
        "BX.TRF.PWKR.CD.DT",
        "DT.DOD.DECT.CD",
    }
)
#: WDI series start in 1960 (the first year column of every bulk file).
SCHEMA = SourceSchema(
    source=SOURCE,
    years=(1960, None),
    tables={
        "country_indicators": dataclasses.replace(
            TABLES["country_indicators"],
            non_negative_when=("indicator", NON_NEGATIVE),
            conditional_value="value",
        )
    },
)


def read(
    ctx: FetchContext,
    *,
    dataset: str = "wdi",
    indicators: str | None = None,
    countries: str | None = None,
    years: str | None = None,
) -> Payload:
    """Read WDI indicators (comma-separated codes) for countries (ISO3, comma-separated)."""
    codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
    if dataset == "gdp":
        if codes and GDP_CODE not in codes:
            not_applied(SOURCE, "indicators", indicators, f"the gdp dataset holds only {GDP_CODE}")
        payload = _gdp(ctx)
    elif dataset != "wdi":
        raise UsageError(f"Unknown wdi dataset '{dataset}'; use one of: {', '.join(DATASETS)}.")
    elif ctx.offline:
        payload = _bulk_mirror(ctx)
    else:
        payload = _api(ctx, codes or list(DEFAULT_INDICATORS), countries, years)
    frame = payload.frames["country_indicators"]
    keep = pd.Series(True, index=frame.index)
    if codes:
        keep &= frame["indicator"].isin(codes)
    if countries:
        keep &= frame["iso3"].isin([c.strip().upper() for c in countries.split(",")])
    if years:
        from steppe.dates import parse_years

        first, last = parse_years(years)
        keep &= frame["year"].between(first, last)
    payload.frames["country_indicators"] = frame[keep.to_numpy()].reset_index(drop=True)
    return payload


def _coverage(path: Path, what: str) -> Problem:
    """A coverage problem placed at the last line of ``path`` (where a cut file stops)."""
    from steppe.sources.validation import count_lines

    return Problem(str(path), count_lines(path), "coverage", None, what)


def _countries(codes: pd.Series) -> tuple[pd.Series, list[str]]:
    """ISO3 for country codes, 'WLD' kept, other aggregates None (and listed)."""
    unique = sorted(set(codes))
    found = dict(zip(unique, to_iso3(unique, "iso3"), strict=True))
    found[WORLD] = WORLD
    return codes.map(found), sorted(c for c in unique if found.get(c) is None)


def _unit(name: str) -> str | None:
    """The unit WDI puts in parentheses at the end of an indicator name."""
    match = re.search(r"\(([^()]*)\)\s*$", name)
    return match.group(1) if match else None


def _bulk_file(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, str | None]:
    """One WDI bulk CSV as long rows, and its 'Last Updated Date' when the file has one.

    Completeness against the file's own metadata: every economy its ``Metadata_Country`` file
    lists has a row, and the last year column is at most two years before 'Last Updated Date'.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            meta = [next(csv.reader([fh.readline()]), []) for _ in range(4)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(
            f"{SOURCE}: {path} line 1 is not UTF-8 CSV text ({type(exc).__name__}); re-download it "
            "(rule text)."
        ) from None
    first = meta[0]
    edition = None
    skip = 0
    if first and first[0] == "Data Source":
        skip = 4
        for row in meta:
            if len(row) >= 2 and row[0] == "Last Updated Date":
                edition = row[1]
    wide = read_csv_text(path, source=SOURCE, required=BULK_COLUMNS, skiprows=skip, problems=problems)
    year_cols = [c for c in wide.columns if re.fullmatch(r"\d{4}", c)]
    if not year_cols:
        raise DataError(
            f"{SOURCE}: {path} line {skip + 1} has a wrong header: no year columns (1960, 1961, ...); "
            "is this a WDI bulk CSV?"
        )
    for col in year_cols:
        wide[col] = numbers(wide, col, source=SOURCE)
    _bulk_coverage(path, wide, year_cols, edition, problems)
    wide = with_lines(wide, path)
    long = wide.melt(
        id_vars=[*BULK_COLUMNS, LINE, FILE], value_vars=year_cols, var_name="year", value_name="value"
    )
    long = long[long["value"].notna()]
    out = pd.DataFrame(
        {
            "code": long["Country Code"].str.strip(),
            "year": long["year"].astype(int),
            "indicator": long["Indicator Code"].str.strip(),
            "value": long["value"].astype(float),
            "unit": long["Indicator Name"].map(_unit),
            LINE: long[LINE],
            FILE: long[FILE],
        }
    )
    return out, edition


def _bulk_coverage(
    path: Path, wide: pd.DataFrame, year_cols: list[str], edition: str | None, problems: list[Problem]
) -> None:
    name = path.name
    metadata = path.with_name(f"Metadata_Country_{name}")
    if metadata.is_file():
        listed = read_csv_text(metadata, source=SOURCE, required=("Country Code",))
        missing = sorted(set(listed["Country Code"].str.strip()) - set(wide["Country Code"].str.strip()))
        if missing:
            problems.append(
                _coverage(
                    path,
                    f"{len(missing)} economies listed in {metadata.name} have no row (first: {missing[0]}); "
                    "the file looks cut short",
                )
            )
    updated = re.match(r"(\d{4})-\d{2}-\d{2}", edition or "")
    if updated and int(max(year_cols)) < int(updated.group(1)) - 2:
        problems.append(
            _coverage(
                path,
                f"the last year column is {max(year_cols)} but the file says it was updated {edition}",
            )
        )


def _finish(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    iso3, dropped = _countries(frame["code"])
    out = frame.assign(iso3=iso3)[iso3.notna().to_numpy()]
    extra = [c for c in (LINE, FILE) if c in out.columns]
    out = out[["iso3", "year", "indicator", "value", "unit", *extra]].reset_index(drop=True)
    return out, dropped


def _bulk_mirror(ctx: FetchContext) -> Payload:
    paths = ctx.glob(BULK_FOLDER, "*.csv", skip="Metadata_")
    parts, editions = [], {}
    problems: list[Problem] = []
    for path in paths:
        frame, edition = _bulk_file(path, problems)
        parts.append(frame)
        editions[path.name] = edition
    frame, dropped = _finish(pd.concat(parts, ignore_index=True))
    dated = set(editions.values())
    return Payload(
        dataset="wdi",
        edition=dated.pop() if len(dated) == 1 and None not in dated else None,
        content_hash=content_hash(paths),
        frames={"country_indicators": frame},
        params={
            "files": [f"{BULK_FOLDER}/{p.name}" for p in paths],
            "last_updated": editions,
            "dropped_aggregates": dropped,
        },
        problems=problems,
    )


def _gdp(ctx: FetchContext) -> Payload:
    path = ctx.obtain(GDP_FILE)
    edition = None
    try:
        package: Path | None = ctx.obtain(GDP_PACKAGE, verify=False)
    except (NotFoundError, SourceError):  # the package file is optional: edition from the hash
        package = None
    if package is not None:
        try:
            edition = json.loads(package.read_text("utf-8")).get("last_updated")
        except json.JSONDecodeError as exc:
            raise DataError(
                f"{SOURCE}: {package} line {exc.lineno} is not valid JSON; fix the file."
            ) from None
    problems: list[Problem] = []
    frame = read_csv_text(path, source=SOURCE, required=GDP_COLUMNS, problems=problems)
    year = numbers(frame, "Year", source=SOURCE, integer=True)
    value = numbers(frame, "Value", source=SOURCE)
    raw = pd.DataFrame(
        {"code": frame["Country Code"].str.strip(), "year": year, "indicator": GDP_CODE, "value": value}
    )
    raw.attrs = dict(frame.attrs)
    raw = with_lines(raw, path)
    raw = raw[raw["value"].notna()].assign(unit="current US$")
    out, dropped = _finish(raw)
    problems += _gdp_coverage(path, out, edition)
    return Payload(
        dataset="gdp",
        edition=edition,
        content_hash=content_hash([path]),
        frames={"country_indicators": out},
        params={"file": GDP_FILE, "indicator": GDP_CODE, "dropped_aggregates": dropped},
        problems=problems,
    )


def _gdp_coverage(path: Path, frame: pd.DataFrame, edition: str | None) -> list[Problem]:
    """The datahub package describes "country, regional and world GDP": the World total must be
    there, reaching at most four years before the package's ``last_updated``."""
    world = frame.loc[frame["iso3"] == WORLD, "year"]
    if world.empty:
        return [
            _coverage(
                path,
                "the file has no World (WLD) rows, which the datahub GDP package holds: it looks cut short",
            )
        ]
    updated = re.match(r"(\d{4})", edition or "")
    if updated and world.max() < int(updated.group(1)) - 4:
        return [
            _coverage(
                path,
                f"the World (WLD) series ends in {int(world.max())} but the package was updated {edition}",
            )
        ]
    return []


def _api(ctx: FetchContext, codes: list[str], countries: str | None, years: str | None) -> Payload:
    """Indicators from the World Bank API v2 through wbgapi (database 2 = WDI)."""
    from steppe.sources import http

    try:
        import wbgapi
    except ImportError:  # pragma: no cover - wbgapi is a core dependency
        from steppe.errors import MissingDependencyError

        raise MissingDependencyError("wbgapi", "sources") from None

    endpoint = (ctx.base_url or wbgapi.endpoint).rstrip("/")
    economy = ";".join(c.strip().upper() for c in countries.split(",")) if countries else "all"
    time = "all"
    if years:
        from steppe.dates import parse_years

        first, last = parse_years(years)
        time = ";".join(f"YR{y}" for y in range(first, last + 1))
    rows: list[dict[str, Any]] = []
    names: dict[str, str] = {}

    def pull() -> tuple[str | None, list[dict[str, Any]]]:
        info = wbgapi.get("sources/2")
        out = []
        for code in codes:
            url = f"sources/2/series/{code}/country/{economy}/time/{time}"
            for row in wbgapi.fetch(url):
                out.append(row)
        return info.get("lastupdated"), out

    old = (wbgapi.endpoint, dict(wbgapi.get_options))
    wbgapi.endpoint = endpoint
    wbgapi.get_options = {**wbgapi.get_options, "timeout": ctx.timeout}
    try:
        with http.cached_requests(ctx):
            edition, raw = http.with_retries(pull, source=SOURCE, url=endpoint, http=ctx.http)
    except wbgapi.APIError as exc:
        raise SourceError(
            f"{SOURCE}: the World Bank API at {exc.url} answered: {exc.msg}; check the codes."
        ) from None
    finally:
        wbgapi.endpoint, wbgapi.get_options = old
    for row in raw:
        if row.get("value") is None:
            continue
        variables = {v["concept"].lower(): v for v in row.get("variable", [])}
        try:
            series, economy_id, time_id = variables["series"], variables["country"], variables["time"]
        except KeyError as exc:
            raise DataError(
                f"{SOURCE}: a response from {endpoint} lacks the field {exc}; the API changed?"
            ) from None
        names[series["id"]] = series.get("value", "")
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            raise DataError(
                f"{SOURCE}: {endpoint} series {series['id']} {economy_id['id']} {time_id['id']} "
                f"field 'value': {row['value']!r} is not a number."
            ) from None
        rows.append(
            {
                "code": economy_id["id"],
                "year": int(str(time_id["id"]).removeprefix("YR")),
                "indicator": series["id"],
                "value": value,
                "unit": _unit(series.get("value", "")),
            }
        )
    frame = pd.DataFrame(rows, columns=["code", "year", "indicator", "value", "unit"])
    out, dropped = _finish(frame)
    return Payload(
        dataset="wdi",
        edition=edition,
        content_hash=frame_hash(out),
        frames={"country_indicators": out},
        location=endpoint,
        params={"indicators": codes, "economy": economy, "time": time, "dropped_aggregates": dropped},
    )
