//! The record store: decides each revision of a sync batch against what is stored, and writes
//! the stored ones (revision history, current rows with their review columns, compliance flags).

use crate::clock::now_ms;
use crate::db::{rows_per_statement, Db, Placeholders};
use crate::error::ApiError;
use crate::id_vault::IdVault;
use crate::live::hub::{Topic, Wake};
use crate::photos::names::{self, Named};
use crate::records::identities::{self, IdentityRow, SealedIdentity};
use crate::records::query::reversed;
use crate::session::Caller;
use crate::turns::Lane;
use doorstep_core::compliance::{self, ComplianceFlag, CompliancePolicy};
use doorstep_core::proof::ProofRules;
use doorstep_core::sync::{self, canonical, Ack, RecordAck, StoredRevision, SyncRequest};
use doorstep_core::{ConsentChannel, DeliveryRecord, Lang};
use indexmap::IndexMap;
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

/// Most records of a sync that waits in the small writes' lane: a courier's round at the door.
pub const SMALL_BATCH: usize = 10;

/// Applies a batch in one transaction and returns its acks once it has committed.
pub async fn store_batch(
    db: &Db,
    caller: &Caller,
    request: &SyncRequest,
    prepared: &[Prepared],
    lang: Lang,
) -> Result<Vec<RecordAck>, ApiError> {
    let received_at = now_ms();
    let lane = if request.records.len() > SMALL_BATCH {
        Lane::Batch
    } else {
        Lane::Small
    };
    let mut tx = db.begin_write_in(lane).await?;
    let sender = Sender {
        courier_id: caller.account_id,
        station_id: caller.station_id,
        received_at,
        lang,
    };
    let acks = apply(&mut tx, &sender, &request.records, prepared).await?;
    if let Some(report) = &request.device {
        crate::devices::store_report(
            &mut tx,
            caller.account_id,
            caller.station_id,
            report,
            received_at,
        )
        .await?;
    }
    // The station's dashboard and device list change with every batch.
    tx.wake(Wake::Topic(Topic::Station(caller.station_id)));
    tx.commit().await?;
    Ok(request
        .records
        .iter()
        .zip(acks)
        .map(|(record, ack)| RecordAck {
            id: record.id,
            revision: record.revision,
            ack,
            received_at,
        })
        .collect())
}

/// The startup backfills' queries, each answered from its partial index (migration 0015); public
/// so a test can check their plans.
pub const UNREVIEWED_ROWS: &str =
    "SELECT id, payload, received_at FROM records WHERE waybill_reversed = ''";
pub const ROWS_WITHOUT_OUTCOME_AT: &str =
    "SELECT id, payload FROM records WHERE outcome IS NOT NULL AND outcome_at IS NULL";

/// Fills the review columns of records stored before they existed (migration 0004), which SQL
/// alone cannot derive: they come from the record's JSON and the compliance rules. Run at startup;
/// a partial index (migration 0015) finds the rows, so a start does not read the whole table.
pub async fn backfill_review_columns(db: &Db) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as(UNREVIEWED_ROWS).fetch_all(&db.pool).await?;
    let reviews: Vec<(String, ReviewColumns)> = rows
        .into_iter()
        .filter_map(|(id, payload, received_at)| {
            let record = serde_json::from_str::<DeliveryRecord>(&payload).ok()?;
            Some((id, ReviewColumns::of(&record, received_at)))
        })
        .collect();
    if reviews.is_empty() {
        return Ok(());
    }
    let mut tx = db.pool.begin().await?;
    for (id, review) in &reviews {
        sqlx::query(
            "UPDATE records SET consent_channel = $1, waybill_reversed = $2, flags = $3 WHERE id = $4",
        )
        .bind(review.consent_code())
        .bind(&review.waybill_reversed)
        .bind(review.flag_codes())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let current: Vec<(&str, &ReviewColumns)> = reviews
        .iter()
        .map(|(id, review)| (id.as_str(), review))
        .collect();
    replace_flags(&mut tx, &current).await?;
    tx.commit().await
}

/// The `outcome_at` column: the device clock of the outcome, or of the revision that set it when
/// the record names no time (so "late" is never left unknown for a handed-over parcel).
fn outcome_at(record: &DeliveryRecord) -> Option<i64> {
    record
        .outcome
        .as_ref()
        .map(|_| record.outcome_at.unwrap_or(record.revised_at))
}

/// Fills `outcome_at` of records stored before the column existed (migration 0011). Run at
/// startup, after [`backfill_review_columns`], through a partial index like it.
pub async fn backfill_outcome_at(db: &Db) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(ROWS_WITHOUT_OUTCOME_AT)
        .fetch_all(&db.pool)
        .await?;
    let times: Vec<(String, i64)> = rows
        .into_iter()
        .filter_map(|(id, payload)| {
            let record = serde_json::from_str::<DeliveryRecord>(&payload).ok()?;
            Some((id, outcome_at(&record)?))
        })
        .collect();
    if times.is_empty() {
        return Ok(());
    }
    let mut tx = db.pool.begin().await?;
    for (id, at) in &times {
        sqlx::query("UPDATE records SET outcome_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// The current row's filter columns and compliance flags, derived from its revision and when it
/// arrived.
struct ReviewColumns {
    consent_channel: Option<ConsentChannel>,
    waybill_reversed: String,
    flags: Vec<ComplianceFlag>,
}

impl ReviewColumns {
    fn of(record: &DeliveryRecord, received_at: i64) -> ReviewColumns {
        ReviewColumns {
            consent_channel: record.consent.as_ref().map(|c| c.channel),
            waybill_reversed: reversed(record.waybill.as_str()),
            flags: compliance::flags(record, received_at, &CompliancePolicy::default()),
        }
    }

    /// The `consent_channel` column.
    fn consent_code(&self) -> Option<&'static str> {
        self.consent_channel.map(ConsentChannel::code)
    }

    /// The `flags` column: the codes, comma-separated.
    fn flag_codes(&self) -> String {
        self.flags
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Replaces the `record_flags` rows of these records' current rows.
async fn replace_flags(
    tx: &mut Transaction<'static, Any>,
    current: &[(&str, &ReviewColumns)],
) -> Result<(), sqlx::Error> {
    let ids: Vec<&str> = current.iter().map(|(id, _)| *id).collect();
    delete_flags(tx, &ids).await?;
    insert_flags(tx, current).await
}

/// Deletes the `record_flags` rows of these records: one statement per chunk.
async fn delete_flags(tx: &mut Transaction<'static, Any>, ids: &[&str]) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(rows_per_statement(1)) {
        let sql = format!(
            "DELETE FROM record_flags WHERE record_id IN ({})",
            Placeholders::of(tx).list(1, chunk.len())
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts the `record_flags` rows of these records' current rows, which have none yet: one
/// multi-row INSERT per chunk. Station and receive time come from the current row.
async fn insert_flags(
    tx: &mut Transaction<'static, Any>,
    current: &[(&str, &ReviewColumns)],
) -> Result<(), sqlx::Error> {
    let flags: Vec<(&str, &str)> = current
        .iter()
        .flat_map(|(id, review)| review.flags.iter().map(move |flag| (*id, flag.code())))
        .collect();
    for chunk in flags.chunks(rows_per_statement(2)) {
        // VALUES columns are named column1, column2 on both SQLite and PostgreSQL.
        let sql = format!(
            "INSERT INTO record_flags (record_id, flag, station_id, received_at) \
             SELECT r.id, f.column2, r.station_id, r.received_at \
             FROM (VALUES {}) AS f JOIN records r ON r.id = f.column1",
            Placeholders::of(tx).rows(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for (id, flag) in chunk {
            query = query.bind(*id).bind(*flag);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Who sent a batch, and when it arrived.
struct Sender {
    courier_id: i64,
    station_id: i64,
    received_at: i64,
    lang: Lang,
}

/// Each record's canonical JSON (its sender's identity masked) and fingerprint, with the identity
/// sealed, or its rejection for the rules it breaks.
pub type Prepared = Result<(String, String, Option<SealedIdentity>), Ack>;

/// Checks each record on its own, seals its sender's identity and serializes it, before any
/// transaction: work that needs no database is kept out of the write transaction (on SQLite, out
/// of every writer's turn). The number is never stored unsealed.
pub fn prepare(
    records: &[DeliveryRecord],
    proof: &ProofRules,
    vault: &IdVault,
    lang: Lang,
) -> Result<Vec<Prepared>, ApiError> {
    records
        .iter()
        .map(|record| {
            let mut violations = record.violations();
            violations.extend(record.proof_violation(proof));
            if !violations.is_empty() {
                return Ok(Err(rejection(violations, lang)));
            }
            let Some((stored, sealed)) = identities::seal(record, &vault.current) else {
                return canonical(record).map(|(payload, fp)| Ok((payload, fp, None)));
            };
            let (payload, _) = canonical(&stored)?;
            let fingerprint = identities::fingerprint(&payload, &sealed.lookup_hash);
            Ok(Ok((payload, fingerprint, Some(sealed))))
        })
        .collect::<Result<_, serde_json::Error>>()
        .map_err(|e| ApiError::Internal(Box::new(e)))
}

/// Decides every record of a batch, in order, as if each were applied alone after the ones
/// before it, then writes the stored ones together: a constant handful of statements per batch.
async fn apply(
    tx: &mut Transaction<'static, Any>,
    sender: &Sender,
    records: &[DeliveryRecord],
    prepared: &[Prepared],
) -> Result<Vec<Ack>, ApiError> {
    let valid: Vec<&DeliveryRecord> = records
        .iter()
        .zip(prepared)
        .filter(|(_, prepared)| prepared.is_ok())
        .map(|(record, _)| record)
        .collect();
    let mut held = Holdings::load(tx, &valid).await?;
    let in_database: HashSet<String> = held.current.keys().cloned().collect();
    let mut links = crate::links::LinkState::load(tx, &valid).await?;

    let mut acks = Vec::with_capacity(records.len());
    let mut stored = Vec::new();
    let mut identity_rows = Vec::new();
    for (record, prepared) in records.iter().zip(prepared) {
        let (payload, fingerprint, identity) = match prepared {
            Ok(canonical) => canonical,
            Err(rejected) => {
                acks.push(rejected.clone());
                continue;
            }
        };
        let id = record.id.to_string();
        let same_revision = held.fingerprints.get(&(id.clone(), record.revision));
        let known = held
            .current
            .get(&id)
            .map(|&(owner, latest)| StoredRevision {
                latest,
                same_revision_fingerprint: same_revision.map(String::as_str),
                owned_by_sender: owner == sender.courier_id,
            });
        let mut ack = sync::decide(known, record.revision, fingerprint, sender.lang);
        if ack == Ack::Stored {
            if let Some(violation) = links.check(record) {
                ack = rejection(vec![violation], sender.lang);
            } else {
                links.note_stored(record);
                held.current
                    .insert(id.clone(), (sender.courier_id, record.revision));
                let new_to_server = !in_database.contains(&id);
                if let Some(identity) = identity {
                    identity_rows.push(IdentityRow {
                        record_id: id.clone(),
                        revision: record.revision,
                        station_id: sender.station_id,
                        captured_at: record.captured_at,
                        identity,
                    });
                }
                held.fingerprints
                    .insert((id, record.revision), fingerprint.clone());
                stored.push(StoredRecord {
                    courier_id: sender.courier_id,
                    station_id: sender.station_id,
                    record,
                    payload,
                    fingerprint,
                    received_at: sender.received_at,
                    new_to_server,
                });
            }
        }
        acks.push(ack);
    }
    insert_revisions(tx, &stored).await?;
    identities::insert(tx, &identity_rows).await?;
    let with_links: Vec<&DeliveryRecord> = stored.iter().map(|s| s.record).collect();
    crate::links::store_requests(
        tx,
        sender.courier_id,
        sender.station_id,
        &with_links,
        sender.received_at,
    )
    .await?;
    Ok(acks)
}

/// What the database holds for a batch's record ids, read in two statements and kept up to date
/// while the batch is decided, so a later record of the batch sees the earlier ones.
#[derive(Default)]
struct Holdings {
    /// Owner and latest revision of each stored record id.
    current: HashMap<String, (i64, u32)>,
    /// The fingerprint of each stored (record id, revision).
    fingerprints: HashMap<(String, u32), String>,
}

impl Holdings {
    async fn load(
        tx: &mut Transaction<'static, Any>,
        records: &[&DeliveryRecord],
    ) -> Result<Holdings, sqlx::Error> {
        let mut held = Holdings::default();
        let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
        for chunk in ids.chunks(rows_per_statement(1)) {
            let sql = format!(
                "SELECT id, courier_id, revision FROM records WHERE id IN ({})",
                Placeholders::of(tx).list(1, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (String, i64, i64)>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            for (id, owner, latest) in query.fetch_all(&mut **tx).await? {
                held.current.insert(id, (owner, revision_of(latest)));
            }
        }
        // Revisions are stored with their record, so only ids already stored can have one: a
        // batch of new records skips this lookup.
        let pairs: Vec<(&String, i64)> = ids
            .iter()
            .zip(records)
            .filter(|(id, _)| held.current.contains_key(*id))
            .map(|(id, record)| (id, i64::from(record.revision)))
            .collect();
        for chunk in pairs.chunks(rows_per_statement(2)) {
            let sql = format!(
                "SELECT record_id, revision, fingerprint FROM record_revisions \
                 WHERE (record_id, revision) IN (VALUES {})",
                Placeholders::of(tx).rows(chunk.len(), 2)
            );
            let mut query = sqlx::query_as::<_, (String, i64, String)>(&sql);
            for (id, revision) in chunk {
                query = query.bind(*id).bind(*revision);
            }
            for (id, revision, fingerprint) in query.fetch_all(&mut **tx).await? {
                held.fingerprints
                    .insert((id, revision_of(revision)), fingerprint);
            }
        }
        Ok(held)
    }
}

fn revision_of(stored: i64) -> u32 {
    u32::try_from(stored).unwrap_or(u32::MAX)
}

/// A record refused for the rules it breaks, with their messages in the device's language.
fn rejection(violations: Vec<doorstep_core::Violation>, lang: Lang) -> Ack {
    let separator = if lang == Lang::Zh { "；" } else { "; " };
    let message = violations
        .iter()
        .map(|v| v.message(lang))
        .collect::<Vec<_>>()
        .join(separator);
    Ack::Rejected {
        violations,
        message,
    }
}

/// One revision as it is written: the record, its canonical JSON and fingerprint, and who sent it
/// when.
pub struct StoredRecord<'a> {
    pub courier_id: i64,
    pub station_id: i64,
    pub record: &'a DeliveryRecord,
    pub payload: &'a str,
    pub fingerprint: &'a str,
    pub received_at: i64,
    /// The database held no current row for this id when the batch was read: it is inserted
    /// plainly, with no flags to delete first. Should another server instance store the id in
    /// the meantime, the INSERT fails as a conflict and the batch is applied again.
    pub new_to_server: bool,
}

/// Columns of one `record_revisions` row.
const REVISION_COLUMNS: usize = 7;
/// Columns of one `records` row, review columns included.
const CURRENT_ROW_COLUMNS: usize = 18;
/// Replaces a stored current row with a newer revision, and only with a newer one.
const UPSERT_CURRENT_ROW: &str = "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, \
     waybill = excluded.waybill, carrier = excluded.carrier, method = excluded.method, \
     outcome = excluded.outcome, captured_at = excluded.captured_at, \
     revised_at = excluded.revised_at, received_at = excluded.received_at, \
     payload = excluded.payload, consent_channel = excluded.consent_channel, \
     waybill_reversed = excluded.waybill_reversed, flags = excluded.flags, \
     outcome_at = excluded.outcome_at, identity_checked = excluded.identity_checked, \
     inspected = excluded.inspected \
     WHERE excluded.revision > records.revision";

/// Writes new revisions, already decided: every one into the revision history, and each id's
/// newest as its current row, with its filter columns and compliance flags, when it is newer than
/// the stored one. A few multi-row statements however many revisions.
/// Also the "raw insert" the ingest benchmark compares the HTTP path against.
pub async fn insert_revisions(
    tx: &mut Transaction<'static, Any>,
    revisions: &[StoredRecord<'_>],
) -> Result<(), sqlx::Error> {
    let ids: Vec<String> = revisions.iter().map(|s| s.record.id.to_string()).collect();
    for chunk in revisions
        .iter()
        .zip(&ids)
        .collect::<Vec<_>>()
        .chunks(rows_per_statement(REVISION_COLUMNS))
    {
        let sql = format!(
            "INSERT INTO record_revisions (record_id, revision, courier_id, fingerprint, payload, revised_at, received_at) \
             VALUES {}",
            Placeholders::of(tx).rows(chunk.len(), REVISION_COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for (stored, id) in chunk {
            query = query
                .bind(id.as_str())
                .bind(i64::from(stored.record.revision))
                .bind(stored.courier_id)
                .bind(stored.fingerprint)
                .bind(stored.payload)
                .bind(stored.record.revised_at)
                .bind(stored.received_at);
        }
        query.execute(&mut **tx).await?;
    }

    // PostgreSQL refuses an upsert that touches one row twice, so only each id's newest goes in,
    // in the order the batch first named the ids.
    let mut newest: IndexMap<&str, &StoredRecord> = IndexMap::with_capacity(revisions.len());
    for (stored, id) in revisions.iter().zip(&ids) {
        let slot = newest.entry(id.as_str()).or_insert(stored);
        if slot.record.revision < stored.record.revision {
            *slot = stored;
        }
    }
    let current: Vec<(&str, &StoredRecord, ReviewColumns)> = newest
        .into_iter()
        .map(|(id, stored)| {
            let review = ReviewColumns::of(stored.record, stored.received_at);
            (id, stored, review)
        })
        .collect();
    // New ids take a plain INSERT, the others the upsert; only the latter can have flags already.
    let (new_rows, stored_rows): (Vec<_>, Vec<_>) = current
        .iter()
        .partition(|(_, stored, _)| stored.new_to_server);
    let mut replaced: HashSet<String> = HashSet::with_capacity(current.len());
    for (rows, on_conflict) in [(&new_rows, ""), (&stored_rows, UPSERT_CURRENT_ROW)] {
        for chunk in rows.chunks(rows_per_statement(CURRENT_ROW_COLUMNS)) {
            let sql = format!(
                "INSERT INTO records (id, station_id, courier_id, revision, waybill, carrier, method, outcome, \
                 captured_at, revised_at, received_at, payload, consent_channel, waybill_reversed, flags, outcome_at, \
                 identity_checked, inspected) \
                 VALUES {} {on_conflict} RETURNING id",
                Placeholders::of(tx).rows(chunk.len(), CURRENT_ROW_COLUMNS)
            );
            let mut query = sqlx::query_as::<_, (String,)>(&sql);
            for (id, stored, review) in chunk {
                let record = stored.record;
                query = query
                    .bind(*id)
                    .bind(stored.station_id)
                    .bind(stored.courier_id)
                    .bind(i64::from(record.revision))
                    .bind(record.waybill.as_str())
                    .bind(record.carrier.code())
                    .bind(record.method.code())
                    .bind(record.outcome.as_ref().map(|o| o.code()))
                    .bind(record.captured_at)
                    .bind(record.revised_at)
                    .bind(stored.received_at)
                    .bind(stored.payload)
                    .bind(review.consent_code())
                    .bind(review.waybill_reversed.as_str())
                    .bind(review.flag_codes())
                    .bind(outcome_at(record))
                    .bind(i64::from(record.sender_identity.is_some()))
                    .bind(i64::from(record.inspection.is_some()));
            }
            replaced.extend(
                query
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(|(id,)| id),
            );
        }
    }
    // Flags follow the current row: where another instance already stored a newer revision, the
    // upsert changed nothing and that row's flags stay its own.
    let replaced_stored: Vec<&str> = stored_rows
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| replaced.contains(*id))
        .collect();
    delete_flags(tx, &replaced_stored).await?;
    let reviews: Vec<(&str, &ReviewColumns)> = current
        .iter()
        .filter(|(id, _, _)| replaced.contains(*id))
        .map(|(id, _, review)| (*id, review))
        .collect();
    insert_flags(tx, &reviews).await?;
    write_photo_names(tx, revisions, &ids, &current, &replaced_stored, &replaced).await
}

/// The photos each stored revision names; those of the revisions now current are current.
async fn write_photo_names(
    tx: &mut Transaction<'static, Any>,
    revisions: &[StoredRecord<'_>],
    ids: &[String],
    current: &[(&str, &StoredRecord<'_>, ReviewColumns)],
    replaced_stored: &[&str],
    replaced: &HashSet<String>,
) -> Result<(), sqlx::Error> {
    let newest: HashMap<&str, u32> = current
        .iter()
        .filter(|(id, _, _)| replaced.contains(*id))
        .map(|(id, stored, _)| (*id, stored.record.revision))
        .collect();
    let named: Vec<Named> = revisions
        .iter()
        .zip(ids)
        .flat_map(|(stored, id)| {
            let current = newest.get(id.as_str()) == Some(&stored.record.revision);
            stored.record.photos.iter().map(move |photo| Named {
                record_id: id.as_str(),
                photo,
                station_id: stored.station_id,
                courier_id: stored.courier_id,
                current,
            })
        })
        .collect();
    names::write(tx, replaced_stored, &named).await
}
