"""SQL for KB proposals, their review and the KB's audit log (migration 091), and the row-level
writes an approved proposal makes to the ``kb_*`` tables.

Portable SQL with ``?`` parameters. Callers group writes in ``store.transaction()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from steppe.store.db import Store

#: Columns that identify a row of each table a proposal may change (``IS NOT DISTINCT FROM``,
#: so an empty start matches an empty start).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "memberships": ("org", "country", "role", "start_date", "start_precision"),
    "events": ("id",),
    "org_attributes": ("org", "attribute", "value", "start_date", "start_precision"),
}

_PROPOSAL_COLUMNS = (
    "proposal_id, kind, action, target, record, base_version, source_url, source_accessed, source_title, "
    "source_kind, reason, author, proposed_at, status, reviewer, reviewed_at, review_note, version"
)


# -- proposals -------------------------------------------------------------------------------
def insert_proposal(store: Store, row: dict[str, Any]) -> int:
    cols = list(row)
    return int(
        store.execute(
            f"INSERT INTO kb_proposals ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
            "RETURNING proposal_id",
            [row[c] for c in cols],
        ).fetchone()[0]
    )


def proposal(store: Store, proposal_id: int) -> dict[str, Any] | None:
    found = store.rows(f"SELECT {_PROPOSAL_COLUMNS} FROM kb_proposals WHERE proposal_id = ?", [proposal_id])
    return found[0] if found else None


def proposals(store: Store, status: str | None = None, author: str | None = None) -> list[dict[str, Any]]:
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if status:
        where.append("status = ?")
        params.append(status)
    if author:
        where.append("author = ?")
        params.append(author)
    return store.rows(
        f"SELECT {_PROPOSAL_COLUMNS} FROM kb_proposals WHERE {' AND '.join(where)} ORDER BY proposal_id",
        params,
    )


def approved(store: Store) -> list[dict[str, Any]]:
    """Approved proposals in the order they were approved (the order the effective KB applies them)."""
    return store.rows(
        f"SELECT {_PROPOSAL_COLUMNS} FROM kb_proposals WHERE status = 'approved' "
        "ORDER BY reviewed_at, proposal_id"
    )


def close_proposal(
    store: Store, proposal_id: int, version: int, status: str, reviewer: str, note: str | None
) -> bool:
    """Mark an open proposal decided, only if nobody decided it since ``version`` was read."""
    done = store.execute(
        "UPDATE kb_proposals SET status = ?, reviewer = ?, reviewed_at = current_timestamp, "
        "review_note = ?, version = version + 1 WHERE proposal_id = ? AND status = 'open' AND version = ? "
        "RETURNING proposal_id",
        [status, reviewer, note, proposal_id, version],
    ).fetchall()
    return bool(done)


def last_approved_for(store: Store, kind: str, target: str, after_id: int) -> dict[str, Any] | None:
    """The latest approved proposal other than ``after_id`` whose result is the row ``target``."""
    found = store.rows(
        "SELECT p.proposal_id, p.author, p.reviewer, p.reviewed_at FROM kb_changes c "
        "JOIN kb_proposals p ON p.proposal_id = c.proposal_id WHERE c.event = 'approved' AND c.kind = ? "
        "AND (c.target = ? OR c.result_key = ?) AND p.proposal_id <> ? ORDER BY c.change_id DESC LIMIT 1",
        [kind, target, target, after_id],
    )
    return found[0] if found else None


def lock_kb(store: Store) -> None:
    """Serialise writers of the KB until this transaction ends: a no-op update of the one
    ``kb_meta`` row. On PostgreSQL a second approver waits here, then reads the first one's
    result (so its version check sees the change); DuckDB allows one writing process anyway."""
    store.execute("UPDATE kb_meta SET steppe_version = steppe_version")


# -- the audit log ---------------------------------------------------------------------------
def log_change(store: Store, row: dict[str, Any]) -> None:
    cols = list(row)
    store.execute(
        f"INSERT INTO kb_changes ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row[c] for c in cols],
    )


def changes(
    store: Store,
    org: str | None = None,
    country: str | None = None,
    author: str | None = None,
    proposal_id: int | None = None,
) -> list[dict[str, Any]]:
    """The audit log, oldest first; ``org`` and ``country`` match any organisation or country the
    change is about, ``author`` the proposer or the reviewer."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if org:
        where.append("(' ' || coalesce(org, '') || ' ') LIKE ?")
        params.append(f"% {org} %")
    if country:
        where.append("(' ' || coalesce(country, '') || ' ') LIKE ?")
        params.append(f"% {country} %")
    if author:
        where.append("(author = ? OR reviewer = ?)")
        params += [author, author]
    if proposal_id is not None:
        where.append("proposal_id = ?")
        params.append(proposal_id)
    return store.rows(
        "SELECT change_id, changed_at, event, proposal_id, kind, action, target, result_key, org, country, "
        f"author, reviewer, note, before_record, after_record FROM kb_changes WHERE {' AND '.join(where)} "
        "ORDER BY change_id",
        params,
    )


# -- rows of the kb_* tables -----------------------------------------------------------------
def rows_of(store: Store, table: str, org: str | None = None, event_id: str | None = None) -> list[dict]:
    """Rows of one table a proposal may change: one organisation's, or one event."""
    if table == "events":
        return store.rows("SELECT * FROM kb_events WHERE id = ?", [event_id])
    return store.rows(f"SELECT * FROM kb_{table} WHERE org = ?", [org])


def delete_row(store: Store, table: str, key: dict[str, Any]) -> int:
    cols = KEY_COLUMNS[table]
    cond = " AND ".join(f"{c} IS NOT DISTINCT FROM ?" for c in cols)
    # count first: DuckDB and PostgreSQL report DELETE counts differently
    n = store.execute(f"SELECT count(*) FROM kb_{table} WHERE {cond}", [key[c] for c in cols]).fetchone()[0]
    store.execute(f"DELETE FROM kb_{table} WHERE {cond}", [key[c] for c in cols])
    return int(n)


def delete_source(store: Store, source_id: str) -> None:
    store.execute("DELETE FROM kb_sources WHERE id = ?", [source_id])


def insert_kb_rows(store: Store, table: str, frame: pd.DataFrame) -> int:
    """Add KB rows to ``kb_<table>`` (a frame as :func:`steppe.kb.sync.store_frame` makes it:
    dates split into their window columns)."""
    return store.insert_frame(f"kb_{table}", frame)
