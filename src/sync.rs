//! The device side of the sync protocol: drains the outbox in batches, applies per-record acks,
//! and retries with backoff. The rules (batch caps, ack meaning, retry delays) are in
//! `doorstep_core::sync`.

mod photos;

use crate::api::{self, ApiFailure};
use crate::storage::local::{self, LocalKey};
use crate::storage::{cursor, Outbox, OutboxEntry, ParcelStore, PhotoStore, StorageError};
use doorstep_core::sync::{
    plan_batches, retry_delay_ms, DeviceReport, SyncRequest, MAX_BATCH_BYTES, MAX_BATCH_RECORDS,
};
use doorstep_core::{DeliveryRecord, Lang};

/// How a sync round ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Every pending record got an answer.
    Done,
    /// The server could not be reached or failed; retry later.
    Unreachable,
    /// The token is no longer valid: sign in again (nothing is lost).
    SignedOut,
    Storage(String),
}

impl From<StorageError> for SyncOutcome {
    fn from(e: StorageError) -> Self {
        SyncOutcome::Storage(e.to_string())
    }
}

/// Most extra exchanges in one round to pull pages of changes (a 1,000-parcel day is two).
const MAX_PULLS: u32 = 50;

/// What one round works with.
struct Round<'a> {
    outbox: &'a Outbox,
    parcels: &'a ParcelStore,
    token: &'a str,
    lang: Lang,
    report: DeviceReport,
    /// Set when the last answer said more changes wait.
    more: bool,
}

/// Pushes every pending record and pulls the changes for this device, then sends the photos of
/// acknowledged records. Records stay queued until their own ack arrives. With nothing to push,
/// one empty exchange still pulls the changes, and exchanges go on while the server says more
/// changes wait.
pub async fn push_pending(
    outbox: &Outbox,
    parcels: &ParcelStore,
    photos: &PhotoStore,
    token: &str,
    lang: Lang,
) -> SyncOutcome {
    let pending = match outbox.pending().await {
        Ok(p) => p,
        Err(e) => return e.into(),
    };
    let mut round = Round {
        outbox,
        parcels,
        token,
        lang,
        report: device_report(&pending),
        more: false,
    };
    let sizes: Vec<usize> = pending
        .iter()
        .map(|e| {
            serde_json::to_string(&e.record)
                .map(|s| s.len())
                .unwrap_or(0)
        })
        .collect();
    let mut batches = plan_batches(&sizes, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    if batches.is_empty() {
        batches.push(0..0);
    }
    for range in batches {
        let outcome = push_batch(&mut round, &pending[range]).await;
        if outcome != SyncOutcome::Done {
            return outcome;
        }
    }
    let mut pulls = 0;
    while round.more && pulls < MAX_PULLS {
        pulls += 1;
        let outcome = push_batch(&mut round, &[]).await;
        if outcome != SyncOutcome::Done {
            return outcome;
        }
    }
    photos::upload(outbox, photos, token, lang).await
}

/// Sends one batch; when the server says it is too large, halves it until it fits, and a single
/// record that never fits is set aside for the courier with the server's message.
async fn push_batch(round: &mut Round<'_>, batch: &[OutboxEntry]) -> SyncOutcome {
    let outbox = round.outbox;
    let records: Vec<DeliveryRecord> = batch.iter().map(|e| e.record.clone()).collect();
    let body = api::sync_body(&SyncRequest {
        cursor: cursor::load(),
        records,
        device: Some(round.report.clone()),
    });
    match api::sync_raw(round.token, body, round.lang).await {
        Ok(response) => {
            let mut applied = outbox.apply_acks(&response.acks).await;
            if applied.is_ok() {
                applied = outbox.apply_changes(&response.changes).await;
            }
            if applied.is_ok() {
                applied = round.parcels.apply_changes(&response.changes).await;
            }
            match applied {
                // The cursor moves only once the changes are stored, so none is skipped.
                Ok(()) => {
                    cursor::store(response.cursor);
                    round.more = response.more;
                    SyncOutcome::Done
                }
                Err(e) => e.into(),
            }
        }
        Err(ApiFailure::Http {
            status: 413,
            message,
            ..
        }) => {
            if batch.len() == 1 {
                let ids = [batch[0].id.clone()];
                return match outbox.mark_attention(&ids, &message).await {
                    Ok(()) => SyncOutcome::Done,
                    Err(e) => e.into(),
                };
            }
            let (left, right) = batch.split_at(batch.len() / 2);
            let first = Box::pin(push_batch(round, left)).await;
            if first != SyncOutcome::Done {
                return first;
            }
            Box::pin(push_batch(round, right)).await
        }
        Err(ApiFailure::Http { status: 401, .. }) => SyncOutcome::SignedOut,
        Err(failure) if failure.is_transient() => SyncOutcome::Unreachable,
        Err(ApiFailure::Http { message, .. }) => {
            // A 4xx for the whole batch that splitting cannot fix: keep every record, flagged.
            let ids: Vec<String> = batch.iter().map(|e| e.id.clone()).collect();
            match outbox.mark_attention(&ids, &message).await {
                Ok(()) => SyncOutcome::Done,
                Err(e) => e.into(),
            }
        }
        Err(ApiFailure::Network) => SyncOutcome::Unreachable,
    }
}

/// How the queue stands, for the supervisor's view of devices at risk.
fn device_report(pending: &[OutboxEntry]) -> DeviceReport {
    DeviceReport {
        device_id: device_id(),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        queued: u32::try_from(pending.len()).unwrap_or(u32::MAX),
        oldest_queued_at: pending.iter().map(|e| e.record.captured_at).min(),
    }
}

/// This installation's random id, made on first use and kept in local storage.
fn device_id() -> uuid::Uuid {
    let stored = local::get_text(LocalKey::DeviceId).and_then(|id| id.parse().ok());
    stored.unwrap_or_else(|| {
        let id = uuid::Uuid::new_v4();
        local::set_text(LocalKey::DeviceId, &id.to_string());
        id
    })
}

/// Milliseconds to wait before the next attempt after `failures` failed rounds in a row.
pub fn next_retry_ms(failures: u32) -> u32 {
    let mut random = [0u8; 4];
    let _ = getrandom_bytes(&mut random);
    retry_delay_ms(failures, u32::from_le_bytes(random))
}

fn getrandom_bytes(buf: &mut [u8]) -> Result<(), wasm_bindgen::JsValue> {
    let crypto = leptos::prelude::window().crypto()?;
    crypto.get_random_values_with_u8_array(buf)?;
    Ok(())
}
