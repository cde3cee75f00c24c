-- Team mode (issue 16): accounts with a role, API tokens and browser sessions.
-- Portable SQL (DuckDB and PostgreSQL read it alike). Secrets are never stored: passwords as
-- argon2id hashes, tokens and session ids as SHA-256 hex digests of their random value.
CREATE TABLE team_users (
    name VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL CHECK (role IN ('reader', 'coder', 'editor', 'admin')),
    password_hash VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by VARCHAR,
    role_changed_at TIMESTAMPTZ
);
CREATE SEQUENCE team_token_seq;
CREATE TABLE team_tokens (
    token_id BIGINT PRIMARY KEY DEFAULT nextval('team_token_seq'),
    user_name VARCHAR NOT NULL,
    label VARCHAR,
    token_hash VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    last_used_at TIMESTAMPTZ
);
CREATE TABLE team_sessions (
    session_hash VARCHAR PRIMARY KEY,
    user_name VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    expires_at TIMESTAMPTZ NOT NULL
);
