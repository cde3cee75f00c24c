"""SQL for fetched data: transactional, idempotent loads and the readers analysis modules call.

Loading (used by :mod:`steppe.sources`): :func:`load_dataset` writes one dataset's provenance
row and all its fact rows in ONE transaction. A process killed mid-load leaves the store as it
was; the same content loaded twice adds nothing; a different edition is stored beside the old
one under its own ``dataset_id``.

Reading (used by indicators, gravity, frameworks, reports): :func:`trade_flows`,
:func:`country_indicators`, :func:`gravity_covariates`, :func:`development_finance`,
:func:`news_tone`. Each reads ONE dataset at a time so
that editions and sources are never mixed silently. Which dataset wins:

- ``dataset`` is an exact ``dataset_id`` (``'imf_dots:dots:sha256-…'``): that one;
- ``dataset`` is a source id (``'imf_dots'``) or ``'source:dataset'`` prefix: the most recently
  loaded dataset of that source (or source and dataset) that has rows matching the filters;
- ``dataset`` is None: the most recently loaded dataset of any source that has rows matching
  the filters (for indicators: that holds the indicator asked for).

Every returned frame carries a ``dataset_id`` column, so a result can always say where it came
from; :func:`dataset_info` gives the full provenance row.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from steppe.dates import parse_years
from steppe.errors import NotFoundError, StoreError, UsageError

if TYPE_CHECKING:
    from steppe.store.db import Store

#: Columns of each fact table a connector may fill (``dataset_id`` is added on load).
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "trade_flows": (
        "year",
        "exporter",
        "importer",
        "reporter",
        "product",
        "classification",
        "value_usd",
        "quantity",
        "valuation",
    ),
    "trade_flow_flags": ("year", "exporter", "importer", "reporter", "product", "flag"),
    "country_indicators": ("iso3", "year", "indicator", "value", "unit"),
    "gravity_covariates": (
        "year",
        "iso_o",
        "iso_d",
        "dist",
        "contig",
        "comlang_off",
        "colony",
        "comcur",
        "rta",
    ),
    "development_finance": (
        "recipient",
        "year",
        "flow_class",
        "amount_usd",
        "amount_usd_constant",
        "project_id",
        "sector",
        "status",
    ),
    "news_tone": ("period_start", "resolution", "actor", "query", "source_country", "tone"),
}
#: Tables whose rows only annotate other rows; not counted in ``datasets.rows``.
_ANNOTATION_TABLES = frozenset({"trade_flow_flags"})

#: A bulk loader: writes rows for ``dataset_id`` straight from files with SQL, returns the count.
BulkLoader = Callable[["Store", str], int]


@dataclass(frozen=True)
class DatasetRecord:
    """Provenance of one fetched dataset (one row of ``datasets``)."""

    source: str
    dataset: str
    edition: str
    content_hash: str
    location: str
    params: dict[str, Any] = field(default_factory=dict)
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def dataset_id(self) -> str:
        return f"{self.source}:{self.dataset}:{self.edition}"


@dataclass(frozen=True)
class LoadOutcome:
    """What :func:`load_dataset` did: the id used, the fact rows it holds, whether it was new."""

    dataset_id: str
    rows: int
    loaded: bool


# -- loading ---------------------------------------------------------------------------------


def _options(params: Mapping[str, Any]) -> str:
    return json.dumps(params.get("options", {}), sort_keys=True, default=str)


def stored_with_content(
    store: Store, source: str, dataset: str, content_hash: str, options: Mapping[str, Any] | None = None
) -> LoadOutcome | None:
    """The dataset already stored from exactly this content with these options, or None."""
    wanted = _options({"options": options or {}})
    for row in store.rows(
        "SELECT dataset_id, rows, params FROM datasets WHERE source = ? AND dataset = ? AND content_hash = ? "
        "ORDER BY loaded_at",
        [source, dataset, content_hash],
    ):
        if _options(json.loads(row["params"] or "{}")) == wanted:
            return LoadOutcome(row["dataset_id"], int(row["rows"]), False)
    return None


def load_dataset(
    store: Store,
    record: DatasetRecord,
    frames: Mapping[str, pd.DataFrame],
    bulk: Mapping[str, BulkLoader] | None = None,
) -> LoadOutcome:
    """Store ``record`` and its fact rows in one transaction; nothing is written if any step fails.

    ``frames`` maps fact tables to frames with (a subset of) :data:`FACT_COLUMNS`; ``bulk`` maps
    fact tables to loaders that insert straight from files (large BACI files). The same content
    (source, dataset, content hash, ``params['options']``) is stored once: a repeat returns
    ``loaded=False``. When the id ``source:dataset:edition`` is taken by other content or
    options, the new one gets ``~<8 hex>`` appended, so both stay side by side.
    """
    bulk = dict(bulk or {})
    for table, frame in frames.items():
        _check_frame(table, frame)
    for table in bulk:
        if table not in FACT_COLUMNS:
            raise StoreError(f"Unknown fact table {table!r} in a bulk load; use {sorted(FACT_COLUMNS)}.")
    with store.transaction():
        same = stored_with_content(
            store, record.source, record.dataset, record.content_hash, record.params.get("options")
        )
        if same is not None:
            return same
        dataset_id = record.dataset_id
        if _taken(store, dataset_id):
            key = record.content_hash + _options(record.params)
            dataset_id = f"{dataset_id}~{hashlib.sha256(key.encode()).hexdigest()[:8]}"
            if _taken(store, dataset_id):
                raise StoreError(f"The dataset id {dataset_id} is already taken; drop it first.")
        rows = 0
        tables: list[str] = []
        for table, frame in frames.items():
            out = frame.loc[:, list(frame.columns)].copy()
            out.insert(0, "dataset_id", dataset_id)
            n = store.insert_df(table, out)
            if table not in _ANNOTATION_TABLES:
                rows += n
            if n:
                tables.append(table)
        for table, loader in bulk.items():
            n = loader(store, dataset_id)
            rows += n
            if n:
                tables.append(table)
        store.execute(
            "INSERT INTO datasets (dataset_id, source, dataset, edition, params, location, retrieved_at, "
            "content_hash, rows, tables) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                dataset_id,
                record.source,
                record.dataset,
                record.edition,
                json.dumps(record.params, sort_keys=True, default=str),
                record.location,
                record.retrieved_at,
                record.content_hash,
                rows,
                sorted(set(tables)),
            ],
        )
    return LoadOutcome(dataset_id, rows, True)


def _taken(store: Store, dataset_id: str) -> bool:
    found = store.execute("SELECT count(*) FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()
    return bool(found[0][0])


def _check_frame(table: str, frame: pd.DataFrame) -> None:
    if table not in FACT_COLUMNS:
        raise StoreError(f"Unknown fact table {table!r}; use one of {sorted(FACT_COLUMNS)}.")
    extra = [c for c in frame.columns if c not in FACT_COLUMNS[table]]
    if extra:
        raise StoreError(f"Columns {extra} are not in table {table}; its columns are {FACT_COLUMNS[table]}.")


def drop_dataset(store: Store, dataset_id: str) -> int:
    """Remove one dataset and all its rows in one transaction; return the fact rows removed."""
    with store.transaction():
        found = store.execute("SELECT rows FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()
        if not found:
            raise NotFoundError(f"No stored dataset '{dataset_id}'; 'steppe data list' shows them.")
        for table in FACT_COLUMNS:
            store.execute(f"DELETE FROM {table} WHERE dataset_id = ?", [dataset_id])
        store.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])
    return int(found[0][0])


# -- provenance ------------------------------------------------------------------------------


def list_datasets(store: Store, source: str | None = None) -> list[dict[str, Any]]:
    """Every stored dataset (newest load first) with its provenance; ``params`` decoded."""
    sql = (
        "SELECT dataset_id, source, dataset, edition, rows, tables, retrieved_at, loaded_at, location, "
        "content_hash, params FROM datasets"
    )
    args: list[Any] = []
    if source:
        sql += " WHERE source = ?"
        args.append(source)
    rows = store.rows(sql + " ORDER BY loaded_at DESC, dataset_id", args)
    for row in rows:
        row["params"] = json.loads(row["params"]) if row["params"] else {}
    return rows


def dataset_info(store: Store, dataset_id: str) -> dict[str, Any]:
    """The provenance row of one dataset."""
    for row in list_datasets(store):
        if row["dataset_id"] == dataset_id:
            return row
    raise NotFoundError(f"No stored dataset '{dataset_id}'; 'steppe data list' shows the stored ones.")


# -- readers ---------------------------------------------------------------------------------

Years = int | str | tuple[int, int] | Iterable[int] | None
Countries = str | Iterable[str] | None


def _years(years: Years) -> list[int] | None:
    if years is None:
        return None
    if isinstance(years, int):
        return [years]
    if isinstance(years, str):
        first, last = parse_years(years, "years")
        return list(range(first, last + 1))
    if isinstance(years, tuple) and len(years) == 2 and all(isinstance(y, int) for y in years):
        return list(range(years[0], years[1] + 1))
    return [int(y) for y in years]


def _codes(values: Countries) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [values.upper()]
    return [str(v).upper() for v in values]


class _Where:
    """A WHERE clause built from optional filters, with its parameters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def any_of(self, column: str, values: Sequence[Any] | None) -> None:
        if values is not None:
            self.add(f"list_contains(?, {column})", list(values))

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "TRUE"


def resolve_dataset(store: Store, table: str, dataset: str | None, where: _Where | None = None) -> str:
    """The dataset_id a reader uses for ``table`` (rules in the module docstring)."""
    where = where or _Where()
    if dataset is not None and _taken(store, dataset):
        return dataset
    cond = "TRUE"
    args: list[Any] = []
    if dataset is not None:
        cond = "(d.source = ? OR starts_with(d.dataset_id, ?))"
        args = [dataset, dataset.rstrip(":") + ":"]
    found = store.execute(
        f"SELECT d.dataset_id FROM datasets d WHERE list_contains(d.tables, ?) AND {cond} AND EXISTS "
        f"(SELECT 1 FROM {table} t WHERE t.dataset_id = d.dataset_id AND {where.sql()}) "
        "ORDER BY d.loaded_at DESC, d.dataset_id DESC LIMIT 1",
        [table, *args, *where.args],
    ).fetchall()
    if not found:
        which = f"dataset '{dataset}'" if dataset else "any stored dataset"
        raise NotFoundError(
            f"No {table} rows match these filters in {which}; fetch the data first "
            "('steppe fetch SOURCE', 'steppe data list' shows what is stored)."
        )
    return found[0][0]


def _read(
    store: Store, table: str, columns: str, dataset: str | None, where: _Where, order: str
) -> pd.DataFrame:
    dataset_id = resolve_dataset(store, table, dataset, where)
    return store.df(
        f"SELECT {columns} FROM {table} t WHERE t.dataset_id = ? AND {where.sql()} ORDER BY {order}",
        [dataset_id, *where.args],
    )


def trade_flows(
    store: Store,
    *,
    years: Years = None,
    countries: Countries = None,
    exporters: Countries = None,
    importers: Countries = None,
    reporter: str | None = None,
    product: str | None = "TOTAL",
    classification: str | None = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Bilateral trade rows of one dataset, values in current US dollars.

    ``countries`` keeps flows with the exporter OR the importer in the set (``exporters`` and
    ``importers`` filter one side); ``reporter`` is 'exporter', 'importer' or 'reconciled';
    ``product`` None returns every product (``classification`` 'HS92', ... narrows them).
    'WLD' as importer/exporter is the reporter's total with the world where the source gives
    it. Columns: dataset_id, year, exporter, importer, reporter, product, classification,
    value_usd, quantity, valuation, flag.
    """
    if reporter is not None and reporter not in ("exporter", "importer", "reconciled"):
        raise UsageError(f"Unknown reporter '{reporter}': use exporter, importer or reconciled.")
    where = _Where()
    where.any_of("t.year", _years(years))
    codes = _codes(countries)
    if codes is not None:
        where.add("(list_contains(?, t.exporter) OR list_contains(?, t.importer))", codes, codes)
    where.any_of("t.exporter", _codes(exporters))
    where.any_of("t.importer", _codes(importers))
    if reporter is not None:
        where.add("t.reporter = ?", reporter)
    if product is not None:
        where.add("t.product = ?", product)
    if classification is not None:
        where.add("t.classification = ?", classification)
    dataset_id = resolve_dataset(store, "trade_flows", dataset, where)
    return store.df(
        "SELECT t.dataset_id, t.year, t.exporter, t.importer, t.reporter, t.product, t.classification, "
        "t.value_usd, t.quantity, t.valuation, f.flag FROM trade_flows t LEFT JOIN trade_flow_flags f "
        "ON f.dataset_id = t.dataset_id AND f.year = t.year AND f.exporter = t.exporter "
        "AND f.importer = t.importer AND f.reporter = t.reporter AND f.product = t.product "
        f"WHERE t.dataset_id = ? AND {where.sql()} "
        "ORDER BY t.year, t.exporter, t.importer, t.reporter, t.product",
        [dataset_id, *where.args],
    )


def country_indicators(
    store: Store,
    indicator: str,
    *,
    countries: Countries = None,
    years: Years = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """One indicator (source code, e.g. 'NY.GDP.MKTP.CD') by country and year, from one dataset.

    Columns: dataset_id, iso3, year, indicator, value, unit.
    """
    where = _Where()
    where.add("t.indicator = ?", indicator)
    where.any_of("t.iso3", _codes(countries))
    where.any_of("t.year", _years(years))
    return _read(
        store,
        "country_indicators",
        "t.dataset_id, t.iso3, t.year, t.indicator, t.value, t.unit",
        dataset,
        where,
        "t.iso3, t.year",
    )


def gravity_covariates(
    store: Store,
    *,
    year: int | None = None,
    countries: Countries = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Pair covariates of one dataset; ``year`` keeps that year's rows and time-invariant ones.

    ``countries`` keeps pairs with the origin OR the destination in the set. Columns:
    dataset_id, year, iso_o, iso_d, dist, contig, comlang_off, colony, comcur, rta.
    """
    where = _Where()
    if year is not None:
        where.add("(t.year = ? OR t.year IS NULL)", int(year))
    codes = _codes(countries)
    if codes is not None:
        where.add("(list_contains(?, t.iso_o) OR list_contains(?, t.iso_d))", codes, codes)
    return _read(
        store,
        "gravity_covariates",
        "t.dataset_id, t.year, t.iso_o, t.iso_d, t.dist, t.contig, t.comlang_off, t.colony, t.comcur, t.rta",
        dataset,
        where,
        "t.year NULLS FIRST, t.iso_o, t.iso_d",
    )


def development_finance(
    store: Store,
    *,
    recipients: Countries = None,
    years: Years = None,
    flow_class: str | Iterable[str] | None = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Development-finance rows (projects or recipient-year aggregates) of one dataset.

    Columns: dataset_id, recipient, year, flow_class, amount_usd, amount_usd_constant,
    project_id, sector, status.
    """
    where = _Where()
    where.any_of("t.recipient", _codes(recipients))
    where.any_of("t.year", _years(years))
    if flow_class is not None:
        classes = [flow_class] if isinstance(flow_class, str) else list(flow_class)
        where.any_of("t.flow_class", classes)
    return _read(
        store,
        "development_finance",
        "t.dataset_id, t.recipient, t.year, t.flow_class, t.amount_usd, t.amount_usd_constant, "
        "t.project_id, t.sector, t.status",
        dataset,
        where,
        "t.recipient, t.year, t.flow_class, t.project_id NULLS FIRST",
    )


def news_tone(
    store: Store,
    *,
    actors: Countries = None,
    years: Years = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """News tone timelines (GDELT ``timelinetone``) of one dataset, by query and time step.

    ``actors`` keeps the queries declared for those KB codes (as stored, e.g. 'CHN', 'bri').
    Columns: dataset_id, period_start, resolution, actor, query, source_country, tone.
    """
    where = _Where()
    if actors is not None:
        where.any_of("t.actor", [actors] if isinstance(actors, str) else list(actors))
    where.any_of("year(t.period_start)", _years(years))
    return _read(
        store,
        "news_tone",
        "t.dataset_id, t.period_start, t.resolution, t.actor, t.query, t.source_country, t.tone",
        dataset,
        where,
        "t.query, t.source_country NULLS FIRST, t.period_start",
    )


# -- bulk loads ------------------------------------------------------------------------------

_DUCKDB_LINE = re.compile(r"Line:\s*(\d+)")
_DUCKDB_COLUMN = re.compile(r'column "?([A-Za-z_][A-Za-z0-9_]*)"?')
_DUCKDB_VALUE = re.compile(r"Could not convert string \"(.*?)\" to '(\w+)'")


def insert_baci_csv(
    store: Store,
    dataset_id: str,
    path: Path,
    countries: pd.DataFrame,
    classification: str,
    *,
    label: str | None = None,
) -> int:
    """Stream one BACI yearly CSV (t,i,j,k,v,q) into ``trade_flows`` with DuckDB; return rows.

    DuckDB reads the file in parallel chunks, never all of it in Python. ``countries`` maps
    BACI numeric codes (``code``) to ISO3 (``iso3``); pairs with an unmapped code are left out.
    v (thousand current US$) becomes value_usd x 1000; q (metric tons, 'NA' when missing) the
    quantity; BACI values are FOB and reconciled from both reporters' declarations.
    A value that is not a number raises one DataError naming the file, line and column.
    """
    from steppe.errors import DataError

    view = "_steppe_baci_codes"
    store.con.register(view, countries[["code", "iso3"]])
    try:
        inserted = store.execute(
            f"""
            INSERT INTO trade_flows (dataset_id, year, exporter, importer, reporter, product,
                                     classification, value_usd, quantity, valuation)
            SELECT ?, r.t, ci.iso3, cj.iso3, 'reconciled', lpad(trim(r.k), 6, '0'), ?, r.v * 1000,
                   CASE WHEN trim(r.q) IN ('', 'NA') THEN NULL ELSE CAST(trim(r.q) AS DOUBLE) END, 'fob'
            FROM read_csv(?, header = true, delim = ',', quote = '"', auto_detect = false,
                          columns = {{'t': 'SMALLINT', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR',
                                     'v': 'DOUBLE', 'q': 'VARCHAR'}}) AS r
            JOIN {view} ci ON ci.code = r.i
            JOIN {view} cj ON cj.code = r.j
            """,
            [dataset_id, classification, str(path)],
        ).fetchall()[0][0]
    except duckdb.Error as exc:
        text = str(exc)
        line = _DUCKDB_LINE.search(text)
        column = _DUCKDB_COLUMN.search(text)
        where = f" line {line.group(1)}" if line else ""
        field = f" field '{column.group(1)}'" if column else ""
        value = _DUCKDB_VALUE.search(text)
        if value:
            kind = "a number" if value.group(2) in ("DOUBLE", "FLOAT", "DECIMAL") else "an integer"
            detail = f"{value.group(1)!r} is not {kind}"
        else:
            detail = text.strip().splitlines()[0][:200]
        raise DataError(
            f"baci: {label or path}{where}{field}: {detail}; fix or re-download the file."
        ) from None
    finally:
        with contextlib.suppress(duckdb.Error):  # after a failed statement the rollback drops it
            store.con.unregister(view)
    return int(inserted)
