"""`steppe texts ...`: corpus, codebooks, coding, auto-coding, reliability, queries, exchange."""

from __future__ import annotations

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, emit, emit_json
from steppe.cli.session import session
from steppe.session.frames import records as rows_of

app = typer.Typer(
    help="Thematic analysis of documents: add texts, code them (by hand or with suggestions), "
    "check agreement, query, export.",
    no_args_is_help=True,
)
codebook_app = typer.Typer(help="Load and list codebooks and their codes.", no_args_is_help=True)
code_app = typer.Typer(help="Manual coding: apply, remove, memo, list.", no_args_is_help=True)
suggest_app = typer.Typer(help="Auto-coding suggestions: run, list, accept, reject.", no_args_is_help=True)
query_app = typer.Typer(
    help="Questions over coded texts; every row cites doc_id:seg_no.", no_args_is_help=True
)
export_app = typer.Typer(help="Export codes and coded segments (CSV, REFI-QDA QDPX).", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(code_app, name="code")
app.add_typer(suggest_app, name="suggest")
app.add_typer(query_app, name="query")
app.add_typer(export_app, name="export")

DOC_OPTION = typer.Option(None, "--doc", "-d", help="Document id (repeatable); default all.")
CODER_OPTION = typer.Option(None, "--coder", "-c", help="Coder id (repeatable); 'auto' is the auto-coder.")


# -- corpus ----------------------------------------------------------------------------------
@app.command()
def add(
    paths: list[str] = typer.Argument(..., help="Text, Markdown, HTML or PDF files."),
    title: str = typer.Option(None, "--title", help="Title (overrides what the file says)."),
    author: str = typer.Option(None, "--author"),
    date: str = typer.Option(
        None, "--date", help="Publication date at the precision known: 2023, 2023-09 or 2023-09-21."
    ),
    publisher: str = typer.Option(None, "--publisher"),
    kind: str = typer.Option(None, "--kind", help="e.g. article, thesis, brief, declaration, speech."),
    language: str = typer.Option(None, "--language", help="e.g. en."),
    as_format: str = typer.Option(
        None, "--as", help="Read as text, markdown, html or pdf (default: by file)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Add documents (one transaction: a bad file stores nothing)."""
    rows = rows_of(
        session().texts.add(paths, title=title, author=author, date=date, publisher=publisher, kind=kind,
                            language=language, format=as_format)
    )  # fmt: skip
    if fmt is OutputFormat.json:
        emit_json(rows)
        return
    emit(rows, fmt, ["id", "path", "segments", "duplicate_of", "near_duplicate_of", "similarity"])


@app.command("list")
def list_documents(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Documents in the store with their metadata and segment counts."""
    emit(
        rows_of(session().texts.list()),
        fmt,
        ["doc_id", "title", "author", "date", "kind", "format", "segments", "near_duplicate_of"],
        empty="No documents yet; add some with 'steppe texts add PATH'.",
    )


@app.command()
def segments(
    doc: str = typer.Argument(..., help="Document id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """A document's segments with their character offsets into the stored text."""
    emit(rows_of(session().texts.segments(doc)), fmt, ["doc_id", "seg_no", "start_pos", "end_pos", "text"])


@app.command("import")
def import_project(
    path: str = typer.Argument(..., help="A REFI-QDA project file (.qdpx)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Import a REFI-QDA project (QDPX): sources, codes and codings, in one transaction."""
    result = session().texts.import_qdpx(path)
    emit_json(result) if fmt is OutputFormat.json else emit(
        [result], fmt, ["documents", "codes", "codings", "ids"]
    )


# -- codebooks -------------------------------------------------------------------------------
@codebook_app.command("load")
def codebook_load(
    name: str = typer.Argument(..., help="Bundled codebook id (ecdpm, drivers, priorities) or a YAML path."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Validate and store a codebook (every problem is named with file and code)."""
    cb = session().texts.load_codebook(name)
    emit([{"codebook": cb.id, "name": cb.name, "codes": len(cb.codes), "source": cb.source}], fmt)


@codebook_app.command("list")
def codebook_list(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Codebooks in the store and those shipped with steppe."""
    emit(rows_of(session().texts.codebooks()), fmt, ["codebook", "name", "codes", "loaded", "source"])


@codebook_app.command("codes")
def codebook_codes(
    codebook: str = typer.Argument(None, help="Codebook id; default every stored code."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Codes with their parents, definitions and keywords."""
    emit(rows_of(session().texts.codes(codebook)), fmt, ["code", "parent", "name", "definition", "keywords"])


# -- manual coding ---------------------------------------------------------------------------
@code_app.command("apply")
def code_apply(
    doc: str = typer.Argument(..., help="Document id."),
    seg: int = typer.Argument(..., help="Segment number (see 'steppe texts segments DOC')."),
    code: str = typer.Argument(..., help="Code key, e.g. ecdpm:hegemons (or hegemons if unambiguous)."),
    coder: str = typer.Option(..., "--coder", "-c", help="Your coder id."),
    memo: str = typer.Option(None, "--memo", help="A memo on this coding."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Apply a code to a segment."""
    emit([session().texts.code(doc, seg, code, coder, memo)], fmt)


@code_app.command("remove")
def code_remove(
    doc: str = typer.Argument(...),
    seg: int = typer.Argument(...),
    code: str = typer.Argument(...),
    coder: str = typer.Option(..., "--coder", "-c"),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Remove your code from a segment (kept in the history)."""
    emit([session().texts.uncode(doc, seg, code, coder)], fmt)


@code_app.command("memo")
def code_memo(
    doc: str = typer.Argument(...),
    seg: int = typer.Argument(...),
    code: str = typer.Argument(...),
    text: str = typer.Argument(..., help="The memo."),
    coder: str = typer.Option(..., "--coder", "-c"),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Attach or replace the memo on your coding of a segment."""
    emit([session().texts.memo(doc, seg, code, coder, text)], fmt)


@code_app.command("list")
def code_list(
    doc: list[str] = DOC_OPTION,
    coder: list[str] = typer.Option(None, "--coder", "-c", help="Coder id (repeatable)."),
    removed: bool = typer.Option(False, "--removed", help="Include removed codings."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Codings with coder, origin, memo and timestamps."""
    emit(
        rows_of(session().texts.codings(doc or None, coder or None, include_removed=removed)),
        fmt,
        ["coding_id", "doc_id", "seg_no", "code", "coder", "origin", "memo", "created_at", "removed_at"],
    )


# -- suggestions -----------------------------------------------------------------------------
@suggest_app.command("run")
def suggest_run(
    doc: list[str] = DOC_OPTION,
    codebook: str = typer.Option("ecdpm", "--codebook", "-b", help="Codebook id or YAML path."),
    threshold: float = typer.Option(0.5, "--threshold", help="Lowest confidence kept, in (0, 1]."),
    method: str = typer.Option("tfidf", "--method", help="tfidf (core) or embeddings (extra)."),
    model_path: str = typer.Option(None, "--model", help="Local sentence-transformers model folder."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Suggest codes per segment with a confidence and a reason."""
    frame = session().texts.suggest(doc or None, codebook, threshold=threshold, method=method,
                                    model_path=model_path)  # fmt: skip
    emit(rows_of(frame), fmt, ["suggestion_id", "doc_id", "seg_no", "code", "confidence", "reason"])


@suggest_app.command("list")
def suggest_list(
    doc: list[str] = DOC_OPTION,
    status: str = typer.Option(None, "--status", help="open, accepted or rejected; default all."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Stored suggestions and their decisions."""
    emit(
        rows_of(session().texts.suggestions(doc or None, status)),
        fmt,
        ["suggestion_id", "doc_id", "seg_no", "code", "confidence", "reason", "decision", "decided_by"],
    )


def _decide(ids: list[int], decision: str, coder: str, fmt: OutputFormat) -> None:
    emit(session().texts.decide(ids, decision, coder), fmt)


@suggest_app.command("accept")
def suggest_accept(
    ids: list[int] = typer.Argument(..., help="Suggestion ids."),
    coder: str = typer.Option(..., "--coder", "-c", help="Your coder id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Accept suggestions: each becomes your coding; the suggestion keeps the decision."""
    _decide(ids, "accepted", coder, fmt)


@suggest_app.command("reject")
def suggest_reject(
    ids: list[int] = typer.Argument(..., help="Suggestion ids."),
    coder: str = typer.Option(..., "--coder", "-c", help="Your coder id."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Reject suggestions (kept, marked rejected)."""
    _decide(ids, "rejected", coder, fmt)


# -- reliability -----------------------------------------------------------------------------
@app.command()
def agree(
    coder: list[str] = typer.Option(
        ..., "--coder", "-c", help="Coder id (twice or more); 'auto' = auto-coder."
    ),
    codebook: str = typer.Option(..., "--codebook", "-b", help="Codebook whose codes are compared."),
    doc: list[str] = DOC_OPTION,
    min_confidence: float = typer.Option(0.5, "--min-confidence", help="For 'auto': lowest confidence."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code and overall."""
    rows = rows_of(session().texts.agreement(coder, codebook, doc or None, min_confidence=min_confidence))
    emit(rows, fmt, ["code", "units", *[f"n_{c}" for c in coder], "both", "agreement", "kappa", "alpha"])


# -- queries ---------------------------------------------------------------------------------
@query_app.command("freq")
def query_freq(
    doc: list[str] = DOC_OPTION,
    codebook: str = typer.Option(None, "--codebook", "-b"),
    coder: list[str] = CODER_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Code frequencies per document."""
    emit(
        rows_of(session().texts.freq(doc or None, codebook, coder or None)),
        fmt,
        ["doc_id", "code", "segments", "codings", "cites"],
    )


@query_app.command("actors")
def query_actors(
    doc: str = typer.Option(None, "--doc", "-d", help="Document id; default the whole corpus."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """KB actors mentioned, by organisation slug or ISO3 code."""
    emit(rows_of(session().texts.actors(doc)), fmt, ["actor", "mentions", "kind", "segments"])


@query_app.command("crosstab")
def query_crosstab(
    codebook: str = typer.Option(..., "--codebook", "-b"),
    doc: list[str] = DOC_OPTION,
    coder: list[str] = CODER_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Actor × code: segments that mention an actor and carry a code."""
    emit(
        rows_of(session().texts.crosstab(codebook, doc or None, coder or None)),
        fmt,
        ["actor", "code", "segments", "cites"],
    )


@query_app.command("cooccur")
def query_cooccur(
    codebook: str = typer.Option(None, "--codebook", "-b"),
    doc: list[str] = DOC_OPTION,
    coder: list[str] = CODER_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Code co-occurrence within segments."""
    emit(
        rows_of(session().texts.cooccur(codebook, doc or None, coder or None)),
        fmt,
        ["code_a", "code_b", "segments", "cites"],
    )


@query_app.command("compare")
def query_compare(
    doc_a: str = typer.Argument(..., help="First document id."),
    doc_b: str = typer.Argument(..., help="Second document id."),
    codebook: str = typer.Option("priorities", "--codebook", "-b"),
    coder: list[str] = CODER_OPTION,
    threshold: float = typer.Option(0.5, "--threshold", help="For auto-coding: lowest confidence."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Compare two documents' code profiles (auto-codes them when neither is coded)."""
    rows = rows_of(session().texts.compare(doc_a, doc_b, codebook, coder or None, threshold=threshold))
    emit(
        rows, fmt, ["code", "name", "a_segments", "a_share", "b_segments", "b_share", "difference", "present"]
    )


@query_app.command("kwic")
def query_kwic(
    keyword: str = typer.Argument(..., help="Word or phrase; 'terror*' for any ending."),
    doc: list[str] = DOC_OPTION,
    window: int = typer.Option(60, "--window", min=0, help="Characters of context either side (0 or more)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Keyword in context, with document, segment and offset."""
    emit(
        rows_of(session().texts.kwic(keyword, doc or None, window)),
        fmt,
        ["doc_id", "seg_no", "start", "left", "match", "right"],
    )


# -- export ----------------------------------------------------------------------------------
@export_app.command("csv")
def export_csv_cmd(
    folder: str = typer.Argument(..., help="Folder for codes.csv and coded_segments.csv."),
    doc: list[str] = DOC_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Write codes.csv and coded_segments.csv."""
    emit([session().texts.export_csv(folder, doc or None)], fmt)


@export_app.command("qdpx")
def export_qdpx_cmd(
    path: str = typer.Argument(..., help="Output .qdpx file."),
    doc: list[str] = DOC_OPTION,
    project: str = typer.Option("steppe", "--project", help="Project name in the file."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Write a REFI-QDA project (QDPX) for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
    emit([session().texts.export_qdpx(path, doc or None, project=project)], fmt)
