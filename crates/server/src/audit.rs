//! The append-only, hash-chained audit trail: supervisors' notes and reviews, every view of full
//! personal data and every export, and the operator's account changes. The chain's rules are in `doorstep_core::audit`.

use crate::clock::now_ms;
use crate::db::Db;
use doorstep_core::audit::{self, AuditEntry, ChainBreak, GENESIS_HASH};
use sqlx::{Any, Transaction};

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Note,
    Review,
    ViewPersonalData,
    Export,
    ExportPersonalData,
    TariffUpload,
    ResolveComplaint,
    CreateStation,
    CreateAccount,
    ResetPassword,
    RevokeDevices,
    ManifestImport,
    AssignParcels,
    AreaRules,
    RevealIdentity,
    IdRetention,
    PurgeIdentities,
    ProofRules,
    PurgePhotos,
}

/// The actor of `doorstep-server admin …`: the operator at the command line, who has no account.
pub const OPERATOR: i64 = 0;

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Note => "note",
            Action::Review => "review",
            Action::ViewPersonalData => "view_personal_data",
            Action::Export => "export",
            Action::ExportPersonalData => "export_personal_data",
            Action::TariffUpload => "tariff_upload",
            Action::ResolveComplaint => "resolve_complaint",
            Action::CreateStation => "create_station",
            Action::CreateAccount => "create_account",
            Action::ResetPassword => "reset_password",
            Action::RevokeDevices => "revoke_devices",
            Action::ManifestImport => "manifest_import",
            Action::AssignParcels => "assign_parcels",
            Action::AreaRules => "area_rules",
            Action::RevealIdentity => "reveal_identity",
            Action::IdRetention => "id_retention",
            Action::PurgeIdentities => "purge_identities",
            Action::ProofRules => "proof_rules",
            Action::PurgePhotos => "purge_photos",
        }
    }
}

/// Who did it, where, and to what.
pub struct Event<'a> {
    pub actor_id: i64,
    pub station_id: i64,
    pub action: Action,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// Appends inside the caller's transaction. Call it after the transaction's first write, so that
/// on SQLite the head read below already holds the write lock. On PostgreSQL several server
/// instances may append at once: a transaction-level advisory lock makes them take turns, so two
/// entries never claim the same place in the chain.
pub async fn append(
    tx: &mut Transaction<'static, Any>,
    event: &Event<'_>,
) -> Result<(), sqlx::Error> {
    crate::db::lock_for_transaction(tx, crate::db::LockKey::AuditChain).await?;
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    let (previous_seq, prev_hash) = head.unwrap_or((0, GENESIS_HASH.to_string()));
    let mut entry = AuditEntry {
        seq: previous_seq + 1,
        at: now_ms(),
        actor_id: event.actor_id,
        station_id: event.station_id,
        action: event.action.code().to_string(),
        subject: event.subject.to_string(),
        detail: event.detail.to_string(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, station_id, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(entry.station_id)
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(&entry.detail)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends in a transaction of its own, retrying when a concurrent append took the same place
/// in the chain (a unique `seq` on PostgreSQL, a busy snapshot on SQLite).
pub async fn append_alone(db: &Db, event: &Event<'_>) -> Result<(), sqlx::Error> {
    let mut attempt = 0;
    loop {
        let result = async {
            let mut tx = db.pool.begin().await?;
            append(&mut tx, event).await?;
            tx.commit().await
        }
        .await;
        match result {
            Err(_) if attempt < 4 => attempt += 1,
            other => return other,
        }
    }
}

/// An `audit_log` row: seq, at, actor, station, action, subject, detail, prev_hash, hash.
type AuditRow = (i64, i64, i64, i64, String, String, String, String, String);

/// Every entry in chain order.
pub async fn entries(db: &Db) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT seq, at, actor_id, station_id, action, subject, detail, prev_hash, hash \
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(seq, at, actor_id, station_id, action, subject, detail, prev_hash, hash)| {
                AuditEntry {
                    seq,
                    at,
                    actor_id,
                    station_id,
                    action,
                    subject,
                    detail,
                    prev_hash,
                    hash,
                }
            },
        )
        .collect())
}

/// Walks the whole chain; `Ok` carries how many entries are intact.
pub async fn verify(db: &Db) -> Result<Result<u64, ChainBreak>, sqlx::Error> {
    Ok(audit::verify(&entries(db).await?))
}
