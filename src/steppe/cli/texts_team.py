"""`steppe texts compare-coders|adjudicate|adjudications`: coding together (team mode).

Acts as the account named by ``--as`` (an editor); the rules are :mod:`steppe.team.coding`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, emit_json
from steppe.cli.texts import app

if TYPE_CHECKING:
    from steppe.team.auth import User

AS_OPTION = typer.Option(..., "--as", help="Your account name (an editor; see 'steppe users list').")


def _user(name: str) -> User:
    from steppe.store import default_store
    from steppe.team.auth import Accounts

    return Accounts(default_store()).as_user(name)


@app.command("compare-coders")
def compare_coders(
    doc: list[str] = typer.Option(..., "--doc", "-d", help="Document id (repeatable)."),
    codebook: str = typer.Option(..., "--codebook", "-b", help="Codebook id, e.g. ecdpm."),
    coder: list[str] = typer.Option(
        None, "--coder", "-c", help="Coders to compare (default: all who coded)."
    ),
    as_user: str = AS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Open the comparison (coders now see each other's codes): agreement per code, disagreeing passages."""
    from steppe.team.coding import compare

    result = compare(doc, codebook, editor=_user(as_user), coders=coder or None)
    if fmt is OutputFormat.json:
        emit_json(result)
        return
    emit(result["agreement"], fmt, title=f"Agreement between {', '.join(result['coders'])}")
    if fmt is OutputFormat.table:
        console.print(f"{len(result['disagreements'])} disagreeing passage(s):")
    rows = [{**d, "applied_by": d["applied_by"], "text": d["text"][:120]} for d in result["disagreements"]]
    emit(rows, fmt, ["doc_id", "seg_no", "code", "applied_by", "not_applied_by", "decision", "text"],
         empty="No disagreements.")  # fmt: skip


@app.command("adjudicate")
def adjudicate_cmd(
    doc: str = typer.Argument(...),
    seg: int = typer.Argument(...),
    code: str = typer.Argument(..., help="Code as codebook:id."),
    decision: str = typer.Argument(..., help="applies or does_not_apply."),
    note: str = typer.Option(None, "--note", help="Why (kept with the decision)."),
    as_user: str = AS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Record the adjudicated decision on one passage and code (stored as coder 'adjudicated')."""
    from steppe.team.coding import adjudicate

    emit([adjudicate(doc, seg, code, decision, editor=_user(as_user), note=note)], fmt)


@app.command("adjudications")
def adjudications_cmd(
    doc: list[str] = typer.Option(None, "--doc", "-d", help="Document id (repeatable); default all."),
    history: bool = typer.Option(False, "--history", help="Every decision, also superseded ones."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Adjudicated decisions (current ones unless --history)."""
    from steppe.team.coding import adjudications

    emit(adjudications(doc or None, history=history), fmt,
         ["doc_id", "seg_no", "code", "decision", "editor", "note", "decided_at", "superseded_at"],
         empty="No adjudications.")  # fmt: skip
