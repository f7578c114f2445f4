//! Importing a day's manifest, a chunk of lines at a time: the preview says what a file would do,
//! row by row, against what is stored; the confirmation decides again inside one transaction under
//! the station's lock, writing each chunk's parcels and the couriers' change feed as it goes, and
//! rolls it all back when the decisions are no longer those of the preview. Nothing that grows
//! with the file is held beyond its chunk but the running totals.

use crate::audit::{self, Action, Event};
use crate::changes::{lock_feeds, queue_locked};
use crate::clock::now_ms;
use crate::db::{lock_for_transaction, rows_per_statement, Db, LockKey, Placeholders};
use crate::error::{ApiError, Text};
use crate::manifest::lookup;
use crate::manifest::read::Chunks;
use doorstep_core::day::Day;
use doorstep_core::manifest::{
    assignee, CourierParcels, Line, ManifestPreview, ManifestRow, RouteParcel, RowProblem,
    MAX_LISTED_PROBLEMS,
};
use doorstep_core::sync::Change;
use doorstep_core::Lang;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap, HashSet};

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

    fn writes(self) -> bool {
        matches!(self, Decision::Added | Decision::Changed { .. })
    }
}

/// One good row, decided.
struct Planned {
    row: Box<ManifestRow>,
    courier_id: i64,
    payload: String,
    fingerprint: String,
    decision: Decision,
}

/// What the file would do; nothing is written.
pub async fn preview(
    db: &Db,
    import: &Import<'_>,
    mut chunks: Chunks,
) -> Result<ManifestPreview, ApiError> {
    let mut conn = db.pool.acquire().await?;
    let mut plan = Plan::start(&mut conn, import).await?;
    while let Some(lines) = chunks.next().await? {
        plan.decide(&mut conn, lines).await?;
    }
    Ok(plan.finish())
}

/// Stores the file's changes if they are still those of the preview named by `fingerprint`.
pub async fn confirm(
    db: &Db,
    import: &Import<'_>,
    mut chunks: Chunks,
    fingerprint: &str,
) -> Result<ManifestPreview, ApiError> {
    let mut tx = db.begin_write_in(crate::turns::Lane::Batch).await?;
    lock_for_transaction(&mut tx, LockKey::StationParcels(import.station_id)).await?;
    let mut plan = Plan::start(&mut tx, import).await?;
    // Every feed the file may write to, up front and in one order: the chunks name couriers in
    // the file's order, and a move locking two of them in between must not deadlock with us.
    lock_feeds(&mut tx, plan.names.keys().copied()).await?;
    let import_id = insert_import(&mut tx, import).await?;
    while let Some(lines) = chunks.next().await? {
        let writes = plan.decide(&mut tx, lines).await?;
        upsert_parcels(&mut tx, import, import_id, &writes).await?;
        queue_locked(&mut tx, &feed_changes(import.day, &writes)).await?;
    }
    let mut preview = plan.finish();
    if preview.fingerprint != fingerprint {
        return Err(ApiError::Conflict(Text::new(
            "预览之后当天的快件已有变化，请重新预览",
            "the day's parcels changed since the preview; preview again",
        )));
    }
    if preview.added + preview.changed + preview.unchanged + preview.kept == 0 {
        return Err(ApiError::Unprocessable {
            code: "no_good_rows",
            message: Text::new(
                "文件中没有可导入的行，请按问题列表修改后重新上传",
                "No row of the file can be imported; fix the rows listed and upload again",
            ),
            details: Vec::new(),
        });
    }
    count_import(&mut tx, import_id, &preview).await?;
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

/// What the couriers' devices hear of the written rows: a parcel leaves its previous courier and
/// reaches its new one.
fn feed_changes(day: Day, writes: &[Planned]) -> Vec<(i64, Change)> {
    let mut changes = Vec::with_capacity(writes.len());
    for planned in writes {
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
                    day,
                    seq: planned.row.line,
                    parcel: planned.row.parcel.clone(),
                },
            },
        ));
    }
    changes
}

/// A file's import under way: what its rows are decided against, and the running totals.
struct Plan<'i> {
    import: &'i Import<'i>,
    couriers: HashMap<String, i64>,
    rules: HashMap<String, i64>,
    /// Every account of the station, id → username.
    names: HashMap<i64, String>,
    /// Parcels of the day per courier: those stored, moved by each decided row.
    per_courier: HashMap<i64, i64>,
    lines: u32,
    added: u32,
    changed: u32,
    unchanged: u32,
    kept: u32,
    problems: Vec<RowProblem>,
    problem_count: u32,
    /// Names the preview: the file, the day and every line's decision or problem, in file order,
    /// so a confirmation of a preview whose decisions no longer hold (another import, a move, an
    /// outcome in between) is refused.
    digest: Sha256,
}

impl<'i> Plan<'i> {
    async fn start(conn: &mut AnyConnection, import: &'i Import<'i>) -> Result<Self, sqlx::Error> {
        let per_courier: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT courier_id, COUNT(*) FROM parcels WHERE station_id = $1 AND day = $2 \
             GROUP BY courier_id",
        )
        .bind(import.station_id)
        .bind(import.day.0)
        .fetch_all(&mut *conn)
        .await?;
        let mut digest = Sha256::new();
        digest.update(format!("{}\n{}\n", import.file_sha256, import.day.0).as_bytes());
        Ok(Plan {
            import,
            couriers: lookup::couriers(conn, import.station_id).await?,
            rules: lookup::area_rules(conn, import.station_id).await?,
            names: lookup::usernames(conn, import.station_id).await?,
            per_courier: per_courier.into_iter().collect(),
            lines: 0,
            added: 0,
            changed: 0,
            unchanged: 0,
            kept: 0,
            problems: Vec::new(),
            problem_count: 0,
            digest,
        })
    }

    /// Decides one chunk of lines against the stored parcels and counts them; answers the rows
    /// to write.
    async fn decide(
        &mut self,
        conn: &mut AnyConnection,
        lines: Vec<Line>,
    ) -> Result<Vec<Planned>, ApiError> {
        self.lines += lines.len() as u32;
        let mut rows = Vec::with_capacity(lines.len());
        let mut problems = Vec::new();
        for line in lines {
            let row = match line {
                Line::Good(row) => row,
                Line::Bad(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            let courier = assignee(
                &row,
                |username| self.couriers.get(username).copied(),
                |key| self.rules.get(key).copied(),
            );
            match courier {
                Ok(courier_id) => {
                    let payload = serde_json::to_string(&row.parcel)
                        .map_err(|e| ApiError::Internal(Box::new(e)))?;
                    let fingerprint = lookup::fingerprint(&payload, courier_id, self.import.day);
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
                    self.import.lang,
                )),
            }
        }
        // An assignment's problem is found after the reader's problems of later lines.
        problems.sort_by_key(|p| p.line);

        let station_id = self.import.station_id;
        let waybills: Vec<&str> = rows.iter().map(|p| p.row.parcel.waybill.as_str()).collect();
        let stored = stored_parcels(conn, station_id, &waybills).await?;
        let differing: Vec<&str> = rows
            .iter()
            .filter_map(|p| {
                let waybill = p.row.parcel.waybill.as_str();
                let stored = stored.get(waybill)?;
                (stored.fingerprint != p.fingerprint).then_some(waybill)
            })
            .collect();
        let finished = lookup::with_outcome(conn, station_id, &differing).await?;
        for planned in &mut rows {
            let waybill = planned.row.parcel.waybill.as_str();
            planned.decision = decision(planned, stored.get(waybill), &finished);
            self.count(planned, stored.get(waybill));
        }
        self.digest_chunk(&rows, &problems);
        self.problem_count += problems.len() as u32;
        let room = MAX_LISTED_PROBLEMS.saturating_sub(self.problems.len());
        self.problems.extend(problems.into_iter().take(room));
        rows.retain(|p| p.decision.writes());
        Ok(rows)
    }

    /// Adds a decided row to the totals and to its courier's parcels of the day.
    fn count(&mut self, planned: &Planned, stored: Option<&Stored>) {
        match planned.decision {
            Decision::Added => self.added += 1,
            Decision::Changed { .. } => self.changed += 1,
            Decision::Unchanged => self.unchanged += 1,
            Decision::Kept => self.kept += 1,
        }
        if planned.decision.writes() {
            *self.per_courier.entry(planned.courier_id).or_default() += 1;
            if let Some(stored) = stored.filter(|s| s.day == self.import.day.0) {
                *self.per_courier.entry(stored.courier_id).or_default() -= 1;
            }
        }
    }

    /// The chunk's rows and problems into the digest, merged in line order.
    fn digest_chunk(&mut self, rows: &[Planned], problems: &[RowProblem]) {
        let mut problems = problems.iter().peekable();
        let digest_problem = |digest: &mut Sha256, problem: &RowProblem| {
            digest.update(format!("{}\t{:?}\n", problem.line, problem.problem).as_bytes());
        };
        for planned in rows {
            while let Some(problem) = problems.next_if(|p| p.line < planned.row.line) {
                digest_problem(&mut self.digest, problem);
            }
            self.digest.update(
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
            digest_problem(&mut self.digest, problem);
        }
    }

    fn finish(self) -> ManifestPreview {
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for (courier_id, parcels) in &self.per_courier {
            let Ok(parcels @ 1..) = u32::try_from(*parcels) else {
                continue;
            };
            let name = self
                .names
                .get(courier_id)
                .cloned()
                .unwrap_or_else(|| courier_id.to_string());
            *counts.entry(name).or_default() += parcels;
        }
        ManifestPreview {
            day: self.import.day,
            rows: self.lines,
            added: self.added,
            changed: self.changed,
            unchanged: self.unchanged,
            kept: self.kept,
            per_courier: counts
                .into_iter()
                .map(|(courier, parcels)| CourierParcels { courier, parcels })
                .collect(),
            problem_count: self.problem_count,
            fingerprint: hex::encode(self.digest.finalize()),
            problems: self.problems,
            stored: false,
        }
    }
}

/// What a good row does, given the stored parcel of its waybill and which waybills have an
/// outcome.
fn decision(planned: &Planned, stored: Option<&Stored>, finished: &HashSet<String>) -> Decision {
    match stored {
        None => Decision::Added,
        Some(stored) if stored.fingerprint == planned.fingerprint => Decision::Unchanged,
        Some(_) if finished.contains(planned.row.parcel.waybill.as_str()) => Decision::Kept,
        Some(stored) => Decision::Changed {
            previous: stored.courier_id,
        },
    }
}

/// A stored parcel, as much as deciding a row needs.
struct Stored {
    courier_id: i64,
    fingerprint: String,
    day: i64,
}

/// The stored parcels of these waybills at the station, whatever their day.
async fn stored_parcels(
    conn: &mut AnyConnection,
    station_id: i64,
    waybills: &[&str],
) -> Result<HashMap<String, Stored>, sqlx::Error> {
    let mut stored = HashMap::with_capacity(waybills.len());
    for chunk in waybills.chunks(rows_per_statement(1) - 1) {
        // Marks in order of appearance: SQLite binds plain `?` by position.
        let marks = Placeholders::of(conn);
        let sql = format!(
            "SELECT waybill, courier_id, fingerprint, day FROM parcels \
             WHERE station_id = {} AND waybill IN ({})",
            marks.list(1, 1),
            marks.list(2, chunk.len())
        );
        // Planned afresh each time: the import grows `parcels` inside its transaction, and a
        // plan cached while the table was small (a scan of it) would make each chunk slower.
        let mut query = sqlx::query_as::<_, (String, i64, String, i64)>(&sql)
            .persistent(false)
            .bind(station_id);
        for waybill in chunk {
            query = query.bind(*waybill);
        }
        for (waybill, courier_id, fingerprint, day) in query.fetch_all(&mut *conn).await? {
            let parcel = Stored {
                courier_id,
                fingerprint,
                day,
            };
            stored.insert(waybill, parcel);
        }
    }
    Ok(stored)
}

/// The import's row, its counts set by [`count_import`] once the whole file is decided.
async fn insert_import(conn: &mut AnyConnection, import: &Import<'_>) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO manifest_imports (station_id, imported_by, imported_at, day, file_sha256, \
         rows_read, added, changed, unchanged, kept, problems) \
         VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, 0) RETURNING id",
    )
    .bind(import.station_id)
    .bind(import.actor_id)
    .bind(now_ms())
    .bind(import.day.0)
    .bind(import.file_sha256)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

async fn count_import(
    conn: &mut AnyConnection,
    import_id: i64,
    preview: &ManifestPreview,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE manifest_imports SET rows_read = $1, added = $2, changed = $3, unchanged = $4, \
         kept = $5, problems = $6 WHERE id = $7",
    )
    .bind(i64::from(preview.rows))
    .bind(i64::from(preview.added))
    .bind(i64::from(preview.changed))
    .bind(i64::from(preview.unchanged))
    .bind(i64::from(preview.kept))
    .bind(i64::from(preview.problem_count))
    .bind(import_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Columns of one `parcels` row.
const PARCEL_COLUMNS: usize = 11;

/// Writes added and changed parcels: one multi-row upsert per chunk.
async fn upsert_parcels(
    conn: &mut AnyConnection,
    import: &Import<'_>,
    import_id: i64,
    writes: &[Planned],
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
            let row = &planned.row;
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
