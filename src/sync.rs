//! The device side of the sync protocol: drains the outbox in batches, applies per-record acks,
//! and retries with backoff. The rules (batch caps, ack meaning, retry delays) are in
//! `doorstep_core::sync`.

use crate::api::{self, ApiFailure};
use crate::inbox::Inbox;
use crate::storage::{Outbox, OutboxEntry, StorageError};
use doorstep_core::sync::{
    plan_batches, retry_delay_ms, SyncRequest, MAX_BATCH_BYTES, MAX_BATCH_RECORDS,
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

/// Pushes every pending record and pulls what changed since the inbox's cursor. Records stay
/// queued until their own ack arrives.
pub async fn push_pending(outbox: &Outbox, inbox: &Inbox, token: &str, lang: Lang) -> SyncOutcome {
    let pending = match outbox.pending().await {
        Ok(p) => p,
        Err(e) => return e.into(),
    };
    if pending.is_empty() {
        // Nothing to send: an empty batch still brings supervisors' notes.
        return push_batch(outbox, inbox, token, lang, &[]).await;
    }
    let sizes: Vec<usize> = pending
        .iter()
        .map(|e| {
            serde_json::to_string(&e.record)
                .map(|s| s.len())
                .unwrap_or(0)
        })
        .collect();
    for range in plan_batches(&sizes, MAX_BATCH_RECORDS, MAX_BATCH_BYTES) {
        let outcome = push_batch(outbox, inbox, token, lang, &pending[range]).await;
        if outcome != SyncOutcome::Done {
            return outcome;
        }
    }
    SyncOutcome::Done
}

/// Sends one batch; when the server says it is too large, halves it until it fits, and a single
/// record that never fits is set aside for the courier with the server's message.
async fn push_batch(
    outbox: &Outbox,
    inbox: &Inbox,
    token: &str,
    lang: Lang,
    batch: &[OutboxEntry],
) -> SyncOutcome {
    let records: Vec<DeliveryRecord> = batch.iter().map(|e| e.record.clone()).collect();
    let cursor = inbox.cursor();
    let body = api::sync_body(&SyncRequest { cursor, records });
    match api::sync_raw(token, body, lang).await {
        Ok(response) => {
            inbox.receive(&response.changes, response.cursor);
            match outbox.apply_acks(&response.acks).await {
                Ok(()) => SyncOutcome::Done,
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
            let first = Box::pin(push_batch(outbox, inbox, token, lang, left)).await;
            if first != SyncOutcome::Done {
                return first;
            }
            Box::pin(push_batch(outbox, inbox, token, lang, right)).await
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
