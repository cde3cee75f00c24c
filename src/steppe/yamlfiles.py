"""What went wrong in a YAML file users share, in a few words on one line.

PyYAML's messages span several lines (the problem, then a context with the file excerpt); an
error sentence needs one line that names the file, the line and the problem. Used by the
readers of gravity specs, index methodologies, codebooks and Markdown front matter.
"""

from __future__ import annotations

from pathlib import Path


def yaml_problem(exc: BaseException) -> str:
    """The problem of a PyYAML error (or of a decoding error) as a short phrase."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text, byte {exc.start}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or type(exc).__name__
    return " ".join(str(problem).split())[:160]


def yaml_where(path: str | Path, exc: BaseException) -> str:
    """``PATH line N`` where PyYAML says the problem is, else ``PATH``."""
    mark = getattr(exc, "problem_mark", None)
    return f"{path} line {mark.line + 1}" if mark is not None else str(path)
