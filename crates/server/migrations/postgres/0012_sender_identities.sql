-- PostgreSQL twin of migrations/sqlite/0012_sender_identities.sql.
-- Real-name pickups (实名收寄): each stored revision's sender ID number and name, encrypted with the
-- server's ID key (never in `payload`, which carries them masked), a keyed hash of the number for
-- lookups, and the station's retention period for them.

CREATE TABLE sender_identities (
    record_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    station_id BIGINT NOT NULL REFERENCES stations (id),
    -- base64 of the 12-byte nonce followed by the AES-256-GCM ciphertext of the JSON {number, name}.
    sealed TEXT NOT NULL,
    -- Which key sealed it: the first 16 hex digits of the key's SHA-256.
    key_id TEXT NOT NULL,
    -- HMAC-SHA256 of the number under a key derived from the ID key, hex.
    lookup_hash TEXT NOT NULL,
    -- Device clock of the record's capture: retention counts from it.
    captured_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, revision)
);
CREATE INDEX sender_identities_lookup ON sender_identities (station_id, lookup_hash);
CREATE INDEX sender_identities_captured ON sender_identities (captured_at);
CREATE INDEX sender_identities_key ON sender_identities (key_id);

-- Days real-name data is kept; 3 years unless the station sets otherwise.
ALTER TABLE stations ADD COLUMN id_retention_days INTEGER NOT NULL DEFAULT 1095;
