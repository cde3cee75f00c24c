"""Texts: a corpus of documents, codebooks, coding (by hand and suggested), queries, reliability.

Documents are read (:mod:`~steppe.texts.corpus`), cut into paragraph segments
(:mod:`~steppe.texts.segment`), searched for KB actors (:mod:`~steppe.texts.actors`) and coded
with the codes of a codebook (:mod:`~steppe.texts.codebook`, :mod:`~steppe.texts.coding`,
:mod:`~steppe.texts.suggest`); :mod:`~steppe.texts.query` asks what was coded where,
:mod:`~steppe.texts.reliability` how far coders agree, :mod:`~steppe.texts.qdpx` exchanges
projects with other QDA software. Everything stored goes through ``steppe.store.texts``.

The public names below are imported on first use, so ``import steppe.texts`` stays cheap. Names
that are also submodules (``actors``, ``suggest``) are reached through their modules:
``steppe.texts.query.actors``, ``steppe.texts.suggest.suggest``.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it.
_PUBLIC: dict[str, str] = {
    # documents
    "ParsedDocument": "corpus",
    "parse_file": "corpus",
    "add_documents": "corpus",
    "Segment": "segment",
    "paragraphs": "segment",
    # codebooks and coding
    "Code": "codebook",
    "Codebook": "codebook",
    "bundled_codebooks": "codebook",
    "load_codebook": "codebook",
    "load_into_store": "coding",
    "apply_code": "coding",
    "remove_code": "coding",
    "set_memo": "coding",
    "codings": "coding",
    "decide": "suggest",
    # questions
    "coded": "query",
    "frequencies": "query",
    "crosstab": "query",
    "cooccurrence": "query",
    "compare": "query",
    "kwic": "query",
    "agreement": "query",
    # reliability
    "percent_agreement": "reliability",
    "cohen_kappa": "reliability",
    "krippendorff_alpha": "reliability",
    # exchange
    "export_csv": "qdpx",
    "export_qdpx": "qdpx",
    "import_qdpx": "qdpx",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'steppe.texts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"steppe.texts.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
