"""CSV cells that spreadsheets would run: the one rule for every CSV steppe writes.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection", OWASP); a stored document
title or KB name could then run a formula on the analyst's machine. Such text cells get a
leading apostrophe, which spreadsheets hide and which keeps the text literal. Plain numbers
(``-12.5``, ``+3``, ``1e-3``) are left alone, so numeric columns stay numeric.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
