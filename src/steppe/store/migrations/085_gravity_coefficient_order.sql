-- The order of a stored run's coefficients (as the estimator gave them) as a column, so that
-- every backend reads them back in that order (DuckDB's implicit rowid has no PostgreSQL twin).
-- The DuckDB twin (085_gravity_coefficient_order.duckdb.sql) also numbers the rows stored before.
ALTER TABLE gravity_coefficients ADD COLUMN position INTEGER;
