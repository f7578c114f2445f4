//! The change feed to couriers' devices: written beside the event that causes it (in the same
//! transaction), read by the sync exchange after the device's cursor.

use crate::clock::now_ms;
use crate::db::{lock_for_transaction, rows_per_statement, LockKey, Placeholders, WriteTx};
use crate::live::hub::{Topic, Wake};
use doorstep_core::sync::Change;
use sqlx::{Any, AnyConnection, Executor};
use std::collections::BTreeSet;

/// Most changes returned in one sync answer; the device asks again with the new cursor.
const PAGE: i64 = 500;

/// Queues a change for one courier's devices, inside the caller's transaction; their live
/// streams are woken when it commits.
///
/// A device's cursor is the last id it saw, so a smaller id must never become visible after a
/// larger one. With several writers on PostgreSQL (pool connections, server instances) ids are
/// drawn in one order and committed in another; the courier's lock, held until commit, makes
/// writers for one courier draw and commit in turn.
pub async fn notify(tx: &mut WriteTx, courier_id: i64, change: &Change) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(change).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    lock_for_transaction(tx, LockKey::CourierChanges(courier_id)).await?;
    sqlx::query("INSERT INTO device_changes (courier_id, body, created_at) VALUES ($1, $2, $3)")
        .bind(courier_id)
        .bind(body)
        .bind(now_ms())
        .execute(&mut ***tx)
        .await?;
    tx.wake(Wake::Topic(Topic::Courier(courier_id)));
    Ok(())
}

/// Takes these couriers' feed locks for the caller's transaction, each once and in id order, so
/// two writers never wait on each other crosswise.
pub async fn lock_feeds(
    conn: &mut AnyConnection,
    couriers: impl IntoIterator<Item = i64>,
) -> Result<(), sqlx::Error> {
    for courier_id in couriers.into_iter().collect::<BTreeSet<i64>>() {
        lock_for_transaction(conn, LockKey::CourierChanges(courier_id)).await?;
    }
    Ok(())
}

/// Queues many changes, each for its courier, inside the caller's transaction: their couriers'
/// locks (see [`lock_feeds`]), then multi-row inserts.
pub async fn notify_many(tx: &mut WriteTx, changes: &[(i64, Change)]) -> Result<(), sqlx::Error> {
    lock_feeds(tx, changes.iter().map(|(courier_id, _)| *courier_id)).await?;
    queue_locked(tx, changes).await
}

/// [`notify_many`] for a caller that already holds every feed lock the changes need: a manifest
/// import locks the station's feeds once, then queues one change per parcel a chunk at a time.
pub async fn queue_locked(tx: &mut WriteTx, changes: &[(i64, Change)]) -> Result<(), sqlx::Error> {
    for (courier_id, _) in changes {
        tx.wake(Wake::Topic(Topic::Courier(*courier_id)));
    }
    let conn: &mut AnyConnection = tx;
    let now = now_ms();
    for chunk in changes.chunks(rows_per_statement(3)) {
        let bodies = chunk
            .iter()
            .map(|(_, change)| serde_json::to_string(change))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let sql = format!(
            "INSERT INTO device_changes (courier_id, body, created_at) VALUES {}",
            Placeholders::of(conn).rows(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for ((courier_id, _), body) in chunk.iter().zip(bodies) {
            query = query.bind(*courier_id).bind(body).bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// One page of a courier's changes.
pub struct Page {
    /// Oldest first.
    pub changes: Vec<Change>,
    /// The cursor to send next time.
    pub cursor: i64,
    /// The page was full: more may wait after `cursor`.
    pub more: bool,
}

/// The courier's changes after `cursor`, oldest first, at most one page.
pub async fn since<'e, E>(executor: E, courier_id: i64, cursor: i64) -> Result<Page, sqlx::Error>
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
    let more = rows.len() as i64 == PAGE;
    let next = rows.last().map_or(cursor, |(id, _)| *id);
    let changes = rows
        .into_iter()
        .map(|(_, body)| serde_json::from_str(&body).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .collect::<Result<_, _>>()?;
    Ok(Page {
        changes,
        cursor: next,
        more,
    })
}

/// The id of the courier's newest change (0 without any): where a device's cursor stands once
/// it has every change.
pub async fn latest<'e, E>(executor: E, courier_id: i64) -> Result<i64, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let (latest,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM device_changes WHERE courier_id = $1")
            .bind(courier_id)
            .fetch_one(executor)
            .await?;
    Ok(latest)
}
