"""Validation checks over parsed KB rows.

Each check is a small function that yields :class:`Problem` records; :func:`check` runs
them all. Parsing problems (headers, types) come from :mod:`steppe.kb.loader`.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from steppe.kb.asof import periods_overlap
from steppe.kb.records import Problem, Row
from steppe.kb.schema import ATTRIBUTE_VALUES, OUTSIDE_POWERS, TABLES_BY_NAME

Tables = dict[str, list[Row]]


def check_required(tables: Tables) -> Iterator[Problem]:
    """Required cells are present; a fact without a source is a problem."""
    for name, rows in tables.items():
        schema = TABLES_BY_NAME[name]
        for row in rows:
            for f in schema.fields:
                value = row[f.name]
                if f.required and (value is None or value == []):
                    sourced = f.name in ("sources", "claim_sources", "adopted_sources")
                    what = "a fact without a source" if sourced else "is required"
                    yield Problem(row.file, row.line, f.name, what)


def check_values(tables: Tables) -> Iterator[Problem]:
    """Enumerated fields hold allowed values; patterned fields match."""
    for name, rows in tables.items():
        schema = TABLES_BY_NAME[name]
        for row in rows:
            for f in schema.fields:
                value = row[f.name]
                if value is None or f.type == "list":
                    continue
                if f.enum and value not in f.enum:
                    yield Problem(row.file, row.line, f.name, f"'{value}' is not one of {', '.join(f.enum)}")
                if f.pattern and not re.match(f.pattern, str(value)):
                    yield Problem(row.file, row.line, f.name, f"'{value}' does not match {f.pattern}")


def check_unique(tables: Tables) -> Iterator[Problem]:
    """Primary keys are unique across all files of a table."""
    for name, rows in tables.items():
        key = TABLES_BY_NAME[name].key
        if key is None:
            continue
        seen: dict[str, Row] = {}
        for row in rows:
            value = row[key]
            if value is None:
                continue
            if value in seen:
                first = seen[value]
                yield Problem(
                    row.file,
                    row.line,
                    key,
                    f"duplicate id '{value}' (first at {first.file}:{first.line})",
                )
            else:
                seen[value] = row


def check_references(tables: Tables) -> Iterator[Problem]:
    """Every code points at a known country, organisation or source."""
    known = {
        "countries": {r["iso3"] for r in tables.get("countries", [])},
        "organisations": {r["slug"] for r in tables.get("organisations", [])},
        "sources": {r["id"] for r in tables.get("sources", [])},
    }
    known["actors"] = known["countries"] | known["organisations"]
    label = {
        "countries": "country code",
        "organisations": "organisation",
        "sources": "source id",
        "actors": "country or organisation code",
    }
    for name, rows in tables.items():
        for f in TABLES_BY_NAME[name].fields:
            if f.ref is None:
                continue
            for row in rows:
                value = row[f.name]
                values = value if isinstance(value, list) else [value] if value else []
                for item in values:
                    if item not in known[f.ref]:
                        yield Problem(row.file, row.line, f.name, f"unknown {label[f.ref]} '{item}'")


def check_periods(tables: Tables) -> Iterator[Problem]:
    """End dates fall after start dates (the end day is exclusive).

    With partial dates, a period is wrong only when it certainly ends before it starts: the
    end's latest possible day is not after the start's earliest (``1994`` to ``1994-06`` is
    possible; ``1995`` to ``1994`` is not).
    """
    spans = {
        "memberships": ("start", "end"),
        "events": ("start", "end"),
        "organisations": ("founded", "dissolved"),
        "org_attributes": ("start", "end"),
    }
    for name, (start_field, end_field) in spans.items():
        for row in tables.get(name, []):
            start, end = row[start_field], row[end_field]
            if start is None or end is None:
                continue
            if name == "events" and end.latest < start.earliest:
                yield Problem(row.file, row.line, end_field, f"end {end} is before start {start}")
            elif name != "events" and end.latest <= start.earliest:
                yield Problem(
                    row.file,
                    row.line,
                    end_field,
                    f"{end_field} {end} is not after {start_field} {start}",
                )


def check_overlaps(tables: Tables) -> Iterator[Problem]:
    """One organisation/country/role never has two periods that share a day."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in tables.get("memberships", []):
        if row["start"] is not None:
            groups[(row["org"], row["country"], row["role"])].append(row)
    for (org, country, role), rows in groups.items():
        rows.sort(key=lambda r: (r["start"].earliest, r["start"].latest))
        for earlier, later in itertools.pairwise(rows):
            if periods_overlap(earlier["start"], earlier["end"], later["start"], later["end"]):
                yield Problem(
                    later.file,
                    later.line,
                    "start",
                    f"{org}/{country}/{role} period overlaps the one at {earlier.file}:{earlier.line}",
                )


def check_contested_subjects(tables: Tables) -> Iterator[Problem]:
    """A contested fact names a subject the KB knows: organisation, country or event."""
    known = {
        "org": {r["slug"] for r in tables.get("organisations", [])},
        "country": {r["iso3"] for r in tables.get("countries", [])},
        "event": {r["id"] for r in tables.get("events", [])},
    }
    for row in tables.get("contested", []):
        subject = row["subject"] or ""
        kind, _, rest = subject.partition(":")
        parts = rest.split(":")
        wanted: list[tuple[str, str]] = []
        if kind in ("org", "event", "country"):
            wanted.append((kind, parts[0]))
        elif kind == "attribute":
            if len(parts) != 2 or parts[1] not in ATTRIBUTE_VALUES:
                message = f"'{subject}' is not attribute:ORG:ATTRIBUTE with a known attribute"
                yield Problem(row.file, row.line, "subject", message)
                continue
            wanted.append(("org", parts[0]))
        elif kind == "membership" and len(parts) >= 2:
            wanted += [("org", parts[0]), ("country", parts[1])]
        elif kind == "cow_igo":
            if len(parts) != 3 or not re.fullmatch(r"\d{4}(-\d{4})?", parts[2]):
                message = f"'{subject}' is not cow_igo:IONAME:ISO3:YYYY[-YYYY]"
                yield Problem(row.file, row.line, "subject", message)
                continue
            if parts[1] != "*":
                wanted.append(("country", parts[1]))
        elif kind == "membership":
            yield Problem(row.file, row.line, "subject", f"'{subject}' is not membership:ORG:ISO3")
            continue
        for what, value in wanted:
            if value not in known[what]:
                yield Problem(row.file, row.line, "subject", f"unknown {what} '{value}' in '{subject}'")


def check_attribute_values(tables: Tables) -> Iterator[Problem]:
    """Attribute values come from the attribute's closed set; outside powers are known codes."""
    for row in tables.get("org_attributes", []):
        attribute, value = row["attribute"], row["value"]
        if attribute not in ATTRIBUTE_VALUES or value is None:
            continue
        allowed = ATTRIBUTE_VALUES[attribute]
        if attribute == "outside_powers_members":
            codes = [v.strip() for v in value.split(";") if v.strip()]
            if codes == ["none"]:
                continue
            for code in codes:
                if code not in OUTSIDE_POWERS:
                    message = (
                        f"'{code}' is not an outside power: use codes of {', '.join(OUTSIDE_POWERS)} or none"
                    )
                    yield Problem(row.file, row.line, "value", message)
        elif allowed is not None and value not in allowed:
            message = f"'{value}' is not a {attribute} value: use one of {', '.join(allowed)}"
            yield Problem(row.file, row.line, "value", message)


CHECKS: tuple[Callable[[Tables], Iterator[Problem]], ...] = (
    check_required,
    check_values,
    check_unique,
    check_references,
    check_periods,
    check_overlaps,
    check_contested_subjects,
    check_attribute_values,
)


def check(tables: Tables) -> list[Problem]:
    """Run every check; problems come sorted by file and line."""
    found = [p for c in CHECKS for p in c(tables)]
    return sorted(found, key=lambda p: (p.file, p.line or 0, p.field or ""))


@dataclass
class Report:
    """The outcome of validating a KB folder."""

    kb_dir: Path
    problems: list[Problem]
    counts: dict[str, int]

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_kb(kb_dir: Path | str | None = None) -> Report:
    """Validate a KB folder (the bundled one by default) and report every problem."""
    from steppe.config import settings
    from steppe.kb.loader import read_kb

    path = Path(kb_dir) if kb_dir is not None else settings().kb_dir
    tables, problems = read_kb(path)
    problems = sorted(problems + check(tables), key=lambda p: (p.file, p.line or 0, p.field or ""))
    return Report(path, problems, {name: len(rows) for name, rows in tables.items()})
