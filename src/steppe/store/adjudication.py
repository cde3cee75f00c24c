"""SQL for coding together (migration 092): opened comparisons and adjudicated decisions.

Portable SQL with ``?`` parameters. Callers group writes in ``store.transaction()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from steppe.store.db import Store


def open_comparison(store: Store, doc_id: str, codebook: str, editor: str) -> bool:
    """Record that ``editor`` opened comparison of a document's codings; False if already open.

    One statement, so two editors opening the same comparison at the same moment do not fail on
    the key: on PostgreSQL the second waits for the first and stores nothing.
    """
    made = store.execute(
        "INSERT INTO texts_comparisons (doc_id, codebook, opened_by) VALUES (?, ?, ?) "
        "ON CONFLICT (doc_id, codebook) DO NOTHING RETURNING doc_id",
        [doc_id, codebook, editor],
    ).fetchall()
    return bool(made)


def comparisons(store: Store) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT doc_id, codebook, opened_by, opened_at FROM texts_comparisons ORDER BY doc_id, codebook"
    )


def is_open(store: Store, doc_id: str, codebook: str) -> bool:
    row = store.execute(
        "SELECT count(*) FROM texts_comparisons WHERE doc_id = ? AND codebook = ?", [doc_id, codebook]
    ).fetchone()
    return bool(row[0])


def lock_comparison(store: Store, doc_id: str, codebook: str) -> None:
    """Serialise adjudications of one document and codebook until this transaction ends (a no-op
    update of its comparison row), so two editors cannot both leave a current decision."""
    store.execute(
        "UPDATE texts_comparisons SET opened_by = opened_by WHERE doc_id = ? AND codebook = ?",
        [doc_id, codebook],
    )


def supersede(store: Store, doc_id: str, seg_no: int, code: str) -> None:
    """Mark the current decision on one unit (segment, code) as replaced."""
    store.execute(
        "UPDATE texts_adjudications SET superseded_at = current_timestamp WHERE doc_id = ? AND seg_no = ? "
        "AND code = ? AND superseded_at IS NULL",
        [doc_id, seg_no, code],
    )


def insert_adjudication(
    store: Store, doc_id: str, seg_no: int, code: str, decision: str, editor: str, note: str | None
) -> int:
    return int(
        store.execute(
            "INSERT INTO texts_adjudications (doc_id, seg_no, code, decision, editor, note) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING adjudication_id",
            [doc_id, seg_no, code, decision, editor, note],
        ).fetchone()[0]
    )


def adjudications(
    store: Store, doc_ids: list[str] | None = None, current: bool = True
) -> list[dict[str, Any]]:
    """Decisions, the current one per unit unless ``current`` is False (then the whole record)."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if current:
        where.append("superseded_at IS NULL")
    rows = store.rows(
        "SELECT adjudication_id, doc_id, seg_no, code, decision, editor, note, decided_at, superseded_at "
        f"FROM texts_adjudications WHERE {' AND '.join(where)} "
        "ORDER BY doc_id, seg_no, code, adjudication_id",
        params,
    )
    if doc_ids is not None:
        wanted = set(doc_ids)
        rows = [r for r in rows if r["doc_id"] in wanted]
    return rows
