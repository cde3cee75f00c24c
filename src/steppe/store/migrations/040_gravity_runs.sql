-- Stored gravity estimations (steppe gravity estimate --store): one row per run, one row per
-- coefficient. The report reads the latest run of each spec through store/gravity_runs.py.
CREATE TABLE gravity_runs (
    run_id VARCHAR PRIMARY KEY,            -- uuid4 hex
    spec_name VARCHAR NOT NULL,
    spec_path VARCHAR,
    estimator VARCHAR NOT NULL,            -- 'ppml' or 'ols'
    nobs BIGINT NOT NULL,
    rows_in BIGINT NOT NULL,
    dropped JSON NOT NULL,                 -- counts by reason and the collinear variables
    fixed_effects VARCHAR[] NOT NULL,
    vcov VARCHAR NOT NULL,
    provenance JSON NOT NULL,              -- data file/dataset, sha256, reference
    steppe_version VARCHAR NOT NULL,
    method VARCHAR NOT NULL,               -- e.g. 'pyfixest 0.60.0 fepois'
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE TABLE gravity_coefficients (
    run_id VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    estimate DOUBLE PRECISION NOT NULL,
    se DOUBLE PRECISION,
    p_value DOUBLE PRECISION
);
