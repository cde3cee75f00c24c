"""The knowledge-base lookups typed many times a day, as plain functions: `kb members`,
`kb memberships` and `kb overlap`.

`steppe kb ...` (Typer, :mod:`steppe.cli.kb`) and the lean path (:mod:`steppe.cli.lean`) both
call these, so a lookup prints the same whichever parsed its command line. Nothing here imports
Typer, pandas or Rich before it prints a table: ``--format json`` and ``csv`` start fast.
"""

from __future__ import annotations

from typing import Any

from steppe.cli.output import OutputFormat, console, emit, emit_json, warn
from steppe.cli.session import session

UNCERTAIN_NOTE = (
    "? = the day falls inside a year- or month-precision date of this row: it may or may not "
    "hold on that day (docs/kb.md, 'Dates and the as-of rule')."
)


def warn_gaps(orgs: list[str] | None = None, countries: list[str] | None = None) -> None:
    """Print one warning line per organisation or country with a known gap, on stderr."""
    for line in session().kb.gap_warnings(orgs, countries):
        warn(f"Warning: {line}")


def marked(rows: list[dict[str, Any]], fmt: OutputFormat) -> list[dict[str, Any]]:
    """For tables, show ``uncertain`` as '?' (JSON and CSV keep the boolean)."""
    if fmt is not OutputFormat.table:
        return rows
    return [{**r, "uncertain": "?" if r.get("uncertain") else ""} for r in rows]


def note_uncertain(rows: list[dict[str, Any]], fmt: OutputFormat) -> None:
    """Under a table with a '?' row, say what '?' means."""
    if fmt is OutputFormat.table and any(r.get("uncertain") for r in rows):
        console.print(UNCERTAIN_NOTE, markup=False, highlight=False)


def members(org: str, as_of: str | None, role: list[str] | None, fmt: OutputFormat) -> None:
    """`steppe kb members`: countries holding a role in ``org`` on ``as_of``."""
    rows, attrs = session().kb.member_rows(org, as_of, role or None)  # rows, not a frame
    emit(
        marked(rows, fmt),
        fmt,
        ["country", "role", "start", "end", "uncertain", "sources"],
        title=f"{org} members",
        empty="No country holds that role on that date.",
    )
    note_uncertain(rows, fmt)
    warn_gaps([attrs["parameters"]["org"]])


def memberships(country: str, as_of: str | None, fmt: OutputFormat) -> None:
    """`steppe kb memberships`: every organisation ``country`` belongs to on ``as_of``."""
    kb = session().kb
    rows, _ = kb.membership_rows(country, as_of)
    emit(
        marked(rows, fmt),
        fmt,
        ["org", "org_name", "role", "start", "end", "uncertain", "sources"],
        title=f"{country} memberships",
    )
    note_uncertain(rows, fmt)
    warn_gaps(sorted({r["org"] for r in rows}), [kb.resolve_country(country)])


def overlap(as_of: str | None, countries: str | None, orgs: str | None, fmt: OutputFormat) -> None:
    """`steppe kb overlap`: the country × organisation matrix of roles held on ``as_of``."""
    result = session().kb.overlap(as_of, countries, orgs)
    if fmt is OutputFormat.json:
        emit_json(result.as_dict())
    else:

        def cell(c: str, o: str) -> str:
            sure, maybe = result.cell(c, o), result.uncertain_cell(c, o)
            return "+".join([*([sure] if sure else []), *([f"{maybe}?"] if maybe else [])])

        rows = [{"country": c, **{o: cell(c, o) for o in result.organisations}} for c in result.countries]
        if fmt is OutputFormat.csv:
            emit(rows, fmt, ["country", *result.organisations])
        else:
            from rich.table import Table

            table = Table(title=f"Memberships as of {result.as_of.isoformat()}")
            table.add_column("country")
            for o in result.organisations:
                table.add_column(o)
            for row in rows:
                table.add_row(row["country"], *(row[o].replace("_", " ") for o in result.organisations))
            console.print(table)
            if result.uncertain:
                console.print(UNCERTAIN_NOTE, markup=False, highlight=False)
    warn_gaps(result.organisations, result.countries)
