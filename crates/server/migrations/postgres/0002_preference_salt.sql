-- Per-station salt for the preference book's recipient keys (a salted hash of phone + address).
ALTER TABLE stations ADD COLUMN preference_salt TEXT NOT NULL DEFAULT '';
