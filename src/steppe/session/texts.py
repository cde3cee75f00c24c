"""``session.texts``: the corpus of policy texts, its codebooks, coding, suggestions and queries.

Every answer that is a table is a DataFrame (timestamps as ``datetime64``); writes (``add``,
``code``, ``decide`` ...) return what they stored.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.session.frames import frame, typed

if TYPE_CHECKING:
    from steppe.session import Session
    from steppe.texts.codebook import Codebook


def _ids(value: Sequence[str] | str | None) -> list[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    return [str(v) for v in items] or None


class Texts:
    """Texts (``steppe texts ...``) for one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _store(self) -> Any:
        return self._session.store

    def _frame(self, rows: Any, query: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        attrs = {"query": f"texts.{query}", "store": self._store.path}
        if isinstance(rows, pd.DataFrame):
            return typed(rows, attrs=attrs)
        return frame(rows, columns, attrs=attrs)

    # -- corpus --------------------------------------------------------------------------------
    def add(
        self,
        paths: Sequence[str | Path] | str | Path,
        *,
        title: str | None = None,
        author: str | None = None,
        date: str | None = None,
        publisher: str | None = None,
        kind: str | None = None,
        language: str | None = None,
        format: str | None = None,
    ) -> pd.DataFrame:
        """Add documents in one transaction (a bad file stores nothing); ``date`` is a year, a
        month or a day (``2015``, ``2015-09``, ``2015-09-22``)."""
        from steppe.dates import parse_date_text
        from steppe.texts.corpus import add_documents

        files = [paths] if isinstance(paths, (str, Path)) else list(paths)
        meta = {
            "title": title,
            "author": author,
            "date": parse_date_text(date, "date") if date else None,
            "publisher": publisher,
            "kind": kind,
            "language": language,
        }
        rows = add_documents(files, meta=meta, fmt=format, store=self._store)
        return self._frame(rows, "add", ("id", "path", "segments", "duplicate_of", "near_duplicate_of"))

    def list(self) -> pd.DataFrame:
        """Documents in the store with their metadata and segment counts."""
        from steppe.store import texts as store_texts

        return self._frame(
            store_texts.documents(self._store),
            "list",
            ("doc_id", "title", "author", "date", "kind", "format", "segments"),
        )

    def segments(self, doc: str) -> pd.DataFrame:
        """A document's segments with their character offsets into the stored text."""
        from steppe.errors import NotFoundError
        from steppe.store import texts as store_texts

        result = store_texts.segments(self._store, [doc])
        if result.empty:
            raise NotFoundError(f"Unknown document '{doc}'; the list of documents shows the ids.")
        return self._frame(result, "segments")

    def import_qdpx(self, path: str | Path) -> dict[str, Any]:
        """Import a REFI-QDA project (QDPX): sources, codes and codings, in one transaction."""
        from steppe.texts.qdpx import import_qdpx

        return import_qdpx(path, store=self._store)

    def export_csv(self, folder: str | Path, docs: Sequence[str] | str | None = None) -> dict[str, Any]:
        """Write codes.csv and coded_segments.csv into ``folder``."""
        from steppe.texts.qdpx import export_csv

        return export_csv(folder, _ids(docs), store=self._store)

    def export_qdpx(
        self, path: str | Path, docs: Sequence[str] | str | None = None, *, project: str = "steppe"
    ) -> dict[str, Any]:
        """Write a REFI-QDA project (QDPX) for NVivo, ATLAS.ti, MAXQDA or QualCoder."""
        from steppe.texts.qdpx import export_qdpx

        return export_qdpx(path, _ids(docs), project=project, store=self._store)

    # -- codebooks and coding ------------------------------------------------------------------
    def load_codebook(self, name_or_path: str | Path) -> Codebook:
        """Validate and store a codebook (bundled name or YAML path)."""
        from steppe.texts.coding import load_into_store

        return load_into_store(name_or_path, store=self._store)

    def codebooks(self) -> pd.DataFrame:
        """Codebooks in the store (``loaded``) and those shipped with steppe."""
        from steppe.store import texts as store_texts
        from steppe.texts.codebook import bundled_codebooks

        stored = {r["codebook"]: r for r in store_texts.codebooks(self._store)}
        rows = [dict(r, loaded=True) for r in stored.values()]
        rows += [
            {"codebook": b, "name": None, "codes": None, "loaded": False}
            for b in bundled_codebooks()
            if b not in stored
        ]
        return self._frame(rows, "codebooks", ("codebook", "name", "codes", "loaded", "source"))

    def codes(self, codebook: str | None = None) -> pd.DataFrame:
        """Codes with their parents, definitions and keywords."""
        from steppe.store import texts as store_texts

        return self._frame(
            store_texts.codes(self._store, codebook),
            "codes",
            ("code", "parent", "name", "definition", "keywords"),
        )

    def code(self, doc: str, seg: int, code: str, coder: str, memo: str | None = None) -> dict[str, Any]:
        """Apply ``code`` to segment ``seg`` of ``doc`` as ``coder``."""
        from steppe.texts.coding import apply_code

        return apply_code(doc, seg, code, coder, memo, store=self._store)

    def uncode(self, doc: str, seg: int, code: str, coder: str) -> dict[str, Any]:
        """Remove ``coder``'s ``code`` from a segment (kept in the history)."""
        from steppe.texts.coding import remove_code

        return remove_code(doc, seg, code, coder, store=self._store)

    def memo(self, doc: str, seg: int, code: str, coder: str, text: str) -> dict[str, Any]:
        """Attach or replace the memo on ``coder``'s coding of a segment."""
        from steppe.texts.coding import set_memo

        return set_memo(doc, seg, code, coder, text, store=self._store)

    def codings(
        self,
        docs: Sequence[str] | str | None = None,
        coders: Sequence[str] | str | None = None,
        *,
        include_removed: bool = False,
    ) -> pd.DataFrame:
        """Codings with coder, origin, memo and timestamps."""
        from steppe.texts.coding import codings

        result = codings(_ids(docs), _ids(coders), include_removed=include_removed, store=self._store)
        return self._frame(result, "codings")

    # -- suggestions ---------------------------------------------------------------------------
    def suggest(
        self,
        docs: Sequence[str] | str | None = None,
        codebook: str = "ecdpm",
        *,
        threshold: float = 0.5,
        method: str = "tfidf",
        model_path: str | Path | None = None,
    ) -> pd.DataFrame:
        """Suggest codes per segment with a confidence and a reason (``method`` tfidf or
        embeddings; the embeddings model is ``model_path``, else the session's settings)."""
        from steppe.texts.suggest import suggest

        model = model_path or self._session.settings.embeddings_model
        result = suggest(
            _ids(docs),
            codebook,
            threshold=threshold,
            method=method,
            model_path=str(model) if model else None,
            store=self._store,
        )
        return self._frame(result, "suggest")

    def suggestions(self, docs: Sequence[str] | str | None = None, status: str | None = None) -> pd.DataFrame:
        """Stored suggestions and their decisions."""
        from steppe.store import texts as store_texts

        return self._frame(store_texts.suggestions(self._store, _ids(docs), status), "suggestions")

    def decide(self, ids: Sequence[int], decision: str, coder: str) -> builtins.list[dict[str, Any]]:
        """Accept (``accepted``: each becomes ``coder``'s coding) or reject (``rejected``) suggestions."""
        from steppe.texts.suggest import decide

        return decide(list(ids), decision, coder, store=self._store)

    # -- reliability and queries ---------------------------------------------------------------
    def agreement(
        self,
        coders: Sequence[str],
        codebook: str,
        docs: Sequence[str] | str | None = None,
        *,
        min_confidence: float = 0.5,
    ) -> pd.DataFrame:
        """Percent agreement, Cohen's kappa and Krippendorff's alpha per code and overall."""
        from steppe.texts.query import agreement

        rows = agreement(list(coders), codebook, _ids(docs), min_confidence=min_confidence, store=self._store)
        return self._frame(rows, "agreement")

    def freq(
        self,
        docs: Sequence[str] | str | None = None,
        codebook: str | None = None,
        coders: Sequence[str] | str | None = None,
    ) -> pd.DataFrame:
        """Code frequencies per document."""
        from steppe.texts.query import frequencies

        rows = frequencies(_ids(docs), codebook, _ids(coders), store=self._store)
        return self._frame(rows, "freq", ("doc_id", "code", "segments", "codings", "cites"))

    def actors(self, doc: str | None = None) -> pd.DataFrame:
        """KB actors mentioned, by organisation slug or ISO3 code."""
        from steppe.texts.query import actors

        self._session.ensure_kb()
        return self._frame(
            actors(doc, store=self._store), "actors", ("actor", "mentions", "kind", "segments")
        )

    def crosstab(
        self,
        codebook: str,
        docs: Sequence[str] | str | None = None,
        coders: Sequence[str] | str | None = None,
    ) -> pd.DataFrame:
        """Actor × code: segments that mention an actor and carry a code."""
        from steppe.texts.query import crosstab

        self._session.ensure_kb()
        rows = crosstab(codebook, _ids(docs), _ids(coders), store=self._store)
        return self._frame(rows, "crosstab", ("actor", "code", "segments", "cites"))

    def cooccur(
        self,
        codebook: str | None = None,
        docs: Sequence[str] | str | None = None,
        coders: Sequence[str] | str | None = None,
    ) -> pd.DataFrame:
        """Code co-occurrence within segments."""
        from steppe.texts.query import cooccurrence

        rows = cooccurrence(codebook, _ids(docs), _ids(coders), store=self._store)
        return self._frame(rows, "cooccur", ("code_a", "code_b", "segments", "cites"))

    def compare(
        self,
        doc_a: str,
        doc_b: str,
        codebook: str = "priorities",
        coders: Sequence[str] | str | None = None,
        *,
        threshold: float = 0.5,
    ) -> pd.DataFrame:
        """Compare two documents' code profiles (auto-codes them when neither is coded)."""
        from steppe.texts.query import compare

        rows = compare(doc_a, doc_b, codebook, _ids(coders), threshold=threshold, store=self._store)
        return self._frame(rows, "compare")

    def kwic(self, keyword: str, docs: Sequence[str] | str | None = None, window: int = 60) -> pd.DataFrame:
        """Keyword in context, with document, segment and offset."""
        from steppe.texts.query import kwic

        rows = kwic(keyword, _ids(docs), window, store=self._store)
        return self._frame(rows, "kwic", ("doc_id", "seg_no", "start", "left", "match", "right"))
