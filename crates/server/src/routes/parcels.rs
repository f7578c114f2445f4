//! The day's parcels for the supervisor: the list (masked, in route order), the CSV export, and
//! moving parcels to another courier.

use crate::audit::{self, Action, Event};
use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::{ApiJson, ApiQuery};
use crate::lang::request_lang;
use crate::manifest::{assign, day, export};
use crate::routes::coverage::{day_clock, DayQuery};
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use doorstep_core::assignment::{AssignRequest, AssignResult, ParcelView};
use doorstep_core::coverage::Bucket;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParcelQuery {
    /// Only this courier's parcels (username).
    pub courier: Option<String>,
    /// Only parcels in this bucket.
    pub bucket: Option<Bucket>,
    /// Page size, 1–1000 (default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Parcels skipped before the page.
    pub offset: Option<u32>,
}

/// The day's parcels in route order (courier, then place in the manifest), masked, each with
/// its bucket and the other courier who recorded it when that is not the assignee.
#[utoipa::path(get, path = "/parcels", tag = "parcels", params(DayQuery, ParcelQuery),
    responses((status = 200, body = Vec<ParcelView>), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(day_query): ApiQuery<DayQuery>,
    ApiQuery(query): ApiQuery<ParcelQuery>,
) -> Result<ApiJson<Vec<ParcelView>>, ApiError> {
    let limit = query.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            Text::new(
                "limit 须在 1 到 1000 之间",
                "`limit` must be between 1 and 1000",
            ),
        ));
    }
    let clock = day_clock(&state, &day_query);
    let names = day::names(&state.db, caller.station_id).await?;
    let courier = match query.courier.as_deref().map(str::trim) {
        Some(wanted) if !wanted.is_empty() => {
            match names.iter().find(|(_, name)| name.as_str() == wanted) {
                Some((id, _)) => Some(*id),
                None => return Ok(ApiJson(Vec::new())),
            }
        }
        _ => None,
    };
    let parcels = day::parcels(&state.db, caller.station_id, &clock, courier).await?;
    let mut views: Vec<ParcelView> = parcels
        .iter()
        .map(|p| p.view(&names, &clock))
        .filter(|v| query.bucket.is_none_or(|b| v.bucket == b))
        .collect();
    // Stored by courier id; shown by username.
    views.sort_by(|a, b| a.courier.cmp(&b.courier));
    let page = views
        .into_iter()
        .skip(query.offset.unwrap_or(0) as usize)
        .take(limit as usize)
        .collect();
    Ok(ApiJson(page))
}

/// Every parcel of the day as CSV (UTF-8 with a byte-order mark), masked; written to the audit
/// trail like every export.
#[utoipa::path(get, path = "/parcels/export.csv", tag = "parcels", params(DayQuery),
    responses((status = 200, description = "CSV, one line per parcel", content_type = "text/csv"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn export_csv(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(day_query): ApiQuery<DayQuery>,
) -> Result<Response, ApiError> {
    let clock = day_clock(&state, &day_query);
    audit::append_alone(
        &state.db,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::Export,
            subject: &format!("parcels day={}", clock.day),
            detail: "",
        },
    )
    .await?;
    let names = day::names(&state.db, caller.station_id).await?;
    let parcels = day::parcels(&state.db, caller.station_id, &clock, None).await?;
    let body = export::csv(&parcels, &names, &clock);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"doorstep-parcels-{}.csv\"",
                    clock.day
                ),
            ),
        ],
        body,
    )
        .into_response())
}

/// Moves the named parcels, or every parcel of a compound, of a day to a courier of the station.
/// Parcels with an outcome stay; the others leave the first courier's device and reach the
/// second's with their next sync.
#[utoipa::path(post, path = "/parcels/assign", tag = "parcels", request_body = AssignRequest,
    responses((status = 200, body = AssignResult), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AssignRequest>,
) -> Result<ApiJson<AssignResult>, ApiError> {
    let result = assign::assign(&state.db, &caller, &request, request_lang(&headers)).await?;
    Ok(ApiJson(result))
}
