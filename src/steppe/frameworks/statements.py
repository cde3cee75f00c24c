"""States' own statements in the stored texts: who speaks, in which year, naming what.

A stored document is a **state statement** (a UN General Debate speech, a declaration) when its
``author`` metadata resolves to a country of the KB (an ISO3 code or a name) and its ``date``
gives a year. That is how the frameworks read the UN General Debate Corpus: add each speech
with ``steppe texts add FILE --author KAZ --date 2015`` (docs/frameworks.md shows the loop).

Two readings of a statement:

- :func:`regional_we`: the sentences that name a region and speak of it in the first person
  plural ("our region", "our common ..."), the shared-identity test of regionness;
- :func:`organisation_mentions`: which KB organisations the statement names (the KB's actor
  recognition, stored with each document), the salience component of commitment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from steppe.errors import NotFoundError
from steppe.frameworks.tone import sentence_spans, year_of

if TYPE_CHECKING:
    from steppe.store import Store

STATEMENT_COLUMNS = ["doc_id", "country", "year", "title"]


def state_statements(store: Store, countries: Iterable[str] | None = None) -> pd.DataFrame:
    """Stored documents whose author is a KB country and whose date gives a year.

    Returns ``doc_id, country, year, title``, one row per document (sorted by country, year);
    ``countries`` (ISO3) narrows them.
    """
    from steppe.kb.queries import country_index
    from steppe.store import texts as store_texts

    index = country_index(store)
    wanted = set(countries) if countries is not None else None
    rows = []
    for d in store_texts.documents(store):
        author, year = d.get("author"), year_of(d.get("date"))
        if not author or year is None:
            continue
        try:
            code = index.resolve(str(author))
        except NotFoundError:
            continue
        if wanted is None or code in wanted:
            rows.append({"doc_id": d["doc_id"], "country": code, "year": year, "title": d.get("title")})
    frame = pd.DataFrame(rows, columns=STATEMENT_COLUMNS)
    return frame.sort_values(["country", "year", "doc_id"]).reset_index(drop=True)


@cache
def _phrase_pattern(terms: tuple[str, ...], acronyms_case: bool) -> re.Pattern[str] | None:
    """Whole-word alternation of ``terms``; spaces match any whitespace. Terms without lower-case
    letters (ASEAN) match case-sensitively when ``acronyms_case``, the rest case-insensitively."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in term.split())
        exact = acronyms_case and not any(ch.islower() for ch in term)
        parts.append(body if exact else f"(?i:{body})")
    if not parts:
        return None
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(parts)})(?![^\W_])")


def regional_we(text: str, names: Sequence[str], phrases: Sequence[str]) -> list[tuple[int, int]]:
    """Sentences of ``text`` (offsets) that name the region and use a collective first-person phrase.

    A sentence counts when it contains one of ``names`` (the region: "Central Asia") and one of
    ``phrases`` ("our region", "our common", "together we"), both as whole words: the speaker
    places the state in a regional "we" (Hettne and Söderbaum's shared identity of a community).
    """
    region = _phrase_pattern(tuple(names), True)
    we = _phrase_pattern(tuple(phrases), False)
    if region is None or we is None:
        return []
    found = []
    for a, b in sentence_spans(text):
        if region.search(text, a, b) and we.search(text, a, b):
            found.append((a, b))
    return found


def excerpt(text: str, limit: int = 200) -> str:
    """One line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


def organisation_mentions(
    store: Store, doc_ids: Sequence[str]
) -> dict[str, dict[str, tuple[int, list[int]]]]:
    """doc_id -> {organisation slug -> (mentions, segment numbers)} from the stored actor mentions."""
    from steppe.store import texts as store_texts

    out: dict[str, dict[str, tuple[int, list[int]]]] = {}
    for r in store_texts.mentions_by_document(store, list(doc_ids)):
        if r["kind"] != "organisation":
            continue
        out.setdefault(r["doc_id"], {})[r["actor"]] = (int(r["mentions"]), [int(s) for s in r["segments"]])
    return out
