//! The audit trail's hash chain. Each entry stores SHA-256 over the previous entry's hash and its
//! own canonical content, so editing, inserting, deleting or reordering entries breaks the chain
//! at the first altered entry. (Dropping entries from the end is only visible against a head hash
//! kept elsewhere.)

use crate::time::Millis;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored. `seq` counts from 1 without gaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// Server clock.
    pub at: Millis,
    pub actor_id: i64,
    pub station_id: i64,
    /// What happened, e.g. `note`, `review`, `view_personal_data`, `export`.
    pub action: String,
    /// What it happened to, e.g. a record id or an export's filter.
    pub subject: String,
    /// Free text: the note, the review reason. Never a raw phone number.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// SHA-256 of `prev_hash` followed by every other field, each length-prefixed so that no
    /// two different entries share a canonical form.
    pub fn compute_hash(&self) -> String {
        let mut digest = Sha256::new();
        digest.update(self.prev_hash.as_bytes());
        for field in [
            self.seq.to_string().as_str(),
            &self.at.to_string(),
            &self.actor_id.to_string(),
            &self.station_id.to_string(),
            &self.action,
            &self.subject,
            &self.detail,
        ] {
            digest.update(format!("{}:", field.len()).as_bytes());
            digest.update(field.as_bytes());
        }
        hex::encode(digest.finalize())
    }
}

/// Where and why the chain stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its content does not match its hash (edited, or moved)")]
    ContentChanged { seq: i64 },
    #[error("entry {seq}: it does not follow entry {previous} (an entry was inserted, deleted or reordered)")]
    LinkBroken { seq: i64, previous: i64 },
}

/// Walks entries in stored order; `Ok` carries how many were checked.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>) -> Result<u64, ChainBreak> {
    let mut previous_hash = GENESIS_HASH.to_string();
    let mut previous_seq = 0;
    let mut checked = 0;
    for entry in entries {
        if entry.prev_hash != previous_hash || entry.seq != previous_seq + 1 {
            return Err(ChainBreak::LinkBroken {
                seq: entry.seq,
                previous: previous_seq,
            });
        }
        if entry.compute_hash() != entry.hash {
            return Err(ChainBreak::ContentChanged { seq: entry.seq });
        }
        previous_hash = entry.hash.clone();
        previous_seq = entry.seq;
        checked += 1;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for seq in 1..=n {
            let mut entry = AuditEntry {
                seq,
                at: 1_700_000_000_000 + seq,
                actor_id: 2,
                station_id: 1,
                action: "note".into(),
                subject: format!("record-{seq}"),
                detail: "请补充同意记录".into(),
                prev_hash: entries
                    .last()
                    .map_or(GENESIS_HASH.to_string(), |e| e.hash.clone()),
                hash: String::new(),
            };
            entry.hash = entry.compute_hash();
            entries.push(entry);
        }
        entries
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(4)), Ok(4));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut entries = chain(4);
        entries[2].detail = "改过".into();
        assert_eq!(verify(&entries), Err(ChainBreak::ContentChanged { seq: 3 }));
    }

    #[test]
    fn a_deleted_entry_breaks_the_link_after_it() {
        let mut entries = chain(4);
        entries.remove(1);
        assert_eq!(
            verify(&entries),
            Err(ChainBreak::LinkBroken {
                seq: 3,
                previous: 1
            })
        );
    }

    #[test]
    fn a_reordered_pair_is_caught() {
        let mut entries = chain(4);
        entries.swap(1, 2);
        assert_eq!(
            verify(&entries),
            Err(ChainBreak::LinkBroken {
                seq: 3,
                previous: 1
            })
        );
    }
}
