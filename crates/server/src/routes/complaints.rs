//! `/complaints`: recipients' complaints from the link page, in the supervisor's queue, resolved
//! with a reason (audited).

use crate::audit::{self, Action, Event};
use crate::error::{ApiError, ErrorBody, Text};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Supervisor;
use crate::state::AppState;
use axum::extract::State;
use doorstep_core::api::{ComplaintView, ResolveRequest};
use doorstep_core::link::ComplaintKind;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintQuery {
    /// Only the complaints not resolved yet (the default), or all of them.
    #[serde(default)]
    pub all: bool,
}

type ComplaintRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

const SELECT: &str = "SELECT c.id, c.record_id, r.waybill, a.display_name, c.kind, c.note, c.created_at, c.resolved_at, c.resolution \
     FROM complaints c JOIN records r ON r.id = c.record_id JOIN accounts a ON a.id = c.courier_id";

fn view(
    (id, record_id, waybill, courier, kind, note, created_at, resolved_at, resolution): ComplaintRow,
) -> Option<ComplaintView> {
    Some(ComplaintView {
        id,
        record_id: record_id.parse().ok()?,
        waybill,
        courier,
        kind: ComplaintKind::from_code(&kind)?,
        note,
        created_at,
        resolved_at,
        resolution,
    })
}

/// The station's complaints, newest first.
#[utoipa::path(get, path = "/complaints", tag = "complaints", params(ComplaintQuery),
    responses((status = 200, body = Vec<ComplaintView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiQuery(query): ApiQuery<ComplaintQuery>,
) -> Result<ApiJson<Vec<ComplaintView>>, ApiError> {
    let open_only = if query.all {
        ""
    } else {
        " AND c.resolved_at IS NULL"
    };
    let rows: Vec<ComplaintRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE c.station_id = $1{open_only} ORDER BY c.id DESC LIMIT 500"
    ))
    .bind(caller.station_id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(ApiJson(rows.into_iter().filter_map(view).collect()))
}

/// Longest resolution reason, in characters.
const MAX_REASON_CHARS: usize = 1000;

/// Resolves a complaint with the reason; the recipient's page then shows it as handled.
#[utoipa::path(post, path = "/complaints/{id}/resolve", tag = "complaints", request_body = ResolveRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = ComplaintView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<ResolveRequest>,
) -> Result<ApiJson<ComplaintView>, ApiError> {
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::bad_request(
            "invalid_reason",
            Text::new(
                format!("处理原因须为 1 到 {MAX_REASON_CHARS} 个字符"),
                format!("write a reason of 1 to {MAX_REASON_CHARS} characters"),
            ),
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE complaints SET resolved_at = $1, resolved_by = $2, resolution = $3 \
         WHERE id = $4 AND station_id = $5 AND resolved_at IS NULL",
    )
    .bind(crate::clock::now_ms())
    .bind(caller.account_id)
    .bind(reason)
    .bind(id)
    .bind(caller.station_id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM complaints WHERE id = $1 AND station_id = $2")
                .bind(id)
                .bind(caller.station_id)
                .fetch_optional(&mut **tx)
                .await?;
        return Err(match exists {
            Some(_) => ApiError::Conflict(Text::new(
                "该投诉已处理",
                "this complaint is resolved already",
            )),
            None => ApiError::NotFound,
        });
    }
    audit::append(
        &mut tx,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::ResolveComplaint,
            subject: &id.to_string(),
            detail: reason,
        },
    )
    .await?;
    tx.commit().await?;
    let row: ComplaintRow = sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_one(&state.db.pool)
        .await?;
    view(row).map(ApiJson).ok_or(ApiError::NotFound)
}
