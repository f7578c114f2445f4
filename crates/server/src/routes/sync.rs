//! `POST /sync`: a courier's device pushes record revisions and pulls changes in one round trip.
//! The protocol's rules live in `doorstep_core::sync`, the storing in [`crate::records::store`].

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, MAX_BODY_BYTES};
use crate::lang::request_lang;
use crate::records::store::{prepare, store_batch};
use crate::session::Courier;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use doorstep_core::sync::{self, SyncRequest, SyncResponse};

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
            limit: MAX_BODY_BYTES,
        });
    }
    let lang = request_lang(&headers);
    let proof = crate::photos::rules::load(&state.db, caller.station_id).await?;
    let prepared = prepare(&request.records, &proof, &state.id_vault, lang)?;
    let mut attempt = 1;
    let acks = loop {
        match store_batch(&state.db, &caller, &request, &prepared, lang).await {
            // Another server instance stored one of these records between our check and our
            // insert (PostgreSQL): applied again, the batch sees it and acknowledges a replay.
            Err(ApiError::Conflict(_)) if attempt < BATCH_ATTEMPTS => attempt += 1,
            result => break result?,
        }
    };
    let page = crate::changes::since(&state.db.pool, caller.account_id, request.cursor).await?;
    Ok(ApiJson(SyncResponse {
        acks,
        changes: page.changes,
        cursor: page.cursor,
        more: page.more,
    }))
}

/// How often a batch is applied when a concurrent writer took one of its records first.
const BATCH_ATTEMPTS: u32 = 3;
