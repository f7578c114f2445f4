-- Photo proof (issue 21). The station's rule per delivery method (off / optional / required) and
-- how many days after the delivery its photos are kept.
ALTER TABLE stations ADD COLUMN proof_door TEXT NOT NULL DEFAULT 'optional';
ALTER TABLE stations ADD COLUMN proof_locker TEXT NOT NULL DEFAULT 'optional';
ALTER TABLE stations ADD COLUMN proof_station TEXT NOT NULL DEFAULT 'optional';
ALTER TABLE stations ADD COLUMN photo_retention_days INTEGER NOT NULL DEFAULT 30;

-- Photos whose bytes are in the object store, named by their SHA-256. A row is written only
-- after the bytes are stored; deleted_at is set when retention removed them.
CREATE TABLE photos (
    id TEXT PRIMARY KEY,
    byte_count INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    stored_at INTEGER NOT NULL,
    deleted_at INTEGER
);

-- Which records name which photos: every revision's names, for access; is_current marks those of
-- the record's current revision, for "photo pending".
CREATE TABLE record_photos (
    record_id TEXT NOT NULL REFERENCES records (id),
    photo_id TEXT NOT NULL,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    is_current INTEGER NOT NULL,
    PRIMARY KEY (record_id, photo_id)
);
CREATE INDEX record_photos_photo ON record_photos (photo_id);
