"""IMF Direction of Trade Statistics: bilateral merchandise trade, both reporters' views.

Each DOTS reporter gives its exports FOB to each partner and its imports CIF from each
partner, in US$ millions. Stored in ``trade_flows`` as:

- exports: exporter = reporter, importer = partner, reporter 'exporter', valuation 'fob';
- imports: exporter = partner, importer = reporter, reporter 'importer', valuation 'cif';

values x 1e6 (US dollars). IMF estimates (a trailing ' e' in the DOTS workbooks, derived from
partner data) are kept as flag 'estimate' in ``trade_flow_flags``. Partner 'World' is kept as
'WLD' (the reporter's world total, the denominator of its shares); partners that are not
countries (Special Categories, Countries & Areas not specified, Asia not specified, former
entities such as Czechoslovakia) keep a code of :data:`steppe.codes.NON_COUNTRY_PARTNERS` so
that they count in totals but never in a region; IMF country groups (Advanced Economies, Euro
Area, ...) are dropped and counted (they would double count their members).

Mirror file (``dataset='dots'``): ``imf_dots_1992_2020/dots_central_asia_extract.csv`` with
columns source_file, reporter, flow (exports_fob | imports_cif), partner, year,
value_usd_millions, imf_estimate. Network mode reads the same tidy layout from SDMX data
(:mod:`steppe.sources.sdmx_dots`).
"""

from __future__ import annotations

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, UsageError
from steppe.sources.connector import (
    FetchContext,
    Payload,
    content_hash,
    numbers,
    read_csv_text,
    trade_partner_codes,
)
from steppe.sources.validation import FILE, LINE, Problem, SourceSchema

SOURCE = "imf_dots"
DATASETS = ("dots",)

MIRROR_FILE = "imf_dots_1992_2020/dots_central_asia_extract.csv"
COLUMNS = ("reporter", "flow", "partner", "year", "value_usd_millions", "imf_estimate")
FLOWS = {"exports_fob": ("exporter", "fob"), "imports_cif": ("importer", "cif")}
HOSTS = ("sdmxcentral.imf.org", "api.imf.org", "dataservices.imf.org", "data.imf.org")

#: Validation (docs/validation.md): the trade_flows rules (finite, non-negative values, ISO3
#: codes, unique reporter-partner-flow-year keys). Non-country partners the connector keeps go
#: in ``categories`` (the world total 'WLD' is declared by default).
SCHEMA = SourceSchema(source=SOURCE)


def read(
    ctx: FetchContext,
    *,
    dataset: str = "dots",
    years: str | None = None,
    countries: str | None = None,
) -> Payload:
    """Read DOTS from the mirror extract, or from the IMF SDMX service (``countries`` = reporters)."""
    if dataset != "dots":
        raise UsageError(f"Unknown imf_dots dataset '{dataset}'; use: dots.")
    problems: list[Problem] = []
    reporters = None
    if ctx.offline:
        path = ctx.obtain(MIRROR_FILE)
        frame = read_csv_text(path, source=SOURCE, required=COLUMNS, problems=problems)
        digest = content_hash([path])
        where = str(path)
        extra: dict = {"file": MIRROR_FILE}
        if countries:  # the extract holds every reporter: keep the ones asked for, as the SDMX key does
            from steppe.sources.sdmx_dots import reporter_codes

            reporters = reporter_codes(countries)
            extra["reporters"] = reporters
    else:
        from steppe.sources import sdmx_dots

        frame, digest, where, extra = sdmx_dots.download(ctx, years=years, countries=countries)
    flows, flags, dropped = tidy(
        frame, where, years, scheme="name" if ctx.offline else "iso3", reporters=reporters, problems=problems
    )
    return Payload(
        dataset="dots",
        content_hash=digest,
        frames={"trade_flows": flows, "trade_flow_flags": flags},
        location=where,
        params={
            **extra,
            "units": "US$ millions in the source, stored x 1e6 as US$",
            "dropped_groups": dropped,
            "flag": "estimate = IMF estimate (' e' in the DOTS workbooks)",
        },
        problems=problems,
    )


def tidy(
    frame: pd.DataFrame,
    where: str,
    years: str | None = None,
    scheme: str = "name",
    reporters: list[str] | None = None,
    problems: list[Problem] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """DOTS rows (reporter, flow, partner, year, value_usd_millions, imf_estimate) to trade_flows;
    countries are IMF names (``scheme='name'``) or ISO3 codes (SDMX, ``'iso3'``); ``reporters``
    keeps the reports of those ISO3 reporters only. Rows keep their ``_line`` for validation."""
    from steppe.dates import parse_years

    bad_flow = ~frame["flow"].isin(list(FLOWS))
    if bad_flow.any():
        pos = int(bad_flow.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{SOURCE}: {where} line {frame.attrs.get('first_line', 2) + pos} field 'flow': "
            f"{frame['flow'].iloc[pos]!r} is not exports_fob or imports_cif; fix the file."
        )
    year = numbers(frame, "year", source=SOURCE, path=where, integer=True)
    value = numbers(frame, "value_usd_millions", source=SOURCE, path=where)
    estimate = numbers(frame, "imf_estimate", source=SOURCE, path=where, integer=True).fillna(0)
    first_line = int(frame.attrs.get("first_line", 2))
    if problems is not None:
        for pos in year.isna().to_numpy().nonzero()[0][:20]:
            problems.append(
                Problem(where, first_line + int(pos), "required", "year", "is empty; this field is required")
            )
    names = set(frame["reporter"]) | set(frame["partner"])
    if scheme == "iso3":
        iso = dict(zip(sorted(names), to_iso3(sorted(names), "iso3"), strict=True))
    else:
        iso = trade_partner_codes(names)
    rep = frame["reporter"].map(iso)
    par = frame["partner"].map(iso)
    keep = rep.notna() & par.notna() & value.notna() & (rep != par)
    if years:
        first, last = parse_years(years)
        keep &= year.isna() | ((year >= first) & (year <= last))  # a blank year is refused, not dropped
    if reporters is not None:
        keep &= rep.isin(reporters)
    dropped = sorted(n for n, code in iso.items() if code is None)
    exports = frame["flow"] == "exports_fob"
    out = pd.DataFrame(
        {
            "year": year,
            "exporter": rep.where(exports, par),
            "importer": par.where(exports, rep),
            "reporter": frame["flow"].map(lambda f: FLOWS[f][0]),
            "product": "TOTAL",
            "classification": "TOTAL",
            "value_usd": value * 1e6,
            "quantity": float("nan"),
            "valuation": frame["flow"].map(lambda f: FLOWS[f][1]),
            "flag": estimate.map({1.0: "estimate"}),
            LINE: range(first_line, first_line + len(frame)),
            FILE: where,
        }
    )[keep.to_numpy()].reset_index(drop=True)
    # Rows repeated in the extract (the same cell in two workbooks) are exact duplicates: the
    # validation layer drops and counts them; the same key with other values refuses the load.
    flags = out.loc[
        out["flag"].notna(), ["year", "exporter", "importer", "reporter", "product", "flag", LINE, FILE]
    ]
    dropped_info = {"names": dropped, "rows": int((~keep).sum())}
    return out.drop(columns="flag"), flags.reset_index(drop=True), dropped_info
