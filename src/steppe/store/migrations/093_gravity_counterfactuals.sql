-- Stored general-equilibrium counterfactuals (steppe gravity counterfactual NAME, or
-- Session.gravity.counterfactual): one row per computation, tied to the estimation run whose
-- coefficients gave its trade costs (gravity_runs, stored in the same transaction), and one row
-- per country with the GE indexes and percent changes of steppe.gravity.ge. The web app's
-- gravity page reads the latest counterfactual of each spec through store/gravity_runs.py.
CREATE TABLE gravity_counterfactuals (
    cf_id VARCHAR PRIMARY KEY,                 -- uuid4 hex
    run_id VARCHAR NOT NULL,                   -- gravity_runs.run_id of the estimate it used
    spec_name VARCHAR NOT NULL,
    scenario JSON NOT NULL,                    -- the spec's counterfactual: section as declared
    year INTEGER NOT NULL,                     -- the cross-section solved (declared or the latest)
    sigma DOUBLE PRECISION NOT NULL,           -- elasticity of substitution
    reference_country VARCHAR NOT NULL,        -- whose importer effect is normalised to one
    iterations INTEGER NOT NULL,               -- full-endowment iterations to the Guide's stopping rule
    steppe_version VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE TABLE gravity_counterfactual_countries (
    cf_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,                 -- the solver's country order
    country VARCHAR NOT NULL,
    exports_baseline DOUBLE PRECISION,         -- levels in the data's trade unit
    exports_conditional DOUBLE PRECISION,
    exports_full DOUBLE PRECISION,
    output_baseline DOUBLE PRECISION,
    output_full DOUBLE PRECISION,
    omr_baseline DOUBLE PRECISION,
    omr_conditional DOUBLE PRECISION,
    omr_full DOUBLE PRECISION,
    imr_baseline DOUBLE PRECISION,
    imr_conditional DOUBLE PRECISION,
    imr_full DOUBLE PRECISION,
    change_exports_conditional DOUBLE PRECISION,  -- percent changes, counterfactual vs baseline
    change_exports_full DOUBLE PRECISION,
    change_price_full DOUBLE PRECISION,
    change_omr_conditional DOUBLE PRECISION,
    change_omr_full DOUBLE PRECISION,
    change_imr_conditional DOUBLE PRECISION,
    change_imr_full DOUBLE PRECISION,
    change_real_gdp_full DOUBLE PRECISION
);
