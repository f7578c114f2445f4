//! The outbox: every record the courier saved, sealed at rest, queued until the server
//! acknowledges its revision, then kept as synced until pruned.

use doorstep_core::proof::PhotoId;
use doorstep_core::sync::{Change, QueueState, RecordAck};
use doorstep_core::DeliveryRecord;
use idb::{Database, TransactionMode};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::JsValue;

use super::db::{from_js, to_js, StorageError, PREFERENCES, RECORDS};
use super::seal::{Sealed, Sealer};
use doorstep_core::link::{ComplaintKind, LinkDecision};

/// A record as the device keeps it: the latest revision and where it stands with the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The record's UUID as text: the IndexedDB key.
    pub id: String,
    pub record: DeliveryRecord,
    pub state: QueueState,
    /// Supervisors' notes on the record, as they arrived through sync.
    #[serde(default)]
    pub notes: Vec<RecordNote>,
    /// The recipient's latest answer through the consent link.
    #[serde(default)]
    pub decision: Option<LinkDecision>,
    /// Complaints the recipient filed from the link page.
    #[serde(default)]
    pub complaints: Vec<ComplaintNotice>,
    /// At rest, the recipient (name, phone, address) sealed with the device key; the record's
    /// own `recipient` is then empty. Opened entries have it back and this empty.
    #[serde(default)]
    pub sealed: Option<Sealed>,
    /// At rest, a pickup's sender identity (ID number and name) sealed the same way. Removed,
    /// with the record's own copy, once the server has acknowledged the record.
    #[serde(default)]
    pub sealed_sender: Option<Sealed>,
}

/// A recipient's complaint as the courier sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintNotice {
    pub id: i64,
    pub kind: ComplaintKind,
    /// Server clock.
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordNote {
    pub note: String,
    /// Server clock when the supervisor wrote it.
    pub at: i64,
}

impl OutboxEntry {
    pub fn new(record: DeliveryRecord) -> OutboxEntry {
        OutboxEntry {
            id: record.id.to_string(),
            record,
            state: QueueState::Queued,
            notes: Vec::new(),
            decision: None,
            complaints: Vec::new(),
            sealed: None,
            sealed_sender: None,
        }
    }

    /// Applies one change from the server; says whether anything changed.
    fn apply(&mut self, change: &Change) -> bool {
        match change {
            Change::SupervisorNote { note, at, .. } => {
                let note = RecordNote {
                    note: note.clone(),
                    at: *at,
                };
                let new = !self.notes.contains(&note);
                if new {
                    self.notes.push(note);
                }
                new
            }
            Change::RecipientDecision { decision, .. } => {
                let newer = self
                    .decision
                    .as_ref()
                    .is_none_or(|d| d.decided_at <= decision.decided_at && d != decision);
                if newer {
                    self.decision = Some(decision.clone());
                }
                newer
            }
            Change::Complaint {
                complaint_id,
                kind,
                at,
                ..
            } => {
                let new = !self.complaints.iter().any(|c| c.id == *complaint_id);
                if new {
                    self.complaints.push(ComplaintNotice {
                        id: *complaint_id,
                        kind: *kind,
                        at: *at,
                    });
                }
                new
            }
            Change::StandingPreference { .. }
            | Change::ParcelAssigned { .. }
            | Change::ParcelWithdrawn { .. } => false,
        }
    }
}

/// A record's photos and whether the server has its current revision: what decides which
/// photos the device keeps and which go up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoOwner {
    pub record: uuid::Uuid,
    pub photos: Vec<PhotoId>,
    pub acknowledged: bool,
}

/// The record a change is about, if it is about one.
fn record_of(change: &Change) -> Option<uuid::Uuid> {
    match change {
        Change::SupervisorNote { record_id, .. }
        | Change::RecipientDecision { record_id, .. }
        | Change::Complaint { record_id, .. } => Some(*record_id),
        Change::StandingPreference { .. }
        | Change::ParcelAssigned { .. }
        | Change::ParcelWithdrawn { .. } => None,
    }
}

/// The queue of records on this device.
#[derive(Clone)]
pub struct Outbox {
    db: Rc<Database>,
    sealer: Sealer,
}

impl Outbox {
    pub fn new(db: Rc<Database>, sealer: Sealer) -> Outbox {
        Outbox { db, sealer }
    }

    /// The entry as it is stored: personal fields sealed.
    async fn seal(&self, mut entry: OutboxEntry) -> Result<OutboxEntry, StorageError> {
        if let Some(recipient) = entry.record.recipient.take() {
            entry.sealed = Some(self.sealer.seal(&recipient).await?);
        }
        if let Some(identity) = entry.record.sender_identity.take() {
            entry.sealed_sender = Some(self.sealer.seal(&identity).await?);
        }
        Ok(entry)
    }

    /// The entry as the app uses it: personal fields opened.
    async fn open(&self, mut entry: OutboxEntry) -> Result<OutboxEntry, StorageError> {
        if let Some(sealed) = entry.sealed.take() {
            entry.record.recipient = Some(self.sealer.open_sealed(&sealed).await?);
        }
        if let Some(sealed) = entry.sealed_sender.take() {
            entry.record.sender_identity = Some(self.sealer.open_sealed(&sealed).await?);
        }
        Ok(entry)
    }

    /// Saves a new revision and resolves only once the transaction has committed.
    pub async fn save(&self, record: DeliveryRecord) -> Result<OutboxEntry, StorageError> {
        let opened = OutboxEntry::new(record);
        // Sealing awaits WebCrypto, so it happens before the transaction, which would otherwise
        // commit while waiting.
        let mut entry = self.seal(opened.clone()).await?;
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(RECORDS)?;
        // A new revision keeps what the server told about the record: notes, answer, complaints.
        if let Some(value) = store.get(JsValue::from_str(&entry.id))?.await? {
            let previous: OutboxEntry = from_js(value)?;
            entry.notes = previous.notes;
            entry.decision = previous.decision;
            entry.complaints = previous.complaints;
        }
        store.put(&to_js(&entry)?, None)?.await?;
        if !tx.commit()?.await?.is_committed() {
            return Err(StorageError("the save was aborted".into()));
        }
        Ok(OutboxEntry {
            record: opened.record,
            sealed: None,
            sealed_sender: None,
            ..entry
        })
    }

    /// Every record on the device, newest capture first.
    pub async fn all(&self) -> Result<Vec<OutboxEntry>, StorageError> {
        let mut entries = Vec::new();
        for entry in self.stored().await? {
            entries.push(self.open(entry).await?);
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.record.captured_at));
        Ok(entries)
    }

    /// Every entry as stored, personal fields still sealed.
    async fn stored(&self) -> Result<Vec<OutboxEntry>, StorageError> {
        let tx = self.db.transaction(&[RECORDS], TransactionMode::ReadOnly)?;
        let values = tx.object_store(RECORDS)?.get_all(None, None)?.await?;
        values.into_iter().map(from_js::<OutboxEntry>).collect()
    }

    /// The records that name photos, read without opening their personal fields.
    pub async fn photo_owners(&self) -> Result<Vec<PhotoOwner>, StorageError> {
        Ok(self
            .stored()
            .await?
            .into_iter()
            .filter(|e| !e.record.photos.is_empty())
            .map(|e| PhotoOwner {
                record: e.record.id,
                acknowledged: matches!(e.state, QueueState::Synced { .. }),
                photos: e.record.photos,
            })
            .collect())
    }

    /// Records waiting for the server, oldest first, so the queue drains in capture order.
    pub async fn pending(&self) -> Result<Vec<OutboxEntry>, StorageError> {
        let mut entries: Vec<_> = self
            .all()
            .await?
            .into_iter()
            .filter(|e| e.state.is_pending())
            .collect();
        entries.reverse();
        Ok(entries)
    }

    /// Applies the server's acknowledgements in one transaction. An ack for an older revision than
    /// the one on the device leaves the newer edit queued. Once the server has the current
    /// revision, the sender's identity leaves the device (PIPL Art. 6, 19).
    pub async fn apply_acks(&self, acks: &[RecordAck]) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(RECORDS)?;
        for ack in acks {
            let Some(value) = store.get(JsValue::from_str(&ack.id.to_string()))?.await? else {
                continue;
            };
            let mut entry: OutboxEntry = from_js(value)?;
            entry.state = entry.state.after_ack(entry.record.revision, ack);
            if matches!(entry.state, QueueState::Synced { .. }) {
                entry.sealed_sender = None;
                entry.record.sender_identity = None;
            }
            store.put(&to_js(&entry)?, None)?.await?;
        }
        tx.commit()?.await?;
        Ok(())
    }

    /// Stores what the server said happened to this device's records. Applying the same change
    /// twice changes nothing; a change for a record no longer on the device is dropped.
    pub async fn apply_changes(&self, changes: &[Change]) -> Result<(), StorageError> {
        if changes.is_empty() {
            return Ok(());
        }
        let tx = self
            .db
            .transaction(&[RECORDS, PREFERENCES], TransactionMode::ReadWrite)?;
        let store = tx.object_store(RECORDS)?;
        let book = tx.object_store(PREFERENCES)?;
        for change in changes {
            if let Change::StandingPreference { preference } = change {
                book.put(&to_js(preference)?, None)?.await?;
                continue;
            }
            let Some(record_id) = record_of(change) else {
                continue;
            };
            let Some(value) = store
                .get(JsValue::from_str(&record_id.to_string()))?
                .await?
            else {
                continue;
            };
            let mut entry: OutboxEntry = from_js(value)?;
            if entry.apply(change) {
                store.put(&to_js(&entry)?, None)?.await?;
            }
        }
        tx.commit()?.await?;
        Ok(())
    }

    /// Deletes the records that [`QueueState::may_prune`] allows, except those naming a photo
    /// still on the device (`unsent`), which would otherwise lose it; returns how many went.
    pub async fn prune(&self, cutoff: i64, unsent: &[PhotoId]) -> Result<usize, StorageError> {
        let doomed: Vec<String> = self
            .stored()
            .await?
            .into_iter()
            .filter(|e| e.state.may_prune(e.record.captured_at, cutoff))
            .filter(|e| !e.record.photos.iter().any(|p| unsent.contains(p)))
            .map(|e| e.id)
            .collect();
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(RECORDS)?;
        for id in &doomed {
            store.delete(JsValue::from_str(id))?.await?;
        }
        tx.commit()?.await?;
        Ok(doomed.len())
    }

    /// Marks records the server cannot take as they are (e.g. too large), with its message.
    pub async fn mark_attention(&self, ids: &[String], message: &str) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(RECORDS)?;
        for id in ids {
            if let Some(value) = store.get(JsValue::from_str(id))?.await? {
                let mut entry: OutboxEntry = from_js(value)?;
                entry.state = QueueState::NeedsAttention {
                    message: message.to_string(),
                };
                store.put(&to_js(&entry)?, None)?.await?;
            }
        }
        tx.commit()?.await?;
        Ok(())
    }
}
