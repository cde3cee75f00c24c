"""SQL for the texts tables: documents, segments, codebooks, mentions, codings, suggestions.

Callers group writes in ``store.transaction()``; every function here is one statement or
a few, and none commits on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from steppe.store.db import Store

#: Coding rows still in force (removed ones are kept for the record).
LIVE = "c.removed_at IS NULL"


# -- documents and segments ------------------------------------------------------------------
def doc_ids(store: Store) -> set[str]:
    return {r[0] for r in store.execute("SELECT doc_id FROM texts_documents").fetchall()}


def hashes(store: Store) -> dict[str, str]:
    """content_hash -> doc_id of every stored document."""
    return dict(store.execute("SELECT content_hash, doc_id FROM texts_documents").fetchall())


def signatures(store: Store) -> list[tuple[str, list[int]]]:
    return [(r[0], r[1]) for r in store.execute("SELECT doc_id, minhash FROM texts_documents").fetchall()]


def insert_document(store: Store, row: dict[str, Any]) -> None:
    cols = list(row)
    store.execute(
        f"INSERT INTO texts_documents ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [row[c] for c in cols],
    )


def insert_frame(store: Store, table: str, frame: pd.DataFrame) -> int:
    return store.insert_frame(table, frame)


def documents(store: Store) -> list[dict]:
    return store.rows(
        "SELECT d.doc_id, d.title, d.author, d.date, d.publisher, d.kind, d.language, d.format, "
        "d.path, d.n_chars, (SELECT count(*) FROM texts_segments s WHERE s.doc_id = d.doc_id) AS segments, "
        "d.near_duplicate_of, d.near_duplicate_similarity FROM texts_documents d ORDER BY d.doc_id"
    )


def segment_count(store: Store, doc_id: str) -> int:
    """How many segments one stored document has."""
    return int(store.scalar("SELECT count(*) FROM texts_segments WHERE doc_id = ?", [doc_id]) or 0)


def document(store: Store, doc_id: str) -> dict | None:
    found = store.rows("SELECT * FROM texts_documents WHERE doc_id = ?", [doc_id])
    return found[0] if found else None


def segments(store: Store, doc_ids: list[str] | None = None) -> pd.DataFrame:
    if doc_ids:
        return store.query(
            "SELECT doc_id, seg_no, start_pos, end_pos, text FROM texts_segments "
            f"WHERE {store.dialect.in_list('doc_id')} ORDER BY doc_id, seg_no",
            [doc_ids],
        )
    return store.query(
        "SELECT doc_id, seg_no, start_pos, end_pos, text FROM texts_segments ORDER BY doc_id, seg_no"
    )


def segment(store: Store, doc_id: str, seg_no: int) -> dict | None:
    found = store.rows(
        "SELECT doc_id, seg_no, start_pos, end_pos, text FROM texts_segments WHERE doc_id = ? AND seg_no = ?",
        [doc_id, seg_no],
    )
    return found[0] if found else None


# -- codebooks and codes ---------------------------------------------------------------------
def replace_codebook(store: Store, meta: dict[str, Any], codes: pd.DataFrame) -> None:
    """Replace one codebook's metadata and codes (codings that use its codes are kept)."""
    store.execute("DELETE FROM texts_codes WHERE codebook = ?", [meta["codebook"]])
    store.execute("DELETE FROM texts_codebooks WHERE codebook = ?", [meta["codebook"]])
    store.execute(
        "INSERT INTO texts_codebooks (codebook, name, version, source, path) VALUES (?, ?, ?, ?, ?)",
        [meta["codebook"], meta["name"], meta.get("version"), meta["source"], meta.get("path")],
    )
    store.insert_frame("texts_codes", codes)


def ensure_codebook_row(store: Store, codebook: str, name: str, source: str) -> None:
    store.execute(
        "INSERT INTO texts_codebooks (codebook, name, source) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [codebook, name, source],
    )


def ensure_codes(store: Store, codes: pd.DataFrame) -> None:
    """Insert codes whose key is not stored yet.

    ``ON CONFLICT DO NOTHING``, not a check before the insert: two sessions adding the same code
    at once (actor recognition, a QDPX import) store it once, and neither fails.
    """
    if codes.empty:
        return
    with store.frame_as_table("_steppe_new_codes", codes.drop_duplicates("code")) as view:
        cols = ", ".join(codes.columns)
        store.execute(
            f"INSERT INTO texts_codes ({cols}) SELECT {cols} FROM {view} n ON CONFLICT (code) DO NOTHING"
        )


def codebooks(store: Store) -> list[dict]:
    return store.rows(
        "SELECT b.codebook, b.name, b.version, b.source, "
        "(SELECT count(*) FROM texts_codes c WHERE c.codebook = b.codebook) AS codes "
        "FROM texts_codebooks b ORDER BY b.codebook"
    )


def codes(store: Store, codebook: str | None = None) -> list[dict]:
    where, params = ("WHERE codebook = ?", [codebook]) if codebook else ("", [])
    return store.rows(
        "SELECT code, codebook, parent, name, definition, include_note, exclude_note, examples, keywords, "
        f"position FROM texts_codes {where} ORDER BY codebook, position, code",
        params,
    )


def code_exists(store: Store, code: str) -> bool:
    return bool(store.execute("SELECT count(*) FROM texts_codes WHERE code = ?", [code]).fetchone()[0])


# -- codings ---------------------------------------------------------------------------------
def insert_coding(store: Store, row: dict[str, Any]) -> int:
    cols = list(row)
    return store.execute(
        f"INSERT INTO texts_codings ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
        "RETURNING coding_id",
        [row[c] for c in cols],
    ).fetchone()[0]


def live_coding(store: Store, doc_id: str, seg_no: int, code: str, coder: str) -> dict | None:
    found = store.rows(
        "SELECT * FROM texts_codings c WHERE doc_id = ? AND seg_no = ? AND code = ? AND coder = ? AND "
        + LIVE,
        [doc_id, seg_no, code, coder],
    )
    return found[0] if found else None


def remove_coding(store: Store, coding_id: int, removed_by: str) -> None:
    store.execute(
        "UPDATE texts_codings SET removed_at = current_timestamp, removed_by = ? WHERE coding_id = ?",
        [removed_by, coding_id],
    )


def set_memo(store: Store, coding_id: int, memo: str) -> None:
    store.execute("UPDATE texts_codings SET memo = ? WHERE coding_id = ?", [memo, coding_id])


def codings(
    store: Store,
    doc_ids: list[str] | None = None,
    coders: list[str] | None = None,
    include_removed: bool = False,
) -> pd.DataFrame:
    where = ["TRUE"]
    params: dict[str, Any] = {}
    if not include_removed:
        where.append(LIVE)
    if doc_ids:
        where.append(store.dialect.in_list("c.doc_id", "$docs"))
        params["docs"] = doc_ids
    if coders:
        where.append(store.dialect.in_list("c.coder", "$coders"))
        params["coders"] = coders
    return store.query(
        "SELECT c.coding_id, c.doc_id, c.seg_no, c.start_pos, c.end_pos, c.code, c.coder, c.origin, c.memo, "
        "c.suggestion_id, c.created_at, c.removed_at, c.removed_by FROM texts_codings c WHERE "
        + " AND ".join(where)
        + " ORDER BY c.doc_id, c.seg_no, c.code, c.coder, c.coding_id",
        params or None,
    )


def coders(store: Store) -> list[str]:
    return [r[0] for r in store.execute("SELECT DISTINCT coder FROM texts_codings ORDER BY 1").fetchall()]


# -- suggestions -----------------------------------------------------------------------------
def delete_open_suggestions(store: Store, doc_ids: list[str], codebook: str) -> None:
    """Drop undecided suggestions of one codebook before a re-run; decided ones are kept."""
    store.execute(
        f"DELETE FROM texts_suggestions WHERE decision IS NULL AND {store.dialect.in_list('doc_id')} "
        f"AND {store.dialect.starts_with('code')}",
        [doc_ids, f"{codebook}:"],
    )


def suggestions(
    store: Store, doc_ids: list[str] | None = None, status: str | None = None, min_confidence: float = 0.0
) -> pd.DataFrame:
    where = ["confidence >= $minc"]
    params: dict[str, Any] = {"minc": min_confidence}
    if doc_ids:
        where.append(store.dialect.in_list("doc_id", "$docs"))
        params["docs"] = doc_ids
    if status == "open":
        where.append("decision IS NULL")
    elif status in ("accepted", "rejected"):
        where.append("decision = $status")
        params["status"] = status
    return store.query(
        "SELECT suggestion_id, doc_id, seg_no, code, confidence, rule_score, similarity, reason, method, "
        "created_at, decision, decided_by, decided_at FROM texts_suggestions WHERE "
        + " AND ".join(where)
        + " ORDER BY doc_id, seg_no, confidence DESC, code",
        params,
    )


def suggestion(store: Store, suggestion_id: int) -> dict | None:
    found = store.rows("SELECT * FROM texts_suggestions WHERE suggestion_id = ?", [suggestion_id])
    return found[0] if found else None


def decide_suggestion(store: Store, suggestion_id: int, decision: str, coder: str) -> None:
    store.execute(
        "UPDATE texts_suggestions SET decision = ?, decided_by = ?, decided_at = current_timestamp "
        "WHERE suggestion_id = ?",
        [decision, coder, suggestion_id],
    )


# -- mentions and queries --------------------------------------------------------------------
def actor_mentions(store: Store, doc_id: str | None) -> list[dict]:
    where, params = ("WHERE doc_id = ?", [doc_id]) if doc_id else ("", [])
    cite = "doc_id || ':' || seg_no"
    return store.rows(
        "SELECT actor, min(actor_kind) AS kind, count(*) AS mentions, "
        "count(DISTINCT doc_id) AS documents, "
        f"{store.dialect.list_agg(cite, distinct=True)} AS segments "
        f"FROM texts_mentions {where} GROUP BY actor ORDER BY mentions DESC, actor",
        params,
    )


def mentions(store: Store, doc_id: str) -> list[dict]:
    return store.rows(
        "SELECT doc_id, seg_no, actor, actor_kind, start_pos, end_pos, surface FROM texts_mentions "
        "WHERE doc_id = ? ORDER BY start_pos",
        [doc_id],
    )


def mentions_by_document(store: Store, doc_ids: list[str]) -> list[dict]:
    """Per document and KB actor: mentions and the segments that hold them (frameworks' salience)."""
    if not doc_ids:
        return []
    return store.rows(
        "SELECT doc_id, actor, min(actor_kind) AS kind, count(*) AS mentions, "
        f"{store.dialect.list_agg('seg_no', distinct=True)} AS segments FROM texts_mentions "
        f"WHERE {store.dialect.in_list('doc_id', '$docs')} GROUP BY doc_id, actor ORDER BY doc_id, actor",
        {"docs": list(doc_ids)},
    )


def document_texts(store: Store, doc_ids: list[str]) -> dict[str, str]:
    """doc_id -> stored text, for many documents in one query."""
    if not doc_ids:
        return {}
    rows = store.rows(
        f"SELECT doc_id, text FROM texts_documents WHERE {store.dialect.in_list('doc_id', '$docs')}",
        {"docs": list(doc_ids)},
    )
    return {r["doc_id"]: r["text"] for r in rows}
