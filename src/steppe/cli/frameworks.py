"""`steppe frameworks ...`: the seed texts' frameworks as measures, one command per framework."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, emit_json, err_console

if TYPE_CHECKING:
    from steppe.frameworks.tone import Scope

app = typer.Typer(
    help="The seed texts' frameworks as measures, each score with its evidence (docs/frameworks.md).",
    no_args_is_help=True,
)

_GROUP_COLUMNS = {"document": "doc_id", "source": "source", "year": "year"}


@app.command()
def tone(
    actor: list[str] = typer.Option(
        None,
        "--actor",
        "-a",
        help="Actor (repeatable): CHN, bri, RUS, USA, eu or a KB name; default all five.",
    ),
    by: str = typer.Option("document", "--by", help="segment, document, source (publisher) or year."),
    doc: list[str] = typer.Option(None, "--doc", "-d", help="Document id (repeatable); default all."),
    scope: str = typer.Option(
        "sentences", "--scope", help="Score the sentences that mention the actor, or the whole segment."
    ),
    threshold: float = typer.Option(0.05, "--threshold", help="Label cut: positive >= t, negative <= -t."),
    model: str = typer.Option("vader", "--model", help="vader (default) or embeddings (local model)."),
    model_path: str = typer.Option(
        None,
        "--model-path",
        help="embeddings: local sentence-transformers folder (or STEPPE_EMBEDDINGS_MODEL).",
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Tone toward China, the BRI, Russia, the US and the EU in the stored texts."""
    from steppe.cli.session import session

    rows = session().frameworks.tone(
        actor or None, by=by, docs=doc or None, scope=cast("Scope", scope), threshold=threshold, model=model,
        model_path=model_path,
    )  # fmt: skip
    if fmt is OutputFormat.json:
        emit_json([m.to_dict() for m in rows])
        return
    if by == "segment":
        columns = ["actor", "doc_id", "seg_no", "score", "label", "n", "mentions", "cites"]
    else:
        columns = ["actor", _GROUP_COLUMNS.get(by, by), "score", "label", "n", "documents"]
        columns += ["positive", "neutral", "negative", "net", "cites"]
    table = []
    for m in rows:
        row = m.to_dict(evidence=False)
        row["cites"] = [e.ref for e in m.evidence]
        table.append(row)
    emit(
        table,
        fmt,
        columns if fmt is OutputFormat.csv else [c for c in columns if c != "cites"],
        title=f"tone by {by} (n = {'sentences' if by == 'segment' else 'segments'})",
        empty="No stored segment mentions these actors; add texts with 'steppe texts add PATH'.",
    )


def _warn(lines: list[str] | tuple[str, ...]) -> None:
    """The KB's known-gap warnings (and other notes) on stderr, one line each; stdout stays clean."""
    for line in dict.fromkeys(lines):
        err_console.print(f"Warning: {line}", markup=False, highlight=False, soft_wrap=True)


def _gap_lines(measures: list) -> list[str]:
    return [e.detail for m in measures for e in m.evidence if e.kind == "gap"]


@app.command()
def regionness(
    region: list[str] = typer.Option(
        None,
        "--region",
        "-r",
        help="Region (repeatable): c5, asean, eu, mercosur or a KB organisation; default c5.",
    ),
    years: str = typer.Option("1995:2024", "--years", help="Year range, e.g. 1995:2024."),
    view: str = typer.Option("reported", "--view", help="Trade view for the interdependence tests."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Hettne's level of regionness per region and year, with a score per level and the evidence."""
    from steppe.cli.session import session
    from steppe.frameworks.regionness import LEVELS, contract_row

    rows = session().frameworks.regionness(region or ["c5"], years, view=view)
    _warn(_gap_lines(rows))
    if fmt is OutputFormat.json:
        emit_json([contract_row(m) for m in rows])
        return
    table = []
    for m in rows:
        row = {
            "region": m.unit["region"],
            "year": m.unit["year"],
            "level": m.extra["level"],
            "level_name": m.extra["level_name"],
            "view": m.extra["view"],
        }
        row.update({f"score_{k}": m.extra["scores"][str(k)] for k in LEVELS})
        table.append(row)
    columns = ["region", "year", "level", "level_name", *[f"score_{k}" for k in LEVELS], "view"]
    emit(
        table,
        fmt,
        columns,
        title="Regionness (Hettne and Söderbaum): level reached and share of tests passed",
    )


@app.command("openness-commitment")
def openness_commitment(
    orgs: str = typer.Option("eco,csto,eaeu,sco", "--orgs", help="Organisations, comma-separated."),
    years: str = typer.Option("2000:2024", "--years", help="Year range, e.g. 2000:2024."),
    country: list[str] = typer.Option(
        None, "--country", "-c", help="Central Asian state (repeatable); default C5."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Openness of each organisation, commitment of each state to it, and their rank association."""
    from steppe.cli.session import session
    from steppe.frameworks.openness_commitment import ranking
    from steppe.session.frames import records

    names = [o.strip() for o in orgs.split(",") if o.strip()]
    result = session().frameworks.openness_commitment(names, years, country or None)
    _warn(result.gaps)
    if fmt is OutputFormat.json:
        emit_json(result.contract())
        return
    if fmt is OutputFormat.csv:
        rows = [
            {
                "org": m.unit["org"],
                "country": m.unit["country"],
                "year": m.unit["year"],
                "commitment": m.score,
                **{f"commitment_{k}": v for k, v in m.extra["components"].items()},
            }
            for m in result.commitment
        ]
        openness = {(m.unit["org"], m.unit["year"]): m.score for m in result.openness}
        for r in rows:
            r["openness"] = openness.get((r["org"], r["year"]))
        emit(
            rows,
            fmt,
            [
                "org",
                "country",
                "year",
                "openness",
                "commitment",
                "commitment_status",
                "commitment_attendance",
                "commitment_salience",
            ],
        )
        return
    emit(
        records(ranking(result)),
        fmt,
        ["org", "openness", "commitment", "years"],
        title="Openness (mean over the years) and mean commitment of the C5",
    )
    a = result.association
    console.print(
        f"Spearman's rho (openness, commitment) = {a.spearman} [{a.ci_low}, {a.ci_high}], n = {a.n} "
        f"country-organisation-years, bootstrap over {a.clusters} pairs (seed {a.seed}, {a.draws} draws)."
    )
    console.print(result.crosstab.to_string())


@app.command()
def li(
    country: str = typer.Option(..., "--country", "-c", help="Central Asian state: KAZ, KGZ, TJK, TKM, UZB."),
    years: str = typer.Option("2010:2024", "--years", help="Year range, e.g. 2010:2024."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Liberal Intergovernmentalism: preferences, bargaining power, institutional choice, shift test."""
    from steppe.cli.session import session

    result = session().frameworks.li(country, years)
    _warn(result.notes)
    if fmt is OutputFormat.json:
        emit_json(result.contract())
        return
    rows = []
    prefs = {(m.unit["year"], m.unit["partner"]): m for m in result.preferences}
    inst = {m.unit["year"]: m for m in result.institutions}
    for r in result.series.to_dict("records"):
        year = int(r["year"])
        row: dict = {
            "year": year,
            "regional_commitment": None if pd_isna(r["commitment"]) else round(r["commitment"], 3),
        }
        for partner in ("region", "CHN", "RUS", "EU27"):
            m = prefs.get((year, partner))
            row[f"trade_{partner}"] = None if m is None or m.score is None else round(m.score, 4)
        i = inst.get(year)
        row["delegation"] = None if i is None or i.score is None else round(i.score, 3)
        row["pooling"] = None if i is None else i.extra["pooling"]
        row["organisations"] = None if i is None else i.n
        rows.append(row)
    view = next((m.extra["view"] for m in result.preferences), "reported")
    emit(rows, fmt, title=f"{result.country}: LI indicators (trade shares: {view} view, fractions)")
    if fmt is OutputFormat.table:
        t = result.test.to_dict()
        console.print(
            f"Do shifts in regional commitment follow shifts in interdependence (lag {t['lag']})? "
            f"{t['verdict']}: "
            f"Spearman {t['spearman']} [{t['ci_low']}, {t['ci_high']}], n = {t['n']}."
        )


def pd_isna(value: object) -> bool:
    import math

    return value is None or (isinstance(value, float) and math.isnan(value))


@app.command()
def ecdpm(
    years: str = typer.Option(
        None, "--years", help="Year range of the documents, e.g. 2015:2024; default all."
    ),
    coder: list[str] = typer.Option(
        None, "--coder", help="Coder (repeatable); 'auto' = auto-coder; default all."
    ),
    doc: list[str] = typer.Option(None, "--doc", "-d", help="Document id (repeatable); default all."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """ECDPM factor groups: driver and blocker passages per year, their balance and the passages."""
    from steppe.cli.session import session

    rows = session().frameworks.ecdpm(years or None, coders=coder or None, docs=doc or None)
    if fmt is OutputFormat.json:
        emit_json([m.to_dict() for m in rows])
        return
    table = []
    for m in rows:
        row = m.to_dict(evidence=False)
        row["passages"] = [e.ref for e in m.evidence]
        table.append(row)
    columns = ["year", "group", "label", "drivers", "blockers", "mixed", "undirected", "score", "n"]
    emit(
        table,
        fmt,
        columns + (["passages"] if fmt is OutputFormat.csv else []),
        title="ECDPM factor groups: driver and blocker passages (score = balance, -1 to 1)",
    )
