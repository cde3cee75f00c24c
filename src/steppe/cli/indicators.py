"""`steppe indicators NAME`: trade-integration indicators, peer-region comparison, dependence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, emit
from steppe.errors import UsageError

if TYPE_CHECKING:
    from steppe.indicators.views import View

NAMES = ("regional", "members", "partners", "hhi", "intensity", "discrepancy", "flows", "rca",
         "complementarity", "grubel-lloyd", "compare", "dependence", "regions")  # fmt: skip

#: Columns that hold fractions (0-1) in JSON and CSV; tables print them in percent.
SHARE_COLUMNS = frozenset(
    {
        "intra_share",
        "world_share",
        "share",
        "export_share",
        "import_share",
        "powers_share",
        "remittances_share_gdp",
    }
)


def _is_share(column: str) -> bool:
    return column in SHARE_COLUMNS or (column.startswith("share_") and column != "share_unit")


def percent_rows(rows: list[dict[str, Any]], columns: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows for a table: fractions shown in percent under a header that says so."""
    shares = [c for c in columns if _is_share(c)]
    if not shares:
        return rows, columns
    out = []
    for row in rows:
        row = dict(row)
        for c in shares:
            v = row.pop(c, None)
            row[f"{c} (%)"] = None if v is None else f"{100 * v:.2f}"
        out.append(row)
    return out, [f"{c} (%)" if _is_share(c) else c for c in columns if c not in ("share_unit",)]


def indicators(
    name: str = typer.Argument(
        ...,
        help="regional, members, partners, hhi, intensity, discrepancy (mirror gaps), flows (the "
        "matrix with origins), rca, complementarity, grubel-lloyd, compare (the region against "
        "peer regions on one dataset), dependence (on external powers), regions (list).",
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
        help="Trade dataset id or source (imf_dots, comtrade, ...); default the stored one covering "
        "most of the years (for compare: a world matrix).",
    ),
    view: str = typer.Option(
        "reported",
        "--view",
        help="Trade view: reported (each country's own reports, the default), exports, imports, "
        "mirror or reconciled (non-reporters filled from partners' import reports).",
    ),
    fill_from: str = typer.Option(
        None,
        "--fill-from",
        help="For --view reconciled: comma-separated datasets whose partner import reports fill "
        "non-reporters; default every other stored dataset with importers' reports.",
    ),
    cif_fob: float = typer.Option(
        None, "--cif-fob", help="For --view reconciled: CIF/FOB factor (default 1.06, the IMF's)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Trade-integration indicators for a region's members (see docs/indicators.md).

    JSON and CSV give shares as fractions (``share_unit``); tables print them in percent.
    """
    from steppe.cli.kb_lookup import warn_gaps
    from steppe.cli.session import session
    from steppe.indicators.regions import region_orgs
    from steppe.session.frames import records as rows_of

    if name not in NAMES:
        raise UsageError(f"Unknown indicator '{name}': use one of {', '.join(NAMES)}.")
    api = session().indicators
    if name == "regions":
        emit(rows_of(api.regions()), fmt, ["id", "name", "kind", "members", "source", "url"],
             title="Declared regions")  # fmt: skip
        return
    names = [region]
    fills = [f.strip() for f in fill_from.split(",") if f.strip()] if fill_from else None
    options: dict[str, Any] = {"dataset": dataset, "view": view, "fill_from": fills, "cif_fob": cif_fob}
    if name == "compare":
        names = [region, *[p.strip() for p in peers.split(",") if p.strip()]]
        frame = api.compare(names, years, **options)
        cols = ["region", "year", "members", "intra_share", "intensity", "introversion", "denominator",
                "dataset_id", "view", "basis", "reason"]  # fmt: skip
    elif name == "dependence":
        frame = api.dependence(years, dataset=dataset, view=cast("View", view), region=region)
        cols = list(frame.columns)
    else:
        frame = api.compute(name, region, years, **options)
        cols = list(frame.columns)
    rows = rows_of(frame)
    if fmt is OutputFormat.table:
        rows, cols = percent_rows(rows, cols)
    emit(rows, fmt, cols, title=f"{name} ({region})", empty="No rows for that selection.")
    warn_gaps(sorted({org for n in names for org in region_orgs(n, store=session().store)}))
