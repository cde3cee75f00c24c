"""UN Comtrade: bilateral merchandise trade by reporter, partner, flow, product and year.

Stored in ``trade_flows`` in current US dollars: exports (flow X) as exporter = reporter,
reporter 'exporter', valuation 'fob'; imports (flow M) as importer = reporter, reporter
'importer', valuation 'cif'. Partner 'World' is kept as 'WLD' (the reporter's world total);
Comtrade's non-country areas ("Areas, nes", "Other Asia, nes", "Bunkers", "Special
Categories", ...) keep a code of :data:`steppe.codes.NON_COUNTRY_PARTNERS`, so that they count
in totals but never in a region; names that map to nothing are dropped and counted in params.

Mirror (``comtrade_total_exports_2014_2022/comtrade_all_exports_<YYYY>A.csv``): total-goods
exports as pulled from the Comtrade v1 API with ``comtradeapicall`` (columns date, value,
reporter, partner; value = primaryValue, exports FOB, US$).

Network: the Comtrade v1 API, ``/data/v1/get/C/A/HS`` with the key in STEPPE_COMTRADE_KEY, else
the keyless ``/public/v1/preview/C/A/HS`` (at most 500 rows per call). These are the endpoints
``comtradeapicall`` calls; steppe requests them through its own client because comtradeapicall
hard-codes the host, prints HTTP errors instead of raising them and retries by sleeping,
which would defeat caching, backoff, local tests and one-sentence errors.
"""

from __future__ import annotations

import re

import pandas as pd

from steppe.codes import from_iso3
from steppe.errors import DataError, SourceError, UsageError
from steppe.sources.connector import (
    FetchContext,
    Payload,
    content_hash,
    frame_hash,
    not_applied,
    numbers,
    read_csv_text,
    trade_partner_codes,
)
from steppe.sources.validation import FILE, LINE, Problem, SourceSchema

SOURCE = "comtrade"
DATASETS = ("comtrade",)

MIRROR_FOLDER = "comtrade_total_exports_2014_2022"
MIRROR_COLUMNS = ("date", "value", "reporter", "partner")
API_URL = "https://comtradeapi.un.org"
#: The five Central Asian reporters, fetched when no --countries are given.
CENTRAL_ASIA = "KAZ,KGZ,TJK,TKM,UZB"
FLOWS = {"X": ("exporter", "fob"), "M": ("importer", "cif")}
MAX_RECORDS_PREVIEW = 500  # the keyless preview's cap
MAX_RECORDS_KEYED = 250_000  # the cap of one call with a subscription key
HOSTS = ("comtradeapi.un.org",)

#: Validation (docs/validation.md): the trade_flows rules; each yearly mirror file holds only
#: its own year (coverage). Non-country partners kept go in ``categories`` ('WLD' is declared).
SCHEMA = SourceSchema(source=SOURCE)


def read(
    ctx: FetchContext,
    *,
    dataset: str = "comtrade",
    years: str | None = None,
    countries: str | None = None,
    products: str = "TOTAL",
    flows: str = "X,M",
) -> Payload:
    """Read Comtrade flows: ``countries`` = reporters (ISO3 or Comtrade codes), ``products`` HS codes."""
    if dataset != "comtrade":
        raise UsageError(f"Unknown comtrade dataset '{dataset}'; use: comtrade.")
    if ctx.offline:
        if products.strip().upper() != "TOTAL":
            not_applied(SOURCE, "products", products, "the mirror holds total-goods trade (TOTAL) only")
        if "X" not in [f.strip().upper() for f in flows.split(",")]:
            not_applied(SOURCE, "flows", flows, "the mirror holds exports (X) only")
        return _mirror(ctx, years, countries)
    return _api(ctx, years, countries or CENTRAL_ASIA, products, flows)


def _mirror(ctx: FetchContext, years: str | None, countries: str | None = None) -> Payload:
    from steppe.dates import parse_years

    paths = ctx.glob(MIRROR_FOLDER, "comtrade_all_exports_*A.csv")
    if years:
        first, last = parse_years(years)
        paths = [p for p in paths if first <= _file_year(p) <= last]
        ctx.read[:] = paths
        if not paths:
            raise UsageError(f"{SOURCE}: the mirror has no yearly file for {years}.")
    parts = []
    problems: list[Problem] = []
    for path in paths:
        frame = read_csv_text(path, source=SOURCE, required=MIRROR_COLUMNS, problems=problems)
        bad = ~frame["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(
                f"{SOURCE}: {path} line {frame.attrs['first_line'] + pos} field 'date': "
                f"{frame['date'].iloc[pos]!r} is not a date (YYYY-01-01); fix the file (rule number)."
            )
        first_line = frame.attrs["first_line"]
        other_year = frame["date"].str[:4].astype(int) != _file_year(path)
        if other_year.any():
            pos = int(other_year.to_numpy().nonzero()[0][0])
            problems.append(
                Problem(
                    str(path),
                    first_line + pos,
                    "coverage",
                    "date",
                    f"{frame['date'].iloc[pos]!r} is not in {_file_year(path)}, the year of this file",
                )
            )
        parts.append(
            pd.DataFrame(
                {
                    "year": frame["date"].str[:4].astype(int),
                    "reporter_name": frame["reporter"],
                    "partner_name": frame["partner"],
                    "flow": "X",
                    "product": "TOTAL",
                    "classification": "TOTAL",
                    "value_usd": numbers(frame, "value", source=SOURCE),
                    "quantity": float("nan"),
                    LINE: range(first_line, first_line + len(frame)),
                    FILE: str(path),
                }
            )
        )
    raw = pd.concat(parts, ignore_index=True)
    flows, dropped = _tidy(raw)
    params_extra = {}
    if countries:  # the yearly files hold every reporter: keep the ones asked for
        from steppe.sources.sdmx_dots import reporter_codes

        wanted = reporter_codes(countries)
        flows = flows[flows["exporter"].isin(wanted)].reset_index(drop=True)
        params_extra["reporters"] = wanted
    return Payload(
        dataset="comtrade",
        content_hash=content_hash(paths),
        frames={"trade_flows": flows},
        params={
            "files": [f"{MIRROR_FOLDER}/{p.name}" for p in paths],
            "content": "total-goods exports (cmdCode TOTAL, flowCode X, freq A), primaryValue in US$",
            "dropped_areas": dropped,
            **params_extra,
        },
        problems=problems,
    )


def _file_year(path) -> int:
    match = re.search(r"(\d{4})A\.csv$", path.name)
    return int(match.group(1)) if match else -1


def _tidy(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Rows (year, reporter_name, partner_name, flow, product, classification, value_usd,
    quantity) to trade_flows, names through steppe.codes."""
    iso = trade_partner_codes(set(raw["reporter_name"]) | set(raw["partner_name"]))
    rep = raw["reporter_name"].map(iso)
    par = raw["partner_name"].map(iso)
    keep = rep.notna() & par.notna() & (rep != par)
    exports = raw["flow"] == "X"
    out = pd.DataFrame(
        {
            "year": raw["year"],
            "exporter": rep.where(exports, par),
            "importer": par.where(exports, rep),
            "reporter": raw["flow"].map(lambda f: FLOWS[f][0]),
            "product": raw["product"],
            "classification": raw["classification"],
            "value_usd": raw["value_usd"],
            "quantity": raw["quantity"],
            "valuation": raw["flow"].map(lambda f: FLOWS[f][1]),
            **{c: raw[c] for c in (LINE, FILE) if c in raw.columns},
        }
    )[keep.to_numpy()].reset_index(drop=True)
    # Repeated rows are the validation layer's: exact duplicates dropped and counted, the same
    # key with other values refused.
    dropped = {"names": sorted(n for n, c in iso.items() if c is None), "rows": int((~keep).sum())}
    return out, dropped


def _reporter_codes(countries: str) -> str:
    codes = []
    for item in (c.strip() for c in countries.split(",") if c.strip()):
        if item.isdigit():
            codes.append(item)
            continue
        found = from_iso3([item.upper()], "un")[0]
        if found is None:
            raise UsageError(
                f"{SOURCE}: unknown country '{item}' in countries; use ISO3 or Comtrade codes.",
                params=("countries",),
            )
        codes.append(str(found))
    return ",".join(codes)


def _call(ctx: FetchContext, url: str, params: dict[str, str], limit: int) -> list[dict]:
    """One API call's rows; an error body, a non-JSON answer or a full page is one clear error."""
    from steppe.sources import http

    what = f"{url} (reporters {params['reporterCode']}, period {params['period']})"
    response = http.get(ctx, url, params=params)
    try:
        body = response.json()
    except ValueError:
        raise DataError(f"{SOURCE}: {what} did not return JSON; the API changed?") from None
    if body.get("error"):
        raise SourceError(f"{SOURCE}: {what} answered: {body['error']}.")
    data = body.get("data")
    if not isinstance(data, list):
        raise DataError(f"{SOURCE}: {what} has no 'data' list in its answer.")
    if len(data) >= limit:
        raise SourceError(
            f"{SOURCE}: {what} returned the maximum of {limit} rows, so the answer is cut short; "
            "ask for fewer reporters, products or years per fetch (or set STEPPE_COMTRADE_KEY)."
        )
    return data


def _api(ctx: FetchContext, years: str | None, countries: str, products: str, flows: str) -> Payload:
    from steppe.dates import parse_years

    if not years:
        raise UsageError(f"{SOURCE}: name the years to fetch, e.g. years 2015:2022.", params=("years",))
    first, last = parse_years(years)
    key = ctx.keys.get("comtrade")
    base = (ctx.base_url or API_URL).rstrip("/")
    url = f"{base}/data/v1/get/C/A/HS" if key else f"{base}/public/v1/preview/C/A/HS"
    reporters = _reporter_codes(countries)
    # The keyless preview answers at most 500 rows: ask one reporter and flow at a time there.
    limit = MAX_RECORDS_KEYED if key else MAX_RECORDS_PREVIEW
    if key:
        batches = [(reporters, flows)]
    else:
        batches = [(r, f) for r in reporters.split(",") for f in flows.split(",")]
    records = []
    for year in range(first, last + 1):
        for reporter_codes, flow_codes in batches:
            params = {
                "reporterCode": reporter_codes,
                "period": str(year),
                "cmdCode": products,
                "flowCode": flow_codes,
                "maxRecords": str(limit),
                "includeDesc": "True",
            }
            if key:
                params["subscription-key"] = key
            records.extend(_call(ctx, url, params, limit))
    raw = pd.DataFrame.from_records(records)
    needed = (
        "refYear",
        "reporterDesc",
        "partnerDesc",
        "flowCode",
        "cmdCode",
        "classificationCode",
        "primaryValue",
    )
    missing = [c for c in needed if c not in raw.columns] if records else []
    if missing:
        raise DataError(
            f"{SOURCE}: {url} answered rows without field(s) {', '.join(missing)}; the API changed?"
        )
    if not records:
        raw = pd.DataFrame(columns=[*needed, "qty"])
    raw = raw.astype({"primaryValue": str, "refYear": str}).reset_index(drop=True)
    raw.attrs["first_line"] = 1
    value = numbers(raw, "primaryValue", source=SOURCE, path=f"{url} row")
    year_col = numbers(raw, "refYear", source=SOURCE, path=f"{url} row", integer=True)
    raw = raw[raw["flowCode"].isin(list(FLOWS))]
    tidy_in = pd.DataFrame(
        {
            "year": year_col[raw.index],
            "reporter_name": raw["reporterDesc"],
            "partner_name": raw["partnerDesc"],
            "flow": raw["flowCode"],
            "product": raw["cmdCode"].astype(str),
            "classification": raw["cmdCode"].astype(str).map(lambda c: "TOTAL" if c == "TOTAL" else None),
            "value_usd": value[raw.index],
            "quantity": pd.to_numeric(raw["qty"], errors="coerce") if "qty" in raw else float("nan"),
        }
    )
    tidy_in["classification"] = tidy_in["classification"].fillna(raw["classificationCode"].astype(str))
    out, dropped = _tidy(tidy_in)
    return Payload(
        dataset="comtrade",
        content_hash=frame_hash(out),
        frames={"trade_flows": out},
        location=url,
        params={
            "endpoint": "data/v1/get" if key else "public/v1/preview",
            "reporters": reporters,
            "cmdCode": products,
            "flowCode": flows,
            "years": years,
            "dropped_areas": dropped,
        },
    )
