"""`steppe indicators NAME`: trade-integration indicators, peer-region comparison, dependence."""

from __future__ import annotations

import typer

from steppe.cli.output import FORMAT_OPTION, OutputFormat, emit
from steppe.dates import parse_years
from steppe.errors import UsageError

NAMES = ("regional", "members", "partners", "hhi", "intensity", "rca", "complementarity", "grubel-lloyd",
         "compare", "dependence", "regions")  # fmt: skip


def indicators(
    name: str = typer.Argument(
        ...,
        help="regional, members, partners, hhi, intensity, rca, complementarity, grubel-lloyd, "
        "compare (the region against peer regions), dependence (C5 on external powers), regions (list).",
    ),
    region: str = typer.Option(
        "c5",
        "--region",
        "-r",
        help="Declared region (c5, c5_afg, eu27 fixed; asean, eu, mercosur from the KB) or any KB "
        "organisation (eaeu, sco, ...).",
    ),
    years: str = typer.Option(None, "--years", help="Year or range A:B; default every stored year."),
    peers: str = typer.Option(
        "asean,eu,mercosur", "--peers", help="For compare: comma-separated peer regions."
    ),
    dataset: str = typer.Option(
        None,
        "--dataset",
        help="Trade dataset id or source (imf_dots, comtrade, ...); "
        "default the stored one covering most of the years.",
    ),
    view: str = typer.Option("mirror", "--view", help="Trade view: exports, imports, mirror or reconciled."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Trade-integration indicators for a region's members (see docs/indicators.md)."""
    from steppe.cli.kb import warn_gaps
    from steppe.indicators import compute
    from steppe.indicators.dependence import dependence
    from steppe.indicators.regions import catalogue, region_orgs

    if name not in NAMES:
        raise UsageError(f"Unknown indicator '{name}': use one of {', '.join(NAMES)}.")
    span = parse_years(years) if years else None
    if name == "regions":
        rows = catalogue()
        emit(rows, fmt, ["id", "name", "kind", "members", "source", "url"], title="Declared regions")
        return
    names = [region]
    if name == "compare":
        names = [region, *[p.strip() for p in peers.split(",") if p.strip()]]
        frame = compute.compare_regions(names, span, dataset=dataset, view=view)
        cols = ["region", "year", "members", "intra_share", "intensity", "introversion", "dataset_id", "view"]
    elif name == "dependence":
        frame = dependence(span, dataset=dataset, view=view)
        cols = list(frame.columns)
    else:
        frame = compute.indicator(name, region, span, dataset=dataset, view=view)
        cols = list(frame.columns)
    emit(compute.records(frame), fmt, cols, title=f"{name} ({region})", empty="No rows for that selection.")
    if name != "dependence":
        warn_gaps(sorted({org for n in names for org in region_orgs(n)}))
