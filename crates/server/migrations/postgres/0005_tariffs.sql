-- Tariff tables uploaded by supervisors, per station (PostgreSQL twin of
-- migrations/sqlite/0005_tariffs.sql). Versions are never replaced: every record names the
-- version it was priced with, so the old one must stay readable.
CREATE TABLE tariff_tables (
    id BIGSERIAL PRIMARY KEY,
    station_id BIGINT NOT NULL REFERENCES stations (id),
    version TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts (id),
    uploaded_at BIGINT NOT NULL,
    UNIQUE (station_id, version)
);
CREATE INDEX tariff_tables_station_newest ON tariff_tables (station_id, id DESC);
