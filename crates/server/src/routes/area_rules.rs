//! `/area-rules`: the station's rules for manifest rows that name no courier.

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::lang::request_lang;
use crate::manifest::rules;
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use doorstep_core::assignment::AreaRule;

/// The station's area rules, by key.
#[utoipa::path(get, path = "/area-rules", tag = "parcels",
    responses((status = 200, body = Vec<AreaRule>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
) -> Result<ApiJson<Vec<AreaRule>>, ApiError> {
    Ok(ApiJson(rules::list(&state.db, caller.station_id).await?))
}

/// Replaces the station's area rules with these; answers them as stored.
#[utoipa::path(put, path = "/area-rules", tag = "parcels", request_body = Vec<AreaRule>,
    responses((status = 200, body = Vec<AreaRule>), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    headers: HeaderMap,
    ApiJson(new_rules): ApiJson<Vec<AreaRule>>,
) -> Result<ApiJson<Vec<AreaRule>>, ApiError> {
    rules::replace(&state.db, &caller, &new_rules, request_lang(&headers)).await?;
    Ok(ApiJson(rules::list(&state.db, caller.station_id).await?))
}
