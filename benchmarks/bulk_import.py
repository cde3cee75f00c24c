"""Bulk import of a BACI-layout release: steppe's streaming import against pandas.read_csv + insert.

    python benchmarks/bulk_import.py --rows 10000000

Generates a synthetic BACI zip in a scratch folder (``BACI_HS92_V999901.zip``: yearly
``BACI_HS92_Y<year>_V999901.csv`` files with the real columns t,i,j,k,v,q and the real
``country_codes`` file layout; each (exporter, importer, product) once per year as in a real
release, values and quantities random, made for this benchmark only), then

- steppe: ``steppe.sources.fetch("baci", mirror=...)`` into a fresh store (DuckDB streams each
  CSV from the zip in parallel chunks inside one transaction, checking the validation rules
  as it goes, then one grouped pass for duplicate keys);
- baseline ``pandas.read_csv+insert``: for each yearly CSV in the zip, ``pandas.read_csv``,
  the same transformations (codes to ISO3, k padded to 6 digits, v x 1000, q 'NA' -> null)
  and ``Store.insert_frame`` into a fresh store.

Both run in this process, steppe first, so ``peak_rss_mib`` (the process peak after the steppe
import) is steppe's own; the baseline's peak is printed beside it. The generator runs in a
child process so that it does not count. Last line: the JSON object the project's benchmarks
print, plus rows and rows/s for both.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from cli_args import positive_int

VERSION = "V999901"
#: BACI numeric codes and ISO3 of a set of real economies (BACI uses ISO numeric codes, with
#: 842 for the USA, 251 France, 699 India, 757 Switzerland, 579 Norway).
COUNTRIES = [
    (4, "Afghanistan", "AF", "AFG"),
    (36, "Australia", "AU", "AUS"),
    (76, "Brazil", "BR", "BRA"),
    (124, "Canada", "CA", "CAN"),
    (156, "China", "CN", "CHN"),
    (251, "France", "FR", "FRA"),
    (276, "Germany", "DE", "DEU"),
    (364, "Iran", "IR", "IRN"),
    (392, "Japan", "JP", "JPN"),
    (398, "Kazakhstan", "KZ", "KAZ"),
    (410, "Rep. of Korea", "KR", "KOR"),
    (417, "Kyrgyzstan", "KG", "KGZ"),
    (490, "Other Asia, nes", "", "S19"),
    (579, "Norway", "NO", "NOR"),
    (586, "Pakistan", "PK", "PAK"),
    (643, "Russian Federation", "RU", "RUS"),
    (699, "India", "IN", "IND"),
    (757, "Switzerland", "CH", "CHE"),
    (762, "Tajikistan", "TJ", "TJK"),
    (792, "Turkey", "TR", "TUR"),
    (795, "Turkmenistan", "TM", "TKM"),
    (826, "United Kingdom", "GB", "GBR"),
    (842, "USA", "US", "USA"),
    (860, "Uzbekistan", "UZ", "UZB"),
]


def generate(folder: Path, rows: int, years: int = 4, seed: int = 7) -> Path:
    """Write the synthetic BACI zip with ``rows`` data rows over ``years`` yearly files."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    codes = ", ".join(str(c[0]) for c in COUNTRIES)
    width = len(COUNTRIES)
    # Each row r of a year is a distinct (exporter, importer, product), as in a real release
    # (steppe refuses a key given twice with different values): the pair from r modulo width^2,
    # the product from r divided by width^2.
    exporter = f"list_extract([{codes}], 1 + (range // {width}) % {width})"
    importer = f"list_extract([{codes}], 1 + range % {width})"
    product = f"(10000 + range // {width * width})::VARCHAR"
    quantity = "CASE WHEN random() < 0.1 THEN '         NA' ELSE round(random() * 900, 3)::VARCHAR END"
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed / 100})")
    per_year = [rows // years + (1 if y < rows % years else 0) for y in range(years)]
    archive = folder / "baci" / f"BACI_HS92_{VERSION}.zip"
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        country_csv = folder / f"country_codes_{VERSION}.csv"
        with country_csv.open("w") as fh:
            fh.write("country_code,country_name,country_iso2,country_iso3\n")
            for code, name, iso2, iso3 in COUNTRIES:
                fh.write(f'{code},"{name}",{iso2},{iso3}\n')
        zf.write(country_csv, country_csv.name)
        for offset, n in enumerate(per_year):
            year = 2019 + offset
            member = folder / f"BACI_HS92_Y{year}_{VERSION}.csv"
            con.execute(
                f"""COPY (
                    SELECT {year} AS t,
                           {exporter} AS i,
                           {importer} AS j,
                           {product} AS k,
                           round(random() * 5000, 3) AS v,
                           {quantity} AS q
                    FROM range({n})
                ) TO '{member}' (HEADER, DELIMITER ',', QUOTE '')"""
            )
            zf.write(member, member.name)
            member.unlink()
        country_csv.unlink()
    con.close()
    return archive


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_steppe(mirror: Path, db: Path) -> tuple[float, int]:
    from steppe.sources import fetch
    from steppe.store import open_store

    store = open_store(db)
    start = time.perf_counter()
    result = fetch("baci", store=store, mirror=mirror, dataset="HS92")
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, result.rows


def run_baseline(archive: Path, db: Path) -> tuple[float, int]:
    """The plain way: pandas.read_csv each yearly CSV, transform in pandas, insert."""
    import pandas as pd

    from steppe.store import open_store

    store = open_store(db)
    start = time.perf_counter()
    total = 0
    with zipfile.ZipFile(archive) as zf:
        codes = pd.read_csv(zf.open(f"country_codes_{VERSION}.csv"), dtype={"country_iso3": str})
        iso = dict(zip(codes["country_code"], codes["country_iso3"], strict=True))
        iso.pop(490)  # "Other Asia, nes" is not a country (steppe leaves it out too)
        with store.transaction():
            for name in sorted(n for n in zf.namelist() if n.startswith("BACI_")):
                frame = pd.read_csv(zf.open(name), dtype={"k": str, "q": str})
                out = pd.DataFrame(
                    {
                        "dataset_id": "baseline",
                        "year": frame["t"],
                        "exporter": frame["i"].map(iso),
                        "importer": frame["j"].map(iso),
                        "reporter": "reconciled",
                        "product": frame["k"].str.strip().str.zfill(6),
                        "classification": "HS92",
                        "value_usd": frame["v"] * 1000,
                        "quantity": pd.to_numeric(frame["q"].str.strip().replace("NA", None)),
                        "valuation": "fob",
                    }
                ).dropna(subset=["exporter", "importer"])
                total += store.insert_frame("trade_flows", out)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=positive_int, default=10_000_000, help="data rows (default 10 million)"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temp folder)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="steppe-bench-", dir=args.workdir))
    try:
        t0 = time.perf_counter()
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            archive = pool.apply(generate, (work / "mirror", args.rows))
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f}s: {archive}", file=sys.stderr)

        steppe_s, steppe_rows = run_steppe(work / "mirror", work / "steppe.duckdb")
        steppe_peak = peak_rss_mib()
        print(f"steppe: {steppe_rows:,} rows in {steppe_s:.2f}s, peak {steppe_peak:.0f} MiB", file=sys.stderr)
        baseline_s, baseline_rows = run_baseline(archive, work / "baseline.duckdb")
        baseline_peak = peak_rss_mib()
        print(f"baseline: {baseline_rows:,} rows in {baseline_s:.2f}s", file=sys.stderr)
        if steppe_rows != baseline_rows:
            raise SystemExit(f"row counts differ: steppe {steppe_rows}, baseline {baseline_rows}")
        print(
            json.dumps(
                {
                    "benchmark": "bulk_import",
                    "size": args.rows,
                    "steppe_s": round(steppe_s, 3),
                    "baseline": "pandas.read_csv+insert",
                    "baseline_s": round(baseline_s, 3),
                    "ratio": round(baseline_s / steppe_s, 3),
                    "peak_rss_mib": round(steppe_peak, 1),
                    "baseline_peak_rss_mib": round(baseline_peak, 1),
                    "rows": steppe_rows,
                    "steppe_rows_per_s": round(steppe_rows / steppe_s),
                    "baseline_rows_per_s": round(baseline_rows / baseline_s),
                }
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
