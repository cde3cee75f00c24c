"""The result shape every framework returns: a score for a declared unit, with its evidence.

A :class:`Measure` says what was scored (``unit``: for example ``{"actor": "CHN",
"doc_id": "004-cb46a96fa8e4ee38"}`` or ``{"region": "c5", "year": 2016}``), the score, a
label where the framework has categories (a tone class, a regionness level name), how many
observations stand behind it, the method and its version, and the evidence: citations a
reader can follow back (``doc_id:seg_no`` for a text segment, a KB event id, a stored
dataset id) with the value each contributed. Framework-specific numbers go in ``extra``.

A :class:`Section` is what a framework hands the report: a title, a paragraph that states
the method and the main reading, a table, and the references.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from steppe.charts import Chart


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence behind a score.

    ``kind``: what it is (``segment``, ``event``, ``membership``, ``trade``, ``dataset`` ...);
    ``ref``: the citation (``doc_id:seg_no``, an event id, a dataset id); ``detail``: a short
    excerpt or description; ``value``: what it contributed (a segment's tone score, a share);
    ``about``: which part of the score it backs (a regionness test such as
    ``2:trade_intensity``), empty when the whole score.
    """

    kind: str
    ref: str
    detail: str = ""
    value: float | None = None
    about: str = ""

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": self.kind, "ref": self.ref, "detail": self.detail, "value": self.value}
        if self.about:
            row["about"] = self.about
        return row


@dataclass(frozen=True)
class Measure:
    """A framework's score for one unit, with its label, size, method and evidence."""

    framework: str
    unit: dict[str, Any]
    score: float | None
    label: str | None = None
    n: int = 0
    method: str = ""
    evidence: tuple[Evidence, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, *, evidence: bool = True) -> dict[str, Any]:
        """A flat JSON-able row: unit fields, score, label, n, extra fields, method, evidence."""
        row: dict[str, Any] = {**self.unit, "score": self.score, "label": self.label, "n": self.n}
        row.update(self.extra)
        row["method"] = self.method
        if evidence:
            row["evidence"] = [e.to_dict() for e in self.evidence]
        return row


def to_frame(measures: Iterable[Measure]) -> pd.DataFrame:
    """Measures as a data frame (evidence as a list column of dicts)."""
    return pd.DataFrame([m.to_dict() for m in measures])


@dataclass(frozen=True)
class Section:
    """A report section: title, method-and-reading paragraph, a table, charts, references.

    ``charts`` are :class:`steppe.charts.Chart` objects (each with the frame it draws, its
    title, source and caption); ``notes`` are sentences shown under the table (known gaps in
    the KB, data not stored, caveats).
    """

    framework: str
    title: str
    text: str
    columns: Sequence[str]
    rows: list[dict[str, Any]]
    references: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()

    @property
    def id(self) -> str:
        """The section's id in the report (``framework-<name>``)."""
        return f"framework-{self.framework}"
