-- PostgreSQL twin of migrations/sqlite/0010_capture_week_and_operator_audit.sql.
--
-- 1. A capture-time range with or without a courier: indexes that hold every column such a page
--    needs to pick its rows, so only the page's rows are read from the table.
DROP INDEX records_station_captured;
CREATE INDEX records_station_captured ON records (station_id, captured_at, received_at, id);
CREATE INDEX records_station_courier_captured
    ON records (station_id, courier_id, captured_at, received_at, id);

-- 2. The operator's command-line actions join the audit trail with `actor_id` 0, which is no
--    account.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_id_fkey;
COMMENT ON COLUMN audit_log.actor_id IS 'An account''s id, or 0 for the operator at the command line.';
