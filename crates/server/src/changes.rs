//! The change feed to couriers' devices: written beside the event that causes it (in the same
//! transaction), read by the sync exchange after the device's cursor.

use crate::clock::now_ms;
use doorstep_core::sync::Change;
use sqlx::{Any, AnyConnection, Executor};

/// Most changes returned in one sync answer; the device asks again with the new cursor.
const PAGE: i64 = 500;

/// Queues a change for one courier's devices, inside the caller's transaction.
///
/// A device's cursor is the last id it saw, so a smaller id must never become visible after a
/// larger one. With several writers on PostgreSQL (pool connections, server instances) ids are
/// drawn in one order and committed in another; the courier's lock, held until commit, makes
/// writers for one courier draw and commit in turn.
pub async fn notify(
    conn: &mut AnyConnection,
    courier_id: i64,
    change: &Change,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(change).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    crate::db::lock_for_transaction(conn, crate::db::LockKey::CourierChanges(courier_id)).await?;
    sqlx::query("INSERT INTO device_changes (courier_id, body, created_at) VALUES ($1, $2, $3)")
        .bind(courier_id)
        .bind(body)
        .bind(now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// The courier's changes after `cursor`, oldest first, and the cursor to send next time.
pub async fn since<'e, E>(
    executor: E,
    courier_id: i64,
    cursor: i64,
) -> Result<(Vec<Change>, i64), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, body FROM device_changes WHERE courier_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(courier_id)
    .bind(cursor)
    .bind(PAGE)
    .fetch_all(executor)
    .await?;
    let next = rows.last().map_or(cursor, |(id, _)| *id);
    let changes = rows
        .into_iter()
        .map(|(_, body)| serde_json::from_str(&body).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .collect::<Result<_, _>>()?;
    Ok((changes, next))
}
