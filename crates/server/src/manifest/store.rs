//! Importing a day's manifest: the preview says what a file would do, row by row, against what
//! is stored; the confirmation decides again inside one transaction under the station's lock,
//! refuses when the decisions changed since the preview, and writes parcels, the import, the
//! audit entry and the couriers' change feed together.

use crate::audit::{self, Action, Event};
use crate::changes::notify_many;
use crate::clock::now_ms;
use crate::db::{lock_for_transaction, rows_per_statement, Db, LockKey, Placeholders};
use crate::error::{ApiError, Text};
use crate::manifest::lookup;
use doorstep_core::day::Day;
use doorstep_core::manifest::{
    assignee, CourierParcels, Manifest, ManifestPreview, ManifestRow, RouteParcel, RowProblem,
    MAX_LISTED_PROBLEMS,
};
use doorstep_core::sync::Change;
use doorstep_core::Lang;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap};

/// Who imports which file for which day.
pub struct Import<'a> {
    pub station_id: i64,
    pub actor_id: i64,
    pub day: Day,
    /// SHA-256 (hex) of the uploaded bytes.
    pub file_sha256: &'a str,
    pub lang: Lang,
}

/// What a good row does to the stored parcel of its waybill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Added,
    /// Changed, from this courier (the same one or not).
    Changed {
        previous: i64,
    },
    Unchanged,
    /// Would change, but the parcel already has an outcome: left as it is.
    Kept,
}

impl Decision {
    fn code(self) -> &'static str {
        match self {
            Decision::Added => "added",
            Decision::Changed { .. } => "changed",
            Decision::Unchanged => "unchanged",
            Decision::Kept => "kept",
        }
    }
}

/// One good row, decided.
struct Planned<'m> {
    row: &'m ManifestRow,
    courier_id: i64,
    payload: String,
    fingerprint: String,
    decision: Decision,
}

/// The preview and the rows to write.
struct Plan<'m> {
    preview: ManifestPreview,
    rows: Vec<Planned<'m>>,
}

/// What the file would do; nothing is written.
pub async fn preview(
    db: &Db,
    import: &Import<'_>,
    manifest: &Manifest,
) -> Result<ManifestPreview, ApiError> {
    let mut conn = db.pool.acquire().await?;
    Ok(plan(&mut conn, import, manifest).await?.preview)
}

/// Stores the file's changes if they are still those of the preview named by `fingerprint`.
pub async fn confirm(
    db: &Db,
    import: &Import<'_>,
    manifest: &Manifest,
    fingerprint: &str,
) -> Result<ManifestPreview, ApiError> {
    let mut tx = db.begin_write().await?;
    lock_for_transaction(&mut tx, LockKey::StationParcels(import.station_id)).await?;
    let Plan { mut preview, rows } = plan(&mut tx, import, manifest).await?;
    if preview.fingerprint != fingerprint {
        return Err(ApiError::Conflict(Text::new(
            "预览之后当天的快件已有变化，请重新预览",
            "the day's parcels changed since the preview; preview again",
        )));
    }
    if rows.is_empty() {
        return Err(ApiError::Unprocessable {
            code: "no_good_rows",
            message: Text::new(
                "文件中没有可导入的行，请按问题列表修改后重新上传",
                "No row of the file can be imported; fix the rows listed and upload again",
            ),
            details: Vec::new(),
        });
    }
    let import_id = insert_import(&mut tx, import, &preview).await?;
    let writes: Vec<&Planned> = rows
        .iter()
        .filter(|p| matches!(p.decision, Decision::Added | Decision::Changed { .. }))
        .collect();
    upsert_parcels(&mut tx, import, import_id, &writes).await?;
    let mut changes = Vec::with_capacity(writes.len());
    for planned in &writes {
        if let Decision::Changed { previous } = planned.decision {
            if previous != planned.courier_id {
                changes.push((
                    previous,
                    Change::ParcelWithdrawn {
                        waybill: planned.row.parcel.waybill.clone(),
                    },
                ));
            }
        }
        changes.push((
            planned.courier_id,
            Change::ParcelAssigned {
                parcel: RouteParcel {
                    day: import.day,
                    seq: planned.row.line,
                    parcel: planned.row.parcel.clone(),
                },
            },
        ));
    }
    notify_many(&mut tx, &changes).await?;
    let detail = format!(
        "added={} changed={} unchanged={} kept={} problems={}",
        preview.added, preview.changed, preview.unchanged, preview.kept, preview.problem_count
    );
    audit::append(
        &mut tx,
        &Event {
            actor_id: import.actor_id,
            station_id: import.station_id,
            action: Action::ManifestImport,
            subject: &import.day.to_string(),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    preview.stored = true;
    Ok(preview)
}

/// Decides every good row against the stored parcels and counts the result.
async fn plan<'m>(
    conn: &mut AnyConnection,
    import: &Import<'_>,
    manifest: &'m Manifest,
) -> Result<Plan<'m>, ApiError> {
    let couriers = lookup::couriers(conn, import.station_id).await?;
    let rules = lookup::area_rules(conn, import.station_id).await?;
    let mut problems: Vec<RowProblem> = manifest.problems.clone();
    let mut rows = Vec::with_capacity(manifest.rows.len());
    for row in &manifest.rows {
        let courier = assignee(
            row,
            |username| couriers.get(username).copied(),
            |key| rules.get(key).copied(),
        );
        match courier {
            Ok(courier_id) => {
                let payload = serde_json::to_string(&row.parcel)
                    .map_err(|e| ApiError::Internal(Box::new(e)))?;
                let fingerprint = lookup::fingerprint(&payload, courier_id, import.day);
                rows.push(Planned {
                    row,
                    courier_id,
                    payload,
                    fingerprint,
                    decision: Decision::Added,
                });
            }
            Err((column, problem)) => problems.push(RowProblem::new(
                row.line,
                Some(column),
                problem,
                import.lang,
            )),
        }
    }
    problems.sort_by_key(|p| p.line);

    let waybills: Vec<&str> = rows.iter().map(|p| p.row.parcel.waybill.as_str()).collect();
    let stored = stored_parcels(conn, import.station_id, &waybills).await?;
    let differing: Vec<&str> = rows
        .iter()
        .filter_map(|p| {
            let waybill = p.row.parcel.waybill.as_str();
            let (_, fingerprint) = stored.get(waybill)?;
            (*fingerprint != p.fingerprint).then_some(waybill)
        })
        .collect();
    let finished = lookup::with_outcome(conn, import.station_id, &differing).await?;
    for planned in &mut rows {
        let waybill = planned.row.parcel.waybill.as_str();
        planned.decision = match stored.get(waybill) {
            None => Decision::Added,
            Some((_, fingerprint)) if *fingerprint == planned.fingerprint => Decision::Unchanged,
            Some(_) if finished.contains(waybill) => Decision::Kept,
            Some((previous, _)) => Decision::Changed {
                previous: *previous,
            },
        };
    }

    let per_courier = per_courier(conn, import, &rows).await?;
    let count =
        |wanted: fn(Decision) -> bool| rows.iter().filter(|p| wanted(p.decision)).count() as u32;
    let preview = ManifestPreview {
        day: import.day,
        rows: (manifest.rows.len() + manifest.problems.len()) as u32,
        added: count(|d| d == Decision::Added),
        changed: count(|d| matches!(d, Decision::Changed { .. })),
        unchanged: count(|d| d == Decision::Unchanged),
        kept: count(|d| d == Decision::Kept),
        per_courier,
        problem_count: problems.len() as u32,
        fingerprint: decisions_fingerprint(import, &rows, &problems),
        problems: problems.into_iter().take(MAX_LISTED_PROBLEMS).collect(),
        stored: false,
    };
    Ok(Plan { preview, rows })
}

/// Names a preview: the file, the day and every row's decision, so a confirmation of a preview
/// whose decisions no longer hold (another import, a move, an outcome in between) is refused.
fn decisions_fingerprint(import: &Import<'_>, rows: &[Planned], problems: &[RowProblem]) -> String {
    let mut digest = Sha256::new();
    digest.update(format!("{}\n{}\n", import.file_sha256, import.day.0).as_bytes());
    for planned in rows {
        digest.update(
            format!(
                "{}\t{}\t{}\t{}\n",
                planned.row.line,
                planned.row.parcel.waybill.as_str(),
                planned.decision.code(),
                planned.courier_id
            )
            .as_bytes(),
        );
    }
    for problem in problems {
        digest.update(format!("{}\t{:?}\n", problem.line, problem.problem).as_bytes());
    }
    hex::encode(digest.finalize())
}

/// The stored parcels of these waybills at the station, whatever their day: courier and
/// fingerprint.
async fn stored_parcels(
    conn: &mut AnyConnection,
    station_id: i64,
    waybills: &[&str],
) -> Result<HashMap<String, (i64, String)>, sqlx::Error> {
    let mut stored = HashMap::with_capacity(waybills.len());
    for chunk in waybills.chunks(rows_per_statement(1) - 1) {
        // Marks in order of appearance: SQLite binds plain `?` by position.
        let marks = Placeholders::of(conn);
        let sql = format!(
            "SELECT waybill, courier_id, fingerprint FROM parcels \
             WHERE station_id = {} AND waybill IN ({})",
            marks.list(1, 1),
            marks.list(2, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64, String)>(&sql).bind(station_id);
        for waybill in chunk {
            query = query.bind(*waybill);
        }
        for (waybill, courier_id, fingerprint) in query.fetch_all(&mut *conn).await? {
            stored.insert(waybill, (courier_id, fingerprint));
        }
    }
    Ok(stored)
}

/// Parcels of the day per courier once the file's added and changed rows are in.
async fn per_courier(
    conn: &mut AnyConnection,
    import: &Import<'_>,
    rows: &[Planned<'_>],
) -> Result<Vec<CourierParcels>, sqlx::Error> {
    let day: Vec<(String, i64)> = sqlx::query_as(
        "SELECT waybill, courier_id FROM parcels WHERE station_id = $1 AND day = $2",
    )
    .bind(import.station_id)
    .bind(import.day.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut owner: HashMap<&str, i64> = day.iter().map(|(w, c)| (w.as_str(), *c)).collect();
    for planned in rows {
        if matches!(planned.decision, Decision::Added | Decision::Changed { .. }) {
            owner.insert(planned.row.parcel.waybill.as_str(), planned.courier_id);
        }
    }
    let names = lookup::usernames(conn, import.station_id).await?;
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for courier_id in owner.values() {
        let name = names
            .get(courier_id)
            .cloned()
            .unwrap_or_else(|| courier_id.to_string());
        *counts.entry(name).or_default() += 1;
    }
    Ok(counts
        .into_iter()
        .map(|(courier, parcels)| CourierParcels { courier, parcels })
        .collect())
}

async fn insert_import(
    conn: &mut AnyConnection,
    import: &Import<'_>,
    preview: &ManifestPreview,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO manifest_imports (station_id, imported_by, imported_at, day, file_sha256, \
         rows_read, added, changed, unchanged, kept, problems) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(import.station_id)
    .bind(import.actor_id)
    .bind(now_ms())
    .bind(import.day.0)
    .bind(import.file_sha256)
    .bind(i64::from(preview.rows))
    .bind(i64::from(preview.added))
    .bind(i64::from(preview.changed))
    .bind(i64::from(preview.unchanged))
    .bind(i64::from(preview.kept))
    .bind(i64::from(preview.problem_count))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Columns of one `parcels` row.
const PARCEL_COLUMNS: usize = 11;

/// Writes added and changed parcels: one multi-row upsert per chunk.
async fn upsert_parcels(
    conn: &mut AnyConnection,
    import: &Import<'_>,
    import_id: i64,
    writes: &[&Planned<'_>],
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for chunk in writes.chunks(rows_per_statement(PARCEL_COLUMNS)) {
        let sql = format!(
            "INSERT INTO parcels (station_id, waybill, day, seq, courier_id, compound, area, \
             fingerprint, payload, import_id, updated_at) VALUES {} \
             ON CONFLICT (station_id, waybill) DO UPDATE SET day = excluded.day, \
             seq = excluded.seq, courier_id = excluded.courier_id, compound = excluded.compound, \
             area = excluded.area, fingerprint = excluded.fingerprint, payload = excluded.payload, \
             import_id = excluded.import_id, updated_at = excluded.updated_at",
            Placeholders::of(conn).rows(chunk.len(), PARCEL_COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for planned in chunk {
            let row = planned.row;
            query = query
                .bind(import.station_id)
                .bind(row.parcel.waybill.as_str())
                .bind(import.day.0)
                .bind(i64::from(row.line))
                .bind(planned.courier_id)
                .bind(row.parcel.recipient.address.compound.as_str())
                .bind(row.area.as_deref())
                .bind(planned.fingerprint.as_str())
                .bind(planned.payload.as_str())
                .bind(import_id)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
