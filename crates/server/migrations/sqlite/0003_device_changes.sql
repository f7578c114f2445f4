-- What happened on the server that a courier's device should learn at its next sync (supervisor
-- notes, recipients' decisions). The id is the device's cursor: AUTOINCREMENT never reuses one.
CREATE TABLE device_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    courier_id INTEGER NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX device_changes_courier ON device_changes (courier_id, id);
