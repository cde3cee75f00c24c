-- News tone timelines (issue 13): GDELT DOC 2.0 API, mode=timelinetone (steppe.sources.gdelt).
-- The average tone of the online news articles matching a query, per time step. Every row
-- points at a `datasets` row (migration 002) with the queries, window and location.
CREATE TABLE news_tone (
    dataset_id VARCHAR NOT NULL,
    period_start TIMESTAMP NOT NULL,       -- UTC start of the time step
    resolution VARCHAR,                    -- GDELT's query_details.date_resolution ('15m', 'hour', 'day')
    actor VARCHAR,                         -- KB code the query was declared for; NULL for free keywords
    query VARCHAR NOT NULL,                -- the query sent (keywords and sourcecountry filter)
    source_country VARCHAR,                -- GDELT sourcecountry value as given; NULL = all sources
    tone DOUBLE PRECISION NOT NULL                   -- GDELT average tone of the matching articles
);
