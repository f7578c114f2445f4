-- Stations, accounts and sessions.
CREATE TABLE stations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    staff_no TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('courier', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Bearer tokens, stored only as their SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- The latest revision of every record, with the columns supervisors filter on.
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    revision INTEGER NOT NULL,
    waybill TEXT NOT NULL,
    carrier TEXT NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT,
    captured_at INTEGER NOT NULL,
    revised_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX records_station_newest ON records (station_id, received_at DESC, id DESC);

-- Every revision ever received, exactly once each: the evidence trail.
CREATE TABLE record_revisions (
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    fingerprint TEXT NOT NULL,
    payload TEXT NOT NULL,
    revised_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (record_id, revision)
);
