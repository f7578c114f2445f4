//! `/photos/{id}`: a courier's device sends a photo's bytes once its record has synced; the
//! courier and the station's supervisors see it.

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::photos::names::Viewer;
use crate::photos::serve;
use crate::photos::upload::{self, Accepted};
use crate::session::{Caller, Courier};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use doorstep_core::Role;

/// Stores the photo's bytes under their SHA-256: 201 when stored now, 200 when they were here
/// already, so a device that lost the answer sends again safely.
#[utoipa::path(put, path = "/photos/{id}", tag = "photos",
    params(("id" = String, Path, pattern = "^[0-9a-f]{64}$", description = "SHA-256 of the bytes, lowercase hex")),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, description = "stored"), (status = 200, description = "already stored"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Courier(caller): Courier,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let id = upload::parse_id(&id)?;
    Ok(
        match upload::accept(&state, &caller, &id, &headers, body).await? {
            Accepted::Stored => StatusCode::CREATED,
            Accepted::AlreadyStored => StatusCode::OK,
        },
    )
}

/// The photo, to the courier whose record names it or a supervisor of that record's station.
#[utoipa::path(get, path = "/photos/{id}", tag = "photos",
    params(("id" = String, Path, pattern = "^[0-9a-f]{64}$", description = "SHA-256 of the bytes, lowercase hex")),
    responses((status = 200, description = "the image", content_type = "image/jpeg"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = upload::parse_id(&id)?;
    let viewer = match caller.role {
        Role::Courier => Viewer::Courier(caller.account_id),
        Role::Supervisor | Role::Admin => Viewer::Station(caller.station_id),
    };
    serve::photo(&state, viewer, &id).await
}
