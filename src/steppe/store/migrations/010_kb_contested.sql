-- Contested facts: where sources disagree, both claims, the KB's adopted value and why.
-- Part of the bundled KB: replaced as a whole with the other kb_* tables.
CREATE TABLE kb_contested (
    id VARCHAR PRIMARY KEY,
    subject VARCHAR NOT NULL,              -- org:<slug>:<field>, event:<id>, cow_igo:<IONAME>:<ISO3>:<years>, ...
    claim VARCHAR NOT NULL,
    claim_sources VARCHAR[] NOT NULL,
    adopted VARCHAR NOT NULL,
    adopted_sources VARCHAR[] NOT NULL,
    reason VARCHAR NOT NULL
);
