"""SQL the indicators and the report need: stored flows, country indicators, finance, provenance.

Read-only queries over the fact tables of migration 002 (and ``development_finance`` when the
connectors' migration has created it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from steppe.store.data import eligible_sql

if TYPE_CHECKING:
    from steppe.store.db import Store


def table_exists(store: Store, table: str) -> bool:
    return bool(
        store.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()[0]
    )


def trade_datasets(store: Store, product: str | None = "TOTAL") -> list[dict[str, Any]]:
    """Datasets with rows in ``trade_flows`` for one product (``None``: product-level rows, i.e.
    every product but 'TOTAL'): id, source, edition, years, rows, reporters."""
    where = "WHERE t.product = $product" if product else "WHERE t.product <> 'TOTAL'"
    where += f" AND {eligible_sql('d')}"  # a pinned edition hides its group's others
    return store.rows(
        "SELECT t.dataset_id, d.source, d.dataset, d.edition, min(t.year) AS first_year, "
        "max(t.year) AS last_year, count(DISTINCT t.year) AS years, count(*) AS rows, "
        f"{store.dialect.list_agg('t.reporter', distinct=True)} AS reporters "
        "FROM trade_flows t LEFT JOIN datasets d USING (dataset_id) "
        f"{where} GROUP BY t.dataset_id, d.source, d.dataset, d.edition ORDER BY t.dataset_id",
        {"product": product} if product else None,
    )


def trade_rows(
    store: Store,
    dataset_id: str,
    years: tuple[int, int] | None = None,
    product: str | None = "TOTAL",
) -> pd.DataFrame:
    """Rows of one trade dataset (all reports), optionally limited to years and one product."""
    where = ["dataset_id = $dataset"]
    params: dict[str, Any] = {"dataset": dataset_id}
    if years is not None:
        where.append("year BETWEEN $first AND $last")
        params.update(first=years[0], last=years[1])
    if product is not None:
        where.append("product = $product")
        params["product"] = product
    else:
        where.append("product <> 'TOTAL'")
    return store.query(
        "SELECT year, exporter, importer, reporter, product, value_usd, valuation FROM trade_flows WHERE "
        + " AND ".join(where),
        params,
    )


def trade_breadth(store: Store, min_partners: int, product: str = "TOTAL") -> dict[str, int]:
    """Per dataset, the most countries in any one year that report flows with at least
    ``min_partners`` partners (how close the dataset comes to a world matrix)."""
    rows = store.rows(
        "WITH p AS (SELECT dataset_id, year, "
        "CASE WHEN reporter = 'importer' THEN importer ELSE exporter END AS country, "
        "count(DISTINCT CASE WHEN reporter = 'importer' THEN exporter ELSE importer END) AS partners "
        "FROM trade_flows WHERE product = $product AND exporter <> 'WLD' AND importer <> 'WLD' "
        "GROUP BY 1, 2, 3), "
        "y AS (SELECT dataset_id, year, count(*) FILTER (WHERE partners >= $min) AS wide "
        "FROM p GROUP BY dataset_id, year) "
        "SELECT dataset_id, max(wide) AS wide FROM y GROUP BY dataset_id",
        {"product": product, "min": min_partners},
    )
    return {r["dataset_id"]: int(r["wide"] or 0) for r in rows}


def partner_import_rows(
    store: Store,
    dataset_id: str,
    exporters: Sequence[str],
    years: tuple[int, int] | None = None,
    product: str = "TOTAL",
) -> pd.DataFrame:
    """Importers' reports (``reporter = 'importer'``) of flows from ``exporters`` in one dataset:
    the partner-reported flows that fill non-reporters in a reconciled matrix."""
    where = ["dataset_id = $dataset", "reporter = 'importer'", "product = $product",
             store.dialect.in_list("exporter", "$exporters")]  # fmt: skip
    params: dict[str, Any] = {"dataset": dataset_id, "product": product, "exporters": list(exporters)}
    if years is not None:
        where.append("year BETWEEN $first AND $last")
        params.update(first=years[0], last=years[1])
    return store.query(
        "SELECT year, exporter, importer, reporter, product, value_usd, valuation FROM trade_flows WHERE "
        + " AND ".join(where),
        params,
    )


def country_indicator_rows(
    store: Store,
    indicators: Sequence[str],
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``country_indicators`` rows for some indicator codes, with the dataset's source."""
    where = [store.dialect.in_list("c.indicator", "$codes"), eligible_sql("d")]
    params: dict[str, Any] = {"codes": list(indicators)}
    if countries:
        where.append(store.dialect.in_list("c.iso3", "$countries"))
        params["countries"] = list(countries)
    if years is not None:
        where.append("c.year BETWEEN $first AND $last")
        params.update(first=years[0], last=years[1])
    return store.query(
        "SELECT c.dataset_id, d.source, c.iso3, c.year, c.indicator, c.value, c.unit "
        "FROM country_indicators c LEFT JOIN datasets d USING (dataset_id) WHERE "
        + " AND ".join(where)
        + " ORDER BY c.iso3, c.year",
        params,
    )


def finance_by_recipient_year(
    store: Store, recipients: Sequence[str], years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Development finance summed by dataset, recipient, year and flow class (empty if no table)."""
    if not table_exists(store, "development_finance"):
        return pd.DataFrame(
            columns=["dataset_id", "recipient", "year", "flow_class", "amount_usd", "amount_usd_constant"]
        )
    where = [store.dialect.in_list("recipient", "$countries")]
    params: dict[str, Any] = {"countries": list(recipients)}
    if years is not None:
        where.append("year BETWEEN $first AND $last")
        params.update(first=years[0], last=years[1])
    return store.query(
        "SELECT dataset_id, recipient, year, flow_class, sum(amount_usd) AS amount_usd, "
        "sum(amount_usd_constant) AS amount_usd_constant FROM development_finance WHERE "
        + " AND ".join(where)
        + " GROUP BY dataset_id, recipient, year, flow_class ORDER BY recipient, year, flow_class",
        params,
    )


def datasets(store: Store) -> list[dict[str, Any]]:
    """Every registered dataset, for provenance listings."""
    return store.rows(
        "SELECT dataset_id, source, dataset, edition, location, retrieved_at, content_hash, rows, "
        "tables FROM datasets ORDER BY source, dataset_id"
    )


def dataset_source(store: Store, dataset_id: str) -> str | None:
    row = store.execute("SELECT source FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchone()
    return row[0] if row else None
