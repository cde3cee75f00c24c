"""`steppe frameworks ...`: the seed texts' frameworks as measures, one command per framework."""

from __future__ import annotations

import typer

from steppe.cli.output import FORMAT_OPTION, OutputFormat, emit, emit_json

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
    from steppe.frameworks.tone import tone as measure
    from steppe.store import open_store

    with open_store() as store:
        rows = measure(
            actor or None,
            by=by,
            doc_ids=doc or None,
            scope=scope,  # type: ignore[arg-type]
            threshold=threshold,
            model=model,
            model_path=model_path,
            store=store,
        )
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
