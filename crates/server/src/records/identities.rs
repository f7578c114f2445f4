//! Senders' identities at rest: sealed apart from the record's payload (which carries them
//! masked), revealed one at a time, re-sealed when the key rotates, and deleted after the
//! station's retention period.

use crate::audit::{self, Action, Event};
use crate::db::Db;
use crate::id_vault::{IdKey, IdVault, Secret};
use doorstep_core::day::DAY_MS;
use doorstep_core::DeliveryRecord;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

/// A revision's identity as the `sender_identities` row keeps it.
#[derive(Debug, Clone)]
pub struct SealedIdentity {
    pub sealed: String,
    pub key_id: String,
    pub lookup_hash: String,
}

/// The record as it is stored (its identity masked) and its identity sealed under `key`; `None`
/// for a record without an identity.
pub fn seal(record: &DeliveryRecord, key: &IdKey) -> Option<(DeliveryRecord, SealedIdentity)> {
    let identity = record.sender_identity.as_ref()?;
    let secret = Secret {
        number: identity.number.clone(),
        name: identity.name.clone(),
    };
    let sealed = SealedIdentity {
        sealed: key.seal(&record.id.to_string(), &secret),
        key_id: key.id.clone(),
        lookup_hash: key.lookup_hash(&identity.number),
    };
    let stored = DeliveryRecord {
        sender_identity: Some(identity.masked()),
        ..record.clone()
    };
    Some((stored, sealed))
}

/// The fingerprint of a revision with an identity: its masked payload and the number's lookup
/// hash, so a replay with the same number is a replay and one with another number a conflict,
/// while the stored fingerprint reveals no more than the hash.
pub fn fingerprint(payload: &str, lookup_hash: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(payload.as_bytes());
    digest.update(b"\n");
    digest.update(lookup_hash.as_bytes());
    hex::encode(digest.finalize())
}

/// One stored revision's sealed identity.
pub struct IdentityRow<'a> {
    pub record_id: String,
    pub revision: u32,
    pub station_id: i64,
    pub captured_at: i64,
    pub identity: &'a SealedIdentity,
}

/// Writes the sealed identities of stored revisions.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    rows: &[IdentityRow<'_>],
) -> Result<(), sqlx::Error> {
    for row in rows {
        sqlx::query(
            "INSERT INTO sender_identities (record_id, revision, station_id, sealed, key_id, lookup_hash, captured_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&row.record_id)
        .bind(i64::from(row.revision))
        .bind(row.station_id)
        .bind(&row.identity.sealed)
        .bind(&row.identity.key_id)
        .bind(&row.identity.lookup_hash)
        .bind(row.captured_at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Why an identity cannot be revealed.
#[derive(Debug)]
pub enum RevealError {
    /// The record has no identity kept (none taken, or deleted after retention).
    NotKept,
    /// No configured key opens it.
    NoKey,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for RevealError {
    fn from(e: sqlx::Error) -> Self {
        RevealError::Database(e)
    }
}

/// The unmasked identity of a station's record's current revision.
pub async fn reveal(
    db: &Db,
    vault: &IdVault,
    station_id: i64,
    record_id: &str,
) -> Result<Secret, RevealError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT s.sealed, s.key_id FROM sender_identities s \
         JOIN records r ON r.id = s.record_id AND r.revision = s.revision \
         WHERE r.id = $1 AND r.station_id = $2",
    )
    .bind(record_id)
    .bind(station_id)
    .fetch_optional(&db.pool)
    .await?;
    let (sealed, key_id) = row.ok_or(RevealError::NotKept)?;
    vault
        .key(&key_id)
        .and_then(|key| key.open(record_id, &sealed))
        .ok_or(RevealError::NoKey)
}

/// Deletes real-name data older than each station's retention period (by capture time): the
/// sealed rows, and the masked number and name in the payloads of those revisions, so what is
/// left says only that a check of that document type was made; each station's purge is audited.
/// Returns the rows deleted.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let stations: Vec<(i64, i64)> = sqlx::query_as("SELECT id, id_retention_days FROM stations")
        .fetch_all(&db.pool)
        .await?;
    let mut deleted = 0;
    for (station_id, days) in stations {
        let cutoff = now - days * DAY_MS;
        let expired: Vec<(String, i64)> = sqlx::query_as(
            "SELECT record_id, revision FROM sender_identities WHERE station_id = $1 AND captured_at < $2",
        )
        .bind(station_id)
        .bind(cutoff)
        .fetch_all(&db.pool)
        .await?;
        if expired.is_empty() {
            continue;
        }
        let mut tx = db.begin_write().await?;
        for (record_id, revision) in &expired {
            scrub_payload(
                &mut tx,
                "SELECT payload FROM record_revisions WHERE record_id = $1 AND revision = $2",
                "UPDATE record_revisions SET payload = $1 WHERE record_id = $2 AND revision = $3",
                record_id,
                *revision,
            )
            .await?;
            scrub_payload(
                &mut tx,
                "SELECT payload FROM records WHERE id = $1 AND revision = $2",
                "UPDATE records SET payload = $1 WHERE id = $2 AND revision = $3",
                record_id,
                *revision,
            )
            .await?;
        }
        let removed =
            sqlx::query("DELETE FROM sender_identities WHERE station_id = $1 AND captured_at < $2")
                .bind(station_id)
                .bind(cutoff)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        let detail = format!("{removed} identities captured before {cutoff} ({days} days kept)");
        let event = Event {
            actor_id: audit::OPERATOR,
            station_id,
            action: Action::PurgeIdentities,
            subject: "sender_identities",
            detail: &detail,
        };
        audit::append(&mut tx, &event).await?;
        tx.commit().await?;
        deleted += removed;
    }
    Ok(deleted)
}

/// Blanks the identity's number and name in one stored payload.
async fn scrub_payload(
    tx: &mut Transaction<'static, Any>,
    select: &str,
    update: &str,
    record_id: &str,
    revision: i64,
) -> Result<(), sqlx::Error> {
    let payload: Option<(String,)> = sqlx::query_as(select)
        .bind(record_id)
        .bind(revision)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(mut value) =
        payload.and_then(|(p,)| serde_json::from_str::<serde_json::Value>(&p).ok())
    else {
        return Ok(());
    };
    let Some(identity) = value
        .get_mut("sender_identity")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return Ok(());
    };
    identity.insert("number".into(), "".into());
    identity.insert("name".into(), "".into());
    sqlx::query(update)
        .bind(value.to_string())
        .bind(record_id)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Re-seals every identity sealed under the old key with the current one, with its new lookup
/// hash and its revision's fingerprint to match, so replays still read as replays. Run at
/// startup while `DOORSTEP_ID_KEY_OLD` is set; returns the rows re-sealed.
pub async fn rotate(db: &Db, vault: &IdVault) -> Result<u64, Box<dyn std::error::Error>> {
    let Some(old) = &vault.old else {
        return Ok(0);
    };
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT s.record_id, s.revision, s.sealed, v.payload FROM sender_identities s \
         JOIN record_revisions v ON v.record_id = s.record_id AND v.revision = s.revision \
         WHERE s.key_id = $1",
    )
    .bind(&old.id)
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    for (record_id, revision, sealed, payload) in &rows {
        let secret = old
            .open(record_id, sealed)
            .ok_or("a sender identity does not open with DOORSTEP_ID_KEY_OLD")?;
        let key = &vault.current;
        let hash = key.lookup_hash(&secret.number);
        sqlx::query(
            "UPDATE sender_identities SET sealed = $1, key_id = $2, lookup_hash = $3 \
             WHERE record_id = $4 AND revision = $5",
        )
        .bind(key.seal(record_id, &secret))
        .bind(&key.id)
        .bind(&hash)
        .bind(record_id)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE record_revisions SET fingerprint = $1 WHERE record_id = $2 AND revision = $3",
        )
        .bind(fingerprint(payload, &hash))
        .bind(record_id)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
    }
    tx.commit().await?;
    Ok(rows.len() as u64)
}
