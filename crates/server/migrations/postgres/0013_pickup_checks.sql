-- Whether the current revision of a record carries the sender's identity check (实名收寄) and the
-- inspection (收寄验视), set from the record at every write, so the dashboard's rates count
-- columns instead of searching the stored JSON.
ALTER TABLE records ADD COLUMN identity_checked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN inspected BIGINT NOT NULL DEFAULT 0;

-- Rows stored before, read from their JSON once: a key can only match unescaped, outside every
-- string.
UPDATE records SET identity_checked = 1 WHERE payload LIKE '%"sender_identity":{%';
UPDATE records SET inspected = 1 WHERE payload LIKE '%"inspection":{%';
