//! Which records name which photos (`record_photos`): written with each stored revision, read
//! for access, for "photo pending" and for the record's page.

use crate::db::{rows_per_statement, Db, Placeholders};
use doorstep_core::api::{PhotoArrival, PhotoState};
use doorstep_core::proof::PhotoId;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// A record's named photo whose bytes have not arrived: the condition over `records r`.
pub const PENDING_SQL: &str = "EXISTS (SELECT 1 FROM record_photos rp WHERE rp.record_id = r.id \
     AND rp.is_current = 1 AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.id = rp.photo_id))";

/// One photo named by a stored revision.
pub struct Named<'a> {
    pub record_id: &'a str,
    pub photo: &'a PhotoId,
    pub station_id: i64,
    pub courier_id: i64,
    /// Named by the revision that is now the record's current row.
    pub current: bool,
}

/// Records the names of a batch's stored revisions. `replaced` are the records whose current row
/// this batch replaced: their earlier names stop being current first.
pub async fn write(
    tx: &mut Transaction<'static, Any>,
    replaced: &[&str],
    named: &[Named<'_>],
) -> Result<(), sqlx::Error> {
    for chunk in replaced.chunks(rows_per_statement(1)) {
        let sql = format!(
            "UPDATE record_photos SET is_current = 0 WHERE is_current = 1 AND record_id IN ({})",
            Placeholders::of(tx).list(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await?;
    }
    // One row per (record, photo), current if any stored revision naming it is current.
    let mut rows: HashMap<(&str, &str), &Named> = HashMap::new();
    for name in named {
        let slot = rows
            .entry((name.record_id, name.photo.as_str()))
            .or_insert(name);
        if name.current {
            *slot = name;
        }
    }
    let rows: Vec<&Named> = rows.into_values().collect();
    for chunk in rows.chunks(rows_per_statement(5)) {
        // A revision that is not current never clears a current name.
        let sql = format!(
            "INSERT INTO record_photos (record_id, photo_id, station_id, courier_id, is_current) \
             VALUES {} ON CONFLICT (record_id, photo_id) DO UPDATE SET is_current = \
             CASE WHEN excluded.is_current = 1 THEN 1 ELSE record_photos.is_current END",
            Placeholders::of(tx).rows(chunk.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for name in chunk {
            query = query
                .bind(name.record_id)
                .bind(name.photo.as_str())
                .bind(name.station_id)
                .bind(name.courier_id)
                .bind(i64::from(name.current));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// How many of each record's current photos have not arrived, for the records that have any.
pub async fn pending_counts(
    db: &Db,
    record_ids: &[&str],
) -> Result<HashMap<String, u32>, sqlx::Error> {
    let mut counts = HashMap::new();
    for chunk in record_ids.chunks(rows_per_statement(1)) {
        let sql = format!(
            "SELECT rp.record_id, COUNT(*) FROM record_photos rp \
             WHERE rp.record_id IN ({}) AND rp.is_current = 1 \
             AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.id = rp.photo_id) \
             GROUP BY rp.record_id",
            Placeholders::of_db(db).list(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for (id, count) in query.fetch_all(&db.pool).await? {
            counts.insert(id, u32::try_from(count).unwrap_or(u32::MAX));
        }
    }
    Ok(counts)
}

/// Where each of these photos is: stored, deleted after retention, or still on the device.
pub async fn states(db: &Db, photos: &[PhotoId]) -> Result<Vec<PhotoState>, sqlx::Error> {
    if photos.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, deleted_at FROM photos WHERE id IN ({})",
        Placeholders::of_db(db).list(1, photos.len())
    );
    let mut query = sqlx::query_as::<_, (String, Option<i64>)>(&sql);
    for photo in photos {
        query = query.bind(photo.as_str());
    }
    let known: HashMap<String, Option<i64>> =
        query.fetch_all(&db.pool).await?.into_iter().collect();
    Ok(photos
        .iter()
        .map(|id| PhotoState {
            id: id.clone(),
            state: match known.get(id.as_str()) {
                None => PhotoArrival::Pending,
                Some(None) => PhotoArrival::Stored,
                Some(Some(_)) => PhotoArrival::Deleted,
            },
        })
        .collect())
}

/// Who may see a photo.
pub enum Viewer<'a> {
    /// The courier whose record names it.
    Courier(i64),
    /// A supervisor of the station of a record that names it.
    Station(i64),
    /// The recipient, through the link of this record.
    Recipient(&'a str),
}

/// Whether the viewer may see this photo: a record of theirs names it.
pub async fn may_see(db: &Db, viewer: Viewer<'_>, photo: &PhotoId) -> Result<bool, sqlx::Error> {
    let query = match viewer {
        Viewer::Courier(id) => sqlx::query_as::<_, (i64,)>(
            "SELECT COUNT(*) FROM record_photos WHERE photo_id = $1 AND courier_id = $2",
        )
        .bind(photo.as_str())
        .bind(id),
        Viewer::Station(id) => sqlx::query_as(
            "SELECT COUNT(*) FROM record_photos WHERE photo_id = $1 AND station_id = $2",
        )
        .bind(photo.as_str())
        .bind(id),
        Viewer::Recipient(record_id) => sqlx::query_as(
            "SELECT COUNT(*) FROM record_photos WHERE photo_id = $1 AND record_id = $2",
        )
        .bind(photo.as_str())
        .bind(record_id.to_string()),
    };
    Ok(query.fetch_one(&db.pool).await?.0 > 0)
}
