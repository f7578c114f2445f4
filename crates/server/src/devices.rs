//! Couriers' devices as they report themselves at each sync: the latest report kept per device.

use doorstep_core::sync::DeviceReport;
use sqlx::{Any, Transaction};

/// Keeps the device's latest report, written in the sync's own transaction.
pub async fn store_report(
    tx: &mut Transaction<'static, Any>,
    courier_id: i64,
    station_id: i64,
    report: &DeviceReport,
    now: i64,
) -> Result<(), sqlx::Error> {
    let version: String = report.app_version.chars().take(40).collect();
    sqlx::query(
        "INSERT INTO devices (id, courier_id, station_id, app_version, queued, oldest_queued_at, last_sync_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET courier_id = excluded.courier_id, station_id = excluded.station_id, \
         app_version = excluded.app_version, queued = excluded.queued, \
         oldest_queued_at = excluded.oldest_queued_at, last_sync_at = excluded.last_sync_at",
    )
    .bind(report.device_id.to_string())
    .bind(courier_id)
    .bind(station_id)
    .bind(version)
    .bind(i64::from(report.queued))
    .bind(report.oldest_queued_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
