//! The supervisor's review of their station's synced records: the filtered list, one record's
//! evidence and notes, and the CSV export. Personal data is masked unless the supervisor asks
//! for it, and every such request is written to the audit trail.

use crate::audit::{self, Action, Event};
use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Supervisor;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::api::{
    FlagStatus, MaskedRecipient, NoteRequest, NoteView, RecordDetail, RecordFilter, RecordPage,
    RecordSummary, RevisionView,
};
use doorstep_core::compliance::ComplianceFlag;
use doorstep_core::export::{self, ExportedRecord};
use doorstep_core::sync::Change;
use doorstep_core::DeliveryRecord;
use futures_util::StreamExt;
use serde::Deserialize;
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::Any;
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

/// A query parameter value, bound by number so one SQL text serves SQLite and PostgreSQL.
#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause over `records r` for one station and filter, with its parameters.
#[derive(Debug, Clone)]
struct Selection {
    sql: String,
    binds: Vec<Bind>,
    /// Filtered by a flag: the rows come from that flag's index `record_flags f`, newest first,
    /// so a page costs the same whether the flag is common or rare.
    by_flag: bool,
    /// Filtered by capture time: that range's index holds the page's keys, so they are picked
    /// from the index alone before the page's rows are read (see [`fetch_raw_page`]).
    by_capture_time: bool,
}

impl Selection {
    async fn new(
        db: &crate::db::Db,
        station_id: i64,
        filter: &RecordFilter,
    ) -> Result<Selection, ApiError> {
        let mut selection = Selection {
            sql: "r.station_id = $1".into(),
            binds: vec![Bind::Int(station_id)],
            by_flag: false,
            by_capture_time: filter.captured_from.is_some() || filter.captured_to.is_some(),
        };
        let times = [
            ("r.captured_at >=", filter.captured_from),
            ("r.captured_at <", filter.captured_to),
            ("r.received_at >=", filter.received_from),
            ("r.received_at <", filter.received_to),
        ];
        for (condition, value) in times {
            if let Some(ms) = value {
                selection.and(&format!("{condition} $?"), [Bind::Int(ms)]);
            }
        }
        let codes = [
            ("r.outcome = $?", &filter.outcome),
            ("r.method = $?", &filter.method),
            ("r.consent_channel = $?", &filter.consent_channel),
            ("r.carrier = $?", &filter.carrier),
        ];
        for (condition, value) in codes {
            if let Some(code) = value.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                selection.and(condition, [Bind::Text(code.to_string())]);
            }
        }
        if let Some(courier) = filter.courier.as_deref().map(str::trim) {
            if !courier.is_empty() {
                // Resolved first: `courier_id = <one id>` walks the courier's index newest first,
                // where an `IN (subquery)` would make the database sort all their records.
                let ids: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM accounts WHERE station_id = $1 AND (username = $2 OR staff_no = $2)",
                )
                .bind(station_id)
                .bind(courier)
                .fetch_all(&db.pool)
                .await?;
                match ids.as_slice() {
                    [(id,)] => selection.and("r.courier_id = $?", [Bind::Int(*id)]),
                    ids => {
                        let list = vec!["$?"; ids.len().max(1)].join(", ");
                        // No such courier: `-1` is no account's id, so nothing matches.
                        let binds = if ids.is_empty() {
                            vec![-1]
                        } else {
                            ids.iter().map(|(id,)| *id).collect()
                        };
                        selection.and(
                            &format!("r.courier_id IN ({list})"),
                            binds.into_iter().map(Bind::Int),
                        );
                    }
                }
            }
        }
        if let Some(flag) = filter.flag {
            selection.and(
                "f.station_id = $1 AND f.flag = $?",
                [Bind::Text(flag.code().into())],
            );
            selection.by_flag = true;
        }
        if let Some(waybill) = filter.waybill.as_deref().map(str::trim) {
            if !waybill.is_empty() {
                let (low, high) = suffix_range(waybill)?;
                selection.and(
                    "r.waybill_reversed >= $? AND r.waybill_reversed < $?",
                    [Bind::Text(low), Bind::Text(high)],
                );
            }
        }
        Ok(selection)
    }

    /// Adds `AND condition`, numbering each `$?` in turn.
    fn and(&mut self, condition: &str, binds: impl IntoIterator<Item = Bind>) {
        let mut text = condition.to_string();
        for bind in binds {
            self.binds.push(bind);
            text = text.replacen("$?", &format!("${}", self.binds.len()), 1);
        }
        self.sql.push_str(" AND ");
        self.sql.push_str(&text);
    }

    fn bind_to<'q, O>(
        &self,
        mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for bind in &self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

/// The range of reversed waybills that end with `tail`: `[tail reversed, next string)`.
fn suffix_range(tail: &str) -> Result<(String, String), ApiError> {
    if !tail.chars().all(|c| c.is_ascii_alphanumeric()) || tail.len() > 40 {
        return Err(ApiError::bad_request(
            "invalid_waybill",
            Text::new(
                "请按运单号的字母和数字搜索（最多 40 位）",
                "search a waybill by its letters and digits (at most 40)",
            ),
        ));
    }
    let low = crate::records::store::reversed(&tail.to_ascii_uppercase());
    let mut high = low.clone().into_bytes();
    if let Some(last) = high.last_mut() {
        // ASCII alphanumerics are below 0x7f, so the increment stays ASCII.
        *last += 1;
    }
    Ok((low, String::from_utf8(high).unwrap_or_default()))
}

/// Keyset position: newest first by server receive time, then id.
fn parse_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_cursor",
            Text::new(
                "before 须为上一页返回的 next 值",
                "`before` must be a `next` value from a previous page",
            ),
        )
    };
    let (at, id) = cursor.split_once('_').ok_or_else(bad)?;
    let at: i64 = at.parse().map_err(|_| bad())?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at, id.to_string()))
}

/// A stored record with what the list shows beside it.
struct StoredRow {
    record: DeliveryRecord,
    courier: String,
    received_at: i64,
    flags: Vec<ComplianceFlag>,
}

impl StoredRow {
    fn summary(&self) -> RecordSummary {
        RecordSummary::masked(
            &self.record,
            self.courier.clone(),
            self.received_at,
            self.flags.clone(),
        )
    }
}

fn parse_flags(codes: &str) -> Vec<ComplianceFlag> {
    codes
        .split(',')
        .filter_map(ComplianceFlag::from_code)
        .collect()
}

fn parse_payload(payload: &str) -> Result<DeliveryRecord, ApiError> {
    serde_json::from_str(payload).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// A stored row as read, before its payload is parsed: id, payload, receive time, courier's
/// name, flag codes.
type RawRow = (String, String, i64, String, String);
/// The columns of a [`RawRow`], over `records r` and `accounts a`.
const RAW_COLUMNS: &str = "r.id, r.payload, r.received_at, a.display_name, r.flags";

/// One keyset page of the selection, newest first, after `before` when given.
async fn fetch_page(
    state: &AppState,
    selection: &Selection,
    before: Option<&(i64, String)>,
    limit: i64,
) -> Result<Vec<StoredRow>, ApiError> {
    fetch_raw_page(state, selection, before, limit)
        .await?
        .into_iter()
        .map(parse_row)
        .collect()
}

/// [`fetch_page`] without parsing, so an export can read the next page while it writes this one.
async fn fetch_raw_page(
    state: &AppState,
    selection: &Selection,
    before: Option<&(i64, String)>,
    limit: i64,
) -> Result<Vec<RawRow>, ApiError> {
    let (sql, selection) = raw_page_query(selection, before, limit);
    Ok(selection
        .bind_to(sqlx::query_as(&sql))
        .fetch_all(&state.db.pool)
        .await?)
}

/// The statement of one keyset page of [`RawRow`]s, and the selection with its parameters.
fn raw_page_query(
    selection: &Selection,
    before: Option<&(i64, String)>,
    limit: i64,
) -> (String, Selection) {
    let mut selection = selection.clone();
    // A flag's rows carry their record's receive time, so both orders are the same order.
    let (from, at, id_column) = if selection.by_flag {
        (
            "record_flags f JOIN records r ON r.id = f.record_id",
            "f.received_at",
            "f.record_id",
        )
    } else {
        ("records r", "r.received_at", "r.id")
    };
    if let Some((before_at, before_id)) = before {
        // The plain `<=` lets the index seek to the cursor; the `OR` alone makes SQLite walk
        // every newer row first, so each page of an export would cost more than the last.
        selection.and(
            &format!("{at} <= $? AND ({at} < $? OR ({at} = $? AND {id_column} < $?))"),
            [
                Bind::Int(*before_at),
                Bind::Int(*before_at),
                Bind::Int(*before_at),
                Bind::Text(before_id.clone()),
            ],
        );
    }
    selection.binds.push(Bind::Int(limit));
    let (filter, limit_param) = (&selection.sql, selection.binds.len());
    let sql = if selection.by_capture_time && !selection.by_flag {
        // A week of one courier is thousands of index entries to sort by receive time; reading
        // each one's row first (the payload with it) is what made this filter slow. The unary
        // `+` keeps PostgreSQL off the newest-first index: its planner expects matches spread
        // evenly and walks newest first, but a week two months back lies behind 300,000 newer
        // rows (measured: 1 s instead of 25 ms). The cost grows with the range: all six months of
        // a million records take 0.3 s.
        format!(
            "SELECT {RAW_COLUMNS} FROM \
             (SELECT r.id AS id, r.received_at AS at FROM records r WHERE {filter} \
              ORDER BY +r.received_at DESC, r.id DESC LIMIT ${limit_param}) page \
             JOIN records r ON r.id = page.id JOIN accounts a ON a.id = r.courier_id \
             ORDER BY page.at DESC, page.id DESC"
        )
    } else {
        // Here the index walked is already in page order: rows are read as it goes.
        format!(
            "SELECT {RAW_COLUMNS} FROM {from} JOIN accounts a ON a.id = r.courier_id \
             WHERE {filter} ORDER BY {at} DESC, {id_column} DESC LIMIT ${limit_param}"
        )
    };
    (sql, selection)
}

fn parse_row((_, payload, received_at, courier, flags): RawRow) -> Result<StoredRow, ApiError> {
    Ok(StoredRow {
        record: parse_payload(&payload)?,
        courier,
        received_at,
        flags: parse_flags(&flags),
    })
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
    let mut rows = fetch_page(&state, &selection, before.as_ref(), i64::from(limit) + 1).await?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = has_more
        .then(|| {
            rows.last()
                .map(|r| format!("{}_{}", r.received_at, r.record.id))
        })
        .flatten();
    Ok(ApiJson(RecordPage {
        records: rows.iter().map(StoredRow::summary).collect(),
        next,
    }))
}

/// The record if it belongs to the caller's station; another station's record is "not found".
async fn station_record(
    state: &AppState,
    station_id: i64,
    id: &uuid::Uuid,
) -> Result<(StoredRow, i64), ApiError> {
    let row: Option<(String, i64, String, String, i64)> = sqlx::query_as(
        "SELECT r.payload, r.received_at, a.display_name, r.flags, r.courier_id FROM records r \
         JOIN accounts a ON a.id = r.courier_id WHERE r.id = $1 AND r.station_id = $2",
    )
    .bind(id.to_string())
    .bind(station_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let (payload, received_at, courier, flags, courier_id) = row.ok_or(ApiError::NotFound)?;
    Ok((
        StoredRow {
            record: parse_payload(&payload)?,
            courier,
            received_at,
            flags: parse_flags(&flags),
        },
        courier_id,
    ))
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
    let (row, _) = station_record(&state, caller.station_id, &id).await?;
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
    Ok(ApiJson(RecordDetail {
        summary: row.summary(),
        recipient: row.record.recipient.as_ref().map(MaskedRecipient::of),
        full_recipient,
        kind: row.record.kind,
        consent: row.record.consent.clone(),
        tariff: row.record.tariff.clone(),
        called_at: row.record.called_at,
        outcome_at: row.record.outcome_at,
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
    let (row, courier_id) = station_record(&state, caller.station_id, &id).await?;
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
    let created_at = crate::clock::now_ms();
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

/// Rows fetched per round trip while exporting: memory stays flat whatever the station's size.
const EXPORT_PAGE: i64 = 1000;

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
    let mut head = String::from("\u{feff}");
    push_csv_line(&mut head, export::HEADER);
    // Two stages, so the database reads the next page while this task parses and writes the
    // current one. The channel holds two pages: memory stays flat whatever the row count.
    let (pages, received) = tokio::sync::mpsc::channel(2);
    match state.db.sqlite_file.clone() {
        Some(file) => {
            tokio::task::spawn_blocking(move || {
                read_sqlite_export_pages(&file, &selection, &pages)
            });
        }
        None => {
            tokio::spawn(read_export_pages(state, selection, pages));
        }
    }
    let rows = futures_util::stream::unfold(Some(received), move |received| async move {
        let mut received = received?;
        let page = received.recv().await?;
        let chunk = page.and_then(|rows| {
            let mut chunk = String::new();
            for (_, payload, received_at, courier, flags) in &rows {
                let record = ExportedRecord::from_json(payload)
                    .map_err(|e| ApiError::Internal(Box::new(e)))?;
                let flags = parse_flags(flags);
                push_csv_line(
                    &mut chunk,
                    record.cells(courier, &flags, *received_at, full),
                );
            }
            Ok(chunk)
        });
        match chunk {
            Ok(chunk) => Some((Ok(Bytes::from(chunk)), Some(received))),
            Err(e) => {
                // The status line is gone; cutting the stream makes the download fail visibly.
                tracing::error!(error = %e, "export failed");
                Some((Err(std::io::Error::other("export failed")), None))
            }
        }
    });
    let stream = futures_util::stream::once(async move { Ok(Bytes::from(head)) }).chain(rows);
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

/// Where an export sends its pages, two at most in flight.
type PageSender = tokio::sync::mpsc::Sender<Result<Vec<RawRow>, ApiError>>;

/// Sends the selection's pages in order until the last one, an error, or the download's end
/// (the receiver dropped).
async fn read_export_pages(state: AppState, selection: Selection, pages: PageSender) {
    let mut before = None;
    loop {
        let page = fetch_raw_page(&state, &selection, before.as_ref(), EXPORT_PAGE).await;
        let next = next_cursor(&page);
        if pages.send(page).await.is_err() {
            return;
        }
        match next {
            Some(cursor) => before = Some(cursor),
            None => return,
        }
    }
}

/// [`read_export_pages`] on SQLite, with a connection of its own on this blocking thread. sqlx
/// hands every row from its SQLite thread to the async side on its own (a thread wake-up and an
/// `AnyRow` copy per row: profiled, half an export's CPU, where SQLite's own work was a tenth);
/// here a page crosses threads at once.
fn read_sqlite_export_pages(file: &std::path::Path, selection: &Selection, pages: &PageSender) {
    let opened = rusqlite::Connection::open_with_flags(
        file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|connection| {
        connection.execute_batch(crate::db::SQLITE_SETTINGS)?;
        Ok(connection)
    });
    let connection = match opened {
        Ok(connection) => connection,
        Err(e) => {
            let _ = pages.blocking_send(Err(ApiError::Internal(Box::new(e))));
            return;
        }
    };
    let mut before = None;
    loop {
        let page = read_sqlite_page(&connection, selection, before.as_ref())
            .map_err(|e| ApiError::Internal(Box::new(e)));
        let next = next_cursor(&page);
        if pages.blocking_send(page).is_err() {
            return;
        }
        match next {
            Some(cursor) => before = Some(cursor),
            None => return,
        }
    }
}

/// One export page of [`raw_page_query`], read with `connection`. The statement's parameters are
/// numbered (`$1`) as everywhere in the server; a column of another type than expected (or NULL)
/// is an error, as with sqlx.
fn read_sqlite_page(
    connection: &rusqlite::Connection,
    selection: &Selection,
    before: Option<&(i64, String)>,
) -> Result<Vec<RawRow>, rusqlite::Error> {
    let (sql, selection) = raw_page_query(selection, before, EXPORT_PAGE);
    let mut statement = connection.prepare(&sql)?;
    for (number, bind) in (1..).zip(&selection.binds) {
        let Some(index) = statement.parameter_index(&format!("${number}"))? else {
            continue;
        };
        match bind {
            Bind::Int(value) => statement.raw_bind_parameter(index, value)?,
            Bind::Text(value) => statement.raw_bind_parameter(index, value)?,
        }
    }
    let mut rows = Vec::with_capacity(EXPORT_PAGE as usize);
    let mut result = statement.raw_query();
    while let Some(row) = result.next()? {
        rows.push((
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        ));
    }
    Ok(rows)
}

/// Where the export goes on after `page`: its last row, unless it was the last page or failed.
fn next_cursor(page: &Result<Vec<RawRow>, ApiError>) -> Option<(i64, String)> {
    match page {
        Ok(rows) if rows.len() == EXPORT_PAGE as usize => rows
            .last()
            .map(|(id, _, received_at, _, _)| (*received_at, id.clone())),
        _ => None,
    }
}

/// Appends one RFC 4180 line. A field a spreadsheet would run as a formula gets a leading `'`.
fn push_csv_line(out: &mut String, fields: impl IntoIterator<Item = impl AsRef<str>>) {
    for (i, field) in fields.into_iter().enumerate() {
        let field = field.as_ref();
        if i > 0 {
            out.push(',');
        }
        // Bytes, not chars: these are ASCII, which never occurs inside a multi-byte character,
        // and decoding every character for the test was a sixth of an export's CPU.
        let quoted = field
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
        if quoted {
            out.push('"');
        }
        if field.starts_with(['=', '+', '-', '@']) {
            out.push('\'');
        }
        if quoted {
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_range_covers_exactly_the_tail() {
        let (low, high) = suffix_range("0123").unwrap();
        assert_eq!((low.as_str(), high.as_str()), ("3210", "3211"));
        let record = crate::records::store::reversed("SF1234567890123");
        assert!(record.as_str() >= low.as_str() && record.as_str() < high.as_str());
        assert!(suffix_range("12%").is_err());
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut line = String::new();
        push_csv_line(&mut line, ["a,b", "say \"hi\"", "=1+1", "张三", "-1,5"]);
        assert_eq!(line, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,张三,\"'-1,5\"\r\n");
    }
}
