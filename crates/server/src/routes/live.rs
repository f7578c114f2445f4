//! `GET /live`: a signed-in account's stream of server-sent events. A courier hears `changes`
//! (the id of their newest change: sync when it is past the device's cursor); a supervisor hears
//! `station` (reload the dashboard and device list).

use crate::error::{ApiError, ErrorBody, Text};
use crate::live::follower::{Follower, LiveEvent};
use crate::live::hub::Topic;
use crate::session::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::IntoResponse;
use doorstep_core::Role;

/// Opens the caller's live stream. Reconnecting with `Last-Event-ID` resumes it: a courier is
/// told at once if changes came while they were away.
#[utoipa::path(get, path = "/live", tag = "live",
    params(("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event seen, when reconnecting")),
    responses((status = 200, content_type = "text/event-stream", body = LiveEvent),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn follow(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let last_event_id = match headers.get("last-event-id") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_last_event_id",
                        Text::new("Last-Event-ID 应为整数", "Last-Event-ID must be an integer"),
                    )
                })?,
        ),
    };
    let topic = match caller.role {
        Role::Courier => Topic::Courier(caller.account_id),
        Role::Supervisor | Role::Admin => Topic::Station(caller.station_id),
    };
    let slot = state
        .live
        .take(caller.account_id)
        .ok_or(ApiError::TooManyRequests {
            retry_after_secs: state.live.policy.recheck.as_secs().max(1),
        })?;
    state.db.hear_other_instances().await?;
    let heartbeat = state.live.policy.heartbeat;
    let follower = Follower::new(state, topic, caller.token_hash, last_event_id, slot);
    Ok((
        // Tells a buffering proxy (nginx) to pass each event on as it comes.
        [(HeaderName::from_static("x-accel-buffering"), "no")],
        Sse::new(follower.into_stream()).keep_alive(KeepAlive::new().interval(heartbeat)),
    ))
}
