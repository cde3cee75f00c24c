"""Manual coding: load codebooks, apply and remove codes on segments, write memos.

Every coding row records who coded (``coder``), when (``created_at``) and how (``origin``:
``manual``, ``suggestion`` for an accepted auto-coding suggestion, ``actors`` for KB actor
recognition, ``qdpx`` for an import). Removing a coding stamps ``removed_at`` and
``removed_by`` rather than deleting it, so the history stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.store import Store, open_store
from steppe.store import texts as store_texts
from steppe.texts.codebook import Codebook, bundled_codebooks, load_codebook


def _store(store: Store | None) -> Store:
    return store if store is not None else open_store()


def codes_frame(codebook: Codebook) -> pd.DataFrame:
    """The ``texts_codes`` rows of a codebook."""
    return pd.DataFrame(
        {
            "code": [c.key for c in codebook.codes],
            "codebook": codebook.id,
            "parent": [c.parent for c in codebook.codes],
            "name": [c.name for c in codebook.codes],
            "definition": [c.definition for c in codebook.codes],
            "include_note": [c.include for c in codebook.codes],
            "exclude_note": [c.exclude for c in codebook.codes],
            "examples": [list(c.examples) for c in codebook.codes],
            "keywords": [list(c.keywords) for c in codebook.codes],
            "position": list(range(len(codebook.codes))),
        }
    )


def load_into_store(name_or_path: str | Path, *, store: Store | None = None) -> Codebook:
    """Validate a codebook (bundled id or YAML path) and store it, replacing an older version."""
    codebook = load_codebook(name_or_path)
    st = _store(store)
    with st.transaction():
        store_texts.replace_codebook(
            st,
            {
                "codebook": codebook.id,
                "name": codebook.name,
                "version": codebook.version,
                "source": codebook.source,
                "path": codebook.path,
            },
            codes_frame(codebook),
        )
    return codebook


def resolve_code(store: Store, code: str) -> str:
    """The full key of a code given as ``codebook:id`` or, when unambiguous, as ``id``."""
    if ":" in code:
        codebook = code.split(":", 1)[0]
        stored = {r["codebook"] for r in store_texts.codebooks(store)}
        if codebook not in stored and codebook in bundled_codebooks():
            load_into_store(codebook, store=store)
        if store_texts.code_exists(store, code):
            return code
        if codebook in stored or codebook in bundled_codebooks():
            raise NotFoundError(
                f"Unknown code '{code}'; run 'steppe texts codebook codes {codebook}' to list them."
            )
        raise NotFoundError(
            f"Unknown code '{code}': load its codebook first with 'steppe texts codebook load PATH'."
        )
    matches = [r["code"] for r in store_texts.codes(store) if r["code"].split(":", 1)[1] == code]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UsageError(f"Code '{code}' is ambiguous ({', '.join(matches)}); give it as codebook:id.")
    raise NotFoundError(
        f"Unknown code '{code}'; give it as codebook:id (e.g. ecdpm:{code}) or run "
        "'steppe texts codebook codes' to list the loaded codes."
    )


def _segment(store: Store, doc_id: str, seg_no: int) -> dict:
    seg = store_texts.segment(store, doc_id, seg_no)
    if seg is None:
        if store_texts.document(store, doc_id) is None:
            raise NotFoundError(f"Unknown document '{doc_id}'; run 'steppe texts list' to see the ids.")
        raise NotFoundError(
            f"Document '{doc_id}' has no segment {seg_no}; run 'steppe texts segments {doc_id}' to see them."
        )
    return seg


def _check_coder(coder: str) -> str:
    coder = (coder or "").strip()
    if not coder:
        raise UsageError("Give a coder id with coder, for example coder 'alice'.", params=("coder",))
    return coder


def apply_code(
    doc_id: str,
    seg_no: int,
    code: str,
    coder: str,
    memo: str | None = None,
    *,
    store: Store | None = None,
) -> dict[str, Any]:
    """Code a segment; applying a code the coder already applied there only updates the memo."""
    st = _store(store)
    coder = _check_coder(coder)
    seg = _segment(st, doc_id, seg_no)
    key = resolve_code(st, code)
    with st.transaction():
        existing = store_texts.live_coding(st, doc_id, seg_no, key, coder)
        if existing is not None:
            if memo is not None:
                store_texts.set_memo(st, existing["coding_id"], memo)
            coding_id = existing["coding_id"]
        else:
            coding_id = store_texts.insert_coding(
                st,
                {
                    "doc_id": doc_id,
                    "seg_no": seg_no,
                    "start_pos": seg["start_pos"],
                    "end_pos": seg["end_pos"],
                    "code": key,
                    "coder": coder,
                    "origin": "manual",
                    "memo": memo,
                },
            )
    return {"coding_id": coding_id, "doc_id": doc_id, "seg_no": seg_no, "code": key, "coder": coder}


def remove_code(doc_id: str, seg_no: int, code: str, coder: str, *, store: Store | None = None) -> dict:
    """Withdraw a coder's code from a segment (kept in the history with ``removed_at``)."""
    st = _store(store)
    coder = _check_coder(coder)
    _segment(st, doc_id, seg_no)
    key = resolve_code(st, code)
    existing = store_texts.live_coding(st, doc_id, seg_no, key, coder)
    if existing is None:
        raise NotFoundError(f"{coder} has not coded {doc_id} segment {seg_no} with {key}; nothing to remove.")
    with st.transaction():
        store_texts.remove_coding(st, existing["coding_id"], coder)
    return {
        "coding_id": existing["coding_id"],
        "doc_id": doc_id,
        "seg_no": seg_no,
        "code": key,
        "coder": coder,
    }


def set_memo(
    doc_id: str, seg_no: int, code: str, coder: str, memo: str, *, store: Store | None = None
) -> dict:
    """Attach or replace the memo on a coder's coding of a segment."""
    st = _store(store)
    coder = _check_coder(coder)
    key = resolve_code(st, code)
    existing = store_texts.live_coding(st, doc_id, seg_no, key, coder)
    if existing is None:
        raise NotFoundError(
            f"{coder} has not coded {doc_id} segment {seg_no} with {key}; apply the code first."
        )
    with st.transaction():
        store_texts.set_memo(st, existing["coding_id"], memo)
    return {"coding_id": existing["coding_id"], "memo": memo}


def codings(
    doc_ids: list[str] | None = None,
    coders: list[str] | None = None,
    *,
    include_removed: bool = False,
    store: Store | None = None,
) -> pd.DataFrame:
    """Coding rows (live ones unless ``include_removed``), optionally for some documents or coders."""
    return store_texts.codings(_store(store), doc_ids, coders, include_removed)
