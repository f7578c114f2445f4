-- Stations, accounts and sessions. Mirrors migrations/sqlite/0001_init.sql in PostgreSQL's dialect.
CREATE TABLE stations (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    station_id BIGINT NOT NULL REFERENCES stations (id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    staff_no TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('courier', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Bearer tokens, stored only as their SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The latest revision of every record, with the columns supervisors filter on.
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    station_id BIGINT NOT NULL REFERENCES stations (id),
    courier_id BIGINT NOT NULL REFERENCES accounts (id),
    revision BIGINT NOT NULL,
    waybill TEXT NOT NULL,
    carrier TEXT NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT,
    captured_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX records_station_newest ON records (station_id, received_at DESC, id DESC);

-- Every revision ever received, exactly once each: the evidence trail.
CREATE TABLE record_revisions (
    record_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    courier_id BIGINT NOT NULL REFERENCES accounts (id),
    fingerprint TEXT NOT NULL,
    payload TEXT NOT NULL,
    revised_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, revision)
);
