"""Auto-coding: suggest codes for segments, with a confidence and a reason; a person decides.

For each segment and each code of a codebook two signals are computed:

* **rule score** ``r = 1 - 0.5**k`` where ``k`` is the number of distinct codebook keywords
  of the code found in the segment (0, 0.5, 0.75, 0.875, ...);
* **similarity** ``s``: cosine similarity between the segment and the code's profile
  (name, definition, inclusion note, examples and keywords), either in a TF-IDF space fitted
  on the segments and profiles together (core install), or between sentence embeddings
  from a local model (optional extra ``embeddings``), scaled as ``min(1, cos / 0.4)`` for
  TF-IDF (whose cosines between a paragraph and a short profile rarely exceed 0.4).

The confidence is ``1 - (1 - r)(1 - s)``: either signal alone can raise it, both together
raise it more. A suggestion is stored when the confidence reaches the threshold. Accepting
one creates a coding by the person who accepted it; the suggestion keeps its decision, so
both the machine's proposal and the person's judgement stay on record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from steppe.errors import MissingDependencyError, NotFoundError, UsageError
from steppe.store import Store, open_store
from steppe.store import texts as store_texts
from steppe.texts.codebook import Code, Codebook, keyword_pattern
from steppe.texts.coding import load_into_store

METHODS = ("tfidf", "embeddings")
TFIDF_SCALE = 0.4
#: Coder id under which suggestions take part in reliability comparisons.
AUTO_CODER = "auto"


def code_profile(code: Code) -> str:
    """The text a code is compared with: name, definition, inclusion note, examples, keywords."""
    parts = [
        code.name,
        code.definition,
        code.include or "",
        *code.examples,
        *(k.rstrip("*") for k in code.keywords),
    ]
    return "\n".join(p for p in parts if p)


@dataclass
class Scores:
    """Per segment × code: keyword hit counts, rule scores, similarities, confidences, hit words."""

    hits: np.ndarray
    rule: np.ndarray
    similarity: np.ndarray
    confidence: np.ndarray
    matched: list[dict[int, list[str]]]


def keyword_hits(texts: list[str], codes: list[Code]) -> tuple[np.ndarray, list[dict[int, list[str]]]]:
    """Distinct keywords of each code found in each text, in one regex pass per code.

    The texts are joined into one string and each code's keywords form one alternation
    with a named group per keyword; match positions map back to texts by binary search.
    The left word boundary is checked on each match rather than in the pattern: a leading
    look-behind stops Python's regex engine from skipping ahead by first character, which
    halves the run time (profiled on the benchmark corpus).
    """
    sep = "\n\u0000\n"
    starts = np.zeros(len(texts), dtype=np.int64)
    pos = 0
    for i, t in enumerate(texts):
        starts[i] = pos
        pos += len(t) + len(sep)
    corpus = sep.join(texts)
    hits = np.zeros((len(texts), len(codes)), dtype=np.int64)
    matched: list[dict[int, list[str]]] = [{} for _ in codes]
    for j, code in enumerate(codes):
        if not code.keywords:
            continue
        regex = re.compile(
            "|".join(
                f"(?P<k{i}>{keyword_pattern(k, left_boundary=False)})" for i, k in enumerate(code.keywords)
            )
        )
        seen: dict[int, set[int]] = {}
        for m in regex.finditer(corpus):
            if m.start() and corpus[m.start() - 1].isalnum():
                continue
            if m.lastgroup is None:  # every alternative is a named group, so one of them matched
                continue
            seg = int(np.searchsorted(starts, m.start(), side="right") - 1)
            seen.setdefault(seg, set()).add(int(m.lastgroup[1:]))
        for seg, kws in seen.items():
            hits[seg, j] = len(kws)
            matched[j][seg] = [code.keywords[k].rstrip("*") for k in sorted(kws)]
    return hits, matched


def tfidf_similarity(texts: list[str], profiles: list[str]) -> np.ndarray:
    """Cosine similarity (texts × profiles) in a TF-IDF space fitted on both together."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1, dtype=np.float64)
    matrix = vectorizer.fit_transform([*texts, *profiles])
    seg, prof = matrix[: len(texts)], matrix[len(texts) :]
    return np.asarray((seg @ prof.T).toarray())


def embedding_similarity(texts: list[str], profiles: list[str], model_path: str | None) -> np.ndarray:
    """Cosine similarity from a local sentence-transformers model (no network at run time)."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingDependencyError("sentence-transformers", "embeddings") from None
    from steppe.config import embeddings_model

    found = embeddings_model(model_path)
    if found is None or not found.is_dir():
        raise UsageError(
            "Embeddings need a local model folder: pass model_path or set STEPPE_EMBEDDINGS_MODEL "
            "(steppe never downloads a model).",
            params=("model_path",),
        )
    path = str(model_path) if model_path else str(found)
    # local_files_only: the loader never asks the Hub; nothing process-wide (HF_HUB_OFFLINE) is set
    model = SentenceTransformer(path, local_files_only=True)
    a = model.encode(texts, normalize_embeddings=True)
    b = model.encode(profiles, normalize_embeddings=True)
    return np.clip(np.asarray(a @ b.T, dtype=np.float64), 0.0, 1.0)


def score(
    texts: list[str], codes: list[Code], method: str = "tfidf", model_path: str | None = None
) -> Scores:
    """Rule and similarity scores of every text against every code (pure; no store)."""
    if method not in METHODS:
        raise UsageError(f"Unknown method '{method}': use one of {', '.join(METHODS)}.")
    hits, matched = keyword_hits(texts, codes)
    profiles = [code_profile(c) for c in codes]
    if method == "tfidf":
        sim = tfidf_similarity(texts, profiles)
        scaled = np.minimum(1.0, sim / TFIDF_SCALE)
    else:
        sim = embedding_similarity(texts, profiles, model_path)
        scaled = sim
    rule = 1.0 - np.power(0.5, hits)
    confidence = 1.0 - (1.0 - rule) * (1.0 - scaled)
    return Scores(hits, rule, sim, confidence, matched)


def reason(matched: list[str], similarity: float, method: str) -> str:
    words = f"keywords: {', '.join(matched)}" if matched else "no keyword"
    return f"{words}; {method} similarity {similarity:.3f} to the code profile"


def suggestion_frame(
    segments: pd.DataFrame, codes: list[Code], scores: Scores, threshold: float, method: str
) -> pd.DataFrame:
    """Rows for ``texts_suggestions``: every (segment, code) whose confidence reaches ``threshold``."""
    rows_i, cols_j = np.nonzero(scores.confidence >= threshold)
    return pd.DataFrame(
        {
            "doc_id": segments["doc_id"].to_numpy()[rows_i],
            "seg_no": segments["seg_no"].to_numpy()[rows_i],
            "code": [codes[j].key for j in cols_j],
            "confidence": np.round(scores.confidence[rows_i, cols_j], 6),
            "rule_score": scores.rule[rows_i, cols_j],
            "similarity": np.round(scores.similarity[rows_i, cols_j], 6),
            "reason": [
                reason(scores.matched[j].get(int(i), []), float(scores.similarity[i, j]), method)
                for i, j in zip(rows_i, cols_j, strict=True)
            ],
            "method": method,
        }
    )


def suggest(
    doc_ids: list[str] | None,
    codebook: str = "ecdpm",
    *,
    threshold: float = 0.5,
    method: str = "tfidf",
    model_path: str | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Compute and store suggestions for the documents (all when None); return the new rows.

    Undecided suggestions of the same codebook for these documents are replaced; decided
    ones (accepted or rejected) are kept, and a (segment, code) a person already decided on
    is not suggested again.
    """
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"threshold {threshold} is outside (0, 1]; try 0.5.", params=("threshold",))
    st = store if store is not None else open_store()
    cb: Codebook = load_into_store(codebook, store=st)
    segments = store_texts.segments(st, doc_ids)
    if doc_ids:
        missing = sorted(set(doc_ids) - set(segments["doc_id"]))
        if missing:
            raise NotFoundError(f"Unknown document '{missing[0]}'; run 'steppe texts list' to see the ids.")
    if segments.empty:
        raise NotFoundError("No documents in the store; add some with 'steppe texts add PATH'.")
    scores = score(segments["text"].tolist(), cb.codes, method, model_path)
    frame = suggestion_frame(segments, cb.codes, scores, threshold, method)
    docs = sorted(set(segments["doc_id"]))
    decided = store_texts.suggestions(st, docs)
    decided = decided[decided["decision"].notna()][["doc_id", "seg_no", "code"]]
    if not decided.empty and not frame.empty:
        keys = frame.merge(decided.assign(_decided=True), on=["doc_id", "seg_no", "code"], how="left")
        frame = frame[keys["_decided"].isna().to_numpy()]
    with st.transaction():
        store_texts.delete_open_suggestions(st, docs, cb.id)
        store_texts.insert_frame(st, "texts_suggestions", frame)
    return store_texts.suggestions(st, docs).query("decision.isnull() and code.str.startswith(@cb.id + ':')")


def decide(suggestion_ids: list[int], decision: str, coder: str, *, store: Store | None = None) -> list[dict]:
    """Accept or reject suggestions; accepting also codes the segment in the coder's name."""
    if decision not in ("accepted", "rejected"):
        raise UsageError(f"Unknown decision '{decision}': use accepted or rejected.")
    coder = (coder or "").strip()
    if not coder:
        raise UsageError(
            "Give the deciding person's id with coder, for example coder 'alice'.", params=("coder",)
        )
    st = store if store is not None else open_store()
    out = []
    with st.transaction():
        for sid in suggestion_ids:
            row = store_texts.suggestion(st, sid)
            if row is None:
                raise NotFoundError(f"No suggestion {sid}; run 'steppe texts suggest list' to see their ids.")
            if row["decision"] is not None:
                raise UsageError(f"Suggestion {sid} was already {row['decision']} by {row['decided_by']}.")
            store_texts.decide_suggestion(st, sid, decision, coder)
            coding_id = None
            if (
                decision == "accepted"
                and store_texts.live_coding(st, row["doc_id"], row["seg_no"], row["code"], coder) is None
            ):
                seg = store_texts.segment(st, row["doc_id"], row["seg_no"])
                if seg is None:
                    raise NotFoundError(
                        f"Suggestion {sid} points at segment {row['seg_no']} of '{row['doc_id']}', which is "
                        "no longer stored; run 'steppe texts suggest list' again."
                    )
                coding_id = store_texts.insert_coding(
                    st,
                    {
                        "doc_id": row["doc_id"], "seg_no": row["seg_no"], "start_pos": seg["start_pos"],
                        "end_pos": seg["end_pos"], "code": row["code"], "coder": coder,
                        "origin": "suggestion",
                        "suggestion_id": sid,
                    },
                )  # fmt: skip
            out.append({"suggestion_id": sid, "decision": decision, "coder": coder, "coding_id": coding_id})
    return out
