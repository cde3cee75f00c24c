"""ECDPM drivers and blockers: per year, the balance of driver and blocker codes per factor group.

ECDPM's political-economy approach to regional integration (Byiers, Vanheukelom and Kingombe
2015; Vanheukelom, Byiers, Bilal and Woolfrey 2016), as the master's thesis on Central Asian
regional integration (section 2.2.4) summarises it,
sorts the factors that enable or disable integration into five groups (lenses): foundational and
structural factors, institutions (the rules of the game), actors and agency, sectoral
characteristics, and external factors. This measure counts, in the coded corpus, the passages
(segments) that carry a factor group's code (the bundled ``ecdpm`` codebook) together with a
direction code (the bundled ``drivers`` codebook: a driver or a blocker of integration), per year
of the document, and gives the balance ``(drivers - blockers) / (drivers + blockers)`` with the
passages behind every count (``data/ecdpm.yaml``; docs/frameworks.md).

It reads codings only: it never codes. Codings come from people (``steppe texts code apply``),
from accepted auto-coding suggestions (``steppe texts suggest run`` then ``accept``), from QDPX
imports, or, with ``coders=["auto"]``, from the auto-coder's open suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.errors import NotFoundError, UsageError
from steppe.frameworks.params import declared
from steppe.frameworks.result import Evidence, Measure, Section
from steppe.frameworks.statements import excerpt
from steppe.frameworks.tone import year_of

if TYPE_CHECKING:
    from steppe.store import Store

NAME = "ecdpm"
TITLE = "ECDPM drivers and blockers of regional integration"
METHOD_VERSION = "1"
UNDATED = None

#: What to run when nothing is coded yet (the one sentence the measure gives instead of counts).
HOW_TO_CODE = (
    "No segment carries both an ECDPM factor-group code and a driver or blocker code; code the corpus "
    "with 'steppe texts suggest run --codebook ecdpm' and 'steppe texts suggest run --codebook drivers' "
    "(then 'steppe texts suggest accept ID --coder YOU', or count them with 'steppe frameworks ecdpm "
    "--coder auto'), or by hand with "
    "'steppe texts code apply DOC SEG CODE --coder YOU'."
)


def method_id() -> str:
    return f"{NAME}:lenses@{METHOD_VERSION}.{declared(NAME)['version']}"


@cache
def direction_codes() -> tuple[frozenset[str], frozenset[str]]:
    """The driver and blocker code keys: the declared parent codes of the direction codebook and
    every code under them."""
    from steppe.texts.codebook import load_codebook

    params = declared(NAME)
    book = load_codebook(params["direction_codebook"])
    parents = {c.key: c.parent for c in book.codes}

    def family(root_id: str) -> frozenset[str]:
        root = f"{book.id}:{root_id}"
        out = set()
        for key in parents:
            node: str | None = key
            while node is not None:
                if node == root:
                    out.add(key)
                    break
                node = parents.get(node)
        return frozenset(out)

    return family(params["driver"]), family(params["blocker"])


def group_codes() -> dict[str, str]:
    """Factor-group code key (``ecdpm:structural``) -> group id."""
    params = declared(NAME)
    return {f"{params['factor_codebook']}:{g}": g for g in params["groups"]}


def balance(coded: pd.DataFrame, doc_years: dict[str, int | None]) -> pd.DataFrame:
    """Driver and blocker passages per year and factor group (pure).

    ``coded``: ``doc_id, seg_no, code`` rows (any coder). A segment counts for a group when it
    carries the group's code and a direction code; with both directions it counts once on each
    side and as ``mixed``; a group-coded segment without a direction code counts as
    ``undirected``. Returns ``year, group, drivers, blockers, mixed, undirected, balance,
    passages`` where ``passages`` lists ``(doc_id, seg_no, direction)``.
    """
    drivers, blockers = direction_codes()
    groups = group_codes()
    columns = ["year", "group", "drivers", "blockers", "mixed", "undirected", "balance", "passages"]
    if coded.empty:
        return pd.DataFrame(columns=columns)
    per_segment: dict[tuple[str, int], set[str]] = {}
    for doc, seg, code in zip(coded["doc_id"], coded["seg_no"], coded["code"], strict=True):
        per_segment.setdefault((str(doc), int(seg)), set()).add(str(code))
    counts: dict[tuple[int | None, str], dict[str, Any]] = {}
    for (doc, seg), codes in sorted(per_segment.items()):
        found = [groups[c] for c in codes if c in groups]
        if not found:
            continue
        is_driver, is_blocker = bool(codes & drivers), bool(codes & blockers)
        direction = (
            "mixed"
            if is_driver and is_blocker
            else "driver"
            if is_driver
            else "blocker"
            if is_blocker
            else None
        )
        for group in found:
            row = counts.setdefault(
                (doc_years.get(doc), group),
                {"drivers": 0, "blockers": 0, "mixed": 0, "undirected": 0, "passages": []},
            )
            if direction is None:
                row["undirected"] += 1
                continue
            row["drivers"] += int(is_driver)
            row["blockers"] += int(is_blocker)
            row["mixed"] += int(direction == "mixed")
            row["passages"].append((doc, seg, direction))
    order = {g: i for i, g in enumerate(declared(NAME)["groups"])}
    rows = []
    for (year, group), c in counts.items():
        n = c["drivers"] + c["blockers"]
        rows.append(
            {
                "year": year,
                "group": group,
                **{k: c[k] for k in ("drivers", "blockers", "mixed", "undirected")},
                "balance": round((c["drivers"] - c["blockers"]) / n, 6) if n else None,
                "passages": c["passages"],
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out["_y"] = out["year"].map(lambda y: (y is None, y or 0))
    out["_g"] = out["group"].map(order)
    return out.sort_values(["_y", "_g"]).drop(columns=["_y", "_g"]).reset_index(drop=True)


def ecdpm(
    years: tuple[int, int] | None = None,
    *,
    coders: Sequence[str] | None = None,
    doc_ids: Sequence[str] | None = None,
    store: Store | None = None,
) -> list[Measure]:
    """Balance of driver and blocker passages per year and ECDPM factor group, with the passages.

    ``years``: keep documents dated in the range (default: all, undated documents as year None);
    ``coders``: whose codings count (default all live codings; ``auto`` = the auto-coder's
    suggestions); ``doc_ids``: narrow the corpus. Raises NotFoundError naming the commands that
    code when nothing is coded with both codebooks.
    """
    from steppe.store import open_store
    from steppe.store import texts as store_texts
    from steppe.texts.query import coded

    if years is not None and years[1] < years[0]:
        raise UsageError(f"The years {years[0]}:{years[1]} end before they start.")
    st = store if store is not None else open_store()
    known = store_texts.doc_ids(st)
    for d in doc_ids or []:
        if d not in known:
            raise NotFoundError(f"Unknown document '{d}'; run 'steppe texts list' to see the ids.")
    documents = {d["doc_id"]: d for d in store_texts.documents(st)}
    doc_years = {d: year_of(v.get("date")) for d, v in documents.items()}
    frame = coded(st, list(doc_ids) if doc_ids else None, list(coders) if coders else None)
    if years is not None:
        first, last = years

        def inside(doc: str) -> bool:
            year = doc_years.get(doc)
            return year is not None and first <= year <= last

        frame = frame[frame["doc_id"].map(inside)]
    table = balance(frame, doc_years)
    table = table[(table["drivers"] + table["blockers"]) > 0]
    if table.empty:
        raise NotFoundError(HOW_TO_CODE)
    params = declared(NAME)
    texts: dict[tuple[str, int], str] = {}
    wanted = sorted({p[0] for ps in table["passages"] for p in ps})
    segs = store_texts.segments(st, wanted)
    for doc_id, seg_no, text in zip(segs["doc_id"], segs["seg_no"], segs["text"], strict=True):
        texts[(doc_id, int(seg_no))] = text
    method = method_id()
    out = []
    for r in table.to_dict("records"):
        spec = params["groups"][r["group"]]
        evidence = tuple(
            Evidence(
                "segment",
                f"{doc}:{seg}",
                excerpt(texts.get((doc, seg), "")),
                1.0 if d == "driver" else -1.0 if d == "blocker" else 0.0,
                d,
            )
            for doc, seg, d in r["passages"]
        )
        extra = {
            "group_label": spec["label"],
            "issue_label": spec.get("issue_label"),
            "drivers": int(r["drivers"]),
            "blockers": int(r["blockers"]),
            "mixed": int(r["mixed"]),
            "undirected": int(r["undirected"]),
            "coders": list(coders) if coders else "all",
        }
        year = None if r["year"] is None or pd.isna(r["year"]) else int(r["year"])
        out.append(
            Measure(
                NAME,
                {"year": year, "group": r["group"]},
                r["balance"],
                spec["label"],
                int(r["drivers"] + r["blockers"] - r["mixed"]),
                method,
                evidence,
                extra,
            )
        )
    return out


def report_section(store: Store) -> Section | None:
    """Balance per year and factor group over the stored codings; None when nothing is coded."""
    from steppe import charts
    from steppe.store import texts as store_texts

    if not store_texts.doc_ids(store):
        return None
    try:
        measures = ecdpm(store=store)
    except NotFoundError:
        return None
    rows = [
        {
            "year": m.unit["year"],
            "group": m.extra["group_label"],
            "drivers": m.extra["drivers"],
            "blockers": m.extra["blockers"],
            "mixed": m.extra["mixed"],
            "balance": m.score,
            "passages": ", ".join(e.ref for e in m.evidence[:8]) + (" ..." if len(m.evidence) > 8 else ""),
        }
        for m in measures
    ]
    totals = (
        pd.DataFrame(
            [
                {
                    "group": m.extra["group_label"],
                    "drivers": m.extra["drivers"],
                    "blockers": m.extra["blockers"],
                }
                for m in measures
            ]
        )
        .groupby("group", as_index=False)
        .sum()
    )
    long = totals.melt(
        id_vars="group", value_vars=["drivers", "blockers"], var_name="direction", value_name="passages"
    )
    chart = charts.bars(
        long,
        category="group",
        value="passages",
        series="direction",
        mode="group",
        orientation="h",
        title="Driver and blocker passages per ECDPM factor group, all years",
        value_title="Passages",
        source="stored texts and their codings (ecdpm and drivers codebooks)",
        chart_id="ecdpm-balance",
    )
    dated = pd.DataFrame(
        [
            {"year": m.unit["year"], "group": m.extra["group_label"], "balance": m.score}
            for m in measures
            if m.unit["year"] is not None and m.score is not None
        ]
    )
    figures: tuple[Any, ...] = (chart,)
    if not dated.empty:
        figures += (
            charts.heatmap(
                dated,
                x="year",
                y="group",
                value="balance",
                midpoint=0.0,
                unit="index",
                title="Balance (drivers - blockers) / (drivers + blockers) per year",
                value_title="Balance (-1 to 1)",
                source="stored texts and their codings",
                chart_id="ecdpm-by-year",
            ),
        )
    return Section(
        framework=NAME,
        title=TITLE,
        text=(
            "Passages (segments) coded with one of ECDPM's five factor groups and with a driver or a blocker "
            "code, per year of the document (undated documents: year empty); balance = (drivers - "
            "blockers) / "
            "(drivers + blockers). All live codings count (manual, accepted suggestions, imports). "
            f"Built {date.today().isoformat()}."
        ),
        columns=["year", "group", "drivers", "blockers", "mixed", "balance", "passages"],
        rows=rows,
        references=(
            "Byiers, B., Vanheukelom, J. and Kingombe, C. (2015). A five lenses framework for analysing "
            "the political "
            "economy in regional integration. ECDPM Discussion Paper 178.",
            "Vanheukelom, J., Byiers, B., Bilal, S. and Woolfrey, S. (2016). The political economy of "
            "regional "
            "integration in Africa: what drives and constrains regional organisations? ECDPM synthesis "
            "report.",
            "The master's thesis on Central Asian regional integration, section 2.2.4.",
        ),
        charts=figures,
    )
