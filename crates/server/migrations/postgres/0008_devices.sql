-- Courier devices (PostgreSQL twin of migrations/sqlite/0008_devices.sql) as they reported themselves at their last sync: a device silent for
-- hours while it holds unsynced records is data at risk.
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    courier_id BIGINT NOT NULL REFERENCES accounts (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    app_version TEXT NOT NULL,
    queued BIGINT NOT NULL,
    oldest_queued_at BIGINT,
    last_sync_at BIGINT NOT NULL
);
CREATE INDEX devices_station ON devices (station_id, last_sync_at);
