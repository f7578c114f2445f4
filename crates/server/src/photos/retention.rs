//! Deleting photos a station's retention period after the delivery, except those of a record with
//! an open complaint; each deletion is in the audit chain.

use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::photos::Bucket;
use doorstep_core::proof::PhotoId;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Photos every naming record of which is past its station's period (counted from the handover,
/// or from its arrival when it has none) and has no open complaint. Returns the photos deleted.
pub async fn purge_expired(db: &Db, bucket: &Bucket, now: i64) -> Result<u64, PurgeError> {
    let expired: Vec<(String, i64)> = sqlx::query_as(
        "SELECT p.id, (SELECT MIN(rp.station_id) FROM record_photos rp WHERE rp.photo_id = p.id) \
         FROM photos p WHERE p.deleted_at IS NULL AND NOT EXISTS ( \
             SELECT 1 FROM record_photos rp JOIN records r ON r.id = rp.record_id \
             JOIN stations s ON s.id = r.station_id WHERE rp.photo_id = p.id AND ( \
                 COALESCE(r.outcome_at, r.received_at) + s.photo_retention_days * $1 > $2 \
                 OR EXISTS (SELECT 1 FROM complaints c WHERE c.record_id = r.id \
                            AND c.resolved_at IS NULL)))",
    )
    .bind(DAY_MS)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut deleted = 0;
    for (id, station_id) in expired {
        let Ok(photo) = PhotoId::parse(&id) else {
            continue;
        };
        // Bytes first: should the row's update fail, the next run finds the photo again and the
        // bucket's delete of a missing object succeeds.
        bucket.delete(&photo).await?;
        let mut tx = db.begin_write().await?;
        let marked =
            sqlx::query("UPDATE photos SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL")
                .bind(now)
                .bind(photo.as_str())
                .execute(&mut **tx)
                .await?
                .rows_affected();
        // Another instance's daily run got there first: its entry is the one in the chain.
        if marked == 0 {
            continue;
        }
        audit::append(
            &mut tx,
            &Event {
                actor_id: audit::OPERATOR,
                station_id,
                action: Action::PurgePhotos,
                subject: photo.as_str(),
                detail: "retention period over, no open complaint",
            },
        )
        .await?;
        tx.commit().await?;
        deleted += 1;
    }
    Ok(deleted)
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Bucket(#[from] object_store::Error),
}
