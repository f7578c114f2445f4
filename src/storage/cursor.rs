//! The sync cursor: where this device is in its change feed; forgotten at sign-out.

use super::local::{self, LocalKey};

pub fn load() -> i64 {
    local::get(LocalKey::Cursor).unwrap_or(0)
}

pub fn store(cursor: i64) {
    local::set(LocalKey::Cursor, &cursor);
}

pub fn forget() {
    local::forget(LocalKey::Cursor);
}
