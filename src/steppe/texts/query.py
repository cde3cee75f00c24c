"""Questions over coded texts; every answer cites its documents and segments.

Citations are ``doc_id:seg_no`` strings; ``steppe texts segments DOC`` shows the segment
with its character offsets into the stored text.

Which codings count: by default every live coding (manual, accepted suggestions, QDPX
imports and KB actor codes); ``coders`` narrows them, and the pseudo-coder ``auto`` stands
for the auto-coder: the stored suggestions that were not rejected, at or above
``min_confidence``.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.store import Store, open_store
from steppe.store import texts as store_texts
from steppe.texts.codebook import ACTOR_CODEBOOK, keyword_pattern
from steppe.texts.reliability import coding_reliability
from steppe.texts.suggest import AUTO_CODER, suggest


def _store(store: Store | None) -> Store:
    return store if store is not None else open_store()


def _check_docs(st: Store, doc_ids: list[str] | None) -> None:
    known = store_texts.doc_ids(st)
    for d in doc_ids or []:
        if d not in known:
            raise NotFoundError(f"Unknown document '{d}'; run 'steppe texts list' to see the ids.")


def coded(
    st: Store,
    doc_ids: list[str] | None = None,
    coders: list[str] | None = None,
    codebook: str | None = None,
    min_confidence: float = 0.0,
) -> pd.DataFrame:
    """(doc_id, seg_no, code, coder) rows of the chosen coders, one per distinct quadruple."""
    frames = []
    people = [c for c in coders or [] if c != AUTO_CODER]
    if coders is None or people:
        frames.append(store_texts.codings(st, doc_ids, people or None)[["doc_id", "seg_no", "code", "coder"]])
    if coders is not None and AUTO_CODER in coders:
        sug = store_texts.suggestions(st, doc_ids, None, min_confidence)
        sug = sug[sug["decision"].fillna("") != "rejected"]
        frames.append(sug[["doc_id", "seg_no", "code"]].assign(coder=AUTO_CODER))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return pd.DataFrame(columns=["doc_id", "seg_no", "code", "coder"])
    if codebook:
        frame = frame[frame["code"].str.startswith(f"{codebook}:")]
    return frame.drop_duplicates().reset_index(drop=True)


def _cites(frame: pd.DataFrame) -> list[str]:
    pairs = sorted(set(zip(frame["doc_id"], frame["seg_no"], strict=True)))
    return [f"{d}:{s}" for d, s in pairs]


def frequencies(
    doc_ids: list[str] | None = None,
    codebook: str | None = None,
    coders: list[str] | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Per document and code: segments coded, codings, coders, and the segments cited."""
    st = _store(store)
    _check_docs(st, doc_ids)
    frame = coded(st, doc_ids, coders, codebook)
    rows = []
    for (doc, code), g in frame.groupby(["doc_id", "code"], sort=True):
        rows.append(
            {
                "doc_id": doc,
                "code": code,
                "segments": int(g["seg_no"].nunique()),
                "codings": len(g),
                "coders": sorted(g["coder"].unique()),
                "cites": _cites(g),
            }
        )
    return rows


def actors(doc_id: str | None = None, *, store: Store | None = None) -> list[dict[str, Any]]:
    """KB actors mentioned: ``{"actor", "mentions", "kind", "segments"}``, most mentioned first.

    ``actor`` is an organisation slug or ISO3 code; ``mentions`` counts every occurrence;
    ``segments`` cites the ``doc_id:seg_no`` of each segment that mentions it.
    """
    st = _store(store)
    if doc_id is not None:
        _check_docs(st, [doc_id])
    return [
        {
            "actor": r["actor"],
            "mentions": int(r["mentions"]),
            "kind": r["kind"],
            "segments": sorted(r["segments"], key=lambda c: (c.rsplit(":", 1)[0], int(c.rsplit(":", 1)[1]))),
        }
        for r in store_texts.actor_mentions(st, doc_id)
    ]


def crosstab(
    codebook: str,
    doc_ids: list[str] | None = None,
    coders: list[str] | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Actor × code: segments where a KB actor is mentioned and a code of ``codebook`` applied."""
    st = _store(store)
    _check_docs(st, doc_ids)
    themes = coded(st, doc_ids, coders, codebook)
    actor_rows = coded(st, doc_ids, None, ACTOR_CODEBOOK)
    if themes.empty or actor_rows.empty:
        return []
    a = actor_rows[["doc_id", "seg_no", "code"]].drop_duplicates().rename(columns={"code": "actor"})
    t = themes[["doc_id", "seg_no", "code"]].drop_duplicates()
    joined = a.merge(t, on=["doc_id", "seg_no"])
    rows: list[dict[str, Any]] = []
    for (actor, code), g in joined.groupby(["actor", "code"], sort=True):
        rows.append(
            {
                "actor": str(actor).split(":", 1)[1],
                "code": code,
                "segments": len(g[["doc_id", "seg_no"]].drop_duplicates()),
                "cites": _cites(g),
            }
        )
    rows.sort(key=lambda r: (-r["segments"], r["actor"], r["code"]))
    return rows


def cooccurrence(
    codebook: str | None = None,
    doc_ids: list[str] | None = None,
    coders: list[str] | None = None,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Pairs of codes applied to the same segment, with how many segments and which."""
    st = _store(store)
    _check_docs(st, doc_ids)
    frame = coded(st, doc_ids, coders, codebook)[["doc_id", "seg_no", "code"]].drop_duplicates()
    pairs = frame.merge(frame, on=["doc_id", "seg_no"])
    pairs = pairs[pairs["code_x"] < pairs["code_y"]]
    rows: list[dict[str, Any]] = []
    for (x, y), g in pairs.groupby(["code_x", "code_y"], sort=True):
        rows.append({"code_a": x, "code_b": y, "segments": len(g), "cites": _cites(g)})
    rows.sort(key=lambda r: (-r["segments"], r["code_a"], r["code_b"]))
    return rows


def compare(
    doc_a: str,
    doc_b: str,
    codebook: str = "priorities",
    coders: list[str] | None = None,
    *,
    threshold: float = 0.5,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Two documents' code profiles side by side (the exercise of Gusseinov and Sultonazarov,
    CABAR, in one call).

    For every code of ``codebook``: the share of each document's segments coded with it,
    the difference (A minus B), and where it appears (``both``, ``only A``, ``only B``,
    ``neither``), with the segments cited. With ``coders=["auto"]`` (the default when
    neither document has codings of this codebook) the documents are auto-coded first.
    """
    st = _store(store)
    _check_docs(st, [doc_a, doc_b])
    if doc_a == doc_b:
        raise UsageError("Give two different documents to compare.")
    if coders is None and coded(st, [doc_a, doc_b], None, codebook).empty:
        coders = [AUTO_CODER]
    if coders and AUTO_CODER in coders:
        suggest([doc_a, doc_b], codebook, threshold=threshold, store=st)
    from steppe.texts.coding import load_into_store

    known = {r["codebook"] for r in store_texts.codebooks(st)}
    if codebook not in known:
        load_into_store(codebook, store=st)
    codes = store_texts.codes(st, codebook)
    frame = coded(st, [doc_a, doc_b], coders, codebook, threshold if coders and AUTO_CODER in coders else 0.0)
    sizes = store_texts.segments(st, [doc_a, doc_b]).groupby("doc_id").size().to_dict()
    rows = []
    for c in codes:
        g = frame[frame["code"] == c["code"]]
        ga, gb = g[g["doc_id"] == doc_a], g[g["doc_id"] == doc_b]
        na, nb = int(ga["seg_no"].nunique()), int(gb["seg_no"].nunique())
        share_a, share_b = na / sizes.get(doc_a, 1), nb / sizes.get(doc_b, 1)
        rows.append(
            {
                "code": c["code"],
                "name": c["name"],
                "a_segments": na,
                "a_share": round(share_a, 4),
                "b_segments": nb,
                "b_share": round(share_b, 4),
                "difference": round(share_a - share_b, 4),
                "present": "both" if na and nb else "only A" if na else "only B" if nb else "neither",
                "cites_a": _cites(ga),
                "cites_b": _cites(gb),
            }
        )
    return rows


def kwic(
    keyword: str,
    doc_ids: list[str] | None = None,
    window: int = 60,
    *,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Keyword in context: every match with ``window`` characters either side, and its position.

    The keyword follows codebook keyword rules (case-insensitive whole words, ``*`` for any
    ending, acronyms case-sensitive); ``start`` is the match's offset in the stored text.
    """
    if not keyword.strip():
        raise UsageError("Give a keyword to search for, for example 'water' or 'terror*'.")
    if window < 0:
        raise UsageError(
            f"window {window} is negative: give the characters of context, 0 or more.", params=("window",)
        )
    st = _store(store)
    _check_docs(st, doc_ids)
    regex = re.compile(keyword_pattern(keyword))
    rows = []
    segs = store_texts.segments(st, doc_ids)
    columns = (segs[c] for c in ("doc_id", "seg_no", "start_pos", "text"))
    for doc_id, seg_no, start_pos, text in zip(*columns, strict=True):
        for m in regex.finditer(text):
            left = text[max(0, m.start() - window) : m.start()]
            right = text[m.end() : m.end() + window]
            rows.append(
                {
                    "doc_id": doc_id,
                    "seg_no": int(seg_no),
                    "start": int(start_pos + m.start()),
                    "left": " ".join(left.split()),
                    "match": m.group(0),
                    "right": " ".join(right.split()),
                }
            )
    return rows


def agreement(
    coders: list[str],
    codebook: str,
    doc_ids: list[str] | None = None,
    *,
    min_confidence: float = 0.5,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """Reliability between coders (``auto`` = the auto-coder) over every segment of the documents.

    Without ``doc_ids`` the documents are those in which every named human coder applied at
    least one code of the codebook (or, for ``auto`` alone, that have suggestions).
    """
    if len(set(coders)) < 2:
        raise UsageError(
            "Name two or more different people who coded, for example coders 'alice' and 'bob'.",
            params=("coders",),
        )
    st = _store(store)
    _check_docs(st, doc_ids)
    frames = {c: coded(st, doc_ids, [c], codebook, min_confidence) for c in coders}
    if not doc_ids:
        sets = [set(f["doc_id"]) for f in frames.values()]
        doc_ids = sorted(set.intersection(*sets)) if sets else []
        if not doc_ids:
            raise NotFoundError(
                f"No document was coded with codebook '{codebook}' by all of {', '.join(coders)}; "
                "code some segments or name the documents (doc_ids).",
                params=("doc_ids",),
            )
    units = store_texts.segments(st, doc_ids)[["doc_id", "seg_no"]]
    codes = [r["code"] for r in store_texts.codes(st, codebook)]
    rows = coding_reliability(units, frames, codes)
    for r in rows:
        for i, c in enumerate(coders):
            r[f"n_{c}"] = r.pop(f"n_{i}")
    return rows
