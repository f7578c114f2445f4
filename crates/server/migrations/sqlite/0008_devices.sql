-- Courier devices as they reported themselves at their last sync: a device silent for
-- hours while it holds unsynced records is data at risk.
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    app_version TEXT NOT NULL,
    queued INTEGER NOT NULL,
    oldest_queued_at INTEGER,
    last_sync_at INTEGER NOT NULL
);
CREATE INDEX devices_station ON devices (station_id, last_sync_at);
