-- Outside data that reached analysis around the store until issue 14, now loaded by connectors
-- with provenance (a datasets row each, migration 002).

-- Yotov, Piermartini, Monteiro and Larch (2016) application panels (steppe fetch yotov2016):
-- one row per file row and variable, so that every application file keeps its own columns.
-- ``line`` is the row's position in the file (1-based), which restores the file's order.
CREATE TABLE gravity_panels (
    dataset_id VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    exporter VARCHAR NOT NULL,
    importer VARCHAR NOT NULL,
    year SMALLINT NOT NULL,
    pair_id INTEGER,                       -- the file's pair id where it has one
    variable VARCHAR NOT NULL,             -- the file's column name, lower-cased (trade, dist, rta_lag4 ...)
    value DOUBLE PRECISION
);

-- Correlates of War state system membership (states2016.csv, fetched with the IGO data by
-- steppe fetch cow_igo): the years a state is in the system, which the reconciliation needs to
-- tell "no membership" from "not a state yet".
CREATE TABLE cow_igo_states (
    dataset_id VARCHAR NOT NULL,
    ccode INTEGER NOT NULL,
    iso3 VARCHAR,
    styear SMALLINT NOT NULL,
    endyear SMALLINT NOT NULL
);
