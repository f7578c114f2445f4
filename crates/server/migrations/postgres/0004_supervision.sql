-- Supervisor review (PostgreSQL twin of migrations/sqlite/0004_supervision.sql): filter columns, compliance flags, notes that flow back to couriers, and the
-- hash-chained audit trail. Every list index starts with station_id: a supervisor only ever reads
-- their own station, newest first by server receive time.

-- Filter columns of the current revision. `waybill_reversed` turns "ends with" into a range scan.
ALTER TABLE records ADD COLUMN consent_channel TEXT;
ALTER TABLE records ADD COLUMN waybill_reversed TEXT NOT NULL DEFAULT '';
-- The current flags as comma-separated codes, for list rows; `record_flags` is for filtering.
ALTER TABLE records ADD COLUMN flags TEXT NOT NULL DEFAULT '';
CREATE INDEX records_station_captured ON records (station_id, captured_at DESC, id DESC);
CREATE INDEX records_station_courier ON records (station_id, courier_id, received_at DESC, id DESC);
CREATE INDEX records_station_waybill ON records (station_id, waybill_reversed);
CREATE INDEX records_station_outcome ON records (station_id, outcome, received_at DESC, id DESC);
CREATE INDEX records_station_method ON records (station_id, method, received_at DESC, id DESC);

-- Compliance flags of each record's current revision, replaced when a newer revision arrives.
CREATE TABLE record_flags (
    record_id TEXT NOT NULL REFERENCES records (id),
    flag TEXT NOT NULL,
    station_id BIGINT NOT NULL REFERENCES stations (id),
    received_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, flag)
);
CREATE INDEX record_flags_station_flag ON record_flags (station_id, flag, received_at DESC, record_id DESC);

-- Supervisors' notes and flag reviews; each also goes to the courier through device_changes.
CREATE TABLE supervisor_notes (
    id BIGSERIAL PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    courier_id BIGINT NOT NULL REFERENCES accounts (id),
    author_id BIGINT NOT NULL REFERENCES accounts (id),
    note TEXT NOT NULL,
    reviewed_flag TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX supervisor_notes_record ON supervisor_notes (record_id, id);

-- Append-only; each hash covers the previous hash and the entry (doorstep_core::audit).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES accounts (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
