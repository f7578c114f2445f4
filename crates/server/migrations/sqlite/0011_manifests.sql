-- The day's manifest: each parcel of a station once (by waybill), the day it is for, its place in
-- the manifest and its courier; every import; the station's area rules; and when a record's
-- outcome happened, for "late".

CREATE TABLE manifest_imports (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    imported_by INTEGER NOT NULL REFERENCES accounts (id),
    -- Server clock.
    imported_at BIGINT NOT NULL,
    -- Days since 1970-01-01, Shanghai time (doorstep_core::day::Day).
    day BIGINT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    added INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    kept INTEGER NOT NULL,
    problems INTEGER NOT NULL
);
CREATE INDEX manifest_imports_station_day ON manifest_imports (station_id, day, id);

CREATE TABLE parcels (
    station_id INTEGER NOT NULL REFERENCES stations (id),
    waybill TEXT NOT NULL,
    day BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    compound TEXT NOT NULL,
    area TEXT,
    -- SHA-256 of the payload, the courier and the day: equal means a re-import changes nothing.
    fingerprint TEXT NOT NULL,
    -- JSON of doorstep_core::manifest::Parcel.
    payload TEXT NOT NULL,
    import_id BIGINT NOT NULL REFERENCES manifest_imports (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (station_id, waybill)
);
CREATE INDEX parcels_station_day_courier ON parcels (station_id, day, courier_id, seq);
CREATE INDEX parcels_station_day_compound ON parcels (station_id, day, compound);

-- An area code or compound, and the courier its parcels go to when the manifest names none.
CREATE TABLE area_rules (
    station_id INTEGER NOT NULL REFERENCES stations (id),
    key TEXT NOT NULL,
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (station_id, key)
);

-- Device clock of the current revision's outcome; filled for older rows at startup.
ALTER TABLE records ADD COLUMN outcome_at BIGINT;
-- Parcels meet their records by waybill.
CREATE INDEX records_station_waybill_exact ON records (station_id, waybill);
