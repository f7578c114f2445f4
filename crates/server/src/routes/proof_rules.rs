//! `/proof-rules`: the station's photo rule per delivery method and retention period. Devices
//! read them; supervisors set them.

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::lang::request_lang;
use crate::photos::rules;
use crate::session::{Caller, Supervisor};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use doorstep_core::proof::ProofRules;

/// The caller's station's settings.
#[utoipa::path(get, path = "/proof-rules", tag = "photos",
    responses((status = 200, body = ProofRules), (status = 401, body = ErrorBody)))]
pub async fn current(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<ProofRules>, ApiError> {
    Ok(ApiJson(rules::load(&state.db, caller.station_id).await?))
}

/// Replaces the station's settings; answers them as stored.
#[utoipa::path(put, path = "/proof-rules", tag = "photos", request_body = ProofRules,
    responses((status = 200, body = ProofRules), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    headers: HeaderMap,
    ApiJson(new_rules): ApiJson<ProofRules>,
) -> Result<ApiJson<ProofRules>, ApiError> {
    rules::save(&state.db, &caller, &new_rules, request_lang(&headers)).await?;
    Ok(ApiJson(rules::load(&state.db, caller.station_id).await?))
}
