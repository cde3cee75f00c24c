"""`steppe gravity ...`: run declared gravity specs and their GE counterfactuals."""

from __future__ import annotations

import typer

from steppe.cli.output import FORMAT_OPTION, OutputFormat, console, emit, emit_json

app = typer.Typer(
    help="Structural gravity: PPML/OLS estimates and GE counterfactuals from declared specs.",
    no_args_is_help=True,
)

MIRROR_OPTION = typer.Option(
    None,
    "--mirror",
    help="First fetch the spec's Guide file from this folder (e.g. ../shared/data); default STEPPE_MIRROR.",
)


def _fetch_guide_file(spec: object, mirror: str | None) -> None:
    """A spec on one of the Guide's files: fetch it into the store first ('steppe fetch yotov2016')
    when a mirror is named here or in STEPPE_MIRROR; the same file again adds nothing."""
    from steppe.config import settings
    from steppe.gravity.run import GUIDE_SOURCE
    from steppe.gravity.spec import GravitySpec

    assert isinstance(spec, GravitySpec)
    if spec.data.source != "agtpa" or not spec.data.file or (mirror is None and settings().mirror is None):
        return
    from steppe.sources import fetch

    fetch(GUIDE_SOURCE, mirror=mirror, dataset=spec.data.file)


@app.command()
def examples(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """List the example specs shipped with steppe (the Guide's applications)."""
    from steppe.gravity.spec import examples as shipped

    rows = [
        {
            "name": s.name,
            "estimator": s.model.estimator,
            "counterfactual": bool(s.counterfactual),
            "title": s.title,
        }
        for s in shipped()
    ]
    emit(rows, fmt, ["name", "estimator", "counterfactual", "title"], title="Example gravity specs")


@app.command()
def estimate(
    spec: str = typer.Argument(
        ..., help="Example name (see 'steppe gravity examples') or path to a YAML spec."
    ),
    mirror: str = MIRROR_OPTION,
    store: bool = typer.Option(False, "--store", help="Save the run in the store (read by the report)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Estimate a spec: coefficients, standard errors, observations used and dropped."""
    from steppe.gravity.run import record, run_spec
    from steppe.gravity.spec import load_spec

    declared = load_spec(spec)
    _fetch_guide_file(declared, mirror)
    result = run_spec(declared)
    if store:
        record(result)
    if fmt is OutputFormat.json:
        emit_json(result.to_dict())
        return
    emit(
        result.rows(), fmt, ["term", "estimate", "se", "t", "p"], title=f"{result.name} ({result.estimator})"
    )
    if fmt is OutputFormat.table:
        dropped = ", ".join(f"{k} {v}" for k, v in result.dropped.items() if v)
        console.print(f"Observations used: {result.nobs} of {result.rows_in}; dropped: {dropped or 'none'}.")


@app.command()
def counterfactual(
    spec: str = typer.Argument(
        ..., help="Example name or path to a YAML spec with a 'counterfactual:' section."
    ),
    mirror: str = MIRROR_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Conditional and full-endowment GE effects per country (percent changes)."""
    from steppe.gravity.run import run_counterfactual
    from steppe.gravity.spec import load_spec

    declared = load_spec(spec)
    _fetch_guide_file(declared, mirror)
    _, ge = run_counterfactual(declared)
    rows = ge.rows()
    if fmt is OutputFormat.json:
        emit_json(
            {
                "sigma": ge.sigma,
                "reference_country": ge.reference_country,
                "iterations": ge.iterations,
                "countries": rows,
            }
        )
        return
    emit(
        rows,
        fmt,
        [
            "country",
            "change_exports_conditional",
            "change_exports_full",
            "change_price_full",
            "change_imr_full",
            "change_omr_full",
            "change_real_gdp_full",
        ],
        title="GE effects (% change, counterfactual vs baseline)",
    )
