"""Splitting a stored text into paragraph segments, and cleaning PDF text layers.

A segment is a paragraph: a run of non-blank lines between blank (or whitespace-only)
lines. Text that writes one paragraph per line without blank lines between them (the UN
General Debate transcripts do) is recognised by its long lines: a block whose lines have a
median length of at least 150 characters is split at every line break, since hard-wrapped
prose rarely exceeds 100 characters a line.

Offsets are character positions (Unicode code points, 0-based, end exclusive) into the
stored text, so ``text[start:end]`` is always the segment's text: the same
convention as REFI-QDA's ``PlainTextSelection`` positions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_BLANK_LINES = re.compile(r"\n[ \t\u00a0\f\r]*\n\s*")
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Segment:
    """One paragraph: its number in the document and its span in the stored text."""

    seg_no: int
    start: int
    end: int
    text: str


def paragraphs(text: str, offset: int = 0) -> list[Segment]:
    """Paragraph segments of ``text[offset:]``; blocks without a letter or digit are skipped.

    Leading and trailing whitespace is trimmed from each block, so offsets point at the
    first and one past the last visible character.
    """
    segments: list[Segment] = []
    pos = offset
    n = len(text)
    while pos < n:
        match = _BLANK_LINES.search(text, pos)
        block_end = match.start() if match else n
        _add_block(text, pos, block_end, segments)
        pos = match.end() if match else n
    return segments


_LINE_PARAGRAPH_MEDIAN = 150


def _add_block(text: str, start: int, end: int, out: list[Segment]) -> None:
    lines = text[start:end].split("\n")
    if len(lines) > 1:
        lengths = sorted(len(line.strip()) for line in lines if line.strip())
        if lengths and lengths[len(lengths) // 2] >= _LINE_PARAGRAPH_MEDIAN:
            pos = start
            for line in lines:
                _add_span(text, pos, pos + len(line), out)
                pos += len(line) + 1
            return
    _add_span(text, start, end, out)


def _add_span(text: str, start: int, end: int, out: list[Segment]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        chunk = text[start:end]
        if _HAS_WORD.search(chunk):
            out.append(Segment(len(out), start, end, chunk))


# -- PDF clean-up --------------------------------------------------------------------------
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?[\divxlc]+(\s*(/|of)\s*\d+)?\s*$", re.IGNORECASE)
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad]\n(?=[a-z])")
_SOFT_HYPHEN = "\u00ad"


def _furniture_key(line: str) -> str:
    return _DIGITS.sub("#", line.strip().casefold())


def strip_page_furniture(pages: list[str], *, edge_lines: int = 2) -> list[str]:
    """Drop running headers, footers and page numbers from each page's text.

    A line in the first or last ``edge_lines`` lines of a page is furniture when it is a
    bare page number, or when the same line (digits ignored) recurs at a page edge on at
    least half of the pages (and on at least two).
    """
    split = [p.splitlines() for p in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        edges = {_furniture_key(x) for x in lines[:edge_lines] + lines[-edge_lines:] if x.strip()}
        counts.update(edges)
    threshold = max(2, (len(pages) + 1) // 2)
    repeated = {key for key, c in counts.items() if c >= threshold}
    cleaned = []
    for lines in split:
        keep = []
        last = len(lines) - 1
        for i, line in enumerate(lines):
            at_edge = i < edge_lines or i > last - edge_lines
            if at_edge and line.strip() and (_PAGE_NUMBER.match(line) or _furniture_key(line) in repeated):
                continue
            keep.append(line)
        cleaned.append("\n".join(keep))
    return cleaned


def dehyphenate(text: str) -> str:
    """Join words broken across lines by a hyphen ("integra-\\ntion" -> "integration").

    Only a hyphen at a line end followed by a lower-case letter is removed, so compounds
    that break before a capital ("Sino-\\nRussian") keep theirs. Soft hyphens are dropped.
    """
    return _HYPHEN_BREAK.sub(r"\1", text).replace(_SOFT_HYPHEN, "")


def reflow_pdf_page(text: str) -> str:
    """Turn a PDF page's hard-wrapped lines into paragraphs separated by blank lines.

    A paragraph break is assumed after a line that ends a sentence and is clearly shorter
    than the page's typical line; other line breaks become spaces.
    """
    lines = [ln.rstrip() for ln in text.splitlines()]
    widths = sorted(len(ln) for ln in lines if ln.strip())
    if not widths:
        return ""
    typical = widths[int(len(widths) * 0.75)] if len(widths) > 3 else widths[-1]
    out: list[str] = []
    current: list[str] = []
    for ln in lines:
        if not ln.strip():
            if current:
                out.append(" ".join(current))
                current = []
            continue
        current.append(ln.strip())
        if ln.rstrip().endswith((".", "!", "?", ":", '"', "\u201d")) and len(ln) < 0.8 * typical:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return "\n\n".join(out)


def clean_pdf_pages(pages: list[str]) -> str:
    """One stored text from a PDF's page texts: furniture removed, words re-joined, reflowed."""
    body = strip_page_furniture(pages)
    joined = "\n".join(p for p in body if p.strip())
    joined = dehyphenate(joined)
    return reflow_pdf_page(joined).strip() + "\n"
