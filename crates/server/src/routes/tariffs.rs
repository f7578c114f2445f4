//! Tariff tables: the station's current table for couriers' devices (cached there for offline
//! quotes), every version ever uploaded, and supervisors' uploads, validated field by field.

use crate::audit::{self, Action, Event};
use crate::error::{ApiError, ErrorBody, FieldProblem, Text};
use crate::extract::{parse_json, ApiJson, ApiPath, JsonProblem};
use crate::lang::request_lang;
use crate::session::{Caller, Supervisor};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use doorstep_core::api::TariffVersion;
use doorstep_core::tariff::{self, TariffTable};
use doorstep_core::Lang;

fn parse_stored(body: &str) -> Result<TariffTable, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// The newest table uploaded for the station, or the built-in sample when there is none.
async fn current(state: &AppState, station_id: i64) -> Result<TariffTable, ApiError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT body FROM tariff_tables WHERE station_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(station_id)
    .fetch_optional(&state.db.pool)
    .await?;
    match row {
        Some((body,)) => parse_stored(&body),
        None => Ok(tariff::sample()),
    }
}

fn etag(version: &str) -> String {
    format!("\"{version}\"")
}

/// The station's current table. Devices send `If-None-Match` with the version they hold and get
/// `304 Not Modified` while it is still current.
#[utoipa::path(get, path = "/tariffs", tag = "tariffs",
    responses((status = 200, body = TariffTable), (status = 304, description = "The device holds the current version"),
              (status = 401, body = ErrorBody)))]
pub async fn current_table(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let table = current(&state, caller.station_id).await?;
    let tag = etag(&table.version);
    let etag_header = HeaderValue::from_str(&tag).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ApiJson(table).into_response()
    };
    response.headers_mut().insert(header::ETAG, etag_header);
    Ok(response)
}

/// Every version of the station's table, newest first, ending with the built-in sample.
#[utoipa::path(get, path = "/tariffs/versions", tag = "tariffs",
    responses((status = 200, body = Vec<TariffVersion>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
) -> Result<ApiJson<Vec<TariffVersion>>, ApiError> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT t.body, t.uploaded_at, a.display_name FROM tariff_tables t \
         JOIN accounts a ON a.id = t.uploaded_by WHERE t.station_id = $1 ORDER BY t.id DESC",
    )
    .bind(caller.station_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut versions = rows
        .iter()
        .map(|(body, at, by)| {
            Ok(TariffVersion::of(
                &parse_stored(body)?,
                Some(*at),
                Some(by.clone()),
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    versions.push(TariffVersion::of(&tariff::sample(), None, None));
    Ok(ApiJson(versions))
}

/// One version, as a record that names it was priced.
#[utoipa::path(get, path = "/tariffs/{version}", tag = "tariffs", params(("version" = String, Path)),
    responses((status = 200, body = TariffTable), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(version): ApiPath<String>,
) -> Result<ApiJson<TariffTable>, ApiError> {
    let sample = tariff::sample();
    if version == sample.version {
        return Ok(ApiJson(sample));
    }
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM tariff_tables WHERE station_id = $1 AND version = $2")
            .bind(caller.station_id)
            .bind(&version)
            .fetch_optional(&state.db.pool)
            .await?
            .ok_or(ApiError::NotFound)?;
    Ok(ApiJson(parse_stored(&body)?))
}

/// Parses an upload, naming the field of any structural error (wrong type, unknown field, unknown
/// zone or carrier), then checks the table's rules, naming every field at fault.
fn parse_upload(body: &[u8], lang: Lang) -> Result<TariffTable, ApiError> {
    let invalid = |details: Vec<FieldProblem>| ApiError::Unprocessable {
        code: "invalid_tariff_table",
        message: Text::new(
            "资费表有误，请按字段修改后重新上传",
            "The tariff table has errors; fix the fields named and upload again",
        ),
        details,
    };
    let table: TariffTable = match parse_json(body) {
        Ok(table) => table,
        Err(JsonProblem::Field { field, message }) => {
            return Err(invalid(vec![FieldProblem {
                field,
                message: message.get(lang).to_string(),
            }]));
        }
        Err(syntax) => return Err(syntax.into()),
    };
    table.validate().map_err(|errors| {
        invalid(
            errors
                .into_iter()
                .map(|e| FieldProblem {
                    message: e.problem.message(lang),
                    field: e.field,
                })
                .collect(),
        )
    })?;
    Ok(table)
}

/// A supervisor uploads a new version for their station. Older versions are kept; a version that
/// exists already is refused (409), so a record's version always means one set of prices.
#[utoipa::path(post, path = "/tariffs", tag = "tariffs", request_body = TariffTable,
    responses((status = 201, body = TariffVersion), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, ApiJson<TariffVersion>), ApiError> {
    let table = parse_upload(&body, request_lang(&headers))?;
    let taken = || {
        ApiError::Conflict(Text::new(
            format!("版本 {} 已存在，请使用新的版本号上传", table.version),
            format!(
                "version {} exists already: upload under a new version",
                table.version
            ),
        ))
    };
    if table.version == tariff::sample().version {
        return Err(taken());
    }
    let stored = serde_json::to_string(&table).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let uploaded_at = crate::clock::now_ms();
    let mut tx = state.db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO tariff_tables (station_id, version, effective_from, body, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(caller.station_id)
    .bind(&table.version)
    .bind(&table.effective_from)
    .bind(&stored)
    .bind(caller.account_id)
    .bind(uploaded_at)
    .execute(&mut **tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(taken()),
        other => other?,
    };
    audit::append(
        &mut tx,
        &Event {
            actor_id: caller.account_id,
            station_id: caller.station_id,
            action: Action::TariffUpload,
            subject: &table.version,
            detail: &table.effective_from,
        },
    )
    .await?;
    tx.commit().await?;
    let (by,): (String,) = sqlx::query_as("SELECT display_name FROM accounts WHERE id = $1")
        .bind(caller.account_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(TariffVersion::of(&table, Some(uploaded_at), Some(by))),
    ))
}
