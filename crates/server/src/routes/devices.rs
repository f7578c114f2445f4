//! `/devices`: each courier device as it reported itself at its last sync, and which of them are
//! data at risk (silent for hours while holding unsynced records).

use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use doorstep_core::api::DeviceView;
use serde::Deserialize;
use utoipa::IntoParams;

/// A device silent for longer than this, while holding records, is flagged unless the
/// supervisor asks for another threshold.
const DEFAULT_SILENT_HOURS: u32 = 4;
const HOUR_MS: i64 = 60 * 60 * 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    /// Hours of silence, with records held, after which a device is at risk (default 4).
    pub silent_hours: Option<u32>,
}

type DeviceRow = (String, String, String, i64, Option<i64>, i64);

/// The station's devices, at-risk ones first, then the longest silent.
#[utoipa::path(get, path = "/devices", tag = "devices", params(DeviceQuery),
    responses((status = 200, body = Vec<DeviceView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(query): ApiQuery<DeviceQuery>,
) -> Result<ApiJson<Vec<DeviceView>>, ApiError> {
    let silent_ms = i64::from(query.silent_hours.unwrap_or(DEFAULT_SILENT_HOURS)) * HOUR_MS;
    let now = crate::clock::now_ms();
    let rows: Vec<DeviceRow> = sqlx::query_as(
        "SELECT d.id, a.display_name, d.app_version, d.queued, d.oldest_queued_at, d.last_sync_at \
         FROM devices d JOIN accounts a ON a.id = d.courier_id WHERE d.station_id = $1 \
         ORDER BY d.last_sync_at LIMIT 1000",
    )
    .bind(caller.station_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut devices: Vec<DeviceView> = rows
        .into_iter()
        .filter_map(
            |(id, courier, app_version, queued, oldest_queued_at, last_sync_at)| {
                let queued = u32::try_from(queued).unwrap_or(u32::MAX);
                Some(DeviceView {
                    device_id: id.parse().ok()?,
                    courier,
                    app_version,
                    queued,
                    oldest_queued_at,
                    last_sync_at,
                    at_risk: queued > 0 && now - last_sync_at > silent_ms,
                })
            },
        )
        .collect();
    devices.sort_by_key(|d| (!d.at_risk, d.last_sync_at));
    Ok(ApiJson(devices))
}
