"""`steppe report ...`: self-contained HTML reports (optionally PDF)."""

from __future__ import annotations

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit_json

app = typer.Typer(help="Build self-contained reports.", no_args_is_help=True)


@app.command("central-asia")
def central_asia(
    out: str = typer.Option("report.html", "--out", "-o", help="HTML file to write."),
    pdf: bool = typer.Option(False, "--pdf", help="Also print a PDF beside it (needs Chromium)."),
    years: str = typer.Option(
        None, "--years", help="Years of every time series and of the events, e.g. 2005:2024."
    ),
    countries: str = typer.Option(
        None, "--countries", help="C5 states drawn one by one, e.g. KAZ,UZB (the C5 total stays)."
    ),
    sections: str = typer.Option(
        None,
        "--sections",
        help="Sections to include, e.g. trade,dependence (membership, events, trade, dependence, index, "
        "frameworks, gravity); the summary and the appendix are always included.",
    ),
    draws: int = typer.Option(
        200, "--draws", min=1, help="Monte Carlo draws for the index's uncertainty bands."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed of the Monte Carlo (0 or more)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """The Central Asia report: key numbers, memberships, events, trade, dependence, index, sources."""
    from steppe.cli.session import session

    info = session().report(out, draws=draws, seed=seed, pdf=pdf, years=years, countries=countries,
                            sections=sections)  # fmt: skip
    if fmt is not OutputFormat.table:
        emit_json(info.as_dict())
        return
    console.print(f"Wrote {info.path}" + (f" and {info.pdf}" if info.pdf else "") + ".")
    for section, commands in info.missing.items():
        for command in dict.fromkeys(commands):
            console.print(f"  {section}: data missing; fill it with: {command}")
