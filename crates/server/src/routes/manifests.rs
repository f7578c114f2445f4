//! `POST /manifests`: a supervisor uploads the day's manifest (CSV or XLSX) and gets a preview;
//! sending it again with the preview's fingerprint stores it.

use crate::clock::now_ms;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::lang::request_lang;
use crate::manifest::read::{read, refused};
use crate::manifest::store::{self, Import};
use crate::manifest::upload::gather;
use crate::session::Supervisor;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use doorstep_core::day::Day;
use doorstep_core::manifest::{ManifestPreview, Problem, RowProblem};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The day the manifest is for; today in Shanghai when absent.
    pub day: Option<Day>,
    /// The `fingerprint` of the preview to store; without it nothing is stored.
    pub confirm: Option<String>,
}

/// Content types a manifest may come as (browsers send `.csv` files under several names).
const ACCEPTED_TYPES: [&str; 6] = [
    "application/octet-stream",
    "text/csv",
    "text/plain",
    "application/csv",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// Reads the file, decides every row against the station's stored parcels and answers what it
/// would do; with `confirm`, stores it in one transaction if nothing changed since that preview.
/// A problem with the file as a whole is a 4xx with its reason; bad rows are listed in the
/// preview and never block the good ones.
#[utoipa::path(post, path = "/manifests", tag = "manifests", params(ImportQuery),
    request_body(description = "The manifest file's bytes: CSV (UTF-8 or GBK/GB18030) or XLSX",
        content(([u8] = "text/csv"), ([u8] = "application/octet-stream"),
                ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, body = ManifestPreview), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    Supervisor(caller): Supervisor,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Body,
) -> Result<ApiJson<ManifestPreview>, ApiError> {
    let lang = request_lang(&headers);
    if !accepted_type(&headers) {
        return Err(refused(&RowProblem::new(
            0,
            None,
            Problem::NotCsvOrXlsx,
            lang,
        )));
    }
    let upload = gather(&headers, body, lang).await?;
    let chunks = read(upload.bytes, lang);
    let import = Import {
        station_id: caller.station_id,
        actor_id: caller.account_id,
        day: query.day.unwrap_or_else(|| Day::of(now_ms())),
        file_sha256: &upload.sha256,
        lang,
    };
    let preview = match query.confirm.as_deref() {
        Some(fingerprint) => store::confirm(&state.db, &import, chunks, fingerprint).await?,
        None => store::preview(&state.db, &import, chunks).await?,
    };
    Ok(ApiJson(preview))
}

fn accepted_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let essence = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    ACCEPTED_TYPES.contains(&essence.as_str())
}
