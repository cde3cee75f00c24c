"""The validation layer of the connectors: every fetched table is checked before it is stored.

Each source declares its tables' rules as a :class:`SourceSchema` (in its own module, next to
the parser). :func:`validate` turns the declaration into a pandera ``DataFrameSchema`` per
table, runs it lazily (every failing value is found, not only the first), and adds the rules
pandera has no word for (conflicting duplicate keys, exact duplicates). Like
:func:`steppe.kb.validate.check_values`, each rule is one small check that yields typed
:class:`Problem` records (file, line, rule, field, message); callers collect them and never
stop at the first.

A load with any problem is refused as a whole (one sentence naming the first problem's file,
line and rule, plus how many more there are) before the store is touched, so the previous
edition stays the default. Exact duplicate rows are dropped and counted in the dataset's
``params``; a rule marked overridable can be waived per fetch (``fetch(..., allow=[rule])``,
``steppe fetch --allow RULE``), and the waiver is recorded in ``params`` too. Bulk loads that
never hold their rows in Python (BACI) check the same rules in SQL: see
:mod:`steppe.store.data` and docs/validation.md.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from steppe.codes import NON_COUNTRY_PARTNERS
from steppe.errors import RefusedLoad, UsageError

if TYPE_CHECKING:
    from steppe.sources.connector import Payload

#: Columns a connector may add to a frame to say where each row came from; never stored.
LINE = "_line"
FILE = "_file"


@dataclass(frozen=True)
class Rule:
    """A named rule: what it asks of the data, and whether a user may waive it for one fetch."""

    id: str
    asks: str
    overridable: bool


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("required_columns", "the file has the columns the source publishes (header check)", False),
        Rule("number", "a numeric cell holds a number", False),
        Rule("text", "text holds no NUL byte or control character (they truncate or hide text)", False),
        Rule("not_empty", "the file holds at least one data row, not a header alone", False),
        Rule("complete_file", "the last record is whole: as many fields as the header", True),
        Rule("coverage", "rows and years are plausible against the source's own metadata", True),
        Rule("required", "key fields (year, codes, product ...) are present", False),
        Rule("unique_key", "no two rows share a key with different values", False),
        Rule("finite", "numbers are finite (no inf or -inf)", False),
        Rule("sign", "amounts that cannot be negative (trade values, GDP, distance) are not", True),
        Rule("dummy", "0/1 indicators (contiguity, RTA ...) hold 0 or 1", True),
        Rule("year", "years lie in the span the source covers (not after this year)", True),
        Rule("year_storable", "years have four digits (the store keeps 1000-9999)", False),
        Rule("known_code", "country codes are ISO 3166-1 alpha-3 or a category the source declares", True),
    )
}


@dataclass(frozen=True)
class Problem:
    """One finding: where (file, line, field), which rule, and what is wrong."""

    file: str
    line: int | None
    rule: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            where += f" field '{self.field}'"
        return f"{where}: {self.message} (rule {self.rule})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "rule": self.rule,
            "field": self.field,
            "message": self.message,
        }


# -- declarations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRules:
    """The rules of one fact table as a source fills it."""

    key: tuple[str, ...]
    required: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    year: str | None = "year"
    #: Columns that may not be negative.
    non_negative: tuple[str, ...] = ()
    #: Columns holding 0/1 indicators.
    dummies: tuple[str, ...] = ()
    #: (column, values): the non-negative rule applies only to rows whose column is in values
    #: (WDI: GDP and population cannot be negative, net FDI inflows can).
    non_negative_when: tuple[str, frozenset[str]] | None = None
    #: The column the conditional non-negative rule checks.
    conditional_value: str | None = None


#: The fact tables' rules (columns of migration 002/020). Sources narrow them in SourceSchema.
TABLES: dict[str, TableRules] = {
    "trade_flows": TableRules(
        key=("year", "exporter", "importer", "reporter", "product"),
        required=("year", "exporter", "importer", "reporter", "product", "classification"),
        codes=("exporter", "importer"),
        non_negative=("value_usd", "quantity"),
    ),
    "trade_flow_flags": TableRules(
        key=("year", "exporter", "importer", "reporter", "product"),
        required=("year", "exporter", "importer", "reporter", "product", "flag"),
        codes=("exporter", "importer"),
    ),
    "country_indicators": TableRules(
        key=("iso3", "year", "indicator"),
        required=("iso3", "year", "indicator"),
        codes=("iso3",),
    ),
    "gravity_covariates": TableRules(
        key=("year", "iso_o", "iso_d"),
        required=("iso_o", "iso_d"),
        codes=("iso_o", "iso_d"),
        non_negative=("dist",),
        dummies=("contig", "comlang_off", "colony", "comcur", "rta"),
    ),
    "development_finance": TableRules(
        key=("recipient", "year", "flow_class", "project_id"),
        required=("recipient", "year", "flow_class"),
        codes=("recipient",),
        non_negative=("amount_usd", "amount_usd_constant"),
    ),
    # GDELT tone may be negative; actors are KB codes and source countries GDELT's own codes.
    "news_tone": TableRules(
        key=("period_start", "resolution", "actor", "query", "source_country"),
        required=("period_start", "query"),
        year=None,
    ),
}

#: Codes every source may use besides countries: the world total (trade shares' denominator)
#: and the non-country trade partners steppe codes in the X range (Special Categories, areas not
#: specified, former entities: steppe.codes.NON_COUNTRY_PARTNERS), which sources report and
#: which count in a reporter's totals.
WORLD_CATEGORY = {"WLD": "World (total over all partners)", **NON_COUNTRY_PARTNERS}


@dataclass(frozen=True)
class SourceSchema:
    """What one source declares: its tables' rules, its year span, its non-country codes.

    ``years`` is the span the source covers (``None`` for the end: this calendar year);
    ``categories`` maps codes that are not countries but that the source legitimately uses as
    a country or partner (the world total, a historical entity) to what they mean. Connectors
    that keep non-country partners (IMF "Special Categories", ...) declare them here.
    """

    source: str
    tables: Mapping[str, TableRules] = field(default_factory=lambda: dict(TABLES))
    years: tuple[int, int | None] = (1900, None)
    categories: Mapping[str, str] = field(default_factory=lambda: dict(WORLD_CATEGORY))
    #: An answer without rows is a finding, not a broken file (a search API that matched
    #: nothing); files are never allowed to be empty.
    empty_answer_ok: bool = False

    def rules(self, table: str) -> TableRules:
        """The rules of ``table``; a fact table nobody declared gets the generic checks only
        (finite numbers, clean text, exact duplicates)."""
        return self.tables.get(table) or TABLES.get(table) or TableRules(key=(), year=None)

    def year_span(self) -> tuple[int, int]:
        first, last = self.years
        return first, last if last is not None else date.today().year


# -- checks: each yields Problems --------------------------------------------------------------

#: Characters that truncate (NUL) or hide/restyle text on a terminal (C0/C1 controls, DEL).
CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def _known_codes(values: Iterable[Any], categories: Mapping[str, str]) -> set[str]:
    from steppe.codes import to_iso3

    unique = sorted({str(v) for v in values if isinstance(v, str)})
    mapped = to_iso3(unique, "iso3")
    return {c for c, m in zip(unique, mapped, strict=True) if m == c} | set(categories)


@dataclass
class _Check:
    """One pandera check with the rule it enforces and how to describe a failing value."""

    rule: str
    describe: Callable[[Any], str]


def _pandera_schema(
    table: str, frame: pd.DataFrame, schema: SourceSchema
) -> tuple[Any, dict[tuple[str, int], _Check], list[_Check]]:
    """The pandera schema of one table, with the rule behind each numbered check."""
    import pandera.pandas as pa

    rules = schema.rules(table)
    first, last = schema.year_span()
    columns: dict[str, Any] = {}
    meaning: dict[tuple[str, int], _Check] = {}
    for name in frame.columns:
        if name.startswith("_"):
            continue
        checks: list[tuple[Any, _Check]] = []
        series = frame[name]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        if numeric:
            checks.append(
                (
                    pa.Check(lambda s: ~np.isinf(s.astype("float64")), name="finite"),
                    _Check("finite", lambda v: f"{v!r} is not a finite number"),
                )
            )
        if name == rules.year:
            checks.append(
                (
                    pa.Check.in_range(1000, 9999),
                    _Check("year_storable", lambda v: f"year {v:g} does not have four digits"),
                )
            )

            def outside(v: Any, f: int = first, la: int = last) -> str:
                return f"year {v:g} is outside {f}-{la}, this source's span"

            checks.append((pa.Check.in_range(first, last), _Check("year", outside)))
        if name in rules.non_negative and numeric:
            checks.append(
                (
                    pa.Check.ge(0),
                    _Check("sign", lambda v: f"{v!r} is negative; this amount cannot be"),
                )
            )
        if name in rules.dummies and numeric:
            checks.append((pa.Check.isin([0, 1]), _Check("dummy", lambda v: f"{v!r} is not 0 or 1")))
        if name in rules.codes:
            known = _known_codes(series.dropna().unique(), schema.categories)
            checks.append(
                (
                    pa.Check.isin(sorted(known)),
                    _Check(
                        "known_code",
                        lambda v: f"{v!r} is not an ISO3 country code nor a category this source declares",
                    ),
                )
            )
        if series.dtype == object:
            checks.append(
                (
                    pa.Check(
                        lambda s: ~s.astype(str).str.contains(CONTROL_CHARS, regex=True),
                        name="text",
                    ),
                    _Check("text", lambda v: f"{_shown(v)} holds a NUL byte or a control character"),
                )
            )
        columns[name] = pa.Column(
            None,
            [c for c, _ in checks],
            nullable=name not in rules.required,
            required=False,
        )
        for number, (_, meant) in enumerate(checks):
            meaning[(name, number)] = meant
    frame_checks: list[_Check] = []
    wide = []
    if rules.non_negative_when and rules.conditional_value in frame.columns:
        column, values = rules.non_negative_when
        value = rules.conditional_value
        wide.append(
            pa.Check(
                lambda d, c=column, vs=values, v=value: (
                    ~(d[c].isin(list(vs)) & (pd.to_numeric(d[v], errors="coerce") < 0))
                ),
                name="sign",
            )
        )
        frame_checks.append(_Check("sign", lambda v: f"{v!r} is negative; this indicator cannot be"))
    return pa.DataFrameSchema(columns, checks=wide, strict=False), meaning, frame_checks


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _where(frame: pd.DataFrame, index: Any, default_file: str) -> tuple[str, int | None]:
    file = str(frame.at[index, FILE]) if FILE in frame.columns else default_file
    line = None
    if LINE in frame.columns:
        raw: Any = frame.at[index, LINE]  # the line column's cell: an integer, or missing
        line = None if pd.isna(raw) else int(raw)
    return file, line


def check_schema(table: str, frame: pd.DataFrame, schema: SourceSchema, file: str) -> Iterator[Problem]:
    """Required fields, finite numbers, signs, dummies, year spans, known codes, clean text."""
    import pandera.pandas as pa

    if frame.empty:
        return
    pandera_schema, meaning, frame_checks = _pandera_schema(table, frame, schema)
    try:
        pandera_schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return
    seen: set[tuple[str, Any, str]] = set()
    value_columns = {"sign": schema.rules(table).conditional_value}
    found: list[tuple[Any, Problem]] = []
    for case in cases.itertuples(index=False):
        column = case.column
        index = case.index
        if index is None or (isinstance(index, float) and index != index):
            continue  # a schema-level failure (a column missing): connectors check headers first
        if case.schema_context == "DataFrameSchema":
            meant = frame_checks[int(case.check_number)]
            if column != value_columns.get(meant.rule):
                continue
        elif case.check == "not_nullable":
            meant = _Check("required", lambda v: "is empty; this field is required")
        else:
            meant = meaning[(column, int(case.check_number))]
        if (meant.rule, index, column) in seen:
            continue
        seen.add((meant.rule, index, column))
        where, line = _where(frame, index, file)
        found.append((index, Problem(where, line, meant.rule, column, meant.describe(case.failure_case))))
    for index, problem in found:
        if problem.rule == "year" and ("year_storable", index, problem.field) in seen:
            continue  # a five-digit year: say that, not also that it is outside the span
        yield problem


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stored_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_")]


def check_unique(table: str, frame: pd.DataFrame, schema: SourceSchema, file: str) -> Iterator[Problem]:
    """Two rows with one key and different values: the source contradicts itself.

    Run after :func:`drop_exact_duplicates`, so every repeated key left is a conflict.
    """
    key = [c for c in schema.rules(table).key if c in frame.columns]
    if not key or frame.empty:
        return
    repeated = frame.duplicated(key, keep=False)
    if not repeated.any():
        return
    firsts: dict[tuple, Any] = {}
    for index, row in frame.loc[repeated, key].iterrows():
        values = tuple(row.tolist())
        if values not in firsts:
            firsts[values] = index
            continue
        where, line = _where(frame, index, file)
        first_file, first_line = _where(frame, firsts[values], file)
        at = f"line {first_line}" if first_file == where else f"{first_file} line {first_line}"
        shown = ", ".join(f"{k}={_plain(v)}" for k, v in zip(key, values, strict=True))
        yield Problem(
            where,
            line,
            "unique_key",
            None,
            f"the key ({shown}) is also at {at} with other values",
        )


def drop_exact_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows repeated with every stored value equal: keep the first, return how many went."""
    columns = stored_columns(frame)
    if frame.empty or not columns:
        return frame, 0
    exact = frame.duplicated(columns, keep="first")
    n = int(exact.sum())
    return (frame[~exact.to_numpy()], n) if n else (frame, 0)


TableCheck = Callable[[str, pd.DataFrame, SourceSchema, str], Iterator[Problem]]
CHECKS: tuple[TableCheck, ...] = (check_schema, check_unique)


# -- file-level checks connectors call ---------------------------------------------------------


def last_record(path: Path, header: Sequence[str], *, encoding: str = "utf-8-sig") -> Problem | None:
    """A problem when the file's last record is cut: fewer fields than the header, or a quote
    left open. Quoted fields may span lines; quotes are balanced from the end of the file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - (1 << 20)))
        tail = fh.read()
    text = tail.decode(encoding, errors="replace").replace("\r\n", "\n").rstrip("\n")
    if not text.strip():
        return None
    lines = text.split("\n")
    if size > len(tail):
        lines = lines[1:]  # the first piece may start mid-line
    record = ""
    while lines:
        record = lines.pop() + ("\n" + record if record else "")
        if record.count('"') % 2 == 0:
            break
    else:
        if record.count('"') % 2:
            return _cut(path, "the last record opens a quote it never closes")
    try:
        fields = next(csv.reader(io.StringIO(record)), [])
    except csv.Error:  # a stray carriage return: not a cut record; the parser has the final say
        return None
    if len(fields) >= len(header) or not record.strip():
        return None
    return _cut(path, f"the last record has {len(fields)} of the header's {len(header)} fields")


def _cut(path: Path, what: str) -> Problem:
    return Problem(str(path), count_lines(path), "complete_file", None, f"{what}: the file is cut short")


def count_lines(path: Path) -> int:
    """Number of lines (a last line without a line break counts)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def nul_byte(path: Path) -> Problem | None:
    """A problem at the first NUL byte of a text file (CSV parsers silently cut fields there)."""
    lines = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            at = block.find(b"\x00")
            if at >= 0:
                line = lines + block.count(b"\n", 0, at) + 1
                return Problem(
                    str(path), line, "text", None, "holds a NUL byte, which would cut the field short"
                )
            lines += block.count(b"\n")
    return None


# -- the entry point -----------------------------------------------------------------------------


@dataclass
class Checked:
    """What :func:`validate` hands on: frames ready to store and what to record in params."""

    frames: dict[str, pd.DataFrame]
    summary: dict[str, Any]


def check_allow(allow: Iterable[str]) -> frozenset[str]:
    """The rules a user asked to waive, each checked to exist and to be overridable."""
    wanted = frozenset(a.strip() for a in allow if a and a.strip())
    for rule in sorted(wanted):
        if rule not in RULES:
            overridable = ", ".join(r.id for r in RULES.values() if r.overridable)
            raise UsageError(
                f"Unknown rule '{rule}' in allow; rules you may waive: {overridable}.", params=("allow",)
            )
        if not RULES[rule].overridable:
            raise UsageError(
                f"The rule '{rule}' ({RULES[rule].asks}) cannot be waived: the data would be wrong "
                "in the store; fix the file instead (docs/validation.md)."
            )
    return wanted


def refuse(source: str, problems: Sequence[Problem]) -> RefusedLoad:
    """The one-sentence error for a refused load (first problem, then the count by rule)."""
    ordered = sorted(problems, key=lambda p: (p.file, p.line or 0, p.rule, p.field or ""))
    first = ordered[0]
    more = ""
    if len(ordered) > 1:
        counts = Counter(p.rule for p in ordered[1:])
        more = f" and {len(ordered) - 1} more problem(s) ({', '.join(f'{n} {r}' for r, n in counts.items())})"
    waivable = sorted({p.rule for p in ordered if RULES.get(p.rule, Rule("", "", False)).overridable})
    hint = "fix or re-download the file"
    if waivable and len(waivable) == len({p.rule for p in ordered}):
        hint += f", or waive the rule with allow {waivable[0]} if the source really says so"
    return RefusedLoad(
        f"{source}: {first}{more}; nothing was stored: {hint} (docs/validation.md).",
        list(ordered),
        params=("allow",) if "allow" in hint else (),
    )


def validate(
    schema: SourceSchema,
    payload: Payload,
    *,
    allow: Iterable[str] = (),
    annotation_tables: frozenset[str] = frozenset({"trade_flow_flags"}),
) -> Checked:
    """Check every frame of ``payload`` against ``schema``; refuse the load on any problem.

    Returns the frames without their ``_line``/``_file`` columns and exact duplicates, and a
    summary for the dataset's ``params`` (duplicates dropped, rules waived with counts).
    """
    waived = check_allow(allow)
    location = payload.location or schema.source
    problems: list[Problem] = list(payload.problems)
    dropped: dict[str, int] = {}
    frames: dict[str, pd.DataFrame] = {}
    for table, frame in payload.frames.items():
        frame, n = drop_exact_duplicates(frame)
        if n:
            dropped[table] = n
        for check in CHECKS:
            problems.extend(check(table, frame, schema, location))
        frames[table] = frame
    fact_rows = sum(len(f) for t, f in frames.items() if t not in annotation_tables)
    if (
        not payload.bulk
        and not schema.empty_answer_ok
        and fact_rows == 0
        and not any(p.rule == "not_empty" for p in problems)
    ):
        problems.append(Problem(location, None, "not_empty", None, "holds no data rows for this selection"))
    kept = [p for p in problems if p.rule not in waived]
    if kept:
        raise refuse(schema.source, kept)
    summary: dict[str, Any] = {}
    if dropped:
        summary["exact_duplicates_dropped"] = dropped
    if waived:
        counts = Counter(p.rule for p in problems)
        summary["rules_waived"] = {rule: counts.get(rule, 0) for rule in sorted(waived)}
    clean = {}
    for table, frame in frames.items():
        out = frame[stored_columns(frame)].reset_index(drop=True)
        year = schema.rules(table).year
        if year in out.columns and out[year].notna().all():
            out[year] = out[year].astype("int64")
        clean[table] = out
    return Checked(clean, summary)


def with_lines(frame: pd.DataFrame, file: str | Path | None = None) -> pd.DataFrame:
    """``frame`` plus the ``_line`` (and ``_file``) of each row, from its ``first_line`` attr."""
    first = int(frame.attrs.get("first_line", 2))
    out = frame.copy()
    out[LINE] = np.arange(first, first + len(frame), dtype="int64")
    out[FILE] = str(file or frame.attrs.get("path", ""))
    out.attrs = dict(frame.attrs)
    return out


__all__ = [
    "CHECKS",
    "FILE",
    "LINE",
    "RULES",
    "TABLES",
    "Checked",
    "Problem",
    "Rule",
    "SourceSchema",
    "TableRules",
    "check_allow",
    "check_schema",
    "check_unique",
    "drop_exact_duplicates",
    "last_record",
    "nul_byte",
    "refuse",
    "validate",
    "with_lines",
]
