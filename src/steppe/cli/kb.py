"""`steppe kb ...`: knowledge-base queries and validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from steppe.cli import kb_lookup as lookup
from steppe.cli.kb_lookup import marked, note_uncertain, warn_gaps
from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, emit_json
from steppe.cli.session import session
from steppe.kb.schema import ATTRIBUTES
from steppe.session.frames import records as rows_of

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
    lookup.members(org, as_of, role, fmt)


@app.command()
def memberships(
    country: str = typer.Argument(..., help="ISO3 code or country name (e.g. KAZ, Kazakhstan)."),
    as_of: str = typer.Option(None, "--as-of", help="ISO date; default today."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every organisation a country belongs to (any role) as of a date."""
    lookup.memberships(country, as_of, fmt)


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
    lookup.overlap(as_of, countries, orgs, fmt)


@app.command()
def timeline(
    org: str = typer.Option(None, "--org", help="Organisation slug, name or alias."),
    country: str = typer.Option(None, "--country", help="ISO3 code or country name."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every membership period of one organisation or one country."""
    kb = session().kb
    rows = rows_of(kb.timeline(org, country))
    emit(rows, fmt, ["start", "end", "org", "country", "role", "confidence", "sources"])
    if org:
        warn_gaps([kb.resolve_org(org)])
    else:
        warn_gaps(sorted({r["org"] for r in rows}), [kb.resolve_country(country)])


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
    kb = session().kb
    rows = rows_of(kb.events(start, end, type_, country, org))
    emit(
        rows,
        fmt,
        ["start", "end", "type", "title", "place", "participants", "orgs", "sources"],
        empty="No event matches.",
    )
    if org:
        warn_gaps([kb.resolve_org(org)])


@app.command()
def sources(
    source_id: str = typer.Argument(None, help="Show one source by id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """The sources every fact cites."""
    rows = rows_of(session().kb.sources(source_id))
    emit(rows, fmt, ["id", "kind", "title", "publisher", "date", "url"])


#: Attribute columns of the ``kb orgs`` table, with short headers; CSV has every attribute.
ORG_COLUMNS = {
    "type": "type",
    "legal_personality": "legal pers.",
    "secretariat": "secretariat",
    "decision_rule": "decision rule",
    "dispute_settlement": "disputes",
    "binding": "binding",
    "outside_powers_members": "outside powers",
}
#: Yes/no attributes summarised in the table's "binding" column when they hold.
BINDING = (
    "free_trade_area",
    "customs_union",
    "common_external_tariff",
    "common_market",
    "security_guarantee",
)


@app.command()
def orgs(
    as_of: str = typer.Option(None, "--as-of", help="Attributes holding on this ISO date; default today."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Every organisation and format, with slug, dates, initiators and attributes (see docs/kb.md)."""
    flat = rows_of(session().kb.orgs(as_of))
    if fmt is OutputFormat.json:
        attributes = (*ATTRIBUTES, "outside_powers_members")
        emit_json(
            [
                {**{k: v for k, v in r.items() if k not in attributes},
                 "attributes": {a: r.get(a) for a in attributes}}
                for r in flat
            ]
        )  # fmt: skip
        return
    if fmt is OutputFormat.csv:
        columns = ["slug", "name", "kind", "founded", "dissolved", "initiators", *ATTRIBUTES, "aliases"]
        emit(flat, fmt, columns)
        return
    for r in flat:
        held = [a for a in BINDING if (r.get(a) or "").startswith("yes")]
        r["binding"] = "; ".join(a.replace("_", " ") + ("?" if r[a].endswith("?") else "") for a in held)
    from rich.table import Table

    table = Table(title="Organisations and formats (attributes holding today; ? = uncertain)")
    for header in ("slug", "name", "founded", "dissolved", "initiators", *ORG_COLUMNS.values()):
        table.add_column(header)
    for r in flat:
        cells = [r["slug"], r["name"], r["founded"], r["dissolved"], r["initiators"]]
        table.add_row(*(_text_cell(c) for c in [*cells, *(r.get(k) for k in ORG_COLUMNS)]))
    console.print(table)


def _text_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value).replace("_", " ")


@app.command()
def org(
    name: str = typer.Argument(..., help="Organisation slug, name or alias (e.g. carec, EEU)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """One organisation whole: facts, attributes, members, history, events, contested facts, gaps, sources."""
    found = session().kb.org(name)
    result: dict[str, Any] = {k: (rows_of(v) if hasattr(v, "columns") else v) for k, v in found.items()}
    result["as_of"] = found["as_of"].isoformat()
    slug = result["organisation"]["slug"]
    if fmt is OutputFormat.json:
        emit_json(result)
    elif fmt is OutputFormat.csv:
        emit(
            marked(result["history"], fmt),
            fmt,
            ["start", "end", "org", "country", "role", "confidence", "sources"],
        )
    else:
        o = result["organisation"]
        console.print(f"{o['name']} ({slug})", markup=False, highlight=False)
        facts = {
            "kind": o["kind"],
            "aliases": o["aliases"],
            "founded": o["founded"],
            "dissolved": o["dissolved"],
            "initiators": o["initiators"],
            "secretariat": o["secretariat"],
            "secretariat host": o["secretariat_host"],
            "predecessor": o["predecessor"],
            "confidence": o["confidence"],
            "sources": o["sources"],
            "note": o["note"],
        }
        for key, value in facts.items():
            if value:
                console.print(f"  {key}: {_text_cell(value)}", markup=False, highlight=False)
        sections = (
            ("attributes", ["attribute", "value", "start", "end", "confidence", "sources"], "Attributes"),
            (
                "members",
                ["country", "role", "start", "end", "uncertain", "sources"],
                f"Members on {result['as_of']}",
            ),
            ("history", ["start", "end", "country", "role", "confidence", "sources"], "Membership history"),
            ("events", ["start", "type", "title", "place", "sources"], "Events"),
            ("contested", ["id", "subject", "claim", "adopted", "reason"], "Contested facts"),
            ("gaps", ["country", "what", "why"], "Known gaps"),
            ("sources", ["id", "title", "url", "accessed"], "Sources"),
        )
        for key, columns, title in sections:
            if result[key]:
                emit(marked(result[key], fmt), fmt, columns, title=title)
    warn_gaps([slug])


@app.command()
def gaps(
    org: str = typer.Argument(None, help="Only the gaps of this organisation (slug, name or alias)."),
    country: str = typer.Option(None, "--country", help="Only the gaps about this country."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """What the KB knows to be missing, and why (each query touching it warns)."""
    rows = rows_of(session().kb.gaps(org, country))
    emit(rows, fmt, ["org", "country", "what", "why"], title="Known gaps", empty="No known gap matches.")


@app.command()
def diff(
    start: str = typer.Option(..., "--from", help="First day (ISO); changes after it count."),
    end: str = typer.Option(..., "--to", help="Last day (ISO); changes on or before it count."),
    country: str = typer.Option(None, "--country", help="Only this country (ISO3 or name)."),
    org: str = typer.Option(None, "--org", help="Only this organisation."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Joins, exits, suspensions and role changes between two days."""
    kb = session().kb
    rows = rows_of(kb.diff(start, end, country, org))
    emit(
        marked(rows, fmt),
        fmt,
        ["date", "org", "country", "change", "from_role", "to_role", "uncertain", "sources"],
        title=f"Membership changes after {start} and by {end}",
        empty="No membership changed between those days.",
    )
    note_uncertain(rows, fmt)
    warn_gaps(sorted({r["org"] for r in rows}), [kb.resolve_country(country)] if country else None)


@app.command()
def countries(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Every country and actor, with ISO3 code and aliases."""
    emit(rows_of(session().kb.countries()), fmt, ["iso3", "name", "kind", "region", "aliases"])


@app.command()
def validate(
    path: Path = typer.Argument(None, help="A KB folder; default the KB in use (bundled or STEPPE_KB)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Check KB files against their schema; list every problem by file, line and field."""
    from steppe.kb.validate import validate_kb

    report = validate_kb(path) if path is not None else session().kb.validate()
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
    rows = rows_of(session().kb.delegation(years, orgs))
    columns = ["year", "active", "external", "c5_initiated", "unknown", "share_external"]
    if fmt is OutputFormat.json:
        emit(rows, fmt)
    else:
        emit(rows, fmt, columns if fmt is OutputFormat.table else [*columns, "external_formats"])
    warn_gaps(sorted({f for r in rows for f in r["formats"]}))


@app.command()
def contested(
    subject: str = typer.Argument(
        None, help="Filter: a subject prefix (org:eaeu, cow_igo:SCO) or an organisation."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Facts on which sources disagree: both claims, their sources, what the KB adopts and why."""
    rows = rows_of(session().kb.contested(subject))
    emit(
        rows,
        fmt,
        ["id", "subject", "claim", "claim_sources", "adopted", "adopted_sources", "reason"],
        empty="No contested fact matches.",
    )


@app.command()
def stats(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Coverage: rows per table, confidence, sources a reader can check, known gaps."""
    result = session().kb.stats()
    if fmt is OutputFormat.json:
        emit_json(result)
        return
    rows = [
        {
            "table": name,
            "rows": n,
            **{lvl: result["confidence"].get(name, {}).get(lvl, "") for lvl in ("high", "medium", "low")},
            "unsourced": result["unsourced"].get(name, ""),
            "checkable": result["facts"]["by_table"].get(name, {}).get("checkable", ""),
        }
        for name, n in result["counts"].items()
    ]
    share = result["confidence_share"]
    rows.append({"table": "share of fact rows", "rows": "", **share, "unsourced": "", "checkable": ""})
    columns = ["table", "rows", "high", "medium", "low", "unsourced", "checkable"]
    if fmt is OutputFormat.csv:
        emit(rows, fmt, columns)
        return
    emit(rows, fmt, columns, title="KB coverage")
    facts, src = result["facts"], result["sources"]
    console.print(
        f"Facts whose every source names a specific page: {facts['specific_page_share']:.1%}; with an access "
        f"date: {facts['accessed_share']:.1%}; both (checkable): {facts['checkable_share']:.1%} of "
        f"{facts['facts']}. Sources checkable: {src['checkable']} of {src['total']}.",
        markup=False,
        highlight=False,
    )
    emit(result["gaps"], fmt, ["org", "country", "what", "why"], title="Known gaps", empty="No known gap.")


reconcile_app = typer.Typer(help="Compare the KB with outside membership data sets.", no_args_is_help=True)
app.add_typer(reconcile_app, name="reconcile")


@reconcile_app.command("cow-igo")
def reconcile_cow_igo(
    mirror: str = typer.Option(
        None,
        "--mirror",
        help="Fetch COW IGO from this folder (holding cow_igo_v3/) first, as 'steppe fetch cow_igo'.",
    ),
    orgs: str = typer.Option(None, "--orgs", help="Comma-separated COW abbreviations or KB organisations."),
    unexplained: bool = typer.Option(
        False, "--unexplained", help="Only disagreements no contested fact explains."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Country-years where the KB and the Correlates of War IGO data disagree, and why (reads the COW data
    'steppe fetch cow_igo' stored)."""
    kb = session().kb
    if mirror is not None:
        session().fetch("cow_igo", mirror=mirror)
    rows = rows_of(kb.reconcile_cow_igo(orgs))
    if unexplained:
        rows = [r for r in rows if r["explained_by"] is None]
    emit(
        rows,
        fmt,
        ["ioname", "country", "year", "cow", "kb", "kb_roles", "explained_by"],
        title="KB vs COW IGO v3",
        empty="No disagreement.",
    )
