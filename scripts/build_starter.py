"""Build the starter snapshot (src/steppe/starter/data) through steppe's own connectors.

    .venv/bin/python scripts/build_starter.py --mirror ../shared/data

Fetches each source below from a mirror of the sources' downloads (any folder laid out as
docs/sources.md says, e.g. ../shared/data) into a temporary store with ``steppe.sources.fetch``,
so every row passes the same validation as a user's fetch; then writes each dataset's fact
rows as Parquet (zstd), a manifest.json (provenance rows: source, dataset, edition, content
hash, options, files read, retrieval time, licence) and a PROVENANCE.md for people. Nothing is
typed in by hand; run it again to rebuild the snapshot from a newer mirror.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

#: What the snapshot holds: (source, connector options, the licence and attribution of the data,
#: read from the mirror's PROVENANCE.md files and the publishers' terms they name).
SOURCES: list[tuple[str, dict[str, Any], str]] = [
    (
        "imf_dots",
        {},
        "IMF Direction of Trade Statistics (DOTS), exports FOB and imports CIF, US$; IMF terms of use: "
        "free reuse with attribution (Source: International Monetary Fund, Direction of Trade "
        "Statistics). Mirror copy: repository SamLeBlanc/Direction-of-Trade-Map (MIT), vintage early 2022.",
    ),
    (
        "wdi",
        {},
        "World Bank, World Development Indicators: personal remittances received (BX.TRF.PWKR.CD.DT) "
        "and FDI net inflows (BX.KLT.DINV.CD.WD), current US$; licence CC BY 4.0 (attribution: The "
        "World Bank, World Development Indicators).",
    ),
    (
        "wdi",
        {"dataset": "gdp"},
        "World Bank, World Development Indicators NY.GDP.MKTP.CD (GDP, current US$) as the datahub.io "
        "core dataset 'gdp'; licence ODC-PDDL-1.0 (public domain dedication).",
    ),
    (
        "aiddata",
        {},
        "AidData, Global Chinese Development Finance Dataset, Version 3.0 (Custer et al. 2023), "
        "recipient-year aggregates; licence ODC-By 1.0 (attribution required: AidData at William & Mary).",
    ),
]


def relative(location: str, mirror: Path) -> str:
    """File paths of a provenance location relative to the mirror (its layout, not this machine)."""
    root = str(mirror.resolve()) + "/"
    return "; ".join(p.strip().replace(root, "") for p in location.split(";"))


def build(mirror: Path, out: Path) -> dict[str, Any]:
    from steppe import __version__
    from steppe.kb.sync import ensure_kb
    from steppe.sources import fetch
    from steppe.store import data as store_data
    from steppe.store import open_store

    scratch = Path(tempfile.mkdtemp(prefix="steppe-starter-"))
    staging = scratch / "data"
    staging.mkdir()
    store = open_store(scratch / "build.duckdb")
    try:
        ensure_kb(store)  # the connectors check codes against the KB's countries
        datasets = []
        for source, options, licence in SOURCES:
            result = fetch(source, store=store, mirror=mirror, **options)
            info = store_data.dataset_info(store, result.dataset_id)
            stem = result.dataset_id.replace(":", "__")
            files = store_data.export_parquet(store, result.dataset_id, staging, stem)
            params = info["params"]
            if not isinstance(params, dict):
                params = json.loads(params or "{}")
            datasets.append(
                {
                    "dataset_id": result.dataset_id,
                    "source": info["source"],
                    "dataset": info["dataset"],
                    "edition": info["edition"],
                    "content_hash": info["content_hash"],
                    "location": relative(str(info["location"]), mirror),
                    "retrieved_at": str(info["retrieved_at"]),
                    "rows": int(info["rows"]),
                    "params": {k: v for k, v in params.items() if k != "validation"},
                    "files": files,
                    "licence": licence,
                }
            )
            print(f"{result.dataset_id}: {info['rows']:,} rows -> {', '.join(files.values())}")
    finally:
        store.close()
    manifest = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "built_by": "scripts/build_starter.py",
        "steppe_version": __version__,
        "datasets": datasets,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (staging / "PROVENANCE.md").write_text(provenance(manifest, staging), "utf-8")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(staging, out)
    shutil.rmtree(scratch)
    return manifest


def provenance(manifest: dict[str, Any], folder: Path) -> str:
    lines = [
        "# The starter snapshot: provenance",
        "",
        f"Built {manifest['built_at']} by `{manifest['built_by']}` (steppe {manifest['steppe_version']})",
        "through steppe's own connectors (`steppe.sources.fetch`, the same validation as any fetch)",
        "from a mirror of the sources' public downloads. Rebuild: `python scripts/build_starter.py",
        "--mirror DIR`. A new store loads these datasets with editions `starter-<edition>`;",
        "`steppe fetch SOURCE` replaces them (README, 'First run').",
        "",
        "| dataset id | rows | edition | read from (mirror layout) | files | size |",
        "|---|---|---|---|---|---|",
    ]
    for d in manifest["datasets"]:
        size = sum((folder / f).stat().st_size for f in d["files"].values())
        lines.append(
            f"| `{d['dataset_id']}` | {d['rows']:,} | {d['edition']} | {d['location']} | "
            f"{', '.join(d['files'].values())} | {size / 1024:,.0f} KiB |"
        )
    lines += ["", "## Licences and attribution", ""]
    for d in manifest["datasets"]:
        lines.append(f"- `{d['dataset_id']}`: {d['licence']}")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "steppe" / "starter" / "data")
    args = parser.parse_args(argv)
    if not args.mirror.is_dir():
        print(f"No mirror folder at {args.mirror}; pass --mirror DIR.", file=sys.stderr)
        return 2
    build(args.mirror, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
