-- Tables filled by the data connectors in steppe.sources (issue 4). Every row points at a
-- `datasets` row (migration 002) that records source, edition, parameters and content hash.

-- Bilateral gravity covariates, one row per directed pair (and year when they vary).
CREATE TABLE gravity_covariates (
    dataset_id VARCHAR NOT NULL,
    year SMALLINT,                         -- NULL = time-invariant
    iso_o VARCHAR NOT NULL,                -- origin ISO3
    iso_d VARCHAR NOT NULL,                -- destination ISO3
    dist DOUBLE PRECISION,                           -- km, population-weighted when the source has it
    contig SMALLINT,                       -- 1 = common border
    comlang_off SMALLINT,                  -- 1 = common official language
    colony SMALLINT,                       -- 1 = ever in a colonial relationship
    comcur SMALLINT,                       -- 1 = common currency
    rta SMALLINT                           -- 1 = regional trade agreement in force
);

-- Development finance (AidData GCDF and similar), projects or recipient-year aggregates.
CREATE TABLE development_finance (
    dataset_id VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,            -- ISO3
    year SMALLINT NOT NULL,                -- commitment year
    flow_class VARCHAR NOT NULL,           -- 'oda', 'oof' or 'vague'
    amount_usd DOUBLE PRECISION,                     -- nominal US$ where the source gives it
    amount_usd_constant DOUBLE PRECISION,            -- constant US$ (base year in datasets.params)
    project_id VARCHAR,                    -- NULL for country-year aggregates
    sector VARCHAR,
    status VARCHAR
);

-- Source flags on individual trade_flows rows (e.g. IMF DOTS ' e' = IMF estimate). Keyed like
-- a trade_flows row; absent = no flag.
CREATE TABLE trade_flow_flags (
    dataset_id VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    exporter VARCHAR NOT NULL,
    importer VARCHAR NOT NULL,
    reporter VARCHAR NOT NULL,
    product VARCHAR NOT NULL,
    flag VARCHAR NOT NULL                  -- 'estimate' (IMF DOTS), ...
);
