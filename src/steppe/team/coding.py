"""Coding together: independent (blind) coding, comparison, agreement and adjudication.

Every coding row carries its coder (``texts_codings.coder``: the account name). The rules:

- **Blind coding.** A coder or reader sees only their own codes on a document, until an editor
  opens the comparison of that document for a codebook (:func:`compare`); from then on every
  account sees every coder's codes of that codebook there. Editors and admins see everything.
- **Comparison** (editors): per code and overall, Cohen's kappa (two coders) and Krippendorff's
  alpha (any number; nominal), computed by :mod:`steppe.texts.reliability` over every
  (segment, code) unit of the documents, and the *disagreeing passages*: units some coders
  coded and others did not, with who did which.
- **Adjudication** (editors, after the comparison is open): the editor's decision on a unit,
  ``applies`` or ``does_not_apply``, with a note. Each decision is kept
  (``texts_adjudications``, a later one supersedes the earlier); a unit decided ``applies``
  carries a live coding by the pseudo-coder ``adjudicated`` (origin ``adjudication``), so
  queries, frameworks and exports (CSV's ``coder`` column, QDPX's users) can use the
  adjudicated codes as one more coder.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.store import Store, open_store
from steppe.store import adjudication as store_adjudication
from steppe.store import texts as store_texts
from steppe.team.auth import User, require
from steppe.texts.coding import apply_code, codings, remove_code, resolve_code
from steppe.texts.query import agreement, coded
from steppe.texts.suggest import AUTO_CODER

#: The pseudo-coder whose codings are the editor's adjudicated decisions.
ADJUDICATED = "adjudicated"
DECISIONS = ("applies", "does_not_apply")
#: Machine coders: KB actor recognition and the auto-coder. Their codes are no person's judgement,
#: so every account sees them; they are never compared as coders.
ACTOR_CODER = "steppe-actors"
MACHINE_CODERS = frozenset({ACTOR_CODER, AUTO_CODER})
_MACHINES = MACHINE_CODERS | {ADJUDICATED}


def _store(store: Store | None) -> Store:
    return store if store is not None else open_store()


def code(
    doc_id: str, seg_no: int, code: str, *, user: User, memo: str | None = None, store: Store | None = None
) -> dict[str, Any]:
    """Apply ``code`` to a segment as ``user`` (a coder or higher); the coding carries their name."""
    require(user, "coder", "Coding a document")
    return apply_code(doc_id, seg_no, code, user.name, memo, store=_store(store))


def uncode(doc_id: str, seg_no: int, code: str, *, user: User, store: Store | None = None) -> dict[str, Any]:
    """Withdraw ``user``'s own code from a segment (kept in the history)."""
    require(user, "coder", "Removing a code")
    return remove_code(doc_id, seg_no, code, user.name, store=_store(store))


def _codebook(code_key: str) -> str:
    return code_key.split(":", 1)[0]


def visible_codings(
    user: User, doc_ids: list[str] | None = None, *, store: Store | None = None
) -> pd.DataFrame:
    """The live codings ``user`` may see: editors everything; others their own and the machine
    coders' (actor recognition), plus every code of a codebook whose comparison an editor opened
    on that document."""
    st = _store(store)
    return filter_visible(codings(doc_ids, store=st), user, opened_comparisons(st))


def opened_comparisons(store: Store) -> set[tuple[str, str]]:
    """(doc_id, codebook) pairs whose comparison an editor opened."""
    return {(r["doc_id"], r["codebook"]) for r in store_adjudication.comparisons(store)}


def filter_visible(frame: pd.DataFrame, user: User, opened: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of a codings frame (``doc_id``, ``code``, ``coder``) that ``user`` may see."""
    if user.authenticated and user.can("editor"):
        return frame
    own = frame["coder"].isin(MACHINE_CODERS)
    if user.authenticated:
        own = own | (frame["coder"] == user.name)
    revealed = pd.Series(
        [(d, _codebook(c)) in opened for d, c in zip(frame["doc_id"], frame["code"], strict=True)],
        index=frame.index,
        dtype=bool,
    )
    return frame[own | revealed].reset_index(drop=True)


def _check_docs(st: Store, doc_ids: list[str]) -> None:
    if not doc_ids:
        raise UsageError(
            "Name the documents to compare, for example doc_ids 'brief-2023'.", params=("doc_ids",)
        )
    known = store_texts.doc_ids(st)
    for d in doc_ids:
        if d not in known:
            raise NotFoundError(f"Unknown document '{d}'; run 'steppe texts list' to see the ids.")


def coders_of(doc_ids: list[str], codebook: str, *, store: Store | None = None) -> list[str]:
    """The people (not the auto-coder, not adjudication) who applied a code of ``codebook`` there."""
    frame = coded(_store(store), doc_ids, None, codebook)
    return sorted(set(frame["coder"]) - _MACHINES)


def compare(
    doc_ids: list[str],
    codebook: str,
    *,
    editor: User,
    coders: list[str] | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Open the comparison of ``doc_ids`` for ``codebook`` (coders now see each other's codes) and
    return agreement per code and the disagreeing passages.

    ``coders`` defaults to every person who coded the documents with the codebook; two at least.
    """
    require(editor, "editor", "Comparing coders")
    st = _store(store)
    _check_docs(st, doc_ids)
    people = sorted(set(coders)) if coders else coders_of(doc_ids, codebook, store=st)
    if len(people) < 2:
        who = ", ".join(people) if people else "nobody"
        raise UsageError(
            f"Comparison needs two coders, but {who} coded these documents with codebook '{codebook}'; "
            "wait until a second coder has coded them."
        )
    with st.transaction():
        for doc_id in doc_ids:
            store_adjudication.open_comparison(st, doc_id, codebook, editor.name)
    rows = agreement(people, codebook, doc_ids, store=st)
    return {
        "documents": list(doc_ids),
        "codebook": codebook,
        "coders": people,
        "agreement": rows,
        "disagreements": disagreements(doc_ids, codebook, people, store=st),
    }


def disagreements(
    doc_ids: list[str], codebook: str, coders: list[str], *, store: Store | None = None
) -> list[dict[str, Any]]:
    """Units (segment, code) that some of ``coders`` applied and others did not, with the passage,
    who applied it, who did not, and the current adjudication if any."""
    st = _store(store)
    frame = coded(st, doc_ids, coders, codebook)
    if frame.empty:
        return []
    segments = store_texts.segments(st, doc_ids).set_index(["doc_id", "seg_no"])["text"]
    decided = {
        (a["doc_id"], a["seg_no"], a["code"]): a for a in store_adjudication.adjudications(st, doc_ids)
    }
    out = []
    for keys, group in frame.groupby(["doc_id", "seg_no", "code"], sort=True):
        doc_id, seg_no, key = cast(tuple[str, int, str], keys)
        applied = sorted(set(group["coder"]))
        if len(applied) == len(coders):
            continue
        decision = decided.get((doc_id, int(seg_no), key))
        out.append(
            {
                "doc_id": doc_id,
                "seg_no": int(seg_no),
                "code": key,
                "applied_by": applied,
                "not_applied_by": [c for c in coders if c not in applied],
                "text": str(segments.get((doc_id, seg_no), "")),
                "decision": decision["decision"] if decision else None,
                "decided_by": decision["editor"] if decision else None,
            }
        )
    return out


def adjudicate(
    doc_id: str,
    seg_no: int,
    code: str,
    decision: str,
    *,
    editor: User,
    note: str | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """Record the editor's decision on one unit; ``applies`` makes it an ``adjudicated`` coding."""
    require(editor, "editor", "Adjudicating a code")
    if decision not in DECISIONS:
        raise UsageError(f"Decision '{decision}' is not one of {', '.join(DECISIONS)}.")
    st = _store(store)
    key = resolve_code(st, code)
    seg = store_texts.segment(st, doc_id, seg_no)
    if seg is None:
        raise NotFoundError(
            f"Document '{doc_id}' has no segment {seg_no}; run 'steppe texts segments {doc_id}' to see them."
        )
    if not store_adjudication.is_open(st, doc_id, _codebook(key)):
        raise UsageError(
            f"Open the comparison of '{doc_id}' for codebook '{_codebook(key)}' first "
            "('steppe texts compare-coders'): adjudication follows the comparison."
        )
    with st.transaction():
        store_adjudication.lock_comparison(st, doc_id, _codebook(key))
        store_adjudication.supersede(st, doc_id, seg_no, key)
        adjudication_id = store_adjudication.insert_adjudication(
            st, doc_id, seg_no, key, decision, editor.name, note
        )
        live = store_texts.live_coding(st, doc_id, seg_no, key, ADJUDICATED)
        if decision == "applies" and live is None:
            store_texts.insert_coding(
                st,
                {"doc_id": doc_id, "seg_no": seg_no, "start_pos": seg["start_pos"], "end_pos": seg["end_pos"],
                 "code": key, "coder": ADJUDICATED, "origin": "adjudication", "memo": note},
            )  # fmt: skip
        elif decision == "does_not_apply" and live is not None:
            store_texts.remove_coding(st, live["coding_id"], editor.name)
    return {"adjudication_id": adjudication_id, "doc_id": doc_id, "seg_no": seg_no, "code": key,
            "decision": decision, "editor": editor.name, "note": note}  # fmt: skip


def adjudications(
    doc_ids: list[str] | None = None, *, history: bool = False, store: Store | None = None
) -> list[dict[str, Any]]:
    """The current decision per unit, or with ``history`` every decision ever recorded."""
    return store_adjudication.adjudications(_store(store), doc_ids, current=not history)


def comparisons(*, store: Store | None = None) -> list[dict[str, Any]]:
    """Documents whose comparison is open, per codebook, by whom and when."""
    return store_adjudication.comparisons(_store(store))
