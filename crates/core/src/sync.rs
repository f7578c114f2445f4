//! The sync protocol between a courier's device and the server (see docs/sync.md).
//!
//! One `POST /api/v1/sync` pushes a batch of record revisions and pulls what changed for the
//! device since its cursor. Each record is acknowledged on its own; the device marks a record
//! synced only on its acknowledgement, so nothing leaves the device before the server has it.

use crate::record::{DeliveryRecord, Violation};
use crate::tagged::deserialize_tagged;
use crate::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Most records in one batch.
pub const MAX_BATCH_RECORDS: usize = 200;
/// Most bytes of JSON in one batch; the server refuses larger bodies with 413.
pub const MAX_BATCH_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncRequest {
    /// Changes after this cursor are returned; `0` on a device's first sync.
    pub cursor: i64,
    pub records: Vec<DeliveryRecord>,
    /// How the device's queue stood when it sent this, for the supervisor's devices view.
    #[serde(default)]
    pub device: Option<DeviceReport>,
}

/// A device's own account of its queue at a sync: a device that stops syncing while it holds
/// records is data at risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceReport {
    /// Random, made once per installation.
    pub device_id: Uuid,
    pub app_version: String,
    /// Records not yet acknowledged, this batch included.
    pub queued: u32,
    /// Device clock of the oldest of them.
    pub oldest_queued_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Ack {
    /// Stored now.
    Stored,
    /// This exact revision was stored before: a replay, stored once.
    AlreadyStored,
    /// A newer revision is on the server: this one is ignored.
    Stale,
    /// The same revision with different content is on the server: nothing overwritten.
    Conflict { message: String },
    /// The record breaks a rule: it stays on the device as "needs attention".
    Rejected {
        violations: Vec<Violation>,
        message: String,
    },
}

deserialize_tagged! {
    Ack via AckWire, tag = "status";
    fields { message: String, violations: Vec<Violation> }
    variants {
        Stored = "stored" {},
        AlreadyStored = "already_stored" {},
        Stale = "stale" {},
        Conflict = "conflict" { message },
        Rejected = "rejected" { violations, message },
    }
}

impl Ack {
    /// Whether the device may consider this revision delivered to the server.
    pub fn is_delivered(&self) -> bool {
        matches!(self, Ack::Stored | Ack::AlreadyStored | Ack::Stale)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordAck {
    pub id: Uuid,
    pub revision: u32,
    #[serde(flatten)]
    pub ack: Ack,
    /// Server clock when the server received the batch, kept apart from the device's clocks.
    pub received_at: i64,
}

/// Read flat, as written: serde's `flatten` would buffer the object (see [`crate::tagged`]).
impl<'de> Deserialize<'de> for RecordAck {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Flat {
            id: Uuid,
            revision: u32,
            received_at: i64,
            status: crate::tagged::Tag<Ack>,
            #[serde(default)]
            message: Option<String>,
            #[serde(default)]
            violations: Option<Vec<Violation>>,
        }
        let flat = Flat::deserialize(deserializer)?;
        let ack = AckWire {
            tag: flat.status,
            message: flat.message,
            violations: flat.violations,
        }
        .into_value()?;
        Ok(RecordAck {
            id: flat.id,
            revision: flat.revision,
            ack,
            received_at: flat.received_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    pub acks: Vec<RecordAck>,
    /// Changes for this device after the request's cursor.
    pub changes: Vec<Change>,
    /// The cursor to send next time.
    pub cursor: i64,
    /// More changes wait after `cursor` (a whole day's manifest takes several pages): the device
    /// asks again at once.
    #[serde(default)]
    pub more: bool,
}

/// Something that happened on the server that the device should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    SupervisorNote {
        record_id: Uuid,
        note: String,
        /// Server clock when the supervisor wrote it.
        at: i64,
        /// Set when the note is the reason a supervisor marked this flag reviewed.
        #[serde(default)]
        reviewed_flag: Option<crate::compliance::ComplianceFlag>,
    },
    /// The recipient answered a consent link (or changed their answer).
    RecipientDecision {
        record_id: Uuid,
        decision: crate::link::LinkDecision,
    },
    /// The recipient complained about a delivery from the link page.
    Complaint {
        record_id: Uuid,
        complaint_id: i64,
        kind: crate::link::ComplaintKind,
        /// Server clock.
        at: i64,
    },
    /// A recipient asked, through a link, to be treated this way for future parcels.
    StandingPreference {
        preference: crate::preference::StandingPreference,
    },
    /// A parcel of the day's manifest is now this courier's (new, changed or moved to them).
    ParcelAssigned {
        parcel: crate::manifest::RouteParcel,
    },
    /// A parcel was moved to another courier: it leaves this device.
    ParcelWithdrawn { waybill: crate::Waybill },
}

deserialize_tagged! {
    Change via ChangeWire, tag = "type";
    fields {
        record_id: Uuid,
        note: String,
        at: i64,
        reviewed_flag: crate::compliance::ComplianceFlag,
        decision: crate::link::LinkDecision,
        complaint_id: i64,
        kind: crate::link::ComplaintKind,
        preference: crate::preference::StandingPreference,
        parcel: crate::manifest::RouteParcel,
        waybill: crate::Waybill,
    }
    variants {
        SupervisorNote = "supervisor_note" { record_id, note, at; optional reviewed_flag },
        RecipientDecision = "recipient_decision" { record_id, decision },
        Complaint = "complaint" { record_id, complaint_id, kind, at },
        StandingPreference = "standing_preference" { preference },
        ParcelAssigned = "parcel_assigned" { parcel },
        ParcelWithdrawn = "parcel_withdrawn" { waybill },
    }
}

/// The canonical JSON of a revision and its SHA-256 (hex): what the server stores and compares.
/// Equal fingerprints mean an identical replay, so this must be the same for equal records.
pub fn canonical(record: &DeliveryRecord) -> Result<(String, String), serde_json::Error> {
    let payload = serde_json::to_string(record)?;
    let fingerprint = hex::encode(Sha256::digest(payload.as_bytes()));
    Ok((payload, fingerprint))
}

/// What the server already holds for a record id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRevision<'a> {
    /// Highest revision stored for the id.
    pub latest: u32,
    /// Content fingerprint of the incoming revision number as stored, if that revision exists.
    pub same_revision_fingerprint: Option<&'a str>,
    /// Whether the id is the sending courier's: record ids are made on the device, so another
    /// courier's id is a collision, never an edit.
    pub owned_by_sender: bool,
}

/// The server's decision for one incoming revision. `fingerprint` is a digest of the canonical
/// JSON of the incoming record; equal fingerprints mean an identical replay. A conflict's message is
/// in the device's language: the courier reads it on the record.
pub fn decide(
    stored: Option<StoredRevision<'_>>,
    revision: u32,
    fingerprint: &str,
    lang: Lang,
) -> Ack {
    let Some(stored) = stored else {
        return Ack::Stored;
    };
    if !stored.owned_by_sender {
        return Ack::Conflict {
            message: match lang {
                Lang::Zh => "该记录编号属于另一台设备",
                Lang::En => "this record id belongs to another device",
            }
            .into(),
        };
    }
    match stored.same_revision_fingerprint {
        Some(existing) if existing == fingerprint => Ack::AlreadyStored,
        Some(_) => Ack::Conflict {
            message: match lang {
                Lang::Zh => format!("服务器上已有此记录第 {revision} 版的不同内容，未覆盖"),
                Lang::En => format!(
                    "revision {revision} of this record is already stored with different content"
                ),
            },
        },
        None if revision < stored.latest => Ack::Stale,
        None => Ack::Stored,
    }
}

/// Where a record stands on the device.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum QueueState {
    /// Saved on the device, waiting for the server.
    Queued,
    /// The server acknowledged the current revision.
    Synced { received_at: i64 },
    /// The server refused this revision; the message says why. Kept until the courier fixes it.
    NeedsAttention { message: String },
}

deserialize_tagged! {
    QueueState via QueueStateWire, tag = "state";
    fields { received_at: i64, message: String }
    variants {
        Queued = "queued" {},
        Synced = "synced" { received_at },
        NeedsAttention = "needs_attention" { message },
    }
}

impl QueueState {
    /// The state after the server answered for `acked_revision` while the device holds
    /// `current_revision`. An ack for an older revision leaves a newer edit queued.
    pub fn after_ack(&self, current_revision: u32, acked: &RecordAck) -> QueueState {
        if acked.revision != current_revision {
            return self.clone();
        }
        match &acked.ack {
            ack if ack.is_delivered() => QueueState::Synced {
                received_at: acked.received_at,
            },
            Ack::Conflict { message } | Ack::Rejected { message, .. } => {
                QueueState::NeedsAttention {
                    message: message.clone(),
                }
            }
            _ => self.clone(),
        }
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, QueueState::Queued)
    }

    /// Whether the device may delete a record: only once the server acknowledged it and it was
    /// captured before `cutoff` (the start of the oldest day the courier keeps). Never before.
    pub fn may_prune(&self, captured_at: i64, cutoff: i64) -> bool {
        matches!(self, QueueState::Synced { .. }) && captured_at < cutoff
    }
}

/// Milliseconds in a day, for "keep the last N days" on the device.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The prune cutoff: records captured before it may go once synced. `keep_days` counts today, so
/// 1 keeps today's records only; 0 is treated as 1 (today's work always stays visible).
pub fn prune_cutoff(start_of_today: i64, keep_days: u32) -> i64 {
    start_of_today - i64::from(keep_days.max(1) - 1) * DAY_MS
}

/// Splits queued records (already serialised, with their sizes) into batches that respect both
/// caps. A single record larger than the byte cap travels alone; the server then answers 413 and
/// the device marks it as needing attention.
pub fn plan_batches(
    sizes: &[usize],
    max_records: usize,
    max_bytes: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, size) in sizes.iter().enumerate() {
        let full = i - start >= max_records || (i > start && bytes + size > max_bytes);
        if full {
            batches.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sizes.len() {
        batches.push(start..sizes.len());
    }
    batches
}

/// Delay before retry number `attempt` (0-based) after a failed sync: exponential from 2 s,
/// capped at 5 minutes, with "full jitter" from `random` so that a basement full of couriers does
/// not retry in lock step.
pub fn retry_delay_ms(attempt: u32, random: u32) -> u32 {
    const BASE_MS: u32 = 2_000;
    const CAP_MS: u32 = 300_000;
    let ceiling = BASE_MS.saturating_mul(1u32 << attempt.min(16)).min(CAP_MS);
    // Between half the ceiling and the ceiling: never hammering, never idle for long.
    ceiling / 2 + random % (ceiling / 2 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_revision_is_stored() {
        assert_eq!(decide(None, 1, "a", Lang::En), Ack::Stored);
    }

    #[test]
    fn identical_replay_is_acknowledged_again() {
        let stored = StoredRevision {
            latest: 1,
            same_revision_fingerprint: Some("a"),
            owned_by_sender: true,
        };
        assert_eq!(decide(Some(stored), 1, "a", Lang::En), Ack::AlreadyStored);
    }

    #[test]
    fn divergent_replay_is_a_conflict() {
        let stored = StoredRevision {
            latest: 1,
            same_revision_fingerprint: Some("a"),
            owned_by_sender: true,
        };
        let Ack::Conflict { message } = decide(Some(stored), 1, "b", Lang::Zh) else {
            panic!("not a conflict");
        };
        assert_eq!(message, "服务器上已有此记录第 1 版的不同内容，未覆盖");
    }

    #[test]
    fn another_couriers_id_is_a_conflict_whatever_the_revision() {
        for (revision, fingerprint) in [(1, "a"), (2, "x")] {
            let stored = StoredRevision {
                latest: 1,
                same_revision_fingerprint: Some("a").filter(|_| revision == 1),
                owned_by_sender: false,
            };
            assert_eq!(
                decide(Some(stored), revision, fingerprint, Lang::En),
                Ack::Conflict {
                    message: "this record id belongs to another device".into()
                }
            );
        }
    }

    #[test]
    fn older_revision_after_newer_is_stale() {
        let stored = StoredRevision {
            latest: 3,
            same_revision_fingerprint: None,
            owned_by_sender: true,
        };
        assert_eq!(decide(Some(stored), 2, "x", Lang::En), Ack::Stale);
        let stored = StoredRevision {
            latest: 3,
            same_revision_fingerprint: None,
            owned_by_sender: true,
        };
        assert_eq!(decide(Some(stored), 4, "x", Lang::En), Ack::Stored);
    }

    fn ack(revision: u32, ack: Ack) -> RecordAck {
        RecordAck {
            id: Uuid::nil(),
            revision,
            ack,
            received_at: 42,
        }
    }

    #[test]
    fn queue_state_follows_acks_of_the_current_revision_only() {
        let queued = QueueState::Queued;
        assert_eq!(
            queued.after_ack(2, &ack(1, Ack::Stored)),
            QueueState::Queued
        );
        assert_eq!(
            queued.after_ack(2, &ack(2, Ack::Stale)),
            QueueState::Synced { received_at: 42 }
        );
        let rejected = Ack::Rejected {
            violations: vec![Violation::NoConsent],
            message: "m".into(),
        };
        assert_eq!(
            queued.after_ack(2, &ack(2, rejected)),
            QueueState::NeedsAttention {
                message: "m".into()
            }
        );
    }

    #[test]
    fn only_synced_records_of_past_days_may_be_pruned() {
        let cutoff = prune_cutoff(10 * DAY_MS, 2);
        assert_eq!(cutoff, 9 * DAY_MS);
        assert_eq!(prune_cutoff(10 * DAY_MS, 0), 10 * DAY_MS);
        let synced = QueueState::Synced { received_at: 1 };
        assert!(synced.may_prune(cutoff - 1, cutoff));
        assert!(!synced.may_prune(cutoff, cutoff));
        assert!(!QueueState::Queued.may_prune(0, cutoff));
        assert!(!QueueState::NeedsAttention {
            message: "x".into()
        }
        .may_prune(0, cutoff));
    }

    #[test]
    fn batches_respect_count_and_bytes() {
        assert_eq!(plan_batches(&[10; 5], 2, 1000), vec![0..2, 2..4, 4..5]);
        assert_eq!(plan_batches(&[400, 400, 400], 10, 1000), vec![0..2, 2..3]);
        assert_eq!(plan_batches(&[5000, 1], 10, 1000), vec![0..1, 1..2]);
        assert!(plan_batches(&[], 10, 1000).is_empty());
    }

    #[test]
    fn retry_delay_grows_and_is_capped() {
        assert!((1_000..=2_000).contains(&retry_delay_ms(0, 0)));
        assert!((1_000..=2_000).contains(&retry_delay_ms(0, u32::MAX)));
        assert!((2_000..=4_000).contains(&retry_delay_ms(1, 12345)));
        assert!(retry_delay_ms(30, u32::MAX) <= 300_000);
        assert!(retry_delay_ms(30, 0) >= 150_000);
    }

    #[test]
    fn ack_serialises_flat() {
        let json = serde_json::to_value(ack(1, Ack::Stored)).unwrap();
        assert_eq!(json["status"], "stored");
        assert_eq!(json["revision"], 1);
    }
}
