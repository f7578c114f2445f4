//! `GET /coverage`: every parcel of a day accounted for, per courier and for the station.

use crate::clock::now_ms;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::manifest::day;
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use doorstep_core::coverage::{CoverageReport, DayClock};
use doorstep_core::day::Day;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The day (`YYYY-MM-DD`); today in Shanghai when absent.
    pub day: Option<Day>,
}

/// The asked day, counted at the server's clock against the station's cut-off.
pub fn day_clock(state: &AppState, query: &DayQuery) -> DayClock {
    let now = now_ms();
    DayClock {
        day: query.day.unwrap_or_else(|| Day::of(now)),
        cutoff_minute: state.cutoff_minute,
        now,
    }
}

/// The day's parcels by bucket (door, locker, station, picked up, failed, refused, no outcome),
/// late and unaccounted ones, and records of parcels not on the manifest, per courier and for
/// the station.
#[utoipa::path(get, path = "/coverage", tag = "parcels", params(DayQuery),
    responses((status = 200, body = CoverageReport), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn coverage(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(query): ApiQuery<DayQuery>,
) -> Result<ApiJson<CoverageReport>, ApiError> {
    let clock = day_clock(&state, &query);
    Ok(ApiJson(
        day::coverage(&state.db, caller.station_id, &clock).await?,
    ))
}
