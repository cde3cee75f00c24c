-- PostgreSQL variant of 061_kb_v2.sql (the DuckDB file is the reference; keep the two in step).
-- The only difference: DuckDB's macros kb_point_state and kb_status are SQL functions here,
-- with the same names, arguments and CASE bodies.

-- Knowledge base v2: dates at the precision the source gives, organisation attributes, gaps,
-- and the as-of rule written once, as two macros every KB query uses.
--
-- A KB date is stored as the window of days it can mean: <name>_date (earliest day),
-- <name>_latest (latest day) and <name>_precision ('day', 'month' or 'year'); a day-precision
-- date has earliest = latest. The KB tables are replaced as a whole on every load, so they are
-- recreated here and the load fingerprint is cleared: the next command reloads the KB files.

-- Whether a change dated by the window (earliest, latest, precision) has happened on day d:
-- 0 not yet (d before the window), 1 unknown (d inside a month or year window), 2 certainly
-- (a day-precision change from its day on; a partial one from the day after its window).
-- NULL for a missing date. Python reference: steppe.kb.asof.point_state.
CREATE OR REPLACE FUNCTION kb_point_state(earliest DATE, latest DATE, prec VARCHAR, d DATE)
RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN earliest IS NULL THEN NULL
        WHEN d < earliest THEN 0
        WHEN prec = 'day' OR d > latest THEN 2
        ELSE 1
    END
$$;

-- The as-of rule for a period [start, end) on day d: 'yes' when the start has certainly
-- happened and the end certainly has not, 'no' when the start certainly has not happened or
-- the end certainly has, 'uncertain' otherwise. A missing start has no lower bound, a missing
-- end no upper bound. Python reference: steppe.kb.asof.status.
CREATE OR REPLACE FUNCTION kb_status(
    s_date DATE, s_latest DATE, s_prec VARCHAR, e_date DATE, e_latest DATE, e_prec VARCHAR, d DATE
) RETURNS VARCHAR LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN coalesce(kb_point_state(s_date, s_latest, s_prec, d), 2) = 0
            OR coalesce(kb_point_state(e_date, e_latest, e_prec, d), 0) = 2 THEN 'no'
        WHEN coalesce(kb_point_state(s_date, s_latest, s_prec, d), 2) = 2
            AND coalesce(kb_point_state(e_date, e_latest, e_prec, d), 0) = 0 THEN 'yes'
        ELSE 'uncertain'
    END
$$;

DROP TABLE IF EXISTS kb_organisations;
DROP TABLE IF EXISTS kb_memberships;
DROP TABLE IF EXISTS kb_events;
DELETE FROM kb_meta;

CREATE TABLE kb_organisations (
    slug VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    aliases VARCHAR[],
    kind VARCHAR NOT NULL,
    founded DATE,
    founded_latest DATE,
    founded_precision VARCHAR,
    dissolved DATE,
    dissolved_latest DATE,
    dissolved_precision VARCHAR,
    initiators VARCHAR[],
    secretariat VARCHAR,
    secretariat_host VARCHAR,
    predecessor VARCHAR,
    confidence VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    note VARCHAR
);
CREATE TABLE kb_memberships (
    org VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    start_latest DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE,
    end_latest DATE,
    end_precision VARCHAR,
    confidence VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    note VARCHAR
);
CREATE TABLE kb_events (
    id VARCHAR PRIMARY KEY,
    start_date DATE NOT NULL,
    start_latest DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE,
    end_latest DATE,
    end_precision VARCHAR,
    type VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    place VARCHAR,
    participants VARCHAR[],
    orgs VARCHAR[],
    confidence VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    note VARCHAR
);
CREATE TABLE kb_org_attributes (
    org VARCHAR NOT NULL,
    attribute VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    start_date DATE,
    start_latest DATE,
    start_precision VARCHAR,
    end_date DATE,
    end_latest DATE,
    end_precision VARCHAR,
    confidence VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    note VARCHAR
);
CREATE TABLE kb_gaps (
    org VARCHAR,
    country VARCHAR,
    what VARCHAR NOT NULL,
    why VARCHAR NOT NULL
);
