"""`steppe gravity ...`: run declared gravity specs and their GE counterfactuals."""

from __future__ import annotations

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, emit_json

app = typer.Typer(
    help="Structural gravity: PPML/OLS estimates and GE counterfactuals from declared specs.",
    no_args_is_help=True,
)

MIRROR_OPTION = typer.Option(
    None,
    "--mirror",
    help="First fetch the spec's Guide file from this folder (e.g. ../shared/data); default STEPPE_MIRROR.",
)


@app.command()
def examples(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """List the example specs shipped with steppe (the Guide's applications)."""
    from steppe.cli.session import session
    from steppe.session.frames import records as rows_of

    rows = rows_of(session().gravity.examples())
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
    from steppe.cli.session import session

    result = session(mirror).gravity.estimate(spec, save=store)
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
    """Conditional and full-endowment GE effects per country (percent changes).

    The result is stored with the estimation run it used; the web app's gravity page shows the
    latest of each spec.
    """
    from steppe.cli.output import warn
    from steppe.cli.session import session

    result, ge = session(mirror).gravity.counterfactual(spec)
    if ge.counterfactual_id is not None:
        warn(
            f"Stored counterfactual {ge.counterfactual_id} of '{result.name}' with its estimation run "
            f"{ge.run_id} ('steppe serve' shows it on the gravity page)."
        )
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
