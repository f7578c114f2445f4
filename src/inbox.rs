//! What the server sent this courier through sync (supervisors' notes) and the cursor after it,
//! kept in localStorage per account so a reload or a restart does not fetch them again.

use crate::session::local_storage;
use doorstep_core::sync::Change;

/// One account's received changes on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbox {
    username: String,
}

impl Inbox {
    pub fn for_account(username: &str) -> Inbox {
        Inbox {
            username: username.to_string(),
        }
    }

    fn key(&self, what: &str) -> String {
        format!("doorstep.{what}.{}", self.username)
    }

    fn read(&self, what: &str) -> Option<String> {
        local_storage().and_then(|s| s.get_item(&self.key(what)).ok().flatten())
    }

    /// The cursor to send with the next sync; `0` before the first.
    pub fn cursor(&self) -> i64 {
        self.read("sync_cursor")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }

    /// Every change received so far, oldest first.
    pub fn changes(&self) -> Vec<Change> {
        self.read("changes")
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Keeps new changes, then moves the cursor past them. Stored in that order, so an
    /// interruption between the two writes repeats a change (skipped as a duplicate) rather than
    /// losing one.
    pub fn receive(&self, changes: &[Change], cursor: i64) {
        let Some(storage) = local_storage() else {
            return;
        };
        if !changes.is_empty() {
            let mut all = self.changes();
            for change in changes {
                if !all.contains(change) {
                    all.push(change.clone());
                }
            }
            if let Ok(json) = serde_json::to_string(&all) {
                let _ = storage.set_item(&self.key("changes"), &json);
            }
        }
        let _ = storage.set_item(&self.key("sync_cursor"), &cursor.to_string());
    }
}
