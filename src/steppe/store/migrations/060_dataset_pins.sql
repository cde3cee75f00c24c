-- Editions: a pinned dataset is the default of its (source, dataset) group whatever was loaded
-- after it ('steppe data pin'). Without a pin the most recently loaded edition is the default.
CREATE TABLE dataset_pins (
    source VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    dataset_id VARCHAR NOT NULL,           -- the pinned datasets row
    pinned_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (source, dataset)
);
