-- DuckDB twin of 085_gravity_coefficient_order.sql: the same column, and the coefficients stored
-- before it numbered in their insertion order (rowid) within each run.
ALTER TABLE gravity_coefficients ADD COLUMN position INTEGER;
UPDATE gravity_coefficients SET position = r.k
FROM (
    SELECT rowid AS rid, CAST(row_number() OVER (PARTITION BY run_id ORDER BY rowid) - 1 AS INTEGER) AS k
    FROM gravity_coefficients
) AS r
WHERE gravity_coefficients.rowid = r.rid;
