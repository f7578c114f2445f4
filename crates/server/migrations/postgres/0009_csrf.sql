-- Browser sessions of supervisors and admins live in an HttpOnly cookie; every state change they
-- make must also carry this session's CSRF token, stored here only as its SHA-256.
ALTER TABLE sessions ADD COLUMN csrf_hash TEXT;
