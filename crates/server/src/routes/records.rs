//! The supervisor's view of the synced records of their station.

use crate::auth::Supervisor;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::AppState;
use axum::extract::{Query, State};
use doorstep_core::api::{RecordPage, RecordSummary};
use doorstep_core::DeliveryRecord;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub before: Option<String>,
}

/// Keyset position: newest first by server receive time, then id.
fn parse_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_cursor",
            "`before` must be a `next` value from a previous page",
        )
    };
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    let at: i64 = at.parse().map_err(|_| bad())?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at, id.to_string()))
}

/// The station's records, newest first, masked.
#[utoipa::path(get, path = "/records", tag = "records", params(ListQuery),
    responses((status = 200, body = RecordPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    Query(query): Query<ListQuery>,
) -> Result<ApiJson<RecordPage>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            "`limit` must be between 1 and 200",
        ));
    }
    let (before_at, before_id) = match &query.before {
        Some(cursor) => parse_cursor(cursor)?,
        // No row is received at i64::MAX, so the id never decides the first page.
        None => (i64::MAX, String::new()),
    };
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT r.payload, r.received_at, a.display_name FROM records r \
         JOIN accounts a ON a.id = r.courier_id \
         WHERE r.station_id = $1 AND (r.received_at < $2 OR (r.received_at = $2 AND r.id < $3)) \
         ORDER BY r.received_at DESC, r.id DESC LIMIT $4",
    )
    .bind(caller.station_id)
    .bind(before_at)
    .bind(before_id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&state.db.pool)
    .await?;
    let has_more = rows.len() > limit as usize;
    let mut records = Vec::with_capacity(limit as usize);
    for (payload, received_at, courier) in rows.into_iter().take(limit as usize) {
        let record: DeliveryRecord =
            serde_json::from_str(&payload).map_err(|e| ApiError::Internal(Box::new(e)))?;
        records.push(RecordSummary::masked(&record, courier, received_at));
    }
    let next = has_more
        .then(|| {
            records
                .last()
                .map(|r| format!("{}_{}", r.received_at, r.id))
        })
        .flatten();
    Ok(ApiJson(RecordPage { records, next }))
}
