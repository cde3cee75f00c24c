-- KB proposals with review and the KB's audit log (issue 16). Portable SQL.
-- A proposal adds or changes one row of memberships, events or org_attributes; ``record`` is
-- the proposed row as JSON text in the KB files' columns, ``target`` the key of the row a change
-- replaces, ``base_version`` that row's version (a digest) when the proposal was written.
-- The effective KB is the bundled KB files with every approved proposal applied in approval
-- order (steppe.team.proposals); ``version`` guards a proposal against two reviewers at once.
CREATE SEQUENCE kb_proposal_seq;
CREATE TABLE kb_proposals (
    proposal_id BIGINT PRIMARY KEY DEFAULT nextval('kb_proposal_seq'),
    kind VARCHAR NOT NULL CHECK (kind IN ('membership', 'event', 'org_attribute')),
    action VARCHAR NOT NULL CHECK (action IN ('add', 'change')),
    target VARCHAR,
    record VARCHAR NOT NULL,
    base_version VARCHAR,
    source_url VARCHAR NOT NULL,
    source_accessed DATE NOT NULL,
    source_title VARCHAR,
    source_kind VARCHAR NOT NULL,
    reason VARCHAR,
    author VARCHAR NOT NULL,
    proposed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    status VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected', 'withdrawn')),
    reviewer VARCHAR,
    reviewed_at TIMESTAMPTZ,
    review_note VARCHAR,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE SEQUENCE kb_change_seq;
CREATE TABLE kb_changes (
    change_id BIGINT PRIMARY KEY DEFAULT nextval('kb_change_seq'),
    proposal_id BIGINT,
    event VARCHAR NOT NULL,             -- 'proposed', 'approved', 'rejected', 'withdrawn'
    kind VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target VARCHAR,                     -- key of the row replaced (a change)
    result_key VARCHAR,                 -- key of the row the proposal makes
    org VARCHAR,                        -- organisations the change is about, space-separated
    country VARCHAR,                    -- countries the change is about, space-separated
    before_record VARCHAR,
    after_record VARCHAR,
    author VARCHAR NOT NULL,
    reviewer VARCHAR,
    note VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
