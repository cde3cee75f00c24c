-- Fetched data with provenance. Every fact row points at a dataset row that says where it
-- came from (source, dataset, edition, request parameters, retrieval time, content hash).
CREATE TABLE datasets (
    dataset_id VARCHAR PRIMARY KEY,        -- '<source>:<dataset>:<edition>'
    source VARCHAR NOT NULL,               -- connector id: wdi, imf_dots, comtrade, baci, ...
    dataset VARCHAR NOT NULL,
    edition VARCHAR NOT NULL,              -- release, vintage or version as the source names it
    params JSON,                           -- request parameters
    location VARCHAR,                      -- URL or mirror path read
    retrieved_at TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL,         -- sha256 of the bytes read
    rows BIGINT NOT NULL,
    tables VARCHAR[] NOT NULL,             -- which fact tables hold its rows
    loaded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
-- Bilateral merchandise trade. One row per flow as one party reported it (or reconciled).
CREATE TABLE trade_flows (
    dataset_id VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    exporter VARCHAR NOT NULL,             -- ISO3
    importer VARCHAR NOT NULL,             -- ISO3
    reporter VARCHAR NOT NULL,             -- 'exporter', 'importer' or 'reconciled'
    product VARCHAR NOT NULL,              -- 'TOTAL' or a product code in `classification`
    classification VARCHAR NOT NULL,       -- 'TOTAL', 'HS92', 'HS17', 'HS2', ...
    value_usd DOUBLE PRECISION,                      -- current US dollars (not thousands)
    quantity DOUBLE PRECISION,
    valuation VARCHAR                      -- 'fob', 'cif' or NULL when unknown
);
-- Country-year indicators (WDI and similar).
CREATE TABLE country_indicators (
    dataset_id VARCHAR NOT NULL,
    iso3 VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    indicator VARCHAR NOT NULL,            -- source code, e.g. NY.GDP.MKTP.CD
    value DOUBLE PRECISION,
    unit VARCHAR
);
