-- Two changes measured at a million records (crates/server/benches/supervisor.rs):
--
-- 1. A capture-time range ("last week", "a week in September") with or without a courier. The
--    list is newest first by receive time; these indexes hold every column such a page needs to
--    pick its rows (capture time, receive time, id), so the range is read from the index alone and
--    only the page's rows are read from the table. The courier's received-at index walked months
--    of rows to find one week two months back.
DROP INDEX records_station_captured;
CREATE INDEX records_station_captured ON records (station_id, captured_at, received_at, id);
CREATE INDEX records_station_courier_captured
    ON records (station_id, courier_id, captured_at, received_at, id);

-- 2. The operator's command-line actions (`doorstep-server admin …`) join the audit trail. The
--    operator has no account, so `actor_id` 0 stands for them and the column no longer references
--    `accounts`. SQLite cannot drop a constraint: the table is rebuilt, rows and hashes unchanged.
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
CREATE TABLE audit_log_rebuilt (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    -- An account's id, or 0 for the operator at the command line.
    actor_id INTEGER NOT NULL,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_log_rebuilt (seq, at, actor_id, station_id, action, subject, detail, prev_hash, hash)
    SELECT seq, at, actor_id, station_id, action, subject, detail, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_rebuilt RENAME TO audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
