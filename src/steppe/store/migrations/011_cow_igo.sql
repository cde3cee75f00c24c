-- Correlates of War IGO v3.0 state-year memberships as imported (steppe.sources.cow_igo).
-- Every row points at its datasets row (provenance: file, edition, content hash).
CREATE TABLE cow_igo_memberships (
    dataset_id VARCHAR NOT NULL,
    ioname VARCHAR NOT NULL,               -- COW abbreviation, e.g. SCO, CIS, EAEC
    orgname VARCHAR,
    ccode INTEGER NOT NULL,                -- COW state number
    iso3 VARCHAR,                          -- via steppe.codes.to_iso3(..., "cow"); NULL if none
    year SMALLINT NOT NULL,
    status SMALLINT NOT NULL               -- 1 full, 2 associate, 3 observer
);
