-- Failed sign-ins, shared by every server instance on the database: too many within the window for
-- one username, or from one client address, and attempts are refused for a while. A row is written
-- when an attempt starts and deleted when the password was right. `username` becomes NULL once that
-- account has signed in, so the failure keeps counting against its address only.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    username TEXT,
    address TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- An account's sessions are revoked together (password reset, lost device).
CREATE INDEX sessions_account ON sessions (account_id);
