"""Entity series: which entities a chart draws, in which order, with which name and colour."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from steppe.charts import palette
from steppe.charts.look import esc

#: ``palette``: the C5, then powers, then regions in the palette's order, then other keys
#: alphabetically (the same entity sits at the same place in every legend); ``given``: order of
#: first appearance in the frame.
Order = Literal["palette", "given"]

_RANK = {key: i for i, key in enumerate(palette.ENTITIES)}


def ordered(keys: Iterable[object], order: str = "palette") -> list[str]:
    """Distinct keys (as text) in legend order."""
    distinct = list(dict.fromkeys(str(k) for k in keys))
    if order == "given":
        return distinct
    if order != "palette":
        from steppe.errors import UsageError

        raise UsageError(f"Unknown series order '{order}': use palette or given.")
    return sorted(distinct, key=lambda k: (_RANK.get(palette.normalise(k), len(_RANK)), palette.normalise(k)))


def display_names(keys: Iterable[str], names: Mapping[str, str] | None) -> dict[str, str]:
    """Escaped display names for keys (``names`` first, then the palette's labels, then the key).

    Two keys that would show the same name (plotly would merge them into one category) get
    their key in brackets.
    """
    keys = list(keys)
    raw = {k: palette.label(k, names) for k in keys}
    counts: dict[str, int] = {}
    for v in raw.values():
        counts[v] = counts.get(v, 0) + 1
    return {k: esc(v if counts[v] == 1 else f"{v} ({k})") for k, v in raw.items()}
