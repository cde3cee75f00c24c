"""Finding the KB's countries, organisations and formats in text by their names and aliases.

Matching rules:

* every name and alias in ``kb_organisations`` and ``kb_countries`` is a search term; the
  slug or ISO3 code itself is not (``eaeu``, ``KAZ`` are identifiers, not words of a text);
* a term written without lower-case letters and at most 8 characters long (an acronym:
  ``EEU``, ``SCO``, ``US``, ``C5+1``) matches case-sensitively, so "us" and "sco" as
  ordinary words do not count; every other term matches case-insensitively;
* a match must not touch a letter or digit on either side (word-boundary aware, also for
  terms that end in a symbol such as ``C5+1``);
* spaces in a term match any run of whitespace (names wrapped across lines), dashes match
  any dash, apostrophes match straight or curly ones, and ``-isation``/``-ization`` match
  each other;
* where terms overlap, the longest wins ("Collective Security Treaty Organization" is one
  mention of csto, not also a mention of something shorter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from steppe.kb.resolve import normalise

if TYPE_CHECKING:
    from steppe.store import Store


@dataclass(frozen=True)
class Mention:
    """One occurrence of an actor in a text."""

    actor: str
    kind: str
    start: int
    end: int
    surface: str


def is_acronym(term: str) -> bool:
    """True for short terms written without lower-case letters (EEU, SCO, C5+1)."""
    return len(term) <= 8 and not any(ch.islower() for ch in term) and any(ch.isalpha() for ch in term)


def _pattern(term: str) -> str:
    out = []
    for token in re.split(r"(\s+|[-\u2010-\u2015]|['\u2019])", term.strip()):
        if not token:
            continue
        if token.isspace():
            out.append(r"\s+")
        elif re.fullmatch(r"[-\u2010-\u2015]", token):
            out.append(r"[-\u2010-\u2015]")
        elif token in ("'", "\u2019"):
            out.append("['\u2019]")
        else:
            out.append(re.sub(r"i[sz](ation|ed|ing)", r"i[sz]\1", re.escape(token)))
    return "".join(out)


class ActorMatcher:
    """A compiled matcher over (code, kind, name, aliases) entries from the KB."""

    def __init__(self, entries: Iterable[tuple[str, str, str, Iterable[str]]]) -> None:
        self._lookup: dict[str, tuple[str, str]] = {}
        self.labels: dict[str, str] = {}
        terms: dict[str, bool] = {}
        for code, kind, name, aliases in entries:
            self.labels.setdefault(code, name)
            for term in (name, *(aliases or [])):
                if not term or not term.strip():
                    continue
                key = normalise(term)
                self._lookup.setdefault(key, (code, kind))
                terms[term.strip()] = is_acronym(term.strip())
        alternatives = []
        for term, acronym in sorted(terms.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            pat = _pattern(term)
            alternatives.append(pat if acronym else f"(?i:{pat})")
        body = "|".join(alternatives) if alternatives else r"(?!x)x"
        self.regex = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])")

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Every mention in ``text[start:end]``, with offsets into ``text``."""
        found = []
        for m in self.regex.finditer(text, start, len(text) if end is None else end):
            hit = self._lookup.get(normalise(m.group(0)))
            if hit is not None:
                found.append(Mention(hit[0], hit[1], m.start(), m.end(), m.group(0)))
        return found

    @classmethod
    def from_kb(cls, organisations: list[dict], countries: list[dict]) -> ActorMatcher:
        """Build from the rows of ``steppe.kb.queries.organisations`` and ``countries``."""
        entries = [(r["slug"], "organisation", r["name"], r.get("aliases") or []) for r in organisations]
        entries += [(r["iso3"], "country", r["name"], r.get("aliases") or []) for r in countries]
        return cls(entries)


def kb_matcher(store: Store) -> ActorMatcher:
    """The matcher for the KB currently loaded in ``store``."""
    from steppe.kb import queries

    return ActorMatcher.from_kb(queries.organisations(store=store), queries.countries(store=store))
