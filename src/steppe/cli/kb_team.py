"""`steppe kb propose|proposals|review|withdraw|history`: KB proposals with review (team mode).

The command line acts as the account named by ``--as`` (it must exist: ``steppe users add``);
whoever can open the store is trusted, as they could change it directly. The web app checks
sign-ins. The rules (who may propose, who may review, the version check) are
:mod:`steppe.team.proposals`'s, the same for both.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from steppe.cli.kb import app
from steppe.cli.options import FORMAT_OPTION
from steppe.cli.output import OutputFormat, console, emit, emit_json
from steppe.errors import UsageError

if TYPE_CHECKING:
    from steppe.team.auth import User

AS_OPTION = typer.Option(..., "--as", help="Your account name (see 'steppe users list').")
PROPOSAL_COLUMNS = [
    "proposal_id",
    "status",
    "kind",
    "action",
    "target",
    "author",
    "proposed_at",
    "reviewer",
    "reviewed_at",
    "source_url",
    "version",
]
HISTORY_COLUMNS = [
    "change_id",
    "changed_at",
    "event",
    "proposal_id",
    "kind",
    "result_key",
    "author",
    "reviewer",
    "note",
]


def _user(name: str) -> User:
    from steppe.kb.sync import kb_store
    from steppe.team.auth import Accounts

    return Accounts(kb_store()).as_user(name)


def _cells(pairs: list[str]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for pair in pairs or []:
        field, sep, value = pair.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"--set '{pair}' is not FIELD=VALUE; for example --set country=KAZ.")
        cells[field.strip()] = value
    return cells


@app.command()
def propose(
    kind: str = typer.Argument(..., help="membership, event or org_attribute."),
    sets: list[str] = typer.Option(
        None,
        "--set",
        "-s",
        help="FIELD=VALUE as the KB file writes it (repeatable), e.g. --set start=2017-06.",
    ),
    change: str = typer.Option(
        None,
        "--change",
        help="Key of the row to change (membership org/country/role/start, event id, "
        "attribute org/attribute/value/start); without it the row is added.",
    ),
    source_url: str = typer.Option(..., "--source-url", help="Address of the page that states the fact."),
    accessed: str = typer.Option(..., "--accessed", help="The day you read it, YYYY-MM-DD."),
    source_kind: str = typer.Option(..., "--source-kind", help="treaty, official_site, news, academic ..."),
    source_title: str = typer.Option(None, "--source-title", help="The page's title."),
    reason: str = typer.Option(None, "--reason", help="Why, for the reviewer."),
    as_user: str = AS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Propose adding or changing a membership, event or organisation attribute, with its source."""
    from steppe.team.proposals import propose as make

    user = _user(as_user)
    p = make(kind, _cells(sets), author=user, source_url=source_url, accessed=accessed,
             source_kind=source_kind, source_title=source_title, target=change, reason=reason)  # fmt: skip
    emit([p], fmt, PROPOSAL_COLUMNS)


@app.command()
def proposals(
    status: str = typer.Option(None, "--status", help="open, approved, rejected or withdrawn."),
    author: str = typer.Option(None, "--author"),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """KB proposals and their review state."""
    from steppe.team.proposals import proposals as listed

    emit(listed(status, author), fmt, PROPOSAL_COLUMNS, empty="No KB proposals.")


@app.command()
def proposal(proposal_id: int = typer.Argument(...), fmt: OutputFormat = FORMAT_OPTION) -> None:
    """One proposal with its proposed row (and the row it changes)."""
    from steppe.team.proposals import history
    from steppe.team.proposals import proposal as one

    p = one(proposal_id)
    p["record"] = json.loads(p["record"])
    first = history(proposal_id=proposal_id)[0]
    p["current"] = json.loads(first["before_record"]) if first["before_record"] else None
    if fmt is OutputFormat.json:
        emit_json(p)
        return
    emit([p], fmt, PROPOSAL_COLUMNS)
    fields = sorted(set(p["record"]) | set(p["current"] or {}))
    rows = [{"field": f, "current": (p["current"] or {}).get(f, ""), "proposed": p["record"].get(f, "")}
            for f in fields]  # fmt: skip
    emit(rows, fmt, ["field", "current", "proposed"])


@app.command()
def review(
    proposal_id: int = typer.Argument(...),
    decision: str = typer.Argument(..., help="approve or reject."),
    note: str = typer.Option(None, "--note", help="The reviewer's note (shown in the history)."),
    version: int = typer.Option(
        None, "--version", help="The proposal's version you read (refused if stale)."
    ),
    as_user: str = AS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Approve or reject a proposal (an editor other than its author)."""
    from steppe.team import proposals as team

    user = _user(as_user)
    if decision not in ("approve", "reject"):
        raise UsageError(f"Decision '{decision}' is not approve or reject.")
    act = team.approve if decision == "approve" else team.reject
    emit([act(proposal_id, reviewer=user, version=version, note=note)], fmt, PROPOSAL_COLUMNS)


@app.command()
def withdraw(proposal_id: int = typer.Argument(...), as_user: str = AS_OPTION) -> None:
    """Take back your own open proposal."""
    from steppe.team.proposals import withdraw as take_back

    take_back(proposal_id, author=_user(as_user))
    console.print(f"Proposal #{proposal_id} withdrawn.")


@app.command()
def history(
    org: str = typer.Option(None, "--org", help="Changes about this organisation (slug)."),
    country: str = typer.Option(None, "--country", help="Changes about this country (ISO3)."),
    author: str = typer.Option(None, "--author", help="Changes proposed or reviewed by this account."),
    proposal_id: int = typer.Option(None, "--proposal"),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """The KB's audit log: every proposal, approval, rejection and withdrawal, oldest first."""
    from steppe.team.proposals import history as log

    rows = log(org, country, author, proposal_id)
    if fmt is not OutputFormat.table:
        for r in rows:
            for side in ("before_record", "after_record"):
                r[side] = json.loads(r[side]) if r[side] else None
    columns = (
        HISTORY_COLUMNS if fmt is OutputFormat.table else [*HISTORY_COLUMNS, "before_record", "after_record"]
    )
    emit(rows, fmt, columns, empty="No KB changes recorded.")
