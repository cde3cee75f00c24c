-- Coding together (issue 16): blind coding until an editor opens a comparison of a document,
-- and the editor's adjudicated decisions. Portable SQL.
CREATE TABLE texts_comparisons (
    doc_id VARCHAR NOT NULL,
    codebook VARCHAR NOT NULL,
    opened_by VARCHAR NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (doc_id, codebook)
);
CREATE SEQUENCE texts_adjudication_seq;
CREATE TABLE texts_adjudications (
    adjudication_id BIGINT PRIMARY KEY DEFAULT nextval('texts_adjudication_seq'),
    doc_id VARCHAR NOT NULL,
    seg_no INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    decision VARCHAR NOT NULL CHECK (decision IN ('applies', 'does_not_apply')),
    editor VARCHAR NOT NULL,
    note VARCHAR,
    decided_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    superseded_at TIMESTAMPTZ
);
