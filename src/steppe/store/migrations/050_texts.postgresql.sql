-- PostgreSQL variant of 050_texts.sql (the DuckDB file is the reference; keep the two in step).
-- PostgreSQL has no unsigned 64-bit integer: the MinHash signature (values up to 2^64 - 1)
-- is NUMERIC(20,0)[], read back as Python ints like DuckDB's UBIGINT[].
-- Texts: documents, paragraph segments, codebooks and codes, actor mentions, codings and
-- auto-coding suggestions (issue 7). Offsets are character (code point) positions, 0-based,
-- end exclusive, into texts_documents.text, the stored source text.
CREATE TABLE texts_documents (
    doc_id VARCHAR PRIMARY KEY,
    path VARCHAR,
    format VARCHAR NOT NULL,
    title VARCHAR,
    author VARCHAR,
    date VARCHAR,
    publisher VARCHAR,
    kind VARCHAR,
    language VARCHAR,
    text VARCHAR NOT NULL,
    n_chars INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL,
    minhash NUMERIC(20,0)[] NOT NULL,
    near_duplicate_of VARCHAR,
    near_duplicate_similarity DOUBLE PRECISION,
    added_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE TABLE texts_segments (
    doc_id VARCHAR NOT NULL,
    seg_no INTEGER NOT NULL,
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, seg_no)
);
CREATE TABLE texts_codebooks (
    codebook VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    version VARCHAR,
    source VARCHAR NOT NULL,
    path VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE TABLE texts_codes (
    code VARCHAR PRIMARY KEY,          -- "<codebook>:<code id>", e.g. "ecdpm:structural"
    codebook VARCHAR NOT NULL,
    parent VARCHAR,                    -- full key of the parent code, NULL at the top
    name VARCHAR NOT NULL,
    definition VARCHAR,
    include_note VARCHAR,
    exclude_note VARCHAR,
    examples VARCHAR[],
    keywords VARCHAR[],
    position INTEGER NOT NULL
);
CREATE TABLE texts_mentions (
    doc_id VARCHAR NOT NULL,
    seg_no INTEGER NOT NULL,
    actor VARCHAR NOT NULL,            -- organisation slug or ISO3 code
    actor_kind VARCHAR NOT NULL,       -- 'organisation' or 'country'
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    surface VARCHAR NOT NULL
);
CREATE SEQUENCE texts_coding_seq;
CREATE TABLE texts_codings (
    coding_id BIGINT PRIMARY KEY DEFAULT nextval('texts_coding_seq'),
    doc_id VARCHAR NOT NULL,
    seg_no INTEGER NOT NULL,
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    coder VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,           -- 'manual', 'suggestion', 'actors', 'qdpx'
    memo VARCHAR,
    suggestion_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    removed_at TIMESTAMPTZ,
    removed_by VARCHAR
);
CREATE SEQUENCE texts_suggestion_seq;
CREATE TABLE texts_suggestions (
    suggestion_id BIGINT PRIMARY KEY DEFAULT nextval('texts_suggestion_seq'),
    doc_id VARCHAR NOT NULL,
    seg_no INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    rule_score DOUBLE PRECISION NOT NULL,
    similarity DOUBLE PRECISION NOT NULL,
    reason VARCHAR NOT NULL,
    method VARCHAR NOT NULL,           -- 'tfidf' or 'embeddings' (plus codebook rules in both)
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    decision VARCHAR,                  -- NULL (open), 'accepted', 'rejected'
    decided_by VARCHAR,
    decided_at TIMESTAMPTZ
);
