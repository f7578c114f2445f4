-- Tariff tables uploaded by supervisors, per station. Versions are never replaced: every record
-- names the version it was priced with, so the old one must stay readable.
CREATE TABLE tariff_tables (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES accounts (id),
    uploaded_at INTEGER NOT NULL,
    UNIQUE (station_id, version)
);
CREATE INDEX tariff_tables_station_newest ON tariff_tables (station_id, id DESC);
