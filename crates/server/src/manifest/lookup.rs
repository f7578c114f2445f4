//! What the import and the moves both read about a station: its couriers by username, its area
//! rules, which waybills already have an outcome, and a stored parcel's fingerprint.

use crate::db::{rows_per_statement, Placeholders};
use doorstep_core::day::Day;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// The station's couriers, username → account id.
pub async fn couriers(
    conn: &mut AnyConnection,
    station_id: i64,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT username, id FROM accounts WHERE station_id = $1 AND role = 'courier'",
    )
    .bind(station_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Every account of the station, id → username, for naming a parcel's courier.
pub async fn usernames(
    conn: &mut AnyConnection,
    station_id: i64,
) -> Result<HashMap<i64, String>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, username FROM accounts WHERE station_id = $1")
            .bind(station_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The station's area rules, key (area code or compound) → courier id.
pub async fn area_rules(
    conn: &mut AnyConnection,
    station_id: i64,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT key, courier_id FROM area_rules WHERE station_id = $1")
            .bind(station_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Which of `waybills` have a record with an outcome at the station: such parcels stay as they
/// are, whatever a new file or a move says.
pub async fn with_outcome(
    conn: &mut AnyConnection,
    station_id: i64,
    waybills: &[&str],
) -> Result<HashSet<String>, sqlx::Error> {
    let mut found = HashSet::new();
    for chunk in waybills.chunks(rows_per_statement(1) - 1) {
        // Marks in order of appearance: SQLite binds plain `?` by position.
        let marks = Placeholders::of(conn);
        let sql = format!(
            "SELECT DISTINCT waybill FROM records \
             WHERE station_id = {} AND outcome IS NOT NULL AND waybill IN ({})",
            marks.list(1, 1),
            marks.list(2, chunk.len())
        );
        // Planned afresh each time, like the import's lookup of stored parcels.
        let mut query = sqlx::query_as::<_, (String,)>(&sql)
            .persistent(false)
            .bind(station_id);
        for waybill in chunk {
            query = query.bind(*waybill);
        }
        found.extend(query.fetch_all(&mut *conn).await?.into_iter().map(|(w,)| w));
    }
    Ok(found)
}

/// The `parcels.fingerprint` column: equal when the parcel, its courier and its day are.
pub fn fingerprint(payload: &str, courier_id: i64, day: Day) -> String {
    let mut digest = Sha256::new();
    digest.update(payload.as_bytes());
    digest.update(format!("\n{courier_id}\n{}", day.0).as_bytes());
    hex::encode(digest.finalize())
}
