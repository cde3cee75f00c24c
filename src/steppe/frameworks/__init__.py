"""The seed texts' frameworks as measures: one module per framework, one result shape.

Each framework module (``regionness``, ``openness_commitment``, ``li``, ``ecdpm``, ``tone``) has:

* ``NAME`` (the command name under ``steppe frameworks``), ``TITLE`` and ``METHOD`` (a
  method id with its version, written into every result row);
* a main function that returns :class:`~steppe.frameworks.result.Measure` rows: a score for
  a declared unit (an actor in a document, a region in a year ...), its label, and the
  :class:`~steppe.frameworks.result.Evidence` behind it;
* ``report_section(store) -> Section | None``, the hook the report calls; ``None`` when the
  store holds nothing to measure yet.

The operationalisation of every framework (concept, indicators, thresholds, references) is
declared in docs/frameworks.md, one section per framework. Analysis only: frameworks read
the store and the knowledge base, never a source connector or an interface.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from steppe.errors import NotFoundError
from steppe.frameworks.result import Evidence, Measure, Section

if TYPE_CHECKING:
    from steppe.store import Store

#: Framework name -> module. A new framework registers here and in cli/frameworks.py.
FRAMEWORKS: dict[str, str] = {
    "regionness": "steppe.frameworks.regionness",
    "openness-commitment": "steppe.frameworks.openness_commitment",
    "li": "steppe.frameworks.li",
    "ecdpm": "steppe.frameworks.ecdpm",
    "tone": "steppe.frameworks.tone",
}


def framework(name: str) -> ModuleType:
    """The module of framework ``name``; an unknown name lists the known ones."""
    module = FRAMEWORKS.get(name.strip().lower())
    if module is None:
        raise NotFoundError(f"Unknown framework '{name}'; use one of: {', '.join(sorted(FRAMEWORKS))}.")
    return importlib.import_module(module)


def report_sections(store: Store) -> list[Section]:
    """Every framework's report section that has data in ``store``, in registry order."""
    sections = []
    for name in FRAMEWORKS:
        section = framework(name).report_section(store)
        if section is not None:
            sections.append(section)
    return sections


__all__ = ["FRAMEWORKS", "Evidence", "Measure", "Section", "framework", "report_sections"]
