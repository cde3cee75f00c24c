-- Knowledge base: countries, organisations, memberships, events, sources.
-- The bundled KB is replaced as a whole, inside one transaction (see steppe.store.kb).
CREATE TABLE kb_sources (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    author VARCHAR,
    publisher VARCHAR,
    date VARCHAR,
    url VARCHAR,
    kind VARCHAR NOT NULL,
    accessed DATE,
    note VARCHAR
);
CREATE TABLE kb_countries (
    iso3 VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    aliases VARCHAR[],
    kind VARCHAR NOT NULL,
    region VARCHAR,
    sources VARCHAR[] NOT NULL
);
CREATE TABLE kb_organisations (
    slug VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    aliases VARCHAR[],
    kind VARCHAR NOT NULL,
    founded DATE,
    dissolved DATE,
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
    end_date DATE,
    confidence VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    note VARCHAR
);
CREATE TABLE kb_events (
    id VARCHAR PRIMARY KEY,
    start_date DATE NOT NULL,
    end_date DATE,
    type VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    place VARCHAR,
    participants VARCHAR[],
    orgs VARCHAR[],
    confidence VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    note VARCHAR
);
CREATE TABLE kb_meta (
    fingerprint VARCHAR NOT NULL,
    kb_dir VARCHAR NOT NULL,
    steppe_version VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
