//! `POST /sync`: a courier's device pushes record revisions and pulls changes in one round trip.
//! The protocol's rules live in `doorstep_core::sync`; this module only stores.

use crate::auth::Courier;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::{now_ms, request_lang, AppState};
use axum::extract::State;
use axum::http::HeaderMap;
use doorstep_core::compliance::{self, CompliancePolicy};
use doorstep_core::sync::{
    self, canonical, Ack, RecordAck, StoredRevision, SyncRequest, SyncResponse,
};
use doorstep_core::{DeliveryRecord, Lang};
use sqlx::{Any, Transaction};

/// Stores each record revision exactly once and acknowledges each separately.
///
/// The whole batch is applied in one transaction and answered only after it commits, so an
/// acknowledged revision is durable; a failure before the commit stores nothing and the device
/// simply sends the batch again.
#[utoipa::path(post, path = "/sync", tag = "sync", request_body = SyncRequest,
    responses((status = 200, body = SyncResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 413, body = ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    Courier(caller): Courier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SyncRequest>,
) -> Result<ApiJson<SyncResponse>, ApiError> {
    if request.records.len() > sync::MAX_BATCH_RECORDS {
        return Err(ApiError::PayloadTooLarge {
            limit: crate::MAX_BODY_BYTES,
        });
    }
    let lang = request_lang(&headers);
    let mut attempt = 1;
    let acks = loop {
        match store_batch(&state, &caller, &request, lang).await {
            // Another server instance stored one of these records between our check and our
            // insert (PostgreSQL): applied again, the batch sees it and acknowledges a replay.
            Err(ApiError::Conflict(_)) if attempt < BATCH_ATTEMPTS => attempt += 1,
            result => break result?,
        }
    };
    let (changes, cursor) =
        crate::changes::since(&state.db.pool, caller.account_id, request.cursor).await?;
    Ok(ApiJson(SyncResponse {
        acks,
        changes,
        cursor,
    }))
}

/// How often a batch is applied when a concurrent writer took one of its records first.
const BATCH_ATTEMPTS: u32 = 3;

/// Applies a batch in one transaction and returns its acks once it has committed.
async fn store_batch(
    state: &AppState,
    caller: &crate::auth::Caller,
    request: &SyncRequest,
    lang: Lang,
) -> Result<Vec<RecordAck>, ApiError> {
    let received_at = now_ms();
    let mut tx = state.db.begin_write().await?;
    let mut acks = Vec::with_capacity(request.records.len());
    for record in &request.records {
        let ack = apply(
            &mut tx,
            caller.account_id,
            caller.station_id,
            record,
            received_at,
            lang,
        )
        .await?;
        acks.push(RecordAck {
            id: record.id,
            revision: record.revision,
            ack,
            received_at,
        });
    }
    if let Some(report) = &request.device {
        crate::routes::devices::store_report(
            &mut tx,
            caller.account_id,
            caller.station_id,
            report,
            received_at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(acks)
}

/// `SF123` → `321FS`: a suffix search becomes a prefix range on this column.
pub fn reversed(waybill: &str) -> String {
    waybill.chars().rev().collect()
}

/// Fills the review columns of records stored before they existed (migration 0004).
pub async fn backfill_review_columns(db: &crate::db::Db) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT id, payload, received_at FROM records WHERE waybill_reversed = ''")
            .fetch_all(&db.pool)
            .await?;
    for (id, payload, received_at) in rows {
        let Ok(record) = serde_json::from_str::<DeliveryRecord>(&payload) else {
            continue;
        };
        let mut tx = db.pool.begin().await?;
        store_review_columns(&mut tx, &id, &record, received_at).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Writes the current revision's filter columns and compliance flags.
async fn store_review_columns(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    record: &DeliveryRecord,
    received_at: i64,
) -> Result<(), sqlx::Error> {
    let flags = compliance::flags(record, received_at, &CompliancePolicy::default());
    let codes: Vec<&str> = flags.iter().map(|f| f.code()).collect();
    let channel = record.consent.as_ref().map(|c| c.channel.code());
    sqlx::query(
        "UPDATE records SET consent_channel = $1, waybill_reversed = $2, flags = $3 WHERE id = $4",
    )
    .bind(channel)
    .bind(reversed(record.waybill.as_str()))
    .bind(codes.join(","))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM record_flags WHERE record_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for code in codes {
        sqlx::query(
            "INSERT INTO record_flags (record_id, flag, station_id, received_at) \
             SELECT id, $1, station_id, received_at FROM records WHERE id = $2",
        )
        .bind(code)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn apply(
    tx: &mut Transaction<'static, Any>,
    courier_id: i64,
    station_id: i64,
    record: &DeliveryRecord,
    received_at: i64,
    lang: Lang,
) -> Result<Ack, ApiError> {
    let violations = record.violations();
    if !violations.is_empty() {
        return Ok(rejection(violations, lang));
    }
    let id = record.id.to_string();
    let (payload, fingerprint) = canonical(record).map_err(|e| ApiError::Internal(Box::new(e)))?;

    let owner: Option<(i64, i64)> =
        sqlx::query_as("SELECT courier_id, revision FROM records WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((owner_id, _)) = owner {
        if owner_id != courier_id {
            let message = match lang {
                Lang::Zh => "该记录编号属于另一台设备",
                Lang::En => "this record id belongs to another device",
            };
            return Ok(Ack::Conflict {
                message: message.into(),
            });
        }
    }
    let same: Option<(String,)> = sqlx::query_as(
        "SELECT fingerprint FROM record_revisions WHERE record_id = $1 AND revision = $2",
    )
    .bind(&id)
    .bind(i64::from(record.revision))
    .fetch_optional(&mut **tx)
    .await?;
    let stored = owner.map(|(_, latest)| StoredRevision {
        latest: u32::try_from(latest).unwrap_or(u32::MAX),
        same_revision_fingerprint: same.as_ref().map(|(f,)| f.as_str()),
    });
    let ack = sync::decide(stored, record.revision, &fingerprint);
    if ack == Ack::Stored {
        if let Some(violation) = crate::links::check(tx, record).await? {
            return Ok(rejection(vec![violation], lang));
        }
        let stored = StoredRecord {
            courier_id,
            station_id,
            record,
            payload: &payload,
            fingerprint: &fingerprint,
            received_at,
        };
        insert_revision(tx, &stored).await?;
        crate::links::store_request(tx, courier_id, station_id, record, received_at).await?;
    }
    Ok(ack)
}

/// A record refused for the rules it breaks, with their messages in the device's language.
fn rejection(violations: Vec<doorstep_core::Violation>, lang: Lang) -> Ack {
    let separator = if lang == Lang::Zh { "；" } else { "; " };
    let message = violations
        .iter()
        .map(|v| v.message(lang))
        .collect::<Vec<_>>()
        .join(separator);
    Ack::Rejected {
        violations,
        message,
    }
}

/// One revision as it is written: the record, its canonical JSON and fingerprint, and who sent it
/// when.
pub struct StoredRecord<'a> {
    pub courier_id: i64,
    pub station_id: i64,
    pub record: &'a DeliveryRecord,
    pub payload: &'a str,
    pub fingerprint: &'a str,
    pub received_at: i64,
}

impl StoredRecord<'_> {
    fn id(&self) -> String {
        self.record.id.to_string()
    }
}

/// Writes a new revision: into the revision history, and as the current row (with its filter
/// columns and compliance flags) when it is newer.
/// Also the "raw insert" the ingest benchmark compares the HTTP path against.
pub async fn insert_revision(
    tx: &mut Transaction<'static, Any>,
    stored: &StoredRecord<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO record_revisions (record_id, revision, courier_id, fingerprint, payload, revised_at, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(stored.id())
    .bind(i64::from(stored.record.revision))
    .bind(stored.courier_id)
    .bind(stored.fingerprint)
    .bind(stored.payload)
    .bind(stored.record.revised_at)
    .bind(stored.received_at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO records (id, station_id, courier_id, revision, waybill, carrier, method, outcome, \
         captured_at, revised_at, received_at, payload) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, waybill = excluded.waybill, \
         carrier = excluded.carrier, method = excluded.method, outcome = excluded.outcome, \
         revised_at = excluded.revised_at, received_at = excluded.received_at, payload = excluded.payload \
         WHERE excluded.revision > records.revision",
    )
    .bind(stored.id())
    .bind(stored.station_id)
    .bind(stored.courier_id)
    .bind(i64::from(stored.record.revision))
    .bind(stored.record.waybill.as_str())
    .bind(stored.record.carrier.code())
    .bind(stored.record.method.code())
    .bind(stored.record.outcome.as_ref().map(|o| o.code()))
    .bind(stored.record.captured_at)
    .bind(stored.record.revised_at)
    .bind(stored.received_at)
    .bind(stored.payload)
    .execute(&mut **tx)
    .await?;
    store_review_columns(tx, &stored.id(), stored.record, stored.received_at).await
}
