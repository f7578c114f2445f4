-- Consent links (PostgreSQL twin of migrations/sqlite/0007_consent_links.sql): the courier's device sends only the SHA-256 of the token with the
-- record; the offers, fees and place are read from the record's current revision.
CREATE TABLE consent_links (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL REFERENCES records (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    courier_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Every answer a recipient gave, newest last; the latest one counts.
CREATE TABLE link_decisions (
    id BIGSERIAL PRIMARY KEY,
    link_id TEXT NOT NULL REFERENCES consent_links (id),
    record_id TEXT NOT NULL REFERENCES records (id),
    choice TEXT NOT NULL,
    time_window TEXT,
    note TEXT,
    remember BIGINT NOT NULL,
    decided_at BIGINT NOT NULL
);
CREATE INDEX link_decisions_record ON link_decisions (record_id, id);

-- Recipients' complaints from the link page, resolved by a supervisor with a reason.
CREATE TABLE complaints (
    id BIGSERIAL PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id),
    link_id TEXT NOT NULL REFERENCES consent_links (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    courier_id BIGINT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES accounts (id),
    resolution TEXT
);
CREATE INDEX complaints_station ON complaints (station_id, id);
CREATE INDEX complaints_link ON complaints (link_id, id);

-- Fixed-window request counters shared by every server instance (rate limits on /c/).
CREATE TABLE rate_counters (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
