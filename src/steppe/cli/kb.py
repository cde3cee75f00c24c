"""`steppe kb ...`: knowledge-base queries and validation."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from steppe.cli.output import FORMAT_OPTION, OutputFormat, console, emit, emit_json
from steppe.kb import queries
from steppe.kb.validate import validate_kb

app = typer.Typer(
    help="Query and validate the knowledge base of organisations and memberships.",
    no_args_is_help=True,
)


@app.command()
def members(
    org: str = typer.Argument(..., help="Organisation slug, name or alias (e.g. sco, EEU)."),
    as_of: str = typer.Option(None, "--as-of", help="ISO date; default today."),
    role: list[str] = typer.Option(
        None, "--role", help="Role to include (repeatable); default founding_member and member."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Countries holding a role in an organisation as of a date."""
    rows = queries.members(org, as_of, role)
    emit(
        rows,
        fmt,
        ["country", "role", "start", "end", "sources"],
        title=f"{org} members",
        empty="No country holds that role on that date.",
    )


@app.command()
def memberships(
    country: str = typer.Argument(..., help="ISO3 code or country name (e.g. KAZ, Kazakhstan)."),
    as_of: str = typer.Option(None, "--as-of", help="ISO date; default today."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every organisation a country belongs to (any role) as of a date."""
    rows = queries.memberships(country, as_of)
    emit(
        rows,
        fmt,
        ["org", "org_name", "role", "start", "end", "sources"],
        title=f"{country} memberships",
    )


@app.command()
def overlap(
    as_of: str = typer.Option(None, "--as-of", help="ISO date; default today."),
    countries: str = typer.Option(
        None, "--countries", help="Comma-separated ISO3 codes or names; default the C5."
    ),
    orgs: str = typer.Option(None, "--orgs", help="Comma-separated organisations; default all with a role."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Country × organisation matrix of the roles held as of a date."""
    result = queries.overlap(
        as_of,
        [c.strip() for c in countries.split(",") if c.strip()] if countries else None,
        [o.strip() for o in orgs.split(",") if o.strip()] if orgs else None,
    )
    if fmt is OutputFormat.json:
        emit_json(result.as_dict())
        return
    rows = [
        {"country": c, **{o: result.cell(c, o) or "" for o in result.organisations}} for c in result.countries
    ]
    if fmt is OutputFormat.csv:
        emit(rows, fmt, ["country", *result.organisations])
        return
    table = Table(title=f"Memberships as of {result.as_of.isoformat()}")
    table.add_column("country")
    for o in result.organisations:
        table.add_column(o)
    for row in rows:
        table.add_row(row["country"], *(row[o].replace("_", " ") for o in result.organisations))
    console.print(table)


@app.command()
def timeline(
    org: str = typer.Option(None, "--org", help="Organisation slug, name or alias."),
    country: str = typer.Option(None, "--country", help="ISO3 code or country name."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every membership period of one organisation or one country."""
    rows = queries.timeline(org, country)
    emit(rows, fmt, ["start", "end", "org", "country", "role", "confidence", "sources"])


@app.command()
def events(
    start: str = typer.Option(None, "--from", help="Earliest start date (ISO)."),
    end: str = typer.Option(None, "--to", help="Latest start date (ISO)."),
    type_: list[str] = typer.Option(None, "--type", help="Event type (repeatable)."),
    country: str = typer.Option(None, "--country", help="A participant (ISO3 or name)."),
    org: str = typer.Option(None, "--org", help="An organisation involved."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Summits, treaties, accessions and other dated events."""
    rows = queries.events(start, end, type_, country, org)
    emit(
        rows,
        fmt,
        ["start", "end", "type", "title", "place", "participants", "orgs", "sources"],
        empty="No event matches.",
    )


@app.command()
def sources(
    source_id: str = typer.Argument(None, help="Show one source by id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """The sources every fact cites."""
    rows = queries.sources(source_id)
    emit(rows, fmt, ["id", "kind", "title", "publisher", "date", "url"])


@app.command()
def orgs(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Every organisation and format, with slug, aliases and dates."""
    emit(queries.organisations(), fmt, ["slug", "name", "kind", "founded", "dissolved", "aliases"])


@app.command()
def countries(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Every country and actor, with ISO3 code and aliases."""
    emit(queries.countries(), fmt, ["iso3", "name", "kind", "region", "aliases"])


@app.command()
def validate(
    path: Path = typer.Argument(None, help="A KB folder; default the KB in use (bundled or STEPPE_KB)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Check KB files against their schema; list every problem by file, line and field."""
    report = validate_kb(path)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "kb_dir": str(report.kb_dir),
                "valid": report.valid,
                "counts": report.counts,
                "problems": [p.as_dict() for p in report.problems],
            }
        )
    elif fmt is OutputFormat.csv:
        emit([p.as_dict() for p in report.problems], fmt, ["file", "line", "field", "message"])
    elif report.valid:
        summary = ", ".join(f"{n} {name}" for name, n in report.counts.items())
        console.print(f"KB valid: {report.kb_dir} ({summary}).")
    else:
        for p in report.problems:
            console.print(str(p), markup=False, highlight=False)
        console.print(f"{len(report.problems)} problem(s) in {report.kb_dir}.", markup=False)
    if not report.valid:
        raise typer.Exit(1)


@app.command()
def delegation(
    years: str = typer.Option(..., "--years", help="Year or range A:B, e.g. 2000:2024."),
    orgs: str = typer.Option(None, "--orgs", help="Comma-separated organisations; default every format."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Per year: formats active for the C5 and the share initiated by an external actor."""
    rows = queries.delegation(years, [o.strip() for o in orgs.split(",") if o.strip()] if orgs else None)
    columns = ["year", "active", "external", "c5_initiated", "unknown", "share_external"]
    if fmt is OutputFormat.json:
        emit(rows, fmt)
    else:
        emit(rows, fmt, columns if fmt is OutputFormat.table else [*columns, "external_formats"])


@app.command()
def contested(
    subject: str = typer.Argument(
        None, help="Filter: a subject prefix (org:eaeu, cow_igo:SCO) or an organisation."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Facts on which sources disagree: both claims, their sources, what the KB adopts and why."""
    rows = queries.contested(subject)
    emit(
        rows,
        fmt,
        ["id", "subject", "claim", "claim_sources", "adopted", "adopted_sources", "reason"],
        empty="No contested fact matches.",
    )


@app.command()
def stats(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Coverage: rows per table, share of rows per confidence flag, unsourced rows."""
    result = queries.stats()
    if fmt is OutputFormat.json:
        emit_json(result)
        return
    rows = [
        {
            "table": name,
            "rows": n,
            **{lvl: result["confidence"].get(name, {}).get(lvl, "") for lvl in ("high", "medium", "low")},
            "unsourced": result["unsourced"].get(name, 0),
        }
        for name, n in result["counts"].items()
    ]
    share = result["confidence_share"]
    rows.append({"table": "share of fact rows", "rows": "", **share, "unsourced": ""})
    emit(rows, fmt, ["table", "rows", "high", "medium", "low", "unsourced"], title="KB coverage")


reconcile_app = typer.Typer(help="Compare the KB with outside membership data sets.", no_args_is_help=True)
app.add_typer(reconcile_app, name="reconcile")


@reconcile_app.command("cow-igo")
def reconcile_cow_igo(
    mirror: str = typer.Option(None, "--mirror", help="Folder holding cow_igo_v3/ (default STEPPE_MIRROR)."),
    orgs: str = typer.Option(None, "--orgs", help="Comma-separated COW abbreviations or KB organisations."),
    unexplained: bool = typer.Option(
        False, "--unexplained", help="Only disagreements no contested fact explains."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Country-years where the KB and the Correlates of War IGO data disagree, and why."""
    wanted = [o.strip() for o in orgs.split(",") if o.strip()] if orgs else None
    rows = queries.reconcile_cow_igo(mirror, wanted)
    if unexplained:
        rows = [r for r in rows if r["explained_by"] is None]
    emit(
        rows,
        fmt,
        ["ioname", "country", "year", "cow", "kb", "kb_roles", "explained_by"],
        title="KB vs COW IGO v3",
        empty="No disagreement.",
    )
