//! The supervisor's moves: named parcels, or a compound's, of one day go to another courier of
//! the station. A parcel with an outcome stays; the others leave the first courier's device and
//! reach the second's through the change feed, in the same transaction.

use crate::audit::{self, Action, Event};
use crate::changes::notify_many;
use crate::clock::now_ms;
use crate::db::{lock_for_transaction, rows_per_statement, Db, LockKey, Placeholders};
use crate::error::{ApiError, FieldProblem, Text};
use crate::manifest::lookup;
use crate::session::Caller;
use doorstep_core::assignment::{AssignRequest, AssignResult};
use doorstep_core::manifest::{Column, Parcel, Problem, RouteParcel};
use doorstep_core::sync::Change;
use doorstep_core::Lang;
use sqlx::AnyConnection;

/// Most waybills one move may name.
pub const MAX_WAYBILLS: usize = 10_000;

/// "No courier of this station has this username", naming what was asked for (a username, or
/// the rule whose courier it is) at `field`.
pub fn unknown_courier(field: &str, named: &str, lang: Lang) -> ApiError {
    let message = |lang| {
        format!(
            "{}: {} ({named})",
            Column::Courier.label(lang),
            Problem::UnknownCourier.message(lang)
        )
    };
    ApiError::Unprocessable {
        code: "unknown_courier",
        details: vec![FieldProblem {
            field: field.to_string(),
            message: message(lang),
        }],
        message: Text::new(message(Lang::Zh), message(Lang::En)),
    }
}

pub async fn assign(
    db: &Db,
    caller: &Caller,
    request: &AssignRequest,
    lang: Lang,
) -> Result<AssignResult, ApiError> {
    if request.waybills.len() > MAX_WAYBILLS {
        return Err(ApiError::bad_request(
            "too_many_waybills",
            Text::new(
                format!("一次最多移交 {MAX_WAYBILLS} 个运单"),
                format!("move at most {MAX_WAYBILLS} waybills at once"),
            ),
        ));
    }
    let mut named = request.waybills.iter().chain(&request.compound);
    if named.any(|text| text.contains(char::is_control)) {
        return Err(ApiError::bad_request(
            "invalid_text",
            Text::new(
                "运单号或小区名含有控制字符",
                "a waybill or compound holds control characters",
            ),
        ));
    }
    let mut tx = db.begin_write().await?;
    lock_for_transaction(&mut tx, LockKey::StationParcels(caller.station_id)).await?;
    let couriers = lookup::couriers(&mut tx, caller.station_id).await?;
    let to = *couriers
        .get(request.courier.trim())
        .ok_or_else(|| unknown_courier("courier", request.courier.trim(), lang))?;
    let chosen = chosen_parcels(&mut tx, caller.station_id, request).await?;
    let waybills: Vec<&str> = chosen.iter().map(|(w, ..)| w.as_str()).collect();
    let finished = lookup::with_outcome(&mut tx, caller.station_id, &waybills).await?;
    let mut moves: Vec<(&str, String)> = Vec::new();
    let mut changes = Vec::new();
    let mut kept = 0;
    for (waybill, from, seq, payload) in &chosen {
        if *from == to || finished.contains(waybill) {
            kept += 1;
            continue;
        }
        let parcel: Parcel =
            serde_json::from_str(payload).map_err(|e| ApiError::Internal(Box::new(e)))?;
        moves.push((waybill, lookup::fingerprint(payload, to, request.day)));
        changes.push((
            *from,
            Change::ParcelWithdrawn {
                waybill: parcel.waybill.clone(),
            },
        ));
        changes.push((
            to,
            Change::ParcelAssigned {
                parcel: RouteParcel {
                    day: request.day,
                    seq: u32::try_from(*seq).unwrap_or(u32::MAX),
                    parcel,
                },
            },
        ));
    }
    move_parcels(&mut tx, caller.station_id, to, &moves).await?;
    notify_many(&mut tx, &changes).await?;
    let result = AssignResult {
        moved: moves.len() as u32,
        kept,
    };
    let detail = format!("moved={} kept={}", result.moved, result.kept);
    audit::append(
        &mut tx,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::AssignParcels,
            subject: request.courier.trim(),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// The day's parcels the request names (by waybill, or by compound): waybill, courier, place in
/// the manifest, payload.
async fn chosen_parcels(
    conn: &mut AnyConnection,
    station_id: i64,
    request: &AssignRequest,
) -> Result<Vec<(String, i64, i64, String)>, sqlx::Error> {
    let compound = request
        .compound
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    // Marks in order of appearance: SQLite binds plain `?` by position.
    let marks = Placeholders::of(conn);
    let mut conditions = Vec::new();
    if compound.is_some() {
        conditions.push(format!("compound = {}", marks.list(3, 1)));
    }
    if !request.waybills.is_empty() {
        let first = 3 + usize::from(compound.is_some());
        conditions.push(format!(
            "waybill IN ({})",
            marks.list(first, request.waybills.len())
        ));
    }
    if conditions.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT waybill, courier_id, seq, payload FROM parcels \
         WHERE station_id = {} AND day = {} AND ({})",
        marks.list(1, 1),
        marks.list(2, 1),
        conditions.join(" OR ")
    );
    let mut query = sqlx::query_as(&sql).bind(station_id).bind(request.day.0);
    if let Some(compound) = compound {
        query = query.bind(compound);
    }
    for waybill in &request.waybills {
        query = query.bind(waybill.trim().to_ascii_uppercase());
    }
    query.fetch_all(conn).await
}

/// Gives the parcels to `to` with their new fingerprints: one statement per chunk.
async fn move_parcels(
    conn: &mut AnyConnection,
    station_id: i64,
    to: i64,
    moves: &[(&str, String)],
) -> Result<(), sqlx::Error> {
    for chunk in moves.chunks(rows_per_statement(2) - 2) {
        // VALUES columns are named column1, column2 on both SQLite and PostgreSQL.
        // Marks in order of appearance: SQLite binds plain `?` by position.
        let marks = Placeholders::of(conn);
        let sql = format!(
            "UPDATE parcels SET courier_id = {}, updated_at = {}, fingerprint = v.column2 \
             FROM (VALUES {}) AS v WHERE parcels.station_id = {} AND parcels.waybill = v.column1",
            marks.list(1, 1),
            marks.list(2, 1),
            marks.rows_from(3, chunk.len(), 2),
            marks.list(3 + 2 * chunk.len(), 1),
        );
        let mut query = sqlx::query(&sql).bind(to).bind(now_ms());
        for (waybill, fingerprint) in chunk {
            query = query.bind(*waybill).bind(fingerprint.as_str());
        }
        query = query.bind(station_id);
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
