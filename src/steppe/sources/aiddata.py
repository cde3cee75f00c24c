"""AidData Global Chinese Development Finance (GCDF 3.0) into ``development_finance``.

Datasets:

- ``projects`` (network default): the project-level GCDF 3.0 release, a zip holding the
  workbook ``AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.xlsx`` (sheet
  GCDF_3.0; a CSV export of that sheet is read the same way). Columns used: AidData Record ID,
  Recommended For Aggregates, Recipient, Recipient ISO-3, Commitment Year, Status, Flow Class,
  Sector Name, Amount (Nominal USD), Amount (Constant USD 2021) and their "Adjusted" twins.
  Only rows AidData recommends for aggregates ("Yes") are stored, as AidData advises, so that
  umbrella agreements are not counted twice.
- ``country_year`` (mirror default): recipient x commitment-year x flow-class sums of the same
  release as built by the R package odadata (``aiddata_gcdf3_country_year/data/cow_gcdf.csv``:
  ccode (COW), year, oof_amt, oof_adj, oda_amt, oda_adj, vof_amt, vof_adj; constant 2021 US$).

``measure='amount'`` (default) stores "Amount (Constant USD 2021)", ``'adjusted'`` the
"Adjusted Amount". Flow classes: ODA-like -> 'oda', OOF-like -> 'oof', Vague (Official
Finance) -> 'vague'. Recipients through :func:`steppe.codes.to_iso3`; regional rows
("Africa, regional") are dropped and counted.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from steppe.codes import to_iso3
from steppe.errors import DataError, MissingDependencyError, UsageError
from steppe.sources.connector import FetchContext, Payload, content_hash, numbers, read_csv_text
from steppe.sources.validation import FILE, LINE, Problem, SourceSchema

SOURCE = "aiddata"
DATASETS = ("country_year", "projects")

COUNTRY_YEAR_FILE = "aiddata_gcdf3_country_year/data/cow_gcdf.csv"
COUNTRY_YEAR_COLUMNS = ("ccode", "year", "oof_amt", "oof_adj", "oda_amt", "oda_adj", "vof_amt", "vof_adj")
PROJECTS_FILE = "aiddata_gcdf3/AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip"
PROJECTS_URL = "https://docs.aiddata.org/ad4/datasets/AidDatas_Global_Chinese_Development_Finance_Dataset_Version_3_0.zip"
EDITION = "3.0"
CLASSES = {"oda": "oda", "oof": "oof", "vof": "vague"}
PROJECT_COLUMNS = (
    "AidData Record ID",
    "Recommended For Aggregates",
    "Recipient",
    "Recipient ISO-3",
    "Commitment Year",
    "Status",
    "Flow Class",
    "Sector Name",
)
HOSTS = ("docs.aiddata.org", "www.aiddata.org", "aiddata.org")
#: GCDF 3.0 records commitments from 2000 to 2021 (the span of the release and of its
#: country-year aggregates); amounts are not negative.
SCHEMA = SourceSchema(source=SOURCE, years=(2000, 2021))

MEASURES = {
    "amount": ("Amount (Nominal USD)", "Amount (Constant USD 2021)"),
    "adjusted": ("Adjusted Amount (Nominal USD)", "Adjusted Amount (Constant USD 2021)"),
}


def read(
    ctx: FetchContext,
    *,
    dataset: str | None = None,
    measure: str = "amount",
    years: str | None = None,
) -> Payload:
    """Read GCDF 3.0 (``dataset`` default: country_year from a mirror, projects from the network)."""
    if measure not in MEASURES:
        raise UsageError(f"Unknown aiddata measure '{measure}'; use amount or adjusted.")
    dataset = dataset or ("country_year" if ctx.offline else "projects")
    if dataset == "country_year":
        payload = _country_year(ctx, measure)
    elif dataset == "projects":
        payload = _projects(ctx, measure)
    else:
        raise UsageError(f"Unknown aiddata dataset '{dataset}'; use one of: {', '.join(DATASETS)}.")
    if years:
        from steppe.dates import parse_years

        first, last = parse_years(years)
        frame = payload.frames["development_finance"]
        payload.frames["development_finance"] = frame[frame["year"].between(first, last)].reset_index(
            drop=True
        )
    return payload


def _country_year(ctx: FetchContext, measure: str) -> Payload:
    path = ctx.obtain(COUNTRY_YEAR_FILE)
    problems: list[Problem] = []
    frame = read_csv_text(path, source=SOURCE, required=COUNTRY_YEAR_COLUMNS, problems=problems)
    first_line = frame.attrs["first_line"]
    ccode = numbers(frame, "ccode", source=SOURCE, integer=True)
    year = numbers(frame, "year", source=SOURCE, integer=True)
    codes = sorted(set(ccode.dropna().astype(int)))
    iso = dict(zip(codes, to_iso3([str(c) for c in codes], "cow"), strict=True))
    recipient = ccode.map(lambda c: iso.get(int(c)) if c == c else None)
    suffix = "_amt" if measure == "amount" else "_adj"
    parts = []
    for prefix, flow_class in CLASSES.items():
        parts.append(
            pd.DataFrame(
                {
                    "recipient": recipient,
                    "year": year,
                    "flow_class": flow_class,
                    "amount_usd": float("nan"),
                    "amount_usd_constant": numbers(frame, prefix + suffix, source=SOURCE),
                    "project_id": None,
                    "sector": None,
                    "status": None,
                    LINE: range(first_line, first_line + len(frame)),
                    FILE: str(path),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    unmatched = sorted({int(c) for c, i in iso.items() if i is None})
    out = out[out["recipient"].notna()].reset_index(drop=True)
    return Payload(
        dataset="country_year",
        edition=EDITION,
        content_hash=content_hash([path]),
        frames={"development_finance": out},
        params={
            "file": COUNTRY_YEAR_FILE,
            "measure": MEASURES[measure][1],
            "currency": "constant 2021 US$ (amount_usd_constant); nominal not in the file",
            "aggregation": "odadata clean_gcdf_data.R: Recommended For Aggregates == Yes, summed by "
            "recipient x commitment year x flow class",
            "unmatched_cow_codes": unmatched,
        },
        problems=problems,
    )


def _projects(ctx: FetchContext, measure: str) -> Payload:
    path = ctx.obtain(PROJECTS_FILE, None if ctx.base_url else PROJECTS_URL)
    frame, where = _project_table(ctx, path)
    nominal_col, constant_col = MEASURES[measure]
    missing = [c for c in (*PROJECT_COLUMNS, nominal_col, constant_col) if c not in frame.columns]
    if missing:
        raise DataError(
            f"{SOURCE}: {where} line 1 has a wrong header: missing column(s) "
            f"{', '.join(repr(c) for c in missing)}; is this the GCDF 3.0 project table?"
        )
    first_line = int(frame.attrs.get("first_line", 2))
    recommended = frame["Recommended For Aggregates"].str.strip().str.casefold() == "yes"
    year = numbers(frame, "Commitment Year", source=SOURCE, path=where, integer=True)
    nominal = numbers(frame, nominal_col, source=SOURCE, path=where)
    constant = numbers(frame, constant_col, source=SOURCE, path=where)
    flow = frame["Flow Class"].str.strip().str.casefold().map(_flow_class)
    bad = flow.isna() & recommended
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{SOURCE}: {where} line {frame.attrs['first_line'] + pos} field 'Flow Class': "
            f"{frame['Flow Class'].iloc[pos]!r} is not ODA-like, OOF-like or Vague; fix the file."
        )
    iso_given = frame["Recipient ISO-3"].str.strip().str.upper()
    uniq = sorted(set(iso_given))
    by_code = dict(zip(uniq, to_iso3(uniq, "iso3"), strict=True))
    names = sorted(set(frame["Recipient"]))
    by_name = dict(zip(names, to_iso3(names, "name"), strict=True))
    recipient = iso_given.map(by_code).fillna(frame["Recipient"].map(by_name))
    keep = recommended & recipient.notna() & year.notna()
    out = pd.DataFrame(
        {
            "recipient": recipient,
            "year": year,
            "flow_class": flow,
            "amount_usd": nominal,
            "amount_usd_constant": constant,
            "project_id": frame["AidData Record ID"].str.strip(),
            "sector": frame["Sector Name"].str.strip().replace("", None),
            "status": frame["Status"].str.strip().replace("", None),
            LINE: range(first_line, first_line + len(frame)),
            FILE: where,
        }
    )[keep.to_numpy()]
    dropped = sorted(set(frame.loc[(recommended & recipient.isna()).to_numpy(), "Recipient"]))
    return Payload(
        dataset="projects",
        edition=EDITION,
        content_hash=content_hash([path]),
        frames={"development_finance": out.reset_index(drop=True)},
        params={
            "file": PROJECTS_FILE,
            "measure": f"{nominal_col} / {constant_col}",
            "filter": "Recommended For Aggregates == Yes",
            "rows_not_recommended": int((~recommended).sum()),
            "dropped_recipients": dropped,
        },
    )


def _flow_class(text: str) -> str | None:
    for prefix, flow_class in (("oda", "oda"), ("oof", "oof"), ("vague", "vague")):
        if text.startswith(prefix):
            return flow_class
    return None


def _project_table(ctx: FetchContext, path: Path) -> tuple[pd.DataFrame, str]:
    """The GCDF sheet as text columns, from a zip (xlsx or csv inside), an xlsx or a csv."""
    if path.suffix.lower() == ".csv":
        frame = read_csv_text(path, source=SOURCE, required=PROJECT_COLUMNS[:1])
        return frame, str(path)
    member_path = path
    where = str(path)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith((".xlsx", ".csv"))]
                if not names:
                    raise DataError(f"{SOURCE}: {path} holds no .xlsx or .csv table; re-download it.")
                member = sorted(names, key=lambda n: (not n.lower().endswith(".xlsx"), n))[0]
                member_path = ctx.work_dir() / Path(member).name
                with archive.open(member) as src, member_path.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)  # streamed: never the whole member in memory
                where = f"{path}!{member}"
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error, OSError) as exc:
            raise DataError(
                f"{SOURCE}: {path} is not a complete zip file ({exc}); delete it and fetch again."
            ) from None
        if member_path.suffix.lower() == ".csv":
            frame = read_csv_text(member_path, source=SOURCE, required=PROJECT_COLUMNS[:1])
            frame.attrs["path"] = where
            return frame, where
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise MissingDependencyError("openpyxl", "sources") from None
    try:
        frame = pd.read_excel(member_path, sheet_name=0, dtype=str, keep_default_na=False)
    except (ValueError, zipfile.BadZipFile, KeyError) as exc:
        raise DataError(
            f"{SOURCE}: {where} is not a readable xlsx workbook ({exc}); re-download it."
        ) from None
    frame.attrs["first_line"] = 2
    frame.attrs["path"] = where
    return frame, where
