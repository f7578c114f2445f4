//! `GET /dashboard`: a station's compliance at a glance, counted in SQL.

use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::{ApiJson, ApiQuery};
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use doorstep_core::api::{
    CourierCount, Dashboard, DayCount, FlagCount, PickupCounts, DAY_MS, SHANGHAI_OFFSET_MS,
};
use doorstep_core::compliance::ComplianceFlag;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Capture time (device clock, ms) from, inclusive; default 14 days before `to`.
    #[param(minimum = 0, maximum = 32_503_680_000_000_i64)]
    pub from: Option<i64>,
    /// Capture time (device clock, ms) to, exclusive; default now.
    #[param(minimum = 0, maximum = 32_503_680_000_000_i64)]
    pub to: Option<i64>,
}

/// Longest period one dashboard covers.
const MAX_DAYS: i64 = 366;

/// The period lies between 1970 and the year 3000, so the day arithmetic (here and in SQL) cannot
/// overflow on whatever capture times devices sent.
const LATEST_MS: i64 = 32_503_680_000_000;

/// A courier's name, records, flagged records, then the [`PickupCounts`] in field order.
type CourierRow = (String, i64, i64, i64, i64, i64, i64, i64);

fn shanghai_day(ms: i64) -> i64 {
    (ms + SHANGHAI_OFFSET_MS).div_euclid(DAY_MS)
}

/// Counts per flag, per courier (with their pickups and the safety rules kept) and per Shanghai day (with the day's compliance rate, over the
/// day's records and the manifest's parcels no record accounts for) of the station's records
/// captured in the period.
#[utoipa::path(get, path = "/dashboard", tag = "records", params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<ApiJson<Dashboard>, ApiError> {
    let to = query.to.unwrap_or_else(crate::clock::now_ms);
    let from = query.from.unwrap_or(to.saturating_sub(14 * DAY_MS).max(0));
    let within = |ms: i64| (0..=LATEST_MS).contains(&ms);
    if !within(from) || !within(to) {
        return Err(ApiError::bad_request(
            "invalid_period",
            Text::new(
                "from 和 to 须在 1970 年至 3000 年之间",
                "`from` and `to` must lie between 1970 and the year 3000",
            ),
        ));
    }
    if from >= to || to - from > MAX_DAYS * DAY_MS {
        return Err(ApiError::bad_request(
            "invalid_period",
            Text::new(
                format!("from 须早于 to，且相隔不超过 {MAX_DAYS} 天"),
                format!("`from` must come before `to`, at most {MAX_DAYS} days apart"),
            ),
        ));
    }
    let pool = &state.db.pool;
    let per_flag: Vec<(String, i64)> = sqlx::query_as(
        "SELECT f.flag, COUNT(*) FROM record_flags f JOIN records r ON r.id = f.record_id \
         WHERE r.station_id = $1 AND r.captured_at >= $2 AND r.captured_at < $3 GROUP BY f.flag",
    )
    .bind(caller.station_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let per_flag = ComplianceFlag::ALL
        .into_iter()
        .map(|flag| FlagCount {
            flag,
            records: per_flag
                .iter()
                .find(|(code, _)| code == flag.code())
                .map_or(0, |(_, n)| *n as u64),
        })
        .collect();
    // The server takes a collected pickup only with its identity check and inspection; pickups
    // stored before these rules carry neither, nor flags for them.
    let per_courier: Vec<CourierRow> = sqlx::query_as(
        "SELECT a.display_name, COUNT(*), SUM(CASE WHEN r.flags <> '' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN r.outcome = 'picked_up' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN r.outcome = 'picked_up' AND r.identity_checked = 1 THEN 1 ELSE 0 END), \
         SUM(CASE WHEN r.outcome = 'picked_up' AND r.inspected = 1 THEN 1 ELSE 0 END), \
         SUM(CASE WHEN r.outcome = 'refused_prohibited_item' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN r.outcome = 'refused_check_declined' THEN 1 ELSE 0 END) \
         FROM records r JOIN accounts a ON a.id = r.courier_id \
         WHERE r.station_id = $1 AND r.captured_at >= $2 AND r.captured_at < $3 \
         GROUP BY a.id, a.display_name ORDER BY COUNT(*) DESC, a.display_name",
    )
    .bind(caller.station_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let per_day: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT (r.captured_at + $4) / $5 AS day, COUNT(*), SUM(CASE WHEN r.flags <> '' THEN 1 ELSE 0 END) \
         FROM records r WHERE r.station_id = $1 AND r.captured_at >= $2 AND r.captured_at < $3 \
         GROUP BY day ORDER BY day",
    )
    .bind(caller.station_id)
    .bind(from)
    .bind(to)
    .bind(SHANGHAI_OFFSET_MS)
    .bind(DAY_MS)
    .fetch_all(pool)
    .await?;
    // Parcels of each day's manifest that no record accounts for.
    let unrecorded: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT p.day, COUNT(*) FROM parcels p WHERE p.station_id = $1 AND p.day >= $2 AND p.day <= $3 \
         AND NOT EXISTS (SELECT 1 FROM records r WHERE r.station_id = p.station_id AND r.waybill = p.waybill) \
         GROUP BY p.day",
    )
    .bind(caller.station_id)
    .bind(shanghai_day(from))
    .bind(shanghai_day(to - 1))
    .fetch_all(pool)
    .await?;
    // Every day of the period, so a chart shows quiet days as zero rather than skipping them.
    let per_day = (shanghai_day(from)..=shanghai_day(to - 1))
        .map(|day| {
            let (records, flagged) = per_day
                .iter()
                .find(|(d, _, _)| *d == day)
                .map_or((0, 0), |(_, n, f)| (*n as u64, *f as u64));
            DayCount {
                day,
                records,
                flagged,
                unrecorded: unrecorded
                    .iter()
                    .find(|(d, _)| *d == day)
                    .map_or(0, |(_, n)| *n as u64),
            }
        })
        .collect();
    let per_courier: Vec<CourierCount> = per_courier
        .into_iter()
        .map(
            |(
                courier,
                records,
                flagged,
                picked_up,
                real_name,
                inspection,
                prohibited,
                declined,
            )| {
                CourierCount {
                    courier,
                    records: records as u64,
                    flagged: flagged as u64,
                    pickups: PickupCounts {
                        picked_up: picked_up as u64,
                        with_real_name: real_name as u64,
                        with_inspection: inspection as u64,
                        refused_prohibited: prohibited as u64,
                        refused_declined: declined as u64,
                    },
                }
            },
        )
        .collect();
    let mut pickups = PickupCounts::default();
    for courier in &per_courier {
        pickups.add(&courier.pickups);
    }
    Ok(ApiJson(Dashboard {
        per_flag,
        pickups,
        per_courier,
        per_day,
    }))
}
