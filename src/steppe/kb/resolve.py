"""Resolving user-typed names to organisation slugs and ISO3 country codes.

Names match case-insensitively through the slug, the official name and every alias, with
dashes, "&" and the -isation/-ization spelling normalised.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from steppe.errors import NotFoundError


def normalise(name: str) -> str:
    """A comparison key: case-folded, accents and punctuation variants flattened."""
    text = re.sub(r"[\u2010-\u2015_\-/.,()'\u2019]+", " ", name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"iz(ation|ed|ing)", r"is\1", text)
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


class NameIndex:
    """Maps every known name of an entity to its code."""

    def __init__(self, kind: str, entries: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self.kind = kind
        self.labels: dict[str, str] = {}
        self._index: dict[str, str] = {}
        for code, label, aliases in entries:
            self.labels[code] = label
            for name in (code, label, *aliases):
                if name:
                    self._index.setdefault(normalise(name), code)

    def resolve(self, name: str) -> str:
        """The code for ``name``; an unknown name raises with the closest matches."""
        key = normalise(name)
        if key in self._index:
            return self._index[key]
        close = difflib.get_close_matches(key, list(self._index), n=8, cutoff=0.6)
        codes = list(dict.fromkeys(self._index[c] for c in close))[:3]
        command = "orgs" if self.kind == "organisation" else "countries"
        if codes:
            hint = "closest matches: " + ", ".join(f"{c} ({self.labels[c]})" for c in codes)
        else:
            hint = "no close match"
        raise NotFoundError(
            f"Unknown {self.kind} '{name}'; {hint}. Run 'steppe kb {command}' to list them all."
        )
