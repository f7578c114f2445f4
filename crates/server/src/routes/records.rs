//! The supervisor's review of their station's synced records: the filtered list, one record's
//! evidence and notes, and the CSV export. Personal data is masked unless the supervisor asks
//! for it, and every such request is written to the audit trail.

use crate::audit::{self, Action, Event};
use crate::clock::now_ms;
use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::photos::names;
use crate::records::export;
use crate::records::query::{fetch_page, parse_cursor, parse_payload, station_record, Selection};
use crate::session::Supervisor;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::api::{
    FlagStatus, MaskedRecipient, NoteRequest, NoteView, PhotoArrival, RecordDetail, RecordFilter,
    RecordPage, RecordSummary, RevisionView,
};
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::sync::Change;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub before: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonalDataQuery {
    /// `1` shows the recipient unmasked; the request is written to the audit trail.
    pub full: Option<u8>,
}

impl PersonalDataQuery {
    fn wants_full(&self) -> bool {
        self.full == Some(1)
    }
}

/// The station's records matching the filter, newest first, masked.
#[utoipa::path(get, path = "/records", tag = "records", params(PageQuery, RecordFilter),
    responses((status = 200, body = RecordPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiQuery(filter): ApiQuery<RecordFilter>,
) -> Result<ApiJson<RecordPage>, ApiError> {
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            Text::new(
                "limit 须在 1 到 200 之间",
                "`limit` must be between 1 and 200",
            ),
        ));
    }
    let before = page.before.as_deref().map(parse_cursor).transpose()?;
    let selection = Selection::new(&state.db, caller.station_id, &filter).await?;
    let mut rows = fetch_page(&state.db, &selection, before.as_ref(), i64::from(limit) + 1).await?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = has_more
        .then(|| {
            rows.last()
                .map(|r| format!("{}_{}", r.received_at, r.record.id))
        })
        .flatten();
    let with_photos: Vec<String> = rows
        .iter()
        .filter(|r| !r.record.photos.is_empty())
        .map(|r| r.record.id.to_string())
        .collect();
    let with_photos: Vec<&str> = with_photos.iter().map(String::as_str).collect();
    let pending = names::pending_counts(&state.db, &with_photos).await?;
    let records = rows
        .iter()
        .map(|row| RecordSummary {
            photos_pending: pending
                .get(&row.record.id.to_string())
                .copied()
                .unwrap_or(0),
            ..row.summary()
        })
        .collect();
    Ok(ApiJson(RecordPage { records, next }))
}

/// One record: every revision with device and server time, the consent evidence, flags and
/// notes. `full=1` adds the unmasked recipient and is audited.
#[utoipa::path(get, path = "/records/{id}", tag = "records", params(("id" = uuid::Uuid, Path), PersonalDataQuery),
    responses((status = 200, body = RecordDetail), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiQuery(personal): ApiQuery<PersonalDataQuery>,
) -> Result<ApiJson<RecordDetail>, ApiError> {
    let (row, _) = station_record(&state.db, caller.station_id, &id).await?;
    let revisions: Vec<(String, i64)> = sqlx::query_as(
        "SELECT payload, received_at FROM record_revisions WHERE record_id = $1 ORDER BY revision",
    )
    .bind(id.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    let revisions = revisions
        .iter()
        .map(|(payload, received_at)| {
            let revision = parse_payload(payload)?;
            Ok(RevisionView {
                revision: revision.revision,
                method: revision.method.code().to_string(),
                outcome: revision.outcome.as_ref().map(|o| o.code().to_string()),
                failed_attempts: revision.failed_attempts,
                revised_at: revision.revised_at,
                received_at: *received_at,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let notes = notes_of(&state, &id).await?;
    let flags = row
        .flags
        .iter()
        .map(|&flag| FlagStatus {
            flag,
            reviewed_by_note: notes
                .iter()
                .rev()
                .find(|n| n.reviewed_flag == Some(flag))
                .map(|n| n.id),
        })
        .collect();
    let full_recipient = if personal.wants_full() {
        audit::append_alone(
            &state.db,
            &Event {
                actor_id: caller.account_id,
                station_id: caller.station_id,
                action: Action::ViewPersonalData,
                subject: &id.to_string(),
                detail: "",
            },
        )
        .await?;
        row.record.recipient.clone()
    } else {
        None
    };
    let photos = names::states(&state.db, &row.record.photos).await?;
    let pending = photos
        .iter()
        .filter(|p| p.state == PhotoArrival::Pending)
        .count();
    Ok(ApiJson(RecordDetail {
        summary: RecordSummary {
            photos_pending: u32::try_from(pending).unwrap_or(u32::MAX),
            ..row.summary()
        },
        recipient: row.record.recipient.as_ref().map(MaskedRecipient::of),
        full_recipient,
        kind: row.record.kind,
        consent: row.record.consent.clone(),
        tariff: row.record.tariff.clone(),
        called_at: row.record.called_at,
        outcome_at: row.record.outcome_at,
        sender_identity: row.record.sender_identity.clone(),
        inspection: row.record.inspection.clone(),
        photos,
        flags,
        revisions,
        notes,
    }))
}

async fn notes_of(state: &AppState, id: &uuid::Uuid) -> Result<Vec<NoteView>, ApiError> {
    let rows: Vec<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT n.id, a.display_name, n.note, n.reviewed_flag, n.created_at FROM supervisor_notes n \
         JOIN accounts a ON a.id = n.author_id WHERE n.record_id = $1 ORDER BY n.id",
    )
    .bind(id.to_string())
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, author, note, reviewed_flag, created_at)| NoteView {
            id,
            author,
            note,
            reviewed_flag: reviewed_flag.as_deref().and_then(ComplianceFlag::from_code),
            created_at,
        })
        .collect())
}

/// Longest note, in characters.
const MAX_NOTE_CHARS: usize = 1000;

/// Adds a note to a record, or marks one of its flags reviewed with a reason. The courier's data
/// is untouched; the note reaches the courier's device with its next sync, and the audit trail.
#[utoipa::path(post, path = "/records/{id}/notes", tag = "records", request_body = NoteRequest,
    params(("id" = uuid::Uuid, Path)),
    responses((status = 201, body = NoteView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn add_note(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiPath(id): ApiPath<uuid::Uuid>,
    ApiJson(request): ApiJson<NoteRequest>,
) -> Result<(StatusCode, ApiJson<NoteView>), ApiError> {
    let note = request.note.trim();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::bad_request(
            "invalid_note",
            Text::new(
                format!("备注须为 1 到 {MAX_NOTE_CHARS} 个字符"),
                format!("write a note of 1 to {MAX_NOTE_CHARS} characters"),
            ),
        ));
    }
    let (row, courier_id) = station_record(&state.db, caller.station_id, &id).await?;
    if let Some(flag) = request.reviewed_flag {
        if !row.flags.contains(&flag) {
            return Err(ApiError::bad_request(
                "flag_not_raised",
                Text::new(
                    "该记录没有这个合规标记",
                    "this record does not carry that flag",
                ),
            ));
        }
    }
    let created_at = now_ms();
    let mut tx = state.db.begin_write().await?;
    let (note_id,): (i64,) = sqlx::query_as(
        "INSERT INTO supervisor_notes (record_id, station_id, courier_id, author_id, note, reviewed_flag, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id.to_string())
    .bind(caller.station_id)
    .bind(courier_id)
    .bind(caller.account_id)
    .bind(note)
    .bind(request.reviewed_flag.map(ComplianceFlag::code))
    .bind(created_at)
    .fetch_one(&mut **tx)
    .await?;
    // The courier's devices learn of it at their next sync.
    let change = Change::SupervisorNote {
        record_id: id,
        note: note.to_string(),
        at: created_at,
        reviewed_flag: request.reviewed_flag,
    };
    crate::changes::notify(&mut tx, courier_id, &change).await?;
    let (action, detail) = match request.reviewed_flag {
        Some(flag) => (Action::Review, format!("{}: {note}", flag.code())),
        None => (Action::Note, note.to_string()),
    };
    audit::append(
        &mut tx,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action,
            subject: &id.to_string(),
            detail: &detail,
        },
    )
    .await?;
    tx.commit().await?;
    let (author,): (String,) = sqlx::query_as("SELECT display_name FROM accounts WHERE id = $1")
        .bind(caller.account_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(NoteView {
            id: note_id,
            author,
            note: note.to_string(),
            reviewed_flag: request.reviewed_flag,
            created_at,
        }),
    ))
}

/// The filtered records as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Chinese text), streamed page by page. Masked unless `full=1`; every export is audited.
#[utoipa::path(get, path = "/records/export.csv", tag = "records", params(RecordFilter, PersonalDataQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_csv(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(filter): ApiQuery<RecordFilter>,
    ApiQuery(personal): ApiQuery<PersonalDataQuery>,
) -> Result<Response, ApiError> {
    let selection = Selection::new(&state.db, caller.station_id, &filter).await?;
    let full = personal.wants_full();
    let subject = filter
        .pairs()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    audit::append_alone(
        &state.db,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: if full {
                Action::ExportPersonalData
            } else {
                Action::Export
            },
            subject: &subject,
            detail: "",
        },
    )
    .await?;
    let stream = export::csv(&state.db, selection, full);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"doorstep-records.csv\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
