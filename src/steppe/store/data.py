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
- ``dataset`` is a source id (``'imf_dots'``) or ``'source:dataset'`` prefix: of that source
  (or source and dataset), the pinned dataset, else the most recently loaded, that has rows
  matching the filters;
- ``dataset`` is None: the same over every source (for indicators: that holds the indicator
  asked for).

That is the store's one default-dataset rule (:data:`NEWEST_FIRST`, :func:`newest` for rows
already read): pinned, else newest, among the readable editions. The indicators' choice of
trade dataset and every reader use it.

Editions: a (source, dataset) group may hold several editions. Its default is the pinned one
(:func:`pin`, ``steppe data pin``) or else the most recently loaded; while a group has a pin,
its other editions are read only when asked for by exact ``dataset_id``. A load never changes
a pin, and a refused load (validation, :mod:`steppe.sources.validation`) stores nothing, so the
previous edition stays the default. The same edition name with other content is refused
unless the caller says it is a new edition (``new_edition``).

Every returned frame carries a ``dataset_id`` column, so a result can always say where it came
from; :func:`dataset_info` gives the full provenance row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.dates import parse_years
from steppe.errors import DataError, NotFoundError, StoreError, UsageError
from steppe.store.backends import duckdb as duckdb_sql
from steppe.store.where import Where

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
    "cow_igo_memberships": ("ioname", "orgname", "ccode", "iso3", "year", "status"),
    "cow_igo_states": ("ccode", "iso3", "styear", "endyear"),
    "gravity_panels": ("line", "exporter", "importer", "year", "pair_id", "variable", "value"),
}
#: Tables whose rows only annotate other rows; not counted in ``datasets.rows``.
_ANNOTATION_TABLES = frozenset({"trade_flow_flags", "cow_igo_states"})

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


#: Edition names: what a user may call an edition (``--edition``), and what ids may hold.
_EDITION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


def check_edition_name(name: str) -> str:
    """``name`` when it is a usable edition name (letters, digits, . _ + -), else one sentence."""
    text = str(name).strip()
    if not _EDITION_NAME.fullmatch(text):
        raise UsageError(
            f"Invalid edition name {str(name)[:80]!r}: use letters, digits, '.', '_', '+' or '-' "
            "(at most 64 characters), e.g. 2025-07 or v2."
        )
    return text


def load_dataset(
    store: Store,
    record: DatasetRecord,
    frames: Mapping[str, pd.DataFrame],
    bulk: Mapping[str, BulkLoader] | None = None,
    *,
    new_edition: bool = False,
) -> LoadOutcome:
    """Store ``record`` and its fact rows in one transaction; nothing is written if any step fails.

    ``frames`` maps fact tables to frames with (a subset of) :data:`FACT_COLUMNS`; ``bulk`` maps
    fact tables to loaders that insert straight from files (large BACI files). The same content
    (source, dataset, content hash, ``params['options']``) is stored once: a repeat returns
    ``loaded=False``. When the id ``source:dataset:edition`` is taken:

    - by the same request options with other content: the source has changed under the same
      edition name (or the file is damaged): refused, unless ``new_edition`` says it is a new
      edition, which is then stored beside the old one as ``<edition>~<8 hex>``;
    - by other options (another slice of the same edition, e.g. other indicators): stored
      beside it as ``<edition>~<8 hex>``.
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
            same_options = _options(record.params) == _options(_stored_params(store, dataset_id))
            if same_options and not new_edition:
                raise UsageError(
                    f"The edition {dataset_id} is already stored with other content, fetched with the "
                    "same options: the source changed under the same edition name, or this file is "
                    "damaged; if it is a new edition, fetch again with new_edition (or name it: edition).",
                    params=("new_edition", "edition"),
                )
            key = record.content_hash + _options(record.params)
            dataset_id = f"{dataset_id}~{hashlib.sha256(key.encode()).hexdigest()[:8]}"
            if _taken(store, dataset_id):
                raise StoreError(f"The dataset id {dataset_id} is already taken; drop it first.")
        rows = 0
        tables: list[str] = []
        for table, frame in frames.items():
            out = frame.loc[:, list(frame.columns)].copy()
            out.insert(0, "dataset_id", dataset_id)
            n = store.insert_frame(table, out)
            if table not in _ANNOTATION_TABLES:
                rows += n
            if n:
                tables.append(table)
        for table, loader in bulk.items():
            n = loader(store, dataset_id)
            if table not in _ANNOTATION_TABLES:
                rows += n
            if n:
                tables.append(table)
        params = {k: v for k, v in record.params.items() if not (k == "validation" and not v)}
        store.execute(
            "INSERT INTO datasets (dataset_id, source, dataset, edition, params, location, retrieved_at, "
            "content_hash, rows, tables) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                dataset_id,
                record.source,
                record.dataset,
                record.edition,
                json.dumps(params, sort_keys=True, default=str),
                record.location,
                record.retrieved_at,
                record.content_hash,
                rows,
                sorted(set(tables)),
            ],
        )
    return LoadOutcome(dataset_id, rows, True)


def _stored_params(store: Store, dataset_id: str) -> dict[str, Any]:
    found = store.execute("SELECT params FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()
    return json.loads(found[0][0]) if found and found[0][0] else {}


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
        store.execute("DELETE FROM dataset_pins WHERE dataset_id = ?", [dataset_id])
        store.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])
    return int(found[0][0])


# -- editions ----------------------------------------------------------------------------------


def eligible_sql(alias: str = "d") -> str:
    """SQL condition: dataset ``alias`` may be read by default (no other edition of its group is pinned).

    The one place that says which editions readers use without an exact ``dataset_id``.
    """
    return (
        f"NOT EXISTS (SELECT 1 FROM dataset_pins p WHERE p.source = {alias}.source "
        f"AND p.dataset = {alias}.dataset AND p.dataset_id <> {alias}.dataset_id)"
    )


def pinned_sql(alias: str = "d") -> str:
    """SQL expression: dataset ``alias`` is pinned (``steppe data pin``)."""
    return f"EXISTS (SELECT 1 FROM dataset_pins p WHERE p.dataset_id = {alias}.dataset_id)"


#: The one default-dataset rule, as an ORDER BY over readable datasets ``d``
#: (:func:`eligible_sql`): a pinned edition first, else the most recently loaded.
NEWEST_FIRST = f"{pinned_sql('d')} DESC, d.loaded_at DESC, d.dataset_id DESC"


def newest(candidates: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """:data:`NEWEST_FIRST` in Python: of ``candidates`` (rows with ``pinned``, ``loaded_at`` and
    ``dataset_id``, already limited to readable editions) a pinned one, else the newest."""
    return max(candidates, key=lambda d: (bool(d.get("pinned")), d["loaded_at"], d["dataset_id"]))


def editions(store: Store, source: str | None = None) -> list[dict[str, Any]]:
    """Every stored edition by source and dataset, with which one is the group's default and why."""
    sql = (
        "SELECT d.source, d.dataset, d.edition, d.dataset_id, d.rows, d.loaded_at, "
        "p.dataset_id IS NOT NULL AS pinned, "
        "row_number() OVER (PARTITION BY d.source, d.dataset ORDER BY (p.dataset_id IS NOT NULL) DESC, "
        "d.loaded_at DESC, d.dataset_id DESC) = 1 AS is_default "
        "FROM datasets d LEFT JOIN dataset_pins p ON p.dataset_id = d.dataset_id"
    )
    args: list[Any] = []
    if source:
        sql += " WHERE d.source = ?"
        args.append(source)
    rows = store.rows(sql + " ORDER BY d.source, d.dataset, d.loaded_at DESC, d.dataset_id DESC", args)
    for row in rows:
        row["default"] = "pinned" if row["pinned"] else ("newest" if row["is_default"] else "")
        row["is_default"] = bool(row["is_default"])
        row["pinned"] = bool(row["pinned"])
    return rows


def pin(store: Store, dataset_id: str) -> dict[str, Any]:
    """Make ``dataset_id`` the default edition of its source and dataset, whatever is loaded later."""
    with store.transaction():
        found = store.rows("SELECT source, dataset FROM datasets WHERE dataset_id = ?", [dataset_id])
        if not found:
            raise NotFoundError(f"No stored dataset '{dataset_id}'; 'steppe data editions' lists them.")
        group = found[0]
        store.execute(
            "DELETE FROM dataset_pins WHERE source = ? AND dataset = ?", [group["source"], group["dataset"]]
        )
        store.execute(
            "INSERT INTO dataset_pins (source, dataset, dataset_id) VALUES (?, ?, ?)",
            [group["source"], group["dataset"], dataset_id],
        )
    return {"source": group["source"], "dataset": group["dataset"], "pinned": dataset_id}


def unpin(store: Store, group: str) -> list[str]:
    """Remove the pins of ``group`` (a source id, ``source:dataset`` or a pinned dataset_id)."""
    with store.transaction():
        pins = store.rows("SELECT source, dataset, dataset_id FROM dataset_pins")
        hit = [p for p in pins if group in (p["source"], f"{p['source']}:{p['dataset']}", p["dataset_id"])]
        if not hit:
            raise NotFoundError(f"Nothing is pinned for '{group}'; 'steppe data editions' shows the pins.")
        for p in hit:
            store.execute("DELETE FROM dataset_pins WHERE dataset_id = ?", [p["dataset_id"]])
    return [p["dataset_id"] for p in hit]


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


def resolve_dataset(store: Store, table: str, dataset: str | None, where: Where | None = None) -> str:
    """The dataset_id a reader uses for ``table`` (rules in the module docstring)."""
    where = where or Where(store.dialect)
    if dataset is not None and _taken(store, dataset):
        return dataset
    cond = "TRUE"
    args: list[Any] = []
    if dataset is not None:
        cond = f"(d.source = ? OR {store.dialect.starts_with('d.dataset_id')})"
        args = [dataset, dataset.rstrip(":") + ":"]
    found = store.execute(
        f"SELECT d.dataset_id FROM datasets d WHERE {store.dialect.list_has('d.tables')} AND {cond} "
        f"AND {eligible_sql('d')} AND EXISTS "
        f"(SELECT 1 FROM {table} t WHERE t.dataset_id = d.dataset_id AND {where.sql()}) "
        f"ORDER BY {NEWEST_FIRST} LIMIT 1",
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
    store: Store, table: str, columns: str, dataset: str | None, where: Where, order: str
) -> pd.DataFrame:
    dataset_id = resolve_dataset(store, table, dataset, where)
    return store.query(
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
    where = Where(store.dialect)
    where.any_of("t.year", _years(years))
    where.either_in(("t.exporter", "t.importer"), _codes(countries))
    where.any_of("t.exporter", _codes(exporters))
    where.any_of("t.importer", _codes(importers))
    if reporter is not None:
        where.add("t.reporter = ?", reporter)
    if product is not None:
        where.add("t.product = ?", product)
    if classification is not None:
        where.add("t.classification = ?", classification)
    dataset_id = resolve_dataset(store, "trade_flows", dataset, where)
    return store.query(
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
    where = Where(store.dialect)
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
    where = Where(store.dialect)
    if year is not None:
        where.add("(t.year = ? OR t.year IS NULL)", int(year))
    where.either_in(("t.iso_o", "t.iso_d"), _codes(countries))
    return _read(
        store,
        "gravity_covariates",
        "t.dataset_id, t.year, t.iso_o, t.iso_d, t.dist, t.contig, t.comlang_off, t.colony, t.comcur, t.rta",
        dataset,
        where,
        "t.year NULLS FIRST, t.iso_o, t.iso_d",
    )


def gravity_panel(store: Store, dataset: str) -> pd.DataFrame:
    """One stored application panel (``gravity_panels``, e.g. 'yotov2016:Chapter1Application1.dta')
    as the file's wide frame, in the file's order: exporter, importer, pair_id (when the file has
    it), year and one float column per variable. ``attrs['dataset_id']`` says which edition.
    """
    dataset_id = resolve_dataset(store, "gravity_panels", dataset)
    declared = _stored_params(store, dataset_id).get("variables")  # the file's column order
    stored = {r[0] for r in store.execute(
        "SELECT DISTINCT variable FROM gravity_panels WHERE dataset_id = ?", [dataset_id]
    ).fetchall()}  # fmt: skip
    variables = [v for v in declared or [] if v in stored] + sorted(stored - set(declared or []))
    wide = ", ".join(f'max(CASE WHEN variable = ? THEN value END) AS "{i}"' for i in range(len(variables)))
    frame = store.query(
        f"SELECT exporter, importer, min(pair_id) AS pair_id, year, {wide} FROM gravity_panels "
        "WHERE dataset_id = ? GROUP BY line, exporter, importer, year ORDER BY line",
        [*variables, dataset_id],
    )
    frame.columns = ["exporter", "importer", "pair_id", "year", *variables]
    if frame["pair_id"].isna().all():
        frame = frame.drop(columns="pair_id")
    else:
        frame["pair_id"] = frame["pair_id"].astype("int64")
    frame["year"] = frame["year"].astype("int64")
    frame.attrs["dataset_id"] = dataset_id
    return frame


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
    where = Where(store.dialect)
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
    where = Where(store.dialect)
    if actors is not None:
        where.any_of("t.actor", [actors] if isinstance(actors, str) else list(actors))
    where.any_of(store.dialect.year_of("t.period_start"), _years(years))
    return _read(
        store,
        "news_tone",
        "t.dataset_id, t.period_start, t.resolution, t.actor, t.query, t.source_country, t.tone",
        dataset,
        where,
        "t.query, t.source_country NULLS FIRST, t.period_start",
    )


# -- readers for the indicators and the frameworks ------------------------------------------------

#: ``product`` value of :func:`trade_datasets` / :func:`trade_rows` meaning product-level rows:
#: every product but the 'TOTAL' row.
PRODUCT_LEVEL = None


def _product(where: Where, column: str, product: str | None) -> Where:
    if product is None:
        return where.add(f"{column} <> 'TOTAL'")
    return where.equals(column, product)


def trade_datasets(store: Store, product: str | None = "TOTAL") -> list[dict[str, Any]]:
    """Readable datasets with rows in ``trade_flows`` for one product (:data:`PRODUCT_LEVEL`:
    product-level rows): id, source, dataset, edition, loaded_at, pinned, first and last year,
    years, rows, reporters; the default first (:data:`NEWEST_FIRST`)."""
    where = _product(Where(store.dialect), "t.product", product).add(eligible_sql("d"))
    reporters = store.dialect.list_agg("t.reporter", distinct=True)
    return store.rows(
        f"SELECT d.dataset_id, d.source, d.dataset, d.edition, d.loaded_at, {pinned_sql('d')} AS pinned, "
        "min(t.year) AS first_year, "
        "max(t.year) AS last_year, count(DISTINCT t.year) AS years, count(*) AS rows, "
        f"{reporters} AS reporters "
        f"FROM trade_flows t JOIN datasets d ON d.dataset_id = t.dataset_id WHERE {where.sql()} "
        f"GROUP BY d.dataset_id, d.source, d.dataset, d.edition, d.loaded_at ORDER BY {NEWEST_FIRST}",
        where.args,
    )


_TRADE_ROW = "year, exporter, importer, reporter, product, value_usd, valuation"


def trade_rows(
    store: Store,
    dataset_id: str,
    years: tuple[int, int] | None = None,
    product: str | None = "TOTAL",
    *,
    exporters: Sequence[str] | None = None,
    reporter: str | None = None,
) -> pd.DataFrame:
    """Rows of one trade dataset (by exact id), optionally limited to years, one product
    (:data:`PRODUCT_LEVEL`: product-level rows), exporters and one reporter."""
    where = Where(store.dialect).equals("dataset_id", dataset_id).between("year", years)
    _product(where, "product", product).any_of("exporter", exporters).equals("reporter", reporter)
    return store.query(f"SELECT {_TRADE_ROW} FROM trade_flows WHERE {where.sql()}", where.args)


def partner_import_rows(
    store: Store,
    dataset_id: str,
    exporters: Sequence[str],
    years: tuple[int, int] | None = None,
    product: str = "TOTAL",
) -> pd.DataFrame:
    """Importers' reports (``reporter = 'importer'``) of flows from ``exporters`` in one dataset:
    the partner-reported flows that fill non-reporters in a reconciled matrix."""
    return trade_rows(store, dataset_id, years, product, exporters=list(exporters), reporter="importer")


def trade_breadth(store: Store, min_partners: int, product: str = "TOTAL") -> dict[str, int]:
    """Per dataset, the most countries in any one year that report flows with at least
    ``min_partners`` partners (how close the dataset comes to a world matrix)."""
    rows = store.rows(
        "WITH p AS (SELECT dataset_id, year, "
        "CASE WHEN reporter = 'importer' THEN importer ELSE exporter END AS country, "
        "count(DISTINCT CASE WHEN reporter = 'importer' THEN exporter ELSE importer END) AS partners "
        "FROM trade_flows WHERE product = ? AND exporter <> 'WLD' AND importer <> 'WLD' "
        "GROUP BY dataset_id, year, CASE WHEN reporter = 'importer' THEN importer ELSE exporter END), "
        "y AS (SELECT dataset_id, year, count(*) FILTER (WHERE partners >= ?) AS wide "
        "FROM p GROUP BY dataset_id, year) "
        "SELECT dataset_id, max(wide) AS wide FROM y GROUP BY dataset_id",
        [product, min_partners],
    )
    return {r["dataset_id"]: int(r["wide"] or 0) for r in rows}


def country_indicator_rows(
    store: Store,
    indicators: Sequence[str],
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``country_indicators`` rows for some indicator codes from every readable edition, with the
    dataset's source (callers pick one dataset per indicator)."""
    where = Where(store.dialect).any_of("c.indicator", list(indicators)).add(eligible_sql("d"))
    where.any_of("c.iso3", list(countries) if countries else None).between("c.year", years)
    return store.query(
        "SELECT c.dataset_id, d.source, c.iso3, c.year, c.indicator, c.value, c.unit "
        f"FROM country_indicators c JOIN datasets d ON d.dataset_id = c.dataset_id WHERE {where.sql()} "
        "ORDER BY c.iso3, c.year",
        where.args,
    )


def finance_by_recipient_year(
    store: Store, recipients: Sequence[str], years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Development finance summed by dataset, recipient, year and flow class."""
    where = Where(store.dialect).any_of("recipient", list(recipients)).between("year", years)
    return store.query(
        "SELECT dataset_id, recipient, year, flow_class, sum(amount_usd) AS amount_usd, "
        f"sum(amount_usd_constant) AS amount_usd_constant FROM development_finance WHERE {where.sql()} "
        "GROUP BY dataset_id, recipient, year, flow_class ORDER BY recipient, year, flow_class",
        where.args,
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
    year: int | None = None,
    allow: frozenset[str] = frozenset(),
) -> int:
    """Stream one BACI yearly CSV (t,i,j,k,v,q) into ``trade_flows`` with DuckDB; return rows.

    DuckDB reads the file in parallel chunks, never all of it in Python. ``countries`` maps
    BACI numeric codes (``code``) to ISO3 (``iso3``); pairs with an unmapped code are left out.
    v (thousand current US$) becomes value_usd x 1000; q (metric tons, 'NA' when missing) the
    quantity; BACI values are FOB and reconciled from both reporters' declarations.

    The validation rules are checked in the same pass (the bulk path's copy of
    :mod:`steppe.sources.validation`): t is the file's ``year`` (coverage), v and q are finite
    (finite) and not negative (sign), k is present (required). A broken row raises
    :class:`BulkRuleBroken` with the rule (the connector finds the line by a second read of the
    file, only then, and refuses the load); ``allow`` waives overridable rules.
    """

    if store.dialect.name != "duckdb":  # a server reads no client file: stream it from here
        return _insert_baci_frames(store, dataset_id, path, countries, classification, label, year, allow)

    def fail(rule: str) -> str:
        return f"error('{_RULE_MARK}{rule}')"

    t = "r.t"
    if year is not None and "coverage" not in allow:
        t = f"CASE WHEN r.t = {int(year)} THEN r.t ELSE {fail('coverage')} END"
    sign_v = "" if "sign" in allow else f"WHEN r.v < 0 THEN {fail('sign')} "
    value = (
        f"CASE WHEN r.v IS NULL THEN {fail('required')} WHEN NOT isfinite(r.v) THEN {fail('finite')} "
        f"{sign_v}ELSE r.v * 1000 END"
    )
    sign_q = "" if "sign" in allow else f"WHEN r.qn < 0 THEN {fail('sign')} "
    quantity = f"CASE WHEN NOT isfinite(r.qn) THEN {fail('finite')} {sign_q}ELSE r.qn END"
    product = (
        f"CASE WHEN trim(coalesce(r.k, '')) = '' THEN {fail('required')} ELSE lpad(trim(r.k), 6, '0') END"
    )
    columns = {"t": "SMALLINT", "i": "INTEGER", "j": "INTEGER", "k": "VARCHAR", "v": "DOUBLE", "q": "VARCHAR"}
    try:
        with store.frame_as_table("_steppe_baci_codes", countries[["code", "iso3"]]) as view:
            inserted = store.scalar(
                f"""
                INSERT INTO trade_flows (dataset_id, year, exporter, importer, reporter, product,
                                         classification, value_usd, quantity, valuation)
                SELECT ?, {t}, ci.iso3, cj.iso3, 'reconciled', {product}, ?, {value}, {quantity}, 'fob'
                FROM (
                    SELECT *, CASE WHEN trim(q) IN ('', 'NA') THEN NULL ELSE CAST(trim(q) AS DOUBLE) END AS qn
                    FROM {duckdb_sql.read_csv_sql(columns)}
                ) AS r
                JOIN {view} ci ON ci.code = r.i
                JOIN {view} cj ON cj.code = r.j
                """,
                [dataset_id, classification, str(path)],
            )
    except store.backend.error as exc:
        text = str(exc)
        rule = re.search(re.escape(_RULE_MARK) + r"(\w+)", text)
        if rule:
            broken = rule.group(1)
            raise BulkRuleBroken(broken, f"baci: {label or path} breaks rule {broken}") from None
        line = _DUCKDB_LINE.search(text)
        column = _DUCKDB_COLUMN.search(text)
        where = f" line {line.group(1)}" if line else ""
        field = f" field '{column.group(1)}'" if column else ""
        value_match = _DUCKDB_VALUE.search(text)
        rule_name = "number"
        if value_match:
            kind = "a number" if value_match.group(2) in ("DOUBLE", "FLOAT", "DECIMAL") else "an integer"
            detail = f"{value_match.group(1)!r} is not {kind}"
            if value_match.group(2) == "SMALLINT" and value_match.group(1).strip().lstrip("-").isdigit():
                detail = f"year {value_match.group(1).strip()} does not have four digits"
                rule_name = "year_storable"
        else:
            detail = text.strip().splitlines()[0][:200]
        raise DataError(
            f"baci: {label or path}{where}{field}: {detail}; fix or re-download the file (rule {rule_name})."
        ) from None
    return int(inserted)


_RULE_MARK = "steppe-rule:"

#: Rows of a BACI file read and checked at a time on a server backend.
_BACI_CHUNK = 200_000


def _insert_baci_frames(
    store: Store,
    dataset_id: str,
    path: Path,
    countries: pd.DataFrame,
    classification: str,
    label: str | None,
    year: int | None,
    allow: frozenset[str],
) -> int:
    """:func:`insert_baci_csv` for a server backend: the same rules and rows, read here in chunks.

    PostgreSQL cannot read a file on the client, so the CSV is read with pandas in chunks of
    :data:`_BACI_CHUNK` rows (never whole), checked with the same rules in the same order as the
    DuckDB statement, and streamed in with the backend's ``COPY``.
    """
    import numpy as np

    from steppe.errors import DataError

    where = label or str(path)
    codes = dict(zip(countries["code"].astype(int), countries["iso3"], strict=True))
    inserted = 0
    with pd.read_csv(
        path, dtype=str, keep_default_na=False, chunksize=_BACI_CHUNK, encoding="utf-8-sig"
    ) as reader:
        first_line = 2  # line 1 is the header
        for chunk in reader:
            missing = [c for c in ("t", "i", "j", "k", "v", "q") if c not in chunk.columns]
            if missing:
                raise DataError(
                    f"baci: {where}: the header lacks {', '.join(missing)}; fix or re-download the file "
                    "(rule columns)."
                )
            numbers: dict[str, pd.Series] = {}
            for column, kind in (
                ("t", "an integer"),
                ("i", "an integer"),
                ("j", "an integer"),
                ("v", "a number"),
            ):
                raw = chunk[column].str.strip()
                parsed = pd.to_numeric(raw.replace("", np.nan), errors="coerce")
                bad = parsed.isna() & (raw != "")
                if kind == "an integer":
                    bad |= parsed.notna() & (parsed % 1 != 0)
                if column == "t":  # the year is a SMALLINT, as DuckDB reads it
                    bad |= parsed.abs() > 32767
                if bad.any():
                    at = int(np.flatnonzero(bad.to_numpy())[0])
                    value = chunk[column].iloc[at]
                    detail, rule = f"{value!r} is not {kind}", "number"
                    if column == "t" and value.strip().lstrip("-").isdigit():
                        detail, rule = f"year {value.strip()} does not have four digits", "year_storable"
                    raise DataError(
                        f"baci: {where} line {first_line + at} field '{column}': {detail}; "
                        f"fix or re-download the file (rule {rule})."
                    )
                numbers[column] = parsed
            t, v = numbers["t"], numbers["v"]
            q_raw = chunk["q"].str.strip()
            q = pd.to_numeric(q_raw.where(~q_raw.isin(["", "NA"]), np.nan), errors="coerce")
            unreadable = (q.isna() & ~q_raw.isin(["", "NA"])).to_numpy()
            if unreadable.any():
                at = int(np.flatnonzero(unreadable)[0])
                raise DataError(
                    f"baci: {where} line {first_line + at} field 'q': {chunk['q'].iloc[at]!r} is not a "
                    "number; fix or re-download the file (rule number)."
                )
            k = chunk["k"].str.strip()
            broken: list[str] = []
            if year is not None and "coverage" not in allow and (t != year).any():
                broken.append("coverage")
            if (k == "").any() or v.isna().any():
                broken.append("required")
            if (~np.isfinite(v.fillna(0)) | ~np.isfinite(q.fillna(0))).any():
                broken.append("finite")
            if "sign" not in allow and ((v < 0) | (q < 0)).any():
                broken.append("sign")
            if broken:
                raise BulkRuleBroken(broken[0], f"baci: {where} breaks rule {broken[0]}")
            exporter = numbers["i"].astype("int64").map(codes)
            importer = numbers["j"].astype("int64").map(codes)
            keep = (exporter.notna() & importer.notna()).to_numpy()
            frame = pd.DataFrame(
                {
                    "dataset_id": dataset_id,
                    "year": t[keep].astype("int64").to_numpy(),
                    "exporter": exporter[keep].to_numpy(),
                    "importer": importer[keep].to_numpy(),
                    "reporter": "reconciled",
                    "product": k[keep].str.pad(6, fillchar="0").str[:6].to_numpy(),
                    "classification": classification,
                    "value_usd": (v[keep] * 1000).to_numpy(dtype=float),
                    "quantity": q[keep].to_numpy(dtype=float),
                    "valuation": "fob",
                }
            )
            inserted += store.insert_frame("trade_flows", frame)
            first_line += len(chunk)
    return inserted


class BulkRuleBroken(DataError):
    """A row of a bulk file broke validation rule ``rule`` while streaming into the store; the
    connector finds the row (a plain read of the file) and refuses the load in its words."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def bulk_duplicates(
    store: Store, dataset_id: str, table: str, key: Sequence[str], *, year: int | None = None
) -> tuple[int, list[dict]]:
    """After a bulk load: drop exact duplicate rows of ``dataset_id`` and list conflicting keys.

    Returns (exact duplicates removed, up to 5 keys that repeat with other values). ``year``
    limits the check to that year's rows (one BACI yearly file just inserted: its rows are the
    last appended, so DuckDB skips the others by their min/max). Keys are grouped by one 64-bit
    hash, which is cheap; only the few repeated hashes are compared column by column.
    """
    columns = list(FACT_COLUMNS[table])
    keys = ", ".join(key)
    scope = "dataset_id = ?" + (" AND year = ?" if year is not None else "")
    args: list[Any] = [dataset_id] + ([year] if year is not None else [])
    if store.dialect.name != "duckdb":
        from steppe.store.backends import postgresql as server_sql

        every = ", ".join(columns)
        groups = store.rows(server_sql.duplicate_groups_sql(table, keys, every, scope), args)
        conflicts = [g for g in groups if g["variants"] > 1]
        if conflicts or not groups:
            return 0, conflicts
        return int(store.scalar(server_sql.delete_exact_duplicates_sql(table, every, scope), args) or 0), []
    repeated = store.execute(duckdb_sql.hashed_duplicates_sql(table, keys, scope), args).fetchall()
    if not repeated:
        return 0, []
    hashes = [r[0] for r in repeated]
    every = ", ".join(columns)
    groups = store.rows(duckdb_sql.duplicate_groups_sql(table, keys, every, scope), [*args, hashes])
    conflicts = [g for g in groups if g["variants"] > 1]
    if conflicts or not groups:
        return 0, conflicts
    removed = store.scalar(duckdb_sql.delete_exact_duplicates_sql(table, keys, every, scope), [*args, hashes])
    return int(removed), []


def starter_datasets(store: Store) -> list[dict[str, Any]]:
    """Datasets loaded from the bundled starter snapshot (``params.starter``), by source."""
    rows = store.rows(
        "SELECT dataset_id, source, dataset, edition, params FROM datasets ORDER BY source, dataset_id"
    )
    out = []
    for row in rows:
        params = json.loads(row.pop("params") or "{}")
        if params.get("starter"):
            out.append({**row, "starter": params["starter"]})
    return out


# -- the starter snapshot (steppe.starter): datasets as Parquet files ---------------------------------


def _sql_text(value: str) -> str:
    """A SQL string literal (COPY and read_parquet take no bound parameters for paths)."""
    return "'" + str(value).replace("'", "''") + "'"


def export_parquet(store: Store, dataset_id: str, folder: Path, stem: str) -> dict[str, str]:
    """Write each fact table's rows of ``dataset_id`` to ``folder/<stem>.<table>.parquet``
    (zstd, ordered by key so the file is stable); return table -> file name."""
    out: dict[str, str] = {}
    for table, columns in FACT_COLUMNS.items():
        n = store.scalar(f"SELECT count(*) FROM {table} WHERE dataset_id = ?", [dataset_id])
        if not n:
            continue
        name = f"{stem}.{table}.parquet"
        cols = ", ".join(columns)
        query = f"SELECT {cols} FROM {table} WHERE dataset_id = {_sql_text(dataset_id)} ORDER BY {cols}"
        store.execute(duckdb_sql.copy_to_parquet_sql(query, _sql_text(str(Path(folder) / name))))
        out[table] = name
    return out


def parquet_loader(table: str, path: Path) -> BulkLoader:
    """A bulk loader for :func:`load_dataset` that inserts a Parquet file's rows into ``table``."""
    if table not in FACT_COLUMNS:
        raise StoreError(f"Unknown fact table {table!r} in a Parquet load; use {sorted(FACT_COLUMNS)}.")
    cols = ", ".join(FACT_COLUMNS[table])

    def load(store: Store, dataset_id: str) -> int:
        if store.dialect.name != "duckdb":  # a server reads no client file: read it here, then COPY
            frame = duckdb_sql.read_parquet_frame(path, FACT_COLUMNS[table])
            frame.insert(0, "dataset_id", dataset_id)
            return store.insert_frame(table, frame)
        before = store.scalar(f"SELECT count(*) FROM {table} WHERE dataset_id = ?", [dataset_id])
        store.execute(
            f"INSERT INTO {table} (dataset_id, {cols}) "
            f"SELECT ?, {cols} FROM {duckdb_sql.read_parquet_sql(_sql_text(str(path)))}",
            [dataset_id],
        )
        after = store.scalar(f"SELECT count(*) FROM {table} WHERE dataset_id = ?", [dataset_id])
        return int(after) - int(before)

    return load


def retire_starter(store: Store, source: str, dataset: str) -> list[str]:
    """Drop the starter-snapshot datasets of one (source, dataset) group; return their ids.

    Called after a fetch of that group stored fresh data, so readers never mix the two."""
    gone = []
    for row in starter_datasets(store):
        if row["source"] == source and row["dataset"] == dataset:
            drop_dataset(store, row["dataset_id"])
            gone.append(row["dataset_id"])
    return gone
