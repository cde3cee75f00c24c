"""The one rule for names that user-supplied files give to columns.

Gravity specs, index methodologies and codebooks are files that colleagues share. Any name
such a file gives to a column, term, variable or code may end up in a formula that a library
evaluates (pyfixest hands the formula to formulaic, which evaluates Python), so every such
name must be a plain identifier: a letter, then letters, digits or underscores, at most 64
characters, no leading underscore (no dunder access) and no Python keyword. A name that
passes cannot call, index, import or quote anything. Check before any formula is built.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from steppe.errors import UsageError

#: A letter, then up to 63 letters, digits or underscores.
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def is_identifier(name: object) -> bool:
    """True when ``name`` is a string that a formula may safely contain as a column name."""
    return (
        isinstance(name, str)
        and IDENTIFIER.fullmatch(name) is not None
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
    )


def check_identifier(name: object, what: str, where: str) -> str:
    """Return ``name`` when it is a safe identifier, else raise one sentence naming it.

    ``what`` says what the name is (``"regressor"``), ``where`` which file or spec holds it.
    """
    if is_identifier(name):
        return str(name)
    shown = repr(name) if not isinstance(name, str) else repr(name[:80])
    raise UsageError(
        f"{where}: the {what} {shown} is not a plain name; use letters, digits and underscores "
        "only, starting with a letter (at most 64 characters, not a Python keyword)."
    )


def check_identifiers(names: Iterable[object], what: str, where: str) -> list[str]:
    """:func:`check_identifier` for each name, in order."""
    return [check_identifier(n, what, where) for n in names]
